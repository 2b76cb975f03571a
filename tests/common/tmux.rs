//! Drives the real binary in tmux: a private tmux server per test (its own socket), a shell in
//! a pane of a fixed size, keys sent with send-keys, the screen read with capture-pane. Waits
//! poll for text instead of sleeping blindly.

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    /// The shell's HOME, this test's own: the programs it runs keep their token and details
    /// caches, backups and state there, never in a directory another test shares.
    home: tempfile::TempDir,
}

impl Tmux {
    /// A new tmux server running `bash --norc` in a `width`×`height` pane.
    pub fn start(name: &str, width: u16, height: u16) -> Tmux {
        assert!(
            Command::new("tmux").arg("-V").output().is_ok(),
            "tmux is required for the end-to-end tests (apt-get install tmux)"
        );
        let socket = format!("extapps-{name}-{}", std::process::id());
        let home = tempfile::tempdir().expect("a temporary HOME");
        let shell = format!(
            "env -i PATH=/usr/bin:/bin HOME={} TERM=xterm-256color NO_COLOR=1 PS1='$ ' bash --norc --noprofile",
            home.path().display()
        );
        let t = Tmux { socket, home };
        t.tmux(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            &shell,
        ]);
        t
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types a line into the shell and presses Enter.
    pub fn run_line(&self, line: &str) {
        self.tmux(&["send-keys", "-t", "e2e", "-l", line]);
        self.tmux(&["send-keys", "-t", "e2e", "Enter"]);
    }

    /// Sends tmux key names (`Down`, `Escape`, `q`, `C-c`) one by one.
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "e2e", k]);
        }
    }

    /// Types literal text.
    pub fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// Resizes the pane, as a person dragging the window would.
    pub fn resize(&self, width: u16, height: u16) {
        self.tmux(&[
            "resize-window",
            "-t",
            "e2e",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// Waits until `pred` holds for the screen; panics with the last screen after `timeout`.
    pub fn wait(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("timed out waiting for {what}; the screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs `command` in the shell followed by an echo of its exit status, so that
    /// `wait_for_exit` can tell when it has really ended. A line typed before then would go to
    /// the program still reading the terminal (and be lost), not to the shell.
    pub fn run_program(&self, command: &str) {
        self.run_line(&format!("{command}; echo {EXIT_MARK}$?"));
    }

    /// Waits until the command started by `run_program` has exited; returns its status. The
    /// typed line shows `__EXIT__$?`; only the echo puts digits after the mark.
    pub fn wait_for_exit(&self, timeout: Duration) -> i32 {
        let screen = self.wait("the program to exit", timeout, |s| exit_status(s).is_some());
        exit_status(&screen).expect("just seen")
    }

    /// Waits for the shell's `$` prompt (capture-pane drops its trailing space).
    pub fn wait_for_prompt(&self, timeout: Duration) -> String {
        self.wait("the shell prompt", timeout, |s| {
            s.lines().any(|l| l.trim_end() == "$")
        })
    }

    pub fn wait_for(&self, text: &str, timeout: Duration) -> String {
        self.wait(&format!("{text:?}"), timeout, |s| s.contains(text))
    }

    /// Waits until every text is on screen at once. Checking the others after `wait_for` of
    /// the first can fail for nothing: tmux may show a frame half drawn.
    pub fn wait_for_all(&self, texts: &[&str], timeout: Duration) -> String {
        self.wait(&format!("{texts:?}"), timeout, |s| {
            texts.iter().all(|t| s.contains(t))
        })
    }
}

/// What `run_program` appends: `__EXIT__` and the status.
pub const EXIT_MARK: &str = "__EXIT__";

fn exit_status(screen: &str) -> Option<i32> {
    screen.lines().find_map(|line| {
        let at = line.find(EXIT_MARK)?;
        let digits: String = line[at + EXIT_MARK.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    })
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}
