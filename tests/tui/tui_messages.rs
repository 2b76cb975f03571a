//! `:messages` and the status line: a toast is cut with `…` where the line ends, and the
//! overlay lists the last 50 whole; keys as the terminal sends them, through the keymap.

use crate::common::tui::{render, screen_options, signed_in};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use extapps::tui::effect::Effect;
use extapps::tui::flows::messages::KEPT;
use extapps::tui::keymap;
use extapps::tui::model::{Mode, ToastLevel};
use extapps::tui::{Model, update};

fn key(model: &mut Model, code: KeyCode) -> Vec<Effect> {
    let ev = KeyEvent::new(code, KeyModifiers::NONE);
    let Some(msg) = keymap::resolve(&ev, model.mode(), model.focus) else {
        panic!("{code:?} is not bound in {:?}", model.mode())
    };
    update(model, msg)
}

fn command(model: &mut Model, line: &str) {
    key(model, KeyCode::Char(':'));
    for c in line.chars() {
        key(model, KeyCode::Char(c));
    }
    key(model, KeyCode::Enter);
}

const LONG: &str = "Copied the client id of 経費精算ボット (3c8e1f4a-6b2d-4e97-a5c0-7d1f9e2b4a68) to the clipboard; paste it into the pipeline's settings before the next run";

fn with_messages() -> Model {
    let mut model = signed_in(screen_options());
    model.push_toast(ToastLevel::Info, "Sorted by name");
    model.push_toast(
        ToastLevel::Error,
        "The server refused the request (403): the token lacks PM.OAuthApp.Write",
    );
    model.push_toast(ToastLevel::Info, LONG);
    model
}

/// A row of the TestBackend's text without its quotes and its note on wide characters.
fn row(line: &str) -> &str {
    let line = line
        .split(" Hidden by multi-width symbols")
        .next()
        .unwrap_or(line);
    line.trim_matches('"')
}

/// The screen's rows joined without spaces or borders: wrapped text reads on.
fn joined(screen: &str) -> String {
    screen
        .lines()
        .flat_map(|l| row(l).chars())
        .filter(|c| !c.is_whitespace() && !matches!(c, '│' | '┃'))
        .collect()
}

#[test]
fn the_status_line_cuts_a_long_toast_with_an_ellipsis() {
    let mut model = with_messages();
    // The error is dismissed, so the newest info toast is the one on the status line.
    key(&mut model, KeyCode::Esc);
    let screen = render(&mut model, 80, 24);
    let status = row(screen.lines().nth(23).unwrap()).trim_end();
    assert!(status.contains("• Copied the client id"), "{screen}");
    assert!(status.ends_with('…'), "{status:?}");
}

#[test]
fn messages_lists_every_toast_whole_and_closes_with_esc_or_q() {
    let mut model = with_messages();
    command(&mut model, "messages");
    assert_eq!(model.mode(), Mode::Messages);
    for (w, h) in [(80, 24), (120, 35)] {
        let screen = render(&mut model, w, h);
        let text = joined(&screen);
        for t in [LONG, "Sorted by name", "PM.OAuthApp.Write"] {
            let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(text.contains(&t), "{w}x{h}: {t} not whole\n{screen}");
        }
        insta::assert_snapshot!(format!("messages_{w}x{h}"), screen);
    }
    key(&mut model, KeyCode::Char('q'));
    assert_eq!(model.mode(), Mode::Normal);
    command(&mut model, "messages");
    key(&mut model, KeyCode::Esc);
    assert_eq!(model.mode(), Mode::Normal);
}

#[test]
fn messages_keeps_the_last_fifty_and_scrolls_to_the_oldest() {
    let mut model = signed_in(screen_options());
    for i in 1..=KEPT + 10 {
        model.push_toast(ToastLevel::Info, format!("message number {i}"));
    }
    assert_eq!(model.messages.len(), KEPT);
    command(&mut model, "messages");
    let top = render(&mut model, 80, 24);
    assert!(
        top.contains(&format!("message number {}", KEPT + 10)),
        "{top}"
    );
    // Newest first: the oldest kept (11) is at the end, the dropped ones nowhere.
    key(&mut model, KeyCode::Char('G'));
    let bottom = render(&mut model, 80, 24);
    assert!(bottom.contains("message number 11 "), "{bottom}");
    assert!(!bottom.contains("message number 10 "), "{bottom}");
    // Bounded: the cursor stops at the last message, the screen still shows it.
    key(&mut model, KeyCode::Char('j'));
    assert_eq!(render(&mut model, 80, 24), bottom);
}

#[test]
fn the_redirect_line_keeps_its_count_whole() {
    let mut model = signed_in(screen_options());
    command(&mut model, "apps");
    // Mobile Approvals (public) has two redirect URIs, the first longer than the pane.
    key(&mut model, KeyCode::Char('/'));
    for c in "Mobile".chars() {
        key(&mut model, KeyCode::Char(c));
    }
    key(&mut model, KeyCode::Enter);
    for (w, h) in [(80, 24), (120, 35)] {
        let screen = render(&mut model, w, h);
        assert!(screen.contains("(+1 more, Enter)"), "{w}x{h}\n{screen}");
        // The URI gives way, marked.
        assert!(
            screen.contains("com.acme.a") && screen.contains("… (+1 more"),
            "{w}x{h}\n{screen}"
        );
    }
}
