//! The bottom line: requests in flight with a spinner, last refresh, and the current toast.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::format;
use crate::tui::model::{Model, ToastLevel};
use crate::tui::theme::Theme;

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    let n = model.in_flight.len();
    if n > 0 {
        let spin = SPINNER[(model.spinner % SPINNER.len() as u64) as usize];
        let what = if n == 1 { "request" } else { "requests" };
        spans.push(Span::styled(format!(" {spin} {n} {what} "), theme.key()));
    } else {
        spans.push(Span::styled(" ● idle ", theme.dim()));
    }
    let refreshed = match model.last_refresh {
        Some(t) => format!(
            "│ refreshed {} ({}) ",
            format::clock(t, &model.tz),
            format::ago(t, model.now)
        ),
        None => "│ not loaded yet ".to_owned(),
    };
    spans.push(Span::styled(refreshed, theme.dim()));
    if let Some(every) = model.opts.auto_refresh {
        spans.push(Span::styled(
            format!("│ auto {} ", format::compact(every.as_secs() as i64)),
            theme.dim(),
        ));
    }
    spans.push(Span::raw("│ "));
    if let Some(toast) = model.current_toast() {
        let errors = model.error_count();
        match toast.level {
            ToastLevel::Error => {
                let more = if errors > 1 {
                    format!(" (+{} more)", errors - 1)
                } else {
                    String::new()
                };
                spans.push(Span::styled(
                    format!(" ✗ {}{more} ", toast.text),
                    theme.error(),
                ));
                spans.push(Span::styled(" Esc dismisses", theme.dim()));
            }
            ToastLevel::Info => spans.push(Span::styled(format!("• {}", toast.text), theme.info())),
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
