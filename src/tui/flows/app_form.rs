//! Create and edit an app: the form, its validation, and the diff shown before sending.
//!
//! An edit is kept as the difference between the app the form was filled from and the form;
//! at save time the app is read fresh and that difference is replayed on it, because the
//! server replaces scopes and redirect URIs wholesale and someone may have changed them since.

use secrecy::SecretString;
use tui_input::Input;

use ratatui::crossterm::event::KeyCode;

use crate::api::ApiError;
use crate::api::model::{App, ScopeRef, UpdateAppRequest, join_redirect_uris};
use crate::api::outcome::Outcome;
use crate::api::readback::{Applied, UpdateError};
use crate::domain::app_rules::{self, Draft, Field, Problem, Severity};
use crate::domain::diff::{self, Change};
use crate::tui::effect::Effect;
use crate::tui::keymap::{Action as A, FlowKey, Group as G, KeyTable, Rest, code, ctrl, k, on};
use crate::tui::model::{Model, OverlayKind, RequestKind, ToastLevel};
use crate::tui::msg::TextEdit;

use super::editing::{self, Origin, Waiting};
use super::{lost_create, reveal, scope_picker};

/// The create / edit app form.
#[rustfmt::skip]
pub static FORM_KEYS: KeyTable = KeyTable {
    name: "app form",
    rest: Rest::Text,
    bindings: &[
        on(&[code(KeyCode::Tab)], A::Flow(FlowKey::NextField), G::Form, "next / previous field"),
        on(&[code(KeyCode::BackTab)], A::Flow(FlowKey::PrevField), G::Form, "next / previous field"),
        on(&[code(KeyCode::Enter)], A::Flow(FlowKey::Activate), G::Form, "toggle, add URI, open scope picker"),
        on(&[code(KeyCode::Up)], A::Flow(FlowKey::Up), G::Form, "move in a list"),
        on(&[code(KeyCode::Down)], A::Flow(FlowKey::Down), G::Form, "move in a list"),
        on(&[ctrl('d')], A::Flow(FlowKey::Remove), G::Form, "remove the URI or scope (from the form)"),
        on(&[ctrl('s')], A::Flow(FlowKey::Save), G::Form, "save (checks first)"),
    ],
};

/// The diff of an edit, before it is sent.
#[rustfmt::skip]
pub static REVIEW_KEYS: KeyTable = KeyTable {
    name: "review",
    rest: Rest::Dropped,
    bindings: &[
        on(&[k('y')], A::Flow(FlowKey::Yes), G::Confirm, "send the change"),
        on(&[k('n')], A::Flow(FlowKey::No), G::Confirm, "back to the form"),
        on(&[code(KeyCode::Tab), code(KeyCode::Left), code(KeyCode::Right)], A::Flow(FlowKey::NextField), G::Confirm, "switch button (No first)"),
        on(&[code(KeyCode::Enter)], A::Flow(FlowKey::Activate), G::Confirm, "press the button"),
    ],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    Name,
    Confidential,
    RedirectUris,
    Scopes,
    Save,
}

impl FormField {
    const ORDER: [FormField; 5] = [
        FormField::Name,
        FormField::Confidential,
        FormField::RedirectUris,
        FormField::Scopes,
        FormField::Save,
    ];

    pub fn rule_field(self) -> Option<Field> {
        match self {
            FormField::Name => Some(Field::Name),
            FormField::Confidential => Some(Field::Confidential),
            FormField::RedirectUris => Some(Field::RedirectUris),
            FormField::Scopes => Some(Field::Scopes),
            FormField::Save => None,
        }
    }
}

type Snapshot = (String, bool, Vec<String>, Vec<ScopeRef>);

