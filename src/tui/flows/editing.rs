//! What the create, edit, JSON-edit and delete flows share beyond their overlays (which carry
//! each flow's own state): the scope catalog, the one request they may have in flight, the
//! JSON draft kept for `E`, and the keys and answers of the editing overlays.

use crate::api::model::{App, Resource, UpdateAppRequest};
use crate::domain::app_rules;
use crate::tui::effect::{Effect, RequestId};
use crate::tui::keymap::Feature;
use crate::tui::model::{Model, RequestKind, ToastLevel};

use super::app_form;
use super::ctx::{Ctx, Outcome};
use super::json_edit::{self, JsonEdit};
use super::scope_picker::{self, ScopePicker};

#[derive(Debug, Default)]
pub struct EditState {
    pub catalog: Option<Catalog>,
    pub catalog_req: Option<RequestId>,
    /// Kept after a failed JSON edit, so that `E` opens the text again as the user left it.
    pub json: Option<JsonEdit>,
    /// The one request the flows wait for. One at a time: a second save while the first is
    /// out could be applied in either order.
    pub pending: Option<Pending>,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub resources: Vec<Resource>,
    /// Set when the server's catalog could not be read and the shipped one is shown.
    pub fallback_reason: Option<String>,
}

/// Where an edit came from, so that a failure goes back to it with the user's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Form,
    Json,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub req: RequestId,
    pub what: Waiting,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Waiting {
    Create,
    /// The fresh read before an edit; the edit is kept as the delta between these two.
    Fresh {
        client_id: String,
        loaded: Box<App>,
        edited: UpdateAppRequest,
        origin: Origin,
    },
    Save {
        origin: Origin,
    },
    Delete,
    Editor {
        client_id: String,
    },
}

impl EditState {
    pub fn waiting_for(&self, req: RequestId) -> Option<&Waiting> {
        self.pending
            .as_ref()
            .filter(|p| p.req == req)
            .map(|p| &p.what)
    }

    /// Whether a write is out: its answer must not be lost by closing what waits for it.
    pub fn writing(&self) -> bool {
        matches!(
            self.pending.as_ref().map(|p| &p.what),
            Some(Waiting::Create | Waiting::Save { .. } | Waiting::Delete)
        )
    }
}

/// True (and a toast said why) when the session may not change anything.
pub fn refused_read_only(model: &mut Model, feature: Feature) -> bool {
    if model.opts.read_only {
        model.push_toast(
            ToastLevel::Info,
            format!("Read-only session: {} is disabled", feature.describe()),
        );
    }
    model.opts.read_only
}

/// Starts a request the flows will wait for, superseding any older one.
pub fn start(model: &mut Model, kind: RequestKind, what: Waiting) -> RequestId {
    let req = model.new_request(kind);
    model.edit.pending = Some(Pending { req, what });
    req
}

/// `start`, for a flow that has its context.
pub fn begin(edit: &mut EditState, ctx: &mut Ctx, kind: RequestKind, what: Waiting) -> RequestId {
    let req = ctx.new_request(kind);
    edit.pending = Some(Pending { req, what });
    req
}

/// Asks for the catalog once per session; the picker is useless without it.
pub fn want_catalog(model: &mut Model) -> Vec<Effect> {
    if model.edit.catalog.is_some() || model.edit.catalog_req.is_some() {
        return Vec::new();
    }
    let req = model.new_request(RequestKind::Catalog);
    model.edit.catalog_req = Some(req);
    vec![Effect::LoadCatalog { req }]
}

pub fn new_app(model: &mut Model) -> Vec<Effect> {
    if refused_read_only(model, Feature::NewApp) {
        return Vec::new();
    }
    app_form::open_new(model);
    want_catalog(model)
}

pub fn edit_app(model: &mut Model) -> Vec<Effect> {
    if refused_read_only(model, Feature::EditApp) {
        return Vec::new();
    }
    let Some(app) = model.selected_app().cloned() else {
        model.push_toast(ToastLevel::Info, "No app selected");
        return Vec::new();
    };
    app_form::open_edit(model, app);
    want_catalog(model)
}

/// `$EDITOR`'s text came back: the JSON edit that waits for it goes on.
pub fn edited(
    edit: &mut EditState,
    req: RequestId,
    text: Result<String, String>,
    ctx: &mut Ctx,
) -> Outcome {
    match edit.waiting_for(req).cloned() {
        Some(Waiting::Editor { client_id }) => {
            edit.pending = None;
            json_edit::edited(edit, &client_id, text, ctx)
        }
        _ => {
            tracing::debug!(?req, "dropping a stale editor result");
            Outcome::keep()
        }
    }
}

/// The scope catalog arrived (asked once per session): the picker shows it (`picker`: when
/// open).
pub fn catalog_arrived(
    edit: &mut EditState,
    picker: Option<&mut ScopePicker>,
    req: RequestId,
    result: Result<Vec<Resource>, crate::api::ApiError>,
) -> Outcome {
    if edit.catalog_req != Some(req) {
        return Outcome::keep();
    }
    edit.catalog_req = None;
    edit.catalog = Some(match result {
        Ok(resources) if !resources.is_empty() => Catalog {
            resources,
            fallback_reason: None,
        },
        Ok(_) => fallback("the server's catalog is empty".to_owned()),
        Err(e) => fallback(e.to_string()),
    });
    scope_picker::catalog_arrived(picker, edit.catalog.as_ref());
    Outcome::keep()
}

/// What the answer `req` was waiting for; the flows wait for one request at a time, so they
/// wait for none after it. `None`: a stale answer (superseded, or its flow closed).
pub fn answered(edit: &mut EditState, req: RequestId) -> Option<Waiting> {
    let waiting = edit.waiting_for(req).cloned()?;
    edit.pending = None;
    Some(waiting)
}

fn fallback(reason: String) -> Catalog {
    Catalog {
        resources: app_rules::fallback_catalog(),
        fallback_reason: Some(reason),
    }
}
