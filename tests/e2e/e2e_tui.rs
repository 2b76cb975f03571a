//! End to end: the real binary with `--demo` in tmux. It waits for the app list, filters,
//! moves, opens help, quits with `q`, and finds a usable shell with the terminal restored.

use std::time::Duration;

use crate::common::tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_extapps");
const WAIT: Duration = Duration::from_secs(30);

/// crossterm reads ESC followed quickly by a key as Alt+key, as a terminal would send it; a
/// person never types that fast, so the test pauses after Escape like a person does.
fn escape(t: &Tmux) {
    t.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
}

fn browse_and_quit(width: u16, height: u16) {
    let t = Tmux::start(&format!("browse{width}"), width, height);
    t.wait_for_prompt(WAIT);
    let log = tempfile::NamedTempFile::new().unwrap();
    t.run_program(&format!("{BIN} --demo --log-file {}", log.path().display()));
    t.wait_for_all(&["Invoice Proc", "demo-org", "no valid"], WAIT);

    // Filter as you type: only matching apps remain.
    t.keys(&["/"]);
    t.text("servicenow");
    // Typed one key at a time, so wait for the whole word to have been applied.
    t.wait("the filter to apply", WAIT, |s| {
        s.contains("1/1 of 21") && s.contains("ServiceNow Con") && !s.contains("Invoice Proc")
    });
    t.keys(&["Enter"]);
    t.wait_for("a81c4e07-2d9b", WAIT);
    escape(&t);
    t.wait_for("Invoice Proc", WAIT);

    // Move down and the detail pane follows the selection.
    t.keys(&["g", "j"]);
    t.wait_for("e9f8d7c6-b5a4", WAIT);

    // Help, generated from the keymap.
    t.keys(&["?"]);
    // Wait for the whole overlay, not its first line: tmux may show a frame half drawn. Its
    // first page at 80x24 ends with the moving keys.
    t.wait("the help overlay", WAIT, |s| {
        s.contains("refresh from the server") && s.contains("first / last") && s.contains("quit")
    });
    escape(&t);
    t.wait("help to close", WAIT, |s| {
        !s.contains("refresh from the server")
    });

    t.keys(&["q"]);
    // The next line goes to the shell only once the TUI has exited: typed earlier, the TUI
    // (still reading the terminal) would take it.
    assert_eq!(t.wait_for_exit(WAIT), 0);
    // Back at a usable shell: the prompt answers, and the terminal is cooked again.
    t.run_line("stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; echo shell-ok-$((40+2))");
    let screen = t.wait_for("shell-ok-42", WAIT);
    assert!(
        screen.contains("icanon echo"),
        "terminal not restored:\n{screen}"
    );
    assert!(
        !screen.contains("Invoice Proc"),
        "the alternate screen was left:\n{screen}"
    );
}

#[test]
fn browse_filter_help_quit_at_120x35() {
    browse_and_quit(120, 35);
}

#[test]
fn browse_filter_help_quit_at_80x24() {
    browse_and_quit(80, 24);
}

/// A panic while the TUI owns the terminal: the terminal is restored first, then the panic is
/// printed where a person can read it, and the shell is usable.
#[test]
fn a_panic_restores_the_terminal_and_stays_readable() {
    let t = Tmux::start("panic", 100, 30);
    t.wait_for_prompt(WAIT);
    let log = tempfile::NamedTempFile::new().unwrap();
    t.run_line(&format!(
        "EXTAPPS_TEST_PANIC_ON_KEY=1 {BIN} --demo --log-file {}; echo exit=$?",
        log.path().display()
    ));
    t.wait_for("Invoice Proc", WAIT);
    t.keys(&["P"]);
    let screen = t.wait_for("exit=", WAIT);
    assert!(screen.contains("deliberate test panic"), "{screen}");
    assert!(
        !screen.contains("Invoice Proc"),
        "the alternate screen was left:\n{screen}"
    );
    assert!(
        !screen.contains("exit=0"),
        "a panic must not exit 0:\n{screen}"
    );
    t.run_line("stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; echo after-panic-$((40+2))");
    let screen = t.wait_for("after-panic-42", WAIT);
    assert!(
        screen.contains("icanon echo"),
        "terminal not restored:\n{screen}"
    );
}

