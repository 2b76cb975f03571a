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
use crate::api::readback::{Applied, UpdateError};
use crate::domain::app_rules::{self, Draft, Field, Problem, Severity};
use crate::domain::diff::{self, Change};
use crate::tui::effect::Effect;
use crate::tui::keymap::{
    Action, Action as A, FlowKey, Group as G, KeyTable, Rest, code, ctrl, k, on,
};
use crate::tui::model::{AppStore, Model, Overlay, OverlayKind, RequestKind, ToastLevel};
use crate::tui::msg::TextEdit;
use crate::tui::overlay::OverlayState;

use super::ctx::{AppChange, Ctx, Outcome, Stack};
use super::editing::{self, EditState, Origin, Waiting};
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

/// The overlays of the create / edit flow: closing the form closes what it opened over itself.
const FLOW: &[OverlayKind] = &[
    OverlayKind::AppForm,
    OverlayKind::ScopePicker,
    OverlayKind::Review,
];

fn close_all(then: Option<Overlay>) -> Outcome {
    Outcome {
        stack: Stack::CloseAll(FLOW, then),
        ..Outcome::keep()
    }
}

/// Whether the form waits for the server; it takes no edits meanwhile, so that what is sent
/// is what is on screen.
fn busy(edit: &EditState) -> bool {
    edit.pending.is_some()
}

/// Keys of the form: its flow keys, its text, Esc.
pub fn key(form: &mut AppForm, action: Action, edit: &mut EditState, ctx: &mut Ctx) -> Outcome {
    match action {
        Action::Flow(key) => flow_key(form, key, edit, ctx),
        Action::Edit(typed) => text(form, typed, edit, ctx),
        Action::Back => back(form, edit, ctx),
        _ => Outcome::keep(),
    }
}

fn flow_key(form: &mut AppForm, key: FlowKey, edit: &mut EditState, ctx: &mut Ctx) -> Outcome {
    if busy(edit) {
        return Outcome::keep();
    }
    if form.lost.is_some() {
        return lost_create::key(form, key);
    }
    if form.confirm_discard {
        // Any key but `y` keeps the form: discarding is never the default.
        form.confirm_discard = false;
        return Outcome::keep();
    }
    let mut outcome = Outcome::keep();
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
            FormField::Scopes => {
                outcome = Outcome::push(scope_picker::open(form, None, edit.catalog.as_ref()))
            }
            FormField::Save => return save(form, edit, ctx),
        },
        FlowKey::Save => return save(form, edit, ctx),
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
    after_change(form, ctx.apps);
    outcome
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

fn after_change(form: &mut AppForm, apps: &AppStore) {
    form.notice = None;
    form.recheck(apps);
    if !form.checked {
        // Errors wait for the first save ("a name is required" while nothing is typed
        // yet helps nobody); warnings, like a name already taken, show as it is typed,
        // since the save that follows does not stop for them.
        form.problems.retain(|p| p.severity != Severity::Error);
    }
}

fn text(form: &mut AppForm, edit: TextEdit, state: &EditState, ctx: &mut Ctx) -> Outcome {
    if busy(state) || form.lost.is_some() {
        return Outcome::keep();
    }
    if form.confirm_discard {
        form.confirm_discard = false;
        if matches!(edit, TextEdit::Insert('y' | 'Y')) {
            return close_all(None);
        }
        return Outcome::keep();
    }
    let mut outcome = Outcome::keep();
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
                outcome = Outcome::push(scope_picker::open(form, Some(c), state.catalog.as_ref()));
            }
        }
        FormField::Save => {}
    }
    after_change(form, ctx.apps);
    outcome
}

pub use crate::tui::msg::input_request;

fn back(form: &mut AppForm, edit: &mut EditState, ctx: &mut Ctx) -> Outcome {
    if edit.writing() {
        ctx.push_toast(
            ToastLevel::Info,
            "Waiting for the server's answer; the form closes when it comes",
        );
        return Outcome::keep();
    }
    if form.lost.is_some() {
        return lost_create::back(form);
    }
    if busy(edit) {
        // Only the fresh read is out: dropping it sends nothing.
        edit.pending = None;
        form.notice = Some("Stopped before sending; nothing was changed".to_owned());
        return Outcome::keep();
    }
    if form.confirm_discard {
        form.confirm_discard = false;
    } else if form.changed() {
        form.confirm_discard = true;
    } else {
        return close_all(None);
    }
    Outcome::keep()
}

