//! The create / edit form and the diff shown before an edit is sent. The focused field carries
//! a `›` marker and a bold label, and problems are words beside the field, so nothing depends
//! on colour.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};
use tui_input::Input;

use crate::app_rules::{Field, Severity};
use crate::tui::flows::app_form::{AppForm, FormField, Review};
use crate::tui::flows::editing::Waiting;
use crate::tui::format::{self, Urgency};
use crate::tui::model::Model;
use crate::tui::theme::Theme;

const LABEL: usize = 20;
/// How many rows of a list (URIs, scopes) the form shows around the cursor.
const LIST_ROWS: usize = 5;

/// A rectangle of at most `width`×`height`, centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn popup_block<'a>(theme: &Theme, title: String) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.border(true))
        .title(Line::from(Span::styled(title, theme.title(true))))
}

fn label<'a>(theme: &Theme, text: &str, focused: bool) -> Span<'a> {
    let marker = if focused { "›" } else { " " };
    let style = if focused {
        theme.title(true)
    } else {
        theme.label()
    };
    Span::styled(format!("{marker}{text:<w$}", w = LABEL - 1), style)
}

fn indent<'a>() -> Span<'a> {
    Span::raw(" ".repeat(LABEL))
}

/// Word-wraps `text` to `width` columns; a word longer than that gets a line of its own.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let len = format::width(&line);
        if len > 0 && len + 1 + format::width(word) > width.max(1) {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push(line);
    out
}

/// A problem under its field, wrapped to `width` so that narrow terminals show all of it.
pub fn problem_lines<'a>(
    theme: &Theme,
    severity: Severity,
    text: &str,
    width: usize,
) -> Vec<Line<'a>> {
    let (mark, style) = match severity {
        Severity::Error => ("✗ ", theme.urgency(Urgency::Expired)),
        Severity::Warning => ("! warning: ", theme.urgency(Urgency::Upcoming)),
    };
    wrap_words(&format!("{mark}{text}"), width)
        .into_iter()
        .map(|l| Line::from(vec![indent(), Span::styled(l, style)]))
        .collect()
}

/// An input shown as `[text   ]` of `width` cells, scrolled to keep its cursor visible.
/// Returns the spans and the cursor's column within them.
fn input_spans<'a>(input: &Input, width: usize, style: Style) -> (Vec<Span<'a>>, u16) {
    let scroll = input.visual_scroll(width.saturating_sub(1));
    let shown: String = input.value().chars().skip(scroll).take(width).collect();
    // The name field starts out as the server's name: shown sanitised, like everywhere.
    let shown = format::owned(&shown);
    let pad = width.saturating_sub(format::width(&shown));
    let cursor = (input.visual_cursor().max(scroll) - scroll) as u16 + 1;
    (
        vec![
            Span::raw("["),
            Span::styled(format!("{shown}{}", "_".repeat(pad)), style),
            Span::raw("]"),
        ],
        cursor,
    )
}

/// Rows of a list around the cursor, with "… N more" when it does not fit.
fn window(len: usize, cursor: usize) -> std::ops::Range<usize> {
    if len <= LIST_ROWS {
        return 0..len;
    }
    let start = cursor.saturating_sub(LIST_ROWS / 2).min(len - LIST_ROWS);
    start..start + LIST_ROWS
}

