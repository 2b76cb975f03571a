//! Deleting an app: a confirmation that names what goes and wants the app's name typed, a
//! backup of its definition first (by the worker: it is file I/O), then the request.

use std::path::PathBuf;

use tui_input::Input;

use ratatui::crossterm::event::KeyCode;

use crate::api::model::App;
use crate::tui::effect::Effect;
use crate::tui::keymap::{Action as A, Feature, FlowKey, Group as G, KeyTable, Rest, code, on};
use crate::tui::model::{Model, OverlayKind, RequestKind, ToastLevel};
use crate::tui::msg::TextEdit;

use super::app_form::input_request;
use super::editing::{self, Waiting};

/// Deleting an app: its name is typed first.
#[rustfmt::skip]
pub static KEYS: KeyTable = KeyTable {
    name: "delete app",
    rest: Rest::Text,
    bindings: &[
        on(&[code(KeyCode::Enter)], A::Flow(FlowKey::Activate), G::Confirm, "delete, once the name is typed"),
    ],
};

#[derive(Debug)]
pub struct DeleteApp {
    /// The app as it was when the confirmation opened: what the user agrees to delete.
    pub app: App,
    pub typed: Input,
    pub error: Option<String>,
    /// Set once deleted: where the backup went, shown until the user closes.
    pub done: Option<PathBuf>,
    /// The app is the one this session signs in as: deleting it locks extapps out.
    pub signed_in_as: bool,
}

impl DeleteApp {
    /// The name as shown (case and all: the point is that the user looked at which app this
    /// is), up to what no keyboard types exactly; or the client id.
    pub fn name_matches(&self) -> bool {
        super::typed_confirm::matches(self.typed.value(), &self.app.name, &self.app.id)
    }
}

pub fn open(model: &mut Model) {
    if editing::refused_read_only(model, Feature::DeleteApp) {
        return;
    }
    let Some(app) = model.selected_app().cloned() else {
        model.push_toast(ToastLevel::Info, "No app selected");
        return;
    };
    let signed_in_as = model
        .token
        .as_ref()
        .and_then(|t| t.client_id.as_deref())
        .is_some_and(|id| id == app.id);
    model.overlays.show(DeleteApp {
        app,
        typed: Input::default(),
        error: None,
        done: None,
        signed_in_as,
    });
}

fn close(model: &mut Model) {
    model.overlays.close(OverlayKind::DeleteApp);
}

pub fn back(model: &mut Model) {
    if model.edit.writing() {
        model.push_toast(ToastLevel::Info, "Waiting for the server's answer");
        return;
    }
    close(model);
}

pub fn text(model: &mut Model, edit: TextEdit) {
    if model.edit.pending.is_some() {
        return;
    }
    if let Some(d) = model.overlays.get_mut::<DeleteApp>()
        && d.done.is_none()
    {
        d.typed.handle(input_request(edit));
        d.error = None;
    }
}

pub fn key(model: &mut Model, key: FlowKey) -> Vec<Effect> {
    if key != FlowKey::Activate || model.edit.pending.is_some() {
        return Vec::new();
    }
    let Some(d) = model.overlays.get_mut::<DeleteApp>() else {
        return Vec::new();
    };
    if d.done.is_some() {
        close(model);
        return Vec::new();
    }
    if !d.name_matches() {
        d.error = Some(
            "Type the name as shown above, or the client id, to delete; Esc keeps the app"
                .to_owned(),
        );
        return Vec::new();
    }
    let (client_id, name) = (d.app.id.clone(), d.app.name.clone());
    let backup_dir = editing::backup_dir(model);
    let req = editing::start(model, RequestKind::AppChange, Waiting::Delete);
    vec![Effect::DeleteApp {
        req,
        client_id,
        name,
        backup_dir,
    }]
}

/// Any failure reads the list again: after a lost answer it shows whether the app is gone,
/// and after a refusal it shows the app as it is.
pub fn deleted(model: &mut Model, client_id: &str, result: Result<PathBuf, String>) -> Vec<Effect> {
    match result {
        Ok(path) => {
            editing::remove_app(model, client_id);
            match model.overlays.get_mut::<DeleteApp>() {
                Some(d) => d.done = Some(path),
                None => model.push_toast(
                    ToastLevel::Info,
                    format!("Deleted; backup: {}", path.display()),
                ),
            }
            Vec::new()
        }
        Err(e) => {
            match model.overlays.get_mut::<DeleteApp>() {
                Some(d) => d.error = Some(e),
                None => model.push_toast(ToastLevel::Error, e),
            }
            model.request_apps()
        }
    }
}