/// Checks what the server would reject, then creates, or reads the app fresh before an edit.
fn save(form: &mut AppForm, edit: &mut EditState, ctx: &mut Ctx) -> Outcome {
    // A URI typed but not yet added is meant to be part of the app.
    if !add_pending_uri(form) {
        form.focus = FormField::RedirectUris;
        return Outcome::keep();
    }
    form.checked = true;
    form.recheck(ctx.apps);
    form.server_error = None;
    form.notice = None;
    if app_rules::has_errors(&form.problems) {
        if let Some(first) = FormField::ORDER.into_iter().find(|f| {
            f.rule_field()
                .is_some_and(|rf| form.problems_at(rf).any(|p| p.severity == Severity::Error))
        }) {
            form.focus = first;
        }
        return Outcome::keep();
    }
    let edited = form.request();
    match form.loaded.clone() {
        None => {
            let confidential = form.confidential;
            let req = editing::begin(edit, ctx, RequestKind::AppChange, Waiting::Create);
            Outcome::effects(vec![Effect::CreateApp {
                req,
                name: edited.name,
                is_confidential: confidential,
                redirect_uri: edited.redirect_uri,
                scopes: edited.scopes,
            }])
        }
        Some(loaded) => {
            if !form.changed() {
                form.notice = Some("Nothing to change: the form is as loaded".to_owned());
                return Outcome::keep();
            }
            Outcome::effects(start_fresh_read(edit, ctx, loaded, edited, Origin::Form))
        }
    }
}

