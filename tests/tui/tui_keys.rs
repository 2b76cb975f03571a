//! The keys the README promises and no other test pressed: `y` (copy: the client id, a
//! revealed secret, the login URL), `Enter` (fold and unfold in the scope tree, details
//! elsewhere) and `:sort` (every key it names, and a bad one). Keys go in as terminal key
//! events through the real keymap, then `update`; the clipboard is only ever an effect here.

use crate::common;
use crate::common::tui::{self, now, render};

use extapps::api::model::Secret;
use extapps::sim::demo_apps;
use extapps::tui::effect::{Effect, RequestId, SecretEffect, Sensitive};
use extapps::tui::flows::reveal::Reveal;
use extapps::tui::keymap::{self, Action};
use extapps::tui::model::{Mode, Pane, SortKey, ToastLevel};
use extapps::tui::msg::{ApiResult, Msg, SecretResult};
use extapps::tui::overlay::OverlayKind;
use extapps::tui::{Model, TuiOptions, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::SecretString;

const FAKE: &str = "FAKE-not-a-real-secret-4567";
/// The first app by name, selected at start.
const AUDIT_ID: &str = "4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9c0";
const AUDIT: &str = "Audit Log Exporter (SIEM)";

fn loaded_with(read_only: bool) -> Model {
    let mut model = tui::signed_in(TuiOptions {
        read_only,
        no_color: true,
        ..tui::options()
    });
    update(
        &mut model,
        Msg::Resize {
            width: 120,
            height: 35,
        },
    );
    model
}

fn loaded() -> Model {
    loaded_with(false)
}

/// One key as the terminal sends it, resolved by the keymap for the model's mode and pane.
fn key(model: &mut Model, code: KeyCode) -> Vec<Effect> {
    let ev = KeyEvent::new(code, KeyModifiers::NONE);
    let Some(msg) = keymap::resolve(&ev, model.mode(), model.focus) else {
        panic!(
            "{code:?} is not bound in {:?} on {:?}",
            model.mode(),
            model.focus
        )
    };
    update(model, msg)
}

fn typed(model: &mut Model, text: &str) -> Vec<Effect> {
    let mut last = Vec::new();
    for c in text.chars() {
        last = key(model, KeyCode::Char(c));
    }
    last
}

/// `:line` then Enter, as typed.
fn command(model: &mut Model, line: &str) -> Vec<Effect> {
    key(model, KeyCode::Char(':'));
    assert_eq!(model.mode(), Mode::Command);
    typed(model, line);
    key(model, KeyCode::Enter)
}

/// The one clipboard effect of `effects`: its request, what it says it copies, the text.
fn the_copy(effects: &[Effect]) -> (RequestId, String, String) {
    use secrecy::ExposeSecret;
    match effects {
        [
            Effect::Copy {
                req,
                what,
                text: Sensitive(text),
            },
        ] => (*req, what.clone(), text.expose_secret().to_owned()),
        other => panic!("one copy effect expected: {other:?}"),
    }
}

fn copied(model: &mut Model, req: RequestId, what: &str) {
    update(
        model,
        Msg::Api {
            req,
            result: ApiResult::Copied {
                what: what.to_owned(),
                result: Ok("tmux clipboard (OSC 52)".to_owned()),
            },
        },
    );
}

fn last_toast(model: &Model) -> (ToastLevel, String) {
    let t = model.toasts.last().expect("a toast");
    (t.level, t.text.clone())
}

fn select(model: &mut Model, name: &str) {
    let id = model
        .apps
        .values()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no app {name}"))
        .id
        .clone();
    model.selected = Some(id);
    model.rebuild_view();
}

// ---- y ----

#[test]
fn y_copies_the_selected_apps_client_id_from_every_pane() {
    for pane in [Pane::Apps, Pane::Scopes, Pane::Secrets] {
        let mut model = loaded();
        update(&mut model, Msg::Key(Action::Focus(pane)));
        let (req, what, text) = the_copy(&key(&mut model, KeyCode::Char('y')));
        assert_eq!(text, AUDIT_ID, "{pane:?}");
        assert_eq!(what, format!("client id {AUDIT_ID}"));
        assert!(model.is_busy());
        copied(&mut model, req, &what);
        assert!(!model.is_busy(), "the copy's answer ends its request");
        assert_eq!(
            last_toast(&model),
            (
                ToastLevel::Info,
                format!("Copied client id {AUDIT_ID} to tmux clipboard (OSC 52)")
            )
        );
    }
}

#[test]
fn y_copies_the_app_under_the_cursor_after_moving() {
    let mut model = loaded();
    key(&mut model, KeyCode::Char('j'));
    let id = model.selected.clone().unwrap();
    assert_ne!(id, AUDIT_ID);
    assert_eq!(model.apps[&id].name, "CI/CD Pipeline");
    let (_, _, text) = the_copy(&key(&mut model, KeyCode::Char('y')));
    assert_eq!(text, "e9f8d7c6-b5a4-4392-8170-6f5e4d3c2b1a");
}

#[test]
fn y_copies_in_a_read_only_session_too() {
    // Copying changes nothing on the server: read-only does not refuse it.
    let mut model = loaded_with(true);
    let (_, _, text) = the_copy(&key(&mut model, KeyCode::Char('y')));
    assert_eq!(text, AUDIT_ID);
}

#[test]
fn y_with_no_app_selected_copies_nothing() {
    let mut model = loaded();
    key(&mut model, KeyCode::Char('/'));
    typed(&mut model, "no app is called this");
    key(&mut model, KeyCode::Enter);
    assert_eq!(model.selected, None, "{:?}", model.view);
    assert!(key(&mut model, KeyCode::Char('y')).is_empty());
    assert!(!model.is_busy());
}

/// `s` on the selected confidential app, Enter, and the server's answer: the reveal is open.
fn revealed(model: &mut Model) {
    key(model, KeyCode::Char('s'));
    assert_eq!(model.mode(), Mode::SecretForm);
    let effects = key(model, KeyCode::Enter);
    let [Effect::Secret(SecretEffect::Generate { req, .. })] = effects[..] else {
        panic!("{effects:?}")
    };
    update(
        model,
        Msg::Api {
            req,
            result: ApiResult::Secret(SecretResult::Minted(Ok(Secret {
                id: 1021,
                description: None,
                secret: Some(SecretString::from(FAKE)),
                creation_time: now(),
                expiry_time: None,
            }))),
        },
    );
    assert_eq!(model.mode(), Mode::SecretReveal);
}

#[test]
fn y_on_a_revealed_secret_copies_the_value_never_shown_on_screen() {
    let mut model = loaded();
    revealed(&mut model);
    let (req, what, text) = the_copy(&key(&mut model, KeyCode::Char('y')));
    assert_eq!(text, FAKE);
    assert_eq!(what, "the new secret");
    // Still masked: copying does not show it.
    assert!(!render(&mut model, 120, 35).contains(FAKE));
    let reveal = model.overlays.get::<Reveal>().unwrap();
    assert!(!reveal.taken(), "not taken before the copy is confirmed");
    copied(&mut model, req, &what);
    let reveal = model.overlays.get::<Reveal>().unwrap();
    assert!(
        reveal.taken(),
        "a confirmed copy means someone holds the value"
    );
    assert_eq!(
        last_toast(&model),
        (
            ToastLevel::Info,
            "Copied the new secret to tmux clipboard (OSC 52)".to_owned()
        )
    );
}

#[test]
fn a_failed_copy_of_a_secret_says_so_and_does_not_count_as_held() {
    let mut model = loaded();
    revealed(&mut model);
    let (req, what, _) = the_copy(&key(&mut model, KeyCode::Char('y')));
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Copied {
                what: what.clone(),
                result: Err("no clipboard here".to_owned()),
            },
        },
    );
    assert!(!model.overlays.get::<Reveal>().unwrap().taken());
    assert_eq!(
        last_toast(&model),
        (
            ToastLevel::Error,
            "Copying the new secret failed: no clipboard here".to_owned()
        )
    );
}