pub fn render(model: &Model, form: &AppForm, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(100);
    let inner_width = width.saturating_sub(2) as usize;
    let field_width = inner_width.saturating_sub(LABEL + 3).max(8);
    let (lines, cursor) = lines(model, form, theme, field_width, inner_width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = centered(area, width, height);
    let title = match &form.loaded {
        Some(app) => format!(
            " Edit app {:?} · {} ",
            format::clean(&app.name),
            format::clean(&app.id)
        ),
        None => " New app ".to_owned(),
    };
    let block = popup_block(theme, title);
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
    if let Some((row, col)) = cursor
        && row < inner.height
        && !form.confirm_discard
    {
        frame.set_cursor_position(Position::new(inner.x + col, inner.y + row));
    }
}

fn lines<'a>(
    model: &Model,
    form: &AppForm,
    theme: &Theme,
    field_width: usize,
    inner_width: usize,
) -> (Vec<Line<'a>>, Option<(u16, u16)>) {
    if let Some(lost) = &form.lost {
        return (lost_lines(lost, theme, inner_width), None);
    }
    let text_width = inner_width.saturating_sub(LABEL);
    let mut out: Vec<Line> = Vec::new();
    let mut cursor = None;
    let focus = form.focus;
    let problems = |out: &mut Vec<Line<'a>>, field: Field| {
        for p in form.problems_at(field) {
            out.extend(problem_lines(theme, p.severity, &p.text, text_width));
        }
    };

    // Name.
    let focused = focus == FormField::Name;
    let (spans, col) = input_spans(&form.name, field_width, Style::new());
    if focused {
        cursor = Some((out.len() as u16, LABEL as u16 + col));
    }
    let mut line = vec![label(theme, "Name", focused)];
    line.extend(spans);
    out.push(Line::from(line));
    problems(&mut out, Field::Name);

    // Kind.
    let focused = focus == FormField::Confidential;
    let kind = match (form.is_edit(), form.confidential) {
        (true, true) => "confidential (cannot change after creation)".to_owned(),
        (true, false) => "public (cannot change after creation)".to_owned(),
        (false, true) => "[x] confidential (server app, gets a secret) · Space".to_owned(),
        (false, false) => "[ ] confidential: no, public (sign-in app) · Space".to_owned(),
    };
    out.push(Line::from(vec![
        label(theme, "Kind", focused),
        Span::raw(kind),
    ]));

    // Redirect URIs: the list, then the line to add one.
    let focused = focus == FormField::RedirectUris;
    let head = label(
        theme,
        &format!("Redirect URIs ({})", form.uris.len()),
        focused,
    );
    let range = window(
        form.uris.len(),
        form.uri_cursor.min(form.uris.len().max(1) - 1),
    );
    if range.start > 0 {
        out.push(Line::from(vec![
            indent(),
            Span::styled(format!("… {} above", range.start), theme.dim()),
        ]));
    }
    let mut first = true;
    for i in range.clone() {
        let on = focused && form.uri_cursor == i;
        let lead = if first { head.clone() } else { indent() };
        first = false;
        let style = if on {
            theme.selected(true)
        } else {
            Style::new()
        };
        out.push(Line::from(vec![
            lead,
            Span::styled(form.uris[i].clone(), style),
        ]));
    }
    if range.end < form.uris.len() {
        out.push(Line::from(vec![
            indent(),
            Span::styled(
                format!("… {} below", form.uris.len() - range.end),
                theme.dim(),
            ),
        ]));
    }
    let on_input = focused && form.uri_cursor >= form.uris.len();
    let (spans, col) = input_spans(&form.uri_input, field_width.saturating_sub(5), Style::new());
    if on_input {
        cursor = Some((out.len() as u16, LABEL as u16 + 5 + col));
    }
    let mut line = vec![
        if first { head } else { indent() },
        Span::styled("add: ", theme.dim()),
    ];
    line.extend(spans);
    out.push(Line::from(line));
    if let Some(e) = &form.uri_error {
        out.extend(problem_lines(theme, Severity::Error, e, text_width));
    }
    problems(&mut out, Field::RedirectUris);

    // Scopes.
    let focused = focus == FormField::Scopes;
    let head = label(theme, &format!("Scopes ({})", form.scopes.len()), focused);
    if form.scopes.is_empty() {
        out.push(Line::from(vec![
            head,
            Span::styled("none · Enter opens the scope picker", theme.dim()),
        ]));
    } else {
        let range = window(form.scopes.len(), form.scope_cursor);
        for (n, i) in range.clone().enumerate() {
            let s = &form.scopes[i];
            let lead = if n == 0 { head.clone() } else { indent() };
            let on = focused && form.scope_cursor == i;
            let style = if on {
                theme.selected(true)
            } else {
                Style::new()
            };
            let kind_style = if s.kind == crate::api::model::ScopeType::User {
                theme.user_scope()
            } else {
                theme.app_scope()
            };
            out.push(Line::from(vec![
                lead,
                Span::styled(format::pad(&format::clean(&s.name), 32), style),
                Span::styled(s.kind.label(), kind_style),
            ]));
        }
        let more = form.scopes.len() - range.len();
        let hint = if more > 0 {
            format!("… {more} more · Enter opens the scope picker")
        } else {
            "Enter opens the scope picker".to_owned()
        };
        out.push(Line::from(vec![indent(), Span::styled(hint, theme.dim())]));
    }
    problems(&mut out, Field::Scopes);

    // The button, and what the server or the flow said.
    out.push(Line::from(""));
    let focused = focus == FormField::Save;
    let button = if focused { "›[ Save ]" } else { " [ Save ]" };
    let style = if focused {
        theme.selected(true)
    } else {
        theme.key()
    };
    let waiting = match model.edit.pending.as_ref().map(|p| &p.what) {
        Some(Waiting::Create) => Some("Creating the app…"),
        Some(Waiting::Fresh { .. }) => Some("Reading the app fresh to compare… (Esc stops)"),
        Some(Waiting::Save { .. }) => Some("Saving…"),
        _ => None,
    };
    let mut line = vec![Span::styled(button, style), Span::raw("  ")];
    if let Some(w) = waiting {
        line.push(Span::styled(w, theme.key()));
    }
    out.push(Line::from(line));
    let wrapped = |text: String, style: Style| -> Vec<Line<'a>> {
        wrap_words(&text, inner_width)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, style)))
            .collect()
    };
    if let Some(e) = &form.server_error {
        out.extend(wrapped(format!("✗ {e}"), theme.urgency(Urgency::Expired)));
    }
    if let Some(n) = &form.notice {
        out.extend(wrapped(format!("• {n}"), theme.info()));
    }
    out.push(Line::from(""));
    if form.confirm_discard {
        out.extend(wrapped(
            "Discard your changes? y discards · any other key keeps editing".to_owned(),
            theme.warning_badge(),
        ));
    } else {
        out.extend(wrapped(
            "Tab/Shift-Tab field · Enter acts · Ctrl-S saves · Ctrl-D removes a URI or scope · Esc cancels"
                .to_owned(),
            theme.dim(),
        ));
    }
    (out, cursor)
}

