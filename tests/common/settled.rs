//! "The screen is settled": no request in flight, said both by the model and by the frame's
//! status line. A snapshot named for a settled state asserts this, so a request the test
//! forgot to answer fails as a check instead of freezing a spinner into the snapshot.

use extapps::tui::Model;
use extapps::tui::model::RequestKind;

/// Nothing in flight, and the status line of `screen` (a frame of `model`) says so.
pub fn assert_settled(model: &Model, screen: &str) {
    assert!(
        model.requests.is_empty(),
        "requests left unanswered: {:?}",
        model.requests
    );
    assert!(
        // The status line is the row above the key hint bar, the last.
        screen
            .lines()
            .rev()
            .nth(1)
            .is_some_and(|l| l.contains("● idle")),
        "the status line is not idle: {screen}"
    );
}

/// Only requests of `kind` in flight, as many as `count`: a spinner that is the point of the
/// screen (details still loading, a login waiting for the browser), and nothing else left
/// unanswered.
pub fn assert_only_in_flight(model: &Model, kind: RequestKind, count: usize) {
    let kinds: Vec<RequestKind> = model.requests.kinds().collect();
    assert_eq!(kinds, vec![kind; count], "in flight: {:?}", model.requests);
}
