//! The secret flows through `update` alone: messages in, model and effects out.

use crate::common::tui::{self, now, press, type_text};

use extapps::api::ApiError;
use extapps::api::model::Secret;
use extapps::tui::effect::{Effect, RequestId, SecretEffect};
use extapps::tui::flows::delete_secret::DeleteSecret;
use extapps::tui::flows::reveal::Reveal;
use extapps::tui::flows::rotate::Rotation;
use extapps::tui::flows::rotate::Step;
use extapps::tui::flows::secret_new::SecretForm;
use extapps::tui::keymap::{Action, SecretKey};
use extapps::tui::model::Pane;
use extapps::tui::msg::{ApiResult, Msg, SecretResult, TextEdit};
use extapps::tui::{Model, TuiOptions, update};
use jiff::SignedDuration;
use secrecy::SecretString;

const AUDIT: &str = "4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9c0";
const FAKE: &str = "FAKE-s3cret-value-for-tests";

/// The demo organization with the audit exporter (two secrets) selected.
fn loaded(read_only: bool) -> Model {
    let mut model = tui::loaded(TuiOptions {
        read_only,
        ..tui::options()
    });
    select(&mut model, AUDIT);
    model
}

fn select(model: &mut Model, id: &str) {
    model.selected = Some(id.to_owned());
    model.rebuild_view();
}

fn sk(k: SecretKey) -> Action {
    Action::Secret(k)
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

fn fake_secret(id: i64) -> Secret {
    Secret {
        id,
        description: Some("created by extapps on 2026-11-23".into()),
        secret: Some(SecretString::from(FAKE)),
        creation_time: now(),
        expiry_time: Some(now() + SignedDuration::from_hours(24 * 90)),
    }
}

fn generate_req(effects: &[Effect]) -> RequestId {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Secret(SecretEffect::Generate { req, .. }) => Some(*req),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no Generate in {effects:?}"))
}

fn verify_req(effects: &[Effect]) -> RequestId {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Secret(SecretEffect::Verify { req, .. }) => Some(*req),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no Verify in {effects:?}"))
}

fn deletes(effects: &[Effect]) -> Vec<i64> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Secret(SecretEffect::Delete { secret_id, .. }) => Some(*secret_id),
            _ => None,
        })
        .collect()
}

fn step(model: &Model) -> Step {
    model.overlays.get::<Rotation>().unwrap().step.clone()
}

