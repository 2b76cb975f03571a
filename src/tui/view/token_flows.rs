//! The token overlays around the inspector: the inspector itself (laid out by `token.rs`),
//! the paste field and the token test. Credentials are drawn masked: bullets and a length.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::api::inspect::inspect;
use crate::tui::flows::token::{Inspector, MaskedInput, PasteToken, TestField, TokenTest};
use crate::tui::format;
use crate::tui::model::Model;
use crate::tui::theme::Theme;

use super::app_form::{centered, popup_block};

pub fn render_inspector(
    model: &Model,
    i: &Inspector,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let view = inspect(&i.decoded, model.now);
    super::token::render(&view, &i.source, i.scroll, theme, frame, area);
}

fn field_line<'a>(theme: &Theme, label: &str, value: String, focused: bool) -> Line<'a> {
    let marker = if focused { "› " } else { "  " };
    let shown = if value.is_empty() {
        Span::styled("(empty)", theme.dim())
    } else {
        Span::raw(value)
    };
    Line::from(vec![
        Span::styled(format!("{marker}{label:<8}"), theme.label()),
        shown,
    ])
}

fn popup(frame: &mut Frame, area: Rect, title: String, theme: &Theme, lines: Vec<Line<'_>>) {
    let width = area.width.saturating_sub(8).min(90);
    let inner = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let rect = centered(area, width, rows as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(popup_block(theme, title)),
        rect,
    );
}

fn masked(input: &MaskedInput) -> String {
    input.masked()
}

pub fn render_paste(p: &PasteToken, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines = vec![
        Line::from("Paste a token (JWT). It is decoded here and never sent anywhere;"),
        Line::from("only its claims are kept once decoded."),
        Line::from(""),
        field_line(theme, "Token", masked(&p.input), true),
    ];
    if let Some(e) = &p.error {
        lines.push(Line::from(Span::styled(format!("✗ {e}"), theme.error())));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Enter decodes · Ctrl-U clears · Esc cancels",
        theme.dim(),
    )));
    popup(frame, area, " Paste a token ".to_owned(), theme, lines);
}

pub fn render_test(t: &TokenTest, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines = vec![
        Line::from(format!(
            "Ask the token endpoint for a client-credentials token of {} ({}).",
            format::clean(&t.app.name),
            format::clean(&t.app.id)
        )),
        Line::from(""),
        field_line(
            theme,
            "Secret",
            masked(&t.secret),
            t.field == TestField::Secret,
        ),
        field_line(
            theme,
            "Scopes",
            t.scopes.value().to_owned(),
            t.field == TestField::Scopes,
        ),
        Line::from(Span::styled(
            "          space-separated; the app's application scopes by default",
            theme.dim(),
        )),
        Line::from(""),
    ];
    if let Some(p) = &t.problem {
        lines.push(Line::from(Span::styled(format!("✗ {p}"), theme.error())));
    }
    if t.pending.is_some() {
        lines.push(Line::from(Span::styled(
            "Asking the token endpoint…",
            theme.key(),
        )));
    }
    if let Some(o) = &t.outcome {
        let list = |v: &[String]| {
            if v.is_empty() {
                "(none)".to_owned()
            } else {
                v.join(" ")
            }
        };
        lines.push(Line::from(vec![
            Span::styled("requested  ", theme.label()),
            Span::raw(list(&o.requested)),
        ]));
        match &o.result {
            Ok(g) => {
                lines.push(Line::from(vec![
                    Span::styled("✓ granted  ", theme.info()),
                    Span::raw(list(&g.granted)),
                ]));
                if !g.not_granted.is_empty() {
                    lines.push(Line::from(vec![
                        Span::styled("✗ not granted  ", theme.error()),
                        Span::raw(list(&g.not_granted)),
                    ]));
                }
                lines.push(Line::from(Span::styled(
                    format!(
                        "  valid for {}; the token itself was not kept",
                        crate::api::inspect::human_duration(g.expires_in as i64)
                    ),
                    theme.dim(),
                )));
            }
            Err(r) => lines.push(Line::from(Span::styled(
                format!("✗ {}", r.explanation),
                theme.error(),
            ))),
        }
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled(
        "Tab switches field · Enter asks · Esc closes (the secret is dropped)",
        theme.dim(),
    )));
    popup(
        frame,
        area,
        " Test a token for an app ".to_owned(),
        theme,
        lines,
    );
}
