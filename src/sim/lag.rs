//! Read lag: the live server applies a write at once but its reads catch up seconds later
//! (clients poll several times before they see a change). Each change keeps the app's previous
//! version with the time of the change; a read at `now` sees the version as of `now - lag`.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};

use super::store::StoredApp;

#[derive(Debug, Clone, Default)]
pub struct ReadLag {
    lag: SignedDuration,
    /// Per app, `(time of a change, the app before it)`, oldest first; `None`: it did not exist.
    history: HashMap<String, Vec<(Timestamp, Option<StoredApp>)>>,
}

/// What a read sees of one app.
pub enum Seen<'a> {
    /// Its current state.
    Current,
    /// An older version, or nothing (`None`: not created yet as far as reads know).
    Old(Option<&'a StoredApp>),
}

impl ReadLag {
    pub fn new(lag: SignedDuration) -> Self {
        ReadLag {
            lag,
            history: HashMap::new(),
        }
    }

    pub fn is_on(&self) -> bool {
        self.lag.is_positive()
    }

    fn horizon(&self, now: Timestamp) -> Timestamp {
        now.checked_sub(self.lag).unwrap_or(now)
    }

    /// Remembers the app as it was before a change made at `at`.
    pub fn record(&mut self, client_id: &str, before: Option<StoredApp>, at: Timestamp) {
        if !self.is_on() {
            return;
        }
        let horizon = self.horizon(at);
        self.history.retain(|_, changes| {
            changes.retain(|(t, _)| *t > horizon);
            !changes.is_empty()
        });
        self.history
            .entry(client_id.to_owned())
            .or_default()
            .push((at, before));
    }

    /// The version of `client_id` a read at `now` sees: the one before the oldest change
    /// that reads have not caught up with yet.
    pub fn seen(&self, client_id: &str, now: Timestamp) -> Seen<'_> {
        let horizon = self.horizon(now);
        match self
            .history
            .get(client_id)
            .and_then(|changes| changes.iter().find(|(t, _)| *t > horizon))
        {
            Some((_, before)) => Seen::Old(before.as_ref()),
            None => Seen::Current,
        }
    }

    /// Apps with changes still hidden from reads: deleted ones among them are still visible.
    pub fn pending_ids(&self) -> impl Iterator<Item = &str> {
        self.history.keys().map(String::as_str)
    }
}
