//! The state of the TUI. Apps are held once, keyed by client id; what the panes show are views
//! over that map, and the selection is an app id so that refreshes and filters never move the
//! cursor to another app.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use tui_input::Input;

use crate::api::model::{App, Secret};

use super::TuiOptions;
use super::effect::RequestId;
use super::msg::TokenInfo;

/// How long an info toast stays on screen.
pub const INFO_TOAST_LIFETIME: SignedDuration = SignedDuration::from_secs(4);
/// The smallest auto-refresh interval: the server allows 300 GETs per 5 minutes per org.
pub const MIN_AUTO_REFRESH: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Apps,
    Scopes,
    Secrets,
}

impl Pane {
    pub fn next(self) -> Pane {
        match self {
            Pane::Apps => Pane::Scopes,
            Pane::Scopes => Pane::Secrets,
            Pane::Secrets => Pane::Apps,
        }
    }

    pub fn prev(self) -> Pane {
        self.next().next()
    }
}

/// What the keyboard is talking to: the top overlay, or the panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    Command,
    Help,
    Expiring,
    Details,
    /// The new-secret form (also the first step of the rotation wizard): text fields.
    SecretForm,
    /// A one-time secret on screen: `v` shows it, `y` copies it.
    SecretReveal,
    /// A step of a secret flow that only moves on (Enter), retries (r) or leaves (Esc).
    SecretWizard,
    /// Choosing the old secrets to delete at the end of a rotation.
    SecretPick,
    /// A yes/no question before deleting secrets; default No.
    SecretConfirm,
    /// A typed confirmation: the app's name, before deleting its last working secret.
    SecretTyped,
    /// The create / edit app form.
    Form,
    Picker,
    /// The diff of an edit, before it is sent.
    Review,
    DeleteApp,
    /// The token inspector: scroll, paste another token, close.
    Token,
    /// The one-line field a token is pasted into.
    TokenPaste,
    /// "Test a token for an app": the secret and scope fields.
    TokenTest,
    /// The profile picker.
    Profiles,
}

impl Mode {
    /// Modes with a text field: printable keys are text there.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Mode::Filter
                | Mode::Command
                | Mode::SecretForm
                | Mode::SecretTyped
                | Mode::Form
                | Mode::Picker
                | Mode::DeleteApp
                | Mode::TokenPaste
                | Mode::TokenTest
        )
    }
}

/// Things drawn over the panes. Esc pops the top one. Later issues add forms, confirmations,
/// the one-time secret reveal and the token inspector here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help,
    Filter,
    Command,
    Expiring,
    Details,
    /// States of these live in `Model::secret_flows`.
    SecretNew,
    Reveal,
    Rotate,
    DeleteSecret,
    AppForm,
    ScopePicker,
    Review,
    DeleteApp,
    /// States of these live in `Model::token_flows`.
    Token,
    TokenPaste,
    TokenTest,
    /// State in `Model::profiles`.
    Profiles,
}

