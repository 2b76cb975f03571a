//! Deleting an app: a confirmation that names what goes and wants the app's name typed, a
//! backup of its definition first (by the worker: it is file I/O), then the request.

use std::path::PathBuf;

use tui_input::Input;

use ratatui::crossterm::event::KeyCode;

use crate::api::model::App;
use crate::tui::effect::Effect;
use crate::tui::keymap::{
    Action, Action as A, Feature, FlowKey, Group as G, KeyTable, Rest, code, on,
};
use crate::tui::model::{Model, RequestKind, ToastLevel};

use super::app_form::input_request;
use super::ctx::{AppChange, Ctx, Outcome};
use super::editing::{self, EditState, Waiting};

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

/// Keys of the confirmation: Enter, the typed name, Esc.
pub fn key(d: &mut DeleteApp, action: Action, edit: &mut EditState, ctx: &mut Ctx) -> Outcome {
    match action {
        Action::Flow(key) => flow_key(d, key, edit, ctx),
        Action::Edit(text) => {
            if edit.pending.is_none() && d.done.is_none() {
                d.typed.handle(input_request(text));
                d.error = None;
            }
            Outcome::keep()
        }
        Action::Back => {
            if edit.writing() {
                ctx.push_toast(ToastLevel::Info, "Waiting for the server's answer");
                return Outcome::keep();
            }
            Outcome::close()
        }
        _ => Outcome::keep(),
    }
}

fn flow_key(d: &mut DeleteApp, key: FlowKey, edit: &mut EditState, ctx: &mut Ctx) -> Outcome {
    if key != FlowKey::Activate || edit.pending.is_some() {
        return Outcome::keep();
    }
    if d.done.is_some() {
        return Outcome::close();
    }
    if !d.name_matches() {
        d.error = Some(
            "Type the name as shown above, or the client id, to delete; Esc keeps the app"
                .to_owned(),
        );
        return Outcome::keep();
    }
    let (client_id, name) = (d.app.id.clone(), d.app.name.clone());
    // `None`: the worker picks the user's data directory.
    let backup_dir = ctx.opts.backup_dir.clone();
    let req = editing::begin(edit, ctx, RequestKind::AppChange, Waiting::Delete);
    Outcome::effects(vec![Effect::DeleteApp {
        req,
        client_id,
        name,
        backup_dir,
    }])
}

/// The delete's answer (`d`: the confirmation, unless it was closed meanwhile). Any failure
/// reads the list again: after a lost answer it shows whether the app is gone, and after a
/// refusal it shows the app as it is.
pub fn deleted(
    d: Option<&mut DeleteApp>,
    client_id: &str,
    result: Result<PathBuf, String>,
    ctx: &mut Ctx,
) -> Outcome {
    match result {
        Ok(path) => {
            match d {
                Some(d) => d.done = Some(path),
                None => ctx.push_toast(
                    ToastLevel::Info,
                    format!("Deleted; backup: {}", path.display()),
                ),
            }
            Outcome {
                app: Some(AppChange::Remove(client_id.to_owned())),
                ..Outcome::keep()
            }
        }
        Err(e) => {
            match d {
                Some(d) => d.error = Some(e),
                None => ctx.push_toast(ToastLevel::Error, e),
            }
            Outcome::keep().and_refresh()
        }
    }
}
