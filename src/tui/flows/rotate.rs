//! The rotation wizard: mint, reveal, verify with a real token request, then offer to delete
//! old secrets. A small explicit state machine; nothing is deleted unless the user marks old
//! secrets and then answers yes, so leaving at any step keeps every secret that existed.
//! Old secrets are deleted only once the new value was shown or copied: otherwise nobody
//! would hold a working secret of the app. Leaving with a value nobody saw offers to delete
//! the new secret, which nobody can use.

use std::collections::BTreeMap;

use ratatui::crossterm::event::KeyCode;

use crate::api::ApiError;
use crate::api::model::{App, Secret};
use crate::tui::effect::{Effect, RequestId, SecretEffect, Sensitive};
use crate::tui::keymap::{
    Action, Action as A, Group as G, KeyTable, Rest, SecretKey, SecretKey as SK, code, k, on,
};
use crate::tui::model::{Model, OverlayKind, RequestKind, ToastLevel, secrets_by_expiry};

use super::reveal::{self, Reveal};
use super::secret_new::{self, FormEvent, SecretForm};

/// Choosing the old secrets to delete at the end of a rotation.
#[rustfmt::skip]
pub static PICK_KEYS: KeyTable = KeyTable {
    name: "secret pick",
    rest: Rest::Dropped,
    bindings: &[
        on(&[k('j'), code(KeyCode::Down)], A::Down, G::SecretFlows, "old secrets: down / up"),
        on(&[k('k'), code(KeyCode::Up)], A::Up, G::SecretFlows, "old secrets: down / up"),
        on(&[k(' ')], A::Secret(SK::Toggle), G::SecretFlows, "mark / unmark for deletion"),
        on(&[code(KeyCode::Enter)], A::Submit, G::SecretFlows, "continue (Esc leaves; the value is dropped)"),
        on(&[k('v')], A::Secret(SK::ToggleMask), G::SecretFlows, "show / hide the new secret"),
        on(&[k('y')], A::Secret(SK::CopySecret), G::SecretFlows, "copy the new secret"),
    ],
};

/// Leaving a rotation whose new value nobody saw: delete that secret (default) or keep it.
#[rustfmt::skip]
pub static DISCARD_KEYS: KeyTable = KeyTable {
    name: "secret discard",
    rest: Rest::Dropped,
    bindings: &[
        on(&[k('y'), code(KeyCode::Enter)], A::Secret(SK::Yes), G::SecretFlows, "leaving: delete the unseen new secret"),
        on(&[k('n')], A::Secret(SK::Keep), G::SecretFlows, "leaving: keep it"),
    ],
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Form,
    Minting,
    /// The mint's answer was lost: the outcome is unknown and it is not resent.
    MintUnknown {
        error: String,
    },
    Reveal,
    Verifying,
    Verified {
        scopes: Vec<String>,
    },
    VerifyFailed {
        error: String,
        /// The token endpoint refused the secret (`invalid_client`); otherwise it gave no
        /// verdict (down, silent, or a strange answer) and the secret is merely unverified.
        refused: bool,
    },
    OfferDelete,
    ConfirmDelete,
    Deleting,
    Done,
    /// Esc with a new secret whose value nobody saw: delete it (the default) or keep it.
    /// `back` is where Esc returns to.
    LeaveUnseen {
        back: Box<Step>,
    },
}

impl Step {
    /// 1 Mint, 2 Reveal, 3 Verify, 4 Old secrets: where the step sits on the progress line.
    pub fn number(&self) -> u8 {
        match self {
            Step::Form | Step::Minting | Step::MintUnknown { .. } => 1,
            Step::Reveal => 2,
            Step::Verifying | Step::Verified { .. } | Step::VerifyFailed { .. } => 3,
            Step::OfferDelete | Step::ConfirmDelete | Step::Deleting | Step::Done => 4,
            Step::LeaveUnseen { back } => back.number(),
        }
    }
}

/// An older secret, as it was when the wizard opened.
#[derive(Debug, Clone)]
pub struct OldSecret {
    pub secret: Secret,
    pub marked: bool,
}

