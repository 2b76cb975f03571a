//! Pane 1: the apps of the organization, filtered and sorted. Only the visible rows are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use crate::api::model::App;
use crate::tui::format::{self, Urgency};
use crate::tui::keymap::{Action, key_for};
use crate::tui::model::{Mode, Model, Pane};
use crate::tui::theme::Theme;

use super::pane_block;

/// Below this many cells for names the client id column is left out: an id is only useful
/// whole, and names matter more.
const NAME_ROOM_WITH_ID: usize = 28;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = model.focus == Pane::Apps && matches!(model.mode(), Mode::Normal | Mode::Filter);
    let mut title = vec![
        Span::styled(" 1 Apps ", theme.title(focused)),
        Span::styled(format!("· sort: {} ", model.sort_label()), theme.dim()),
    ];
    // The Scopes, Secrets and Expires columns are only as complete as this.
    let progress = model.details.progress(&model.apps);
    if !progress.complete() {
        title.push(Span::styled(
            format!("· details {}/{} ", progress.known, progress.total),
            theme.dim(),
        ));
    }
    let title = Line::from(title);
    let block = pane_block(theme, Some((Pane::Apps, model)), title);
    let inner = block.inner(area);

    let filtering = model.mode() == Mode::Filter;
    let show_filter = filtering || !model.filter_text().is_empty();
    let [filter_area, table_area] = Layout::vertical([
        Constraint::Length(u16::from(show_filter)),
        Constraint::Fill(1),
    ])
    .areas(inner);

    let rows_height = table_area.height.saturating_sub(1) as usize;
    let window = model.list.window(model.view.len(), rows_height);
    // The position counts the filtered rows, and says of how many when a filter hides some.
    let mut position = super::position::of(model.list.index, model.view.len());
    if !model.filter_text().is_empty() {
        position.push_str(&format!(" of {}", model.apps.len()));
    }
    let block = super::position::footer(block, theme, position, &window, model.view.len());
    frame.render_widget(block, area);
    if show_filter {
        render_filter(model, theme, frame, filter_area, filtering);
    }

    if model.view.is_empty() {
        frame.render_widget(
            Paragraph::new(empty_list_hint(model))
                .style(theme.dim())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            table_area,
        );
        return;
    }

    let wide = table_area.width >= 56;
    let (kind_w, count_w) = if wide { (12, 7) } else { (6, 3) };
    // Fixed columns and their four gaps; the name gets the rest and shows where it was cut.
    let fixed = (kind_w + 2 * count_w + 7 + 4) as usize;
    let shown: Vec<(usize, &App)> = model.view[window.clone()]
        .iter()
        .enumerate()
        .filter_map(|(i, id)| model.apps.get(id).map(|app| (window.start + i, app)))
        .collect();
    // The ids on screen decide the column's width, so that none is ever cut.
    let id_w = shown
        .iter()
        .map(|(_, app)| format::width(&format::clean(&app.id)))
        .max()
        .unwrap_or(0);
    // The id's column and its gap.
    let id_room = id_w + 1;
    let with_id = (table_area.width as usize) >= NAME_ROOM_WITH_ID + fixed + id_room;
    let mut header = if wide {
        vec!["Name", "Kind", "Scopes", "Secrets", "Expires"]
    } else {
        vec!["Name", "Kind", "Scp", "Sec", "Expires"]
    };
    let name_w =
        (table_area.width as usize).saturating_sub(fixed + if with_id { id_room } else { 0 });
    let rows = shown.into_iter().map(|(row, app)| {
        let mut cells = app_row(app, model, theme, wide, name_w);
        if with_id {
            cells.insert(1, Line::from(format::owned(&app.id)));
        }
        let r = Row::new(cells);
        if row == model.list.index {
            r.style(theme.selected(focused))
        } else {
            r
        }
    });
    let mut widths = vec![Constraint::Fill(1)];
    if with_id {
        header.insert(1, "Client id");
        widths.push(Constraint::Length(id_w as u16));
    }
    widths.extend([
        Constraint::Length(kind_w),
        Constraint::Length(count_w),
        Constraint::Length(count_w),
        Constraint::Length(7),
    ]);
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(theme.column_header()))
            .column_spacing(1),
        table_area,
    );
}

fn app_row<'a>(
    app: &'a App,
    model: &Model,
    theme: &Theme,
    wide: bool,
    name_w: usize,
) -> Vec<Line<'a>> {
    let kind = match (app.is_confidential, wide) {
        (true, true) => "confidential",
        (true, false) => "conf.",
        (false, _) => "public",
    };
    // Not loaded is never shown as none: no count, no "-".
    if !app.details_known() {
        let pending = model.details.is_pending(&app.id);
        return vec![
            name_cell(app, pending, name_w),
            Line::from(kind),
            Line::from("…").right_aligned(),
            Line::from("…").right_aligned(),
            Line::from(Span::styled("…", theme.dim())).right_aligned(),
        ];
    }
    let (expiry_text, urgency) = if app.secrets.is_empty() {
        ("-".to_owned(), Urgency::NoSecret)
    } else {
        let nearest = app.nearest_expiry();
        (
            format::time_left(nearest, model.now),
            format::urgency(nearest, model.now),
        )
    };
    vec![
        name_cell(app, model.details.is_pending(&app.id), name_w),
        Line::from(kind),
        Line::from(app.scope_count().to_string()).right_aligned(),
        Line::from(app.secrets.len().to_string()).right_aligned(),
        Line::from(Span::styled(expiry_text, theme.urgency(urgency))).right_aligned(),
    ]
}

/// The name, and for a created app that no list carries yet, that it is pending.
fn name_cell(app: &App, pending: bool, name_w: usize) -> Line<'static> {
    const MARK: &str = " (pending)";
    if pending {
        let name = format::truncate(&app.name, name_w.saturating_sub(MARK.len()));
        Line::from(format!("{name}{MARK}"))
    } else {
        Line::from(format::truncate(&app.name, name_w))
    }
}

fn render_filter(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, editing: bool) {
    let width = area.width.saturating_sub(3) as usize;
    let scroll = model.filter.visual_scroll(width);
    let text: String = model.filter.value().chars().skip(scroll).collect();
    let mut spans = vec![Span::styled("/ ", theme.key()), Span::raw(text)];
    if !editing {
        spans.push(Span::styled("   (Esc clears)", theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if editing {
        let x = area.x + 2 + (model.filter.visual_cursor().saturating_sub(scroll)) as u16;
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}

/// The hint the empty list shows, naming the keys from the keymap.
pub fn empty_list_hint(model: &Model) -> String {
    if !model.loaded {
        "Loading the organization's apps…".to_owned()
    } else if !model.filter.value().is_empty() {
        format!(
            "No app matches {:?}. {} clears the filter.",
            model.filter.value(),
            key_for(Action::Back).unwrap_or_default()
        )
    } else if model.apps.is_empty() {
        format!(
            "This organization has no external apps. {} refreshes.",
            key_for(Action::Refresh).unwrap_or_default()
        )
    } else {
        String::new()
    }
}
