//! Loading the apps' scopes and secrets when the list does not carry them (the live server's
//! list is summaries): the selected app at once, the others in the background, paced so that
//! the fill never takes more than its share of the organization's GET budget and the user's
//! own requests still fit. Pure: time comes from the model (`Msg::Tick`), requests leave as
//! effects with request ids, and answers that newer state overtook are dropped.

use std::collections::{HashMap, HashSet};

use jiff::{SignedDuration, Timestamp};

use crate::api::ApiError;
use crate::api::model::{App, Details};

use super::effect::{Effect, RequestId};
use super::model::{AppStore, Model, RequestKind, ToastLevel};
use super::msg::ApiResult;
use super::requests::unexpected;

/// The server allows 300 GETs per 5 minutes per organization; the fill takes at most this
/// many of them in any 5 minutes, which leaves a third for what the user does.
pub const FILL_PER_WINDOW: u32 = 200;
pub const WINDOW: SignedDuration = SignedDuration::from_secs(300);
/// Requests the fill may send at once after a pause.
pub const FILL_BURST: u32 = 4;
/// One fill token per this many milliseconds: the burst plus the refills that can fall in
/// any window of `WINDOW` stay within `FILL_PER_WINDOW`.
pub const FILL_INTERVAL_MS: i64 = div_ceil(
    WINDOW.as_millis() as i64,
    (FILL_PER_WINDOW - FILL_BURST) as i64,
);
/// Reads of the app the user selects: at once, but a key held down over hundreds of apps
/// must not spend the budget either (at most 8 + 60 in any 5 minutes). When this runs dry,
/// the selected app simply goes first in the fill.
pub const USER_BURST: u32 = 8;
pub const USER_INTERVAL_MS: i64 = 5000;
/// Selection reads closer together than this are a key held down: the app the cursor rests
/// on is read on the next tick instead of every app it passes.
const USER_SPACING: SignedDuration = SignedDuration::from_millis(250);
/// Fill reads outstanding at once: a slow server must not pile them up.
pub const MAX_FILL_IN_FLIGHT: usize = 4;
/// After this many failed reads an app is left unknown (shown as such) until the next list.
pub const MAX_FAILURES: u32 = 3;
/// A newly created app stays in the list, marked pending, for this many lists that do not
/// carry it yet (writes become visible to reads after a lag).
pub const PENDING_LISTS: u32 = 5;
/// How long the fill pauses after a 429 without Retry-After.
const DEFAULT_BACKOFF: SignedDuration = SignedDuration::from_secs(60);
/// Enter reads the app again unless it was read this recently.
const ENTER_FRESH: SignedDuration = SignedDuration::from_secs(10);

const fn div_ceil(a: i64, b: i64) -> i64 {
    (a + b - 1) / b
}

/// A token bucket on the model's clock: starts full, gains one token per `interval_ms`
/// up to `capacity`.
#[derive(Debug, Clone)]
pub struct Bucket {
    capacity: u32,
    interval_ms: i64,
    tokens: u32,
    /// The instant the last token was credited for; `None` until first used.
    last: Option<Timestamp>,
}

impl Bucket {
    pub const fn new(capacity: u32, interval_ms: i64) -> Self {
        Bucket {
            capacity,
            interval_ms,
            tokens: capacity,
            last: None,
        }
    }

    fn refill(&mut self, now: Timestamp) {
        let Some(last) = self.last else {
            self.last = Some(now);
            return;
        };
        let elapsed = now.duration_since(last).as_millis() as i64;
        // A clock that went back credits nothing.
        if elapsed <= 0 {
            return;
        }
        let n = elapsed / self.interval_ms;
        if n > 0 {
            self.tokens = (self.tokens as i64 + n).min(self.capacity as i64) as u32;
            self.last = Some(last + SignedDuration::from_millis(n * self.interval_ms));
        }
        // A full bucket credits nothing more: the next token is one interval from now, so
        // credited tokens are always at least an interval apart.
        if self.tokens == self.capacity {
            self.last = Some(now);
        }
    }

    pub fn available(&mut self, now: Timestamp) -> u32 {
        self.refill(now);
        self.tokens
    }

