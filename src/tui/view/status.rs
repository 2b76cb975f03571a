//! The bottom line: requests in flight with a spinner, last refresh, and the current toast.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use crate::domain::cells;
use crate::tui::format;
use crate::tui::model::{Model, ToastLevel};
use crate::tui::theme::Theme;

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    let n = model.shown_requests();
    if n > 0 {
        let spin = SPINNER[(model.spinner % SPINNER.len() as u64) as usize];
        let what = if n == 1 { "request" } else { "requests" };
        spans.push(Span::styled(format!(" {spin} {n} {what} "), theme.key()));
    } else {
        spans.push(Span::styled(" ● idle ", theme.dim()));
    }
    // How far the details are matters more than when the list came: it goes first.
    if let Some(text) = crate::tui::details::status_text(model) {
        spans.push(Span::styled(format!("│ {text} "), theme.key()));
    }
    spans.push(refreshed(model, theme));
    let auto = match (model.opts.auto_refresh, model.last_list_answer) {
        (Some(every), Some(last)) => {
            let next = jiff::SignedDuration::try_from(every)
                .map(|d| format!(", next {}", format::clock(last + d, &model.tz)))
                .unwrap_or_default();
            Some(Span::styled(
                format!(
                    "│ auto {}{next} ",
                    crate::domain::duration::format(
                        every.as_secs() as i64,
                        crate::domain::duration::Style::Badge
                    )
                ),
                theme.dim(),
            ))
        }
        _ => None,
    };
    let mut toast_spans = vec![Span::raw("│ ")];
    if let Some(toast) = model.current_toast() {
        match toast.level {
            // The text of an error is in its box above; the status line only counts them.
            ToastLevel::Error => {
                let errors = model.error_count();
                let what = if errors == 1 { "error" } else { "errors" };
                toast_spans.push(Span::styled(format!(" ✗ {errors} {what} "), theme.error()));
                toast_spans.push(Span::styled(" Esc dismisses", theme.dim()));
            }
            ToastLevel::Info => {
                // Cut where the line ends, with a mark; `:messages` shows it whole.
                let used: usize = spans.iter().chain(&toast_spans).map(Span::width).sum();
                // Less the `• ` before the text.
                let room = (area.width as usize).saturating_sub(used + 2);
                let text = cells::cut(&toast.text.replace('\n', " "), room);
                toast_spans.push(Span::styled(format!("• {text}"), theme.info()));
            }
        }
    }
    // The next refresh is the least of it: a message on the line wins its room.
    let width = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    if let Some(auto) = auto {
        let room = usize::from(area.width);
        if toast_spans.len() == 1 || width(&spans) + auto.width() + width(&toast_spans) <= room {
            spans.push(auto);
        }
    }
    spans.extend(toast_spans);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// When the list on screen was loaded; after a failed refresh, that it failed and how old
/// the list still shown is.
fn refreshed(model: &Model, theme: &Theme) -> Span<'static> {
    let clock = |t| format::clock(t, &model.tz);
    match (&model.list_error, model.last_refresh) {
        (Some(error), Some(t)) => Span::styled(
            format!(
                "│ ✗ refresh failed {}, list from {} ({}) ",
                clock(error.at),
                clock(t),
                format::ago(t, model.now)
            ),
            theme.error(),
        ),
        // The app pane says what failed.
        (Some(_), None) => Span::styled("│ not loaded ", theme.error()),
        (None, Some(t)) => Span::styled(
            format!("│ refreshed {} ({}) ", clock(t), format::ago(t, model.now)),
            theme.dim(),
        ),
        (None, None) => Span::styled("│ not loaded yet ", theme.dim()),
    }
}

/// The newest error, wrapped in a box at the bottom right of the panes: errors are long
/// and must be readable whole. It stays until dismissed.
pub fn render_error_box(model: &Model, theme: &Theme, frame: &mut Frame, body: Rect) {
    let Some(error) = model
        .toasts
        .iter()
        .rev()
        .find(|t| t.level == ToastLevel::Error)
    else {
        return;
    };
    let width = body.width.saturating_sub(2).min(72);
    let text_width = width.saturating_sub(2).max(1) as usize;
    let lines = format::width(&error.text).div_ceil(text_width) + 1;
    let height = (lines as u16 + 2).min(body.height / 2).max(3);
    let area = Rect {
        x: body.right() - width - 1,
        y: body.bottom() - height - 1,
        width,
        height,
    };
    let errors = model.error_count();
    let title = if errors > 1 {
        format!(" Error (1 of {errors}) · Esc dismisses ")
    } else {
        " Error · Esc dismisses ".to_owned()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.urgency(crate::tui::format::Urgency::Expired))
        .title(Line::from(Span::styled(title, theme.error())));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(error.text.as_str())
            .block(block)
            .wrap(Wrap { trim: true }),
        area,
    );
}
