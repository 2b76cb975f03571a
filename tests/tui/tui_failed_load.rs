//! A list that could not be loaded is not an empty organization: the app pane says what
//! failed and how to try again; a refresh that fails keeps the list on screen and says so.

use crate::common::tui::{loaded, now, render, screen_options};

use extapps::api::ApiError;
use extapps::api::model::App;
use extapps::tui::effect::{Effect, RequestId};
use extapps::tui::keymap::Action;
use extapps::tui::msg::{ApiResult, Msg};
use extapps::tui::{Model, TuiOptions, update};
use jiff::SignedDuration;

fn list_answer(model: &mut Model, req: RequestId, apps: Result<Vec<App>, ApiError>) {
    update(
        model,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps,
                token_expires: None,
            },
        },
    );
}

fn load_req(effects: &[Effect]) -> RequestId {
    match effects {
        [Effect::LoadApps { req }, ..] => *req,
        other => panic!("expected a list request: {other:?}"),
    }
}

/// The server's answer carries hostile text: an escape sequence and a line break, as a
/// proxy's error page might.
fn unreachable() -> ApiError {
    ApiError::Network {
        host: "cloud.uipath.com".into(),
        detail: "connection refused\x1b[31m (os error 111)\nsecond line".into(),
    }
}

/// A model whose first list request failed.
fn failed_first_load(opts: TuiOptions) -> Model {
    let mut model = Model::new(opts, now());
    let req = load_req(&update(&mut model, Msg::Init));
    list_answer(&mut model, req, Err(unreachable()));
    model
}

fn snapshot_options() -> TuiOptions {
    TuiOptions {
        auto_refresh: Some(std::time::Duration::from_secs(300)),
        ..screen_options()
    }
}

#[test]
fn failed_load_80x24() {
    let mut model = failed_first_load(snapshot_options());
    insta::assert_snapshot!(render(&mut model, 80, 24));
}

#[test]
fn failed_load_120x35() {
    let mut model = failed_first_load(snapshot_options());
    insta::assert_snapshot!(render(&mut model, 120, 35));
}

#[test]
fn failed_load_200x50() {
    let mut model = failed_first_load(snapshot_options());
    insta::assert_snapshot!(render(&mut model, 200, 50));
}

#[test]
fn a_failed_load_is_not_an_empty_organization() {
    let mut model = failed_first_load(screen_options());
    let screen = render(&mut model, 120, 35);
    assert!(!screen.contains("no external apps"), "{screen}");
    assert!(screen.contains("could not be loaded"), "{screen}");
    assert!(screen.contains("connection refused"), "{screen}");
    assert!(screen.contains("r tries again"), "{screen}");
    assert!(screen.contains("extapps config show"), "{screen}");
    // Sanitised and short: no escape byte reaches the terminal, one line of the error.
    assert!(!screen.contains('\x1b'), "{screen}");
    assert!(!screen.contains("second line"), "{screen}");
}

#[test]
fn loading_failed_and_empty_are_three_different_screens() {
    // Still loading.
    let mut model = Model::new(screen_options(), now());
    update(&mut model, Msg::Init);
    let loading = render(&mut model, 120, 35);
    assert!(
        loading.contains("Loading the organization's apps"),
        "{loading}"
    );

    // Loaded, and the organization really has no apps.
    let mut model = Model::new(screen_options(), now());
    let req = load_req(&update(&mut model, Msg::Init));
    list_answer(&mut model, req, Ok(Vec::new()));
    let empty = render(&mut model, 120, 35);
    assert!(empty.contains("no external apps"), "{empty}");

    // Failed, then retried: the pane says it tries again, and still not "no apps".
    let mut model = failed_first_load(screen_options());
    let effects = update(&mut model, Msg::Key(Action::Refresh));
    load_req(&effects);
    let retrying = render(&mut model, 120, 35);
    assert!(retrying.contains("Trying again"), "{retrying}");
    assert!(!retrying.contains("no external apps"), "{retrying}");
}

#[test]
fn a_failed_refresh_keeps_the_list_and_says_how_old_it_is() {
    let mut model = loaded(screen_options());
    let before = render(&mut model, 120, 35);
    assert!(before.contains("Invoice Processing Bot"), "{before}");
    model.now = now() + SignedDuration::from_mins(7);
    let req = load_req(&update(&mut model, Msg::Key(Action::Refresh)));
    list_answer(&mut model, req, Err(unreachable()));
    assert_eq!(model.apps.len(), 17, "the list stays");
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("Invoice Processing Bot"), "{screen}");
    assert!(!screen.contains("could not be loaded"), "{screen}");
    assert!(
        screen.contains("refresh failed 09:07:00, list from 09:00:00 (7m ago)"),
        "{screen}"
    );
    // The next list that arrives clears it.
    let req = load_req(&update(&mut model, Msg::Key(Action::Refresh)));
    list_answer(&mut model, req, Ok(extapps::sim::demo_apps(now())));
    assert_eq!(model.list_error, None);
    let screen = render(&mut model, 120, 35);
    assert!(!screen.contains("refresh failed"), "{screen}");
}
