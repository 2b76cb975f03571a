//! The real binary against hostile or mistaken input: log paths that are not files,
//! credentials in URIs and config files, endless files, absurd durations, malformed
//! organizations, variables that are not UTF-8, and the cron line the docs give.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_extapps");
/// Generous: these commands take well under a second, but the machine may be busy.
const WAIT: Duration = Duration::from_secs(60);

struct Run {
    out: Output,
    dir: tempfile::TempDir,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    fn log(&self) -> String {
        std::fs::read(self.dir.path().join("extapps.log"))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }
    fn code(&self) -> Option<i32> {
        self.out.status.code()
    }
    /// Asserts `needle` appears in none of stdout, stderr and the log.
    fn never_shows(&self, needle: &str) {
        for (what, text) in [
            ("stdout", self.stdout()),
            ("stderr", self.stderr()),
            ("log", self.log()),
        ] {
            assert!(!text.contains(needle), "{needle:?} in {what}: {text}");
        }
    }
    fn no_panic(&self) {
        let err = self.stderr();
        for bad in ["panicked", "backtrace", "Location:"] {
            assert!(!err.contains(bad), "{bad} in {err}");
        }
    }
}

/// Runs the binary in a clean environment (HOME is a fresh temp dir holding the log), with
/// `env` added, and waits a bounded time for it.
fn run(args: &[&str], env: &[(&str, &OsStr)]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    run_in(dir, args, env)
}

fn run_in(dir: tempfile::TempDir, args: &[&str], env: &[(&str, &OsStr)]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .arg("--log-file")
        .arg(dir.path().join("extapps.log"))
        .env_clear()
        .env("HOME", dir.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .stdin(Stdio::null());
    let out = output_within(cmd, WAIT);
    Run { out, dir }
}

fn output_within(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "still running after {limit:?}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// `apps list` with the profile `p` of a config file holding `profile` (the TOML under
/// `[profiles.p]`), plus `env`.
fn list_with_profile(profile: &str, env: &[(&str, &OsStr)]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &format!("[profiles.p]\n{profile}"));
    let mut vars = vec![("EXTAPPS_CONFIG", config.as_os_str())];
    vars.extend_from_slice(env);
    run_in(dir, &["--profile", "p", "apps", "list"], &vars)
}

// --- 1. The log file -----------------------------------------------------------------------

/// A command that logs: a failing command is logged as a warning.
const LOGS: &[&str] = &["--demo", "apps", "show", "no-such-app"];

fn run_with_log(log: &Path) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(LOGS)
        .arg("--log-file")
        .arg(log)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null());
    output_within(cmd, WAIT)
}

#[test]
fn an_existing_log_file_keeps_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("shared.log");
    std::fs::write(&log, "earlier line\n").unwrap();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run_with_log(&log);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(mode(&log), 0o644);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("earlier line\n"), "{text}");
    assert!(text.contains("command failed"), "appended to: {text}");
}

#[test]
fn a_new_log_file_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("new").join("extapps.log");
    let out = run_with_log(&log);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(mode(&log), 0o600);
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("command failed")
    );
}

/// A FIFO stands in for /dev/null: a file that is not a regular file, which the test owns.
#[test]
fn a_log_path_that_is_not_a_regular_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::fs::set_permissions(&fifo, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = dir.path().join("link.log");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    for path in [&fifo, &link] {
        // Nobody reads the FIFO: a writer opening it would hang, and the wait would fail.
        let out = run_with_log(path);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is a FIFO, not a regular file"), "{err}");
        assert!(err.contains("logging is off"), "{err}");
        // The command itself still runs.
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(mode(&fifo), 0o644);
        let meta = std::fs::symlink_metadata(&fifo).unwrap();
        assert!(std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type()));
    }
}

/// A character device like /dev/null, made by the test in its own directory (a copy of the
/// null device's numbers, so writing to it is harmless): refused, and its mode left as it was.
#[test]
fn a_character_device_as_the_log_keeps_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let dev = dir.path().join("null");
    let made = Command::new("mknod")
        .arg(&dev)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    if !made.success() {
        // Only root may make device nodes; the FIFO test covers the rule elsewhere. CI runs as
        // root, so there this test always runs.
        assert_ne!(
            unsafe { libc::geteuid() },
            0,
            "root could not make a device node"
        );
        eprintln!("skipped: making a device node needs root");
        return;
    }
    std::fs::set_permissions(&dev, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run_with_log(&dev);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a regular file"), "{err}");
    assert!(err.contains("logging is off"), "{err}");
    assert_eq!(mode(&dev), 0o644, "the device's mode was changed");
    let meta = std::fs::symlink_metadata(&dev).unwrap();
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(
        &meta.file_type()
    ));
}