#[derive(Debug)]
pub struct AppForm {
    /// For an edit: the app as the form was filled from it.
    pub loaded: Option<App>,
    pub name: Input,
    pub confidential: bool,
    pub uris: Vec<String>,
    /// The URI being typed, added with Enter (or on save).
    pub uri_input: Input,
    /// Row in the URI list; `uris.len()` is the input line.
    pub uri_cursor: usize,
    pub scopes: Vec<ScopeRef>,
    pub scope_cursor: usize,
    pub focus: FormField,
    pub problems: Vec<Problem>,
    /// After the first save attempt the problems follow every change, not before: nobody
    /// wants "a name is required" while they have not typed yet.
    pub checked: bool,
    pub uri_error: Option<String>,
    /// The server's answer to the last failed request, shown above the buttons.
    pub server_error: Option<String>,
    pub notice: Option<String>,
    /// Esc on a changed form asks first; `y` then discards.
    pub confirm_discard: bool,
    /// Set when the create's answer was lost: the form shows that instead of its fields.
    pub lost: Option<super::lost_create::LostCreate>,
    initial: Snapshot,
}

impl AppForm {
    pub fn new(loaded: Option<App>) -> Self {
        let (name, confidential, uris, scopes) = match &loaded {
            Some(a) => (
                a.name.clone(),
                a.is_confidential,
                a.redirect_uris(),
                a.scope_refs(),
            ),
            None => (String::new(), true, Vec::new(), Vec::new()),
        };
        let mut form = AppForm {
            loaded,
            name: Input::new(name),
            confidential,
            uri_cursor: uris.len(),
            uris,
            uri_input: Input::default(),
            scopes,
            scope_cursor: 0,
            focus: FormField::Name,
            problems: Vec::new(),
            checked: false,
            uri_error: None,
            server_error: None,
            notice: None,
            confirm_discard: false,
            lost: None,
            initial: Default::default(),
        };
        form.initial = form.snapshot();
        form
    }

    fn snapshot(&self) -> Snapshot {
        (
            self.name.value().to_owned(),
            self.confidential,
            self.uris.clone(),
            self.scopes.clone(),
        )
    }

    pub fn is_edit(&self) -> bool {
        self.loaded.is_some()
    }

    pub fn changed(&self) -> bool {
        self.snapshot() != self.initial || !self.uri_input.value().trim().is_empty()
    }

    /// The whole editable state as the update body carries it.
    pub fn request(&self) -> UpdateAppRequest {
        UpdateAppRequest {
            name: self.name.value().trim().to_owned(),
            redirect_uri: join_redirect_uris(&self.uris),
            scopes: self.scopes.clone(),
            client_certificates: self
                .loaded
                .as_ref()
                .and_then(|a| a.client_certificates.clone()),
        }
    }

    pub fn problems_at(&self, field: Field) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.field == field)
    }

    fn recheck(&mut self, apps: &crate::tui::model::AppStore) {
        let own = self.loaded.as_ref().map(|a| a.id.as_str());
        self.problems = app_rules::check(
            &Draft {
                name: self.name.value(),
                confidential: self.confidential,
                redirect_uris: &self.uris,
                scopes: &self.scopes,
            },
            own,
            apps.values(),
        );
    }

    fn fields(&self) -> impl Iterator<Item = FormField> + '_ {
        // The kind of an app cannot change after creation: the update body has no such field.
        FormField::ORDER
            .into_iter()
            .filter(|f| !(self.is_edit() && *f == FormField::Confidential))
    }

    fn step_field(&mut self, forward: bool) {
        let fields: Vec<FormField> = self.fields().collect();
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = fields.len();
        self.focus = fields[if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        }];
    }

    /// Replaces the fields with `body`, the form now being an edit of `fresh`.
    fn rebase(&mut self, fresh: App, body: &UpdateAppRequest) {
        self.loaded = Some(fresh);
        self.initial = {
            let a = self.loaded.as_ref().expect("just set");
            (
                a.name.clone(),
                a.is_confidential,
                a.redirect_uris(),
                a.scope_refs(),
            )
        };
        self.name = Input::new(body.name.clone());
        self.uris = crate::api::model::split_redirect_uris(body.redirect_uri.as_deref());
        self.uri_cursor = self.uris.len().min(self.uri_cursor);
        self.scopes = body.scopes.clone();
        self.scope_cursor = self.scope_cursor.min(self.scopes.len().saturating_sub(1));
    }
}

