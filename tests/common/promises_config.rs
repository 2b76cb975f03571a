//! The real binary in a home of its own: every per-user directory (config, cache, state, data)
//! inside one temporary directory, the log there too, and nothing of the test's environment
//! passed on, so that a command can touch nothing outside the directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use extapps::sim::SimHandle;

pub const BIN: &str = env!("CARGO_BIN_EXE_extapps");

/// One temporary home for a test's commands.
pub struct Home(pub tempfile::TempDir);

impl Home {
    pub fn new() -> Self {
        Home(tempfile::tempdir().unwrap())
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    pub fn log(&self) -> PathBuf {
        self.file("extapps.log")
    }

    /// The log as written so far (empty when none was written).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.log()).unwrap_or_default()
    }

    /// The binary with a clean environment, every XDG directory and HOME inside this home,
    /// the log in it, and stdin closed (not a terminal).
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .arg("--log-file")
            .arg(self.log())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.file("config"))
            .env("XDG_CACHE_HOME", self.file("cache"))
            .env("XDG_STATE_HOME", self.file("state"))
            .env("XDG_DATA_HOME", self.file("data"))
            .env("EXTAPPS_CACHE_DIR", self.file("cache"))
            .env("EXTAPPS_BACKUP_DIR", self.file("backups"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// `cmd`, signed in as the demo admin of the simulator at `url` through the environment.
    pub fn admin_cmd(&self, url: &str, args: &[&str]) -> Command {
        let mut c = self.cmd(args);
        c.env("UIPATH_URI", url.trim_end_matches('/'))
            .env("UIPATH_ORGANIZATION", "demo-org")
            .env("UIPATH_CLIENT_ID", "demo-admin")
            .env("UIPATH_CLIENT_SECRET", "demo-admin-secret");
        c
    }

    /// Writes `text` as a config file in this home and returns its path.
    pub fn config(&self, name: &str, text: &str) -> PathBuf {
        let path = self.file(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Default for Home {
    fn default() -> Self {
        Home::new()
    }
}

/// Runs `cmd` without blocking the runtime an in-process simulator answers on; bounded.
pub async fn run(cmd: Command) -> Output {
    let mut cmd = tokio::process::Command::from(cmd);
    cmd.kill_on_drop(true);
    tokio::time::timeout(Duration::from_secs(90), cmd.output())
        .await
        .expect("extapps finishes within 90 s")
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The simulator's base URL without the trailing slash, as UIPATH_URI takes it.
pub fn url_of(h: &SimHandle) -> String {
    h.base_url.as_str().trim_end_matches('/').to_owned()
}

/// `GET /_sim/stats` of a simulator process (plain HTTP/1.0, no client library involved).
pub fn sim_stats(url: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut conn = std::net::TcpStream::connect(addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        conn,
        "GET /_sim/stats HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(body).unwrap()
}
