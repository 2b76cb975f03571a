//! The fixed clocks tests run on. Every expiry badge, countdown and "left" column is relative
//! to the clock, so a snapshot stays the same only on the same one.

use jiff::Timestamp;

/// The clock of the TUI tests and snapshots and of anything built on the demo organization:
/// `sim::demo_apps(now())` places its secrets' expiries around it.
pub fn now() -> Timestamp {
    "2026-11-23T09:00:00Z".parse().unwrap()
}

/// The moment `tests/fixtures/apps-expiry.json` was written against: its expiry dates are
/// absolute, a few days and weeks on either side of this.
pub fn expiry_fixture_now() -> Timestamp {
    "2026-03-01T00:00:00Z".parse().unwrap()
}
