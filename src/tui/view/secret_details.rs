//! The details of one secret over the panes: everything pane 3 has no room for.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::domain::duration::{Style, format as length};
use crate::tui::flows::secret_details::SecretDetails;
use crate::tui::format;
use crate::tui::model::Model;
use crate::tui::theme::Theme;

pub fn render(model: &Model, state: &SecretDetails, theme: &Theme, frame: &mut Frame, area: Rect) {
    let app = model.apps.get(&state.app_id);
    let secret = app.and_then(|a| a.secrets.iter().find(|s| s.id == state.secret_id));
    let field = |label: &'static str, value: Vec<Span<'static>>| {
        let mut spans = vec![Span::styled(format!("{label:<12} "), theme.label())];
        spans.extend(value);
        Line::from(spans)
    };
    let mut lines = Vec::new();
    if let Some(app) = app {
        lines.push(field("App", vec![Span::raw(format::owned(&app.name))]));
        lines.push(field("Client id", vec![Span::raw(format::owned(&app.id))]));
    }
    match secret {
        None => lines.push(Line::from(format!(
            "Secret #{} is not in the app's list any more (deleted, or the app is gone).",
            state.secret_id
        ))),
        Some(s) => {
            let when = |t| {
                format!(
                    "{} {}",
                    format::date(t, &model.tz),
                    format::clock(t, &model.tz)
                )
            };
            lines.push(field("Id", vec![Span::raw(s.id.to_string())]));
            lines.push(field(
                "Description",
                vec![Span::raw(format::owned(
                    s.description.as_deref().unwrap_or("(no description)"),
                ))],
            ));
            lines.push(field("Created", vec![Span::raw(when(s.creation_time))]));
            let expires = match s.expiry_time {
                None => vec![Span::raw("never")],
                Some(t) => {
                    let left = t.duration_since(model.now).as_secs();
                    let urgency = format::urgency(Some(t), model.now);
                    let state = if left > 0 {
                        format!("in {}", length(left, Style::Badge))
                    } else {
                        format!("expired {} ago", length(-left, Style::Badge))
                    };
                    vec![
                        Span::raw(format!("{} · ", when(t))),
                        Span::styled(state, theme.urgency(urgency)),
                    ]
                }
            };
            lines.push(field("Expires", expires));
            let age = model.now.duration_since(s.creation_time).as_secs().max(0);
            lines.push(field("Age", vec![Span::raw(length(age, Style::Badge))]));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Esc, q or Enter closes",
        theme.dim(),
    )));

    let width = area.width.saturating_sub(4).min(72);
    let inner_width = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_width))
        .sum();
    let rect = super::app_form::centered(area, width, rows as u16 + 2);
    let block = super::app_form::popup_block(theme, format!(" Secret #{} ", state.secret_id));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
