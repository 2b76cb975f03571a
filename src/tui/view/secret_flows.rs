//! The secret overlays: the new-secret form, the one-time reveal, each step of the rotation
//! wizard (with what happened so far), and the delete confirmation.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};
use tui_input::Input;

use crate::api::model::Secret;
use crate::tui::flows::reveal::Reveal;
use crate::tui::flows::rotate::{Rotation, Step};
use crate::tui::flows::secret_new::{ExpiryChoice, Field, SecretForm};
use crate::tui::format;
use crate::tui::model::{Model, Overlay};
use crate::tui::theme::Theme;

pub fn render(model: &Model, overlay: &Overlay, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (title, lines) = match overlay {
        Overlay::SecretNew(form) => (
            format!(" New secret · {} ", format::clean(&form.app_name)),
            form_lines(model, form, theme, true),
        ),
        Overlay::Reveal(r) => (
            format!(
                " New secret of {} · shown once ",
                format::clean(&r.app_name)
            ),
            reveal_lines(model, r, theme, true),
        ),
        Overlay::Rotate(r) => (
            format!(
                " Rotate the secret of {} · step {} of 4 ",
                format::clean(&r.form.app_name),
                r.step.number()
            ),
            rotation_lines(model, r, theme),
        ),
        Overlay::DeleteSecret(d) => (" Delete secret ".to_owned(), delete_lines(model, d, theme)),
        _ => return,
    };
    popup(frame, area, theme, title, lines);
}

fn popup(frame: &mut Frame, area: Rect, theme: &Theme, title: String, lines: Vec<Line<'_>>) {
    let width = area.width.saturating_sub(4).min(84);
    let inner_width = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_width))
        .sum();
    let height = (rows as u16 + 2).min(area.height);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.border(true))
        .title(Line::from(Span::styled(title, theme.title(true))));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

fn hint<'a>(theme: &Theme, text: &'a str) -> Line<'a> {
    Line::from(Span::styled(text, theme.dim()))
}

fn label(theme: &Theme, focused: bool, text: &str) -> Vec<Span<'static>> {
    // The focus shows as a marker, not only as colour.
    let marker = if focused { "▸ " } else { "  " };
    vec![
        Span::styled(marker.to_owned(), theme.key()),
        Span::styled(format!("{text:<12}"), theme.label()),
    ]
}

fn with_cursor(input: &Input, focused: bool) -> String {
    let value = input.value();
    if !focused {
        return value.to_owned();
    }
    let at = input.cursor();
    let mut s: String = value.chars().take(at).collect();
    s.push('▏');
    s.extend(value.chars().skip(at));
    s
}

fn form_lines<'a>(
    model: &Model,
    form: &'a SecretForm,
    theme: &Theme,
    alone: bool,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let mut desc = label(theme, form.field == Field::Description, "Description");
    desc.push(Span::raw(with_cursor(
        &form.description,
        form.field == Field::Description,
    )));
    lines.push(Line::from(desc));
    let mut exp = label(theme, form.field == Field::Expiry, "Expires in");
    let choice = form.choice();
    exp.push(Span::raw(format!("◂ {} ▸", choice.label())));
    if let ExpiryChoice::Days(d) = choice {
        let at = model.now + jiff::SignedDuration::from_hours(24 * d);
        exp.push(Span::styled(
            format!("  (until {})", format::date(at, &model.tz)),
            theme.dim(),
        ));
    }
    lines.push(Line::from(exp));
    if choice == ExpiryChoice::Date {
        let mut date = label(theme, form.field == Field::Date, "Date");
        let text = with_cursor(&form.date, form.field == Field::Date);
        if form.date.value().is_empty() && form.field != Field::Date {
            date.push(Span::styled("YYYY-MM-DD", theme.dim()));
        } else {
            date.push(Span::raw(text));
        }
        lines.push(Line::from(date));
    }
    if let Some(w) = form.warning() {
        lines.push(Line::from(Span::styled(format!("⚠ {w}"), theme.error())));
    }
    if form.pending.is_some() {
        lines.push(Line::from(Span::styled(
            "… creating the secret (sent once)",
            theme.key(),
        )));
    }
    if let Some(e) = &form.error {
        lines.push(Line::from(Span::styled(format!("✗ {e}"), theme.error())));
    }
    lines.push(Line::from(""));
    if form.unknown {
        lines.push(hint(theme, "r refresh and look · Esc close"));
    } else if alone {
        lines.push(hint(
            theme,
            "Enter create · Tab/↑↓ field · ←/→ expiry · Esc cancel",
        ));
    } else {
        lines.push(hint(
            theme,
            "Enter mint (old secrets stay) · Tab/↑↓ field · ←/→ expiry · Esc leave",
        ));
    }
    lines
}