#[test]
fn y_in_the_rotation_copies_the_new_secret_not_the_client_id() {
    let mut model = loaded();
    key(&mut model, KeyCode::Char('R'));
    let effects = key(&mut model, KeyCode::Enter);
    let [Effect::Secret(SecretEffect::Generate { req, .. })] = effects[..] else {
        panic!("{effects:?}")
    };
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Secret(SecretResult::Minted(Ok(Secret {
                id: 1022,
                description: None,
                secret: Some(SecretString::from(FAKE)),
                creation_time: now(),
                expiry_time: None,
            }))),
        },
    );
    assert_eq!(model.mode(), Mode::SecretReveal);
    let (_, what, text) = the_copy(&key(&mut model, KeyCode::Char('y')));
    assert_eq!((what.as_str(), text.as_str()), ("the new secret", FAKE));
}

#[test]
fn y_in_the_login_overlay_copies_the_url_shown() {
    let opts = TuiOptions {
        organization: "demo-org".into(),
        identity_host: "127.0.0.1:41234".into(),
        no_color: true,
        ..TuiOptions::default()
    };
    let mut model = common::tui::loaded_model(opts, now(), demo_apps(now()), None);
    let effects = command(&mut model, "login");
    let [Effect::StartLogin { req, .. }] = effects[..] else {
        panic!("{effects:?}")
    };
    // Before the URL is known there is nothing to copy.
    assert!(key(&mut model, KeyCode::Char('y')).is_empty());
    let url = "http://127.0.0.1:41234/identity_/connect/authorize?response_type=code&state=xyz";
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Login(extapps::tui::flows::login::LoginAnswer::Url {
                url: url.into(),
                redirect_uri: "http://localhost:12700".into(),
                browser_opened: false,
            }),
        },
    );
    let (_, what, text) = the_copy(&key(&mut model, KeyCode::Char('y')));
    assert_eq!((what.as_str(), text.as_str()), ("the login URL", url));
}