    pub fn take(&mut self, now: Timestamp) -> bool {
        self.refill(now);
        if self.tokens == 0 {
            return false;
        }
        self.tokens -= 1;
        true
    }
}

#[derive(Debug, Clone)]
struct InFlight {
    req: RequestId,
    /// The store's stamp when the request left: an app changed after it keeps its state.
    stamp: u64,
    /// Sent by the fill (paced) rather than for the user.
    fill: bool,
}

/// Everything the TUI knows about loading details, beside the apps themselves.
#[derive(Debug)]
pub struct DetailState {
    fill: Bucket,
    user: Bucket,
    in_flight: HashMap<String, InFlight>,
    /// When each known app's details were read (this run, or the cache's time), where that
    /// differs from `listed_at`.
    read_at: HashMap<String, Timestamp>,
    /// When the last list that carried every app's details arrived: the read time of every
    /// app without an entry in `read_at`. One time for all of them, so that the usual refresh
    /// does no bookkeeping per app.
    listed_at: Option<Timestamp>,
    /// Apps whose details came from the cache and were not read again this run.
    from_cache: HashSet<String>,
    failures: HashMap<String, u32>,
    /// An app whose read failed is tried again after this.
    retry_at: HashMap<String, Timestamp>,
    /// No fill read goes out before this (a 429).
    pub backoff_until: Option<Timestamp>,
    /// When the last read for a selection left.
    last_user_read: Option<Timestamp>,
    /// The last list was summaries: it will not show what our own writes changed.
    summary_lists: bool,
    /// Created apps no list carried yet, with the number of lists left to wait for them.
    pub pending: HashMap<String, u32>,
}

impl Default for DetailState {
    fn default() -> Self {
        DetailState {
            fill: Bucket::new(FILL_BURST, FILL_INTERVAL_MS),
            user: Bucket::new(USER_BURST, USER_INTERVAL_MS),
            in_flight: HashMap::new(),
            read_at: HashMap::new(),
            listed_at: None,
            from_cache: HashSet::new(),
            failures: HashMap::new(),
            retry_at: HashMap::new(),
            backoff_until: None,
            last_user_read: None,
            summary_lists: false,
            pending: HashMap::new(),
        }
    }
}

/// How far the details are, for the status line, the app list and the expiry view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub total: usize,
    /// Apps whose scopes and secrets are known (read this run, from a full list, or cached).
    pub known: usize,
    /// Of `known`, those known only from the cache.
    pub cached: usize,
    /// Unknown apps the fill gave up on until the next list.
    pub failed: usize,
    /// The oldest cached read, if any app is known from the cache only.
    pub oldest_cached: Option<Timestamp>,
}

impl Progress {
    pub fn complete(&self) -> bool {
        self.known == self.total
    }

    /// Reads still to do: unknown apps and cached ones to refresh, less the ones given up.
    pub fn remaining(&self) -> usize {
        (self.total - self.known + self.cached).saturating_sub(self.failed)
    }
}

impl DetailState {
    pub fn is_loading(&self, id: &str) -> bool {
        self.in_flight.contains_key(id)
    }

    pub fn is_pending(&self, id: &str) -> bool {
        self.pending.contains_key(id)
    }

    pub fn is_cached(&self, id: &str) -> bool {
        self.from_cache.contains(id)
    }

    /// When the details of `id`, an app of the store, were last read.
    pub fn read_at(&self, id: &str) -> Option<Timestamp> {
        self.read_at.get(id).copied().or(self.listed_at)
    }