impl Overlay {
    pub fn mode(&self) -> Mode {
        match self {
            Overlay::Help => Mode::Help,
            Overlay::Filter => Mode::Filter,
            Overlay::Command => Mode::Command,
            Overlay::Expiring => Mode::Expiring,
            Overlay::Details => Mode::Details,
            Overlay::SecretNew => Mode::SecretForm,
            Overlay::Reveal => Mode::SecretReveal,
            Overlay::Rotate => Mode::SecretWizard,
            Overlay::DeleteSecret => Mode::SecretConfirm,
            Overlay::AppForm => Mode::Form,
            Overlay::ScopePicker => Mode::Picker,
            Overlay::Review => Mode::Review,
            Overlay::DeleteApp => Mode::DeleteApp,
            Overlay::Token => Mode::Token,
            Overlay::TokenPaste => Mode::TokenPaste,
            Overlay::TokenTest => Mode::TokenTest,
            Overlay::Profiles => Mode::Profiles,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Expiry,
    Scopes,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Name => SortKey::Expiry,
            SortKey::Expiry => SortKey::Scopes,
            SortKey::Scopes => SortKey::Name,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Expiry => "nearest expiry",
            SortKey::Scopes => "scope count",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastLevel {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub level: ToastLevel,
    pub text: String,
    pub born: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    Apps,
    Token,
    Secret,
    Catalog,
    /// A read or write of one app by an editing flow.
    AppChange,
    /// `$EDITOR` running on the app's JSON.
    Editor,
    /// A client-credentials token asked for with a secret the user gave.
    TokenTest,
    /// Reading the config files for the profile picker.
    Profiles,
}

/// A cursor in a list, with the scroll offset the view last used. The offset is a render
/// cache (like ratatui's `TableState`): the view keeps the cursor on screen and records the
/// page height so that PgUp/PgDn move by what the user actually sees.
#[derive(Debug, Default)]
pub struct ListCursor {
    pub index: usize,
    pub offset: Cell<usize>,
    pub page: Cell<usize>,
}

impl ListCursor {
    pub fn page_size(&self) -> usize {
        self.page.get().max(1)
    }

    pub fn reset(&mut self) {
        self.index = 0;
        self.offset.set(0);
    }

    /// Moves by `delta` rows within `len`.
    pub fn step(&mut self, delta: isize, len: usize) {
        if len == 0 {
            self.index = 0;
            return;
        }
        let target = self.index as isize + delta;
        self.index = target.clamp(0, len as isize - 1) as usize;
    }

    pub fn clamp(&mut self, len: usize) {
        self.index = self.index.min(len.saturating_sub(1));
    }

    /// The rows to draw in a window of `height` rows, keeping the cursor inside it. Only this
    /// range is ever built, so drawing costs the same for 10 apps or 10,000.
    pub fn window(&self, len: usize, height: usize) -> Range<usize> {
        self.page.set(height);
        if height == 0 || len == 0 {
            return 0..0;
        }
        let mut offset = self.offset.get();
        if self.index < offset {
            offset = self.index;
        } else if self.index >= offset + height {
            offset = self.index + 1 - height;
        }
        offset = offset.min(len.saturating_sub(height));
        self.offset.set(offset);
        offset..(offset + height).min(len)
    }
}

/// The command line: its text, history and the last completion hint.
#[derive(Debug, Default)]
pub struct CommandLine {
    pub input: Input,
    pub history: Vec<String>,
    /// Position in `history` while browsing it with ↑/↓.
    pub browsing: Option<usize>,
    /// What was typed before browsing started, restored when browsing past the newest entry.
    pub draft: String,
    pub hint: Option<String>,
}

/// One row of the organization-wide expiry view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiringRow {
    pub app_id: String,
    pub secret_id: i64,
    pub expiry: Option<Timestamp>,
}

/// One row of the scope tree of the selected app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeRow {
    Resource { index: usize, folded: bool },
    Scope { resource: usize, index: usize },
}

#[derive(Debug)]
pub struct Model {
    pub opts: TuiOptions,
    /// Where dates and clock times are shown; UTC unless the event loop sets the local zone.
    pub tz: TimeZone,
    pub now: Timestamp,
    pub size: (u16, u16),

    pub apps: HashMap<String, App>,
    /// The app list as shown: filtered and sorted client ids.
    pub view: Vec<String>,
    pub selected: Option<String>,
    pub list: ListCursor,
    pub sort: SortKey,
    pub filter: Input,
    pub focus: Pane,
    pub overlays: Vec<Overlay>,

    /// Folded resources, by resource name: folding `UiPath.Orchestrator` folds it in every app.
    pub folded: HashSet<String>,
    pub scopes: ListCursor,
    pub secrets: ListCursor,
    pub expiring: ListCursor,
    pub help: ListCursor,
    pub expiring_rows: Vec<ExpiringRow>,
    pub command: CommandLine,
    pub secret_flows: super::flows::secrets::SecretFlows,

