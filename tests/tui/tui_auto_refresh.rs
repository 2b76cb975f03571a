//! Auto-refresh, on the clock `Msg::Tick` brings: a list request when the interval has
//! passed since the last answer, none when it is off, none while a list request or a change
//! is in flight, and no redraw when the list that comes back is the one on screen.

use crate::common::tui::{loaded_model, now, render, screen_options};

use extapps::api::ApiError;
use extapps::api::model::{App, Details};
use extapps::sim::demo_apps;
use extapps::tui::details::FILL_BURST;
use extapps::tui::effect::{Effect, RequestId};
use extapps::tui::keymap::Action;
use extapps::tui::model::RequestKind;
use extapps::tui::msg::{ApiResult, Msg};
use extapps::tui::update::tick_and_refresh;
use extapps::tui::{Model, TuiOptions, update};
use jiff::{SignedDuration, Timestamp};

const FIVE_MINUTES: std::time::Duration = std::time::Duration::from_secs(300);

/// The demo organization with its details known, as a list that carries them (or a fill
/// that finished) leaves it: nothing is left to read.
fn full_apps() -> Vec<App> {
    demo_apps(now())
        .into_iter()
        .map(|mut a| {
            a.details = Details::Known;
            a
        })
        .collect()
}

fn model(auto_refresh: Option<std::time::Duration>) -> Model {
    loaded_model(
        TuiOptions {
            auto_refresh,
            ..screen_options()
        },
        now(),
        full_apps(),
        None,
    )
}

fn at(secs: i64) -> Timestamp {
    now() + SignedDuration::from_secs(secs)
}

fn list_requests(effects: &[Effect]) -> Vec<RequestId> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadApps { req } => Some(*req),
            _ => None,
        })
        .collect()
}

/// Ticks once a second from `from` to `to` (inclusive); the list requests they started.
fn tick_through(model: &mut Model, from: i64, to: i64) -> Vec<(i64, RequestId)> {
    (from..=to)
        .flat_map(|s| {
            list_requests(&tick_and_refresh(model, at(s)))
                .into_iter()
                .map(move |r| (s, r))
        })
        .collect()
}

fn answer(model: &mut Model, req: RequestId, apps: Result<Vec<App>, ApiError>) -> Vec<Effect> {
    update(
        model,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps,
                token_expires: None,
            },
        },
    )
}

#[test]
fn a_refresh_is_asked_for_at_five_minutes_and_not_before() {
    let mut model = model(Some(FIVE_MINUTES));
    let asked = tick_through(&mut model, 1, 299);
    assert!(asked.is_empty(), "{asked:?}");
    let asked = tick_through(&mut model, 300, 300);
    assert_eq!(asked.len(), 1, "{asked:?}");
    // The next one counts from the answer.
    answer(&mut model, asked[0].1, Ok(full_apps()));
    assert!(tick_through(&mut model, 301, 599).is_empty());
    assert_eq!(tick_through(&mut model, 600, 600).len(), 1);
}

#[test]
fn no_refresh_when_off() {
    let mut model = model(None);
    let asked = tick_through(&mut model, 1, 3 * 3600);
    assert!(asked.is_empty(), "{asked:?}");
}

#[test]
fn no_refresh_while_one_is_in_flight_or_a_change_is_pending() {
    let mut model = model(Some(FIVE_MINUTES));
    // A refresh the user asked for at 4 minutes, still unanswered at 5 and after.
    model.now = at(240);
    let manual = list_requests(&update(&mut model, Msg::Key(Action::Refresh)));
    assert_eq!(manual.len(), 1);
    assert!(tick_through(&mut model, 241, 900).is_empty());
    answer(&mut model, manual[0], Ok(full_apps()));

    // A change in flight: its own re-read follows it; a refresh would race it.
    let write = model.requests.start(RequestKind::AppChange);
    assert!(tick_through(&mut model, 901, 2000).is_empty());
    model.requests.answered(write);
    assert_eq!(tick_through(&mut model, 2001, 2001).len(), 1);
}