    pub fn progress(&self, apps: &AppStore) -> Progress {
        let mut p = Progress {
            total: apps.len(),
            ..Progress::default()
        };
        for (id, app) in apps.iter() {
            if app.details_known() {
                p.known += 1;
                if self.from_cache.contains(id) {
                    p.cached += 1;
                    let t = self.read_at(id);
                    p.oldest_cached = match (p.oldest_cached, t) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
            } else if self.gave_up(id) {
                p.failed += 1;
            }
        }
        p
    }

    fn gave_up(&self, id: &str) -> bool {
        self.failures.get(id).is_some_and(|&n| n >= MAX_FAILURES)
    }

    /// Whether the fill has something left to read (the loop keeps ticking for it).
    pub fn has_work(&self, apps: &AppStore) -> bool {
        apps.iter().any(|(id, app)| self.needs(id, app))
    }

    fn needs(&self, id: &str, app: &App) -> bool {
        (!app.details_known() || self.from_cache.contains(id))
            && !self.in_flight.contains_key(id)
            && !self.gave_up(id)
    }

    fn fill_in_flight(&self) -> usize {
        self.in_flight.values().filter(|f| f.fill).count()
    }

    /// About how long the fill needs for what is left, at its pace.
    pub fn time_left(&self, progress: &Progress, now: Timestamp) -> SignedDuration {
        let waiting = progress
            .remaining()
            .saturating_sub(self.fill.tokens as usize);
        let paced = SignedDuration::from_millis(waiting as i64 * FILL_INTERVAL_MS);
        let backoff = self
            .backoff_until
            .map_or(SignedDuration::ZERO, |t| t.duration_since(now))
            .max(SignedDuration::ZERO);
        paced + backoff
    }
}

/// Apps known from the cache, with the time each was read: shown at once, refreshed by the
/// fill (oldest first among equals).
pub fn cached_arrived(model: &mut Model, apps: Vec<(App, Timestamp)>) {
    let mut changed = false;
    for (mut app, read) in apps {
        let id = app.id.clone();
        // Only apps the list has, and only where nothing better is known: the list may have
        // arrived first, and a read of this run is newer than any cache.
        let Some(current) = model.apps.get(&id) else {
            continue;
        };
        if current.details_known() || model.details.in_flight.contains_key(&id) {
            continue;
        }
        // The list's summary is newer than the cache's: only scopes and secrets come from it.
        let stamp = model.apps.stamp(&id).unwrap_or(0);
        app.name = current.name.clone();
        app.is_confidential = current.is_confidential;
        app.redirect_uri = current.redirect_uri.clone();
        app.secret = None;
        app.details = Details::Known;
        model.apps.insert(id.as_str(), app);
        model.apps.set_stamp(&id, stamp);
        model.details.from_cache.insert(id.clone());
        model.details.read_at.insert(id, read);
        changed = true;
    }
    if changed {
        model.rebuild_view();
    }
}

/// A new list: keeps the details already known of apps it still has (a summary list says
/// nothing new about them), keeps created apps it does not carry yet, and forgets apps that
/// are gone.
pub fn list_arrived(model: &mut Model, mut apps: Vec<App>) {
    let now = model.now;
    // The usual refresh: a list with every app's details and no created app waiting for it.
    // It is a read of every app it has, now, and leaves nothing cached or failed.
    if model.details.pending.is_empty() && apps.iter().all(App::details_known) {
        let d = &mut model.details;
        d.summary_lists = false;
        d.read_at.clear();
        d.listed_at = Some(now);
        d.from_cache.clear();
        d.failures.clear();
        d.retry_at.clear();
        model.set_apps(apps);
        return;
    }
    // Below, read times are kept app by app: the apps the last full list read get their own.
    if let Some(listed) = model.details.listed_at.take() {
        for id in model.apps.keys() {
            if !model.details.read_at.contains_key(id) {
                model.details.read_at.insert(id.to_owned(), listed);
            }
        }
    }
    model.details.summary_lists = apps.iter().any(|a| !a.details_known());
    // Created apps the server does not list yet (a write shows after a lag).
    let mut dropped = Vec::new();
    let pending: Vec<String> = model.details.pending.keys().cloned().collect();
    // Only with created apps pending: a refresh without costs no set of 10,000 ids.
    let listed: HashSet<String> = if pending.is_empty() {
        HashSet::new()
    } else {
        apps.iter().map(|a| a.id.clone()).collect()
    };
    for id in pending {
        if listed.contains(&id) {
            model.details.pending.remove(&id);
            continue;
        }
        let left = model.details.pending.get(&id).copied().unwrap_or(0);
        match model.apps.get(&id) {
            Some(app) if left > 1 => {
                apps.push(app.clone());
                model.details.pending.insert(id, left - 1);
            }
            Some(app) => {
                dropped.push(app.name.clone());
                model.details.pending.remove(&id);
            }
            None => {
                model.details.pending.remove(&id);
            }
        }
    }
    // What the old store knew, kept with its stamp: an answer in flight for a listed app is
    // still newer than what we have, and stays welcome.
    let mut stamps = Vec::new();
    // A list that carries details is a read of every app it has (but those whose details
    // came from the old store).
    let d = &mut model.details;
    for app in &mut apps {
        let keep = d.pending.contains_key(&app.id) || !app.details_known();
        if let Some(old) = model.apps.get(&app.id).filter(|_| keep) {
            if !app.details_known() && old.details_known() {
                app.resources = old.resources.clone();
                app.secrets = old.secrets.clone();
                app.details = Details::Known;
            }
            stamps.push((app.id.clone(), model.apps.stamp(&app.id).unwrap_or(0)));
        } else if app.details_known() {
            d.from_cache.remove(&app.id);
            match d.read_at.get_mut(&app.id) {
                Some(at) => *at = now,
                None => {
                    d.read_at.insert(app.id.clone(), now);
                }
            }
        }
    }
    model.set_apps(apps);
    for (id, stamp) in stamps {
        model.apps.set_stamp(&id, stamp);
    }
    let d = &mut model.details;
    let store = &model.apps;
    d.read_at.retain(|id, _| store.contains_key(id));
    d.from_cache.retain(|id| store.contains_key(id));
    // A new list gives every app another chance.
    d.failures.clear();
    d.retry_at.clear();
    for name in dropped {
        model.push_toast(
            ToastLevel::Info,
            format!(
                "{name:?} is still not in the server's list after {PENDING_LISTS} refreshes; \
                 it is no longer shown. Refresh later to look again."
            ),
        );
    }
}

/// A created app: shown and selected at once, kept until a list carries it.
pub fn created(model: &mut Model, id: &str) {
    if model.apps.contains_key(id) {
        model.details.pending.insert(id.to_owned(), PENDING_LISTS);
        if model.apps.get(id).is_some_and(App::details_known) {
            model.details.read_at.insert(id.to_owned(), model.now);
        }
    }
}

fn request(model: &mut Model, id: &str, fill: bool) -> Effect {
    let req = model.new_request(RequestKind::Details);
    let stamp = model.apps.next_stamp();
    model
        .details
        .in_flight
        .insert(id.to_owned(), InFlight { req, stamp, fill });
    Effect::LoadDetails {
        req,
        client_id: id.to_owned(),
    }
}

/// The selected app changed (or a tick came while it waits): read it at once if its details are not known (or only cached).
pub fn selected(model: &mut Model) -> Vec<Effect> {
    let Some(id) = model.selected.clone() else {
        return Vec::new();
    };
    let Some(app) = model.apps.get(&id) else {
        return Vec::new();
    };
    let wanted = !app.details_known() || model.details.from_cache.contains(&id);
    if !wanted || model.details.in_flight.contains_key(&id) || backing_off(model) {
        return Vec::new();
    }
    let now = model.now;
    let d = &mut model.details;
    if d.last_user_read
        .is_some_and(|t| now.duration_since(t) < USER_SPACING)
    {
        return Vec::new();
    }
    if !d.user.take(now) {
        // Out of quick reads: the fill takes it first instead.
        return Vec::new();
    }
    d.last_user_read = Some(now);
    vec![request(model, &id, false)]
}

/// Enter on an app: read it again, unless that just happened or is happening.
pub fn enter(model: &mut Model) -> Vec<Effect> {
    let Some(id) = model.selected.clone() else {
        return Vec::new();
    };
    let d = &model.details;
    let recent = d
        .read_at(&id)
        .is_some_and(|t| model.now.duration_since(t) < ENTER_FRESH)
        && !d.from_cache.contains(&id);
    if d.in_flight.contains_key(&id) || recent || backing_off(model) {
        return Vec::new();
    }
    vec![request(model, &id, false)]
}

/// The app changed on the server by our own write: with summary lists, read it again, whatever is in flight (a
/// read that left before the write is older and will be dropped).
pub fn reread(model: &mut Model, id: &str) -> Vec<Effect> {
    // A list that carries details (the refresh after the write) shows the change itself.
    if !model.details.summary_lists || !model.apps.contains_key(id) {
        return Vec::new();
    }
    vec![request(model, id, false)]
}

fn backing_off(model: &Model) -> bool {
    model.details.backoff_until.is_some_and(|t| model.now < t)
}

/// Sends the fill's next reads, as many as its bucket and the in-flight limit allow.
pub fn pump(model: &mut Model) -> Vec<Effect> {
    if !model.loaded || backing_off(model) {
        return Vec::new();
    }
    let room = MAX_FILL_IN_FLIGHT.saturating_sub(model.details.fill_in_flight());
    let now = model.now;
    let can = (model.details.fill.available(now) as usize).min(room);
    if can == 0 {
        return Vec::new();
    }
    let next = plan(model, can);
    let mut effects = Vec::with_capacity(next.len());
    for id in next {
        if !model.details.fill.take(now) {
            break;
        }
        effects.push(request(model, &id, true));
    }
    effects
}

/// The next `limit` apps to read, most useful first: the selected app; the apps on screen;
/// cached apps whose secrets were nearest expiry when last read; unknown apps in list order;
/// then cached apps without an expiring secret, oldest read first.
pub fn plan(model: &Model, limit: usize) -> Vec<String> {
    let d = &model.details;
    let now = model.now;
    let ready =
        |id: &str, app: &App| d.needs(id, app) && d.retry_at.get(id).is_none_or(|t| *t <= now);
    let screen = {
        let start = model.list.offset.get();
        start..start + model.list.page_size()
    };
    let selected = model.selected.as_deref();
    let key = |id: &str, app: &App, pos: Option<usize>| -> (u8, i64) {
        let cached = d.from_cache.contains(id);
        if selected == Some(id) {
            return (0, 0);
        }
        if let Some(p) = pos.filter(|p| screen.contains(p)) {
            return (1, p as i64);
        }
        if cached && let Some(t) = app.nearest_expiry() {
            return (2, t.as_millisecond());
        }
        if !cached {
            // Apps the filter hides come after the listed ones.
            return (3, pos.map_or(i64::MAX, |p| p as i64));
        }
        let read = d.read_at(id).map_or(i64::MIN, |t| t.as_millisecond());
        (4, read)
    };
    // Most messages find nothing to read (every app known): look for ready apps first, in one
    // pass without hashing, and find list positions only for those.
    let ready_apps: Vec<(&str, &App)> = model
        .apps
        .iter()
        .filter(|(id, app)| ready(id, app))
        .collect();
    if ready_apps.is_empty() {
        return Vec::new();
    }
    let position: HashMap<&str, usize> = model
        .view
        .iter()
        .enumerate()
        .map(|(pos, id)| (&**id, pos))
        .collect();
    let mut candidates: Vec<((u8, i64), &str)> = ready_apps
        .into_iter()
        .map(|(id, app)| (key(id, app, position.get(id).copied()), id))
        .collect();
    if candidates.len() > limit {
        candidates.select_nth_unstable(limit);
        candidates.truncate(limit);
    }
    candidates.sort_unstable();
    candidates
        .into_iter()
        .map(|(_, id)| id.to_owned())
        .collect()
}

/// An app's details arrived (or did not).
/// The store's answers: one app's details, or the details cache of an earlier run.
pub fn answer(model: &mut Model, req: RequestId, result: ApiResult) -> Vec<Effect> {
    match result {
        ApiResult::Details { client_id, result } => answered(model, req, &client_id, result),
        ApiResult::CachedDetails(apps) => cached_arrived(model, apps),
        _ => return unexpected(req, RequestKind::Details),
    }
    Vec::new()
}

fn answered(model: &mut Model, req: RequestId, client_id: &str, result: Result<App, ApiError>) {
    let d = &mut model.details;
    match d.in_flight.get(client_id) {
        Some(f) if f.req == req => {}
        _ => {
            tracing::debug!(?req, "dropping a stale detail answer");
            return;
        }
    }
    let Some(sent) = d.in_flight.remove(client_id) else {
        return;
    };
    match result {
        Ok(mut app) => {
            // Gone from the store: a newer list or a delete removed it; do not bring it back.
            // Changed since the request left: an edit's answer is newer than this read.
            match model.apps.stamp(client_id) {
                Some(stamp) if stamp <= sent.stamp => {}
                _ => {
                    tracing::debug!(client_id, "a detail answer overtaken by newer state");
                    return;
                }
            }
            if app.id != client_id {
                tracing::warn!(client_id, "a detail answer for another app");
                return;
            }
            app.secret = None;
            app.details = Details::Known;
            model.apps.insert(client_id, app);
            let d = &mut model.details;
            d.read_at.insert(client_id.to_owned(), model.now);
            d.from_cache.remove(client_id);
            d.failures.remove(client_id);
            d.retry_at.remove(client_id);
            model.rebuild_view();
            model.clamp_detail_cursors();
        }
        Err(ApiError::RateLimited { retry_after }) => {
            // The whole organization is over its budget: pause, quietly; the status line says so.
            let wait = retry_after
                .and_then(|d| SignedDuration::try_from(d).ok())
                .unwrap_or(DEFAULT_BACKOFF);
            let until = model.now + wait;
            d.backoff_until = Some(d.backoff_until.map_or(until, |t| t.max(until)));
        }
        Err(e) => {
            let n = d.failures.entry(client_id.to_owned()).or_insert(0);
            // A created app may not be readable yet: that is lag, not failure.
            if !(d.pending.contains_key(client_id) && matches!(e, ApiError::NotFound { .. })) {
                *n += 1;
            }
            let delay = SignedDuration::from_secs(30 * i64::from((*n).max(1)));
            d.retry_at.insert(client_id.to_owned(), model.now + delay);
            tracing::warn!(error = %e, client_id, "reading an app's details failed");
            if !sent.fill {
                let name = model
                    .apps
                    .get(client_id)
                    .map_or_else(|| client_id.to_owned(), |a| a.name.clone());
                model.push_toast(
                    ToastLevel::Error,
                    format!("Reading the scopes and secrets of {name:?} failed: {e}"),
                );
            }
        }
    }
}

/// "2h", "5 min", "40s": how old something is, short.
pub fn age(since: Timestamp, now: Timestamp) -> String {
    let secs = now.duration_since(since).as_secs().max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86400),
    }
}

