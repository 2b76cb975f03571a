//! End to end: `extapps sim` in its own process, the TUI against it in tmux; rotate a demo
//! app's secret through the wizard, say yes to deleting the old one, then check with
//! `extapps apps show --json` that the app has the new secret and not the old one. And the
//! other way round: without ever showing or copying the new value, the wizard refuses to
//! delete the old secret, which is still on the server afterwards.

use crate::common::sim_process::{Sim, run_sim};

use std::time::Duration;

use crate::common::tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_extapps");
const WAIT: Duration = Duration::from_secs(30);
/// ServiceNow Connector: one secret, so "delete the old one" is exactly one.
const APP: &str = "a81c4e07-2d9b-4f63-8e15-6b7a0c3d2f98";

fn env(sim: &Sim) -> String {
    format!(
        "UIPATH_URI={} UIPATH_ORGANIZATION=demo-org UIPATH_CLIENT_ID=demo-admin UIPATH_CLIENT_SECRET=demo-admin-secret",
        sim.1
    )
}

/// Through `Sim::exec`: a clean environment and the simulator's own HOME and caches, never
/// the user's (nor a directory another test reads).
fn show(sim: &Sim) -> serde_json::Value {
    let o = sim.exec(&["apps", "show", APP, "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn ids(v: &serde_json::Value) -> Vec<i64> {
    v["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}

/// Starts the TUI against the simulator and opens the wizard on the app.
fn open_wizard(sim: &Sim, t: &Tmux) {
    t.wait_for_prompt(WAIT);
    t.run_program(&format!(
        "{} {BIN} --log-file {}",
        env(sim),
        sim.file("tui.log").display()
    ));
    t.wait_for("Invoice Proc", WAIT);
    t.keys(&["/"]);
    t.text("servicenow");
    t.wait("the filter", WAIT, |s| !s.contains("Invoice Proc"));
    t.keys(&["Enter"]);
    // The list is summaries (as the live server's): the wizard needs the app's own read, so
    // wait for its old secret to show before rotating.
    let old = ids(&show(sim));
    t.wait_for(&old[0].to_string(), WAIT);
    t.keys(&["R"]);
    t.wait_for("Rotate the secret of ServiceNow Connector", WAIT);
}

#[test]
fn rotate_through_the_tui_and_delete_the_old_secret() {
    let sim = run_sim();
    let old = ids(&show(&sim));
    assert_eq!(old.len(), 1);

    let t = Tmux::start("rotate", 120, 35);
    open_wizard(&sim, &t);
    t.keys(&["Enter"]);
    t.wait_for_all(&["step 2 of 4", "••••••••"], WAIT);
    // Shown: someone can hold the new value, so the old secret may go.
    t.keys(&["v"]);
    t.wait_for("(shown)", WAIT);
    t.keys(&["Enter"]);
    t.wait_for_all(&["token granted:", "The new secret works"], WAIT);
    t.keys(&["Enter"]);
    t.wait_for("Mark the older secrets", WAIT);
    t.keys(&["Space"]);
    t.wait_for("[x]", WAIT);
    t.keys(&["Enter"]);
    t.wait_for("Delete these secrets?", WAIT);
    t.keys(&["y"]);
    t.wait_for_all(&["Rotated:", &format!("deleted #{}", old[0])], WAIT);
    t.keys(&["Enter"]);
    t.wait("the wizard to close", WAIT, |s| !s.contains("Rotated:"));
    t.keys(&["q"]);
    assert_eq!(t.wait_for_exit(WAIT), 0);

    let after = show(&sim);
    let now = ids(&after);
    assert_eq!(now.len(), 1, "{after}");
    assert!(
        !now.contains(&old[0]),
        "the old secret is still there: {after}"
    );
    assert!(
        after["secrets"][0]["description"]
            .as_str()
            .unwrap()
            .starts_with("created by extapps on")
    );
}

#[test]
fn the_old_secret_stays_while_nobody_has_seen_the_new_one() {
    let sim = run_sim();
    let old = ids(&show(&sim));
    assert_eq!(old.len(), 1);

    let t = Tmux::start("rotate-unseen", 120, 35);
    open_wizard(&sim, &t);
    t.keys(&["Enter"]);
    t.wait_for_all(&["step 2 of 4", "••••••••"], WAIT);
    // Past the reveal without v or y.
    t.keys(&["Enter"]);
    t.wait_for_all(&["token granted:", "The new secret works"], WAIT);
    t.keys(&["Enter"]);
    t.wait_for("Mark the older secrets", WAIT);
    t.keys(&["Space"]);
    t.wait_for("all 1 are marked", WAIT);
    t.keys(&["Enter"]);
    t.wait_for("Nothing deleted", WAIT);
    // Enter again: still no question, nothing deleted.
    t.keys(&["Enter"]);
    std::thread::sleep(Duration::from_millis(300));
    let screen = t.screen();
    assert!(!screen.contains("Delete these secrets?"), "{screen}");

    // Leaving: the new secret nobody saw is offered for deletion; n keeps it.
    std::thread::sleep(Duration::from_millis(300));
    t.keys(&["Escape"]);
    t.wait_for("Leave the rotation?", WAIT);
    std::thread::sleep(Duration::from_millis(300));
    t.keys(&["n"]);
    t.wait("the wizard to close", WAIT, |s| {
        !s.contains("Leave the rotation?")
    });
    t.keys(&["q"]);
    assert_eq!(t.wait_for_exit(WAIT), 0);

    let after = show(&sim);
    let now = ids(&after);
    assert!(now.contains(&old[0]), "the old secret was deleted: {after}");
    assert_eq!(now.len(), 2, "the new one was kept, as asked: {after}");
}
