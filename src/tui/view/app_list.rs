//! Pane 1: the apps of the organization, filtered and sorted. Only the visible rows are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use crate::api::model::App;
use crate::domain::secret_state::{self, NO_VALID_SECRET, NOT_LOADED, SecretState, SecretStatus};
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
    let [filter_area, table_area] = Layout::vertical([
        Constraint::Length(u16::from(show_filter)),
        Constraint::Fill(1),
    ])
    .areas(inner);
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
    let state_w = if wide { STATE_W } else { STATE_W_NARROW };
    let [name_h, kind_h, scopes_h, secrets_h] = if wide {
        ["Name", "Kind", "Scopes", "Secrets"]
    } else {
        ["Name", "Kind", "Scp", "Sec"]
    };
    // Right-aligned like the states under it.
    let header = Row::new(vec![
        Line::from(name_h),
        Line::from(kind_h),
        Line::from(scopes_h),
        Line::from(secrets_h),
        Line::from("Expires").right_aligned(),
    ])
    .style(theme.column_header());
    let rows_height = table_area.height.saturating_sub(1) as usize;
    // Fixed columns and their four gaps; the name gets the rest and shows where it was cut.
    let name_w =
        (table_area.width as usize).saturating_sub((kind_w + 2 * count_w + state_w + 4) as usize);
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
        Constraint::Length(state_w),
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
    let state_w = if wide { STATE_W } else { STATE_W_NARROW };
    Row::new(vec![
        name_cell(app, model.details.is_pending(&app.id), name_w),
        Line::from(kind),
        Line::from(app.scope_count().to_string()).right_aligned(),
        Line::from(app.secrets.len().to_string()).right_aligned(),
        state_cell(secret_state::of(app, model.now), model, theme, state_w),
    ])
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
