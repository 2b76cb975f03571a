//! Drawing. `view` reads the model and never changes what the user sees elsewhere; every table
//! builds only the rows that fit on screen.

pub mod app_form;
pub mod app_list;
pub mod command_line;
pub mod confirm;
pub mod details;
pub mod expiring;
pub mod first_run;
pub mod header;
pub mod help;
pub mod hints;
pub mod list_failed;
pub mod login;
pub mod messages;
pub mod position;
pub mod profiles;
pub mod scope_picker;
pub mod scope_tree;
pub mod secret_details;
pub mod secret_flows;
pub mod secrets;
pub mod status;
pub mod token;
pub mod token_flows;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use super::model::{Model, Overlay, OverlayKind, Pane};
use super::theme::Theme;

pub use super::model::{MIN_HEIGHT, MIN_WIDTH, too_small};

pub fn view(model: &Model, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme {
        color: !model.opts.no_color,
    };
    if too_small(area.width, area.height) {
        too_small_screen(model, &theme, frame, area);
        return;
    }
    let [top, body, bottom, hint_bar] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(model, &theme, frame, top);

    // An overlay that fills the body hides the panes and every overlay under it: drawing
    // them would be work for nothing on every frame (the expiry view is redrawn as it scrolls).
    let covered = model.overlays.iter().rposition(fills_body);
    if covered.is_none() {
        panes(model, &theme, frame, body);
    }

    if model.overlays.top() == Some(OverlayKind::Command) {
        command_line::render(model, &theme, frame, bottom);
    } else {
        status::render(model, &theme, frame, bottom);
    }

    for overlay in &model.overlays[covered.unwrap_or(0)..] {
        draw_overlay(model, overlay, &theme, frame, body);
    }
    status::render_error_box(model, &theme, frame, body);
    hints::render(model, &theme, frame, hint_bar);
}

/// Each overlay draws itself from its own state (and what it reads of the model).
fn draw_overlay(model: &Model, overlay: &Overlay, theme: &Theme, frame: &mut Frame, body: Rect) {
    match overlay {
        Overlay::Help => help::render(model, theme, frame, body),
        Overlay::Expiring => expiring::render(model, theme, frame, body),
        Overlay::Details => details::render_overlay(model, theme, frame, body),
        Overlay::SecretDetails(s) => secret_details::render(model, s, theme, frame, body),
        Overlay::SecretNew(_)
        | Overlay::Reveal(_)
        | Overlay::Rotate(_)
        | Overlay::DeleteSecret(_) => secret_flows::render(model, overlay, theme, frame, body),
        Overlay::AppForm(form) => app_form::render(model, form, theme, frame, body),
        Overlay::ScopePicker(picker) => scope_picker::render(model, picker, theme, frame, body),
        Overlay::Review(review) => app_form::render_review(model, review, theme, frame, body),
        Overlay::DeleteApp(d) => confirm::render_delete(model, d, theme, frame, body),
        Overlay::Token(i) => token_flows::render_inspector(model, i, theme, frame, body),
        Overlay::TokenPaste(p) => token_flows::render_paste(p, theme, frame, body),
        Overlay::TokenTest(t) => token_flows::render_test(t, theme, frame, body),
        Overlay::Profiles(p) => profiles::render(model, p, theme, frame, body),
        Overlay::Login(flow) => login::render(model, flow, theme, frame, body),
        Overlay::Messages(state) => messages::render(model, state, theme, frame, body),
        // Drawn in place: the filter in the app list, the command line in the status line.
        Overlay::Filter | Overlay::Command => {}
    }
}

/// The overlays drawn edge to edge over the body.
fn fills_body(overlay: &Overlay) -> bool {
    matches!(
        overlay,
        Overlay::Help | Overlay::Expiring | Overlay::Messages(_)
    )
}

/// The app list and, beside it, the selected app's details, scope tree and secrets.
fn panes(model: &Model, theme: &Theme, frame: &mut Frame, body: Rect) {
    let list_share = if body.width >= 110 { 55 } else { 50 };
    let [left, right] = Layout::horizontal([
        Constraint::Percentage(list_share),
        Constraint::Percentage(100 - list_share),
    ])
    .areas(body);
    let [details_area, scopes_area, secrets_area] = Layout::vertical([
        Constraint::Length(5),
        Constraint::Fill(3),
        Constraint::Fill(2),
    ])
    .areas(right);
    app_list::render(model, theme, frame, left);
    details::render_pane(model, theme, frame, details_area);
    scope_tree::render(model, theme, frame, scopes_area);
    secrets::render(model, theme, frame, secrets_area);
}

/// What a terminal too small for the panes shows: that it is, and the two keys that work
/// there. The help is readable at any size, so `?` opens it over the whole screen.
fn too_small_screen(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [text_area, hint_bar] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let small = [("?".to_owned(), "help"), ("q".to_owned(), "quit")];
    if model.overlays.top() == Some(OverlayKind::Help) {
        help::render(model, theme, frame, text_area);
        let hints = hints::hints(model.overlays.keys(), model.focus);
        frame.render_widget(
            Paragraph::new(hints::line(&hints, theme, area.width as usize)),
            hint_bar,
        );
        return;
    }
    frame.render_widget(
        Paragraph::new(hints::line(&small, theme, area.width as usize)),
        hint_bar,
    );
    let text = vec![
        Line::from("Terminal too small"),
        Line::from(format!(
            "{}×{}; extapps needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::from("Enlarge the window, or press q to quit."),
    ];
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        text_area,
    );
}

/// A bordered pane whose title carries its number, so focus shows without colour too.
pub(crate) fn pane_block<'a>(
    theme: &Theme,
    pane: Option<(Pane, &Model)>,
    title: Line<'a>,
) -> Block<'a> {
    let focused = pane.is_some_and(|(p, m)| m.focus == p && m.overlays.is_empty());
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(theme.border(focused))
        .title(title)
}

/// What a pane of an app whose scopes and secrets are not known says instead of "none".
pub(crate) fn not_loaded(model: &Model, id: &str) -> &'static str {
    if model.details.is_loading(id) {
        "loading details…"
    } else {
        "details not loaded yet"
    }
}

/// The first row of a list to draw when rows take several lines (wrapped names): the
/// cursor's window start, moved on while the lines from there to the selected row would
/// push it below a pane `height` lines high.
pub(crate) fn first_shown(
    heights: &[usize],
    start: usize,
    selected: usize,
    height: usize,
) -> usize {
    if heights.is_empty() {
        return 0;
    }
    let selected = selected.min(heights.len() - 1);
    let mut start = start.min(selected);
    while start < selected && heights[start..=selected].iter().sum::<usize>() > height {
        start += 1;
    }
    start
}

/// Draws `count` dim at the right end of a filter line; the rest of the line is returned.
fn count_at_right(frame: &mut Frame, theme: &Theme, area: Rect, count: String) -> Rect {
    let count_w = super::format::width(&count) as u16;
    let [text_area, count_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(count_w)]).areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(count, theme.dim())).right_aligned(),
        count_area,
    );
    text_area
}