#[derive(Debug)]
pub struct Rotation {
    pub step: Step,
    pub form: SecretForm,
    /// The minted secret without its value.
    pub minted: Option<Secret>,
    /// The value, kept for verification (and its retries) until the wizard closes.
    pub reveal: Option<Reveal>,
    pub old: Vec<OldSecret>,
    pub cursor: usize,
    /// The scopes the verification token carried.
    pub granted: Option<Vec<String>>,
    pub pending: Option<RequestId>,
    pub deleting: BTreeMap<RequestId, i64>,
    pub deleted: Vec<i64>,
    pub failed: Vec<(i64, String)>,
    /// Why the last Enter at step 4 deleted nothing.
    pub refusal: Option<String>,
}

impl Rotation {
    pub fn new(app: &App, model: &Model) -> Self {
        Rotation {
            step: Step::Form,
            form: SecretForm::new(app, model.now, &model.tz),
            minted: None,
            reveal: None,
            old: secrets_by_expiry(app)
                .into_iter()
                .map(|s| OldSecret {
                    secret: s.clone(),
                    marked: false,
                })
                .collect(),
            cursor: 0,
            granted: None,
            pending: None,
            deleting: BTreeMap::new(),
            deleted: Vec::new(),
            failed: Vec::new(),
            refusal: None,
        }
    }

    /// The keys of the step on screen: each step is one of the secret flows' screens.
    pub fn keys(&self) -> &'static KeyTable {
        match self.step {
            Step::Form => &secret_new::FORM_KEYS,
            Step::Reveal => &reveal::KEYS,
            Step::OfferDelete => &PICK_KEYS,
            Step::ConfirmDelete => &super::delete_secret::CONFIRM_KEYS,
            Step::LeaveUnseen { .. } => &DISCARD_KEYS,
            _ => &secret_new::WIZARD_KEYS,
        }
    }

    pub fn marked(&self) -> impl Iterator<Item = &Secret> {
        self.old.iter().filter(|o| o.marked).map(|o| &o.secret)
    }

    /// The new value was shown or copied: someone can hold it.
    pub fn taken(&self) -> bool {
        self.reveal.as_ref().is_some_and(Reveal::taken)
    }

    /// A new secret exists whose value nobody has seen.
    pub fn unseen(&self) -> bool {
        self.minted.is_some() && self.reveal.is_some() && !self.taken()
    }

    /// What is true so far, for a toast when the user leaves.
    fn so_far(&self) -> String {
        match &self.minted {
            None => "no secret was created".to_owned(),
            Some(s) => format!("new secret #{} was created and kept", s.id),
        }
    }
}

pub fn open(model: &mut Model, app: &App) {
    let rotation = Rotation::new(app, model);
    model.overlays.show(rotation);
}

fn close(model: &mut Model) {
    model.overlays.close(OverlayKind::Rotate);
}

/// Esc at any step: close, send nothing, keep every secret, and say what is true now.
fn leave(model: &mut Model) -> Vec<Effect> {
    let Some(r) = model.overlays.get::<Rotation>() else {
        return Vec::new();
    };
    let text = match r.step {
        Step::Form => None,
        Step::Minting => Some(secret_new::MINT_LEFT.to_owned()),
        Step::Deleting => Some(
            "Left while deleting: the deletions already sent will be reported as they finish."
                .to_owned(),
        ),
        Step::Done => None,
        _ if r.unseen() => Some(format!(
            "Rotation left: new secret #{} was kept, but its value was never shown or copied, so nobody holds it; delete it (x) once you are sure. Every older secret was kept.",
            r.minted.as_ref().map_or(0, |s| s.id)
        )),
        _ => Some(format!(
            "Rotation left: {}; every older secret was kept.",
            r.so_far()
        )),
    };
    let refresh = r.minted.is_some();
    close(model);
    if let Some(text) = text {
        model.push_toast(ToastLevel::Info, text);
    }
    if refresh {
        model.request_apps()
    } else {
        Vec::new()
    }
}

fn rotation(model: &mut Model) -> Option<&mut Rotation> {
    model.overlays.get_mut::<Rotation>()
}

