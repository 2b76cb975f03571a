//! One secret state per app: what decides whether an integration that signs in with the app's
//! client credentials keeps working. The app list, its expiry sort, `apps list`, `secrets list`
//! and the filter all read it from here, so they cannot disagree.
//!
//! A secret is valid while its expiry lies ahead (or it never expires). An app whose valid
//! secrets are gone breaks, however many expired ones it still carries; those are only left to
//! clean up, and are counted apart so they never hide the state.

use jiff::Timestamp;

use crate::api::model::App;

/// The state of an app's secrets at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretState {
    /// The app's secrets are not read yet: never shown as "none".
    NotLoaded,
    /// A public app signs users in through a redirect URI; it has no secrets by design.
    Public,
    /// A confidential app without a secret that still works: none at all, or every one
    /// expired. Client credentials fail for it now.
    NoValidSecret,
    /// The nearest expiry among the secrets that still work.
    Expires(Timestamp),
    /// Every secret that still works never expires.
    Never,
}

/// An app's secret state and the expired secrets it still carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretStatus {
    pub state: SecretState,
    /// Expired secrets left to delete; 0 when the details are not loaded.
    pub expired: usize,
}

impl SecretStatus {
    /// The nearest expiry among valid secrets, where the state is one.
    pub fn next_expiry(&self) -> Option<Timestamp> {
        match self.state {
            SecretState::Expires(t) => Some(t),
            _ => None,
        }
    }

    /// Expired secrets left to delete; `None` when not loaded, never read as "none".
    pub fn expired_known(&self) -> Option<usize> {
        (self.state != SecretState::NotLoaded).then_some(self.expired)
    }
}

/// Whether a secret expiring at `expiry` still works at `now`.
pub fn is_valid(expiry: Option<Timestamp>, now: Timestamp) -> bool {
    expiry.is_none_or(|t| t > now)
}

/// The state of `app`'s secrets at `now`: one pass over its secrets, no allocation (the app
/// list computes it for every visible row of every frame).
pub fn of(app: &App, now: Timestamp) -> SecretStatus {
    if !app.details_known() {
        return SecretStatus {
            state: SecretState::NotLoaded,
            expired: 0,
        };
    }
    let mut expired = 0;
    let mut nearest: Option<Timestamp> = None;
    let mut never = false;
    for s in &app.secrets {
        match s.expiry_time {
            Some(t) if t <= now => expired += 1,
            Some(t) => nearest = Some(nearest.map_or(t, |n| n.min(t))),
            None => never = true,
        }
    }
    let state = match (app.is_confidential, nearest, never) {
        (false, _, _) => SecretState::Public,
        (true, Some(t), _) => SecretState::Expires(t),
        (true, None, true) => SecretState::Never,
        (true, None, false) => SecretState::NoValidSecret,
    };
    SecretStatus { state, expired }
}

/// Until when a confidential app keeps a valid secret: the last expiry among its secrets
/// (`Timestamp::MIN` when it has none at all). `None` when that never ends (a secret never
/// expires), for a public app, and when not loaded. `of(app, now)` is `NoValidSecret` exactly
/// when this is `Some(t)` with `t <= now`, so a list of these, sorted, counts the apps without a
/// valid secret at any moment with one binary search.
pub fn valid_until(app: &App) -> Option<Timestamp> {
    if !app.details_known() || !app.is_confidential {
        return None;
    }
    app.secrets
        .iter()
        .try_fold(Timestamp::MIN, |last, s| s.expiry_time.map(|t| last.max(t)))
}

impl SecretState {
    /// The expiry sort: what breaks first. Apps without a valid secret (already broken), then
    /// the nearest expiry, then never-expiring, then public apps, then apps not loaded yet
    /// (not loaded is not "no secret").
    pub fn sort_key(self) -> (u8, Option<Timestamp>) {
        match self {
            SecretState::NoValidSecret => (0, None),
            SecretState::Expires(t) => (1, Some(t)),
            SecretState::Never => (2, None),
            SecretState::Public => (3, None),
            SecretState::NotLoaded => (4, None),
        }
    }

    /// When this state stops being true without anything else changing: the nearest expiry.
    pub fn changes_at(self) -> Option<Timestamp> {
        match self {
            SecretState::Expires(t) => Some(t),
            _ => None,
        }
    }

    /// The name scripts read (`--json`, `--format csv`): `not_loaded`, `public`,
    /// `no_valid_secret`, `expires` or `never`.
    pub fn key(self) -> &'static str {
        match self {
            SecretState::NotLoaded => "not_loaded",
            SecretState::Public => "public",
            SecretState::NoValidSecret => "no_valid_secret",
            SecretState::Expires(_) => "expires",
            SecretState::Never => "never",
        }
    }
}

/// The words for a state that the badge of a length of time does not give.
pub const NO_VALID_SECRET: &str = "no valid secret";