/// Reads the app fresh; the answer becomes the diff to confirm.
pub fn start_fresh_read(
    edit: &mut EditState,
    ctx: &mut Ctx,
    loaded: App,
    edited: UpdateAppRequest,
    origin: Origin,
) -> Vec<Effect> {
    let client_id = loaded.id.clone();
    let req = editing::begin(
        edit,
        ctx,
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

/// The create's answer (`form`: the form that sent it, unless it closed).
pub fn created(
    form: Option<&mut AppForm>,
    edit: &mut EditState,
    result: Result<App, ApiError>,
    ctx: &mut Ctx,
) -> Outcome {
    match result {
        Ok(mut app) => {
            // The first secret goes to the reveal overlay only, never into the app list.
            let secret: Option<SecretString> = app.secret.take();
            let (name, id) = (app.name.clone(), app.id.clone());
            ctx.push_toast(ToastLevel::Info, format!("Created {name:?} ({id})"));
            let reveal =
                secret.map(|secret| reveal::Reveal::new(&name, &id, secret).into_overlay());
            Outcome {
                app: Some(AppChange::Put(Box::new(app))),
                ..close_all(reveal)
            }
        }
        // The request may have reached the server: creating again blindly could make a twin.
        Err(e) if e.outcome_unknown() => lost_create::start(form, &e, ctx),
        Err(e) => {
            failed(
                form,
                edit,
                Origin::Form,
                format!("Creating failed: {e}"),
                ctx,
            );
            Outcome::keep()
        }
    }
}

/// What a fresh read before a save waited on: the edit to replay on it.
pub struct FreshRead<'a> {
    pub client_id: &'a str,
    pub loaded: &'a App,
    pub edited: UpdateAppRequest,
    pub origin: Origin,
}

/// The fresh read arrived: replay the edit on it and show the diff, or say it changed.
pub fn fresh(
    mut form: Option<&mut AppForm>,
    edit: &mut EditState,
    read: FreshRead,
    result: Result<App, ApiError>,
    ctx: &mut Ctx,
) -> Outcome {
    let FreshRead {
        client_id,
        loaded,
        edited,
        origin,
    } = read;
    let fresh = match result {
        Ok(app) => app,
        Err(e) => {
            let what = if matches!(e, ApiError::NotFound { .. }) {
                format!("The app {client_id} is gone from the server (deleted?); nothing was sent")
            } else {
                format!("Reading the app before saving failed, so nothing was sent: {e}")
            };
            failed(form, edit, origin, what, ctx);
            return Outcome::keep();
        }
    };
    let loaded_req = UpdateAppRequest::from_app(loaded);
    let fresh_req = UpdateAppRequest::from_app(&fresh);
    let body = app_rules::apply_edits(&loaded_req, &edited, &fresh_req);
    let server_changes = diff::changes(&loaded_req, &fresh_req);
    let changes = diff::changes(&fresh_req, &body);
    let mut outcome = Outcome::keep();
    if !server_changes.is_empty() {
        // The panes show the server's state from now on, whatever the user decides.
        outcome.app = Some(AppChange::Put(Box::new(fresh.clone())));
        if let Some(form) = form.as_deref_mut() {
            form.rebase(fresh.clone(), &body);
        }
    }
    if changes.is_empty() {
        let text = if server_changes.is_empty() {
            "Nothing to change: the server already has this".to_owned()
        } else {
            "The app changed on the server and already has your edits; nothing to send".to_owned()
        };
        match (origin, form) {
            (Origin::Form, Some(form)) => form.notice = Some(text),
            _ => ctx.push_toast(ToastLevel::Info, text),
        }
        return outcome;
    }
    outcome.stack = Stack::Push(
        Review {
            client_id: client_id.to_owned(),
            name: fresh.name.clone(),
            base: fresh_req,
            body,
            changes,
            server_changes,
            yes: false,
            origin,
        }
        .into_overlay(),
    );
    outcome
}

/// Keys of the review: the two buttons, Esc.
pub fn review_key(
    review: &mut Review,
    action: Action,
    edit: &mut EditState,
    ctx: &mut Ctx,
) -> Outcome {
    match action {
        Action::Flow(key) => {
            if edit.pending.is_some() {
                return Outcome::keep();
            }
            match key {
                FlowKey::NextField | FlowKey::PrevField => review.yes = !review.yes,
                FlowKey::Yes => return send(review, edit, ctx),
                FlowKey::Activate if review.yes => return send(review, edit, ctx),
                FlowKey::Activate | FlowKey::No => return review_back(review, edit, ctx),
                _ => {}
            }
            Outcome::keep()
        }
        Action::Back => review_back(review, edit, ctx),
        _ => Outcome::keep(),
    }
}

fn send(review: &Review, edit: &mut EditState, ctx: &mut Ctx) -> Outcome {
    let (client_id, base, body, origin) = (
        review.client_id.clone(),
        review.base.clone(),
        review.body.clone(),
        review.origin,
    );
    let req = editing::begin(edit, ctx, RequestKind::AppChange, Waiting::Save { origin });
    Outcome::effects(vec![Effect::UpdateApp {
        req,
        client_id,
        base,
        body,
    }])
}

fn review_back(review: &Review, edit: &EditState, ctx: &mut Ctx) -> Outcome {
    if edit.writing() {
        return Outcome::keep();
    }
    if review.origin == Origin::Json {
        ctx.push_toast(
            ToastLevel::Info,
            "Not sent. E opens your JSON again, as you left it",
        );
    }
    Outcome::close()
}

/// The save's answer (`form`, `review`: those still open).
pub fn saved(
    form: Option<&mut AppForm>,
    review: Option<&mut Review>,
    edit: &mut EditState,
    origin: Origin,
    result: Result<Applied, UpdateError>,
    ctx: &mut Ctx,
) -> Outcome {
    const REVIEW: &[OverlayKind] = &[OverlayKind::Review];
    match result {
        Ok(applied) if applied.stuck() => {
            let n = review.map_or(0, |r| r.changes.len());
            let name = applied.app.name.clone();
            edit.json = None;
            let what = if n == 1 { "change" } else { "changes" };
            ctx.push_toast(ToastLevel::Info, format!("Saved {name:?}: {n} {what}"));
            if !applied.unexpected.is_empty() {
                ctx.push_toast(
                    ToastLevel::Info,
                    format!(
                        "{name:?} also changed on the server meanwhile: {}",
                        list(&applied.unexpected)
                    ),
                );
            }
            Outcome {
                app: Some(AppChange::Put(Box::new(applied.app))),
                ..close_all(None)
            }
        }
        // Accepted, yet not all on the server: another edit overwrote it. The panes show the
        // server's state; the user's work stays where it was made.
        Ok(applied) => {
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
            failed(form, edit, origin, text, ctx);
            Outcome {
                stack: Stack::CloseAll(REVIEW, None),
                app: Some(AppChange::Put(Box::new(applied.app))),
                ..Outcome::keep()
            }
        }
        Err(e) => {
            let (text, reload) = match &e {
                UpdateError::Put(e) if e.outcome() == crate::api::outcome::Outcome::NotDone => {
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
            failed(form, edit, origin, text, ctx);
            Outcome {
                stack: Stack::CloseAll(REVIEW, None),
                refresh: reload,
                ..Outcome::keep()
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
fn failed(
    form: Option<&mut AppForm>,
    edit: &mut EditState,
    origin: Origin,
    text: String,
    ctx: &mut Ctx,
) {
    match (origin, form) {
        (Origin::Form, Some(form)) => form.server_error = Some(text),
        _ => {
            if let Some(json) = edit.json.as_mut() {
                json.error = Some(text.clone());
            }
            let hint = if origin == Origin::Json {
                " (E opens your JSON again)"
            } else {
                ""
            };
            ctx.push_toast(ToastLevel::Error, format!("{text}{hint}"));
        }
    }
}
