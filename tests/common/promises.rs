//! The real binary against a simulator that this test process serves on a runtime of its own,
//! so that a plain (blocking) test can run commands, drive tmux, and still look at and change
//! the organization directly: the truth on the server, secrets with chosen expiries, edits
//! someone else made in the portal.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use extapps::api::model::App;
use extapps::sim::{self, SimHandle, SimSettings, SimState};

pub const BIN: &str = env!("CARGO_BIN_EXE_extapps");

/// A simulator and a directory for this test's home, log, backups and caches.
pub struct Org {
    // Dropped before the runtime that serves it.
    handle: SimHandle,
    _runtime: tokio::runtime::Runtime,
    pub dir: tempfile::TempDir,
}

impl Org {
    pub fn start() -> Org {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let handle = runtime
            .block_on(sim::start(SimSettings::default()))
            .expect("the simulator starts");
        Org {
            handle,
            _runtime: runtime,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn state(&self) -> SimState {
        self.handle.state()
    }

    /// The app as the server holds it, or `None` when there is no such app.
    pub fn app(&self, id: &str) -> Option<App> {
        self.state().app(id)
    }

    pub fn url(&self) -> String {
        self.handle
            .base_url
            .as_str()
            .trim_end_matches('/')
            .to_owned()
    }

    /// The environment every command gets: the demo admin against this simulator, and every
    /// file it writes inside this test's directory.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let at = |p: &str| self.dir.path().join(p).display().to_string();
        vec![
            ("HOME", at("home")),
            ("EXTAPPS_BACKUP_DIR", at("backups")),
            ("EXTAPPS_CACHE_DIR", at("cache")),
            ("UIPATH_URI", self.url()),
            ("UIPATH_ORGANIZATION", "demo-org".to_owned()),
            ("UIPATH_CLIENT_ID", "demo-admin".to_owned()),
            ("UIPATH_CLIENT_SECRET", "demo-admin-secret".to_owned()),
        ]
    }

    pub fn log(&self) -> PathBuf {
        self.dir.path().join("extapps.log")
    }

    /// The command with stdin closed (not a terminal), as cron or CI run it.
    pub fn command(&self, args: &[&str]) -> Command {
        std::fs::create_dir_all(self.dir.path().join("home")).unwrap();
        let mut c = Command::new(BIN);
        c.args(args)
            .arg("--log-file")
            .arg(self.log())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.env())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    pub fn exec(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// The same command as a short shell line for a terminal in tmux: a script in this test's
    /// directory sets the environment, so the screen shows the program and not the settings.
    pub fn shell_line(&self, name: &str, args: &[&str]) -> String {
        std::fs::create_dir_all(self.dir.path().join("home")).unwrap();
        let mut words = vec!["exec".to_owned(), "env".to_owned()];
        words.extend(self.env().iter().map(|(k, v)| quote(&format!("{k}={v}"))));
        words.push(quote(BIN));
        words.extend(args.iter().map(|a| quote(a)));
        words.push("--log-file".to_owned());
        words.push(quote(&self.log().display().to_string()));
        let script = self.dir.path().join(format!("{name}.sh"));
        std::fs::write(&script, format!("{}\n", words.join(" "))).unwrap();
        format!("sh {}", quote(&script.display().to_string()))
    }

    /// Requests that change something and reached the simulator (its `GET /_sim/stats`).
    pub fn write_requests(&self) -> u64 {
        use std::io::{Read, Write};
        let addr = self.url().trim_start_matches("http://").to_owned();
        let mut conn = std::net::TcpStream::connect(&addr).unwrap();
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

    /// The backup files written so far.
    pub fn backups(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.dir.path().join("backups")) {
            Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        }
    }
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The app's scopes as `NAME (user|application)`, sorted.
pub fn scopes(app: &App) -> Vec<String> {
    let mut out: Vec<String> = app
        .scope_refs()
        .iter()
        .map(|s| format!("{} ({})", s.name, s.kind.label()))
        .collect();
    out.sort();
    out
}

/// The app's secrets as `(id, expiry)`, sorted by id.
pub fn secrets(app: &App) -> Vec<(i64, Option<jiff::Timestamp>)> {
    let mut out: Vec<_> = app.secrets.iter().map(|s| (s.id, s.expiry_time)).collect();
    out.sort();
    out
}
