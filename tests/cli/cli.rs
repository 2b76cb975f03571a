//! The real binary, headless: `apps list/show` on the demo organization, `extapps sim` as a
//! separate process, and the one-paragraph failures for missing settings, a dead server and a
//! rejected secret.

use crate::common;

use crate::common::sim_process::run_sim;

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_extapps");

fn extapps(args: &[&str], env: &[(&str, &str)]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("extapps.log");
    let out = Command::new(BIN)
        .args(args)
        .arg("--log-file")
        .arg(&log)
        .env_clear()
        .env("HOME", dir.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs");
    (out, dir)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A failure is one readable paragraph, never a panic or a backtrace.
fn assert_clean_failure(o: &Output, code: i32, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    assert!(err.starts_with("extapps: "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one paragraph: {err}");
    for bad in ["panicked", "backtrace", "Location:", "RUST_BACKTRACE"] {
        assert!(!err.contains(bad), "{bad} in {err}");
    }
}

#[test]
fn demo_apps_list_prints_a_table() {
    let (o, _d) = extapps(&["--demo", "apps", "list"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("NAME"), "{out}");
    assert!(out.contains("demo-admin"));
    // The demo's list carries summaries, as the live server's does: scopes, secrets and
    // expiry are not loaded, and the table says so rather than showing none.
    let row = out.lines().find(|l| l.contains("demo-admin")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[cells.len() - 3..], ["…", "…", "…"], "{out}");
    assert!(!out.contains("EXPIRED") && !out.contains("never"), "{out}");
    assert!(out.contains("without details loaded"), "{out}");
}

#[test]
fn demo_apps_list_json_has_the_apis_shape() {
    let (o, _d) = extapps(&["--demo", "apps", "list", "--json"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let apps = v.as_array().unwrap();
    assert!(apps.len() >= 12);
    let app = &apps[0];
    for key in [
        "name",
        "id",
        "secret",
        "isConfidential",
        "redirectUri",
        "resources",
        "secrets",
    ] {
        assert!(app.get(key).is_some(), "missing {key}");
    }
    let (o, _d) = extapps(&["--demo", "apps", "show", "demo-admin", "--json"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["id"], "demo-admin");
    assert!(
        v["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["secret"].is_null())
    );
}

#[test]
fn demo_apps_show_reads_like_a_page() {
    let (o, _d) = extapps(&["--demo", "apps", "show", "demo-admin"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Client id:     demo-admin"), "{out}");
    assert!(out.contains("PM.OAuthApp"), "{out}");
    assert!(out.contains("Secrets ("), "{out}");
}

#[test]
fn an_unknown_app_is_a_clean_failure() {
    let (o, _d) = extapps(&["--demo", "apps", "show", "no-such-app"], &[]);
    assert_clean_failure(&o, 1, "not found");
}

#[test]
fn missing_settings_say_what_to_set() {
    // One setting given: not a first run (tests/cli/first_run.rs), so the message names
    // what is still missing.
    let (o, _d) = extapps(&["apps", "list"], &[("UIPATH_CLIENT_ID", "x")]);
    assert_clean_failure(&o, 2, "UIPATH_ORGANIZATION");
    assert!(stderr(&o).contains("--demo"));
}

#[test]
fn a_dead_server_says_where_it_tried() {
    let (_reserved, port) = common::refusing_port();
    let uri = format!("http://127.0.0.1:{port}");
    let (o, _d) = extapps(
        &["apps", "list"],
        &[
            ("UIPATH_URI", &uri),
            ("UIPATH_ORGANIZATION", "demo-org"),
            ("UIPATH_CLIENT_ID", "demo-admin"),
            ("UIPATH_CLIENT_SECRET", "demo-admin-secret"),
        ],
    );
    assert_clean_failure(
        &o,
        1,
        &format!("the token endpoint (127.0.0.1:{port}) could not be reached"),
    );
    assert!(!stderr(&o).contains("demo-admin-secret"));
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let (o, _d) = extapps(
        &["apps", "list"],
        &[
            ("UIPATH_URI", "http://cloud.uipath.com"),
            ("UIPATH_ORGANIZATION", "acme"),
            ("UIPATH_CLIENT_ID", "x"),
            ("UIPATH_CLIENT_SECRET", "y"),
        ],
    );
    assert_clean_failure(&o, 2, "https://");
}

#[test]
fn a_separate_simulator_serves_env_configured_commands() {
    let sim = run_sim();
    let env = |secret: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("UIPATH_URI", sim.1.clone()),
            ("UIPATH_ORGANIZATION", "demo-org".to_owned()),
            ("UIPATH_CLIENT_ID", "demo-admin".to_owned()),
            ("UIPATH_CLIENT_SECRET", secret.to_owned()),
        ]
    };
    let good = env("demo-admin-secret");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (o, _d) = extapps(&["apps", "list"], &good);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("demo-admin"));

    let bad = env("wrong-secret-value");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (o, dir) = extapps(&["apps", "list"], &bad);
    assert_clean_failure(&o, 1, "invalid_client");
    assert!(stderr(&o).contains("UIPATH_CLIENT_SECRET"));
    assert!(!stderr(&o).contains("wrong-secret-value"));
    let log = std::fs::read_to_string(dir.path().join("extapps.log")).unwrap_or_default();
    assert!(
        !log.contains("wrong-secret-value"),
        "the secret reached the log"
    );
}

#[test]
fn help_says_where_the_log_is() {
    let (o, _d) = extapps(&["--help"], &[]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("extapps.log"), "{}", stdout(&o));
}