/// The diff of an edit, shown before the whole object is sent.
#[derive(Debug, Clone)]
pub struct Review {
    pub client_id: String,
    pub name: String,
    /// The app as read fresh: the edit is `base` → `body`, and the read-back is checked so.
    pub base: UpdateAppRequest,
    pub body: UpdateAppRequest,
    pub changes: Vec<Change>,
    /// What changed on the server since the edit began; when not empty, the user is told
    /// before anything is sent.
    pub server_changes: Vec<Change>,
    /// The focused button; No first.
    pub yes: bool,
    pub origin: Origin,
}

pub fn open_new(model: &mut Model) {
    model.overlays.show(AppForm::new(None));
}

pub fn open_edit(model: &mut Model, app: App) {
    model.overlays.show(AppForm::new(Some(app)));
}

fn close(model: &mut Model) {
    model.overlays.close(OverlayKind::AppForm);
    model.overlays.close(OverlayKind::ScopePicker);
    model.overlays.close(OverlayKind::Review);
}

/// Whether the form waits for the server; it takes no edits meanwhile, so that what is sent
/// is what is on screen.
fn busy(model: &Model) -> bool {
    model.edit.pending.is_some() && model.overlays.get::<AppForm>().is_some()
}

pub fn key(model: &mut Model, key: FlowKey) -> Vec<Effect> {
    if busy(model) {
        return Vec::new();
    }
    if lost_create::active(model) {
        return lost_create::key(model, key);
    }
    let Some(form) = model.overlays.get_mut::<AppForm>() else {
        return Vec::new();
    };
    if form.confirm_discard {
        // Any key but `y` keeps the form: discarding is never the default.
        form.confirm_discard = false;
        return Vec::new();
    }
    match key {
        FlowKey::NextField => form.step_field(true),
        FlowKey::PrevField => form.step_field(false),
        FlowKey::Up | FlowKey::Down => {
            let down = key == FlowKey::Down;
            match form.focus {
                FormField::RedirectUris => {
                    form.uri_cursor = step(form.uri_cursor, down, form.uris.len() + 1)
                }
                FormField::Scopes if !form.scopes.is_empty() => {
                    form.scope_cursor = step(form.scope_cursor, down, form.scopes.len())
                }
                _ => form.step_field(down),
            }
        }
        FlowKey::Activate => match form.focus {
            FormField::Name => form.step_field(true),
            FormField::Confidential => toggle_confidential(form),
            FormField::RedirectUris => uri_enter(form),
            FormField::Scopes => scope_picker::open(model, None),
            FormField::Save => return save(model),
        },
        FlowKey::Save => return save(model),
        FlowKey::Remove => match form.focus {
            FormField::RedirectUris if form.uri_cursor < form.uris.len() => {
                form.uris.remove(form.uri_cursor);
            }
            FormField::Scopes if form.scope_cursor < form.scopes.len() => {
                form.scopes.remove(form.scope_cursor);
                form.scope_cursor = form.scope_cursor.min(form.scopes.len().saturating_sub(1));
            }
            _ => {}
        },
        _ => {}
    }
    after_change(model);
    Vec::new()
}

fn step(at: usize, down: bool, len: usize) -> usize {
    if down {
        (at + 1).min(len.saturating_sub(1))
    } else {
        at.saturating_sub(1)
    }
}

fn toggle_confidential(form: &mut AppForm) {
    if !form.is_edit() {
        form.confidential = !form.confidential;
    }
}

/// Enter on the URI list: the input line adds, a listed URI comes back into the input to be
/// edited.
fn uri_enter(form: &mut AppForm) {
    if form.uri_cursor < form.uris.len() {
        let uri = form.uris.remove(form.uri_cursor);
        form.uri_input = Input::new(uri);
        form.uri_cursor = form.uris.len();
        return;
    }
    add_pending_uri(form);
}