/// The mark for "not loaded" in tables: never `0` or `-`, which would read as none.
pub const NOT_LOADED: &str = "…";

/// The state as text for tables: `no valid secret`, `11d`, `never`, `-` for a public app and
/// `…` for one not read yet.
pub fn text(state: SecretState, now: Timestamp) -> String {
    match state {
        SecretState::NotLoaded => NOT_LOADED.to_owned(),
        SecretState::Public => "-".to_owned(),
        SecretState::NoValidSecret => NO_VALID_SECRET.to_owned(),
        SecretState::Expires(t) => super::expiry::badge(Some(t), now),
        SecretState::Never => "never".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::Details;
    use jiff::SignedDuration;

    const NOW: Timestamp = Timestamp::UNIX_EPOCH;

    fn app(confidential: bool, expiries: &[Option<i64>]) -> App {
        let secrets: Vec<_> = expiries
            .iter()
            .enumerate()
            .map(|(i, days)| {
                let e = days.map(|d| (NOW + SignedDuration::from_hours(24 * d)).to_string());
                serde_json::json!({
                    "id": i as i64 + 1, "creationTime": "1969-01-01T00:00:00Z", "expiryTime": e
                })
            })
            .collect();
        let mut app: App = serde_json::from_value(serde_json::json!({
            "id": "c", "name": "n", "isConfidential": confidential, "secrets": secrets
        }))
        .unwrap();
        app.details = Details::Known;
        app
    }

    fn days(d: i64) -> Timestamp {
        NOW + SignedDuration::from_hours(24 * d)
    }

    #[test]
    fn each_state_by_its_rule() {
        let st = |a: &App| of(a, NOW);
        let none = SecretStatus {
            state: SecretState::NoValidSecret,
            expired: 0,
        };
        assert_eq!(st(&app(true, &[])), none);
        assert_eq!(
            st(&app(true, &[Some(-3), Some(-200)])),
            SecretStatus {
                state: SecretState::NoValidSecret,
                expired: 2
            }
        );
        assert_eq!(
            st(&app(true, &[Some(-35), Some(5), Some(40)])),
            SecretStatus {
                state: SecretState::Expires(days(5)),
                expired: 1
            }
        );
        assert_eq!(
            st(&app(true, &[None, Some(-1)])),
            SecretStatus {
                state: SecretState::Never,
                expired: 1
            }
        );
        // A date among the valid ones is the nearest expiry, a never-expiring one or not.
        assert_eq!(
            st(&app(true, &[None, Some(20)])).state,
            SecretState::Expires(days(20))
        );
        assert_eq!(st(&app(false, &[])).state, SecretState::Public);
        let mut unread = app(true, &[]);
        unread.details = Details::Unknown;
        assert_eq!(st(&unread).state, SecretState::NotLoaded);
    }

    #[test]
    fn a_secret_expiring_now_is_no_longer_valid() {
        assert_eq!(
            of(&app(true, &[Some(0)]), NOW).state,
            SecretState::NoValidSecret
        );
        assert!(!is_valid(Some(NOW), NOW));
        assert!(is_valid(None, NOW));
    }

    #[test]
    fn the_sort_puts_what_is_broken_first_and_not_loaded_last() {
        let mut keys = [
            SecretState::NotLoaded,
            SecretState::Public,
            SecretState::Never,
            SecretState::Expires(days(30)),
            SecretState::Expires(days(2)),
            SecretState::NoValidSecret,
        ];
        keys.sort_by_key(|s| s.sort_key());
        assert_eq!(
            keys,
            [
                SecretState::NoValidSecret,
                SecretState::Expires(days(2)),
                SecretState::Expires(days(30)),
                SecretState::Never,
                SecretState::Public,
                SecretState::NotLoaded,
            ]
        );
    }

    #[test]
    fn valid_until_agrees_with_the_state_at_every_moment() {
        let apps = [
            app(true, &[]),
            app(true, &[Some(-3), Some(-200)]),
            app(true, &[Some(-35), Some(5), Some(40)]),
            app(true, &[None, Some(-1)]),
            app(true, &[Some(2)]),
            app(false, &[]),
        ];
        for a in &apps {
            for d in [-300, -36, -35, -2, 0, 1, 2, 3, 5, 39, 40, 41, 400] {
                let now = days(d);
                let broken = of(a, now).state == SecretState::NoValidSecret;
                let by_date = valid_until(a).is_some_and(|t| t <= now);
                assert_eq!(broken, by_date, "{a:?} at {d}");
            }
        }
    }

    #[test]
    fn texts() {
        assert_eq!(text(SecretState::NoValidSecret, NOW), "no valid secret");
        assert_eq!(text(SecretState::Expires(days(11)), NOW), "11d");
        assert_eq!(text(SecretState::Never, NOW), "never");
        assert_eq!(text(SecretState::Public, NOW), "-");
        assert_eq!(SecretState::NoValidSecret.key(), "no_valid_secret");
    }
}