/// After `$EDITOR` borrowed the terminal (E), quitting still restores it.
#[test]
fn quitting_after_the_editor_restores_the_terminal() {
    let t = Tmux::start("editor", 120, 35);
    t.wait_for_prompt(WAIT);
    let log = tempfile::NamedTempFile::new().unwrap();
    t.run_program(&format!(
        "EDITOR=true {BIN} --demo --log-file {}",
        log.path().display()
    ));
    t.wait_for("Invoice Proc", WAIT);
    // The list is summaries: until the selected app's own read is in, E only says "still
    // loading" (in a toast a busy machine can miss), so wait for its secrets to be counted.
    t.wait("the selected app's details", WAIT, |s| {
        s.split("3 Secrets ")
            .nth(1)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    });
    assert!(!log_says(log.path(), "the editor returned"));
    t.keys(&["E"]);
    // `true` leaves the JSON as it was: nothing to save, and the TUI is back. Only the editor's
    // return writes this line; the "No changes" toast it also shows lives 4 s, which a busy
    // machine can miss between two captures.
    wait_for_log(&t, log.path(), "the editor returned", WAIT);
    let screen = t.wait_for("Invoice Proc", WAIT);
    assert!(!screen.contains("exited with"), "{screen}");
    escape(&t);
    t.keys(&["q"]);
    assert_eq!(t.wait_for_exit(WAIT), 0);
    t.run_line("stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; echo editor-ok-$((40+2))");
    let screen = t.wait_for("editor-ok-42", WAIT);
    assert!(
        screen.contains("icanon echo"),
        "terminal not restored:\n{screen}"
    );
}

/// While "Terminal too small" is up, keys act on nothing the user cannot see; q still quits,
/// even from a text field.
#[test]
fn keys_do_nothing_while_the_terminal_is_too_small() {
    let t = Tmux::start("toosmall", 120, 35);
    t.wait_for_prompt(WAIT);
    let log = tempfile::NamedTempFile::new().unwrap();
    t.run_program(&format!("{BIN} --demo --log-file {}", log.path().display()));
    t.wait_for_all(&["Invoice Proc", "3 Secrets"], WAIT);
    t.keys(&["3"]);
    t.resize(30, 8);
    t.wait_for("too small", WAIT);
    // Delete a secret and say yes, move, start a new app: all unseen, so all ignored.
    t.keys(&["x", "y", "j", "n"]);
    std::thread::sleep(Duration::from_millis(500));
    t.resize(120, 35);
    let screen = t.wait_for("Invoice Proc", WAIT);
    assert!(!screen.contains("Delete secret"), "{screen}");
    assert!(!screen.contains("Deleted secret"), "{screen}");
    assert!(!screen.contains("New app"), "{screen}");

    // A text field on top: q there is text, but on the small screen it quits.
    t.keys(&["n"]);
    t.wait_for("New app", WAIT);
    t.resize(30, 8);
    t.wait_for("too small", WAIT);
    t.keys(&["q"]);
    assert_eq!(t.wait_for_exit(WAIT), 0);
}

fn log_says(path: &std::path::Path, text: &str) -> bool {
    std::fs::read_to_string(path).is_ok_and(|log| log.contains(text))
}

/// Polls the TUI's log file for `text`, up to `timeout`. A failure shows the screen too: the
/// log alone cannot tell a key that never arrived from one the TUI refused.
fn wait_for_log(t: &Tmux, path: &std::path::Path, text: &str, timeout: Duration) {
    let end = std::time::Instant::now() + timeout;
    while !log_says(path, text) {
        assert!(
            std::time::Instant::now() < end,
            "{text:?} not in the log after {timeout:?}: {}\nscreen:\n{}",
            std::fs::read_to_string(path).unwrap_or_default(),
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
