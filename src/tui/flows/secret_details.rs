//! The details of one secret (Enter in pane 3): its id, whole description, dates and age.
//! The overlay holds which secret it shows, not a copy: a refresh that changes or deletes
//! the secret shows in it at once.

use crate::tui::keymap::Action;
use crate::tui::model::{Model, ToastLevel, secrets_by_expiry};

use super::ctx::{Ctx, Outcome};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretDetails {
    pub app_id: String,
    pub secret_id: i64,
}

/// Opens the details of the secret under the cursor of pane 3, or says why there is none.
pub fn open(model: &mut Model) {
    let Some(app) = model.selected_app() else {
        model.push_toast(ToastLevel::Info, "Select an app first");
        return;
    };
    let why_not = if !app.details_known() {
        format!("The secrets of {:?} are still loading", app.name)
    } else if !app.is_confidential {
        format!("{} is a public app: it has no secrets", app.name)
    } else if app.secrets.is_empty() {
        format!("{} has no secret", app.name)
    } else {
        let secret = secrets_by_expiry(app)
            .get(model.secrets.index)
            .map(|s| s.id);
        match secret {
            Some(secret_id) => {
                let state = SecretDetails {
                    app_id: app.id.clone(),
                    secret_id,
                };
                model.overlays.show(state);
                return;
            }
            None => format!("No secret of {} under the cursor", app.name),
        }
    };
    model.push_toast(ToastLevel::Info, why_not);
}

/// Its keys: Esc, q and Enter close it; moving keys do nothing under it. `None`: not its key.
pub fn key(_: &mut SecretDetails, action: Action, _: &mut Ctx) -> Option<Outcome> {
    match action {
        Action::Back => Some(Outcome::close()),
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown => Some(Outcome::keep()),
        _ => None,
    }
}
