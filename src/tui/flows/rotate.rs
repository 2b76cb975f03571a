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
use crate::tui::model::{Model, RequestKind, ToastLevel, secrets_by_expiry};
use crate::tui::msg::SecretResult;

use super::ctx::{Ctx, Outcome, Stack};
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
        on(&[code(KeyCode::Enter)], A::Submit, G::SecretFlows, super::secret_new::CONTINUE),
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
            // Where `r` retries: a lost mint (refresh and look) and a failed check.
            Step::MintUnknown { .. } | Step::VerifyFailed { .. } => &secret_new::WIZARD_KEYS,
            _ => &secret_new::STEP_KEYS,
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

/// Esc at any step: close, send nothing, keep every secret, and say what is true now.
fn leave(r: &Rotation, ctx: &mut Ctx) -> Outcome {
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
    if let Some(text) = text {
        ctx.push_toast(ToastLevel::Info, text);
    }
    Outcome {
        refresh: r.minted.is_some(),
        ..Outcome::close()
    }
}

/// `v` and `y` on the new value, when there is one.
fn reveal_key(r: &mut Rotation, action: Action, ctx: &mut Ctx) -> Outcome {
    match r.reveal.as_mut() {
        Some(v) => reveal::reveal_key(v, action, ctx),
        None => Outcome::keep(),
    }
}

