//! End to end: the real binary with `--demo` in tmux creates an app through the form, edits it
//! (adds a scope, through the diff), and deletes it with the typed confirmation, checking the
//! screen at each step.

use std::time::Duration;

use crate::common::tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_extapps");
const WAIT: Duration = Duration::from_secs(30);

/// crossterm reads ESC followed quickly by a key as Alt+key; a person pauses, so does this.
fn escape(t: &Tmux) {
    t.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
}

#[test]
fn create_edit_and_delete_an_app_at_120x35() {
    let t = Tmux::start("edit120", 120, 35);
    t.wait_for_prompt(WAIT);
    let log = tempfile::NamedTempFile::new().unwrap();
    let data = tempfile::tempdir().unwrap();
    t.run_program(&format!(
        "XDG_DATA_HOME={} {BIN} --demo --log-file {}",
        data.path().display(),
        log.path().display()
    ));
    t.wait_for("Invoice Proc", WAIT);

    // Create: a name, a redirect URI, one scope from the picker, then Ctrl-S.
    t.keys(&["n"]);
    t.wait_for("New app", WAIT);
    t.text("Zeta e2e bot");
    t.keys(&["Tab", "Tab"]);
    t.text("http://localhost:9100/cb");
    t.keys(&["Enter", "Tab", "Enter"]);
    t.wait_for("Scopes for a confidential app", WAIT);
    t.text("OR.Jobs.Read");
    t.wait_for("1 of", WAIT);
    t.keys(&["Space"]);
    t.wait_for("[x] OR.Jobs.Read", WAIT);
    t.keys(&["Enter"]);
    t.wait_for_all(&["Scopes (1)", "http://localhost:9100/cb"], WAIT);
    t.keys(&["C-s"]);
    // The secret starts masked.
    t.wait_for_all(&["shown once", "Zeta e2e bot", "••••"], WAIT);
    escape(&t);
    t.wait("the reveal to close on the new app", WAIT, |s| {
        !s.contains("shown once") && s.contains("Created \"Zeta e2e bot\"")
    });

    // Edit: add a scope, look at the diff, send.
    t.keys(&["e"]);
    t.wait_for("Edit app \"Zeta e2e bot\"", WAIT);
    t.keys(&["Tab", "Tab", "Enter"]);
    t.wait_for("Scopes for a confidential app", WAIT);
    t.text("OR.Queues.Read");
    t.wait_for("1 of", WAIT);
    t.keys(&["Space", "Enter"]);
    t.wait_for("Scopes (2)", WAIT);
    t.keys(&["C-s"]);
    t.wait_for_all(
        &[
            "Save \"Zeta e2e bot\"?",
            "+ scope OR.Queues.Read (application)",
            "1 change.",
        ],
        WAIT,
    );
    t.keys(&["y"]);
    t.wait_for_all(
        &["Saved \"Zeta e2e bot\": 1 change", "OR.Queues.Read"],
        WAIT,
    );

    // Delete: the wrong name is refused, the exact name deletes, the backup is shown.
    t.keys(&["D"]);
    t.wait_for_all(
        &[
            "Type the app's name (or its client id)",
            "2 scopes and 1 secret",
        ],
        WAIT,
    );
    t.text("zeta e2e bot");
    t.keys(&["Enter"]);
    t.wait_for("Type the name as shown above", WAIT);
    t.keys(&["C-u"]);
    t.text("Zeta e2e bot");
    t.wait_for("matches", WAIT);
    t.keys(&["Enter"]);
    t.wait_for_all(&["App deleted", "extapps apps restore"], WAIT);
    t.keys(&["Enter"]);
    t.wait("the app to be gone", WAIT, |s| {
        !s.contains("App deleted") && !s.contains("Zeta e2e bot") && s.contains("Invoice Proc")
    });
    let backups: Vec<_> = std::fs::read_dir(data.path().join("extapps/backups"))
        .expect("the backup directory exists")
        .collect();
    assert_eq!(backups.len(), 1);

    t.keys(&["q"]);
    assert_eq!(t.wait_for_exit(WAIT), 0);
}
