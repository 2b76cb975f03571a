//! The screen extapps opens with no settings at all: how a new admin gets credentials, from
//! the one onboarding text the CLI prints too, and the keys that leave it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use crate::domain::onboarding::{STEPS, TITLE};
use crate::tui::theme::Theme;

/// The keys of the screen, as its last line names them.
pub const KEYS: [(&str, &str); 2] = [
    ("d", "try the demo now"),
    ("q", "quit (the steps stay printed in the terminal)"),
];

pub fn render(theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(" extapps ", theme.title(true)))),
        top,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .title(Line::from(Span::styled(
            format!(" {TITLE} "),
            theme.title(true),
        )));
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let text_area = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let mut lines = Vec::new();
    for step in STEPS {
        lines.push(Line::from(step));
        lines.push(Line::default());
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), text_area);
    let mut keys = Vec::new();
    for (key, what) in KEYS {
        keys.push(Span::styled(format!(" {key} "), theme.key()));
        keys.push(Span::styled(format!("{what}  "), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(keys)), bottom);
}