/// Adds what is in the URI input; false when it is malformed (the reason is shown).
fn add_pending_uri(form: &mut AppForm) -> bool {
    let uri = form.uri_input.value().trim().to_owned();
    if uri.is_empty() {
        return true;
    }
    if let Some(p) = app_rules::uri_problem(&uri) {
        form.uri_error = Some(p);
        return false;
    }
    if !form.uris.contains(&uri) {
        form.uris.push(uri);
    }
    form.uri_input.reset();
    form.uri_error = None;
    form.uri_cursor = form.uris.len();
    true
}

fn after_change(model: &mut Model) {
    let apps = &model.apps;
    if let Some(form) = model.overlays.get_mut::<AppForm>() {
        form.notice = None;
        form.recheck(apps);
        if !form.checked {
            // Errors wait for the first save ("a name is required" while nothing is typed
            // yet helps nobody); warnings, like a name already taken, show as it is typed,
            // since the save that follows does not stop for them.
            form.problems.retain(|p| p.severity != Severity::Error);
        }
    }
}

pub fn text(model: &mut Model, edit: TextEdit) {
    if busy(model) || lost_create::active(model) {
        return;
    }
    let Some(form) = model.overlays.get_mut::<AppForm>() else {
        return;
    };
    if form.confirm_discard {
        form.confirm_discard = false;
        if matches!(edit, TextEdit::Insert('y' | 'Y')) {
            close(model);
        }
        return;
    }
    let req = input_request(edit);
    match form.focus {
        FormField::Name => {
            form.name.handle(req);
        }
        FormField::Confidential => {
            if edit == TextEdit::Insert(' ') {
                toggle_confidential(form);
            }
        }
        FormField::RedirectUris => {
            form.uri_cursor = form.uris.len();
            form.uri_input.handle(req);
            form.uri_error = None;
        }
        // Typing on the scopes starts a search in the picker.
        FormField::Scopes => {
            if let TextEdit::Insert(c) = edit
                && c != ' '
            {
                scope_picker::open(model, Some(c));
            }
        }
        FormField::Save => {}
    }
    after_change(model);
}

pub use crate::tui::msg::input_request;

pub fn back(model: &mut Model) {
    if model.edit.writing() {
        model.push_toast(
            ToastLevel::Info,
            "Waiting for the server's answer; the form closes when it comes",
        );
        return;
    }
    if lost_create::active(model) {
        lost_create::back(model);
        return;
    }
    if busy(model) {
        // Only the fresh read is out: dropping it sends nothing.
        model.edit.pending = None;
        if let Some(form) = model.overlays.get_mut::<AppForm>() {
            form.notice = Some("Stopped before sending; nothing was changed".to_owned());
        }
        return;
    }
    let Some(form) = model.overlays.get_mut::<AppForm>() else {
        return;
    };
    if form.confirm_discard {
        form.confirm_discard = false;
    } else if form.changed() {
        form.confirm_discard = true;
    } else {
        close(model);
    }
}

/// Checks what the server would reject, then creates, or reads the app fresh before an edit.
fn save(model: &mut Model) -> Vec<Effect> {
    let apps = &model.apps;
    let Some(form) = model.overlays.get_mut::<AppForm>() else {
        return Vec::new();
    };
    // A URI typed but not yet added is meant to be part of the app.
    if !add_pending_uri(form) {
        form.focus = FormField::RedirectUris;
        return Vec::new();
    }
    form.checked = true;
    form.recheck(apps);
    form.server_error = None;
    form.notice = None;
    if app_rules::has_errors(&form.problems) {
        if let Some(first) = FormField::ORDER.into_iter().find(|f| {
            f.rule_field()
                .is_some_and(|rf| form.problems_at(rf).any(|p| p.severity == Severity::Error))
        }) {
            form.focus = first;
        }
        return Vec::new();
    }
    let edited = form.request();
    match form.loaded.clone() {
        None => {
            let confidential = form.confidential;
            let req = editing::start(model, RequestKind::AppChange, Waiting::Create);
            vec![Effect::CreateApp {
                req,
                name: edited.name,
                is_confidential: confidential,
                redirect_uri: edited.redirect_uri,
                scopes: edited.scopes,
            }]
        }
        Some(loaded) => {
            if !form.changed() {
                form.notice = Some("Nothing to change: the form is as loaded".to_owned());
                return Vec::new();
            }
            start_fresh_read(model, loaded, edited, Origin::Form)
        }
    }
}