// --- 2. Credentials in URIs and config files -------------------------------------------------

const PASSWORD: &str = "pw-s3cret-9f8e";

#[test]
fn a_password_in_the_uri_never_shows_in_an_error_or_the_log() {
    let uri = format!("http://admin:{PASSWORD}@example.com");
    let r = run(
        &["apps", "list"],
        &[
            ("UIPATH_URI", os(&uri)),
            ("UIPATH_ORGANIZATION", os("acme")),
            ("UIPATH_CLIENT_ID", os("cid")),
            ("UIPATH_CLIENT_SECRET", os("csecret")),
        ],
    );
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    assert!(
        r.stderr().contains(
            "the uri from env UIPATH_URI holds a user name or password (http://***@example.com)"
        ),
        "{}",
        r.stderr()
    );
    assert!(r.log().contains("***@example.com"), "{}", r.log());
    r.never_shows(PASSWORD);
    r.never_shows("admin:");

    // Loopback plain http is allowed, but credentials in it would replace the client's own
    // at sign-in: refused before anything is sent.
    let uri = format!("http://admin:{PASSWORD}@127.0.0.1:9");
    let r = run(
        &["apps", "list"],
        &[
            ("UIPATH_URI", os(&uri)),
            ("UIPATH_ORGANIZATION", os("acme")),
            ("UIPATH_CLIENT_ID", os("cid")),
            ("UIPATH_CLIENT_SECRET", os("csecret")),
        ],
    );
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    assert!(
        r.stderr().contains("(http://***@127.0.0.1:9)"),
        "{}",
        r.stderr()
    );
    r.never_shows(PASSWORD);

    // Not a URL at all: the message quotes it, hidden just the same.
    let uri = format!("http://admin:{PASSWORD}@exa mple.com:x");
    let r = run(
        &["apps", "list"],
        &[
            ("UIPATH_URI", os(&uri)),
            ("UIPATH_ORGANIZATION", os("acme")),
            ("UIPATH_CLIENT_ID", os("cid")),
            ("UIPATH_CLIENT_SECRET", os("csecret")),
        ],
    );
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    r.never_shows(PASSWORD);
}

#[test]
fn config_show_hides_the_password_of_every_uri() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &format!(
            "default_profile = \"p\"\n[profiles.p]\norganization = \"acme\"\n\
             client_id = \"cid\"\nclient_secret_env = \"SECRET\"\n\
             identity_uri = \"https://id:{PASSWORD}@id.example/identity\"\n"
        ),
    );
    let uri = format!("https://user:{PASSWORD}@cloud.example");
    let r = run_in(
        dir,
        &["config", "show"],
        &[
            ("UIPATH_URI", os(&uri)),
            ("EXTAPPS_CONFIG", config.as_os_str()),
        ],
    );
    assert_eq!(r.code(), Some(0), "{}", r.stderr());
    assert!(
        r.stdout().contains("https://***@cloud.example"),
        "{}",
        r.stdout()
    );
    assert!(
        r.stdout().contains("https://***@id.example/identity"),
        "{}",
        r.stdout()
    );
    r.never_shows(PASSWORD);

    let r = run(
        &["config", "profiles"],
        &[("EXTAPPS_CONFIG", config.as_os_str())],
    );
    r.never_shows(PASSWORD);
}

#[test]
fn a_mistyped_secret_in_a_config_file_is_named_not_echoed() {
    let r = list_with_profile(
        "organization = \"acme\"\nclient_id = \"cid\"\nclient_secret = 98765432\n",
        &[],
    );
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    let err = r.stderr();
    assert!(
        err.contains("config.toml:4:17: `client_secret` should be a string, not an integer"),
        "{err}"
    );
    r.never_shows("98765432");
    r.no_panic();
}

