//! The profile picker: each profile with its source, the active one marked in text.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::tui::flows::profile::ProfilePicker;
use crate::tui::model::Model;
use crate::tui::theme::Theme;

use super::app_form::{centered, popup_block};

pub fn render(model: &Model, p: &ProfilePicker, theme: &Theme, frame: &mut Frame, area: Rect) {
    let active = model.opts.profile.as_deref();
    let mut lines: Vec<Line> = Vec::new();
    match &p.list {
        None => lines.push(Line::from(Span::styled(
            "Reading the config files…",
            theme.key(),
        ))),
        Some(Err(e)) => lines.push(Line::from(Span::styled(
            format!("✗ cannot read the profiles: {e}"),
            theme.error(),
        ))),
        Some(Ok(list)) if list.profiles.is_empty() => {
            let looked: Vec<String> = list
                .looked_in
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            lines.push(Line::from(format!(
                "no profiles found (looked in {})",
                if looked.is_empty() {
                    "no known place".to_owned()
                } else {
                    looked.join(" and ")
                }
            )));
            lines.push(Line::from(Span::styled(
                "Create one with `extapps config init`.",
                theme.dim(),
            )));
        }
        Some(Ok(list)) => {
            let rows = area.height.saturating_sub(8).max(1) as usize;
            let window = p.cursor.window(list.profiles.len(), rows);
            for (i, info) in list.profiles[window.clone()].iter().enumerate() {
                let index = window.start + i;
                let is_active =
                    active == Some(info.selector.as_str()) || active == Some(info.name.as_str());
                let mut tags = Vec::new();
                if is_active {
                    tags.push("active");
                }
                if info.is_default {
                    tags.push("default");
                }
                if info.read_only {
                    tags.push("read-only");
                }
                let text = format!(
                    "{} {:<18} {:<22} {}",
                    if is_active { "●" } else { " " },
                    info.selector,
                    if tags.is_empty() {
                        String::new()
                    } else {
                        format!("[{}]", tags.join(", "))
                    },
                    info.source
                );
                let style = if index == p.cursor.index {
                    theme.selected(true)
                } else {
                    ratatui::style::Style::default()
                };
                lines.push(Line::from(Span::styled(text, style)));
            }
            for w in &list.warnings {
                lines.push(Line::from(Span::styled(format!("⚠ {w}"), theme.dim())));
            }
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "j/k move · Enter switches to the profile · Esc closes",
        theme.dim(),
    )));
    let width = area.width.saturating_sub(6).min(110);
    let inner = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let rect = centered(area, width, rows as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(popup_block(theme, " Profiles ".to_owned())),
        rect,
    );
}