    pub toasts: Vec<Toast>,
    pub in_flight: BTreeMap<RequestId, RequestKind>,
    pub awaiting_apps: Option<RequestId>,
    pub awaiting_token: Option<RequestId>,
    pub next_request: u64,
    /// False until the first list answer arrived (successfully or not).
    pub loaded: bool,
    pub last_refresh: Option<Timestamp>,
    pub token: Option<TokenInfo>,
    pub token_expires: Option<Timestamp>,
    /// The session token's scopes once known; the permission gate refuses editing keys the
    /// token cannot do. `None`: not known yet, and nothing is refused.
    pub session_scopes: Option<Vec<String>>,
    /// The token inspector, the paste field and the token test.
    pub token_flows: crate::tui::flows::token::TokenFlows,
    /// The profile picker, while open.
    pub profiles: Option<crate::tui::flows::profile::ProfilePicker>,
    /// The create, edit and delete flows and the scope catalog they share.
    pub edit: crate::tui::flows::editing::EditState,
    /// Ticks counted while a request runs: the spinner frame, deterministic in tests.
    pub spinner: u64,
    /// Set by `update` when the screen must be drawn again.
    pub dirty: bool,
}

impl Model {
    pub fn new(mut opts: TuiOptions, now: Timestamp) -> Self {
        opts.auto_refresh = opts.auto_refresh.map(|d| d.max(MIN_AUTO_REFRESH));
        Model {
            opts,
            tz: TimeZone::UTC,
            now,
            size: (0, 0),
            apps: HashMap::new(),
            view: Vec::new(),
            selected: None,
            list: ListCursor::default(),
            sort: SortKey::Name,
            filter: Input::default(),
            focus: Pane::Apps,
            overlays: Vec::new(),
            folded: HashSet::new(),
            scopes: ListCursor::default(),
            secrets: ListCursor::default(),
            expiring: ListCursor::default(),
            help: ListCursor::default(),
            expiring_rows: Vec::new(),
            command: CommandLine::default(),
            secret_flows: Default::default(),
            toasts: Vec::new(),
            in_flight: BTreeMap::new(),
            awaiting_apps: None,
            awaiting_token: None,
            next_request: 1,
            loaded: false,
            last_refresh: None,
            token: None,
            token_expires: None,
            session_scopes: None,
            token_flows: Default::default(),
            profiles: None,
            edit: Default::default(),
            spinner: 0,
            dirty: true,
        }
    }

    pub fn mode(&self) -> Mode {
        // A flow's step can change which keys it takes, so its state refines the mode.
        self.overlays.last().map_or(Mode::Normal, |o| {
            super::flows::secrets::refine_mode(self, o.mode())
        })
    }

    pub fn selected_app(&self) -> Option<&App> {
        self.selected.as_ref().and_then(|id| self.apps.get(id))
    }

    pub fn filter_text(&self) -> &str {
        self.filter.value()
    }

    pub fn is_busy(&self) -> bool {
        !self.in_flight.is_empty()
    }

    /// Whether the event loop should send a tick every second: something on screen moves, or
    /// an auto-refresh is due.
    pub fn wants_tick(&self) -> bool {
        self.is_busy()
            || self.toasts.iter().any(|t| t.level == ToastLevel::Info)
            || self.token_expires.is_some()
            || self.opts.auto_refresh.is_some()
    }

    /// Replaces every app with a fresh list, keeping the selection by id.
    pub fn set_apps(&mut self, apps: Vec<App>) {
        self.apps = apps.into_iter().map(|a| (a.id.clone(), a)).collect();
        self.rebuild_expiring();
        self.rebuild_view();
    }

    /// Recomputes the app list view (filter, then sort) and puts the cursor back on the
    /// selected app; when that app is gone, on the row where it was.
    pub fn rebuild_view(&mut self) {
        let needle = self.filter.value().trim().to_lowercase();
        let mut ids: Vec<&App> = self
            .apps
            .values()
            .filter(|a| needle.is_empty() || matches_filter(a, &needle))
            .collect();
        let now = self.now;
        match self.sort {
            SortKey::Name => ids.sort_by(|a, b| name_order(a, b)),
            SortKey::Expiry => ids.sort_by(|a, b| {
                expiry_rank(a, now)
                    .cmp(&expiry_rank(b, now))
                    .then_with(|| name_order(a, b))
            }),
            SortKey::Scopes => ids.sort_by(|a, b| {
                b.scope_count()
                    .cmp(&a.scope_count())
                    .then_with(|| name_order(a, b))
            }),
        }
        self.view = ids.into_iter().map(|a| a.id.clone()).collect();
        let before = self.selected.clone();
        match self
            .selected
            .as_ref()
            .and_then(|id| self.view.iter().position(|v| v == id))
        {
            Some(i) => self.list.index = i,
            None if self.view.is_empty() => {
                self.list.index = 0;
                self.selected = None;
            }
            None => {
                self.list.clamp(self.view.len());
                self.selected = Some(self.view[self.list.index].clone());
            }
        }
        if self.selected != before {
            self.scopes.reset();
            self.secrets.reset();
        }
    }

