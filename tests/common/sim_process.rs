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
    run_sim_with(&[])
}

/// The same, with more `extapps sim` arguments (faults, for instance).
pub fn run_sim_with(extra: &[&str]) -> Sim {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_extapps"))
        .args(["sim", "--port", "0", "--log-file"])
        .arg(dir.path().join("sim.log"))
        .args(extra)
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

impl Sim {
    /// Runs extapps as the demo admin against this simulator, stdin closed (not a terminal).
    pub fn exec(&self, args: &[&str]) -> std::process::Output {
        self.command(args).output().unwrap()
    }

    /// The command `exec` runs, to spawn several at once.
    pub fn command(&self, args: &[&str]) -> Command {
        let home = self.2.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let mut c = Command::new(env!("CARGO_BIN_EXE_extapps"));
        c.args(args)
            .arg("--log-file")
            .arg(self.2.path().join("extapps.log"))
            .env_clear()
            .env("HOME", &home)
            .env("EXTAPPS_BACKUP_DIR", self.2.path().join("backups"))
            .env("EXTAPPS_CACHE_DIR", self.2.path().join("cache"))
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("UIPATH_URI", &self.1)
            .env("UIPATH_ORGANIZATION", "demo-org")
            .env("UIPATH_CLIENT_ID", "demo-admin")
            .env("UIPATH_CLIENT_SECRET", "demo-admin-secret")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Requests that change something and reached the simulator, before any fault.
    pub fn write_requests(&self) -> u64 {
        use std::io::{Read, Write};
        let addr = self.1.trim_start_matches("http://");
        let mut conn = std::net::TcpStream::connect(addr).unwrap();
        write!(
            conn,
            "GET /_sim/stats HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).unwrap();
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        v["writeRequests"].as_u64().unwrap()
    }
}