/// The status line's words on the details: `None` when every app is known and fresh.
pub fn status_text(model: &Model) -> Option<String> {
    let p = model.details.progress(&model.apps);
    if p.total == 0 || (p.complete() && p.cached == 0) {
        return None;
    }
    let now = model.now;
    let mut parts = Vec::new();
    let cached = p
        .oldest_cached
        .map(|t| format!("{} from cache, {} old", p.cached, age(t, now)));
    match (p.complete(), cached) {
        (true, Some(_)) if p.cached == p.known => {
            let oldest = p.oldest_cached.map_or_else(String::new, |t| age(t, now));
            parts.push(format!("details from cache, {oldest} old, refreshing"));
        }
        (true, Some(c)) => parts.push(format!("details {c}, refreshing")),
        (false, Some(c)) => parts.push(format!("details {}/{} ({c})", p.known, p.total)),
        (false, None) => parts.push(format!("details {}/{}", p.known, p.total)),
        (true, None) => {}
    }
    if let Some(until) = model.details.backoff_until.filter(|t| *t > now) {
        parts.push(format!("rate limited, resuming in {}", age(now, until)));
    } else if p.remaining() > 0 {
        let left = model.details.time_left(&p, now).as_secs();
        parts.push(if left < 60 {
            "under a minute left".to_owned()
        } else {
            format!("about {} min left", (left + 59) / 60)
        });
    }
    if p.failed > 0 {
        parts.push(format!("{} could not be read", p.failed));
    }
    Some(parts.join(", "))
}
