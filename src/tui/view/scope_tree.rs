//! Pane 2: the selected app's resources as folds, their scopes beneath.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::api::model::ScopeType;
use crate::domain::cells;
use crate::tui::format::{self, pad, truncate};
use crate::tui::model::{Mode, Model, Pane, TreeRow};
use crate::tui::theme::Theme;

use super::pane_block;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = model.focus == Pane::Scopes && model.mode() == Mode::Normal;
    let app = model.selected_app();
    let count = match app {
        Some(a) if !a.details_known() => "…".to_owned(),
        a => a.map_or(0, |a| a.scope_count()).to_string(),
    };
    let title = Line::from(vec![
        Span::styled(" 2 Scopes ", theme.title(focused)),
        Span::styled(format!("{count} "), theme.dim()),
    ]);
    let block = pane_block(theme, Some((Pane::Scopes, model)), title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(app) = app else {
        return;
    };
    if !app.details_known() {
        frame.render_widget(
            Paragraph::new(super::not_loaded(model, &app.id)).style(theme.dim()),
            inner,
        );
        return;
    }
    let rows = model.tree_rows();
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new("This app has no scopes.").style(theme.dim()),
            inner,
        );
        return;
    }
    let width = inner.width as usize;
    let wide = width >= 60;
    let tag_w = if wide { 11 } else { 4 };
    // The name column is as wide as the longest name: `OR.TestSetExecutions.Read` and
    // `.Write` must never look the same. Names that do not fit even alone wrap.
    let name_w = app
        .resources
        .iter()
        .flat_map(|r| r.scopes.iter())
        .map(|s| format::width(&format::clean(&s.name)))
        .max()
        .unwrap_or(0)
        .min(width.saturating_sub(2 + 1 + tag_w).max(1));
    let desc_w = width.saturating_sub(2 + name_w + 1 + tag_w + 1);
    let per_row: Vec<Vec<Line>> = rows
        .iter()
        .map(|row| match *row {
            TreeRow::Resource { index, folded } => {
                resource_lines(&app.resources[index], folded, width, theme)
            }
            TreeRow::Scope { resource, index } => {
                let s = &app.resources[resource].scopes[index];
                let (tag, style) = match (s.kind, wide) {
                    (ScopeType::User, _) => ("user", theme.user_scope()),
                    (ScopeType::Application, true) => ("application", theme.app_scope()),
                    (ScopeType::Application, false) => ("app", theme.app_scope()),
                    (ScopeType::UserAndApplication, _) => ("user+app", theme.app_scope()),
                };
                let desc = s
                    .description
                    .as_deref()
                    .or(s.display_name.as_deref())
                    .unwrap_or("");
                // A wrapped name keeps its kind on its last line, so that the name reads
                // on unbroken from one line to the next.
                let mut parts = cells::wrap(&format::clean(&s.name), name_w);
                let last = parts.pop().unwrap_or_default();
                let mut lines: Vec<Line> = parts
                    .into_iter()
                    .map(|p| Line::from(format!("  {p}")))
                    .collect();
                let mut spans = vec![
                    Span::raw("  "),
                    Span::raw(format!("{} ", pad(&last, name_w))),
                    Span::styled(format!("{} ", pad(tag, tag_w)), style),
                ];
                // A description cut to a few cells says nothing: below that it is left out.
                if desc_w >= MIN_DESCRIPTION {
                    spans.push(Span::styled(truncate(desc, desc_w), theme.dim()));
                }
                lines.push(Line::from(spans));
                lines
            }
        })
        .collect();
    let height = inner.height as usize;
    let window = model.scopes.window(rows.len(), height);
    let heights: Vec<usize> = per_row.iter().map(Vec::len).collect();
    let start = super::first_shown(&heights, window.start, model.scopes.index, height);
    let mut lines: Vec<Line> = Vec::with_capacity(height);
    for (i, row) in per_row.into_iter().enumerate().skip(start) {
        if lines.len() >= height {
            break;
        }
        let selected = focused && i == model.scopes.index;
        lines.extend(row.into_iter().map(|l| {
            if selected {
                l.style(theme.selected(true))
            } else {
                l
            }
        }));
    }
    lines.truncate(height);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Fewer cells than this, and a description is left out rather than cut to nothing.
const MIN_DESCRIPTION: usize = 12;

/// A resource's header: the fold marker and the resource's own name, whole (wrapped when it
/// must), the scope count, then its display name when there is room for it.
fn resource_lines(
    r: &crate::api::model::Resource,
    folded: bool,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let marker = if folded { "▸" } else { "▾" };
    let count = format!("  {}", r.scopes.len());
    let name = format::owned(&r.name);
    let mut parts = cells::wrap(&name, width.saturating_sub(2).max(1));
    let last = parts.pop().unwrap_or_default();
    let mut lines: Vec<Line> = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let lead = if i == 0 {
                format!("{marker} ")
            } else {
                "  ".to_owned()
            };
            Line::from(vec![Span::raw(lead), Span::styled(p, theme.label())])
        })
        .collect();
    let lead = if lines.is_empty() {
        format!("{marker} ")
    } else {
        "  ".to_owned()
    };
    let used = 2 + format::width(&last) + format::width(&count);
    let mut spans = vec![
        Span::raw(lead),
        Span::styled(last, theme.label()),
        Span::styled(count, theme.dim()),
    ];
    if let Some(d) = r.display_name.as_deref().filter(|d| *d != r.name) {
        let room = width.saturating_sub(used + 3);
        if room >= MIN_DESCRIPTION.min(format::width(&format::clean(d))) && room > 0 {
            spans.push(Span::styled(
                format!(" · {}", truncate(d, room)),
                theme.dim(),
            ));
        }
    }
    lines.push(Line::from(spans));
    lines
}
