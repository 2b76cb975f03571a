//! Where the secret flows meet `update`: their state in the model, which keys and answers go
//! to which flow, and the read-only refusal. Each flow's logic stays in its own module.

use crate::tui::effect::{Effect, RequestId, Sensitive};
use crate::tui::keymap::SecretKey;
use crate::tui::model::{Model, Overlays, RequestKind, ToastLevel};
use crate::tui::msg::SecretResult;

use super::ctx::{Ctx, Outcome};
use super::delete_secret::{self, DeleteSecret};
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

/// Who waits for a secret answer: the flow whose overlay sent it, or nobody (its window
/// closed, or a rotation left deleting its unseen secret). `update::answer` hands it there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    SecretNew,
    Rotate,
    DeleteSecret,
    Nobody,
}

pub fn whose(overlays: &Overlays, req: RequestId, result: &SecretResult) -> Whose {
    let form_waits = overlays
        .get::<SecretForm>()
        .is_some_and(|f| f.pending == Some(req));
    let delete_waits = overlays
        .get::<DeleteSecret>()
        .is_some_and(|d| d.pending == Some(req));
    let rotation_waits = overlays
        .get::<Rotation>()
        .is_some_and(|r| rotate::waits_for(r, req));
    match result {
        SecretResult::Minted(_) if form_waits => Whose::SecretNew,
        SecretResult::Minted(_) if rotation_waits => Whose::Rotate,
        SecretResult::Verified(_) if rotation_waits => Whose::Rotate,
        SecretResult::Deleted { .. } if delete_waits => Whose::DeleteSecret,
        SecretResult::Deleted { .. } if rotation_waits => Whose::Rotate,
        _ => Whose::Nobody,
    }
}

/// An answer nobody waits for any more is stale, but a mint or a delete that happened is
/// still news: it is told in a toast, never silently dropped.
pub fn late(req: RequestId, result: SecretResult, ctx: &mut Ctx) -> Outcome {
    match result {
        SecretResult::Minted(Ok(secret)) => {
            ctx.push_toast(
                ToastLevel::Info,
                format!(
                    "Secret #{} was created after its window closed; its value cannot be shown. Delete it (x) if unused.",
                    secret.id
                ),
            );
            Outcome::keep().and_refresh()
        }
        SecretResult::Deleted { secret_id, result } => {
            match result {
                Ok(()) => ctx.push_toast(ToastLevel::Info, format!("Deleted secret #{secret_id}")),
                Err(e) => ctx.push_toast(
                    ToastLevel::Error,
                    format!("Deleting secret #{secret_id} failed: {e}"),
                ),
            }
            Outcome::keep().and_refresh()
        }
        other => {
            tracing::debug!(?req, kind = kind(&other), "dropping a stale secret answer");
            Outcome::keep()
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

/// Every copy to the clipboard is said in a toast (the reveal that asked notes where its
/// value went: `reveal::copied`).
pub fn copied(what: &str, result: Result<String, String>, ctx: &mut Ctx) -> Outcome {
    match result {
        Ok(place) => ctx.push_toast(ToastLevel::Info, format!("Copied {what} to {place}")),
        Err(e) => ctx.push_toast(ToastLevel::Error, format!("Copying {what} failed: {e}")),
    }
    Outcome::keep()
}
