//! Pane 1: the apps of the organization, filtered and sorted. Only the visible rows are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use crate::api::model::App;
use crate::domain::secret_state::{self, NO_VALID_SECRET, NOT_LOADED, SecretState, SecretStatus};
use crate::tui::format::{self, Urgency};
use crate::tui::keymap::{Action, key_for};
use crate::tui::model::{Model, OverlayKind, Pane};
use crate::tui::theme::Theme;

use super::pane_block;

/// Below this many cells for names the client id column is left out: an id is only useful
/// whole, and names matter more.
const NAME_ROOM_WITH_ID: usize = 28;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = model.focus == Pane::Apps
        && matches!(model.overlays.top(), None | Some(OverlayKind::Filter));
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

    let filtering = model.overlays.top() == Some(OverlayKind::Filter);
    let show_filter = filtering || !model.filter_text().is_empty();
    let notes = if show_filter {
        filter_notes(model, theme)
    } else {
        Line::default()
    };
    // The notes wrap under the filter, up to three rows: what the filter could not use is
    // never hidden behind an empty list.
    let note_rows = wrapped_rows(&notes, inner.width as usize).min(3) as u16;
    let [filter_area, notes_area, table_area] = Layout::vertical([
        Constraint::Length(u16::from(show_filter)),
        Constraint::Length(note_rows),
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
        frame.render_widget(
            Paragraph::new(notes).wrap(ratatui::widgets::Wrap { trim: true }),
            notes_area,
        );
    }

    if model.view.is_empty() && super::list_failed::shows(model) {
        super::list_failed::render(model, theme, frame, table_area);
        return;
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
    let narrow_fixed = (kind_w + 2 * count_w + STATE_W_NARROW + 4) as usize;
    let with_id = (table_area.width as usize) >= NAME_ROOM_WITH_ID + narrow_fixed + id_room;
    // `no valid secret` in full only when no name on screen loses its end for it.
    let longest_name = shown
        .iter()
        .map(|(_, app)| format::width(&format::clean(&app.name)))
        .max()
        .unwrap_or(0);
    let names_room = (table_area.width as usize)
        .saturating_sub(narrow_fixed + if with_id { id_room } else { 0 });
    let state_w = if wide && names_room >= longest_name + usize::from(STATE_W - STATE_W_NARROW) {
        STATE_W
    } else {
        STATE_W_NARROW
    };
    // Fixed columns and their four gaps; the name gets the rest and shows where it was cut.
    let fixed = (kind_w + 2 * count_w + state_w + 4) as usize;
    let [name_h, kind_h, scopes_h, secrets_h] = if wide {
        ["Name", "Kind", "Scopes", "Secrets"]
    } else {
        ["Name", "Kind", "Scp", "Sec"]
    };
    // Right-aligned like the states under it.
    let mut header = vec![
        Line::from(name_h),
        Line::from(kind_h),
        Line::from(scopes_h),
        Line::from(secrets_h),
        Line::from("Expires").right_aligned(),
    ];
    let name_w =
        (table_area.width as usize).saturating_sub(fixed + if with_id { id_room } else { 0 });
    let rows = shown.into_iter().map(|(row, app)| {
        let mut cells = app_row(app, model, theme, wide, name_w, state_w);
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
        header.insert(1, Line::from("Client id"));
        widths.push(Constraint::Length(id_w as u16));
    }
    widths.extend([
        Constraint::Length(kind_w),
        Constraint::Length(count_w),
        Constraint::Length(count_w),
        Constraint::Length(state_w),
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
    state_w: u16,
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
    vec![
        name_cell(app, model.details.is_pending(&app.id), name_w),
        Line::from(kind),
        Line::from(app.scope_count().to_string()).right_aligned(),
        Line::from(app.secrets.len().to_string()).right_aligned(),
        state_cell(secret_state::of(app, model.now), model, theme, state_w),
    ]
}

/// The Expires column as wide as `no valid secret`, and as `never +2✗` when narrow.
const STATE_W: u16 = 15;
const STATE_W_NARROW: u16 = 9;

/// The Expires column: the app's secret state (`no valid secret` in the warning colour, the
/// nearest expiry among valid secrets, `never`, `-` for a public app), then `+2✗` when
/// expired secrets are left to delete (help explains the mark).
fn state_cell(status: SecretStatus, model: &Model, theme: &Theme, width: u16) -> Line<'static> {
    let (text, style) = match status.state {
        SecretState::NoValidSecret if width >= STATE_W => {
            (NO_VALID_SECRET.to_owned(), theme.warning_badge())
        }
        SecretState::NoValidSecret => ("no valid".to_owned(), theme.warning_badge()),
        SecretState::Expires(t) => (
            format::time_left(Some(t), model.now),
            theme.urgency(format::urgency(Some(t), model.now)),
        ),
        SecretState::Never => ("never".to_owned(), theme.urgency(Urgency::Never)),
        SecretState::Public => ("-".to_owned(), theme.urgency(Urgency::NoSecret)),
        SecretState::NotLoaded => (NOT_LOADED.to_owned(), theme.dim()),
    };
    let mut spans = Vec::with_capacity(2);
    // "No valid secret" already says every secret the app has is expired.
    if status.expired > 0 && status.state != SecretState::NoValidSecret {
        let marker = format!(" +{}{EXPIRED_MARK}", status.expired);
        let marker = if format::width(&text) + format::width(&marker) <= width as usize {
            marker
        } else {
            format!(" {EXPIRED_MARK}")
        };
        spans.push(Span::styled(text, style));
        spans.push(Span::styled(marker, theme.dim()));
    } else {
        spans.push(Span::styled(text, style));
    }
    Line::from(spans).right_aligned()
}

/// Beside the state: expired secrets left to delete.
pub const EXPIRED_MARK: &str = "✗";

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
    // How many apps the filter lets through, at the right end of its line.
    let count = format!(" {} of {}", model.view.len(), model.apps.len());
    let text_area = super::count_at_right(frame, theme, area, count);
    let area = text_area;
    let width = area.width.saturating_sub(3) as usize;
    let scroll = model.filter.visual_scroll(width);
    let text: String = model.filter.value().chars().skip(scroll).collect();
    let hint = "   (Esc clears)";
    let room = !editing && format::width(&text) + 2 + hint.len() <= area.width as usize;
    let mut spans = vec![Span::styled("/ ", theme.key()), Span::raw(text)];
    if room {
        spans.push(Span::styled(hint, theme.dim()));
    } else if editing && model.filter.value().is_empty() {
        // What the filter understands, until something is typed.
        let syntax = "name, id, scope, URI; kind:public state:novalid state:expired expires:<14d scope:OR.Jobs";
        spans.push(Span::styled(
            format::truncate(syntax, (area.width as usize).saturating_sub(2)),
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if editing {
        let x = area.x + 2 + (model.filter.visual_cursor().saturating_sub(scroll)) as u16;
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}

/// What the filter line says under the filter: apps it could not judge, and what it could
/// not read. Empty when there is nothing to say.
fn filter_notes(model: &Model, theme: &Theme) -> Line<'static> {
    let outcome = &model.filter_outcome;
    let mut spans = Vec::new();
    if outcome.not_loaded > 0 {
        spans.push(Span::styled(
            format!("{} not loaded", outcome.not_loaded),
            theme.urgency(Urgency::Soon),
        ));
    }
    for problem in &outcome.problems {
        if !spans.is_empty() {
            spans.push(Span::raw(" · "));
        }
        spans.push(Span::styled(format::owned(problem), theme.error()));
    }
    Line::from(spans)
}

/// How many rows `line` takes wrapped at word boundaries into `width` cells, as the
/// paragraph that draws it wraps: a plain `width / cells` would come up short when words move
/// to the next row, and the end of a message would be cut without a mark.
fn wrapped_rows(line: &Line, width: usize) -> usize {
    let width = width.max(1);
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    if text.trim().is_empty() {
        return 0;
    }
    let (mut rows, mut used) = (1, 0);
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = format::width(word).max(1);
        if used > 0 && used + 1 + w <= width {
            used += 1 + w;
        } else {
            if used > 0 {
                rows += 1;
            }
            // A word longer than the row is broken over as many rows as it needs.
            rows += w.saturating_sub(1) / width;
            used = (w - 1) % width + 1;
        }
    }
    rows
}

/// The hint the empty list shows, naming the keys from the keymap.
pub fn empty_list_hint(model: &Model) -> String {
    if !model.loaded {
        "Loading the organization's apps…".to_owned()
    } else if !model.filter.value().is_empty() && model.filter_outcome.not_loaded > 0 {
        format!(
            "No loaded app matches {:?}; {} not loaded yet may. {} clears the filter.",
            model.filter.value(),
            model.filter_outcome.not_loaded,
            key_for(Action::Back).unwrap_or_default()
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_rows_count_words_moved_to_the_next_row() {
        let rows = |text: &str, width| wrapped_rows(&Line::from(text.to_owned()), width);
        assert_eq!(rows("", 10), 0);
        assert_eq!(rows("abc", 10), 1);
        assert_eq!(rows("abcd efgh", 9), 1);
        // Nine cells of text in ten, but "efghi" does not fit after "abcd".
        assert_eq!(rows("abcd efghi", 9), 2);
        assert_eq!(rows("abcdefghijklmnopqrst", 10), 2);
        assert_eq!(rows("ab abcdefghijklmnopqrstu", 10), 4);
    }
}
