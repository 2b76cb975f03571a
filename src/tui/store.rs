//! The app store: every app of the organization once, keyed by client id, with what the
//! filter and the sorts need computed when an app arrives or changes (lower-cased search keys,
//! name order and ranks), so that a keystroke or a sort never lower-cases text again.

use std::collections::HashMap;
use std::ops::Index;
use std::sync::Arc;

use crate::api::model::App;

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

/// The apps of the organization, each held once and keyed by client id, next to what the
/// filter and the sort need: lower-cased once when an app arrives or changes, instead of on
/// every keystroke and every comparison. Reads look like a `HashMap<String, App>`; every way
/// to change an app goes through here so that its keys can never go stale.
#[derive(Debug, Default)]
pub struct AppStore {
    pub(super) slots: Vec<Slot>,
    /// Client id → slot. foldhash: ids come from the server, and it is seeded per map.
    index: HashMap<Arc<str>, usize, foldhash::fast::RandomState>,
    /// Changed by every change, so that orders computed from the slots know they are stale.
    /// Drawn from `clock`: a store rebuilt by a refresh must never reuse a generation the
    /// one before had, or a cached order would outlive its slots.
    pub(super) generation: u64,
    /// The store's change counter: generations and stamps are drawn from it, and a refresh
    /// that rebuilds the store carries it over. Kept here rather than process-wide, so that
    /// the same model and the same message give the same result.
    clock: u64,
    /// Some slot was handed out mutably and its keys must be recomputed before use.
    stale: bool,
    /// Some slot has the keys of its name only (`Slot::full`).
    partial: bool,
    /// Slots by name (then client id), and each slot's place in that order, for the
    /// generation in `names_for`: every sort and the expiry rows break ties with it.
    pub(super) name_order: Vec<u32>,
    pub(super) name_rank: Vec<u32>,
    names_for: Option<u64>,
    /// What the last refresh replaced, for the event loop to free once the frame is drawn
    /// (`take_garbage`): 10,000 apps are some 100,000 allocations, and freeing them is most
    /// of a refresh's cost.
    garbage: Garbage,
}

/// What a refresh replaced: the copies that came in equal to the apps kept, and the slots of
/// changed or gone apps. Nothing is done with it but freeing it.
#[derive(Debug, Default)]
pub struct Garbage {
    apps: Vec<App>,
    slots: Vec<Slot>,
}

impl Garbage {
    pub fn is_empty(&self) -> bool {
        self.apps.is_empty() && self.slots.is_empty()
    }

    /// The apps it holds.
    pub fn apps(&self) -> impl Iterator<Item = &App> {
        self.apps.iter().chain(self.slots.iter().map(|s| &s.app))
    }
}

#[derive(Debug)]
pub(super) struct Slot {
    /// The key `index` holds it under (normally `app.id`), shared with the views.
    pub(super) id: Arc<str>,
    pub(super) app: App,
    keys: SearchKeys,
    stale: bool,
    /// Whether `keys` holds every field or the name only. A slot starts with its name (the
    /// sort needs it at once); the rest, every scope name of the app, is read only when a
    /// filter first needs it, so that a refresh that brings 10,000 new apps does not
    /// lower-case 100,000 scope names nobody searches.
    full: bool,
    /// When this app last changed, on the store's clock: a detail read that left before it
    /// is older than what the slot holds.
    stamp: u64,
}

#[derive(Debug, Default)]
struct SearchKeys {
    /// Every field the filter looks at, lower-cased, one per line, the name first. Bytes of
    /// UTF-8: the filter searches it with `memmem`, and the name sorts as bytes, which is how
    /// `str` sorts too.
    haystack: Box<[u8]>,
    name_len: usize,
    /// Where the scope names start in `haystack` (its end when there are none): `scope:`
    /// searches only them.
    scopes_at: usize,
    /// The first 16 bytes of the lower-cased name, zero-padded, big-endian: most name
    /// comparisons are settled by one integer comparison.
    name_prefix: u128,
}

