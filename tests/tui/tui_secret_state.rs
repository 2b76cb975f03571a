//! One secret state per app in the app list: what the Expires column says for each kind of
//! app, its warning colour, where the expiry sort puts it, and how time moves it.

use crate::common::tui::{loaded_model, now, options, press, render};

use extapps::api::model::{App, Details};
use extapps::tui::keymap::Action;
use extapps::tui::model::SortKey;
use extapps::tui::msg::Msg;
use extapps::tui::{Model, TuiOptions, update, view};
use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

fn hours(h: i64) -> Timestamp {
    now() + SignedDuration::from_hours(h)
}

/// An app whose secrets expire at these times (`None`: never), its details known.
fn app(name: &str, confidential: bool, expiries: &[Option<Timestamp>]) -> App {
    let secrets: Vec<_> = expiries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            serde_json::json!({
                "id": 5000 + i as i64,
                "description": format!("{name} {i}"),
                "creationTime": "2025-01-01T00:00:00Z",
                "expiryTime": e.map(|t| t.to_string()),
            })
        })
        .collect();
    let mut app: App = serde_json::from_value(serde_json::json!({
        "id": format!("id-{}", name.to_lowercase().replace(' ', "-")),
        "name": name,
        "isConfidential": confidential,
        "redirectUri": if confidential { None } else { Some("http://localhost:1") },
        "secrets": secrets,
    }))
    .unwrap();
    app.details = Details::Known;
    app
}

fn days(d: i64) -> Option<Timestamp> {
    Some(hours(24 * d))
}

/// One app of each state, and one whose details are not read yet.
fn org() -> Vec<App> {
    let mut unread = app("Not read yet", true, &[]);
    unread.details = Details::Unknown;
    vec![
        app("No secret", true, &[]),
        app("All expired", true, &[days(-3), days(-200)]),
        app("One of each", true, &[days(-35), days(5)]),
        app("Never expires", true, &[None]),
        app("Never and expired", true, &[None, days(-1)]),
        app("Public portal", false, &[]),
        unread,
    ]
}

fn model_with(apps: Vec<App>) -> Model {
    let opts = TuiOptions {
        no_color: true,
        ..options()
    };
    loaded_model(opts, now(), apps, None)
}

/// The Expires cell of `name`'s row: the end of its line in the app list pane.
fn cell(screen: &str, name: &str) -> String {
    let row = screen
        .lines()
        .find(|l| l.starts_with(&format!("\"┃{name}")))
        .unwrap_or_else(|| panic!("no row {name}:\n{screen}"));
    row.split('┃').nth(1).unwrap().trim_end().to_owned()
}

fn names(model: &Model) -> Vec<String> {
    model
        .view
        .iter()
        .map(|id| model.apps[id.to_string().as_str()].name.clone())
        .collect()
}

#[test]
fn the_expires_column_says_each_state() {
    let mut model = model_with(org());
    let screen = render(&mut model, 120, 35);
    for (name, state) in [
        ("No secret", " no valid secret"),
        ("All expired", " no valid secret"),
        ("One of each", " 5d +1✗"),
        ("Never expires", " never"),
        ("Never and expired", " never +1✗"),
        ("Public portal", " -"),
        ("Not read yet", " …"),
    ] {
        let cell = cell(&screen, name);
        assert!(cell.ends_with(state), "{name}: {cell:?}\n{screen}");
    }
    // Expired is a secret's state, never an app's: no row reads EXPIRED.
    assert!(!screen.contains("EXPIRED"), "{screen}");
}

#[test]
fn narrow_lists_keep_the_state_in_fewer_cells() {
    let mut model = model_with(org());
    let screen = render(&mut model, 80, 24);
    assert!(
        cell(&screen, "No secret").ends_with(" no valid"),
        "{screen}"
    );
    assert!(
        cell(&screen, "One of each").ends_with(" 5d +1✗"),
        "{screen}"
    );
    assert!(
        cell(&screen, "Never and").ends_with(" never +1✗"),
        "{screen}"
    );
}