fn expiry_text(model: &Model, expiry: Option<jiff::Timestamp>) -> String {
    match expiry {
        None => "never expires".to_owned(),
        Some(t) => format!(
            "expires {} ({})",
            format::date(t, &model.tz),
            format::time_left(Some(t), model.now)
        ),
    }
}

fn reveal_lines<'a>(model: &Model, r: &'a Reveal, theme: &Theme, alone: bool) -> Vec<Line<'a>> {
    let mut about = vec![
        Span::styled("Client id   ", theme.label()),
        Span::raw(r.client_id.clone()),
    ];
    if let Some(id) = r.secret_id {
        about.push(Span::raw(format!(" · secret #{id}")));
    }
    let mut lines = vec![Line::from(about)];
    if let Some(expiry) = r.expiry {
        lines.push(Line::from(vec![
            Span::styled("Secret      ", theme.label()),
            Span::raw(expiry_text(model, expiry)),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(vec![
        Span::raw("    "),
        Span::styled(r.display().to_owned(), theme.key()),
    ]));
    lines.push(Line::from(""));
    let state = if r.shown { "shown" } else { "masked" };
    lines.push(Line::from(format!(
        "Store it now ({state}): it cannot be read again once this closes."
    )));
    if let Some(place) = &r.copied {
        lines.push(Line::from(Span::styled(
            format!("✓ copied to {place}"),
            theme.info(),
        )));
    }
    lines.push(Line::from(""));
    lines.push(hint(
        theme,
        if alone {
            "v show/hide · y copy · Enter or Esc close (the value is dropped)"
        } else {
            "v show/hide · y copy · Enter verify it · Esc leave (all secrets kept)"
        },
    ));
    lines
}

fn secret_name(model: &Model, s: &Secret) -> String {
    format!(
        "#{} {:?} · created {} ago · {}",
        s.id,
        format::clean(s.description.as_deref().unwrap_or("(no description)")),
        format::compact(model.now.duration_since(s.creation_time).as_secs().max(1)),
        expiry_text(model, s.expiry_time)
    )
}

fn progress<'a>(
    theme: &Theme,
    done: bool,
    current: bool,
    n: u8,
    name: &str,
    what: String,
) -> Line<'a> {
    let (mark, style): (&str, Style) = if done {
        ("✓", theme.info())
    } else if current {
        ("▸", theme.key())
    } else {
        (" ", theme.dim())
    };
    Line::from(vec![
        Span::styled(format!("{mark} {n} {name:<12}"), style),
        Span::raw(what),
    ])
}

