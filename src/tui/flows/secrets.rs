//! Where the secret flows meet `update`: their state in the model, which keys and answers go
//! to which flow, and the read-only refusal. Each flow's logic stays in its own module.

use crate::tui::effect::{Effect, RequestId, Sensitive};
use crate::tui::keymap::{Action, SecretKey};
use crate::tui::model::{Mode, Model, Overlay, RequestKind, ToastLevel};
use crate::tui::msg::SecretResult;

use super::delete_secret::{self, DeleteSecret};
use super::reveal::{self, Reveal};
use super::rotate::{self, Rotation};
use super::secret_new::{self, SecretForm};

/// The state of each open secret overlay; `None` when closed, so a closed reveal holds no
/// value anywhere.
#[derive(Debug, Default)]
pub struct SecretFlows {
    pub form: Option<SecretForm>,
    pub reveal: Option<Reveal>,
    pub rotation: Option<Rotation>,
    pub delete: Option<DeleteSecret>,
}

/// The keys a flow takes depend on its step, not only on which overlay is on top.
pub fn refine_mode(model: &Model, mode: Mode) -> Mode {
    let f = &model.secret_flows;
    match mode {
        Mode::SecretWizard => f.rotation.as_ref().map_or(mode, Rotation::mode),
        Mode::SecretForm if f.form.as_ref().is_some_and(|s| s.unknown) => Mode::SecretWizard,
        Mode::SecretConfirm if f.delete.as_ref().is_some_and(|d| d.last_working) => {
            Mode::SecretTyped
        }
        other => other,
    }
}

/// Keys for an open secret overlay, and the pane keys that open them. `None`: not ours.
pub fn route_key(model: &mut Model, action: Action) -> Option<Vec<Effect>> {
    if action == Action::Quit {
        return None;
    }
    Some(match (model.overlays.last(), action) {
        (Some(Overlay::SecretNew), a) => secret_new::key(model, a),
        (Some(Overlay::Reveal), a) => reveal::key(model, a),
        (Some(Overlay::Rotate), a) => rotate::key(model, a),
        (Some(Overlay::DeleteSecret), a) => delete_secret::key(model, a),
        (_, Action::Secret(k)) => pane_key(model, k),
        _ => return None,
    })
}

fn pane_key(model: &mut Model, key: SecretKey) -> Vec<Effect> {
    let what = match key {
        SecretKey::New => "new secrets are",
        SecretKey::Rotate => "secret rotation is",
        SecretKey::Delete => "deleting secrets is",
        SecretKey::CopyId => return copy_id(model),
        _ => return Vec::new(),
    };
    if model.opts.read_only {
        model.push_toast(
            ToastLevel::Info,
            format!("Read-only session: {what} disabled; nothing was sent"),
        );
        return Vec::new();
    }
    let Some(app) = model.selected_app().cloned() else {
        model.push_toast(ToastLevel::Info, "Select an app first");
        return Vec::new();
    };
    if !app.is_confidential && key != SecretKey::Delete {
        model.push_toast(
            ToastLevel::Info,
            format!("{} is a public app: it has no secrets", app.name),
        );
        return Vec::new();
    }
    match key {
        SecretKey::New => secret_new::open(model, &app),
        SecretKey::Rotate => rotate::open(model, &app),
        SecretKey::Delete => delete_secret::open(model),
        _ => {}
    }
    Vec::new()
}

fn copy_id(model: &mut Model) -> Vec<Effect> {
    let Some(id) = model.selected.clone() else {
        return Vec::new();
    };
    let req = model.new_request(RequestKind::Copy);
    vec![Effect::Copy {
        req,
        what: format!("client id {id}"),
        text: Sensitive(id.into()),
    }]
}

/// Answers of secret requests. An answer nobody waits for any more is stale, but a mint or
/// a delete that happened is still news: it is told in a toast, never silently dropped.
pub fn on_result(model: &mut Model, req: RequestId, result: SecretResult) -> Vec<Effect> {
    model.in_flight.remove(&req);
    let form_waits = model
        .secret_flows
        .form
        .as_ref()
        .is_some_and(|f| f.pending == Some(req));
    let delete_waits = model
        .secret_flows
        .delete
        .as_ref()
        .is_some_and(|d| d.pending == Some(req));
    let rotation_waits = rotate::waits_for(model, req);
    match result {
        SecretResult::Minted(r) if form_waits => secret_new::minted(model, r),
        SecretResult::Minted(r) if rotation_waits => rotate::minted(model, r),
        SecretResult::Minted(Ok(secret)) => {
            model.push_toast(
                ToastLevel::Info,
                format!(
                    "Secret #{} was created after its window closed; its value cannot be shown. Delete it (x) if unused.",
                    secret.id
                ),
            );
            crate::tui::update::request_apps(model)
        }
        SecretResult::Verified(r) if rotation_waits => rotate::verified(model, r),
        SecretResult::Deleted { result, .. } if delete_waits => {
            delete_secret::deleted(model, result)
        }
        SecretResult::Deleted { secret_id, result } if rotation_waits => {
            rotate::deleted(model, req, secret_id, result)
        }
        SecretResult::Deleted { secret_id, result } => {
            match result {
                Ok(()) => {
                    model.push_toast(ToastLevel::Info, format!("Deleted secret #{secret_id}"))
                }
                Err(e) => model.push_toast(
                    ToastLevel::Error,
                    format!("Deleting secret #{secret_id} failed: {e}"),
                ),
            }
            crate::tui::update::request_apps(model)
        }
        other => {
            tracing::debug!(?req, kind = kind(&other), "dropping a stale secret answer");
            Vec::new()
        }
    }
}

fn kind(r: &SecretResult) -> &'static str {
    match r {
        SecretResult::Minted(_) => "minted",
        SecretResult::Deleted { .. } => "deleted",
        SecretResult::Verified(_) => "verified",
    }
}

pub fn copied(model: &mut Model, req: RequestId, what: &str, result: Result<String, String>) {
    match result {
        Ok(place) => {
            let f = &mut model.secret_flows;
            let reveals = [
                f.reveal.as_mut(),
                f.rotation.as_mut().and_then(|r| r.reveal.as_mut()),
            ];
            for r in reveals.into_iter().flatten() {
                if r.copy_req == Some(req) {
                    r.copied = Some(place.clone());
                }
            }
            model.push_toast(ToastLevel::Info, format!("Copied {what} to {place}"));
        }
        Err(e) => model.push_toast(ToastLevel::Error, format!("Copying {what} failed: {e}")),
    }
}