/// Reads the app fresh; the answer becomes the diff to confirm.
pub fn start_fresh_read(
    model: &mut Model,
    loaded: App,
    edited: UpdateAppRequest,
    origin: Origin,
) -> Vec<Effect> {
    let client_id = loaded.id.clone();
    let req = editing::start(
        model,
        RequestKind::AppChange,
        Waiting::Fresh {
            client_id: client_id.clone(),
            loaded: Box::new(loaded),
            edited,
            origin,
        },
    );
    vec![Effect::GetApp { req, client_id }]
}

pub fn created(model: &mut Model, result: Result<App, ApiError>) -> Vec<Effect> {
    match result {
        Ok(mut app) => {
            // The first secret goes to the reveal overlay only, never into the app list.
            let secret: Option<SecretString> = app.secret.take();
            let (name, id) = (app.name.clone(), app.id.clone());
            close(model);
            editing::put_app(model, app);
            model.push_toast(ToastLevel::Info, format!("Created {name:?} ({id})"));
            if let Some(secret) = secret {
                reveal::open(model, &name, &id, secret);
            }
            Vec::new()
        }
        // The request may have reached the server: creating again blindly could make a twin.
        Err(e) if e.outcome_unknown() => lost_create::start(model, &e),
        Err(e) => {
            failed(model, Origin::Form, format!("Creating failed: {e}"));
            Vec::new()
        }
    }
}

/// The fresh read arrived: replay the edit on it and show the diff, or say it changed.
pub fn fresh(
    model: &mut Model,
    client_id: &str,
    loaded: &App,
    edited: UpdateAppRequest,
    origin: Origin,
    result: Result<App, ApiError>,
) {
    let fresh = match result {
        Ok(app) => app,
        Err(e) => {
            let what = if matches!(e, ApiError::NotFound { .. }) {
                format!("The app {client_id} is gone from the server (deleted?); nothing was sent")
            } else {
                format!("Reading the app before saving failed, so nothing was sent: {e}")
            };
            failed(model, origin, what);
            return;
        }
    };
    let loaded_req = UpdateAppRequest::from_app(loaded);
    let fresh_req = UpdateAppRequest::from_app(&fresh);
    let body = app_rules::apply_edits(&loaded_req, &edited, &fresh_req);
    let server_changes = diff::changes(&loaded_req, &fresh_req);
    let changes = diff::changes(&fresh_req, &body);
    if !server_changes.is_empty() {
        // The panes show the server's state from now on, whatever the user decides.
        editing::put_app(model, fresh.clone());
        if let Some(form) = model.overlays.get_mut::<AppForm>() {
            form.rebase(fresh.clone(), &body);
        }
    }
    if changes.is_empty() {
        let text = if server_changes.is_empty() {
            "Nothing to change: the server already has this".to_owned()
        } else {
            "The app changed on the server and already has your edits; nothing to send".to_owned()
        };
        match (origin, model.overlays.get_mut::<AppForm>()) {
            (Origin::Form, Some(form)) => form.notice = Some(text),
            _ => model.push_toast(ToastLevel::Info, text),
        }
        return;
    }
    model.overlays.show(Review {
        client_id: client_id.to_owned(),
        name: fresh.name.clone(),
        base: fresh_req,
        body,
        changes,
        server_changes,
        yes: false,
        origin,
    });
}

pub fn review_key(model: &mut Model, key: FlowKey) -> Vec<Effect> {
    if model.edit.pending.is_some() {
        return Vec::new();
    }
    let Some(review) = model.overlays.get_mut::<Review>() else {
        return Vec::new();
    };
    match key {
        FlowKey::NextField | FlowKey::PrevField => review.yes = !review.yes,
        FlowKey::Yes => return send(model),
        FlowKey::Activate if review.yes => return send(model),
        FlowKey::Activate | FlowKey::No => review_back(model),
        _ => {}
    }
    Vec::new()
}