fn rotation_lines<'a>(model: &Model, r: &'a Rotation, theme: &Theme) -> Vec<Line<'a>> {
    let n = r.step.number();
    let minted = match &r.minted {
        Some(s) => format!("#{} · {}", s.id, expiry_text(model, s.expiry_time)),
        None => "a new secret; the old ones stay".to_owned(),
    };
    let verify = match &r.granted {
        Some(scopes) => format!("token granted: {}", scopes_text(scopes)),
        None => "a client-credentials token with the new secret".to_owned(),
    };
    let mut lines = vec![
        progress(theme, n > 1, n == 1, 1, "Mint", minted),
        progress(
            theme,
            n > 2 && r.taken(),
            n == 2,
            2,
            "Reveal",
            if n > 2 && !r.taken() {
                "never shown or copied: nobody holds the new value".to_owned()
            } else {
                "shown once, masked until v".to_owned()
            },
        ),
        progress(
            theme,
            n > 3 || matches!(r.step, Step::Verified { .. }),
            n == 3,
            3,
            "Verify",
            verify,
        ),
        progress(
            theme,
            r.step == Step::Done,
            n == 4 && r.step != Step::Done,
            4,
            "Old secrets",
            format!(
                "{} older; deleted only if you mark them and say yes",
                r.old.len()
            ),
        ),
        Line::from(""),
    ];
    match &r.step {
        Step::Form => lines.extend(form_lines(model, &r.form, theme, false)),
        Step::Minting => {
            lines.push(Line::from(Span::styled(
                "… minting the new secret (sent once)",
                theme.key(),
            )));
            lines.push(hint(theme, "Esc leave (if it is created, it is kept)"));
        }
        Step::MintUnknown { error } => {
            lines.push(Line::from(Span::styled(
                format!("✗ {error}"),
                theme.error(),
            )));
            lines.push(Line::from("Every older secret was kept."));
            lines.push(hint(theme, "r refresh and look · Esc close"));
        }
        Step::Reveal => {
            if let Some(v) = &r.reveal {
                lines.extend(reveal_lines(model, v, theme, false));
            }
        }
        Step::Verifying => {
            lines.push(Line::from(Span::styled(
                "… asking the token endpoint for a token with the new secret",
                theme.key(),
            )));
            lines.push(hint(theme, "Esc leave (all secrets kept)"));
        }
        Step::Verified { .. } => {
            lines.push(Line::from(
                "The new secret works. Next: the older secrets (nothing is deleted without a yes).",
            ));
            lines.push(hint(theme, "Enter continue · Esc leave (all secrets kept)"));
        }
        Step::VerifyFailed {
            error,
            refused: true,
        } => {
            lines.push(Line::from(Span::styled(
                format!("✗ Verify failed: {error}"),
                theme.error(),
            )));
            lines.push(Line::from(
                "Step 1 completed: the new secret exists next to the old ones, which were all kept. A new secret can take a moment to work: retry.",
            ));
            lines.push(hint(
                theme,
                "r or Enter retry · Esc leave (all secrets kept)",
            ));
        }
        Step::VerifyFailed {
            error,
            refused: false,
        } => {
            lines.push(Line::from(Span::styled(
                format!("✗ Not verified: {error}"),
                theme.error(),
            )));
            lines.push(Line::from(
                "Step 1 completed: the new secret exists next to the old ones, which were all kept. Whether it works is not known yet: retry when the token endpoint answers.",
            ));
            lines.push(hint(
                theme,
                "r or Enter retry · Esc leave (all secrets kept)",
            ));
        }
        Step::OfferDelete => {
            if let Some(v) = &r.reveal {
                let state = if v.taken() {
                    ""
                } else {
                    "  (never shown or copied)"
                };
                lines.push(Line::from(vec![
                    Span::styled("New value   ", theme.label()),
                    Span::styled(v.display().to_owned(), theme.key()),
                    Span::styled(state, theme.error()),
                ]));
            }
            lines.push(Line::from(format!(
                "Mark the older secrets to delete ({}):",
                marked_text(r.marked().count(), r.old.len())
            )));
            for (i, o) in r.old.iter().enumerate() {
                let cursor = if i == r.cursor { "▸" } else { " " };
                let mark = if o.marked { "[x]" } else { "[ ]" };
                let line = Line::from(format!("{cursor} {mark} {}", secret_name(model, &o.secret)));
                lines.push(if i == r.cursor {
                    line.style(theme.selected(true))
                } else {
                    line
                });
            }
            if let Some(why) = &r.refusal {
                lines.push(Line::from(Span::styled(format!("✗ {why}"), theme.error())));
            }
            lines.push(hint(
                theme,
                "Space mark · j/k move · v show · y copy · Enter continue (nothing marked: keep all) · Esc leave",
            ));
        }
        Step::ConfirmDelete => {
            lines.push(Line::from(Span::styled(
                "Delete these secrets? Integrations still using them stop working.",
                theme.error(),
            )));
            for s in r.marked() {
                lines.push(Line::from(format!("  ✗ {}", secret_name(model, s))));
            }
            lines.push(hint(theme, "y delete · n, Enter or Esc no (default)"));
        }
        Step::Deleting => {
            lines.push(Line::from(Span::styled(
                format!("… deleting {} secret(s)", r.deleting.len()),
                theme.key(),
            )));
        }
        Step::Done => {
            let new = r
                .minted
                .as_ref()
                .map(|s| format!("#{}", s.id))
                .unwrap_or_default();
            // "Works" only on the token endpoint's word: a secret nobody verified is not
            // said to be in use.
            lines.push(if r.granted.is_some() {
                Line::from(Span::styled(
                    format!("✓ Rotated: {new} works (a token was granted with it)."),
                    theme.info(),
                ))
            } else {
                Line::from(Span::styled(
                    format!("New secret {new} was not verified."),
                    theme.error(),
                ))
            });
            if r.deleted.is_empty() && r.failed.is_empty() {
                lines.push(Line::from("Every older secret was kept."));
            }
            for id in &r.deleted {
                lines.push(Line::from(format!("  deleted #{id}")));
            }
            for (id, e) in &r.failed {
                lines.push(Line::from(Span::styled(
                    format!("  ✗ #{id} not deleted: {e}"),
                    theme.error(),
                )));
            }
            lines.push(hint(theme, "Enter or Esc close"));
        }
        Step::LeaveUnseen { .. } => {
            let new = r
                .minted
                .as_ref()
                .map(|s| format!("#{}", s.id))
                .unwrap_or_default();
            lines.push(Line::from(Span::styled(
                format!(
                    "Leave the rotation? New secret {new} exists, but its value was never shown or copied: nobody holds it, and it cannot be read again."
                ),
                theme.error(),
            )));
            lines.push(Line::from("Every older secret is kept either way."));
            lines.push(hint(
                theme,
                "Enter or y delete it and leave (default) · n keep it and leave · Esc back",
            ));
        }
    }
    lines
}

