//! The top line: organization, identity host, profile, read-only and insecure states, token
//! time left.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::format;
use crate::tui::model::Model;
use crate::tui::theme::Theme;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let opts = &model.opts;
    let mut left = vec![
        Span::styled(" extapps ", theme.header_key()),
        Span::styled(format!(" org {} ", opts.organization), theme.header()),
        Span::styled(format!("· {} ", opts.identity_host), theme.header()),
    ];
    if let Some(p) = &opts.profile {
        left.push(Span::styled(format!("· profile {p} "), theme.header()));
    }
    if opts.read_only {
        left.push(Span::styled(" READ-ONLY ", theme.warning_badge()));
    }
    if opts.insecure {
        // Certificate checks are off: say so for as long as the session lasts.
        left.push(Span::styled(" INSECURE TLS ", theme.warning_badge()));
    }
    let token = match model.token_expires {
        Some(t) => format!("token {} ", format::time_left(Some(t), model.now)),
        None => "token … ".to_owned(),
    };
    // `? help` is on the hint bar at the bottom, at every width.
    let right: Vec<Span> = vec![Span::styled(format!(" {token}"), theme.header())];
    let width = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    // On a narrow terminal the profile goes: never the org or token.
    if width(&left) + width(&right) > area.width as usize && opts.profile.is_some() {
        left.remove(3);
    }
    let used = width(&left) + width(&right);
    let gap = (area.width as usize).saturating_sub(used);
    left.push(Span::styled(" ".repeat(gap), theme.header()));
    left.extend(right);
    frame.render_widget(Paragraph::new(Line::from(left)).style(theme.header()), area);
}
