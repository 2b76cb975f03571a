//! The organization-wide expiry view: every secret of every app, soonest first, so an admin
//! sees what breaks next week.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table};

use crate::tui::format::{self, Urgency};
use crate::tui::model::Model;
use crate::tui::theme::Theme;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let popup = area;
    frame.render_widget(Clear, popup);
    // Only as complete as the details loaded so far: the title says how far that is.
    let progress = model.details.progress(&model.apps);
    let complete = if progress.complete() {
        String::new()
    } else {
        format!(
            "(details for {} of {} apps) ",
            progress.known, progress.total
        )
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Line::from(Span::styled(
            format!(
                " Secrets of the organization by expiry {complete}· Enter goes to the app · Esc closes "
            ),
            theme.title(true),
        )));
    let inner = block.inner(popup);
    let [summary_area, table_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    let rows_height = table_area.height.saturating_sub(1) as usize;
    let len = model.expiring_rows.len();
    let window = model.expiring.window(len, rows_height);
    let position = super::position::of(model.expiring.index, len);
    let block = super::position::footer(block, theme, position, &window, len);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(summary(model, theme)), summary_area);

    let wide = table_area.width >= 90;
    let rows = model.expiring_rows[window.clone()]
        .iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let app = model.apps.get(&row.app_id)?;
            if !row.known {
                let mut cells = vec![
                    Line::from(Span::styled("…", theme.dim())).right_aligned(),
                    Line::from("…"),
                    Line::from(format::clean(&app.name)),
                ];
                if wide {
                    cells.push(Line::from(format::clean(&app.id)));
                }
                cells.push(Line::from("…"));
                cells.push(Line::from(Span::styled(
                    super::not_loaded(model, &app.id),
                    theme.dim(),
                )));
                let r = Row::new(cells);
                return Some(if window.start + i == model.expiring.index {
                    r.style(theme.selected(true))
                } else {
                    r
                });
            }
            let secret = app.secrets.iter().find(|s| s.id == row.secret_id)?;
            let urgency = format::urgency(row.expiry, model.now);
            let mut cells = vec![
                Line::from(Span::styled(
                    format::time_left(row.expiry, model.now),
                    theme.urgency(urgency),
                ))
                .right_aligned(),
                Line::from(
                    row.expiry
                        .map_or_else(|| "never".to_owned(), |t| format::date(t, &model.tz)),
                ),
                Line::from(format::clean(&app.name)),
            ];
            if wide {
                cells.push(Line::from(format::clean(&app.id)));
            }
            cells.push(Line::from(secret.id.to_string()));
            cells.push(Line::from(format::owned(
                secret.description.as_deref().unwrap_or("-"),
            )));
            let r = Row::new(cells);
            Some(if window.start + i == model.expiring.index {
                r.style(theme.selected(true))
            } else {
                r
            })
        });
    let mut header = vec!["Left", "Expires", "App"];
    let mut widths = vec![
        Constraint::Length(7),
        Constraint::Length(10),
        Constraint::Fill(2),
    ];
    if wide {
        header.push("Client id");
        widths.push(Constraint::Length(36));
    }
    header.extend(["Secret", "Description"]);
    widths.extend([Constraint::Length(6), Constraint::Fill(2)]);
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(theme.column_header()))
            .column_spacing(1),
        table_area,
    );
}

fn summary<'a>(model: &Model, theme: &Theme) -> Line<'a> {
    // The rows are sorted by expiry and urgency only grows with it, so each count is a
    // binary search rather than a pass over every secret of the organization on every frame.
    // Rows of apps not loaded yet come last and count for nothing here.
    let rows = &model.expiring_rows[..model.expiring_rows.partition_point(|r| r.known)];
    let upto = |worst: usize| {
        rows.partition_point(|r| {
            let slot = match format::urgency(r.expiry, model.now) {
                Urgency::Expired => 0,
                Urgency::Soon => 1,
                Urgency::Upcoming => 2,
                _ => 3,
            };
            slot <= worst
        })
    };
    let (expired, soon, upcoming) = (upto(0), upto(1), upto(2));
    let counts = [
        expired,
        soon - expired,
        upcoming - soon,
        rows.len() - upcoming,
    ];
    Line::from(vec![
        Span::raw(format!("{} secrets: ", rows.len())),
        Span::styled(
            format!("{} expired", counts[0]),
            theme.urgency(Urgency::Expired),
        ),
        Span::raw(" · "),
        Span::styled(
            format!("{} within 7 days", counts[1]),
            theme.urgency(Urgency::Soon),
        ),
        Span::raw(" · "),
        Span::styled(
            format!("{} within 30 days", counts[2]),
            theme.urgency(Urgency::Upcoming),
        ),
        Span::raw(" · "),
        Span::styled(
            format!("{} later or never", counts[3]),
            theme.urgency(Urgency::Later),
        ),
    ])
}