#[test]
fn an_unchanged_list_marks_nothing_dirty() {
    let mut model = model(Some(FIVE_MINUTES));
    // The last answer at 09:00:30, so that the refresh falls between two minute ticks
    // (those redraw the clock anyway).
    model.now = at(30);
    let manual = list_requests(&update(&mut model, Msg::Key(Action::Refresh)));
    answer(&mut model, manual[0], Ok(full_apps()));
    assert!(tick_through(&mut model, 31, 329).is_empty());
    render(&mut model, 120, 35);
    model.dirty = false;
    let asked = tick_through(&mut model, 330, 330);
    assert_eq!(asked.len(), 1);
    assert!(!model.dirty, "starting a quiet refresh redraws nothing");
    let effects = answer(&mut model, asked[0].1, Ok(full_apps()));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(!model.dirty, "the same list again must not redraw");
    assert_eq!(model.last_refresh, Some(at(330)));

    // A list that did change is drawn.
    let asked = tick_through(&mut model, 331, 630);
    assert_eq!(asked.len(), 1);
    model.dirty = false;
    let mut changed = full_apps();
    changed[0].name = "Renamed on the server".into();
    answer(&mut model, asked[0].1, Ok(changed));
    assert!(model.dirty);
    assert!(render(&mut model, 120, 35).contains("Renamed on the server"));
}

#[test]
fn a_quiet_refresh_shows_no_spinner_and_the_status_line_says_when_the_next_comes() {
    let mut model = model(Some(FIVE_MINUTES));
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("auto 5m, next 09:05:00"), "{screen}");
    let asked = tick_through(&mut model, 300, 302);
    assert_eq!(asked.len(), 1);
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("● idle"), "{screen}");
    assert!(!model.dirty || !screen.contains("1 request"), "{screen}");
}

#[test]
fn a_failed_auto_refresh_keeps_the_list_without_an_error_box() {
    let mut model = model(Some(FIVE_MINUTES));
    let asked = tick_through(&mut model, 300, 300);
    answer(
        &mut model,
        asked[0].1,
        Err(ApiError::Server {
            status: 503,
            message: None,
        }),
    );
    assert!(model.dirty, "a failure is news");
    assert_eq!(model.apps.len(), 17);
    assert_eq!(model.error_count(), 0, "no error box every five minutes");
    let screen = render(&mut model, 120, 35);
    assert!(
        screen.contains("refresh failed 09:05:00, list from 09:00:00 (5m ago)"),
        "{screen}"
    );
    // It is tried again five minutes after the failure.
    assert_eq!(tick_through(&mut model, 301, 600).len(), 1);
}

#[test]
fn new_apps_from_a_refresh_are_read_within_the_fill_budget() {
    let mut model = model(Some(FIVE_MINUTES));
    let asked = tick_through(&mut model, 300, 300);
    // Forty apps appeared on the server, as summaries: each needs a read of its own.
    let mut apps = full_apps();
    let template = apps[0].clone();
    for i in 0..40 {
        let mut a = template.clone();
        a.id = format!("00000000-0000-4000-8000-{i:012}");
        a.name = format!("New app {i}");
        a.resources.clear();
        a.secrets.clear();
        a.details = Details::Unknown;
        apps.push(a);
    }
    let effects = answer(&mut model, asked[0].1, Ok(apps));
    let reads = effects
        .iter()
        .filter(|e| matches!(e, Effect::LoadDetails { .. }))
        .count();
    assert!(reads <= FILL_BURST as usize, "{reads} reads at once");
}

#[test]
fn a_message_on_the_status_line_wins_over_the_next_refresh_time() {
    let mut model = model(Some(FIVE_MINUTES));
    model.push_toast(
        extapps::tui::model::ToastLevel::Info,
        "Created \"Zeta e2e bot\" (client id 34ada3cd-1419-129a)",
    );
    let screen = render(&mut model, 120, 35);
    let status = screen.lines().last().unwrap();
    assert!(status.contains("Created \"Zeta e2e bot\""), "{status}");
    assert!(!status.contains("next 09:05:00"), "{status}");
    // With room for both, both.
    let screen = render(&mut model, 200, 50);
    let status = screen.lines().last().unwrap();
    assert!(
        status.contains("Created") && status.contains("next 09:05:00"),
        "{status}"
    );
}