/// After a create whose answer was lost: what is known, and the one next step that works.
fn lost_lines<'a>(
    lost: &crate::tui::flows::lost_create::LostCreate,
    theme: &Theme,
    inner_width: usize,
) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    for (text, bad) in crate::tui::flows::lost_create::lines(lost) {
        let style = if bad {
            theme.urgency(Urgency::Expired)
        } else {
            Style::new()
        };
        out.extend(
            wrap_words(&text, inner_width)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, style))),
        );
        out.push(Line::from(""));
    }
    out.pop();
    out
}

/// The diff of an edit: what changed on the server meanwhile (if anything), then what saving
/// will change. Buttons default to No.
pub fn render_review(model: &Model, review: &Review, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines: Vec<Line> = Vec::new();
    if !review.server_changes.is_empty() {
        lines.push(Line::from(Span::styled(
            " ! The app changed on the server since you opened it: ",
            theme.warning_badge(),
        )));
        for c in &review.server_changes {
            lines.push(Line::from(format!("    {c}")));
        }
        lines.push(Line::from(
            "  Your edits were replayed on this new state (the panes show it); nothing was sent.",
        ));
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled(
        "Saving sends the whole app; the server replaces its name, redirect URIs and scopes:",
        theme.label(),
    )));
    for c in &review.changes {
        let style = match c.to_string().chars().next() {
            Some('+') => theme.urgency(Urgency::Later),
            Some('-') => theme.urgency(Urgency::Expired),
            _ => theme.urgency(Urgency::Upcoming),
        };
        lines.push(Line::from(Span::styled(format!("    {c}"), style)));
    }
    let n = review.changes.len();
    lines.push(Line::from(""));
    let sending = model.edit.pending.is_some();
    let (no, yes) = if review.yes {
        (Style::new(), theme.selected(true))
    } else {
        (theme.selected(true), Style::new())
    };
    lines.push(Line::from(vec![
        Span::raw(format!("{n} change{}.  ", if n == 1 { "" } else { "s" })),
        Span::styled(if review.yes { " [ No ] " } else { "›[ No ] " }, no),
        Span::raw("  "),
        Span::styled(
            if review.yes {
                "›[ Yes, save ] "
            } else {
                " [ Yes, save ] "
            },
            yes,
        ),
        Span::styled(if sending { "  Saving…" } else { "" }, theme.key()),
    ]));
    lines.push(Line::from(Span::styled(
        "y saves · n or Esc back to the form · Tab switches · Enter presses the marked button",
        theme.dim(),
    )));
    let width = area.width.saturating_sub(8).min(96);
    let inner = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let popup = centered(area, width, rows as u16 + 2);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(popup_block(
                theme,
                format!(" Save {:?}? ", format::clean(&review.name)),
            )),
        popup,
    );
}
