//! Snapshots of the secret overlays on a fixed clock, with a FAKE secret value: each step of
//! the rotation wizard (the reveal masked and shown), the delete confirmation and the
//! read-only refusal.

use crate::common::tui::{self, now, press, settled};

use extapps::api::ApiError;
use extapps::api::model::{App, Secret};
use extapps::sim::demo_apps;
use extapps::tui::effect::{Effect, RequestId, SecretEffect};
use extapps::tui::keymap::{Action, SecretKey};
use extapps::tui::model::Pane;
use extapps::tui::msg::{ApiResult, Msg, SecretResult};
use extapps::tui::{Model, TuiOptions, update};
use jiff::SignedDuration;
use secrecy::SecretString;

const FAKE: &str = "FAKE-not-a-real-secret-0123";

fn loaded(read_only: bool) -> Model {
    tui::signed_in(TuiOptions {
        read_only,
        ..tui::screen_options()
    })
}

fn answer(model: &mut Model, req: RequestId, result: SecretResult) -> Vec<Effect> {
    update(
        model,
        Msg::Api {
            req,
            result: ApiResult::Secret(result),
        },
    )
}

/// The app the wizard rotates (the first of the list, selected at start).
const AUDIT: &str = "4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9c0";

/// The organization as the server holds it after the rotation's writes: the minted secret
/// listed (without its value, as a list never carries one), the deleted ones gone.
fn server_after(minted: bool, deleted: &[i64]) -> Vec<App> {
    let mut apps = demo_apps(now());
    let audit = apps.iter_mut().find(|a| a.id == AUDIT).unwrap();
    if minted {
        let mut listed = self::minted();
        listed.secret = None;
        audit.secrets.push(listed);
    }
    audit.secrets.retain(|s| !deleted.contains(&s.id));
    apps
}

/// Answers the list reads among `effects` with `apps`, as the worker would; any other
/// request is the test's to answer.
fn answer_lists(model: &mut Model, effects: Vec<Effect>, apps: &[App]) {
    let reads: Vec<RequestId> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadApps { req } => Some(*req),
            _ => None,
        })
        .collect();
    assert!(
        !reads.is_empty(),
        "a write reads the list again: {effects:?}"
    );
    for req in reads {
        let more = update(
            model,
            Msg::Api {
                req,
                result: ApiResult::Apps {
                    apps: Ok(apps.to_vec()),
                    token_expires: Some(now() + SignedDuration::from_mins(47)),
                },
            },
        );
        assert!(more.is_empty(), "{more:?}");
    }
}

fn req_of(effects: &[Effect]) -> RequestId {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Secret(
                SecretEffect::Generate { req, .. } | SecretEffect::Verify { req, .. },
            ) => Some(*req),
            _ => None,
        })
        .expect("a secret request")
}

fn minted() -> Secret {
    Secret {
        id: 1020,
        description: Some("created by extapps on 2026-11-23".into()),
        secret: Some(SecretString::from(FAKE)),
        creation_time: now(),
        expiry_time: Some(now() + SignedDuration::from_hours(24 * 90)),
    }
}

fn wizard_at_reveal() -> Model {
    let mut model = loaded(false);
    press(&mut model, Action::Secret(SecretKey::Rotate));
    let req = req_of(&press(&mut model, Action::Submit));
    let reread = answer(&mut model, req, SecretResult::Minted(Ok(minted())));
    answer_lists(&mut model, reread, &server_after(true, &[]));
    model
}

#[test]
fn rotate_1_form() {
    let mut model = loaded(false);
    press(&mut model, Action::Secret(SecretKey::Rotate));
    insta::assert_snapshot!(settled(&mut model, 120, 35));
}

