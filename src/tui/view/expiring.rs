//! The organization-wide expiry view: every secret of every app, soonest first, so an admin
//! sees what breaks next week.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table};

use crate::tui::format::{self, Urgency};
use crate::tui::model::{Model, OverlayKind};
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
    let filtering = model.overlays.top() == Some(OverlayKind::Filter);
    let show_filter = filtering || !model.expiring_filter.value().is_empty();
    let summary_line = summary(model, theme);
    // The summary wraps rather than lose its end on a narrow screen.
    let summary_rows = if summary_line.width() > inner.width as usize {
        2
    } else {
        1
    };
    let [summary_area, filter_area, table_area] = Layout::vertical([
        Constraint::Length(summary_rows),
        Constraint::Length(u16::from(show_filter)),
        Constraint::Fill(1),
    ])
    .areas(inner);
    let rows_height = table_area.height.saturating_sub(1) as usize;
    let len = model.expiring_len();
    let window = model.expiring.window(len, rows_height);
    let position = super::position::of(model.expiring.index, len);
    let block = super::position::footer(block, theme, position, &window, len);
    frame.render_widget(block, popup);
    frame.render_widget(
        Paragraph::new(summary_line).wrap(ratatui::widgets::Wrap { trim: true }),
        summary_area,
    );
    if show_filter {
        render_filter(model, theme, frame, filter_area, filtering);
    }

    let wide = table_area.width >= 90;
    // `expired 29w` is wider than `12d`: the column takes what the rows shown need.
    let left_w = model
        .expiring_rows_in(window.clone())
        .filter(|r| r.known)
        .map(|r| format::width(&format::time_left(r.expiry, model.now)))
        .fold(4, usize::max) as u16;
    // The app and description columns share what the fixed ones leave, sized from the rows on
    // screen: a name is shown whole when it fits (the `#5992` that tells generated apps apart
    // is at its end), else cut with `…`, never silently by the table.
    let shown: Vec<_> = model
        .expiring_rows_in(window.clone())
        .filter_map(|r| model.apps.get(&r.app_id))
        .collect();
    let longest_name = shown
        .iter()
        .map(|a| format::width(&format::clean(&a.name)))
        .max()
        .unwrap_or(0)
        .max(3);
    let secret_w = shown
        .iter()
        .flat_map(|a| a.secrets.iter())
        .map(|s| s.id.to_string().len())
        .max()
        .unwrap_or(0)
        .max(6);
    let columns = if wide { 6 } else { 5 };
    let fixed = usize::from(left_w) + 10 + if wide { 36 } else { 0 } + secret_w + (columns - 1);
    let avail = (table_area.width as usize).saturating_sub(fixed);
    let app_w = longest_name.min(avail - avail / 3);
    let desc_w = avail - app_w;
    let rows = model
        .expiring_rows_in(window.clone())
        .enumerate()
        .filter_map(|(i, row)| {
            let app = model.apps.get(&row.app_id)?;
            if !row.known {
                let mut cells = vec![
                    Line::from(Span::styled("…", theme.dim())).right_aligned(),
                    Line::from("…"),
                    Line::from(format::truncate(&app.name, app_w)),
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
                Line::from(format::truncate(&app.name, app_w)),
            ];
            if wide {
                cells.push(Line::from(format::clean(&app.id)));
            }
            cells.push(Line::from(secret.id.to_string()));
            cells.push(Line::from(format::truncate(
                secret.description.as_deref().unwrap_or("-"),
                desc_w,
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
        Constraint::Length(left_w),
        Constraint::Length(10),
        Constraint::Length(app_w as u16),
    ];
    if wide {
        header.push("Client id");
        widths.push(Constraint::Length(36));
    }
    header.extend(["Secret", "Description"]);
    widths.extend([Constraint::Length(secret_w as u16), Constraint::Fill(1)]);
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(theme.column_header()))
            .column_spacing(1),
        table_area,
    );
}

/// The expiry view's filter: `/ text`, how many rows it lets through, and how many apps it
/// could not search.
fn render_filter(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, editing: bool) {
    let mut count = format!(
        " {} of {} rows",
        model.expiring_len(),
        model.expiring_rows.len()
    );
    if model.expiring_not_loaded > 0 {
        let n = model.expiring_not_loaded;
        let apps = if n == 1 { "app" } else { "apps" };
        count.push_str(&format!(" · {n} {apps} not loaded"));
    }
    let text_area = super::count_at_right(frame, theme, area, count);
    let input = &model.expiring_filter;
    let width = text_area.width.saturating_sub(3) as usize;
    let scroll = input.visual_scroll(width);
    let text: String = input.value().chars().skip(scroll).collect();
    let line = Line::from(vec![Span::styled("/ ", theme.key()), Span::raw(text)]);
    frame.render_widget(Paragraph::new(line), text_area);
    if editing {
        let x = text_area.x + 2 + input.visual_cursor().saturating_sub(scroll) as u16;
        let right = text_area.right().saturating_sub(1);
        frame.set_cursor_position(Position::new(x.min(right), text_area.y));
    }
}

fn summary<'a>(model: &Model, theme: &Theme) -> Line<'a> {
    // The rows are sorted by expiry and urgency only grows with it, so each count is a
    // binary search rather than a pass over every secret of the organization on every frame.
    // Rows of apps not loaded yet come last and count for nothing here. With a filter, the
    // counts are of the rows it lets through.
    let known = model.expiring_partition_point(|r| r.known);
    let upto = |worst: usize| {
        model.expiring_partition_point(|r| {
            let slot = match format::urgency(r.expiry, model.now) {
                Urgency::Expired => 0,
                Urgency::Soon => 1,
                Urgency::Upcoming => 2,
                _ => 3,
            };
            r.known && slot <= worst
        })
    };
    let (expired, soon, upcoming) = (upto(0), upto(1), upto(2));
    let counts = [expired, soon - expired, upcoming - soon, known - upcoming];
    let mut spans = vec![
        Span::raw(format!("{known} secrets: ")),
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
    ];
    // What breaks: apps whose every secret expired, or that have none (and so no row here).
    // Organization-wide, so only beside the organization's rows, not a filter's.
    let broken = model.apps_without_valid_secret();
    if broken > 0 && model.expiring_filter.value().trim().is_empty() {
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(
            format!(
                "{broken} {} no valid secret",
                if broken == 1 { "app has" } else { "apps have" }
            ),
            theme.warning_badge(),
        ));
    }
    Line::from(spans)
}