// ---- Enter ----

#[test]
fn enter_folds_and_unfolds_a_resource_in_the_scope_tree() {
    let mut model = loaded();
    key(&mut model, KeyCode::Char('2'));
    assert_eq!(model.focus, Pane::Scopes);
    let before = render(&mut model, 120, 35);
    assert!(before.contains("▾ UiPath.Orchestrator "), "{before}");
    assert!(before.contains("OR.Audit.Read"), "{before}");
    assert_eq!(model.tree_rows().len(), 5);

    assert!(key(&mut model, KeyCode::Enter).is_empty());
    let folded = render(&mut model, 120, 35);
    assert!(folded.contains("▸ UiPath.Orchestrator "), "{folded}");
    assert!(!folded.contains("OR.Audit.Read"), "{folded}");
    assert!(
        folded.contains("PM.Audit.Read"),
        "the other resource stays open"
    );
    assert_eq!(model.tree_rows().len(), 4);

    key(&mut model, KeyCode::Enter);
    let unfolded = render(&mut model, 120, 35);
    assert!(unfolded.contains("▾ UiPath.Orchestrator "), "{unfolded}");
    assert!(unfolded.contains("OR.Audit.Read"), "{unfolded}");
    assert_eq!(model.tree_rows().len(), 5);
}

#[test]
fn enter_on_a_scope_row_folds_its_resource_and_keeps_the_cursor_on_it() {
    let mut model = loaded();
    key(&mut model, KeyCode::Char('2'));
    // Rows: Orchestrator, OR.Audit.Read, Platform Management, PM.Audit.Read, ...
    for _ in 0..3 {
        key(&mut model, KeyCode::Char('j'));
    }
    assert_eq!(model.scopes.index, 3);
    key(&mut model, KeyCode::Enter);
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("▸ UiPath.PlatformManagement "), "{screen}");
    assert!(!screen.contains("PM.Audit.Read"), "{screen}");
    assert!(screen.contains("OR.Audit.Read"), "{screen}");
    assert_eq!(
        model.scopes.index, 2,
        "the cursor rests on the folded resource"
    );
}

#[test]
fn enter_in_the_app_list_and_the_secrets_opens_the_details() {
    // Pane 1: the app's details; pane 3: the details of the secret under the cursor.
    for (pane, overlay, title) in [
        ('1', OverlayKind::Details, "App details · Esc closes"),
        ('3', OverlayKind::SecretDetails, "Secret #1013"),
    ] {
        let mut model = loaded();
        key(&mut model, KeyCode::Char(pane));
        let effects = key(&mut model, KeyCode::Enter);
        assert_eq!(model.overlays.top(), Some(overlay), "pane {pane}");
        // The list that just came carried the app whole: nothing is read again.
        assert!(effects.is_empty(), "{effects:?}");
        let screen = render(&mut model, 120, 35);
        assert!(screen.contains(title), "{screen}");
        assert!(screen.contains(AUDIT_ID), "{screen}");
        key(&mut model, KeyCode::Esc);
        assert_eq!(model.overlays.top(), None);
    }
}

#[test]
fn enter_on_an_empty_list_opens_nothing() {
    let mut model = loaded();
    key(&mut model, KeyCode::Char('/'));
    typed(&mut model, "no app is called this");
    key(&mut model, KeyCode::Enter);
    assert!(key(&mut model, KeyCode::Enter).is_empty());
    assert!(model.overlays.is_empty(), "{:?}", model.overlays);
}

// ---- :sort ----

fn names(model: &Model) -> Vec<String> {
    model
        .view
        .iter()
        .map(|id| model.apps[id.to_string().as_str()].name.clone())
        .collect()
}

/// The demo organization by name (case-insensitive), as written down from its data.
const BY_NAME: &[&str] = &[
    AUDIT,
    "CI/CD Pipeline",
    "Customer Email Triage (IXP)",
    "Data Service Sync",
    "Document Validation Station",
    "extapps Demo Admin",
    "extapps Demo Reader",
    "HR Onboarding Automation",
    "Insights Dashboard Portal",
    "Invoice Processing Bot",
    "License Usage Report",
    "Mobile Approvals (public)",
    "Power BI Reporting",
    "Queue Monitor Teams Bot",
    "ServiceNow Connector",
    "Test Manager Jenkins",
    "UiPath CLI (uipathcli)",
    // Case-insensitive code point order: the non-ASCII names after the ASCII ones.
    UBER,
    KEIHI,
    CAIWU,
    REGRESSION,
];