#[test]
fn no_valid_secret_is_in_the_warning_colour() {
    let mut model = loaded_model(options(), now(), org(), None);
    update(
        &mut model,
        Msg::Resize {
            width: 120,
            height: 35,
        },
    );
    let mut terminal = Terminal::new(TestBackend::new(120, 35)).unwrap();
    terminal.draw(|f| view(&model, f)).unwrap();
    let buffer = terminal.backend().buffer();
    let text_at = |y: u16| -> String {
        (0..120)
            .map(|x| buffer[(x, y)].symbol().to_owned())
            .collect()
    };
    let y = (0..35)
        .find(|&y| text_at(y).contains("┃No secret"))
        .unwrap();
    let line = text_at(y);
    let x = line.find("no valid secret").unwrap();
    let x = line[..x].chars().count() as u16;
    assert_eq!(buffer[(x, y)].bg, Color::Yellow, "{line}");
    // A date is not a warning.
    let y = (0..35)
        .find(|&y| text_at(y).contains("┃One of each"))
        .unwrap();
    let line = text_at(y);
    let x = line[..line.find("5d").unwrap()].chars().count() as u16;
    assert_ne!(buffer[(x, y)].bg, Color::Yellow, "{line}");
}

#[test]
fn the_expiry_sort_puts_apps_without_a_valid_secret_first() {
    let mut model = model_with(org());
    press(&mut model, Action::CycleSort);
    assert_eq!(model.sort, SortKey::Expiry);
    assert_eq!(
        names(&model),
        [
            "All expired",
            "No secret",
            "One of each",
            "Never and expired",
            "Never expires",
            "Public portal",
            "Not read yet",
        ]
    );
}

#[test]
fn the_expiry_sort_follows_time_as_secrets_expire() {
    let mut model = model_with(vec![
        app("Rotated soon", true, &[Some(hours(1)), days(30)]),
        app("Ten days", true, &[days(10)]),
        app("Last hour", true, &[Some(hours(2))]),
    ]);
    press(&mut model, Action::CycleSort);
    assert_eq!(names(&model), ["Rotated soon", "Last hour", "Ten days"]);
    // Three hours on: "Rotated soon" lives on its 30-day secret, "Last hour" has none left.
    update(&mut model, Msg::Tick { now: hours(3) });
    assert_eq!(names(&model), ["Last hour", "Ten days", "Rotated soon"]);
    let screen = render(&mut model, 120, 35);
    assert!(
        cell(&screen, "Last hour").ends_with(" no valid secret"),
        "{screen}"
    );
    assert!(
        cell(&screen, "Rotated soon").ends_with(" 30d +1✗"),
        "{screen}"
    );
}

#[test]
fn an_expired_secret_says_how_long_ago_in_the_secrets_pane_and_the_expiry_view() {
    let mut model = model_with(org());
    let id = model
        .apps
        .values()
        .find(|a| a.name == "One of each")
        .unwrap()
        .id
        .clone();
    model.selected = Some(id);
    model.rebuild_view();
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("expired 35d"), "{screen}");
    update(&mut model, Msg::Key(Action::ShowExpiring));
    let screen = render(&mut model, 120, 35);
    for left in ["expired 35d", "expired 29w", "expired 3d", "expired 24h"] {
        assert!(screen.contains(left), "{left}:\n{screen}");
    }
    assert!(!screen.contains("EXPIRED"), "{screen}");
}

#[test]
fn the_details_view_says_the_state_in_words() {
    for (name, words) in [
        (
            "One of each",
            "Secrets (2) · nearest valid expiry 5d · 1 expired to delete",
        ),
        (
            "All expired",
            "Secrets (2) · no valid secret: the app cannot get a token",
        ),
        (
            "Never expires",
            "Secrets (1) · its valid secrets never expire",
        ),
    ] {
        let mut model = model_with(org());
        let id = model
            .apps
            .values()
            .find(|a| a.name == name)
            .unwrap()
            .id
            .clone();
        model.selected = Some(id);
        model.rebuild_view();
        update(&mut model, Msg::Key(Action::ShowDetails));
        let screen = render(&mut model, 120, 35);
        assert!(screen.contains(words), "{name}: {words}\n{screen}");
    }
}

#[test]
fn the_expiry_view_counts_the_apps_without_a_valid_secret_as_time_goes() {
    let mut model = model_with(org());
    update(&mut model, Msg::Key(Action::ShowExpiring));
    let screen = render(&mut model, 120, 35);
    // "No secret" has no row in this view, yet it counts.
    assert!(screen.contains("· 2 apps have no valid secret"), "{screen}");

    let mut model = model_with(vec![
        app("Last hour", true, &[Some(hours(2))]),
        app("Ten days", true, &[days(10)]),
    ]);
    update(&mut model, Msg::Key(Action::ShowExpiring));
    let screen = render(&mut model, 120, 35);
    assert!(!screen.contains("no valid secret"), "{screen}");
    update(&mut model, Msg::Tick { now: hours(3) });
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("· 1 app has no valid secret"), "{screen}");
}
