//! The token inspector, the paste field, the permission gate and the token test through
//! `update` alone: keys and answers in, model and effects out.

use crate::common::tui::{loaded, now, options, press};

use extapps::api::jwt::{self, DecodedJwt, encode_parts};
use extapps::domain::token_check::{Granted, TokenTestOutcome};
use extapps::tui::effect::{Effect, RequestId};
use extapps::tui::flows::token::Inspector;
use extapps::tui::flows::token::PasteToken;
use extapps::tui::flows::token::TokenTest;
use extapps::tui::keymap::{Action, SecretKey};
use extapps::tui::model::{OverlayKind, ToastLevel};
use extapps::tui::msg::{ApiResult, Msg, TextEdit, TokenInfo};
use extapps::tui::{Model, update};
use jiff::SignedDuration;
use serde_json::json;

fn token_text(client: &str, scopes: &[&str]) -> String {
    let claims = json!({
        "client_id": client,
        "prt_id": "6f1d2c3b-4a5e-4f60-9b7a-8c9d0e1f2a3b",
        "scope": scopes,
        "iat": now().as_second() - 600,
        "exp": now().as_second() + 3000,
    });
    format!(
        "{}.c2lnbmF0dXJl",
        encode_parts(&json!({"alg": "RS256", "typ": "JWT"}), &claims)
    )
}

fn decoded(client: &str, scopes: &[&str]) -> DecodedJwt {
    jwt::decode(&token_text(client, scopes)).unwrap()
}

fn info(client: &str, scopes: &[&str]) -> TokenInfo {
    TokenInfo {
        expires_at: now() + SignedDuration::from_mins(50),
        client_id: Some(client.into()),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        decoded: Some(decoded(client, scopes)),
    }
}

fn load_token_req(effects: &[Effect]) -> RequestId {
    let [Effect::LoadToken { req }] = effects[..] else {
        panic!("expected LoadToken, got {effects:?}");
    };
    req
}

fn select(model: &mut Model, confidential: bool) -> String {
    let id = model
        .view
        .iter()
        .find(|id| model.apps[*id].is_confidential == confidential)
        .cloned()
        .expect("the demo org has both kinds");
    let row = model.view.iter().position(|v| *v == id).unwrap();
    model.select_row(row);
    id.to_string()
}

fn paste(model: &mut Model, text: &str) {
    update(model, Msg::Paste(text.to_owned()));
}

#[test]
fn t_asks_the_worker_for_the_token() {
    let mut model = loaded(options());
    load_token_req(&press(&mut model, Action::Token));
    assert_eq!(
        model.overlays.top(),
        None,
        "nothing opens before the answer"
    );
}

#[test]
fn the_answer_opens_the_inspector_on_the_session_token() {
    let mut model = loaded(options());
    let req = load_token_req(&press(&mut model, Action::Token));
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Token(Ok(info("ops-cli", &["PM.OAuthApp"]))),
        },
    );
    assert_eq!(model.overlays.top(), Some(OverlayKind::Token));
    let inspector = model.overlays.get::<Inspector>().unwrap();
    assert_eq!(inspector.source, "session token of ops-cli");
    assert_eq!(inspector.decoded.client_id(), Some("ops-cli"));
    assert_eq!(model.session_scopes, Some(vec!["PM.OAuthApp".to_owned()]));

    press(&mut model, Action::Down);
    press(&mut model, Action::Down);
    assert_eq!(model.overlays.get::<Inspector>().unwrap().scroll, 2);
    press(&mut model, Action::Back);
    assert_eq!(model.overlays.top(), None);
    assert!(
        model.overlays.get::<Inspector>().is_none(),
        "closing drops the claims"
    );
}