fn toast(model: &Model) -> String {
    model
        .current_toast()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// Drives the wizard to the numbered stop, collecting every effect on the way; the new value
/// is shown (`v`) at the reveal.
fn rotate_to(model: &mut Model, stop: usize) -> Vec<Effect> {
    rotate_with(model, stop, true)
}

/// `rotate_to`, with the new value shown at the reveal or never.
fn rotate_with(model: &mut Model, stop: usize, show: bool) -> Vec<Effect> {
    let mut all = press(model, sk(SecretKey::Rotate));
    assert_eq!(
        model.overlays.keys(),
        Some(&extapps::tui::flows::secret_new::FORM_KEYS)
    );
    if stop == 0 {
        return all;
    }
    let e = press(model, Action::Submit);
    let mint = generate_req(&e);
    all.extend(e);
    assert_eq!(step(model), Step::Minting);
    if stop == 1 {
        return all;
    }
    all.extend(answer(
        model,
        mint,
        SecretResult::Minted(Ok(fake_secret(9001))),
    ));
    assert_eq!(step(model), Step::Reveal);
    assert_eq!(
        model.overlays.keys(),
        Some(&extapps::tui::flows::reveal::KEYS)
    );
    if stop == 2 {
        return all;
    }
    if show {
        all.extend(press(model, sk(SecretKey::ToggleMask)));
    }
    let e = press(model, Action::Submit);
    let verify = verify_req(&e);
    all.extend(e);
    assert_eq!(step(model), Step::Verifying);
    if stop == 3 {
        return all;
    }
    if stop == 4 {
        let err = ApiError::Network {
            host: "127.0.0.1:9".into(),
            detail: "connection reset".into(),
        };
        all.extend(answer(model, verify, SecretResult::Verified(Err(err))));
        assert!(matches!(step(model), Step::VerifyFailed { .. }));
        return all;
    }
    all.extend(answer(
        model,
        verify,
        SecretResult::Verified(Ok(vec!["OR.Audit.Read".into()])),
    ));
    assert!(matches!(step(model), Step::Verified { .. }));
    if stop == 5 {
        return all;
    }
    all.extend(press(model, Action::Submit));
    assert_eq!(step(model), Step::OfferDelete);
    all.extend(press(model, sk(SecretKey::Toggle)));
    if stop == 6 {
        return all;
    }
    all.extend(press(model, Action::Submit));
    assert_eq!(step(model), Step::ConfirmDelete);
    all
}

#[test]
fn leaving_the_wizard_at_any_step_deletes_nothing() {
    for stop in 0..=7 {
        let mut model = loaded(false);
        let mut effects = rotate_to(&mut model, stop);
        // At the confirmation, Esc is "no": back to the choice; a second Esc leaves.
        effects.extend(press(&mut model, Action::Back));
        if stop == 7 {
            assert_eq!(step(&model), Step::OfferDelete);
            effects.extend(press(&mut model, Action::Back));
        }
        if stop == 2 {
            // The value was not shown yet: leaving asks about the new secret; n keeps it.
            assert!(matches!(step(&model), Step::LeaveUnseen { .. }));
            effects.extend(press(&mut model, sk(SecretKey::Keep)));
        }
        assert!(
            deletes(&effects).is_empty(),
            "stop {stop}: a delete was sent: {effects:?}"
        );
        assert!(model.overlays.get::<Rotation>().is_none(), "stop {stop}");
        assert!(model.overlays.is_empty(), "stop {stop}");
        assert_eq!(model.apps[AUDIT].secrets.len(), 2, "stop {stop}");
    }
}

#[test]
fn a_full_rotation_deletes_only_what_was_marked_after_yes() {
    let mut model = loaded(false);
    rotate_to(&mut model, 7);
    let effects = press(&mut model, sk(SecretKey::Yes));
    let old = model.overlays.get::<Rotation>().unwrap().old[0].secret.id;
    assert_eq!(deletes(&effects), vec![old]);
    assert_eq!(step(&model), Step::Deleting);
    let Some(Effect::Secret(SecretEffect::Delete { req, .. })) = effects.first().cloned() else {
        panic!()
    };
    let after = answer(
        &mut model,
        req,
        SecretResult::Deleted {
            secret_id: old,
            result: Ok(()),
        },
    );
    assert_eq!(step(&model), Step::Done);
    assert!(matches!(after.as_slice(), [Effect::LoadApps { .. }]));
    press(&mut model, Action::Submit);
    assert!(model.overlays.get::<Rotation>().is_none());
}

#[test]
fn nothing_marked_means_nothing_deleted() {
    let mut model = loaded(false);
    rotate_to(&mut model, 5);
    press(&mut model, Action::Submit);
    let effects = press(&mut model, Action::Submit);
    assert_eq!(step(&model), Step::Done);
    assert!(deletes(&effects).is_empty());
}

#[test]
fn read_only_refuses_every_editing_key_and_sends_nothing() {
    let mut model = loaded(true);
    press(&mut model, Action::Focus(Pane::Secrets));
    for key in [SecretKey::New, SecretKey::Rotate, SecretKey::Delete] {
        let effects = press(&mut model, sk(key));
        assert!(effects.is_empty(), "{key:?}: {effects:?}");
        assert!(model.overlays.is_empty(), "{key:?}");
        assert!(
            toast(&model).starts_with("Read-only session"),
            "{}",
            toast(&model)
        );
        assert!(toast(&model).contains("nothing was sent"));
    }
}

#[test]
fn a_failed_submit_keeps_the_form_and_shows_the_server() {
    let mut model = loaded(false);
    press(&mut model, sk(SecretKey::New));
    press(&mut model, Action::Edit(TextEdit::Clear));
    type_text(&mut model, "for the SIEM forwarder");
    let req = generate_req(&press(&mut model, Action::Submit));
    let err = ApiError::BadRequest {
        message: "expiryTime is too far away".into(),
    };
    answer(&mut model, req, SecretResult::Minted(Err(err)));
    let form = model.overlays.get::<SecretForm>().expect("the form stays");
    assert_eq!(form.description.value(), "for the SIEM forwarder");
    assert!(form.error.as_deref().unwrap().contains("too far away"));
    assert_eq!(
        model.overlays.keys(),
        Some(&extapps::tui::flows::secret_new::FORM_KEYS)
    );
    // And it can be sent again as is.
    generate_req(&press(&mut model, Action::Submit));

    // In the wizard too: back at the form step, with what was typed.
    let mut model = loaded(false);
    press(&mut model, sk(SecretKey::Rotate));
    type_text(&mut model, " (rotation)");
    let req = generate_req(&press(&mut model, Action::Submit));
    let err = ApiError::Forbidden {
        needed: vec!["PM.OAuthApp".into()],
        message: None,
    };
    answer(&mut model, req, SecretResult::Minted(Err(err)));
    let r = model.overlays.get::<Rotation>().unwrap();
    assert_eq!(r.step, Step::Form);
    assert!(r.form.description.value().ends_with("(rotation)"));
    assert!(r.form.error.as_deref().unwrap().contains("PM.OAuthApp"));
}

#[test]
fn a_lost_mint_answer_is_not_retried() {
    let mut model = loaded(false);
    press(&mut model, sk(SecretKey::New));
    let req = generate_req(&press(&mut model, Action::Submit));
    let err = ApiError::Timeout {
        what: "app".into(),
        after: std::time::Duration::from_secs(30),
    };
    answer(&mut model, req, SecretResult::Minted(Err(err)));
    assert_eq!(
        model.overlays.keys(),
        Some(&extapps::tui::flows::secret_new::WIZARD_KEYS)
    );
    let form = model.overlays.get::<SecretForm>().unwrap();
    assert!(form.error.as_deref().unwrap().contains("NOT sent again"));
    let effects = press(&mut model, sk(SecretKey::Retry));
    assert!(
        matches!(effects.as_slice(), [Effect::LoadApps { .. }]),
        "refresh and look, never mint again: {effects:?}"
    );
    assert_eq!(model.focus, Pane::Secrets);
}

#[test]
fn stale_answers_are_dropped() {
    let mut model = loaded(false);
    press(&mut model, sk(SecretKey::New));
    let req = generate_req(&press(&mut model, Action::Submit));
    press(&mut model, Action::Back);
    // The mint happened after the form closed: told, but no value is shown.
    answer(&mut model, req, SecretResult::Minted(Ok(fake_secret(9002))));
    assert!(model.overlays.get::<Reveal>().is_none());
    assert!(model.overlays.is_empty());
    assert!(toast(&model).contains("#9002"));

    let mut model = loaded(false);
    rotate_to(&mut model, 3);
    let stale = RequestId(999);
    answer(&mut model, stale, SecretResult::Verified(Ok(vec![])));
    assert_eq!(step(&model), Step::Verifying);
}

#[test]
fn the_last_unexpired_secret_needs_the_apps_name() {
    let mut model = loaded(false);
    select(&mut model, "demo-reader");
    press(&mut model, Action::Focus(Pane::Secrets));
    press(&mut model, sk(SecretKey::Delete));
    assert_eq!(
        model.overlays.keys(),
        Some(&extapps::tui::flows::delete_secret::TYPED_KEYS)
    );
    assert!(press(&mut model, sk(SecretKey::Yes)).is_empty());
    type_text(&mut model, "extapps Demo");
    assert!(press(&mut model, Action::Submit).is_empty());
    assert!(
        model
            .overlays
            .get::<DeleteSecret>()
            .unwrap()
            .error
            .is_some()
    );
    type_text(&mut model, " Reader");
    let effects = press(&mut model, Action::Submit);
    assert_eq!(deletes(&effects).len(), 1);

    // With another working secret left, a plain yes does; Enter means no.
    let mut model = loaded(false);
    press(&mut model, Action::Focus(Pane::Secrets));
    press(&mut model, sk(SecretKey::Delete));
    assert_eq!(
        model.overlays.keys(),
        Some(&extapps::tui::flows::delete_secret::CONFIRM_KEYS)
    );
    assert!(press(&mut model, Action::Back).is_empty());
    assert!(model.overlays.is_empty());
    press(&mut model, sk(SecretKey::Delete));
    assert_eq!(deletes(&press(&mut model, sk(SecretKey::Yes))).len(), 1);
}

#[test]
fn the_secret_value_is_gone_once_the_reveal_closes() {
    let mut model = loaded(false);
    press(&mut model, sk(SecretKey::New));
    let req = generate_req(&press(&mut model, Action::Submit));
    answer(&mut model, req, SecretResult::Minted(Ok(fake_secret(9003))));
    assert_eq!(
        model.overlays.keys(),
        Some(&extapps::tui::flows::reveal::KEYS)
    );
    assert!(
        !format!("{model:?}").contains(FAKE),
        "Debug shows the value"
    );
    press(&mut model, sk(SecretKey::ToggleMask));
    let copy = press(&mut model, sk(SecretKey::CopySecret));
    assert!(!format!("{copy:?}").contains(FAKE));
    press(&mut model, Action::Back);
    assert!(model.overlays.get::<Reveal>().is_none());
    assert!(model.overlays.is_empty());

    let mut model = loaded(false);
    rotate_to(&mut model, 5);
    press(&mut model, Action::Back);
    assert!(model.overlays.get::<Rotation>().is_none());
}

/// The request id of the one secret delete in `effects`.
fn delete_req(effects: &[Effect]) -> RequestId {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Secret(SecretEffect::Delete { req, .. }) => Some(*req),
            _ => None,
        })
        .expect("a delete")
}