fn marked_text(marked: usize, of: usize) -> String {
    match marked {
        0 => "none is marked".to_owned(),
        n if n == of => format!("all {n} are marked"),
        n => format!("{n} of {of} marked"),
    }
}

fn scopes_text(scopes: &[String]) -> String {
    if scopes.is_empty() {
        "no scopes".to_owned()
    } else {
        scopes.join(" ")
    }
}

fn delete_lines<'a>(
    model: &Model,
    d: &'a crate::tui::flows::delete_secret::DeleteSecret,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = vec![
        Line::from(format!(
            "App: {} ({})",
            format::clean(&d.app_name),
            format::clean(&d.app_id)
        )),
        Line::from(format!("Secret: {}", secret_name(model, &d.secret))),
        Line::from(""),
    ];
    if d.last_working {
        lines.push(Line::from(Span::styled(
            "This is the app's last unexpired secret: after it, nothing can get a token as this app.",
            theme.error(),
        )));
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "Type {} (or the client id) to delete: ",
                    format::clean(&crate::tui::flows::typed_confirm::fold(&d.app_name))
                ),
                theme.label(),
            ),
            Span::raw(with_cursor(&d.typed, true)),
        ]));
    } else if let Some(t) = d.secret.expiry_time.filter(|t| *t <= model.now) {
        // An expired secret gets no token any more: nothing can be "still using" it.
        lines.push(Line::from(format!(
            "It expired on {}: it is already unusable, so deleting it stops nothing.",
            format::date(t, &model.tz)
        )));
    } else {
        lines.push(Line::from(
            "Integrations still using this secret stop working.",
        ));
    }
    if d.pending.is_some() {
        lines.push(Line::from(Span::styled("… deleting", theme.key())));
    }
    if let Some(e) = &d.error {
        lines.push(Line::from(Span::styled(format!("✗ {e}"), theme.error())));
    }
    lines.push(Line::from(""));
    lines.push(hint(
        theme,
        if d.last_working {
            "Enter delete (name typed) · Esc keep it"
        } else {
            "y delete · n, Enter or Esc keep it (default)"
        },
    ));
    lines
}