impl SearchKeys {
    /// The keys of every field, or (`full` false) of the name alone.
    fn of(app: &App, full: bool) -> Self {
        let scopes = || app.resources.iter().flat_map(|r| &r.scopes);
        let fields = || {
            let rest = full.then(|| {
                std::iter::once(app.id.as_str())
                    .chain(app.redirect_uri.as_deref())
                    .chain(scopes().map(|s| s.name.as_str()))
            });
            std::iter::once(app.name.as_str()).chain(rest.into_iter().flatten())
        };
        // Name, client id and the redirect URI come before the scope names.
        let head_fields = 2 + usize::from(app.redirect_uri.is_some());
        let mut haystack = Vec::with_capacity(fields().map(|f| f.len() + 1).sum::<usize>());
        let mut scopes_at = None;
        for (i, field) in fields().enumerate() {
            if i > 0 {
                haystack.push(SEPARATOR);
            }
            if i == head_fields {
                scopes_at = Some(haystack.len());
            }
            haystack.extend_from_slice(field.as_bytes());
        }
        // Lower-cased in one pass over the whole text: per field, the calls cost more than
        // the work (an app has some twenty short scope names).
        let name_len = if haystack.is_ascii() {
            haystack.make_ascii_lowercase();
            app.name.len()
        } else {
            haystack.clear();
            let mut name_len = 0;
            for (i, field) in fields().enumerate() {
                if i > 0 {
                    haystack.push(SEPARATOR);
                }
                if i == head_fields {
                    scopes_at = Some(haystack.len());
                }
                // Per field, not per char: `to_lowercase` knows the final sigma.
                haystack.extend_from_slice(field.to_lowercase().as_bytes());
                if i == 0 {
                    name_len = haystack.len();
                }
            }
            name_len
        };
        let mut prefix = [0u8; 16];
        let head = &haystack[..name_len.min(16)];
        prefix[..head.len()].copy_from_slice(head);
        SearchKeys {
            scopes_at: scopes_at.unwrap_or(haystack.len()),
            haystack: haystack.into_boxed_slice(),
            name_len,
            name_prefix: u128::from_be_bytes(prefix),
        }
    }

    fn name(&self) -> &[u8] {
        &self.haystack[..self.name_len]
    }

    /// By lower-cased name, as bytes.
    fn cmp_name(&self, other: &Self) -> std::cmp::Ordering {
        self.name_prefix
            .cmp(&other.name_prefix)
            .then_with(|| self.name().cmp(other.name()))
    }
}

/// Between fields of the haystack. A filter cannot contain it (the filter line is one line),
/// so no match can span two fields; should one ever do, the slow path keeps the meaning.
const SEPARATOR: u8 = b'\n';

impl Slot {
    fn new(id: Arc<str>, app: App, stamp: u64) -> Self {
        Slot {
            id,
            keys: SearchKeys::of(&app, false),
            app,
            stale: false,
            full: false,
            stamp,
        }
    }

    /// `matches_filter`, on the precomputed keys. `needle` is already lower case and
    /// `finder` looks for it.
    pub(super) fn matches(&self, needle: &str, finder: &memchr::memmem::Finder) -> bool {
        debug_assert!(
            self.full,
            "search keys not made: call AppStore::search_ready"
        );
        if needle.as_bytes().contains(&SEPARATOR) {
            return matches_filter(&self.app, needle);
        }
        finder.find(&self.keys.haystack).is_some()
    }

    /// Whether one of the scope names holds what `finder` looks for (lower case).
    pub(super) fn scope_matches(&self, finder: &memchr::memmem::Finder) -> bool {
        finder
            .find(&self.keys.haystack[self.keys.scopes_at..])
            .is_some()
    }

    /// The lower-cased name.
    pub(super) fn name_key(&self) -> &[u8] {
        self.keys.name()
    }
}

