//! `:messages`: the recent toasts, newest first, each whole (wrapped to the width), with its
//! time and whether it was an error.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::domain::cells;
use crate::tui::flows::messages::Messages;
use crate::tui::format;
use crate::tui::model::{Model, ToastLevel};
use crate::tui::theme::Theme;

pub fn render(model: &Model, state: &Messages, theme: &Theme, frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Line::from(Span::styled(
            format!(
                " Messages · {} (newest first, last {}) · j/k scroll · Esc closes ",
                model.messages.len(),
                crate::tui::flows::messages::KEPT
            ),
            theme.title(true),
        )));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if model.messages.is_empty() {
        frame.render_widget(Paragraph::new("No messages yet.").style(theme.dim()), inner);
        return;
    }
    let width = inner.width as usize;
    let height = inner.height as usize;
    // `HH:MM:SS error ` before the text; the text wraps under itself.
    const LEAD: usize = 8 + 1 + 5 + 1;
    let text_w = width.saturating_sub(LEAD).max(1);
    let cursor = &state.cursor;
    let window = cursor.window(model.messages.len(), height);
    let rows: Vec<Vec<Line>> = model
        .messages
        .iter()
        .rev()
        .enumerate()
        .skip(window.start)
        .take(height.max(1) + cursor.index.saturating_sub(window.start))
        .map(|(i, t)| {
            let (label, style) = match t.level {
                ToastLevel::Error => ("error", theme.error()),
                ToastLevel::Info => ("info ", theme.info()),
            };
            let mut lines = Vec::new();
            for (n, part) in t
                .text
                .split('\n')
                .flat_map(|l| cells::wrap(l, text_w))
                .enumerate()
            {
                let lead = if n == 0 {
                    vec![
                        Span::styled(
                            format!("{} ", format::clock(t.born, &model.tz)),
                            theme.dim(),
                        ),
                        Span::styled(format!("{label} "), style),
                    ]
                } else {
                    vec![Span::raw(" ".repeat(LEAD))]
                };
                let mut line = Line::from(lead);
                line.push_span(Span::raw(part));
                if i == cursor.index {
                    line = line.style(theme.selected(true));
                }
                lines.push(line);
            }
            lines
        })
        .collect();
    let heights: Vec<usize> = rows.iter().map(Vec::len).collect();
    let skip = super::first_shown(&heights, 0, cursor.index - window.start, height);
    let mut lines: Vec<Line> = rows.into_iter().skip(skip).flatten().collect();
    lines.truncate(height);
    frame.render_widget(Paragraph::new(lines), inner);
}
