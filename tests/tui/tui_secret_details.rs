//! The secrets pane: Enter opens the details of the secret under the cursor; `x`, `s` and `R`
//! act on the selected app from any pane, or say why they cannot. Keys go in as terminal key
//! events through the real keymap, then `update`.

use crate::common::tui::{now, render, screen_options, settled, signed_in};

use extapps::api::model::App;
use extapps::sim::demo_apps;
use extapps::tui::effect::Effect;
use extapps::tui::flows::delete_secret::DeleteSecret;
use extapps::tui::flows::secret_details::SecretDetails;
use extapps::tui::keymap;
use extapps::tui::model::{Pane, ToastLevel};
use extapps::tui::msg::{ApiResult, Msg};
use extapps::tui::overlay::OverlayKind;
use extapps::tui::{Model, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const INVOICE: &str = "Invoice Processing Bot";
const MOBILE: &str = "Mobile Approvals (public)";

fn loaded() -> Model {
    signed_in(screen_options())
}

fn key(model: &mut Model, code: KeyCode) {
    let ev = KeyEvent::new(code, KeyModifiers::NONE);
    let msg = keymap::resolve(&ev, model.mode(), model.focus).unwrap_or_else(|| {
        panic!(
            "{code:?} is not bound in {:?} on {:?}",
            model.mode(),
            model.focus
        )
    });
    update(model, msg);
}

fn char(model: &mut Model, c: char) {
    key(model, KeyCode::Char(c));
}

/// Moves the app list down to `name` (bounded by the list's length).
fn select(model: &mut Model, name: &str) {
    char(model, '1');
    char(model, 'g');
    for _ in 0..model.apps.len() {
        if model.selected_app().is_some_and(|a| a.name == name) {
            return;
        }
        char(model, 'j');
    }
    panic!("{name} is never selected");
}

fn last_info(model: &Model) -> String {
    model
        .toasts
        .iter()
        .rev()
        .find(|t| t.level == ToastLevel::Info)
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

#[test]
fn enter_on_a_secret_opens_its_details_and_esc_q_enter_close_them() {
    let mut m = loaded();
    select(&mut m, INVOICE);
    char(&mut m, '3');
    // Soonest first: #1003 (expired 35 days ago), then #1004.
    char(&mut m, 'j');
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.overlays.top(), Some(OverlayKind::SecretDetails));
    let details = m.overlays.get::<SecretDetails>().unwrap();
    assert_eq!(details.secret_id, 1004);
    let screen = render(&mut m, 120, 35);
    for text in [
        "Secret #1004",
        "2025 rotation",
        "Created",
        "Expires",
        "in 5d",
        "Age",
    ] {
        assert!(screen.contains(text), "{text}: {screen}");
    }
    // Moving keys do nothing under it; Esc, q and Enter close it.
    char(&mut m, 'j');
    assert_eq!(m.overlays.get::<SecretDetails>().unwrap().secret_id, 1004);
    assert_eq!(m.secrets.index, 1, "the pane under it did not move");
    for close in [KeyCode::Esc, KeyCode::Char('q'), KeyCode::Enter] {
        assert_eq!(m.overlays.top(), Some(OverlayKind::SecretDetails));
        key(&mut m, close);
        assert_eq!(m.overlays.top(), None, "{close:?}");
        assert_eq!(m.focus, Pane::Secrets);
        key(&mut m, KeyCode::Enter);
    }
}

#[test]
fn an_expired_secret_says_how_long_ago_80x24() {
    let mut m = loaded();
    select(&mut m, INVOICE);
    char(&mut m, '3');
    key(&mut m, KeyCode::Enter);
    let screen = settled(&mut m, 80, 24);
    assert!(screen.contains("expired 5w ago"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn secret_details_120x35() {
    let mut m = loaded();
    select(&mut m, "CI/CD Pipeline");
    char(&mut m, '3');
    key(&mut m, KeyCode::Enter);
    insta::assert_snapshot!(settled(&mut m, 120, 35));
}

#[test]
fn a_secret_deleted_under_the_details_says_so() {
    let mut m = loaded();
    select(&mut m, INVOICE);
    char(&mut m, '3');
    key(&mut m, KeyCode::Enter);
    // A refresh whose list no longer has #1003.
    let mut apps: Vec<App> = demo_apps(now());
    for a in &mut apps {
        a.secrets.retain(|s| s.id != 1003);
    }
    let effects = m.request_apps();
    let [Effect::LoadApps { req }] = effects[..] else {
        panic!("{effects:?}")
    };
    update(
        &mut m,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Ok(apps),
                token_expires: None,
            },
        },
    );
    let screen = render(&mut m, 120, 35);
    assert!(
        screen.contains("Secret #1003 is not in the app's list any more"),
        "{screen}"
    );
}

#[test]
fn enter_on_a_public_app_says_it_has_no_secrets() {
    let mut m = loaded();
    select(&mut m, MOBILE);
    char(&mut m, '3');
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.overlays.top(), None);
    assert_eq!(
        last_info(&m),
        format!("{MOBILE} is a public app: it has no secrets")
    );
}

#[test]
fn x_s_and_r_act_on_the_selected_app_from_the_app_and_scope_panes() {
    for pane in ['1', '2', '3'] {
        let mut m = loaded();
        select(&mut m, INVOICE);
        char(&mut m, pane);

        char(&mut m, 'x');
        assert_eq!(
            m.overlays.top(),
            Some(OverlayKind::DeleteSecret),
            "x in pane {pane}"
        );
        let d = m.overlays.get::<DeleteSecret>().unwrap();
        assert_eq!(d.app_name, INVOICE);
        // The secret under pane 3's cursor: the first by expiry.
        assert_eq!(d.secret.id, 1003, "pane {pane}");
        key(&mut m, KeyCode::Esc);
        assert_eq!(m.overlays.top(), None);

        char(&mut m, 's');
        assert_eq!(
            m.overlays.top(),
            Some(OverlayKind::SecretNew),
            "s in pane {pane}"
        );
        key(&mut m, KeyCode::Esc);
        assert_eq!(m.overlays.top(), None);

        char(&mut m, 'R');
        assert_eq!(
            m.overlays.top(),
            Some(OverlayKind::Rotate),
            "R in pane {pane}"
        );
    }
}

#[test]
fn a_public_app_says_why_x_s_and_r_do_nothing_from_every_pane() {
    for pane in ['1', '2', '3'] {
        for k in ['x', 's', 'R'] {
            let mut m = loaded();
            select(&mut m, MOBILE);
            char(&mut m, pane);
            m.toasts.clear();
            char(&mut m, k);
            assert_eq!(m.overlays.top(), None, "{k} in pane {pane}");
            assert_eq!(
                last_info(&m),
                format!("{MOBILE} is a public app: it has no secrets"),
                "{k} in pane {pane}"
            );
        }
    }
}

#[test]
fn x_on_an_app_without_secrets_says_so() {
    let mut m = loaded();
    select(&mut m, "License Usage Report");
    char(&mut m, '1');
    char(&mut m, 'x');
    assert_eq!(m.overlays.top(), None);
    assert_eq!(
        last_info(&m),
        "License Usage Report has no secret to delete"
    );
}