#[test]
fn a_value_in_the_wrong_place_of_the_uipathcli_file_is_named_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("uipath-config");
    // A secret pasted one line too high, where a yes/no belongs.
    std::fs::write(
        &path,
        "profiles:\n  - name: default\n    organization: acme\n    insecure: s3cr3t-98765432\n",
    )
    .unwrap();
    let r = run_in(
        dir,
        &["config", "profiles"],
        &[("UIPATH_CONFIGURATION_PATH", path.as_os_str())],
    );
    let err = r.stderr();
    assert!(
        err.contains("`profiles[0].insecure` should be a boolean, not a string"),
        "{err}"
    );
    r.never_shows("98765432");
}

// --- 3. Bounded reads --------------------------------------------------------------------------

#[test]
fn restoring_from_an_endless_file_stops_at_the_cap() {
    let r = run(&["--demo", "apps", "restore", "/dev/zero"], &[]);
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    let err = r.stderr();
    assert!(err.contains("/dev/zero"), "{err}");
    assert!(err.contains("more than 16 MiB"), "{err}");
    r.no_panic();
}

#[test]
fn an_endless_secret_file_stops_at_the_cap() {
    let r = list_with_profile(
        "organization = \"acme\"\nclient_id = \"cid\"\nclient_secret_file = \"/dev/zero\"\n",
        &[],
    );
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    let err = r.stderr();
    assert!(err.contains("/dev/zero"), "{err}");
    assert!(err.contains("more than 64 KiB"), "{err}");
}

#[test]
fn a_huge_config_file_is_refused_by_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.toml");
    // Sparse: a gigabyte of nothing costs no disk.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let r = run_in(
        dir,
        &["config", "show"],
        &[("EXTAPPS_CONFIG", path.as_os_str())],
    );
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    assert!(r.stderr().contains("big.toml"), "{}", r.stderr());
    assert!(r.stderr().contains("more than 1 MiB"), "{}", r.stderr());
}

// --- 5. Durations out of range -----------------------------------------------------------------

#[test]
fn absurd_durations_are_usage_errors_not_panics() {
    for args in [
        &[
            "--demo",
            "secrets",
            "create",
            "demo-admin",
            "--expires-in",
            "8000y",
        ][..],
        &[
            "--demo",
            "secrets",
            "rotate",
            "demo-admin",
            "--expires-in",
            "8000y",
        ],
        &["--demo", "secrets", "list", "--expiring-within", "8000y"],
        &[
            "--demo",
            "secrets",
            "create",
            "demo-admin",
            "--expires-in",
            "99999999999999999999y",
        ],
    ] {
        let r = run(args, &[]);
        assert_eq!(r.code(), Some(2), "{args:?}: {}", r.stderr());
        assert!(
            r.stderr().contains("the longest duration is 100y"),
            "{args:?}: {}",
            r.stderr()
        );
        r.no_panic();
    }
}

// --- 7. Malformed organizations, variables that are not UTF-8 ----------------------------------

fn with_org(org: &OsStr, args: &[&str]) -> Run {
    run(
        args,
        &[
            ("UIPATH_URI", os("https://cloud.example")),
            ("UIPATH_ORGANIZATION", org),
            ("UIPATH_CLIENT_ID", os("cid")),
            ("UIPATH_CLIENT_SECRET", os("csecret")),
        ],
    )
}

#[test]
fn an_organization_that_would_bend_the_url_is_refused() {
    for (org, why) in [
        ("acme\n", "contains a line break"),
        ("ac\tme", "contains a tab"),
        ("acme/../other", "contains `/`"),
        ("..", "is `..`"),
        ("acme?x=1", "contains `?`"),
        ("acme#top", "contains `#`"),
        ("acme%2e%2e", "contains `%`"),
        ("ac me", "contains a space"),
    ] {
        let r = with_org(os(org), &["apps", "list"]);
        assert_eq!(r.code(), Some(2), "{org:?}: {}", r.stderr());
        let err = r.stderr();
        assert!(
            err.contains(&format!(
                "the organization from env UIPATH_ORGANIZATION {why}"
            )),
            "{org:?}: {err}"
        );
    }
    let r = run(
        &["--organization", "a/b", "apps", "list"],
        &[
            ("UIPATH_CLIENT_ID", os("cid")),
            ("UIPATH_CLIENT_SECRET", os("csecret")),
        ],
    );
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    assert!(r.stderr().contains("flag --organization contains `/`"));
}

