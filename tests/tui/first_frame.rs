//! Time to the first frame: the event loop draws the loading state before its first request
//! leaves, so no network wait can come before it. Shown on the loop's own start against a
//! simulator that holds every answer for an hour, on the tests' fixed clock; nothing is timed.

use std::sync::Arc;
use std::time::Duration;

use crate::common::clock::now;
use crate::common::{admin, sim_with};

use extapps::sim::{Faults, SimSettings};
use extapps::tui::effect::Effect;
use extapps::tui::event_loop::LoopCore;
use extapps::tui::worker::Worker;
use extapps::tui::{Model, TuiOptions};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[tokio::test]
async fn the_loading_frame_is_drawn_before_any_request_leaves() {
    let sim = sim_with(SimSettings {
        faults: Faults {
            latency: Duration::from_secs(3600),
            ..Faults::none()
        },
        ..SimSettings::default()
    })
    .await;
    let (tx, mut answers) = tokio::sync::mpsc::unbounded_channel();
    let worker = Worker::new(Arc::new(admin(&sim)), tx);
    let mut terminal = Terminal::new(TestBackend::new(120, 35)).unwrap();
    let model = Model::new(
        TuiOptions {
            organization: sim.organization.clone(),
            identity_host: "127.0.0.1".into(),
            ..TuiOptions::default()
        },
        now(),
    );
    let mut core = LoopCore::new(&mut terminal, model);

    let first = core.start(120, 35).unwrap();
    assert_eq!(
        core.draws, 1,
        "the first frame is drawn by the start itself"
    );
    assert!(
        first.iter().any(|e| matches!(e, Effect::LoadApps { .. })),
        "{first:?}"
    );
    let screen = core.terminal.backend().to_string();
    assert!(
        screen.contains("Loading the organization's apps"),
        "{screen}"
    );

    // The requests leave only now, and the server holds its answer: the frame above came
    // first, and nothing the loop drew waited for it.
    for effect in first {
        worker.spawn(effect);
    }
    let answer = tokio::time::timeout(Duration::from_millis(300), answers.recv()).await;
    assert!(answer.is_err(), "an answer came back: {answer:?}");
    assert!(core.model.is_busy(), "the list request is still in flight");
    assert_eq!(core.draws, 1);
}