#[test]
fn a_lost_delete_answer_is_unknown_reads_the_list_and_never_says_retry() {
    let mut model = loaded(false);
    press(&mut model, Action::Focus(Pane::Secrets));
    press(&mut model, sk(SecretKey::Delete));
    let effects = press(&mut model, sk(SecretKey::Yes));
    let secret_id = deletes(&effects)[0];
    let lost = ApiError::Timeout {
        what: "secret".into(),
        after: std::time::Duration::from_secs(30),
    };
    let after = answer(
        &mut model,
        delete_req(&effects),
        SecretResult::Deleted {
            secret_id,
            result: Err(lost),
        },
    );
    assert!(
        matches!(after.as_slice(), [Effect::LoadApps { .. }]),
        "{after:?}"
    );
    let error = model
        .overlays
        .get::<DeleteSecret>()
        .unwrap()
        .error
        .clone()
        .unwrap();
    assert!(error.contains("outcome is unknown"), "{error}");
    let lower = error.to_lowercase();
    assert!(
        !lower.contains("try again") && !lower.contains(" r to"),
        "{error}"
    );
}

#[test]
fn deleting_a_secret_that_is_already_gone_is_done() {
    let mut model = loaded(false);
    press(&mut model, Action::Focus(Pane::Secrets));
    press(&mut model, sk(SecretKey::Delete));
    let effects = press(&mut model, sk(SecretKey::Yes));
    let secret_id = deletes(&effects)[0];
    let gone = ApiError::NotFound {
        what: format!("secret {secret_id}"),
    };
    answer(
        &mut model,
        delete_req(&effects),
        SecretResult::Deleted {
            secret_id,
            result: Err(gone),
        },
    );
    assert!(
        model.overlays.get::<DeleteSecret>().is_none(),
        "closed: it is done"
    );
    assert!(toast(&model).contains("already gone"), "{}", toast(&model));
}