#[test]
fn a_variable_that_is_not_utf8_is_named_never_printed() {
    let bad = OsStr::from_bytes(b"acme\xff\xfeZQX");
    let r = with_org(bad, &["apps", "list"]);
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    assert!(
        r.stderr()
            .contains("UIPATH_ORGANIZATION is set but is not valid UTF-8"),
        "{}",
        r.stderr()
    );
    assert!(!r.stderr().contains("not set"), "{}", r.stderr());
    r.never_shows("ZQX");

    let r = with_org(bad, &["config", "show"]);
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    assert!(
        r.stderr()
            .contains("UIPATH_ORGANIZATION is set but is not valid UTF-8")
    );

    let secret = OsStr::from_bytes(b"s3cr\xffZQX");
    let r = run(
        &["apps", "list"],
        &[
            ("UIPATH_ORGANIZATION", os("acme")),
            ("UIPATH_CLIENT_ID", os("cid")),
            ("UIPATH_CLIENT_SECRET", secret),
        ],
    );
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    assert!(
        r.stderr()
            .contains("UIPATH_CLIENT_SECRET is set but is not valid UTF-8"),
        "{}",
        r.stderr()
    );
    r.never_shows("ZQX");

    // The variable a profile names for its secret.
    let r = list_with_profile(
        "organization = \"acme\"\nclient_id = \"cid\"\nclient_secret_env = \"MY_SECRET\"\n",
        &[("MY_SECRET", secret)],
    );
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    let err = r.stderr();
    assert!(
        err.contains("MY_SECRET") && err.contains("is set but is not valid UTF-8"),
        "{err}"
    );
    r.never_shows("ZQX");
}

// --- 8. The cron line the docs give --------------------------------------------------------------

/// The command part of each `0 7 * * *` line in README.md and docs/monitoring.md.
fn cron_lines() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut lines = Vec::new();
    for doc in ["README.md", "docs/monitoring.md"] {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        for line in text.lines() {
            if let Some(cmd) = line.strip_prefix("0 7 * * *") {
                lines.push(cmd.trim().to_owned());
            }
        }
    }
    assert_eq!(
        lines.len(),
        3,
        "one cron line in docs/monitoring.md; two in README.md (one profile, every profile)"
    );
    lines
}

fn run_cron(line: &str, extapps: &str) -> String {
    run_cron_with(line, extapps, &[])
}

fn run_cron_with(line: &str, extapps: &str, env: &[(&str, &OsStr)]) -> String {
    let home = tempfile::tempdir().unwrap();
    let line = line.replacen("extapps ", &format!("{extapps} "), 1);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(&line)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied());
    let out = output_within(cmd, WAIT);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The every-profile line: a failure to check (no profile configured) is mailed, and so are
/// expired secrets of a profile's organization (a simulator process with the demo one).
fn every_profile_cron_line_mails(line: &str, log: &Path) {
    let mail = run_cron(line, &format!("{BIN} --log-file {}", log.display()));
    assert!(
        mail.contains("no profile is configured"),
        "{line}: {mail:?}"
    );
    let sim = crate::common::sim_process::run_sim();
    let config = sim.file("every.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.dev]\nuri = \"{}\"\norganization = \"demo-org\"\nclient_id = \"demo-admin\"\nclient_secret_env = \"DEV_SECRET\"\n",
            sim.1
        ),
    )
    .unwrap();
    let mail = run_cron_with(
        line,
        &format!("{BIN} --log-file {}", log.display()),
        &[
            ("EXTAPPS_CONFIG", config.as_os_str()),
            ("DEV_SECRET", OsStr::new("demo-admin-secret")),
        ],
    );
    assert!(
        mail.contains("expired 35d") && mail.contains("status 4"),
        "{line}: {mail:?}"
    );
}

#[test]
fn the_documented_cron_line_mails_on_expiry_and_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("cron.log");
    for line in cron_lines() {
        if line.contains("--all-profiles") {
            every_profile_cron_line_mails(&line, &log);
            continue;
        }
        // No such profile: extapps cannot check (status 2), and that must be mailed.
        let mail = run_cron(&line, &format!("{BIN} --log-file {}", log.display()));
        assert!(mail.contains("prod-monitor"), "{line}: {mail:?}");
        // The demo organization has expired secrets (status 4).
        let mail = run_cron(&line, &format!("{BIN} --demo --log-file {}", log.display()));
        assert!(mail.contains("expired 35d"), "{line}: {mail:?}");
    }
}