#[test]
fn a_stale_token_answer_is_dropped() {
    let mut model = loaded(options());
    let first = load_token_req(&press(&mut model, Action::Token));
    let second = load_token_req(&press(&mut model, Action::Token));
    assert_ne!(first, second);
    update(
        &mut model,
        Msg::Api {
            req: first,
            result: ApiResult::Token(Ok(info("old-cli", &["PM.OAuthApp"]))),
        },
    );
    assert_eq!(model.overlays.top(), None);
    assert!(model.overlays.get::<Inspector>().is_none());
    update(
        &mut model,
        Msg::Api {
            req: second,
            result: ApiResult::Token(Ok(info("new-cli", &["PM.OAuthApp"]))),
        },
    );
    assert_eq!(
        model.overlays.get::<Inspector>().unwrap().source,
        "session token of new-cli"
    );
}

#[test]
fn pasting_garbage_says_why_and_keeps_the_field() {
    let mut model = loaded(options());
    let req = load_token_req(&press(&mut model, Action::Token));
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Token(Ok(info("ops-cli", &["PM.OAuthApp"]))),
        },
    );
    press(&mut model, Action::PasteToken);
    assert_eq!(model.overlays.top(), Some(OverlayKind::TokenPaste));
    paste(&mut model, "hello.world");
    press(&mut model, Action::Submit);
    assert_eq!(
        model.overlays.top(),
        Some(OverlayKind::TokenPaste),
        "the field stays open"
    );
    let p = model.overlays.get::<PasteToken>().unwrap();
    assert_eq!(
        p.error.as_deref(),
        Some("Cannot decode: this is not a JWT: it should be three dot-separated parts")
    );
    assert_eq!(p.input.0.value(), "hello.world", "the text is kept to fix");

    // Bad base64 is named as such.
    press(&mut model, Action::Edit(TextEdit::Clear));
    paste(&mut model, "a.b!c.d");
    press(&mut model, Action::Submit);
    let err = model.overlays.get::<PasteToken>().unwrap().error.clone();
    assert!(err.unwrap().contains("not valid base64url"));
}

#[test]
fn pasting_a_token_shows_its_claims_and_drops_the_text() {
    let mut model = loaded(options());
    extapps::tui::flows::token::open_paste(&mut model);
    // A copied token often carries a trailing newline: it is not text of a one-line field.
    paste(
        &mut model,
        &format!("{}\n", token_text("pasted-cli", &["PM.OAuthApp.Read"])),
    );
    press(&mut model, Action::Submit);
    assert_eq!(model.overlays.top(), Some(OverlayKind::Token));
    assert!(
        model.overlays.get::<PasteToken>().is_none(),
        "the pasted text is gone"
    );
    let i = model.overlays.get::<Inspector>().unwrap();
    assert_eq!(i.source, "pasted token");
    assert_eq!(i.decoded.client_id(), Some("pasted-cli"));
    assert_eq!(i.decoded.scopes(), ["PM.OAuthApp.Read"]);
    // A pasted token does not become the session's: the gate still knows nothing.
    assert_eq!(model.session_scopes, None);
    assert!(!format!("{model:?}").contains(&token_text("pasted-cli", &["PM.OAuthApp.Read"])));
}

#[test]
fn the_paste_field_shows_only_a_mask_and_a_length() {
    let mut model = loaded(options());
    extapps::tui::flows::token::open_paste(&mut model);
    paste(&mut model, "abc.def.ghi");
    let p = model.overlays.get::<PasteToken>().unwrap();
    assert_eq!(p.input.masked(), "••••••••••• 11 characters");
    assert!(!format!("{model:?}").contains("abc.def.ghi"));
}

#[test]
fn the_gate_refuses_new_app_with_a_read_only_token_and_sends_nothing() {
    let mut model = loaded(options());
    update(
        &mut model,
        Msg::SessionToken(info("reader", &["PM.OAuthApp.Read"])),
    );
    let effects = press(&mut model, Action::NewApp);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(model.overlays.top(), None, "no form opened");
    let toast = model.current_toast().unwrap();
    assert_eq!(toast.level, ToastLevel::Error);
    assert_eq!(
        toast.text,
        "Cannot create an app: this token lacks PM.OAuthApp or PM.OAuthApp.Write; nothing was sent"
    );
    // The same one gate covers the secret keys.
    select(&mut model, true);
    assert!(press(&mut model, Action::Secret(SecretKey::Rotate)).is_empty());
    assert_eq!(model.overlays.top(), None);
}

