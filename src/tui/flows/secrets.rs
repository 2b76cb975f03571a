//! Where the secret flows meet `update`: their state in the model, which keys and answers go
//! to which flow, and the read-only refusal. Each flow's logic stays in its own module.

use crate::tui::effect::{Effect, RequestId, Sensitive};
use crate::tui::keymap::SecretKey;
use crate::tui::model::{Model, RequestKind, ToastLevel};
use crate::tui::msg::SecretResult;

use super::delete_secret::{self, DeleteSecret};
use super::reveal::Reveal;
use super::rotate::{self, Rotation};
use super::secret_new::{self, SecretForm};

/// The pane keys of the secrets (`s`, `R`, `x`, `y`), from any pane: they act on the selected
/// app (`x` on the secret under pane 3's cursor) and open the secret overlays, which then take
/// their own keys (`update::overlay_key`), or say why they cannot.
pub fn pane_key(model: &mut Model, key: SecretKey) -> Vec<Effect> {
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
    if !app.is_confidential {
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
    let form_waits = model
        .overlays
        .get::<SecretForm>()
        .is_some_and(|f| f.pending == Some(req));
    let delete_waits = model
        .overlays
        .get::<DeleteSecret>()
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
            model.request_apps()
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
            model.request_apps()
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
            if let Some(r) = model.overlays.get_mut::<Reveal>()
                && r.copy_req == Some(req)
            {
                r.copied = Some(place.clone());
            }
            if let Some(r) = model
                .overlays
                .get_mut::<Rotation>()
                .and_then(|r| r.reveal.as_mut())
                && r.copy_req == Some(req)
            {
                r.copied = Some(place.clone());
            }
            model.push_toast(ToastLevel::Info, format!("Copied {what} to {place}"));
        }
        Err(e) => model.push_toast(ToastLevel::Error, format!("Copying {what} failed: {e}")),
    }
}
