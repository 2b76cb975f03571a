//! Editing an app as JSON in $VISUAL or $EDITOR: the event loop suspends the TUI and runs the
//! editor (`Effect::EditJson`), the text comes back as `Msg::Edited`, and from there it is the
//! form's path: validate, read fresh, diff, confirm, send. A text that fails is kept, so `E`
//! opens it again as the user left it.

use serde::Deserialize;

use crate::api::model::{App, ScopeRef, ScopeType, UpdateAppRequest, join_redirect_uris};
use crate::domain::app_rules::{self, Draft, Severity};
use crate::tui::effect::Effect;
use crate::tui::keymap::Feature;
use crate::tui::model::{Model, RequestKind, ToastLevel};

use super::app_form;
use super::ctx::{Ctx, Outcome};
use super::editing::{self, EditState, Origin, Waiting};

#[derive(Debug)]
pub struct JsonEdit {
    pub client_id: String,
    /// The app as it was when editing began: the edit is the difference from it.
    pub loaded: App,
    pub text: String,
    pub error: Option<String>,
}

/// The editable fields, and only those: an unknown key is a typo, not something to drop.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Doc {
    name: String,
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    scopes: Vec<ScopeRef>,
}

/// The JSON the editor opens: types as words, which people read better than 0 and 1.
pub fn document(app: &App) -> String {
    let scopes: Vec<serde_json::Value> = app
        .scope_refs()
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": s.name,
                "type": if s.kind == ScopeType::User { "user" } else { "application" },
            })
        })
        .collect();
    let doc = serde_json::json!({
        "name": app.name,
        "redirectUris": app.redirect_uris(),
        "scopes": scopes,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("a JSON value serialises");
    text.push('\n');
    text
}

/// The update body the text describes, or what is wrong with it.
pub fn parse(text: &str, loaded: &App, apps: &[&App]) -> Result<UpdateAppRequest, String> {
    let doc: Doc = serde_json::from_str(text)
        .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
    let problems = app_rules::check(
        &Draft {
            name: &doc.name,
            confidential: loaded.is_confidential,
            redirect_uris: &doc.redirect_uris,
            scopes: &doc.scopes,
        },
        Some(&loaded.id),
        apps.iter().copied(),
    );
    let errors: Vec<String> = problems
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.text)
        .collect();
    if !errors.is_empty() {
        return Err(errors.join("; "));
    }
    Ok(UpdateAppRequest {
        name: doc.name.trim().to_owned(),
        redirect_uri: join_redirect_uris(&doc.redirect_uris),
        scopes: doc.scopes,
        client_certificates: loaded.client_certificates.clone(),
    })
}

pub fn start(model: &mut Model) -> Vec<Effect> {
    if editing::refused_read_only(model, Feature::EditApp) {
        return Vec::new();
    }
    let Some(app) = model.selected_app().cloned() else {
        model.push_toast(ToastLevel::Info, "No app selected");
        return Vec::new();
    };
    // A kept draft of this app is reopened as the user left it; another app starts afresh.
    let keep = model
        .edit
        .json
        .as_ref()
        .is_some_and(|j| j.client_id == app.id);
    if !keep {
        model.edit.json = Some(JsonEdit {
            client_id: app.id.clone(),
            text: document(&app),
            loaded: app.clone(),
            error: None,
        });
    }
    let text = model
        .edit
        .json
        .as_ref()
        .map(|j| j.text.clone())
        .unwrap_or_default();
    let req = editing::start(
        model,
        RequestKind::Editor,
        Waiting::Editor { client_id: app.id },
    );
    vec![Effect::EditJson { req, text }]
}

/// The editor's text for `client_id`: checked, then read fresh and diffed like the form's.
pub fn edited(
    edit: &mut EditState,
    client_id: &str,
    text: Result<String, String>,
    ctx: &mut Ctx,
) -> Outcome {
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            ctx.push_toast(ToastLevel::Error, format!("Could not run the editor: {e}"));
            return Outcome::keep();
        }
    };
    let Some(json) = edit.json.as_mut().filter(|j| j.client_id == client_id) else {
        return Outcome::keep();
    };
    json.text = text;
    let apps: Vec<&App> = ctx.apps.values().collect();
    match parse(&json.text, &json.loaded, &apps) {
        Err(e) => {
            json.error = Some(e.clone());
            ctx.push_toast(
                ToastLevel::Error,
                format!("The JSON was not sent: {e}. E opens it again as you left it"),
            );
            Outcome::keep()
        }
        Ok(edited) if edited == UpdateAppRequest::from_app(&json.loaded) => {
            edit.json = None;
            ctx.push_toast(ToastLevel::Info, "No changes in the JSON; nothing sent");
            Outcome::keep()
        }
        Ok(edited) => {
            json.error = None;
            let loaded = json.loaded.clone();
            Outcome::effects(app_form::start_fresh_read(
                edit,
                ctx,
                loaded,
                edited,
                Origin::Json,
            ))
        }
    }
}
