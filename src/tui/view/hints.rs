//! The key hint bar: one line with the few keys that matter most where the keyboard is (the
//! focused pane, or the overlay on top), like k9s and lazygit keep them on screen. Which
//! actions are hinted and their one-word names are chosen here; the keys themselves come from
//! the keymap (`keymap::keys_for`), so a hint never names a key that does something else, and
//! an action with no key in that mode is left out. `? help` comes first and is never dropped:
//! on a narrow terminal the hints go from the right.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::keymap::{Action as A, FlowKey as F, SecretKey as SK, keys_for};
use crate::tui::model::{Mode, Model, Pane};
use crate::tui::theme::Theme;

/// Actions shown as one hint (`j/k move`), and its name.
type Hint = (&'static [A], &'static str);

/// The hints of a mode (and, with no overlay, of the focused pane), most useful first.
fn picks(mode: Mode, focus: Pane) -> &'static [Hint] {
    const CLOSE: Hint = (&[A::Back], "close");
    const CANCEL: Hint = (&[A::Back], "cancel");
    match mode {
        Mode::Normal => match focus {
            Pane::Apps => &[
                (&[A::StartFilter], "filter"),
                (&[A::ShowDetails], "details"),
                (&[A::CycleSort], "sort"),
                (&[A::ReverseSort], "reverse"),
                (&[A::NextPane], "next pane"),
                (&[A::NewApp], "new"),
                (&[A::ShowExpiring], "expiry"),
                (&[A::Quit], "quit"),
            ],
            Pane::Scopes => &[
                (&[A::ToggleFold], "fold"),
                (&[A::Down, A::Up], "move"),
                (&[A::NextPane], "next pane"),
                (&[A::StartFilter], "filter"),
                (&[A::ShowExpiring], "expiry"),
                (&[A::Quit], "quit"),
            ],
            Pane::Secrets => &[
                (&[A::ShowDetails], "details"),
                (&[A::Secret(SK::New)], "new secret"),
                (&[A::Secret(SK::Rotate)], "rotate"),
                (&[A::Secret(SK::Delete)], "delete"),
                (&[A::NextPane], "next pane"),
                (&[A::Quit], "quit"),
            ],
        },
        Mode::Help => &[
            (&[A::Down, A::Up], "scroll"),
            (&[A::PageDown, A::PageUp], "page"),
            (&[A::Top, A::Bottom], "first/last"),
            CLOSE,
        ],
        Mode::Expiring => &[
            (&[A::Down, A::Up], "move"),
            (&[A::JumpToApp], "go to app"),
            (&[A::StartFilter], "filter"),
            (&[A::Top, A::Bottom], "first/last"),
            CLOSE,
        ],
        Mode::Details => &[(&[A::Down, A::Up], "move"), CLOSE],
        Mode::Filter => &[
            (&[A::Submit], "keep"),
            (&[A::Back], "clear"),
            (
                &[A::Edit(crate::tui::msg::TextEdit::DeleteWord)],
                "delete word",
            ),
        ],
        Mode::Command => &[
            (&[A::Submit], "run"),
            (&[A::Complete], "complete"),
            (&[A::HistoryPrev, A::HistoryNext], "history"),
            CANCEL,
        ],
        Mode::SecretForm => &[
            (&[A::Submit], "create"),
            (&[A::Secret(SK::NextField)], "next field"),
            CANCEL,
        ],
        Mode::SecretReveal => &[
            (&[A::Secret(SK::ToggleMask)], "show/hide"),
            (&[A::Secret(SK::CopySecret)], "copy"),
            (&[A::Submit], "continue"),
            (&[A::Back], "leave"),
        ],
        Mode::SecretWizard => &[
            (&[A::Submit], "continue"),
            (&[A::Secret(SK::Retry)], "retry"),
            (&[A::Back], "leave"),
        ],
        Mode::SecretPick => &[
            (&[A::Down, A::Up], "move"),
            (&[A::Secret(SK::Toggle)], "mark"),
            (&[A::Submit], "continue"),
            (&[A::Secret(SK::ToggleMask)], "show/hide"),
            (&[A::Secret(SK::CopySecret)], "copy"),
        ],
        Mode::SecretConfirm => &[(&[A::Secret(SK::Yes)], "delete"), (&[A::Back], "keep")],
        Mode::SecretDiscard => &[
            (&[A::Secret(SK::Yes)], "delete it"),
            (&[A::Secret(SK::Keep)], "keep it"),
        ],
        Mode::SecretTyped | Mode::DeleteApp => &[
            (&[A::Submit], "delete"),
            (&[A::Flow(F::Activate)], "delete"),
            CANCEL,
        ],
        Mode::Form => &[
            (&[A::Flow(F::NextField), A::Flow(F::PrevField)], "field"),
            (&[A::Flow(F::Activate)], "open/add"),
            (&[A::Flow(F::Save)], "save"),
            (&[A::Flow(F::Remove)], "remove"),
            CANCEL,
        ],
        Mode::Picker => &[
            (&[A::Flow(F::Toggle)], "select"),
            (&[A::Flow(F::Down), A::Flow(F::Up)], "move"),
            (&[A::Flow(F::Kind)], "user/app"),
            (&[A::Flow(F::Activate)], "done"),
            CANCEL,
        ],
        Mode::Review => &[
            (&[A::Flow(F::Yes)], "send"),
            (&[A::Flow(F::No)], "back"),
            (&[A::Flow(F::NextField)], "switch"),
            CANCEL,
        ],
        Mode::Token => &[
            (&[A::Down, A::Up], "scroll"),
            (&[A::Top, A::Bottom], "first/last"),
            (&[A::PasteToken], "paste another"),
            CLOSE,
        ],
        Mode::TokenPaste => &[(&[A::Submit], "decode"), CANCEL],
        Mode::TokenTest => &[
            (&[A::Submit], "test"),
            (&[A::Flow(F::NextField)], "field"),
            CLOSE,
        ],
        Mode::Profiles => &[(&[A::Down, A::Up], "move"), (&[A::Submit], "use"), CLOSE],
        Mode::Login => &[
            (&[A::Secret(SK::CopySecret)], "copy URL"),
            (&[A::Submit], "inspect"),
            CLOSE,
        ],
    }
}

