//! The app list's filter qualifiers (`kind:`, `state:`, `expires:<`, `scope:`), through the
//! real keymap and `update`, on an organization built here so that each app stands for one
//! case: the filter line's count, apps whose details are not loaded (not judged, and said),
//! and qualifiers that cannot be read (said, not an empty list).

use crate::common::tui::{loaded_model, now, render, screen_options, type_text};

use extapps::api::model::{App, Details};
use extapps::tui::keymap::{self, Action};
use extapps::tui::model::Mode;
use extapps::tui::msg::{Msg, TextEdit};
use extapps::tui::{Model, update};
use jiff::SignedDuration;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// An app with secrets expiring these many days from `now()` (`None`: never) and these scopes.
fn app(name: &str, confidential: bool, expiries: &[Option<i64>], scopes: &[&str]) -> App {
    let secrets: Vec<_> = expiries
        .iter()
        .enumerate()
        .map(|(i, days)| {
            let expiry = days.map(|d| (now() + SignedDuration::from_hours(24 * d)).to_string());
            serde_json::json!({
                "id": 100 + i, "description": format!("{name} secret {i}"),
                "creationTime": "2026-01-01T00:00:00Z", "expiryTime": expiry,
            })
        })
        .collect();
    let scopes: Vec<_> = scopes
        .iter()
        .map(|s| serde_json::json!({"name": s, "type": 1}))
        .collect();
    let id = format!("id-{}", name.to_lowercase().replace(' ', "-"));
    let mut app: App = serde_json::from_value(serde_json::json!({
        "id": id, "name": name, "isConfidential": confidential, "secrets": secrets,
        "resources": [{"name": "UiPath.Orchestrator", "scopes": scopes}],
    }))
    .unwrap();
    app.details = Details::Known;
    app
}

/// What a summary list says of an app: its kind and name, nothing of its scopes or secrets.
fn summary(name: &str, confidential: bool) -> App {
    let mut a = app(name, confidential, &[], &[]);
    a.resources.clear();
    a.details = Details::Unknown;
    a
}

fn org() -> Vec<App> {
    vec![
        app(
            "Alpha Invoice Bot",
            true,
            &[Some(-35), Some(5)],
            &["OR.Jobs", "OR.Queues"],
        ),
        app(
            "Beta Reporting",
            true,
            &[Some(-3), Some(363)],
            &["OR.Folders.Read"],
        ),
        app("Gamma No Secret", true, &[], &["OR.Jobs.Read"]),
        app(
            "Delta All Expired",
            true,
            &[Some(-1), Some(-200)],
            &["DU.Extraction"],
        ),
        app("Epsilon Mobile", false, &[], &["or.jobs"]),
        app("Zeta Never", true, &[None], &["OR.Machines"]),
        app("Eta Soon", true, &[Some(12)], &["OR.Jobs.Write"]),
        summary("Theta Summary", true),
        summary("Iota Summary", false),
    ]
}

fn loaded() -> Model {
    loaded_model(screen_options(), now(), org(), None)
}

fn key(model: &mut Model, code: KeyCode) {
    let ev = KeyEvent::new(code, KeyModifiers::NONE);
    let msg = keymap::resolve(&ev, model.mode(), model.focus)
        .unwrap_or_else(|| panic!("{code:?} is not bound in {:?}", model.mode()));
    update(model, msg);
}

/// `/`, the text, Enter: the filter kept, as a user leaves it.
fn filter(model: &mut Model, text: &str) {
    if model.mode() != Mode::Filter {
        key(model, KeyCode::Char('/'));
    }
    update(model, Msg::Key(Action::Edit(TextEdit::Clear)));
    type_text(model, text);
    key(model, KeyCode::Enter);
}

fn shown(model: &Model) -> Vec<&str> {
    let mut names: Vec<&str> = model
        .view
        .iter()
        .map(|id| model.apps[&**id].name.as_str())
        .collect();
    names.sort();
    names
}

#[test]
fn kind_needs_no_details() {
    let mut m = loaded();
    filter(&mut m, "kind:public");
    assert_eq!(shown(&m), ["Epsilon Mobile", "Iota Summary"]);
    assert_eq!(m.filter_outcome.not_loaded, 0);
    filter(&mut m, "KIND:Confidential");
    assert_eq!(m.view.len(), 7);
    assert_eq!(m.filter_outcome.not_loaded, 0);
}

#[test]
fn novalid_is_a_confidential_app_without_a_valid_secret() {
    let mut m = loaded();
    filter(&mut m, "state:novalid");
    assert_eq!(shown(&m), ["Delta All Expired", "Gamma No Secret"]);
    // Theta's secrets are not known; Iota is public and can have none.
    assert_eq!(m.filter_outcome.not_loaded, 1);
}

#[test]
fn expired_is_any_expired_secret_even_beside_a_valid_one() {
    let mut m = loaded();
    filter(&mut m, "state:expired");
    assert_eq!(
        shown(&m),
        ["Alpha Invoice Bot", "Beta Reporting", "Delta All Expired"]
    );
    assert_eq!(m.filter_outcome.not_loaded, 1);
}

