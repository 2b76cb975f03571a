//! Deleting a secret: the confirmation, stricter for an app's last working secret.

use tui_input::Input;

use ratatui::crossterm::event::KeyCode;

use crate::api::ApiError;
use crate::api::model::Secret;
use crate::domain::expiry::is_last_working;
use crate::tui::effect::{Effect, RequestId, SecretEffect};
use crate::tui::keymap::{
    Action, Action as A, Group as G, KeyTable, Rest, SecretKey, SecretKey as SK, code, k, on,
};
use crate::tui::model::{Model, RequestKind, ToastLevel, secrets_by_expiry};
use crate::tui::msg::SecretResult;

use super::ctx::{Ctx, Outcome};
use super::secret_new::input_request;

/// A yes/no question before deleting secrets (also a rotation's); default No.
#[rustfmt::skip]
pub static CONFIRM_KEYS: KeyTable = KeyTable {
    name: "secret confirm",
    rest: Rest::Dropped,
    bindings: &[
        on(&[k('y')], A::Secret(SK::Yes), G::SecretFlows, "yes, delete / no, keep"),
        on(&[k('n'), code(KeyCode::Enter)], A::Back, G::SecretFlows, "yes, delete / no, keep"),
    ],
};

/// A typed confirmation: the app's name, before deleting its last working secret.
#[rustfmt::skip]
pub static TYPED_KEYS: KeyTable = KeyTable {
    name: "secret typed",
    rest: Rest::Text,
    bindings: &[
        on(&[code(KeyCode::Enter)], A::Submit, G::SecretFlows, "delete, once the app's name is typed"),
    ],
};

#[derive(Debug)]
pub struct DeleteSecret {
    pub app_id: String,
    pub app_name: String,
    pub secret: Secret,
    /// The app's last unexpired secret: its name must be typed, since integrations stop.
    pub last_working: bool,
    pub typed: Input,
    pub error: Option<String>,
    pub pending: Option<RequestId>,
}

impl DeleteSecret {
    /// The last working secret asks for the app's name; any other, for yes or no.
    pub fn keys(&self) -> &'static KeyTable {
        if self.last_working {
            &TYPED_KEYS
        } else {
            &CONFIRM_KEYS
        }
    }
}

/// Opens the confirmation for the secret under the cursor of pane 3.
pub fn open(model: &mut Model) {
    let Some(app) = model.selected_app() else {
        return;
    };
    let Some(secret) = secrets_by_expiry(app)
        .get(model.secrets.index)
        .map(|s| (*s).clone())
    else {
        let text = format!("{} has no secret to delete", app.name);
        model.push_toast(ToastLevel::Info, text);
        return;
    };
    let state = DeleteSecret {
        app_id: app.id.clone(),
        app_name: app.name.clone(),
        last_working: is_last_working(app, secret.id, model.now),
        secret,
        typed: Input::default(),
        error: None,
        pending: None,
    };
    model.overlays.show(state);
}

pub fn key(d: &mut DeleteSecret, action: Action, ctx: &mut Ctx) -> Outcome {
    let go = match action {
        Action::Back => return Outcome::close(),
        _ if d.pending.is_some() => false,
        Action::Secret(SecretKey::Yes) => !d.last_working,
        Action::Submit if d.last_working => {
            if super::typed_confirm::matches(d.typed.value(), &d.app_name, &d.app_id) {
                true
            } else {
                d.error = Some(
                    "Type the app's name as shown, or its client id, to delete its last working secret"
                        .to_owned(),
                );
                false
            }
        }
        Action::Edit(edit) if d.last_working => {
            d.typed.handle(input_request(edit));
            false
        }
        _ => false,
    };
    if !go {
        return Outcome::keep();
    }
    let secret_id = d.secret.id;
    let req = ctx.new_request(RequestKind::Secret);
    d.pending = Some(req);
    d.error = None;
    Outcome::effects(vec![Effect::Secret(SecretEffect::Delete {
        req,
        secret_id,
    })])
}

/// The answer to the delete this confirmation sent (`secrets::whose` routes it here).
pub fn answer(
    d: &mut DeleteSecret,
    req: RequestId,
    result: SecretResult,
    ctx: &mut Ctx,
) -> Outcome {
    match result {
        SecretResult::Deleted { result, .. } => deleted(d, result, ctx),
        _ => {
            tracing::debug!(
                ?req,
                "dropping a secret answer the delete does not wait for"
            );
            Outcome::keep()
        }
    }
}

fn deleted(d: &mut DeleteSecret, result: Result<(), ApiError>, ctx: &mut Ctx) -> Outcome {
    d.pending = None;
    match result {
        Ok(()) => {
            let text = format!("Deleted secret #{} of {}", d.secret.id, d.app_name);
            ctx.push_toast(ToastLevel::Info, text);
            Outcome::close().and_refresh()
        }
        // Deleting again after a lost answer: it is gone, which is what was asked.
        Err(ApiError::NotFound { .. }) => {
            let text = format!(
                "Secret #{} of {} is already gone; nothing to delete",
                d.secret.id, d.app_name
            );
            ctx.push_toast(ToastLevel::Info, text);
            Outcome::close().and_refresh()
        }
        Err(e) if e.outcome_unknown() => {
            d.error = Some(crate::api::outcome::unknown_reread(
                "delete",
                &e,
                "The secret may or may not be gone",
            ));
            Outcome::keep().and_refresh()
        }
        Err(e) => {
            d.error = Some(format!("Not deleted: {e}"));
            Outcome::keep()
        }
    }
}