/// `j/k`: the first key of each action, or `None` when one of them has no key here.
fn keys(actions: &[A], mode: Mode, focus: Pane) -> Option<String> {
    let firsts: Option<Vec<String>> = actions
        .iter()
        .map(|&a| keys_for(a, mode, focus).first().map(|k| k.label()))
        .collect();
    firsts.map(|k| k.join("/"))
}

/// The hints of a mode as (keys, name), `? help` first where `?` opens the help. Two hints
/// with the same keys are one (the first).
pub fn hints(mode: Mode, focus: Pane) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    if let Some(help) = keys(&[A::Help], mode, focus) {
        out.push((help, "help"));
    }
    for (actions, name) in picks(mode, focus) {
        if let Some(k) = keys(actions, mode, focus)
            && !out.iter().any(|(known, _)| *known == k)
        {
            out.push((k, name));
        }
    }
    out
}

/// The bar as spans that fit in `width` cells: whole hints from the left, so `? help` (the
/// first) stays and the last ones go.
pub fn line(hints: &[(String, &str)], theme: &Theme, width: usize) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (i, (keys, name)) in hints.iter().enumerate() {
        let gap = if i == 0 { "" } else { "  " };
        let w = gap.len() + crate::tui::format::width(keys) + 1 + crate::tui::format::width(name);
        if used + w > width && i > 0 {
            break;
        }
        used += w;
        spans.push(Span::raw(gap));
        spans.push(Span::styled(keys.clone(), theme.key()));
        spans.push(Span::styled(format!(" {name}"), theme.dim()));
    }
    Line::from(spans)
}

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let hints = hints(model.mode(), model.focus);
    frame.render_widget(
        Paragraph::new(line(&hints, theme, area.width as usize)),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_has_help_or_a_way_out_and_no_key_twice() {
        use Mode::*;
        for mode in [
            Normal,
            Filter,
            Command,
            Help,
            Expiring,
            Details,
            SecretForm,
            SecretReveal,
            SecretWizard,
            SecretPick,
            SecretConfirm,
            SecretDiscard,
            SecretTyped,
            Form,
            Picker,
            Review,
            DeleteApp,
            Token,
            TokenPaste,
            TokenTest,
            Profiles,
            Login,
        ] {
            for focus in [Pane::Apps, Pane::Scopes, Pane::Secrets] {
                let hints = hints(mode, focus);
                assert!(hints.len() >= 2, "{mode:?} {focus:?}: {hints:?}");
                if mode == Normal {
                    assert_eq!(hints[0], ("?".to_owned(), "help"), "{focus:?}");
                }
            }
        }
    }

    #[test]
    fn a_narrow_bar_drops_hints_from_the_right_but_keeps_help() {
        let theme = Theme { color: false };
        let hints = hints(Mode::Normal, Pane::Apps);
        let text = |w| line(&hints, &theme, w).to_string();
        assert!(text(200).contains("O reverse"));
        assert_eq!(text(12).trim(), "? help");
        assert!(!text(20).contains("filter  Enter"));
    }
}
