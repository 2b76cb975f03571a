//! Pane 2: the selected app's resources as folds, their scopes beneath.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::api::model::ScopeType;
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
    let Some(app) = app else {
        frame.render_widget(block, area);
        return;
    };
    // The tree's rows, and which of them fit, decide the bottom border.
    let rows = if app.details_known() {
        model.tree_rows()
    } else {
        Vec::new()
    };
    let window = model.scopes.window(rows.len(), inner.height as usize);
    let block = if rows.is_empty() {
        block
    } else {
        let position = super::position::of(model.scopes.index, rows.len());
        super::position::footer(block, theme, position, &window, rows.len())
    };
    frame.render_widget(block, area);
    if !app.details_known() {
        frame.render_widget(
            Paragraph::new(super::not_loaded(model, &app.id)).style(theme.dim()),
            inner,
        );
        return;
    }
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new("This app has no scopes.").style(theme.dim()),
            inner,
        );
        return;
    }
    let width = inner.width as usize;
    let wide = width >= 60;
    let name_w = app
        .resources
        .iter()
        .flat_map(|r| r.scopes.iter())
        .map(|s| format::width(&format::clean(&s.name)))
        .max()
        .unwrap_or(0)
        .min(if wide { 28 } else { 20 });
    let lines: Vec<Line> = rows[window.clone()]
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let line = match *row {
                TreeRow::Resource { index, folded } => {
                    let r = &app.resources[index];
                    let marker = if folded { "▸" } else { "▾" };
                    let shown = match r.display_name.as_deref() {
                        Some(d) if d != r.name => format!("{d} ({})", r.name),
                        _ => r.name.to_string(),
                    };
                    Line::from(vec![
                        Span::raw(format!("{marker} ")),
                        Span::styled(truncate(&shown, width.saturating_sub(8)), theme.label()),
                        Span::styled(format!("  {}", r.scopes.len()), theme.dim()),
                    ])
                }
                TreeRow::Scope { resource, index } => {
                    let s = &app.resources[resource].scopes[index];
                    let (tag, style) = match (s.kind, wide) {
                        (ScopeType::User, _) => ("user", theme.user_scope()),
                        (ScopeType::Application, true) => ("application", theme.app_scope()),
                        (ScopeType::Application, false) => ("app", theme.app_scope()),
                        (ScopeType::UserAndApplication, _) => ("user+app", theme.app_scope()),
                    };
                    let tag_w = if wide { 11 } else { 4 };
                    let used = 2 + name_w + 1 + tag_w + 1;
                    let desc = s
                        .description
                        .as_deref()
                        .or(s.display_name.as_deref())
                        .unwrap_or("");
                    Line::from(vec![
                        Span::raw("  "),
                        Span::raw(format!("{} ", pad(&truncate(&s.name, name_w), name_w))),
                        Span::styled(format!("{tag:<tag_w$} "), style),
                        Span::styled(truncate(desc, width.saturating_sub(used)), theme.dim()),
                    ])
                }
            };
            if focused && window.start + i == model.scopes.index {
                line.style(theme.selected(true))
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
