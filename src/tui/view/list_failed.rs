//! The app pane when the list could not be loaded and no list was ever loaded: what went
//! wrong and how to try again, never "This organization has no external apps".

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::format;
use crate::tui::keymap::{Action, key_for};
use crate::tui::model::Model;
use crate::tui::theme::Theme;

/// The commands that find the cause, with what each shows.
const DIAGNOSTICS: [(&str, &str); 2] = [
    ("extapps config show", "settings in use"),
    ("extapps token", "tests signing in"),
];

/// Whether the pane shows a failed load: a list request failed and none ever arrived.
pub fn shows(model: &Model) -> bool {
    model.last_refresh.is_none() && model.list_error.is_some() && model.apps.is_empty()
}

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(error) = &model.list_error else {
        return;
    };
    let refresh = key_for(Action::Refresh).unwrap_or_default();
    let mut lines = vec![
        Line::from(Span::styled(
            "✗ The organization's apps could not be loaded.",
            theme.error(),
        )),
        Line::from(format!(
            "{} (at {})",
            error.text,
            format::clock(error.at, &model.tz)
        )),
        Line::default(),
    ];
    let retry = if model.awaiting_apps.is_some() {
        "Trying again…".to_owned()
    } else {
        let auto = model
            .opts
            .auto_refresh
            .and_then(|every| jiff::SignedDuration::try_from(every).ok())
            .map(|every| {
                format!(
                    "; on its own at {}",
                    format::clock(error.at + every, &model.tz)
                )
            })
            .unwrap_or_default();
        format!("{refresh} tries again{auto}.")
    };
    lines.push(Line::from(Span::styled(retry, theme.key())));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("To find the cause:", theme.dim())));
    for (command, what) in DIAGNOSTICS {
        lines.push(Line::from(vec![
            Span::styled(format!("  {command}"), theme.key()),
            Span::styled(format!("  {what}"), theme.dim()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
