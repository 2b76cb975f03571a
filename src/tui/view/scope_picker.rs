//! The scope picker: the catalog as a tree by resource, filtered by the search, with what
//! each scope may be (user, application, both) and what it is chosen as. Selection is a
//! `[x]` box, so it reads without colour.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::api::model::ScopeType;
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
    let name_w = 30.min(width / 3);
    let mut lines = head.clone();
    for i in range {
        let on = i == picker.cursor.index;
        match shown[i] {
            Row::Resource(ri) => {
                let r = &resources[ri];
                let title = match &r.display_name {
                    Some(d) => format!("▾ {} · {d}", r.name),
                    None => format!("▾ {}", r.name),
                };
                lines.push(Line::from(Span::styled(
                    truncate(&title, width),
                    theme.column_header(),
                )));
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
                let desc = s.display_name.clone().unwrap_or_default();
                let text = format!(
                    "  {mark} {} {may:<9}{as_what:<15}",
                    format::pad(&truncate(&s.name, name_w), name_w)
                );
                let rest = width.saturating_sub(format::width(&text));
                let kind_style = match chosen {
                    Some(ScopeType::User) => theme.user_scope(),
                    Some(_) => theme.app_scope(),
                    None => theme.dim(),
                };
                let kind_style = if on { row_style } else { kind_style };
                lines.push(Line::from(vec![
                    Span::styled(text, row_style),
                    Span::styled(truncate(&desc, rest), kind_style),
                ]));
            }
        }
    }
    let used = lines.len();
    for _ in used..(inner.height as usize).saturating_sub(1) {
        lines.push(Line::from(""));
    }
    lines.push(foot);
    frame.render_widget(Paragraph::new(lines), inner);
    let col = "Search: ".len() + picker.search.visual_cursor();
    frame.set_cursor_position(Position::new(inner.x + col as u16, inner.y));
}