#[test]
fn step_4_refuses_to_delete_until_the_new_value_was_shown_or_copied() {
    let mut model = loaded(false);
    let mut effects = rotate_with(&mut model, 6, false);
    effects.extend(press(&mut model, Action::Submit));
    assert_eq!(
        step(&model),
        Step::OfferDelete,
        "not on to the confirmation"
    );
    let r = model.overlays.get::<Rotation>().unwrap();
    let why = r.refusal.as_deref().expect("says why");
    assert!(why.contains("never shown or copied"), "{why}");
    assert!(deletes(&effects).is_empty(), "{effects:?}");

    // A copy that failed does not count; one that reached a clipboard does.
    let copy = press(&mut model, sk(SecretKey::CopySecret));
    let Some(Effect::Copy { req, .. }) = copy.first().cloned() else {
        panic!("{copy:?}")
    };
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Copied {
                what: "the new secret".into(),
                result: Err("no clipboard".into()),
            },
        },
    );
    press(&mut model, Action::Submit);
    assert_eq!(step(&model), Step::OfferDelete);
    let copy = press(&mut model, sk(SecretKey::CopySecret));
    let Some(Effect::Copy { req, .. }) = copy.first().cloned() else {
        panic!("{copy:?}")
    };
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Copied {
                what: "the new secret".into(),
                result: Ok("tmux clipboard (OSC 52)".into()),
            },
        },
    );
    press(&mut model, Action::Submit);
    assert_eq!(step(&model), Step::ConfirmDelete);
    assert_eq!(deletes(&press(&mut model, sk(SecretKey::Yes))).len(), 1);

    // Shown with v at step 4 counts too.
    let mut model = loaded(false);
    rotate_with(&mut model, 6, false);
    press(&mut model, sk(SecretKey::ToggleMask));
    press(&mut model, Action::Submit);
    assert_eq!(step(&model), Step::ConfirmDelete);
}

