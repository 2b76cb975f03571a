//! `extapps sim` in a process of its own, for tests where several commands of the real binary
//! must see one another's changes. Killed when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The process, its URL, and the directory its log (and the tests' own files) go to.
pub struct Sim(pub Child, pub String, pub tempfile::TempDir);

impl Sim {
    /// A file in this simulator's own temporary directory, for a log or a backup.
    pub fn file(&self, name: &str) -> std::path::PathBuf {
        self.2.path().join(name)
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the simulator on a free port and returns once it printed its URL and credentials.
pub fn run_sim() -> Sim {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_extapps"))
        .args(["sim", "--port", "0", "--log-file"])
        .arg(dir.path().join("sim.log"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    let rest: Vec<String> = lines.by_ref().take(4).map(|l| l.unwrap()).collect();
    assert!(
        rest.iter().any(|l| l.contains("demo-admin-secret")),
        "{rest:?}"
    );
    // Keep draining stdout so the simulator never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Sim(child, url, dir)
}