    /// Selects the app at `index` of the view.
    pub fn select_row(&mut self, index: usize) {
        if self.view.is_empty() {
            return;
        }
        let index = index.min(self.view.len() - 1);
        self.list.index = index;
        let id = &self.view[index];
        if self.selected.as_ref() != Some(id) {
            self.selected = Some(id.clone());
            self.scopes.reset();
            self.secrets.reset();
        }
    }

    fn rebuild_expiring(&mut self) {
        let mut rows: Vec<ExpiringRow> = self
            .apps
            .values()
            .flat_map(|a| {
                a.secrets.iter().map(|s| ExpiringRow {
                    app_id: a.id.clone(),
                    secret_id: s.id,
                    expiry: s.expiry_time,
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            expiry_key(a.expiry)
                .cmp(&expiry_key(b.expiry))
                .then_with(|| {
                    let name =
                        |r: &ExpiringRow| self.apps.get(&r.app_id).map(|a| a.name.to_lowercase());
                    name(a).cmp(&name(b))
                })
                .then(a.secret_id.cmp(&b.secret_id))
        });
        self.expiring_rows = rows;
        self.expiring.clamp(self.expiring_rows.len());
    }

    /// The rows of the selected app's scope tree.
    pub fn tree_rows(&self) -> Vec<TreeRow> {
        let Some(app) = self.selected_app() else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        for (ri, res) in app.resources.iter().enumerate() {
            let folded = self.folded.contains(&res.name);
            rows.push(TreeRow::Resource { index: ri, folded });
            if !folded {
                rows.extend((0..res.scopes.len()).map(|si| TreeRow::Scope {
                    resource: ri,
                    index: si,
                }));
            }
        }
        rows
    }

    pub fn push_toast(&mut self, level: ToastLevel, text: impl Into<String>) {
        self.toasts.push(Toast {
            level,
            text: text.into(),
            born: self.now,
        });
    }

    /// The toast the status line shows: the newest error, else the newest info.
    pub fn current_toast(&self) -> Option<&Toast> {
        self.toasts
            .iter()
            .rev()
            .find(|t| t.level == ToastLevel::Error)
            .or_else(|| self.toasts.last())
    }

    pub fn error_count(&self) -> usize {
        self.toasts
            .iter()
            .filter(|t| t.level == ToastLevel::Error)
            .count()
    }

    pub fn new_request(&mut self, kind: RequestKind) -> RequestId {
        let req = RequestId(self.next_request);
        self.next_request += 1;
        self.in_flight.insert(req, kind);
        req
    }
}

/// The secrets of an app in expiry order: expired first, never-expiring last.
pub fn secrets_by_expiry(app: &App) -> Vec<&Secret> {
    let mut secrets: Vec<&Secret> = app.secrets.iter().collect();
    secrets.sort_by_key(|s| (expiry_key(s.expiry_time), s.id));
    secrets
}

/// Sorts expiries ascending with "never" after every date.
pub fn expiry_key(t: Option<Timestamp>) -> (bool, Option<Timestamp>) {
    (t.is_none(), t)
}

/// Apps by nearest expiry: expiring secrets first (soonest first), then secrets that never
/// expire, then apps without secrets.
fn expiry_rank(app: &App, _now: Timestamp) -> (u8, Option<Timestamp>) {
    match (app.secrets.is_empty(), app.nearest_expiry()) {
        (true, _) => (2, None),
        (false, Some(t)) => (0, Some(t)),
        (false, None) => (1, None),
    }
}

fn name_order(a: &App, b: &App) -> std::cmp::Ordering {
    a.name
        .to_lowercase()
        .cmp(&b.name.to_lowercase())
        .then_with(|| a.id.cmp(&b.id))
}

/// Case-insensitive match on the name, client id, a scope name or a redirect URI.
/// `needle` is already lower case.
pub fn matches_filter(app: &App, needle: &str) -> bool {
    let has = |s: &str| s.to_lowercase().contains(needle);
    has(&app.name)
        || has(&app.id)
        || app.redirect_uri.as_deref().is_some_and(has)
        || app
            .resources
            .iter()
            .flat_map(|r| r.scopes.iter())
            .any(|s| has(&s.name))
}
