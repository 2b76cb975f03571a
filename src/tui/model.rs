//! The state of the TUI. Apps are held once, keyed by client id; what the panes show are views
//! over that map, and the selection is an app id so that refreshes and filters never move the
//! cursor to another app.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use tui_input::Input;

use crate::api::model::{App, Secret};
use crate::domain::app_filter::{AppFilter, Search, Verdict};
use crate::domain::secret_state::{self, SecretState};

use super::TuiOptions;
use super::effect::RequestId;
use super::msg::TokenInfo;

/// Below this the three panes cannot be drawn usefully; a plain message is shown instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Whether a terminal of this size gets the "Terminal too small" screen instead of the panes.
/// `update` asks the same question, so that no key acts on what that screen hides.
pub fn too_small(width: u16, height: u16) -> bool {
    width < MIN_WIDTH || height < MIN_HEIGHT
}

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

pub use super::overlay::{Overlay, OverlayKind, Overlays};
pub use super::store::{AppStore, matches_filter};

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

    /// Whether the unreversed sort runs from small to large: names A to Z and the soonest
    /// expiry first, but the most scopes first.
    pub fn ascending(self) -> bool {
        !matches!(self, SortKey::Scopes)
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
    /// Putting text on the clipboard.
    Copy,
    Catalog,
    /// A read or write of one app by an editing flow.
    AppChange,
    /// `$EDITOR` running on the app's JSON.
    Editor,
    /// A client-credentials token asked for with a secret the user gave.
    TokenTest,
    /// Reading the config files for the profile picker.
    Profiles,
    /// Resolving a profile and building its client.
    SwitchProfile,
    /// A user login (`:login`): runs until the browser comes back or Esc.
    Login,
    /// One app's scopes and secrets, which a summary list does not carry.
    Details,
    /// The details cache of an earlier run, read at start.
    DetailCache,
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

/// How the expiry view sorts: "never" after every date, then the app's name rank, then the
/// secret id.
type ExpiringOrder = (bool, bool, Option<Timestamp>, u32, i64);

/// A list request that failed: what went wrong (sanitised, one line, short) and when. With no
/// list ever loaded, the app pane shows it instead of "no apps"; with a list on screen, the
/// list stays and the status line says the refresh failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListError {
    pub text: String,
    pub at: Timestamp,
}

/// An error message cut to what a pane can show: its first line, at most this many cells.
pub const LIST_ERROR_WIDTH: usize = 200;

/// One row of the organization-wide expiry view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiringRow {
    pub app_id: Arc<str>,
    pub secret_id: i64,
    pub expiry: Option<Timestamp>,
    /// False for the one row of an app whose secrets are not loaded yet (`secret_id` 0): it
    /// says so rather than leaving the app out, after every known secret.
    pub known: bool,
}

/// Where a row of the expiry view finds its text for the view's filter: its app's slot (for
/// the lower-cased name) and its secret's lower-cased description in `expiring_text`.
#[derive(Debug, Clone, Copy)]
struct RowKey {
    slot: u32,
    desc: (u32, u32),
}

