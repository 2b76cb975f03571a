//! Idle means idle: the event loop draws only when something on screen changed, and ticks at
//! most once a second while a countdown or a spinner is on screen. Counted, never timed: the
//! loop core runs a scripted idle period against a fake clock and a `TestBackend`.

use crate::common::clock::now;

use extapps::sim::demo_apps;
use extapps::tui::effect::{Effect, RequestId};
use extapps::tui::event_loop::LoopCore;
use extapps::tui::keymap::Action;
use extapps::tui::msg::{ApiResult, Msg};
use extapps::tui::{Model, TuiOptions};
use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const IDLE_SECONDS: i64 = 600;

fn at(second: i64) -> Timestamp {
    now() + SignedDuration::from_secs(second)
}

fn load_req(effects: &[Effect]) -> RequestId {
    match effects {
        [Effect::LoadApps { req }] => *req,
        other => panic!("expected one LoadApps, got {other:?}"),
    }
}

/// A loop that has drawn the loaded organization once and is waiting. `token_left` puts the
/// token countdown in the header.
fn loaded(
    terminal: &mut Terminal<TestBackend>,
    token_left: Option<i64>,
) -> LoopCore<'_, TestBackend> {
    let mut model = Model::new(
        TuiOptions {
            organization: "acme-robotics".into(),
            identity_host: "cloud.uipath.com".into(),
            ..TuiOptions::default()
        },
        now(),
    );
    model.size = (120, 35);
    let mut core = LoopCore::new(terminal, model);
    let req = load_req(&core.message(Msg::Init, now()));
    core.message(
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Ok(demo_apps(now())),
                token_expires: token_left.map(at),
            },
        },
        now(),
    );
    core.draw_if_dirty().unwrap();
    assert_eq!(core.draws, 1);
    core
}

/// What the real loop does for `seconds` with no key and no answer: the 1 s timer only runs
/// while the model asks for it, and a frame is drawn only when something changed.
/// Returns (ticks, draws) of the period.
fn idle(core: &mut LoopCore<'_, TestBackend>, from: i64, seconds: i64) -> (u64, u64) {
    let draws = core.draws;
    let mut ticks = 0;
    for s in from + 1..=from + seconds {
        if core.model.wants_tick() {
            ticks += 1;
            assert!(core.tick(at(s)).is_empty(), "an idle tick asked for work");
        }
        core.draw_if_dirty().unwrap();
    }
    (ticks, core.draws - draws)
}

#[test]
fn nothing_on_screen_moves_so_nothing_is_drawn() {
    let mut terminal = Terminal::new(TestBackend::new(120, 35)).unwrap();
    let mut core = loaded(&mut terminal, None);
    assert!(!core.model.wants_tick());
    assert_eq!(idle(&mut core, 0, IDLE_SECONDS), (0, 0));
}

#[test]
fn a_token_countdown_ticks_each_second_but_redraws_when_its_text_changes() {
    let mut terminal = Terminal::new(TestBackend::new(120, 35)).unwrap();
    // An hour left: the header's countdown reads in minutes.
    let mut core = loaded(&mut terminal, Some(3600));
    assert!(core.model.wants_tick());
    let (ticks, draws) = idle(&mut core, 0, IDLE_SECONDS);
    assert_eq!(ticks, IDLE_SECONDS as u64);
    // One frame per minute of countdown, not one per tick.
    let minutes = (IDLE_SECONDS / 60) as u64;
    assert!(
        (minutes - 1..=minutes + 1).contains(&draws),
        "{draws} frames in {IDLE_SECONDS} s of countdown"
    );
}

#[test]
fn a_spinner_redraws_at_most_once_a_second_and_stops_with_the_request() {
    let mut terminal = Terminal::new(TestBackend::new(120, 35)).unwrap();
    let mut core = loaded(&mut terminal, None);
    let req = load_req(&core.message(Msg::Key(Action::Refresh), now()));
    core.draw_if_dirty().unwrap();
    let (ticks, draws) = idle(&mut core, 0, 30);
    assert_eq!(ticks, 30);
    assert!(draws <= ticks, "{draws} frames for {ticks} ticks");
    assert!(draws >= 29, "the spinner must move: {draws} frames");

    core.message(
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Ok(demo_apps(now())),
                token_expires: None,
            },
        },
        at(30),
    );
    core.draw_if_dirty().unwrap();
    assert!(!core.model.wants_tick());
    assert_eq!(idle(&mut core, 30, IDLE_SECONDS), (0, 0));
}

#[test]
fn a_toast_fades_with_one_frame_then_the_ticks_stop() {
    let mut terminal = Terminal::new(TestBackend::new(120, 35)).unwrap();
    let mut core = loaded(&mut terminal, None);
    core.message(Msg::Key(Action::CycleSort), now()); // "Sorted by …", an info toast
    core.draw_if_dirty().unwrap();
    let (ticks, draws) = idle(&mut core, 0, IDLE_SECONDS);
    assert_eq!(draws, 1, "only the fading of the toast is drawn");
    assert!(
        ticks <= 5,
        "the timer stops once the toast is gone: {ticks} ticks"
    );
}