const UBER: &str = "Überweisungsprüfung Größe";
const KEIHI: &str = "経費精算ボット";
const CAIWU: &str = "财务报表同步";
const REGRESSION: &str = "🧪 Re\u{301}gression Nightly";

/// Most scopes first (the counts of the list's Scopes column), ties by name.
const BY_SCOPES: &[&str] = &[
    REGRESSION,               // 10
    "extapps Demo Admin",     // 8
    "Invoice Processing Bot", // 8
    "Test Manager Jenkins",   // 8
    "CI/CD Pipeline",         // 7
    "Power BI Reporting",     // 6
    "HR Onboarding Automation",
    "Queue Monitor Teams Bot",
    "ServiceNow Connector",
    "UiPath CLI (uipathcli)",
    UBER,
    KEIHI,
    CAIWU,                         // 5
    "Document Validation Station", // 4
    AUDIT,
    "Customer Email Triage (IXP)",
    "Data Service Sync",
    "Insights Dashboard Portal",
    "Mobile Approvals (public)", // 3
    "License Usage Report",      // 2
    "extapps Demo Reader",       // 1
];

/// Nearest secret expiry first (expired ones, oldest first), then apps whose secrets never
/// expire, then apps with no secret; ties by name. Dates from the demo organization at now().
const BY_EXPIRY: &[&str] = &[
    "CI/CD Pipeline",              // 2026-05-07, expired
    KEIHI,                         // 2026-09-24, expired (another one valid)
    "Invoice Processing Bot",      // 2026-10-19, expired
    "Power BI Reporting",          // 2026-11-20, expired
    "Customer Email Triage (IXP)", // 2026-11-22 09:00, expired
    "Document Validation Station", // 2026-11-22 21:00, expired
    "Test Manager Jenkins",        // 2026-11-24
    UBER,                          // 2026-12-02
    "ServiceNow Connector",        // 2026-12-05
    "Queue Monitor Teams Bot",     // 2026-12-13
    AUDIT,                         // 2027-02-06
    REGRESSION,                    // 2027-04-22
    CAIWU,                         // 2027-06-11
    "extapps Demo Admin",          // never
    "extapps Demo Reader",         // never
    "HR Onboarding Automation",    // never
    "Data Service Sync",           // no secret
    "Insights Dashboard Portal",
    "License Usage Report",
    "Mobile Approvals (public)",
    "UiPath CLI (uipathcli)",
];

#[test]
fn sort_by_each_key_the_readme_names() {
    let mut model = loaded();
    assert_eq!(names(&model), BY_NAME);

    command(&mut model, "sort scopes");
    assert_eq!(model.sort, SortKey::Scopes);
    assert_eq!(names(&model), BY_SCOPES);
    assert_eq!(
        last_toast(&model),
        (ToastLevel::Info, "Sorted by scope count".to_owned())
    );
    assert!(render(&mut model, 120, 35).contains("sort: scope count"));

    command(&mut model, "sort expiry");
    assert_eq!(model.sort, SortKey::Expiry);
    assert_eq!(names(&model), BY_EXPIRY);
    assert_eq!(
        last_toast(&model),
        (ToastLevel::Info, "Sorted by nearest expiry".to_owned())
    );

    command(&mut model, "sort name");
    assert_eq!(model.sort, SortKey::Name);
    assert_eq!(names(&model), BY_NAME);
}

#[test]
fn sorting_keeps_the_selected_app_selected() {
    let mut model = loaded();
    select(&mut model, "Power BI Reporting");
    command(&mut model, "sort scopes");
    assert_eq!(
        model.selected_app().map(|a| a.name.as_str()),
        Some("Power BI Reporting")
    );
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("┌ Power BI Reporting ─"), "{screen}");
}

#[test]
fn a_bad_sort_key_says_which_ones_exist_and_changes_nothing() {
    for line in ["sort size", "sort"] {
        let mut model = loaded();
        command(&mut model, "sort scopes");
        let effects = command(&mut model, line);
        assert!(effects.is_empty(), "{line}: {effects:?}");
        assert_eq!(model.sort, SortKey::Scopes, "{line}");
        assert_eq!(names(&model), BY_SCOPES, "{line}");
        assert_eq!(
            last_toast(&model),
            (
                ToastLevel::Error,
                ":sort takes name, expiry or scopes".to_owned()
            ),
            "{line}"
        );
    }
}

#[test]
fn o_cycles_through_the_same_keys_as_sort() {
    let mut model = loaded();
    let mut seen = Vec::new();
    for _ in 0..3 {
        key(&mut model, KeyCode::Char('o'));
        seen.push(model.sort);
    }
    assert_eq!(seen, [SortKey::Expiry, SortKey::Scopes, SortKey::Name]);
}