/// What the last filter of the app list found besides its matches, for the filter line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterOutcome {
    /// Apps that nothing known rules out but whose scopes or secrets, which the filter asks
    /// about, are not loaded yet: they are not in the list, and the filter line says so.
    pub not_loaded: usize,
    /// Qualifiers that could not be read, and what became of them.
    pub problems: Vec<String>,
    /// The filter's verdicts change as secrets expire.
    pub uses_time: bool,
    /// The time the verdicts were taken at.
    pub at: Timestamp,
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

    pub apps: AppStore,
    /// The app list as shown: filtered and sorted client ids, shared with the store so that
    /// a filter keystroke copies no text.
    pub view: Vec<Arc<str>>,
    /// Slots of `apps` in `sort` order, for the apps generation and sort key it was made for:
    /// a filter keystroke reuses it instead of sorting again.
    order: Vec<u32>,
    order_for: Option<(u64, SortKey)>,
    /// The expiry sort holds until the nearest valid secret of some app expires: that app's
    /// state changes then, and so may its place.
    order_until: Option<Timestamp>,
    pub selected: Option<String>,
    pub list: ListCursor,
    pub sort: SortKey,
    /// `O`: the current sort turned around. Apps whose details are not known stay last.
    pub sort_reversed: bool,
    pub filter: Input,
    /// What the filter in `filter` found besides the apps in `view`.
    pub filter_outcome: FilterOutcome,
    pub focus: Pane,
    /// What is drawn over the panes; each overlay carries its flow's state.
    pub overlays: Overlays,

    /// Folded resources by app (client id), then resource name: a fold belongs to the tree
    /// it was made in.
    pub folded: HashMap<String, HashSet<String>>,
    pub scopes: ListCursor,
    pub secrets: ListCursor,
    pub expiring: ListCursor,
    /// The help's scroll: `index` is its top line.
    pub help: ListCursor,
    /// The last top line of the help as last drawn (its height less a page), so that `G`
    /// stops at the last page; `None` before the help was drawn.
    pub help_end: Cell<Option<usize>>,
    pub expiring_rows: Vec<ExpiringRow>,
    /// Until when each confidential app keeps a valid secret (`secret_state::valid_until`),
    /// sorted: the expiry view counts the apps without one at any moment by a binary search.
    pub valid_until: Vec<Timestamp>,
    /// The apps generation `expiring_rows` were made for.
    expiring_for: Option<u64>,
    /// The expiry view's filter: text that must be in the app's name or the secret's
    /// description.
    pub expiring_filter: Input,
    /// The rows the expiry view's filter lets through (positions in `expiring_rows`); `None`:
    /// no filter, every row.
    expiring_shown: Option<Vec<u32>>,
    /// Apps not loaded whose names do not match: their secrets' descriptions cannot be searched.
    pub expiring_not_loaded: usize,
    /// Beside each of `expiring_rows`: where its filter text is.
    expiring_keys: Vec<RowKey>,
    /// The secrets' descriptions, lower-cased once per rebuild of the rows.
    expiring_text: Vec<u8>,
    pub command: CommandLine,

    pub toasts: Vec<Toast>,
    /// The last toasts, oldest first, whole: what `:messages` lists after the status line
    /// has cut or dropped them.
    pub messages: std::collections::VecDeque<Toast>,
    /// Every request asked and not yet answered (see `requests::Requests`).
    pub requests: super::requests::Requests,
    pub awaiting_apps: Option<RequestId>,
    pub awaiting_token: Option<RequestId>,
    /// False until the first list answer arrived (successfully or not).
    pub loaded: bool,
    /// When the list on screen was loaded; `None` while no list ever arrived.
    pub last_refresh: Option<Timestamp>,
    /// The last list request failed (cleared by the next list that arrives).
    pub list_error: Option<ListError>,
    /// When the last list answer arrived, either way: auto-refresh counts from it.
    pub last_list_answer: Option<Timestamp>,
    /// The list request an auto-refresh sent: it runs quietly (no spinner, no redraw when
    /// the list did not change).
    pub background_refresh: Option<RequestId>,
    pub token: Option<TokenInfo>,
    pub token_expires: Option<Timestamp>,
    /// The session token's scopes once known; the permission gate refuses editing keys the
    /// token cannot do. `None`: not known yet, and nothing is refused.
    pub session_scopes: Option<Vec<String>>,
    /// The profile switch waited for; any other `ProfileSwitched` answer is stale.
    pub switching: Option<RequestId>,
    /// What the create, edit, JSON-edit and delete flows share beyond their overlays: the
    /// scope catalog, the one request they wait for, a JSON draft kept for `E`.
    pub edit: crate::tui::flows::editing::EditState,
    /// Loading the scopes and secrets a summary list does not carry.
    pub details: super::details::DetailState,
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
            apps: AppStore::default(),
            view: Vec::new(),
            order: Vec::new(),
            order_for: None,
            order_until: None,
            selected: None,
            list: ListCursor::default(),
            sort: SortKey::Name,
            sort_reversed: false,
            filter: Input::default(),
            filter_outcome: FilterOutcome::default(),
            focus: Pane::Apps,
            overlays: Overlays::default(),
            folded: HashMap::new(),
            scopes: ListCursor::default(),
            secrets: ListCursor::default(),
            expiring: ListCursor::default(),
            help: ListCursor::default(),
            help_end: Cell::new(None),
            expiring_rows: Vec::new(),
            valid_until: Vec::new(),
            expiring_for: None,
            expiring_filter: Input::default(),
            expiring_shown: None,
            expiring_not_loaded: 0,
            expiring_keys: Vec::new(),
            expiring_text: Vec::new(),
            command: CommandLine::default(),
            toasts: Vec::new(),
            messages: std::collections::VecDeque::new(),
            requests: Default::default(),
            awaiting_apps: None,
            awaiting_token: None,
            loaded: false,
            last_refresh: None,
            list_error: None,
            last_list_answer: None,
            background_refresh: None,
            token: None,
            token_expires: None,
            session_scopes: None,
            switching: None,
            edit: Default::default(),
            details: Default::default(),
            spinner: 0,
            dirty: true,
        }
    }

    /// The last drawn size hides everything behind "Terminal too small". A size not yet known
    /// (no `Resize` yet) is not too small.
    pub fn too_small(&self) -> bool {
        let (width, height) = self.size;
        self.size != (0, 0) && too_small(width, height)
    }

    pub fn selected_app(&self) -> Option<&App> {
        self.selected.as_deref().and_then(|id| self.apps.get(id))
    }

    pub fn filter_text(&self) -> &str {
        self.filter.value()
    }

    pub fn is_busy(&self) -> bool {
        !self.requests.is_empty()
    }

    /// Requests the status line counts: all but a quiet auto-refresh.
    pub fn shown_requests(&self) -> usize {
        let quiet = self
            .background_refresh
            .is_some_and(|r| self.requests.contains_key(&r));
        self.requests.len() - usize::from(quiet)
    }

    /// Whether the event loop should send a tick every second: something on screen moves, or
    /// an auto-refresh is due.
    pub fn wants_tick(&self) -> bool {
        self.is_busy()
            || self.toasts.iter().any(|t| t.level == ToastLevel::Info)
            || self.token_expires.is_some()
            || self.opts.auto_refresh.is_some()
            || (self.loaded && self.details.has_work(&self.apps))
    }

    /// Replaces every app with a fresh list, keeping the selection by id.
    pub fn set_apps(&mut self, apps: Vec<App>) {
        self.apps.replace_all(apps);
        self.rebuild_view();
        self.clamp_detail_cursors();
    }

    /// A refresh or a detail read may have changed the selected app's scopes or secrets under
    /// the cursor.
    pub fn clamp_detail_cursors(&mut self) {
        let scope_rows = self.tree_rows().len();
        let secret_rows = self.selected_app().map_or(0, |a| a.secrets.len());
        self.scopes.clamp(scope_rows);
        self.secrets.clamp(secret_rows);
    }

    /// Recomputes the app list view (filter, then sort) and puts the cursor back on the
    /// selected app; when that app is gone, on the row where it was.
    pub fn rebuild_view(&mut self) {
        let filter = AppFilter::parse(self.filter.value());
        self.refresh_order();
        if !filter.is_empty() {
            self.apps.search_ready();
        }
        let slots = &self.apps.slots;
        // Filtering keeps the sorted order, so a keystroke is one pass over precomputed,
        // lower-cased keys and never a sort.
        fn finder(w: &String) -> memchr::memmem::Finder<'_> {
            memchr::memmem::Finder::new(w.as_bytes())
        }
        let text = finder(&filter.text);
        let scopes: Vec<_> = filter.scopes.iter().map(finder).collect();
        let now = self.now;
        let mut not_loaded = 0;
        let (known, unknown) = self.order.split_at(self.reversible_len());
        let ordered: Box<dyn Iterator<Item = &u32>> = if self.sort_reversed {
            Box::new(known.iter().rev().chain(unknown))
        } else {
            Box::new(self.order.iter())
        };
        // The selected app's row is found while the view is made: no second pass comparing
        // ids.
        let chosen = self
            .selected
            .as_deref()
            .and_then(|id| self.apps.slot_of(id));
        let mut at = None;
        let mut view = std::mem::take(&mut self.view);
        view.clear();
        for &i in ordered {
            let s = &slots[i as usize];
            if !filter.is_empty() {
                let verdict = filter.judge(&s.app, now, |search| match search {
                    Search::Text => s.matches(&filter.text, &text),
                    Search::Scope(i) => s.scope_matches(&scopes[i]),
                });
                not_loaded += usize::from(verdict == Verdict::NotLoaded);
                if verdict != Verdict::Match {
                    continue;
                }
            }
            if chosen == Some(i as usize) {
                at = Some(view.len());
            }
            view.push(Arc::clone(&s.id));
        }
        self.view = view;
        self.filter_outcome = FilterOutcome {
            not_loaded,
            uses_time: filter.uses_time(),
            problems: filter.problems,
            at: now,
        };
        let before = self.selected.clone();
        match at {
            Some(i) => self.list.index = i,
            None if self.view.is_empty() => {
                self.list.index = 0;
                self.selected = None;
            }
            None => {
                self.list.clamp(self.view.len());
                self.selected = Some(self.view[self.list.index].to_string());
            }
        }
        if self.selected != before {
            self.scopes.reset();
            self.secrets.reset();
        }
    }

    /// Sorts every app by the current sort key, unless neither the apps nor the key changed
    /// since the last time.
    fn refresh_order(&mut self) {
        let wanted = (self.apps.generation, self.sort);
        if self.order_for == Some(wanted) && !self.order_is_stale() {
            return;
        }
        self.apps.refresh_names();
        let (slots, rank) = (&self.apps.slots, &self.apps.name_rank);
        self.order_until = None;
        // Ties on the other keys go by name: the name rank, so that no comparison touches text.
        self.order = match self.sort {
            SortKey::Name => self.apps.name_order.clone(),
            SortKey::Expiry => {
                let now = self.now;
                let states: Vec<SecretState> = slots
                    .iter()
                    .map(|slot| secret_state::of(&slot.app, now).state)
                    .collect();
                self.order_until = states.iter().filter_map(|s| s.changes_at()).min();
                order_by_key(slots.len(), |i| (states[i].sort_key(), rank[i]))
            }
            // Apps whose scopes are not loaded yet go last, not among those with none.
            SortKey::Scopes => order_by_key(slots.len(), |i| {
                let app = &slots[i].app;
                (
                    !app.details_known(),
                    std::cmp::Reverse(app.scope_count()),
                    rank[i],
                )
            }),
        };
        self.order_for = Some(wanted);
    }

    /// Confidential apps without a valid secret at `now` (none, or all expired), as of the
    /// last `rebuild_expiring`.
    pub fn apps_without_valid_secret(&self) -> usize {
        self.valid_until.partition_point(|t| *t <= self.now)
    }

    /// Whether time has moved the expiry sort: some app's nearest valid secret has expired
    /// since the apps were sorted. The tick checks it; a comparison, no pass over the apps.
    pub fn order_is_stale(&self) -> bool {
        self.sort == SortKey::Expiry && self.order_until.is_some_and(|t| self.now >= t)
    }

    /// How much of `order` a reversed sort turns around: all of it for names; for the other
    /// keys, all but the apps whose details are not known yet, which the sort put last and
    /// which stay last (reversed, they would look like the apps with the most scopes).
    fn reversible_len(&self) -> usize {
        if self.sort == SortKey::Name {
            return self.order.len();
        }
        let slots = &self.apps.slots;
        let unknown = self
            .order
            .iter()
            .rev()
            .take_while(|&&i| !slots[i as usize].app.details_known())
            .count();
        self.order.len() - unknown
    }

    /// The sort and its direction, as the app list's title shows it: `name ▲`.
    pub fn sort_label(&self) -> String {
        let arrow = if self.sort.ascending() != self.sort_reversed {
            "▲"
        } else {
            "▼"
        };
        format!("{} {arrow}", self.sort.label())
    }

    /// Selects the app at `index` of the view.
    pub fn select_row(&mut self, index: usize) {
        if self.view.is_empty() {
            return;
        }
        let index = index.min(self.view.len() - 1);
        self.list.index = index;
        let id = &*self.view[index];
        if self.selected.as_deref() != Some(id) {
            self.selected = Some(id.to_owned());
            self.scopes.reset();
            self.secrets.reset();
        }
    }

    /// Recomputes the expiry view's rows, unless the apps did not change since the last time.
    pub fn rebuild_expiring(&mut self) {
        if self.expiring_for == Some(self.apps.generation) {
            return;
        }
        self.expiring_for = Some(self.apps.generation);
        self.apps.refresh_names();
        let (slots, rank) = (&self.apps.slots, &self.apps.name_rank);
        let mut text = Vec::new();
        let mut rows: Vec<(ExpiringOrder, ExpiringRow, RowKey)> = Vec::new();
        for (i, (slot, &rank)) in slots.iter().zip(rank).enumerate() {
            for s in &slot.app.secrets {
                let start = text.len() as u32;
                push_lower(&mut text, s.description.as_deref().unwrap_or(""));
                rows.push((
                    (
                        false,
                        expiry_key(s.expiry_time).0,
                        s.expiry_time,
                        rank,
                        s.id,
                    ),
                    ExpiringRow {
                        app_id: Arc::clone(&slot.id),
                        secret_id: s.id,
                        expiry: s.expiry_time,
                        known: true,
                    },
                    RowKey {
                        slot: i as u32,
                        desc: (start, text.len() as u32),
                    },
                ));
            }
            if !slot.app.details_known() {
                rows.push((
                    (true, true, None, rank, 0),
                    ExpiringRow {
                        app_id: Arc::clone(&slot.id),
                        secret_id: 0,
                        expiry: None,
                        known: false,
                    },
                    RowKey {
                        slot: i as u32,
                        desc: (0, 0),
                    },
                ));
            }
        }
        // Known secrets by expiry, then the app's name (its rank: integers, not text), then
        // the secret id; then the apps not loaded yet.
        rows.sort_unstable_by_key(|(key, _, _)| *key);
        (self.expiring_rows, self.expiring_keys) =
            rows.into_iter().map(|(_, row, key)| (row, key)).unzip();
        self.expiring_text = text;
        self.valid_until = slots
            .iter()
            .filter_map(|slot| secret_state::valid_until(&slot.app))
            .collect();
        self.valid_until.sort_unstable();
        self.filter_expiring();
        self.expiring.clamp(self.expiring_len());
    }

    /// The expiry view's filter text changed: filter the rows again (making them first if the
    /// apps changed since) and start at the first match.
    pub fn refilter_expiring(&mut self) {
        if self.expiring_for == Some(self.apps.generation) {
            self.filter_expiring();
        } else {
            self.rebuild_expiring();
        }
        self.expiring.reset();
    }

    /// No filter in the expiry view: every row.
    pub fn clear_expiring_filter(&mut self) {
        self.expiring_filter.reset();
        self.expiring_shown = None;
        self.expiring_not_loaded = 0;
        self.expiring.clamp(self.expiring_len());
    }

    /// One pass over the rows with the filter's text; the apps' names are searched once per
    /// app, not once per secret, and no row allocates.
    fn filter_expiring(&mut self) {
        let words: Vec<&str> = self.expiring_filter.value().split_whitespace().collect();
        let needle = words.join(" ").to_lowercase();
        self.expiring_not_loaded = 0;
        if needle.is_empty() {
            self.expiring_shown = None;
            return;
        }
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let named: Vec<bool> = self
            .apps
            .slots
            .iter()
            .map(|slot| finder.find(slot.name_key()).is_some())
            .collect();
        let rows = &self.expiring_rows;
        let text = &self.expiring_text;
        let mut not_loaded = 0;
        let shown = self
            .expiring_keys
            .iter()
            .enumerate()
            .filter(|(i, key)| {
                let desc = &text[key.desc.0 as usize..key.desc.1 as usize];
                let hit = named[key.slot as usize] || finder.find(desc).is_some();
                // Not loaded: the descriptions that might match are not known.
                not_loaded += usize::from(!rows[*i].known && !hit);
                hit
            })
            .map(|(i, _)| i as u32)
            .collect();
        self.expiring_shown = Some(shown);
        self.expiring_not_loaded = not_loaded;
    }

    /// How many rows the expiry view shows (after its filter).
    pub fn expiring_len(&self) -> usize {
        self.expiring_shown
            .as_ref()
            .map_or(self.expiring_rows.len(), Vec::len)
    }

    /// The `i`-th row the expiry view shows.
    pub fn expiring_row(&self, i: usize) -> Option<&ExpiringRow> {
        match &self.expiring_shown {
            Some(shown) => shown.get(i).map(|&r| &self.expiring_rows[r as usize]),
            None => self.expiring_rows.get(i),
        }
    }

    /// The rows the expiry view shows at these positions.
    pub fn expiring_rows_in(&self, range: Range<usize>) -> impl Iterator<Item = &ExpiringRow> {
        range.filter_map(|i| self.expiring_row(i))
    }

    /// The first shown row for which `pred` is false, when it holds for a prefix of them.
    pub fn expiring_partition_point(&self, pred: impl Fn(&ExpiringRow) -> bool) -> usize {
        match &self.expiring_shown {
            Some(shown) => shown.partition_point(|&r| pred(&self.expiring_rows[r as usize])),
            None => self.expiring_rows.partition_point(pred),
        }
    }

    /// The rows of the selected app's scope tree.
    pub fn tree_rows(&self) -> Vec<TreeRow> {
        let Some(app) = self.selected_app() else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        let folds = self.folded.get(&app.id);
        for (ri, res) in app.resources.iter().enumerate() {
            let folded = folds.is_some_and(|f| f.contains(res.name.as_str()));
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
        crate::tui::flows::ctx::Toasts::new(&mut self.toasts, &mut self.messages, self.now)
            .push(level, text);
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
        self.requests.start(kind)
    }

    /// A fresh model for the organization of another profile: nothing of the old one's apps,
    /// selection, overlays, secrets or awaited requests survives. The terminal, the clock, the
    /// command history and the session's `--read-only` do; request ids keep counting so that
    /// no answer to an old request can pass for a new one.
    pub fn start_over(&mut self, info: &super::msg::SwitchInfo) {
        let old = &self.opts;
        let opts = TuiOptions {
            organization: info.organization.clone(),
            identity_host: info.identity_host.clone(),
            profile: Some(info.profile.clone()),
            read_only: info.read_only || old.read_only_flag,
            read_only_flag: old.read_only_flag,
            auto_refresh: info.auto_refresh,
            no_color: old.no_color,
            insecure: info.insecure,
            log_path: old.log_path.clone(),
            backup_dir: old.backup_dir.clone(),
        };
        let mut fresh = Model::new(opts, self.now);
        fresh.tz = self.tz.clone();
        fresh.size = self.size;
        // Requests still running belong to the old organization: their answers find no one
        // waiting, but they are still out until they come.
        fresh.requests = std::mem::take(&mut self.requests);
        fresh.sort = self.sort;
        fresh.command.history = std::mem::take(&mut self.command.history);
        *self = fresh;
    }

    /// Reads the app list again: the one effect for it, which any flow may return. A newer
    /// list supersedes an older one still in flight: that one's answer will be dropped.
    pub fn request_apps(&mut self) -> Vec<super::effect::Effect> {
        let req = self.new_request(RequestKind::Apps);
        self.awaiting_apps = Some(req);
        // Whoever asks now (a key, a flow) waits for this answer and sees it.
        self.background_refresh = None;
        vec![super::effect::Effect::LoadApps { req }]
    }
}

