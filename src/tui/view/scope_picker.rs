//! The scope picker: the catalog as a tree by resource, filtered by the search, with what
//! each scope may be (user, application, both) and what it is chosen as. Selection is a
//! `[x]` box, so it reads without colour.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::api::model::ScopeType;
use crate::domain::cells;
use crate::tui::flows::scope_picker::{Row, ScopePicker, rows};
use crate::tui::format::{self, truncate};
use crate::tui::model::Model;
use crate::tui::theme::Theme;

use super::app_form::{centered, popup_block};

pub fn render(model: &Model, picker: &ScopePicker, theme: &Theme, frame: &mut Frame, area: Rect) {
    let popup = centered(area, area.width.saturating_sub(4).min(110), area.height);
    let kind = if picker.confidential {
        "confidential"
    } else {
        "public (user scopes only)"
    };
    let block = popup_block(
        theme,
        format!(
            " Scopes for a {kind} app · {} selected ",
            picker.chosen.len()
        ),
    );
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let width = inner.width as usize;

    let catalog = model.edit.catalog.as_ref();
    let resources = catalog.map(|c| c.resources.as_slice()).unwrap_or_default();
    let shown = rows(resources, picker.search.value());
    let total: usize = resources.iter().map(|r| r.scopes.len()).sum();
    let matching = shown.iter().filter(|r| matches!(r, Row::Scope(..))).count();

    let mut head: Vec<Line> = Vec::new();
    let search = picker.search.value();
    head.push(Line::from(vec![
        Span::styled("Search: ", theme.label()),
        Span::raw(search.to_owned()),
        Span::styled(format!("   {matching} of {total} scopes"), theme.dim()),
    ]));
    match catalog {
        None => head.push(Line::from(Span::styled(
            "Loading the organization's scope catalog…",
            theme.key(),
        ))),
        Some(c) => {
            if let Some(reason) = &c.fallback_reason {
                head.push(Line::from(Span::styled(
                    truncate(
                        &format!(
                            "! The organization's catalog could not be read ({reason}); showing the list shipped with extapps, which may miss some scopes"
                        ),
                        width,
                    ),
                    theme.warning_badge(),
                )));
            }
        }
    }
    let foot = Line::from(Span::styled(
        truncate(
            &match &picker.notice {
                Some(n) => format!("! {n}"),
                None => "type to search · ↑↓ move · Space selects · Tab user/app · Enter done · Esc drops changes".to_owned(),
            },
            width,
        ),
        if picker.notice.is_some() {
            theme.warning_badge()
        } else {
            theme.dim()
        },
    ));

    let list_height = (inner.height as usize).saturating_sub(head.len() + 1);
    let range = picker.cursor.window(shown.len(), list_height);
    // The name column is as wide as the longest name in the catalog; a name that does not
    // fit even alone wraps, and the description takes what is left or is left out.
    const KINDS: usize = 9 + 15;
    let name_w = resources
        .iter()
        .flat_map(|r| &r.scopes)
        .map(|s| format::width(&format::clean(&s.name)))
        .max()
        .unwrap_or(0)
        .min(width.saturating_sub(6 + 1 + KINDS).max(1));
    let desc_w = width.saturating_sub(6 + name_w + 1 + KINDS);
    let mut rows: Vec<Vec<Line>> = Vec::with_capacity(range.len());
    for (i, row) in shown.iter().enumerate().skip(range.start) {
        // Rows past the window only matter while wrapped rows push the cursor down.
        if i >= range.end && i > picker.cursor.index {
            break;
        }
        let on = i == picker.cursor.index;
        match *row {
            Row::Resource(ri) => {
                let r = &resources[ri];
                let mut parts =
                    cells::wrap(&format::clean(&r.name), width.saturating_sub(2).max(1));
                let last = parts.pop().unwrap_or_default();
                let mut out: Vec<Line> = parts
                    .into_iter()
                    .enumerate()
                    .map(|(n, p)| {
                        let lead = if n == 0 { "▾ " } else { "  " };
                        Line::from(Span::styled(format!("{lead}{p}"), theme.column_header()))
                    })
                    .collect();
                let mut title = format!("{}{last}", if out.is_empty() { "▾ " } else { "  " });
                if let Some(d) = &r.display_name {
                    let room = width.saturating_sub(format::width(&title) + 3);
                    if room >= 8 {
                        title = format!("{title} · {}", format::truncate(d, room));
                    }
                }
                out.push(Line::from(Span::styled(title, theme.column_header())));
                rows.push(out);
            }
            Row::Scope(ri, si) => {
                let s = &resources[ri].scopes[si];
                let chosen = picker.kind_of(&s.name);
                let mark = if chosen.is_some() { "[x]" } else { "[ ]" };
                let may = match s.kind {
                    ScopeType::User => "user",
                    ScopeType::Application => "app",
                    ScopeType::UserAndApplication => "user+app",
                };
                let as_what = match chosen {
                    Some(ScopeType::User) => "→ user",
                    Some(_) => "→ application",
                    None => "",
                };
                let row_style = if on {
                    theme.selected(true)
                } else {
                    Style::new()
                };
                let mut parts = cells::wrap(&format::clean(&s.name), name_w);
                let last = parts.pop().unwrap_or_default();
                let mut out: Vec<Line> = parts
                    .into_iter()
                    .map(|p| Line::from(Span::styled(format!("      {p}"), row_style)))
                    .collect();
                let lead = if out.is_empty() {
                    format!("  {mark} ")
                } else {
                    "      ".to_owned()
                };
                let text = format!(
                    "{lead}{} {} {} ",
                    format::pad(&last, name_w),
                    format::pad(may, 8),
                    format::pad(as_what, 14),
                );
                let kind_style = match chosen {
                    Some(ScopeType::User) => theme.user_scope(),
                    Some(_) => theme.app_scope(),
                    None => theme.dim(),
                };
                let kind_style = if on { row_style } else { kind_style };
                let desc = s.display_name.clone().unwrap_or_default();
                let mut spans = vec![Span::styled(text, row_style)];
                if desc_w >= 12 {
                    spans.push(Span::styled(format::truncate(&desc, desc_w), kind_style));
                }
                out.push(Line::from(spans));
                rows.push(out);
            }
        }
    }
    let heights: Vec<usize> = rows.iter().map(Vec::len).collect();
    let skip = super::first_shown(
        &heights,
        0,
        picker.cursor.index.saturating_sub(range.start),
        list_height,
    );
    let mut lines = head.clone();
    let mut list: Vec<Line> = rows.into_iter().skip(skip).flatten().collect();
    list.truncate(list_height);
    lines.extend(list);
    let used = lines.len();
    for _ in used..(inner.height as usize).saturating_sub(1) {
        lines.push(Line::from(""));
    }
    lines.push(foot);
    frame.render_widget(Paragraph::new(lines), inner);
    let col = "Search: ".len() + picker.search.visual_cursor();
    frame.set_cursor_position(Position::new(inner.x + col as u16, inner.y));
}