pub fn key(model: &mut Model, action: Action) -> Vec<Effect> {
    let Some(r) = rotation(model) else {
        return Vec::new();
    };
    match (r.step.clone(), action) {
        (Step::Form, action) => match r.form.handle(action) {
            FormEvent::Stay => Vec::new(),
            FormEvent::Leave => leave(model),
            FormEvent::Submit => {
                let effects = secret_new::submit_form(model, |m| {
                    m.overlays.get_mut::<Rotation>().map(|r| &mut r.form)
                });
                if let Some(r) = rotation(model)
                    && let Some(req) = r.form.pending
                {
                    r.pending = Some(req);
                    r.step = Step::Minting;
                }
                effects
            }
        },
        (Step::ConfirmDelete, Action::Back) => {
            // "No" goes back to the choice, still deleting nothing.
            r.step = Step::OfferDelete;
            Vec::new()
        }
        (Step::Deleting, Action::Back) => leave(model),
        (Step::LeaveUnseen { back }, Action::Back) => {
            r.step = *back;
            Vec::new()
        }
        (Step::LeaveUnseen { .. }, Action::Secret(SecretKey::Yes)) => discard(model),
        (Step::LeaveUnseen { .. }, Action::Secret(SecretKey::Keep)) => leave(model),
        (Step::LeaveUnseen { .. }, _) => Vec::new(),
        (step, Action::Back) if r.unseen() && !matches!(step, Step::Done) => {
            r.step = Step::LeaveUnseen {
                back: Box::new(step),
            };
            Vec::new()
        }
        (_, Action::Back) => leave(model),
        (Step::MintUnknown { .. }, Action::Submit | Action::Secret(SecretKey::Retry)) => {
            let description = r.form.description.value().to_owned();
            close(model);
            secret_new::look_for_unknown_secret(model, &description)
        }
        (Step::Reveal, Action::Submit) => verify(model),
        (Step::Reveal, action) => reveal::reveal_key_in(model, action, |m| {
            rotation(m).and_then(|r| r.reveal.as_mut())
        }),
        (Step::VerifyFailed { .. }, Action::Submit | Action::Secret(SecretKey::Retry)) => {
            verify(model)
        }
        (Step::Verified { .. }, Action::Submit) => {
            r.step = if r.old.is_empty() {
                Step::Done
            } else {
                Step::OfferDelete
            };
            Vec::new()
        }
        (Step::OfferDelete, Action::Up) => {
            r.cursor = r.cursor.saturating_sub(1);
            Vec::new()
        }
        (Step::OfferDelete, Action::Down) => {
            r.cursor = (r.cursor + 1).min(r.old.len().saturating_sub(1));
            Vec::new()
        }
        (Step::OfferDelete, Action::Secret(SecretKey::Toggle)) => {
            if let Some(o) = r.old.get_mut(r.cursor) {
                o.marked = !o.marked;
            }
            Vec::new()
        }
        (
            Step::OfferDelete,
            action @ Action::Secret(SecretKey::ToggleMask | SecretKey::CopySecret),
        ) => {
            r.refusal = None;
            reveal::reveal_key_in(model, action, |m| {
                rotation(m).and_then(|r| r.reveal.as_mut())
            })
        }
        (Step::OfferDelete, Action::Submit) => {
            if r.marked().next().is_none() {
                r.step = Step::Done;
            } else if r.taken() {
                r.refusal = None;
                r.step = Step::ConfirmDelete;
            } else {
                r.refusal = Some(refusal(r));
            }
            Vec::new()
        }
        (Step::ConfirmDelete, Action::Secret(SecretKey::Yes)) if !r.taken() => {
            r.refusal = Some(refusal(r));
            r.step = Step::OfferDelete;
            Vec::new()
        }
        (Step::ConfirmDelete, Action::Secret(SecretKey::Yes)) => delete_marked(model),
        (Step::Done, Action::Submit) => {
            close(model);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Why step 4 deletes nothing yet.
fn refusal(r: &Rotation) -> String {
    format!(
        "Nothing deleted: the value of new secret #{} was never shown or copied, so nobody holds it, and deleting the old secrets could leave no working secret in anyone's hands. v shows it, y copies it; then Enter.",
        r.minted.as_ref().map_or(0, |s| s.id)
    )
}

/// Leaves and deletes the new secret nobody saw. The answer comes back to no flow, so it is
/// told in a toast like any late answer (`secrets::on_result`).
fn discard(model: &mut Model) -> Vec<Effect> {
    let Some(secret_id) = rotation(model).and_then(|r| r.minted.as_ref().map(|s| s.id)) else {
        return leave(model);
    };
    close(model);
    model.push_toast(
        ToastLevel::Info,
        format!(
            "Rotation left: deleting new secret #{secret_id}, whose value nobody saw; every older secret was kept."
        ),
    );
    let req = model.new_request(RequestKind::Secret);
    vec![Effect::Secret(SecretEffect::Delete { req, secret_id })]
}

fn verify(model: &mut Model) -> Vec<Effect> {
    let Some((client_id, secret)) = rotation(model).and_then(|r| {
        r.reveal
            .as_ref()
            .map(|v| (v.client_id.clone(), Sensitive(v.value.clone())))
    }) else {
        return Vec::new();
    };
    let req = model.new_request(RequestKind::Secret);
    if let Some(r) = rotation(model) {
        r.pending = Some(req);
        r.step = Step::Verifying;
        if let Some(v) = r.reveal.as_mut() {
            v.shown = false;
        }
    }
    vec![Effect::Secret(SecretEffect::Verify {
        req,
        client_id,
        secret,
    })]
}

fn delete_marked(model: &mut Model) -> Vec<Effect> {
    let ids: Vec<i64> = rotation(model)
        .map(|r| r.marked().map(|s| s.id).collect())
        .unwrap_or_default();
    let mut effects = Vec::new();
    let mut sent = BTreeMap::new();
    for secret_id in ids {
        let req = model.new_request(RequestKind::Secret);
        sent.insert(req, secret_id);
        effects.push(Effect::Secret(SecretEffect::Delete { req, secret_id }));
    }
    if let Some(r) = rotation(model) {
        r.deleting = sent;
        r.step = Step::Deleting;
    }
    effects
}

/// Whether `req` is an answer this wizard waits for.
pub fn waits_for(r: &Rotation, req: RequestId) -> bool {
    r.pending == Some(req) || r.deleting.contains_key(&req)
}

pub fn minted(model: &mut Model, result: Result<Secret, ApiError>) -> Vec<Effect> {
    let Some(r) = rotation(model) else {
        return Vec::new();
    };
    r.pending = None;
    r.form.pending = None;
    match result {
        Ok(mut secret) => {
            let value = secret.secret.take();
            let (name, id) = (r.form.app_name.clone(), r.form.app_id.clone());
            let expiry = secret.expiry_time;
            let secret_id = secret.id;
            r.minted = Some(secret);
            match value {
                Some(value) => {
                    let mut v = Reveal::new(&name, &id, value);
                    v.secret_id = Some(secret_id);
                    v.expiry = Some(expiry);
                    r.reveal = Some(v);
                    r.step = Step::Reveal;
                }
                None => {
                    r.step = Step::MintUnknown {
                        error: format!(
                            "Secret #{secret_id} was created, but the server sent no value: it cannot be used. Delete it (x) later."
                        ),
                    }
                }
            }
            model.request_apps()
        }
        Err(e) if e.outcome_unknown() => {
            r.step = Step::MintUnknown {
                error: secret_new::unknown_outcome(&e),
            };
            Vec::new()
        }
        Err(e) => {
            // Back to the form with everything typed, the server's words beside it.
            r.form.error = Some(format!("The server refused: {e}"));
            r.step = Step::Form;
            Vec::new()
        }
    }
}

pub fn verified(model: &mut Model, result: Result<Vec<String>, ApiError>) -> Vec<Effect> {
    let Some(r) = rotation(model) else {
        return Vec::new();
    };
    r.pending = None;
    r.step = match result {
        Ok(scopes) => {
            r.granted = Some(scopes.clone());
            Step::Verified { scopes }
        }
        Err(e) => {
            let check = crate::api::secret_check::SecretCheck::of(&e);
            Step::VerifyFailed {
                refused: check.is_refused(),
                error: if check.is_refused() {
                    e.to_string()
                } else {
                    check.message().to_owned()
                },
            }
        }
    };
    Vec::new()
}

pub fn deleted(
    model: &mut Model,
    req: RequestId,
    secret_id: i64,
    result: Result<(), ApiError>,
) -> Vec<Effect> {
    let Some(r) = rotation(model) else {
        return Vec::new();
    };
    r.deleting.remove(&req);
    match result {
        Ok(()) | Err(ApiError::NotFound { .. }) => r.deleted.push(secret_id),
        Err(e) if e.outcome_unknown() => r.failed.push((
            secret_id,
            format!(
                "outcome unknown: the answer was lost ({}); the list is read again to show whether it is gone",
                e.lost_detail()
            ),
        )),
        Err(e) => r.failed.push((secret_id, e.to_string())),
    }
    if r.deleting.is_empty() {
        r.step = Step::Done;
        return model.request_apps();
    }
    Vec::new()
}
