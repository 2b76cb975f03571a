//! End to end: the real binary with no settings at all (the tmux shell's HOME is this test's
//! own empty directory, and no UIPATH_* variable is set) opens the first-run screen, not an
//! error dump; `q` leaves it with status 2 and the same steps printed below; `d` opens the
//! demo organization.

use std::time::Duration;

use crate::common::tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_extapps");
const WAIT: Duration = Duration::from_secs(30);

#[test]
fn first_run_shows_how_to_get_credentials_then_quits_with_status_2() {
    let t = Tmux::start("firstrun", 100, 30);
    t.wait_for_prompt(WAIT);
    let log = tempfile::NamedTempFile::new().unwrap();
    t.run_program(&format!("{BIN} --log-file {}", log.path().display()));
    let screen = t.wait_for_all(
        &[
            "No settings yet",
            "External Applications",
            "PM.OAuthApp.Read",
            "extapps config init",
            "d try the demo now",
        ],
        WAIT,
    );
    assert!(!screen.contains("extapps: "), "no error dump: {screen}");
    t.keys(&["q"]);
    assert_eq!(t.wait_for_exit(WAIT), 2);
    // The steps stay in the terminal, below the prompt the screen gave back.
    let screen = t.wait_for("extapps config init", WAIT);
    assert!(screen.contains("PM.OAuthApp"), "{screen}");
}

#[test]
fn first_run_d_opens_the_demo() {
    let t = Tmux::start("firstrundemo", 120, 35);
    t.wait_for_prompt(WAIT);
    let log = tempfile::NamedTempFile::new().unwrap();
    t.run_program(&format!("{BIN} --log-file {}", log.path().display()));
    t.wait_for("d try the demo now", WAIT);
    t.keys(&["d"]);
    t.wait_for_all(&["Invoice Proces", "demo-org"], WAIT);
    t.keys(&["q"]);
    assert_eq!(t.wait_for_exit(WAIT), 0);
}