#[test]
fn the_gate_lets_new_app_through_with_pm_oauthapp() {
    let mut model = loaded(options());
    update(
        &mut model,
        Msg::SessionToken(info("admin", &["PM.OAuthApp"])),
    );
    let effects = press(&mut model, Action::NewApp);
    assert_eq!(model.overlays.top(), Some(OverlayKind::AppForm));
    assert!(
        matches!(effects[..], [Effect::LoadCatalog { .. }]),
        "{effects:?}"
    );
}

#[test]
fn unknown_scopes_let_everything_through() {
    let mut model = loaded(options());
    assert_eq!(model.session_scopes, None);
    press(&mut model, Action::NewApp);
    assert_eq!(model.overlays.top(), Some(OverlayKind::AppForm));
}

#[test]
fn testing_a_token_on_a_public_app_says_why_not() {
    let mut model = loaded(options());
    select(&mut model, false);
    let effects = press(&mut model, Action::TestToken);
    assert!(effects.is_empty());
    assert_eq!(model.overlays.top(), None);
    let toast = model.current_toast().unwrap();
    assert!(
        toast.text.contains(
            "is a public app: public apps sign users in and cannot use client credentials"
        ),
        "{}",
        toast.text
    );
}

#[test]
fn testing_a_token_sends_the_secret_once_and_never_shows_it() {
    let mut model = loaded(options());
    let id = select(&mut model, true);
    press(&mut model, Action::TestToken);
    assert_eq!(model.overlays.top(), Some(OverlayKind::TokenTest));
    // Prefilled with every application scope of the app, written down.
    assert_eq!(model.apps[&id].name, "Audit Log Exporter (SIEM)");
    let defaults = "OR.Audit.Read PM.Audit.Read PM.UserLoginAttempt.Read";
    assert_eq!(
        model.overlays.get::<TokenTest>().unwrap().scopes.value(),
        defaults
    );
    // Without a secret nothing is sent.
    assert!(press(&mut model, Action::Submit).is_empty());
    paste(&mut model, "s3cr3t-VALUE-do-not-print");
    assert!(!format!("{model:?}").contains("s3cr3t-VALUE-do-not-print"));
    let effects = press(&mut model, Action::Submit);
    let [
        Effect::TestToken {
            req,
            ref app,
            ref scopes,
            ..
        },
    ] = effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(app.0.id, id);
    assert_eq!(scopes.join(" "), defaults);
    assert!(!format!("{effects:?}").contains("s3cr3t-VALUE-do-not-print"));
    // A second Enter while the first is out sends nothing.
    assert!(press(&mut model, Action::Submit).is_empty());
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::TokenTest(TokenTestOutcome {
                requested: vec!["OR.Jobs".into()],
                result: Ok(Granted {
                    granted: vec!["OR.Jobs".into()],
                    not_granted: vec![],
                    expires_in: 3600,
                    view: None,
                }),
            }),
        },
    );
    let t = model.overlays.get::<TokenTest>().unwrap();
    assert!(t.pending.is_none());
    assert!(t.outcome.as_ref().unwrap().result.is_ok());
    press(&mut model, Action::Back);
    assert!(
        model.overlays.get::<TokenTest>().is_none(),
        "the secret goes with the overlay"
    );
    assert!(!model.overlays.is_open(OverlayKind::TokenTest));
}

#[test]
fn profile_without_a_name_opens_the_picker() {
    let mut model = loaded(options());
    press(&mut model, Action::OpenCommand);
    for c in "profile".chars() {
        press(&mut model, Action::Edit(TextEdit::Insert(c)));
    }
    let effects = press(&mut model, Action::Submit);
    assert!(
        matches!(effects[..], [Effect::LoadProfiles { .. }]),
        "{effects:?}"
    );
    assert_eq!(model.overlays.top(), Some(OverlayKind::Profiles));
}