#[test]
fn leaving_with_an_unseen_new_secret_offers_to_delete_it() {
    for stop in 2..=6 {
        let mut model = loaded(false);
        rotate_with(&mut model, stop, false);
        let before = step(&model);
        assert!(press(&mut model, Action::Back).is_empty(), "stop {stop}");
        assert!(
            matches!(step(&model), Step::LeaveUnseen { .. }),
            "stop {stop}: {:?}",
            step(&model)
        );
        assert_eq!(
            model.overlays.keys(),
            Some(&extapps::tui::flows::rotate::DISCARD_KEYS),
            "stop {stop}"
        );
        // Esc goes back to where the user was.
        press(&mut model, Action::Back);
        assert_eq!(step(&model), before, "stop {stop}");
        press(&mut model, Action::Back);
        // The default (Enter) deletes the new secret, and only it.
        let effects = press(&mut model, sk(SecretKey::Yes));
        assert_eq!(deletes(&effects), vec![9001], "stop {stop}");
        assert!(model.overlays.get::<Rotation>().is_none(), "stop {stop}");
        assert!(toast(&model).contains("#9001"), "stop {stop}");

        // n keeps it, and says what is kept.
        let mut model = loaded(false);
        rotate_with(&mut model, stop, false);
        press(&mut model, Action::Back);
        let effects = press(&mut model, sk(SecretKey::Keep));
        assert!(deletes(&effects).is_empty(), "stop {stop}");
        assert!(model.overlays.get::<Rotation>().is_none(), "stop {stop}");
        let text = toast(&model);
        assert!(text.contains("#9001 was kept"), "stop {stop}: {text}");
        assert!(text.contains("nobody holds it"), "stop {stop}: {text}");
    }
}

#[test]
fn no_key_acts_while_terminal_too_small_is_up() {
    let mut model = loaded(false);
    update(
        &mut model,
        Msg::Resize {
            width: 120,
            height: 35,
        },
    );
    press(&mut model, Action::Focus(Pane::Secrets));
    update(
        &mut model,
        Msg::Resize {
            width: 30,
            height: 8,
        },
    );
    let list_before = model.list.index;
    let mut effects = Vec::new();
    for action in [
        sk(SecretKey::Delete),
        sk(SecretKey::Yes),
        Action::Down,
        Action::NewApp,
        sk(SecretKey::Rotate),
        Action::Submit,
        Action::Refresh,
        Action::Focus(Pane::Apps),
    ] {
        effects.extend(press(&mut model, action));
    }
    effects.extend(update(&mut model, Msg::Paste("pasted".into())));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(model.overlays.is_empty(), "{:?}", model.overlays);
    assert_eq!(model.list.index, list_before);
    assert_eq!(model.focus, Pane::Secrets);
    assert_eq!(press(&mut model, Action::Quit), vec![Effect::Quit]);

    // Enlarged again, the same keys act.
    update(
        &mut model,
        Msg::Resize {
            width: 60,
            height: 16,
        },
    );
    press(&mut model, sk(SecretKey::Delete));
    assert_eq!(model.overlays.len(), 1);
}