fn send(model: &mut Model) -> Vec<Effect> {
    let Some(review) = model.overlays.get::<Review>() else {
        return Vec::new();
    };
    let (client_id, base, body, origin) = (
        review.client_id.clone(),
        review.base.clone(),
        review.body.clone(),
        review.origin,
    );
    let req = editing::start(model, RequestKind::AppChange, Waiting::Save { origin });
    vec![Effect::UpdateApp {
        req,
        client_id,
        base,
        body,
    }]
}

pub fn review_back(model: &mut Model) {
    if model.edit.writing() {
        return;
    }
    if let Some(review) = model.overlays.take::<Review>()
        && review.origin == Origin::Json
    {
        model.push_toast(
            ToastLevel::Info,
            "Not sent. E opens your JSON again, as you left it",
        );
    }
    model.overlays.close(OverlayKind::Review);
}

pub fn saved(
    model: &mut Model,
    origin: Origin,
    result: Result<Applied, UpdateError>,
) -> Vec<Effect> {
    match result {
        Ok(applied) if applied.stuck() => {
            let n = model
                .overlays
                .get::<Review>()
                .map_or(0, |r| r.changes.len());
            let name = applied.app.name.clone();
            close(model);
            model.edit.json = None;
            editing::put_app(model, applied.app);
            let what = if n == 1 { "change" } else { "changes" };
            model.push_toast(ToastLevel::Info, format!("Saved {name:?}: {n} {what}"));
            if !applied.unexpected.is_empty() {
                model.push_toast(
                    ToastLevel::Info,
                    format!(
                        "{name:?} also changed on the server meanwhile: {}",
                        list(&applied.unexpected)
                    ),
                );
            }
            Vec::new()
        }
        // Accepted, yet not all on the server: another edit overwrote it. The panes show the
        // server's state; the user's work stays where it was made.
        Ok(applied) => {
            model.overlays.close(OverlayKind::Review);
            let mut text = format!(
                "The server accepted the save, but these changes are not on it: {}",
                list(&applied.missing)
            );
            if !applied.unexpected.is_empty() {
                text.push_str(&format!(
                    "; and these, not yours, are: {}",
                    list(&applied.unexpected)
                ));
            }
            text.push_str(". Another edit at the same time probably overwrote it.");
            editing::put_app(model, applied.app);
            failed(model, origin, text);
            Vec::new()
        }
        Err(e) => {
            model.overlays.close(OverlayKind::Review);
            let (text, reload) = match &e {
                UpdateError::Put(e) if e.outcome() == Outcome::NotDone => {
                    (format!("Saving failed: {e}. Nothing was changed."), false)
                }
                UpdateError::Put(e) => (
                    crate::api::outcome::unknown_reread(
                        "save",
                        e,
                        "It may or may not have been saved",
                    ),
                    true,
                ),
                UpdateError::ReadBack(e) => (
                    format!(
                        "The server accepted the save, but reading the app back failed ({}), so \
                         whether it stuck was not checked. The app list is being read again.",
                        e.lost_detail()
                    ),
                    true,
                ),
            };
            failed(model, origin, text);
            if reload {
                model.request_apps()
            } else {
                Vec::new()
            }
        }
    }
}

fn list(changes: &[Change]) -> String {
    changes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A failure goes back to where the user's work is: beside the form, or kept for `E`.
fn failed(model: &mut Model, origin: Origin, text: String) {
    match (origin, model.overlays.get_mut::<AppForm>()) {
        (Origin::Form, Some(form)) => form.server_error = Some(text),
        _ => {
            if let Some(json) = model.edit.json.as_mut() {
                json.error = Some(text.clone());
            }
            let hint = if origin == Origin::Json {
                " (E opens your JSON again)"
            } else {
                ""
            };
            model.push_toast(ToastLevel::Error, format!("{text}{hint}"));
        }
    }
}
