//! The `:` line, drawn over the status line, with the completion hint to its right.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::model::Model;
use crate::tui::theme::Theme;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let input = &model.command.input;
    let width = area.width.saturating_sub(2) as usize;
    let scroll = input.visual_scroll(width);
    let text: String = input.value().chars().skip(scroll).collect();
    let mut spans = vec![Span::styled(":", theme.key()), Span::raw(text.clone())];
    let hint =
        model.command.hint.clone().unwrap_or_else(|| {
            "  Tab completes · ↑↓ history · Enter runs · Esc cancels".to_owned()
        });
    spans.push(Span::styled(format!("   {hint}"), theme.dim()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let x = area.x + 1 + (input.visual_cursor().saturating_sub(scroll)) as u16;
    frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
}