impl AppStore {
    /// A store of exactly these apps, keyed by their client ids (the last of a duplicate id
    /// wins, as with repeated `insert`).
    pub fn from_list(apps: Vec<App>) -> Self {
        let mut store = AppStore {
            slots: Vec::with_capacity(apps.len()),
            index: HashMap::with_capacity_and_hasher(apps.len(), Default::default()),
            ..AppStore::default()
        };
        for app in apps {
            let id: Arc<str> = Arc::from(app.id.as_str());
            store.insert(id, app);
        }
        store
    }

    /// Replaces the apps with `apps`, the answer of a refresh. That answer is mostly the same
    /// apps again: an app equal to the one in its slot keeps the slot (its search keys and
    /// stamp) and only the copy that came in is dropped; a changed app gets a fresh slot under
    /// the id it had. When nothing changed, not even the order, the generation stays, so that
    /// the orders and rows computed from the store stay valid; when no name changed either, the
    /// name order does. What is replaced waits in `take_garbage`.
    pub fn replace_all(&mut self, apps: Vec<App>) {
        // Left by a caller that never takes it (tests calling `update` alone): freed here, so
        // that at most one refresh's worth waits.
        self.garbage = Garbage::default();
        // Every change of this refresh shares one stamp, taken only if something changed.
        let stamp = self.clock + 1;
        let names_were_current = self.names_for == Some(self.generation);
        let aligned = apps.len() == self.slots.len()
            && apps.iter().zip(&self.slots).all(|(a, s)| *s.id == *a.id);
        let (changed, renamed) = if aligned {
            self.replace_in_place(apps, stamp)
        } else {
            self.replace_moved(apps, stamp);
            (true, true)
        };
        if changed {
            // New slots have their names' keys only.
            self.partial = true;
            self.clock = self.clock.max(stamp);
            self.generation = self.clock;
            if names_were_current && !renamed {
                self.names_for = Some(self.generation);
            }
        }
    }

    /// The usual refresh: the same apps in the same order, some of them changed. No slot
    /// moves and the index stays. Returns whether an app changed, and whether a name did.
    fn replace_in_place(&mut self, apps: Vec<App>, stamp: u64) -> (bool, bool) {
        let (mut changed, mut renamed) = (false, false);
        self.garbage.apps.reserve(apps.len());
        for (slot, app) in self.slots.iter_mut().zip(apps) {
            if slot.app == app {
                self.garbage.apps.push(app);
                continue;
            }
            changed = true;
            renamed |= slot.app.name != app.name;
            let fresh = Slot::new(Arc::clone(&slot.id), app, stamp);
            self.garbage.slots.push(std::mem::replace(slot, fresh));
        }
        (changed, renamed)
    }

    /// Apps added, removed or in another order: the slots are laid out again, reusing those
    /// of unchanged apps, and the index is rebuilt.
    fn replace_moved(&mut self, apps: Vec<App>, stamp: u64) {
        let mut old: Vec<Option<Slot>> = std::mem::take(&mut self.slots)
            .into_iter()
            .map(Some)
            .collect();
        let mut slots = Vec::with_capacity(apps.len());
        for app in apps {
            let found = self.index.get(app.id.as_str()).copied();
            let slot = match found.and_then(|i| old[i].take()) {
                Some(slot) if slot.app == app => {
                    self.garbage.apps.push(app);
                    slot
                }
                Some(slot) => {
                    let fresh = Slot::new(Arc::clone(&slot.id), app, stamp);
                    self.garbage.slots.push(slot);
                    fresh
                }
                // New, or a second app under an id already taken.
                None => Slot::new(Arc::from(app.id.as_str()), app, stamp),
            };
            slots.push(slot);
        }
        self.slots = slots;
        // Apps no longer listed.
        self.garbage.slots.extend(old.into_iter().flatten());
        self.reindex();
    }

    /// What the last refresh replaced or dropped as a duplicate: the caller frees it when it
    /// suits (the event loop: after the frame, off the UI thread).
    pub fn take_garbage(&mut self) -> Garbage {
        std::mem::take(&mut self.garbage)
    }

