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

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = model.focus == Pane::Apps && matches!(model.mode(), Mode::Normal | Mode::Filter);
    let count = if model.filter_text().is_empty() {
        format!("{}", model.view.len())
    } else {
        format!("{}/{}", model.view.len(), model.apps.len())
    };
    let mut title = vec![
        Span::styled(" 1 Apps ", theme.title(focused)),
        Span::styled(
            format!("{count} · sort: {} ", model.sort.label()),
            theme.dim(),
        ),
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
    frame.render_widget(block, area);

    let filtering = model.mode() == Mode::Filter;
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
    let header = Row::new(if wide {
        ["Name", "Kind", "Scopes", "Secrets", "Expires"]
    } else {
        ["Name", "Kind", "Scp", "Sec", "Expires"]
    })
    .style(theme.column_header());
    let rows_height = table_area.height.saturating_sub(1) as usize;
    // Fixed columns and their four gaps; the name gets the rest and shows where it was cut.
    let name_w =
        (table_area.width as usize).saturating_sub((kind_w + 2 * count_w + 7 + 4) as usize);
    let window = model.list.window(model.view.len(), rows_height);
    let rows = model.view[window.clone()]
        .iter()
        .enumerate()
        .filter_map(|(i, id)| model.apps.get(id).map(|app| (window.start + i, app)))
        .map(|(row, app)| {
            let r = app_row(app, model, theme, wide, name_w);
            if row == model.list.index {
                r.style(theme.selected(focused))
            } else {
                r
            }
        });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(kind_w),
        Constraint::Length(count_w),
        Constraint::Length(count_w),
        Constraint::Length(7),
    ];
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        table_area,
    );
}

fn app_row<'a>(app: &'a App, model: &Model, theme: &Theme, wide: bool, name_w: usize) -> Row<'a> {
    let kind = match (app.is_confidential, wide) {
        (true, true) => "confidential",
        (true, false) => "conf.",
        (false, _) => "public",
    };
    // Not loaded is never shown as none: no count, no "-".
    if !app.details_known() {
        let pending = model.details.is_pending(&app.id);
        return Row::new(vec![
            name_cell(app, pending, name_w),
            Line::from(kind),
            Line::from("…").right_aligned(),
            Line::from("…").right_aligned(),
            Line::from(Span::styled("…", theme.dim())).right_aligned(),
        ]);
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
    Row::new(vec![
        name_cell(app, model.details.is_pending(&app.id), name_w),
        Line::from(kind),
        Line::from(app.scope_count().to_string()).right_aligned(),
        Line::from(app.secrets.len().to_string()).right_aligned(),
        Line::from(Span::styled(expiry_text, theme.urgency(urgency))).right_aligned(),
    ])
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
    // How many apps the filter lets through, at the right end of its line.
    let count = format!(" {} of {}", model.view.len(), model.apps.len());
    let count_w = format::width(&count) as u16;
    let [text_area, count_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(count_w)]).areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(count, theme.dim())).right_aligned(),
        count_area,
    );
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