#[test]
fn rotate_1_form_never_expires_80x24() {
    let mut model = loaded(false);
    press(&mut model, Action::Secret(SecretKey::Rotate));
    press(&mut model, Action::Secret(SecretKey::NextField));
    for _ in 0..2 {
        press(&mut model, Action::Edit(extapps::tui::msg::TextEdit::Left));
    }
    let screen = settled(&mut model, 80, 24);
    assert!(screen.contains("never"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn rotate_2_reveal_masked() {
    let mut model = wizard_at_reveal();
    let screen = settled(&mut model, 120, 35);
    assert!(!screen.contains(FAKE));
    insta::assert_snapshot!(screen);
}

#[test]
fn rotate_2_reveal_shown() {
    let mut model = wizard_at_reveal();
    press(&mut model, Action::Secret(SecretKey::ToggleMask));
    let screen = settled(&mut model, 120, 35);
    assert!(screen.contains(FAKE));
    insta::assert_snapshot!(screen);
}

#[test]
fn rotate_3_verified() {
    let mut model = wizard_at_reveal();
    let req = req_of(&press(&mut model, Action::Submit));
    answer(
        &mut model,
        req,
        SecretResult::Verified(Ok(vec!["PM.Audit.Read".into(), "OR.Audit.Read".into()])),
    );
    insta::assert_snapshot!(settled(&mut model, 120, 35));
}

#[test]
fn rotate_3_verify_failed() {
    let mut model = wizard_at_reveal();
    let req = req_of(&press(&mut model, Action::Submit));
    let err = ApiError::OAuth {
        code: extapps::api::error::OAuthCode::InvalidClient,
        description: None,
    };
    answer(&mut model, req, SecretResult::Verified(Err(err)));
    insta::assert_snapshot!(settled(&mut model, 120, 35));
}

#[test]
fn rotate_3_token_endpoint_down() {
    let mut model = wizard_at_reveal();
    let req = req_of(&press(&mut model, Action::Submit));
    let err = ApiError::TokenEndpoint {
        host: "cloud.uipath.com".into(),
        detail: "failed (503)".into(),
    };
    answer(&mut model, req, SecretResult::Verified(Err(err)));
    let screen = settled(&mut model, 120, 35);
    assert!(
        screen.contains("Not verified: could not check it"),
        "{screen}"
    );
    assert!(!screen.contains("refused") && !screen.contains("Verify failed"));
    insta::assert_snapshot!(screen);
    // Enter checks again; it never moves on to the old secrets unverified.
    let again = press(&mut model, Action::Submit);
    assert!(
        again
            .iter()
            .any(|e| matches!(e, Effect::Secret(SecretEffect::Verify { .. })))
    );
}

fn wizard_at_offer() -> Model {
    let mut model = wizard_at_reveal();
    // Seen: old secrets may be deleted only once someone could hold the new value.
    press(&mut model, Action::Secret(SecretKey::ToggleMask));
    wizard_from_reveal_to_offer(model)
}

fn wizard_from_reveal_to_offer(mut model: Model) -> Model {
    let req = req_of(&press(&mut model, Action::Submit));
    answer(
        &mut model,
        req,
        SecretResult::Verified(Ok(vec!["OR.Audit.Read".into()])),
    );
    press(&mut model, Action::Submit);
    model
}

#[test]
fn rotate_4_offer_delete() {
    let mut model = wizard_at_offer();
    press(&mut model, Action::Secret(SecretKey::Toggle));
    let screen = settled(&mut model, 120, 35);
    // The header counts what is marked below it.
    assert!(screen.contains("1 of 2 marked"), "{screen}");
    assert!(!screen.contains("none is marked"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn rotate_4_refuses_to_delete_while_the_new_value_is_unseen() {
    let mut model = wizard_from_reveal_to_offer(wizard_at_reveal());
    press(&mut model, Action::Secret(SecretKey::Toggle));
    press(&mut model, Action::Submit);
    let screen = settled(&mut model, 120, 35);
    assert!(screen.contains("never shown or copied"), "{screen}");
    assert!(screen.contains("Nothing deleted"), "{screen}");
    assert!(screen.contains("1 of 2 marked"), "{screen}");
    assert!(!screen.contains(FAKE));
    insta::assert_snapshot!(screen);
}

#[test]
fn rotate_4_confirm_delete() {
    let mut model = wizard_at_offer();
    press(&mut model, Action::Secret(SecretKey::Toggle));
    press(&mut model, Action::Submit);
    insta::assert_snapshot!(settled(&mut model, 120, 35));
}

#[test]
fn rotate_4_done() {
    let mut model = wizard_at_offer();
    press(&mut model, Action::Secret(SecretKey::Toggle));
    press(&mut model, Action::Submit);
    let effects = press(&mut model, Action::Secret(SecretKey::Yes));
    let Some(Effect::Secret(SecretEffect::Delete { req, secret_id })) = effects.first().cloned()
    else {
        panic!("{effects:?}")
    };
    let reread = answer(
        &mut model,
        req,
        SecretResult::Deleted {
            secret_id,
            result: Ok(()),
        },
    );
    answer_lists(&mut model, reread, &server_after(true, &[secret_id]));
    insta::assert_snapshot!(settled(&mut model, 120, 35));
}

#[test]
fn delete_last_secret_typed_80x24() {
    let mut model = loaded(false);
    model.selected = Some("demo-reader".into());
    model.rebuild_view();
    press(&mut model, Action::Focus(Pane::Secrets));
    press(&mut model, Action::Secret(SecretKey::Delete));
    insta::assert_snapshot!(settled(&mut model, 80, 24));
}

#[test]
fn read_only_toast() {
    let mut model = loaded(true);
    press(&mut model, Action::Secret(SecretKey::Rotate));
    insta::assert_snapshot!(settled(&mut model, 120, 35));
}

#[test]
fn deleting_an_expired_secret_says_it_is_already_unusable() {
    let mut model = loaded(false);
    let (app_id, index) = model
        .apps
        .values()
        .find_map(|a| {
            extapps::tui::model::secrets_by_expiry(a)
                .iter()
                .position(|s| s.expiry_time.is_some_and(|t| t <= now()))
                .map(|i| (a.id.clone(), i))
        })
        .expect("the demo has an expired secret");
    model.selected = Some(app_id);
    model.rebuild_view();
    press(&mut model, Action::Focus(Pane::Secrets));
    model.secrets.index = index;
    press(&mut model, Action::Secret(SecretKey::Delete));
    let screen = settled(&mut model, 120, 35);
    assert!(screen.contains("already unusable"), "{screen}");
    assert!(!screen.contains("still using"), "{screen}");
}

#[test]
fn leaving_a_rotation_whose_new_value_nobody_saw() {
    let mut model = wizard_at_reveal();
    press(&mut model, Action::Back);
    let screen = settled(&mut model, 120, 35);
    assert!(screen.contains("nobody holds it"), "{screen}");
    assert!(screen.contains("delete it and leave (default)"), "{screen}");
    insta::assert_snapshot!(screen);
}