#[test]
fn expires_is_a_valid_secret_within_the_window_in_hours_days_or_weeks() {
    let mut m = loaded();
    filter(&mut m, "expires:<14d");
    assert_eq!(shown(&m), ["Alpha Invoice Bot", "Eta Soon"]);
    assert_eq!(m.filter_outcome.not_loaded, 1);
    filter(&mut m, "expires:<1w");
    assert_eq!(shown(&m), ["Alpha Invoice Bot"]);
    filter(&mut m, "expires:<121h");
    assert_eq!(shown(&m), ["Alpha Invoice Bot"]);
    filter(&mut m, "expires:<119h");
    assert!(m.view.is_empty(), "{:?}", shown(&m));
    filter(&mut m, "expires:<2w");
    assert_eq!(shown(&m), ["Alpha Invoice Bot", "Eta Soon"]);
}

#[test]
fn expires_is_taken_again_as_time_passes() {
    let mut m = loaded();
    filter(&mut m, "expires:<14d");
    assert_eq!(shown(&m), ["Alpha Invoice Bot", "Eta Soon"]);
    // Six days on, Alpha's last valid secret has expired; Eta's is two days nearer.
    update(
        &mut m,
        Msg::Tick {
            now: now() + SignedDuration::from_hours(24 * 6),
        },
    );
    assert_eq!(shown(&m), ["Eta Soon"]);
}

#[test]
fn scope_is_part_of_a_scope_name_in_any_case() {
    let mut m = loaded();
    filter(&mut m, "scope:or.jobs");
    assert_eq!(
        shown(&m),
        [
            "Alpha Invoice Bot",
            "Epsilon Mobile",
            "Eta Soon",
            "Gamma No Secret"
        ]
    );
    // Neither summary's scopes are known.
    assert_eq!(m.filter_outcome.not_loaded, 2);
    filter(&mut m, "scope:Extraction");
    assert_eq!(shown(&m), ["Delta All Expired"]);
    // A name is not a scope.
    filter(&mut m, "scope:alpha");
    assert!(m.view.is_empty());
}

#[test]
fn qualifiers_and_text_must_all_hold() {
    let mut m = loaded();
    filter(&mut m, "kind:confidential scope:or.jobs state:expired");
    assert_eq!(shown(&m), ["Alpha Invoice Bot"]);
    filter(&mut m, "invoice expires:<14d");
    assert_eq!(shown(&m), ["Alpha Invoice Bot"]);
    filter(&mut m, "expires:<14d soon");
    assert_eq!(shown(&m), ["Eta Soon"]);
    filter(&mut m, "expires:<14d state:novalid");
    assert!(m.view.is_empty());
    filter(&mut m, "kind:public state:expired");
    assert!(m.view.is_empty());
    assert_eq!(
        m.filter_outcome.not_loaded, 0,
        "public apps have no secrets"
    );
    // Text alone still searches names, and finds the summaries by theirs.
    filter(&mut m, "summary");
    assert_eq!(shown(&m), ["Iota Summary", "Theta Summary"]);
}

#[test]
fn apps_not_loaded_are_counted_on_the_filter_line_not_hidden_silently() {
    let mut m = loaded();
    filter(&mut m, "state:novalid");
    let screen = render(&mut m, 120, 35);
    assert!(screen.contains("2 of 9"), "{screen}");
    assert!(screen.contains("1 not loaded"), "{screen}");
    // Nothing loaded matches: the empty list says the unloaded ones may.
    filter(&mut m, "scope:OR.Webhooks");
    assert!(m.view.is_empty());
    let screen = render(&mut m, 120, 35);
    assert!(screen.contains("0 of 9"), "{screen}");
    assert!(screen.contains("2 not loaded"), "{screen}");
    assert!(screen.contains("not loaded yet may"), "{screen}");
}

#[test]
fn a_malformed_qualifier_is_said_and_left_out() {
    let mut m = loaded();
    key(&mut m, KeyCode::Char('/'));
    type_text(&mut m, "kind:confidential expires:<14x");
    // The bad part is left out, the rest applies: not a silent empty list.
    assert_eq!(m.view.len(), 7);
    assert_eq!(m.filter_outcome.problems.len(), 1);
    let screen = render(&mut m, 120, 35);
    assert!(screen.contains("7 of 9"), "{screen}");
    assert!(screen.contains("expires:<14x:"), "{screen}");
    assert!(screen.contains("not a length of time"), "{screen}");
    assert!(screen.contains("(not applied)"), "{screen}");
    // Typed on, it reads and applies.
    update(&mut m, Msg::Key(Action::Edit(TextEdit::Backspace)));
    type_text(&mut m, "d");
    assert!(m.filter_outcome.problems.is_empty());
    assert_eq!(shown(&m), ["Alpha Invoice Bot", "Eta Soon"]);
}

#[test]
fn an_unknown_qualifier_is_said() {
    let mut m = loaded();
    filter(&mut m, "kinds:public");
    assert!(m.view.is_empty());
    let screen = render(&mut m, 120, 35);
    assert!(screen.contains("kinds: is not a qualifier"), "{screen}");
    // A port is not a qualifier.
    filter(&mut m, "localhost:8080");
    assert!(m.filter_outcome.problems.is_empty());
}

#[test]
fn the_filter_line_counts_matches_and_says_what_it_could_not_use_80x24() {
    let mut m = loaded();
    key(&mut m, KeyCode::Char('/'));
    type_text(&mut m, "state:expired expires:<2x");
    insta::assert_snapshot!(render(&mut m, 80, 24));
}

#[test]
fn an_empty_filter_line_shows_what_it_understands_120x35() {
    let mut m = loaded();
    key(&mut m, KeyCode::Char('/'));
    let screen = render(&mut m, 120, 35);
    assert!(screen.contains("kind:public state:novalid"), "{screen}");
    assert!(screen.contains("9 of 9"), "{screen}");
}
