//! The delete confirmation (it names the app, its scopes and secrets, and wants the name
//! typed) and the one-time reveal of a new secret.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use crate::tui::flows::delete_app::DeleteApp;
use crate::tui::flows::typed_confirm;
use crate::tui::format::{self, Urgency};
use crate::tui::model::{Model, secrets_by_expiry};
use crate::tui::theme::Theme;

use super::app_form::{centered, popup_block};

fn danger_block<'a>(theme: &Theme, title: String) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.urgency(Urgency::Expired))
        .title(Line::from(Span::styled(title, theme.error())))
}

fn draw(frame: &mut Frame, area: Rect, block: Block<'_>, lines: Vec<Line<'_>>) -> Rect {
    let width = area.width.saturating_sub(8).min(90);
    let inner = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let popup = centered(area, width, rows as u16 + 2);
    let inside = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        popup,
    );
    inside
}

pub fn render_delete(model: &Model, d: &DeleteApp, theme: &Theme, frame: &mut Frame, area: Rect) {
    let app = &d.app;
    if let Some(path) = &d.done {
        let lines = vec![
            Line::from(format!(
                "Deleted {} ({}).",
                format::clean(&typed_confirm::fold(&app.name)),
                format::clean(&app.id)
            )),
            Line::from(""),
            Line::from(vec![
                Span::styled("Backup:  ", theme.label()),
                Span::raw(path.display().to_string()),
            ]),
            Line::from(vec![
                Span::styled("Restore: ", theme.label()),
                Span::raw(format!("extapps apps restore {}", path.display())),
            ]),
            Line::from(Span::styled(
                "  (re-creates it with a new client id and no secrets)",
                theme.dim(),
            )),
            Line::from(""),
            Line::from(Span::styled("Enter or Esc closes", theme.dim())),
        ];
        draw(
            frame,
            area,
            popup_block(theme, " App deleted ".to_owned()),
            lines,
        );
        return;
    }
    let n_scopes = app.scope_count();
    let n_secrets = app.secrets.len();
    let mut lines = vec![
        Line::from(vec![
            Span::raw("Delete app "),
            // Shown as it is typed: a tab or newline in the name is one space here.
            Span::styled(
                format::clean(&typed_confirm::fold(&app.name)).into_owned(),
                theme.title(true),
            ),
            Span::raw(format!(" ({})?", format::clean(&app.id))),
        ]),
        Line::from(format!(
            "It goes with its {n_scopes} scope{} and {n_secrets} secret{}{}",
            if n_scopes == 1 { "" } else { "s" },
            if n_secrets == 1 { "" } else { "s" },
            if n_secrets == 0 { "." } else { ":" }
        )),
    ];
    for s in secrets_by_expiry(app).into_iter().take(6) {
        let desc = format::clean(s.description.as_deref().unwrap_or("(no description)"));
        let expiry = match s.expiry_time {
            Some(t) => format!("expires {}", format::date(t, &model.tz)),
            None => "never expires".to_owned(),
        };
        lines.push(Line::from(format!("  • {desc} · id {} · {expiry}", s.id)));
    }
    if n_secrets > 6 {
        lines.push(Line::from(format!("  • … and {} more", n_secrets - 6)));
    }
    lines.push(Line::from(
        "Whatever signs in with this client id stops working at once.",
    ));
    if d.signed_in_as {
        lines.push(Line::from(Span::styled(
            "⚠ extapps itself signs in as this app: once it is gone, this session can no longer get a token.",
            theme.urgency(Urgency::Expired),
        )));
    }
    let dir = model
        .opts
        .backup_dir
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "your data directory".to_owned());
    lines.push(Line::from(
        "Its definition (never its secrets) is backed up first, to:",
    ));
    lines.push(Line::from(format!("  {dir}")));
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Type the app's name (or its client id) to delete it:",
        theme.label(),
    )));
    let typed = d.typed.value();
    let mark = if d.name_matches() {
        "  ✓ matches"
    } else {
        ""
    };
    lines.push(Line::from(vec![
        Span::raw("› "),
        Span::styled(format!("{typed}_"), Style::new()),
        Span::styled(mark, theme.info()),
    ]));
    let widths_above: Vec<usize> = lines[..lines.len() - 1].iter().map(Line::width).collect();
    if let Some(e) = &d.error {
        lines.push(Line::from(Span::styled(
            format!("✗ {e}"),
            theme.urgency(Urgency::Expired),
        )));
    }
    if model.edit.pending.is_some() {
        lines.push(Line::from(Span::styled(
            "Backing up, then deleting…",
            theme.key(),
        )));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Enter deletes once the name matches · Esc keeps the app (the default)",
        theme.dim(),
    )));
    let inner = draw(
        frame,
        area,
        danger_block(theme, " Delete app: this cannot be undone ".to_owned()),
        lines,
    );
    // Long lines above the input wrap: count the rows they take.
    let cursor_row: usize = widths_above
        .iter()
        .map(|w| (*w).max(1).div_ceil(inner.width.max(1) as usize))
        .sum();
    let col = 2 + d.typed.visual_cursor() as u16;
    if (cursor_row as u16) < inner.height {
        frame.set_cursor_position(Position::new(inner.x + col, inner.y + cursor_row as u16));
    }
}
