//! The selected app's identity: client id, kind, redirect URIs. A small pane, and a full
//! overlay (Enter) that lists everything.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::api::model::App;
use crate::domain::cells;
use crate::tui::format;
use crate::tui::model::{Model, secrets_by_expiry};
use crate::tui::theme::Theme;

use super::pane_block;

fn kind(app: &App) -> &'static str {
    if app.is_confidential {
        "confidential (has secrets, client credentials)"
    } else {
        "public (user sign-in with PKCE, no secrets)"
    }
}

fn field<'a>(theme: &Theme, label: &'a str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<10} "), theme.label()),
        Span::raw(format::owned(&value)),
    ])
}

pub fn render_pane(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(app) = model.selected_app() else {
        let block = pane_block(theme, None, Line::from(" Details "));
        frame.render_widget(Paragraph::new("No app selected.").block(block), area);
        return;
    };
    // The border would cut a long name without a mark.
    let title = Line::from(Span::styled(
        format!(
            " {} ",
            format::truncate(&app.name, (area.width as usize).saturating_sub(4))
        ),
        theme.title(false),
    ));
    let block = pane_block(theme, None, title);
    let inner_w = block.inner(area).width as usize;
    // A client id is only useful whole: without room for labels, the values stand alone.
    let labelled = inner_w >= 11 + app.id.len();
    let uris = app.redirect_uris();
    let room = inner_w.saturating_sub(if labelled { 11 } else { "redirect: ".len() });
    let redirect = match uris.as_slice() {
        [] => "none".to_owned(),
        [one] => format::truncate(one, room),
        // How many more there are is the part that must not be lost: the URI gives way.
        [first, rest @ ..] => {
            let more = format!(" (+{} more, Enter)", rest.len());
            let first = format::truncate(first, room.saturating_sub(format::width(&more)));
            format!("{first}{more}")
        }
    };
    let kind = if app.is_confidential {
        "confidential"
    } else {
        "public"
    };
    let lines = if labelled {
        vec![
            field(theme, "Client id", app.id.clone()),
            field(theme, "Kind", kind.to_owned()),
            field(theme, "Redirect", redirect),
        ]
    } else {
        // Narrower than the id: the id wraps, whole, and the redirect URIs are counted
        // (Enter lists them).
        let mut lines: Vec<Line> = cells::wrap(&format::clean(&app.id), inner_w)
            .into_iter()
            .map(Line::from)
            .collect();
        let summary = format!("{kind} · {} redirect URIs", uris.len());
        if lines.len() < 2 {
            lines.push(Line::from(format::truncate(&summary, inner_w)));
            lines.push(Line::from(format::truncate(
                &format!("redirect: {redirect}"),
                inner_w,
            )));
        } else {
            lines.push(Line::from(format::truncate(&summary, inner_w)));
        }
        lines
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

pub fn render_overlay(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(app) = model.selected_app() else {
        return;
    };
    let mut lines = vec![
        field(theme, "Name", app.name.clone()),
        field(theme, "Client id", app.id.clone()),
        field(theme, "Kind", kind(app).to_owned()),
        Line::from(""),
        Line::from(Span::styled("Redirect URIs", theme.label())),
    ];
    let uris = app.redirect_uris();
    if uris.is_empty() {
        lines.push(Line::from("  none"));
    }
    lines.extend(
        uris.iter()
            .map(|u| Line::from(format!("  {}", format::clean(u)))),
    );
    lines.push(Line::from(""));
    if !app.details_known() {
        lines.push(Line::from(Span::styled("Resources (…)", theme.label())));
        lines.push(Line::from(format!(
            "  {}",
            super::not_loaded(model, &app.id)
        )));
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Secrets (…)", theme.label())));
        lines.push(Line::from(format!(
            "  {}",
            super::not_loaded(model, &app.id)
        )));
        return overlay_frame(lines, theme, frame, area);
    }
    lines.push(Line::from(Span::styled(
        format!("Resources ({} scopes)", app.scope_count()),
        theme.label(),
    )));
    lines.extend(app.resources.iter().map(|r| {
        Line::from(format!(
            "  {} ({}): {} scopes",
            format::clean(r.display_name.as_deref().unwrap_or(&r.name)),
            format::clean(&r.name),
            r.scopes.len()
        ))
    }));
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        format!("Secrets ({})", app.secrets.len()),
        theme.label(),
    )));
    for s in secrets_by_expiry(app) {
        let left = format::time_left(s.expiry_time, model.now);
        lines.push(Line::from(vec![
            Span::raw(format!(
                "  #{} {} · ",
                s.id,
                format::clean(s.description.as_deref().unwrap_or("(no description)"))
            )),
            Span::styled(
                left,
                theme.urgency(format::urgency(s.expiry_time, model.now)),
            ),
        ]));
    }
    overlay_frame(lines, theme, frame, area);
}

fn overlay_frame(lines: Vec<Line>, theme: &Theme, frame: &mut Frame, area: Rect) {
    let popup = area;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Line::from(" App details · Esc closes "))
        .border_style(theme.border(true));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