    /// The index rebuilt from the slots. A duplicate id keeps its last slot only, as repeated
    /// `insert`s would.
    fn reindex(&mut self) {
        self.index.clear();
        self.index.reserve(self.slots.len());
        let mut duplicates = Vec::new();
        for (i, slot) in self.slots.iter().enumerate() {
            if let Some(earlier) = self.index.insert(Arc::clone(&slot.id), i) {
                duplicates.push(earlier);
            }
        }
        if !duplicates.is_empty() {
            let mut place = 0;
            self.slots.retain(|_| {
                place += 1;
                !duplicates.contains(&(place - 1))
            });
            self.reindex();
        }
    }

    pub fn get(&self, id: &str) -> Option<&App> {
        self.index.get(id).map(|&i| &self.slots[i].app)
    }

    /// The app to change in place; its search keys are recomputed before the next filter.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut App> {
        let &i = self.index.get(id)?;
        self.bump();
        self.stale = true;
        let slot = &mut self.slots[i];
        slot.stale = true;
        slot.stamp = self.generation;
        Some(&mut slot.app)
    }

    /// When the app under `id` last changed (see `AppStore::next_stamp`).
    pub fn stamp(&self, id: &str) -> Option<u64> {
        self.index.get(id).map(|&i| self.slots[i].stamp)
    }

    /// Gives the app under `id` the stamp it had before a list replaced its slot with the
    /// same knowledge.
    pub fn set_stamp(&mut self, id: &str, stamp: u64) {
        if let Some(&i) = self.index.get(id) {
            self.slots[i].stamp = stamp;
        }
    }

    /// A point on the store's clock: later than every change made so far, earlier than
    /// every change to come.
    pub fn next_stamp(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// Where the app under `id` is in `slots`.
    pub(super) fn slot_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// Adds or replaces the app under `id`, returning the one it replaced.
    pub fn insert(&mut self, id: impl Into<Arc<str>>, app: App) -> Option<App> {
        let id = id.into();
        self.bump();
        let slot = Slot::new(Arc::clone(&id), app, self.generation);
        self.partial = true;
        match self.index.get(&id) {
            Some(&i) => Some(std::mem::replace(&mut self.slots[i], slot).app),
            None => {
                self.index.insert(id, self.slots.len());
                self.slots.push(slot);
                None
            }
        }
    }

    pub fn remove(&mut self, id: &str) -> Option<App> {
        let i = self.index.remove(id)?;
        self.bump();
        let removed = self.slots.swap_remove(i);
        if let Some(moved) = self.slots.get(i) {
            // The last slot took the removed one's place.
            if let Some(j) = self.index.get_mut(&moved.id) {
                *j = i;
            }
        }
        Some(removed.app)
    }

    pub fn clear(&mut self) {
        self.bump();
        self.slots.clear();
        self.index.clear();
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn values(&self) -> impl Iterator<Item = &App> {
        self.slots.iter().map(|s| &s.app)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.slots.iter().map(|s| &*s.id)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &App)> {
        self.slots.iter().map(|s| (&*s.id, &s.app))
    }

    /// Recomputes the keys of changed slots; with `full`, also completes the slots that have
    /// their name's only.
    fn refresh_keys(&mut self, full: bool) {
        if !(self.stale || (full && self.partial)) {
            return;
        }
        for slot in self.slots.iter_mut() {
            if slot.stale || (full && !slot.full) {
                slot.keys = SearchKeys::of(&slot.app, full);
                slot.full = full;
                slot.stale = false;
                self.partial |= !full;
            }
        }
        self.stale = false;
        if full {
            self.partial = false;
        }
    }

    /// Makes every slot's search keys whole: before a filter runs.
    pub(super) fn search_ready(&mut self) {
        self.refresh_keys(true);
    }

    /// Computes the name order and ranks, once per generation (with fresh keys).
    pub(super) fn refresh_names(&mut self) {
        self.refresh_keys(false);
        if self.names_for != Some(self.generation) {
            let slots = &self.slots;
            // Sorted as (name prefix, slot) pairs side by side in memory; the slots themselves
            // are read only for names that share their first 16 bytes.
            let mut pairs: Vec<(u128, u32)> = (0..slots.len())
                .map(|i| (slots[i].keys.name_prefix, i as u32))
                .collect();
            pairs.sort_unstable_by(|&(pa, a), &(pb, b)| {
                pa.cmp(&pb).then_with(|| {
                    let (a, b) = (&slots[a as usize], &slots[b as usize]);
                    a.keys.cmp_name(&b.keys).then_with(|| a.id.cmp(&b.id))
                })
            });
            let order: Vec<u32> = pairs.into_iter().map(|(_, slot)| slot).collect();
            let mut rank = vec![0u32; slots.len()];
            for (place, &slot) in order.iter().enumerate() {
                rank[slot as usize] = place as u32;
            }
            self.name_order = order;
            self.name_rank = rank;
            self.names_for = Some(self.generation);
        }
    }
}

impl Index<&str> for AppStore {
    type Output = App;

    fn index(&self, id: &str) -> &App {
        self.get(id).expect("no app with this client id")
    }
}

impl AppStore {
    fn bump(&mut self) {
        self.generation = self.next_stamp();
    }
}

impl<K: Into<Arc<str>>> FromIterator<(K, App)> for AppStore {
    fn from_iter<I: IntoIterator<Item = (K, App)>>(iter: I) -> Self {
        let mut store = AppStore::default();
        for (id, app) in iter {
            store.insert(id, app);
        }
        store
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(id: &str, name: &str) -> App {
        let mut app: App = serde_json::from_value(serde_json::json!({
            "id": id, "name": name, "isConfidential": true,
            "secrets": [{"id": 1, "creationTime": "2026-01-01T00:00:00Z"}]
        }))
        .unwrap();
        app.details = crate::api::model::Details::Known;
        app
    }

    fn apps(names: &[(&str, &str)]) -> Vec<App> {
        names.iter().map(|(id, name)| app(id, name)).collect()
    }

    /// The search keys' allocation: the same one means the slot was kept, not rebuilt.
    fn keys_of(store: &AppStore, id: &str) -> *const u8 {
        store.slots[store.index[id]].keys.haystack.as_ptr()
    }

    /// What a store must always be: each slot under its id in the index, and nothing else.
    fn consistent(store: &AppStore) {
        assert_eq!(store.index.len(), store.slots.len());
        for (i, slot) in store.slots.iter().enumerate() {
            assert_eq!(store.index.get(&*slot.id), Some(&i), "{}", slot.id);
            assert_eq!(*slot.id, *slot.app.id);
        }
    }

    #[test]
    fn a_refresh_keeps_the_slots_of_the_apps_that_did_not_change() {
        let before = apps(&[("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")]);
        let mut store = AppStore::from_list(before.clone());
        let (ka, kc) = (keys_of(&store, "a"), keys_of(&store, "c"));
        let (sa, sb) = (store.stamp("a"), store.stamp("b"));
        let generation = store.generation;

        let mut after = before.clone();
        after[1].name = "Beta renamed".into();
        store.replace_all(after);
        consistent(&store);
        assert_eq!((keys_of(&store, "a"), keys_of(&store, "c")), (ka, kc));
        assert_eq!(store.stamp("a"), sa, "an unchanged app keeps its stamp");
        assert!(store.stamp("b") > sb, "a changed app is newer than before");
        assert!(store.generation > generation);
        assert_eq!(store["b"].name, "Beta renamed");
        // Its keys are the new name's: the filter finds it by it.
        store.search_ready();
        let slot = &store.slots[store.index["b"]];
        assert!(slot.matches("renamed", &memchr::memmem::Finder::new("renamed")));

        let generation = store.generation;
        let same: Vec<App> = store.slots.iter().map(|s| s.app.clone()).collect();
        store.replace_all(same);
        assert_eq!(
            store.generation, generation,
            "nothing changed: orders stay valid"
        );
    }

    #[test]
    fn a_refresh_that_adds_removes_reorders_and_repeats_ids_leaves_a_store_of_that_list() {
        let mut store =
            AppStore::from_list(apps(&[("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]));
        let ka = keys_of(&store, "a");
        let next = apps(&[("c", "C"), ("e", "E"), ("a", "A"), ("c", "C2"), ("b", "B")]);
        let generation = store.generation;
        store.replace_all(next);
        consistent(&store);
        assert!(store.generation > generation);
        let mut ids: Vec<&str> = store.keys().collect();
        ids.sort_unstable();
        assert_eq!(ids, ["a", "b", "c", "e"]);
        assert_eq!(store["c"].name, "C2", "the last of a repeated id wins");
        assert_eq!(keys_of(&store, "a"), ka, "moved, not rebuilt");

        // Reordered only: the same apps, another order.
        let generation = store.generation;
        let mut reordered: Vec<App> = store.values().cloned().collect();
        reordered.reverse();
        store.replace_all(reordered);
        consistent(&store);
        assert!(store.generation > generation, "slot positions moved");

        store.replace_all(Vec::new());
        consistent(&store);
        assert!(store.is_empty());
    }

    /// The names in the store's name order.
    fn by_name(store: &mut AppStore) -> Vec<String> {
        store.refresh_names();
        let order = store.name_order.clone();
        order
            .iter()
            .map(|&i| store.slots[i as usize].app.name.clone())
            .collect()
    }

    #[test]
    fn a_refresh_that_changes_no_name_keeps_the_name_order_and_one_that_renames_sorts_again() {
        let mut store = AppStore::from_list(apps(&[("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")]));
        assert_eq!(by_name(&mut store), ["Alpha", "Beta", "Gamma"]);

        // A secret added: the generation moves, the name order is still the current one.
        let mut next: Vec<App> = store.values().cloned().collect();
        let mut secret = next[1].secrets[0].clone();
        secret.id = 2;
        next[1].secrets.push(secret);
        let generation = store.generation;
        store.replace_all(next.clone());
        assert!(store.generation > generation);
        assert_eq!(
            store.names_for,
            Some(store.generation),
            "no sort for a secret"
        );

        // A rename that moves the app to the top: sorted again, never the stale order.
        next[2].name = "Aardvark".into();
        store.replace_all(next);
        assert_ne!(store.names_for, Some(store.generation));
        assert_eq!(by_name(&mut store), ["Aardvark", "Alpha", "Beta"]);
    }

    #[test]
    fn what_a_refresh_replaced_waits_for_the_caller_and_only_one_refresh_of_it() {
        let before = apps(&[("a", "Alpha"), ("b", "Beta")]);
        let mut store = AppStore::from_list(before.clone());
        let mut after = before.clone();
        after[0].name = "Alpha 2".into();
        store.replace_all(after.clone());
        // The equal copy of b that came in, and the a it replaced.
        let garbage = store.take_garbage();
        let mut names: Vec<&str> = garbage.apps().map(|a| a.name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["Alpha", "Beta"]);
        assert!(store.take_garbage().is_empty(), "taken once");
        assert_eq!(store["a"].name, "Alpha 2");

        // Not taken: the next refresh frees it instead of piling it up.
        store.replace_all(after.clone());
        store.replace_all(after.clone());
        assert_eq!(store.take_garbage().apps().count(), 2);

        // Apps no longer listed are handed over too.
        store.replace_all(vec![after[1].clone()]);
        let garbage = store.take_garbage();
        let names: Vec<&str> = garbage.apps().map(|a| a.name.as_str()).collect();
        assert!(names.contains(&"Alpha 2"), "{names:?}");
        consistent(&store);
    }
}