pub fn key(r: &mut Rotation, action: Action, ctx: &mut Ctx) -> Outcome {
    match (r.step.clone(), action) {
        (Step::Form, action) => match r.form.handle(action) {
            FormEvent::Stay => Outcome::keep(),
            FormEvent::Leave => leave(r, ctx),
            FormEvent::Submit => {
                let effects = secret_new::submit(&mut r.form, ctx);
                if let Some(req) = r.form.pending {
                    r.pending = Some(req);
                    r.step = Step::Minting;
                }
                Outcome::effects(effects)
            }
        },
        (Step::ConfirmDelete, Action::Back) => {
            // "No" goes back to the choice, still deleting nothing.
            r.step = Step::OfferDelete;
            Outcome::keep()
        }
        (Step::Deleting, Action::Back) => leave(r, ctx),
        (Step::LeaveUnseen { back }, Action::Back) => {
            r.step = *back;
            Outcome::keep()
        }
        (Step::LeaveUnseen { .. }, Action::Secret(SecretKey::Yes)) => discard(r, ctx),
        (Step::LeaveUnseen { .. }, Action::Secret(SecretKey::Keep)) => leave(r, ctx),
        (Step::LeaveUnseen { .. }, _) => Outcome::keep(),
        (step, Action::Back) if r.unseen() && !matches!(step, Step::Done) => {
            r.step = Step::LeaveUnseen {
                back: Box::new(step),
            };
            Outcome::keep()
        }
        (_, Action::Back) => leave(r, ctx),
        (Step::MintUnknown { .. }, Action::Submit | Action::Secret(SecretKey::Retry)) => {
            let description = r.form.description.value().to_owned();
            Outcome {
                stack: Stack::Close,
                ..secret_new::look_for_unknown_secret(&description, ctx)
            }
        }
        (Step::Reveal, Action::Submit) => verify(r, ctx),
        (Step::Reveal, action) => reveal_key(r, action, ctx),
        (Step::VerifyFailed { .. }, Action::Submit | Action::Secret(SecretKey::Retry)) => {
            verify(r, ctx)
        }
        (Step::Verified { .. }, Action::Submit) => {
            r.step = if r.old.is_empty() {
                Step::Done
            } else {
                Step::OfferDelete
            };
            Outcome::keep()
        }
        (Step::OfferDelete, Action::Up) => {
            r.cursor = r.cursor.saturating_sub(1);
            Outcome::keep()
        }
        (Step::OfferDelete, Action::Down) => {
            r.cursor = (r.cursor + 1).min(r.old.len().saturating_sub(1));
            Outcome::keep()
        }
        (Step::OfferDelete, Action::Secret(SecretKey::Toggle)) => {
            if let Some(o) = r.old.get_mut(r.cursor) {
                o.marked = !o.marked;
            }
            Outcome::keep()
        }
        (
            Step::OfferDelete,
            action @ Action::Secret(SecretKey::ToggleMask | SecretKey::CopySecret),
        ) => {
            r.refusal = None;
            reveal_key(r, action, ctx)
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
            Outcome::keep()
        }
        (Step::ConfirmDelete, Action::Secret(SecretKey::Yes)) if !r.taken() => {
            r.refusal = Some(refusal(r));
            r.step = Step::OfferDelete;
            Outcome::keep()
        }
        (Step::ConfirmDelete, Action::Secret(SecretKey::Yes)) => delete_marked(r, ctx),
        (Step::Done, Action::Submit) => Outcome::close(),
        _ => Outcome::keep(),
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
/// told in a toast like any late answer (`secrets::late`).
fn discard(r: &Rotation, ctx: &mut Ctx) -> Outcome {
    let Some(secret_id) = r.minted.as_ref().map(|s| s.id) else {
        return leave(r, ctx);
    };
    ctx.push_toast(
        ToastLevel::Info,
        format!(
            "Rotation left: deleting new secret #{secret_id}, whose value nobody saw; every older secret was kept."
        ),
    );
    let req = ctx.new_request(RequestKind::Secret);
    Outcome::close().with_effects(vec![Effect::Secret(SecretEffect::Delete {
        req,
        secret_id,
    })])
}

fn verify(r: &mut Rotation, ctx: &mut Ctx) -> Outcome {
    let Some((client_id, secret)) = r
        .reveal
        .as_ref()
        .map(|v| (v.client_id.clone(), Sensitive(v.value.clone())))
    else {
        return Outcome::keep();
    };
    let req = ctx.new_request(RequestKind::Secret);
    r.pending = Some(req);
    r.step = Step::Verifying;
    if let Some(v) = r.reveal.as_mut() {
        v.shown = false;
    }
    Outcome::effects(vec![Effect::Secret(SecretEffect::Verify {
        req,
        client_id,
        secret,
    })])
}

fn delete_marked(r: &mut Rotation, ctx: &mut Ctx) -> Outcome {
    let ids: Vec<i64> = r.marked().map(|s| s.id).collect();
    let mut effects = Vec::new();
    let mut sent = BTreeMap::new();
    for secret_id in ids {
        let req = ctx.new_request(RequestKind::Secret);
        sent.insert(req, secret_id);
        effects.push(Effect::Secret(SecretEffect::Delete { req, secret_id }));
    }
    r.deleting = sent;
    r.step = Step::Deleting;
    Outcome::effects(effects)
}

/// Whether `req` is an answer this wizard waits for.
pub fn waits_for(r: &Rotation, req: RequestId) -> bool {
    r.pending == Some(req) || r.deleting.contains_key(&req)
}

/// The answers to the mint, the check and the deletions this wizard sent (`secrets::whose`
/// routes them here).
pub fn answer(r: &mut Rotation, req: RequestId, result: SecretResult, ctx: &mut Ctx) -> Outcome {
    match result {
        SecretResult::Minted(result) => minted(r, result, ctx),
        SecretResult::Verified(result) => {
            verified(r, result);
            Outcome::keep()
        }
        SecretResult::Deleted { secret_id, result } => deleted(r, req, secret_id, result),
    }
}

fn minted(r: &mut Rotation, result: Result<Secret, ApiError>, _: &mut Ctx) -> Outcome {
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
            Outcome::keep().and_refresh()
        }
        Err(e) if e.outcome_unknown() => {
            r.step = Step::MintUnknown {
                error: secret_new::unknown_outcome(&e),
            };
            Outcome::keep()
        }
        Err(e) => {
            // Back to the form with everything typed, the server's words beside it.
            r.form.error = Some(format!("The server refused: {e}"));
            r.step = Step::Form;
            Outcome::keep()
        }
    }
}

fn verified(r: &mut Rotation, result: Result<Vec<String>, ApiError>) {
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
}

fn deleted(
    r: &mut Rotation,
    req: RequestId,
    secret_id: i64,
    result: Result<(), ApiError>,
) -> Outcome {
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
        return Outcome::keep().and_refresh();
    }
    Outcome::keep()
}