/// The secrets of an app in expiry order: expired first, never-expiring last.
pub fn secrets_by_expiry(app: &App) -> Vec<&Secret> {
    let mut secrets: Vec<&Secret> = app.secrets.iter().collect();
    secrets.sort_by_key(|s| (expiry_key(s.expiry_time), s.id));
    secrets
}

/// `text` lower-cased onto the end of `out`; without an allocation when it is ASCII.
fn push_lower(out: &mut Vec<u8>, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.extend_from_slice(text.as_bytes());
        out[start..].make_ascii_lowercase();
    } else {
        out.extend_from_slice(text.to_lowercase().as_bytes());
    }
}

/// Sorts expiries ascending with "never" after every date.
pub fn expiry_key(t: Option<Timestamp>) -> (bool, Option<Timestamp>) {
    (t.is_none(), t)
}

/// The slots `0..len` sorted by `key`.
fn order_by_key<K: Ord>(len: usize, key: impl Fn(usize) -> K) -> Vec<u32> {
    let mut keyed: Vec<(K, u32)> = (0..len).map(|i| (key(i), i as u32)).collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(id: &str, name: &str, expiries: &[Option<&str>]) -> App {
        let secrets: Vec<_> = expiries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                serde_json::json!({
                    "id": i as i64 + 1, "creationTime": "2026-01-01T00:00:00Z", "expiryTime": e
                })
            })
            .collect();
        let mut app: App = serde_json::from_value(serde_json::json!({
            "id": id, "name": name, "isConfidential": true, "secrets": secrets
        }))
        .unwrap();
        // As an app's own read leaves it: its secrets are facts, not "not loaded".
        app.details = crate::api::model::Details::Known;
        app
    }

    fn model(apps: Vec<App>) -> Model {
        let mut m = Model::new(TuiOptions::default(), Timestamp::UNIX_EPOCH);
        m.set_apps(apps);
        m
    }

    /// Names that agree on their first 16 bytes, differ only in case, or are not ASCII:
    /// what the integer prefix and the byte comparison must still order like text.
    fn tricky() -> Vec<App> {
        let names = [
            "Finance SAP Sync Robot #10",
            "finance sap sync robot #9",
            "Finance SAP Sync Robot #1",
            "FINANCE SAP SYNC",
            "Finance SAP Sync Robot",
            "Émile's bot",
            "émile's bot",
            "Zeta",
            "zeta",
            "a",
            "",
            "Ωmega ΣΑΣ",
            "Finance SAP Sync Robot #10",
        ];
        names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let e = format!("2027-0{}-01T00:00:00Z", 1 + i % 3);
                app(&format!("id-{:02}", 20 - i), n, &[Some(&e), None, Some(&e)])
            })
            .collect()
    }

    #[test]
    fn name_order_is_the_lower_cased_name_then_the_client_id() {
        let apps = tricky();
        let mut want: Vec<(String, String)> = apps
            .iter()
            .map(|a| (a.name.to_lowercase(), a.id.clone()))
            .collect();
        want.sort();
        let m = model(apps);
        let got: Vec<&str> = m.view.iter().map(|id| &**id).collect();
        let want: Vec<&str> = want.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn expiry_rows_go_by_expiry_then_name_then_secret() {
        let mut m = model(tricky());
        m.rebuild_expiring();
        let got: Vec<(&str, i64)> = m
            .expiring_rows
            .iter()
            .map(|r| (&*r.app_id, r.secret_id))
            .collect();
        // Written down: January, February, March, then "never"; within a date, the lower-cased
        // name, then the client id, then the secret id.
        let want = [
            // 2027-01-01: "a", "finance sap sync", "…robot #10" twice (id-08, id-20), "émile's bot".
            ("id-11", 1),
            ("id-11", 3),
            ("id-17", 1),
            ("id-17", 3),
            ("id-08", 1),
            ("id-08", 3),
            ("id-20", 1),
            ("id-20", 3),
            ("id-14", 1),
            ("id-14", 3),
            // 2027-02-01: "", "finance sap sync robot", "finance sap sync robot #9", "zeta".
            ("id-10", 1),
            ("id-10", 3),
            ("id-16", 1),
            ("id-16", 3),
            ("id-19", 1),
            ("id-19", 3),
            ("id-13", 1),
            ("id-13", 3),
            // 2027-03-01: "finance sap sync robot #1", "zeta", "émile's bot", "ωmega …".
            ("id-18", 1),
            ("id-18", 3),
            ("id-12", 1),
            ("id-12", 3),
            ("id-15", 1),
            ("id-15", 3),
            ("id-09", 1),
            ("id-09", 3),
            // Never expiring, last, by name.
            ("id-10", 2),
            ("id-11", 2),
            ("id-17", 2),
            ("id-16", 2),
            ("id-18", 2),
            ("id-08", 2),
            ("id-20", 2),
            ("id-19", 2),
            ("id-12", 2),
            ("id-13", 2),
            ("id-14", 2),
            ("id-15", 2),
            ("id-09", 2),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn other_sorts_break_ties_by_name() {
        let mut m = model(tricky());
        m.sort = SortKey::Scopes;
        m.rebuild_view();
        // No app has a scope: the order is the name order.
        let by_scopes = m.view.clone();
        m.sort = SortKey::Name;
        m.rebuild_view();
        assert_eq!(by_scopes, m.view);
    }

    #[test]
    fn filter_sees_non_ascii_names_lower_cased_and_an_edit_refreshes_it() {
        let mut m = model(tricky());
        m.filter = Input::new("ΣΑΣ".into());
        m.rebuild_view();
        assert_eq!(m.view.len(), 1);
        m.apps.get_mut("id-15").unwrap().name = "Renamed ΣΑΣ".into();
        m.rebuild_view();
        assert_eq!(m.view.len(), 2, "{:?}", m.view);
        m.filter = Input::new("renamed".into());
        m.rebuild_view();
        assert_eq!(&*m.view[0], "id-15");
    }

    /// `scope:` searches the scope names only, not the name, client id or redirect URI that
    /// come before them in the search keys, whether the text is ASCII or not.
    #[test]
    fn scope_qualifier_searches_only_scope_names() {
        let with = |name: &str, uri: Option<&str>, scopes: &[&str]| {
            let scopes: Vec<_> = scopes
                .iter()
                .map(|s| serde_json::json!({"name": s, "type": 1}))
                .collect();
            let mut a: App = serde_json::from_value(serde_json::json!({
                "id": format!("id-{name}"), "name": name, "isConfidential": true,
                "redirectUri": uri, "resources": [{"name": "R", "scopes": scopes}],
            }))
            .unwrap();
            a.details = crate::api::model::Details::Known;
            a
        };
        let mut m = model(vec![
            with("jobs runner", Some("https://x/jobs"), &["OR.Queues"]),
            with("Ωmega jobs", None, &["OR.Assets"]),
            with("plain", None, &["OR.Jobs.Read"]),
            with("Ωmega", Some("https://jobs"), &["ΣΑΣ.Jobs"]),
        ]);
        m.filter = Input::new("scope:JOBS".into());
        m.rebuild_view();
        let got: Vec<&str> = m.view.iter().map(|id| &**id).collect();
        assert_eq!(got, ["id-plain", "id-Ωmega"]);
        m.filter = Input::new("scope:ΑΣ.J".into());
        m.rebuild_view();
        assert_eq!(m.view.len(), 1);
    }

    /// `update` is a function of the model and the message: the store's generations and
    /// stamps come from the store, not from a counter shared by every model in the process.
    #[test]
    fn the_same_changes_give_the_same_generations_and_stamps() {
        let run = || {
            let mut m = model(tricky());
            m.apps.get_mut("id-15").unwrap().name = "Renamed".into();
            m.set_apps(tricky());
            let stamp = m.apps.next_stamp();
            (m.apps.generation, m.apps.stamp("id-15"), stamp)
        };
        assert_eq!(run(), run());
    }
}
