//! `extapps secrets create|delete|rotate` through the real binary against `extapps sim` in
//! its own process, so each command sees what the previous one changed.

use crate::common::sim_process::{Sim, run_sim};

use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_extapps");
const AUDIT: &str = "4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9c0";

impl Sim {
    /// Runs extapps against this simulator with stdin closed (not a terminal).
    fn run(&self, args: &[&str]) -> (Output, String) {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("extapps.log");
        let out = Command::new(BIN)
            .args(args)
            .arg("--log-file")
            .arg(&log)
            .env_clear()
            .env("HOME", dir.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("UIPATH_URI", &self.1)
            .env("UIPATH_ORGANIZATION", "demo-org")
            .env("UIPATH_CLIENT_ID", "demo-admin")
            .env("UIPATH_CLIENT_SECRET", "demo-admin-secret")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        (out, log)
    }

    fn secret_ids(&self, app: &str) -> Vec<i64> {
        let (o, _) = self.run(&["apps", "show", app, "--json"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                assert!(s["secret"].is_null(), "a value in a read");
                s["id"].as_i64().unwrap()
            })
            .collect()
    }
}

/// How many times `needle` occurs in `hay`: "printed once" means exactly one.
fn count(hay: &[u8], needle: &str) -> usize {
    String::from_utf8_lossy(hay).matches(needle).count()
}

/// The value after "client secret: " in the human output.
fn printed_value(o: &Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("client secret: "))
        .unwrap_or_else(|| panic!("no secret line: {out}"));
    assert!(!line.is_empty(), "{out}");
    line.to_owned()
}

/// The value is on stdout exactly once, and in neither stderr nor the log.
fn printed_once(o: &Output, log: &str, value: &str) {
    assert_eq!(count(&o.stdout, value), 1, "the value, once on stdout");
    assert_eq!(count(&o.stderr, value), 0, "the value reached stderr");
    assert_eq!(log.matches(value).count(), 0, "the value reached the log");
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

#[test]
fn create_prints_the_value_once_to_stdout_only() {
    let sim = run_sim();
    let before = sim.secret_ids("demo-reader");
    let (o, log) = sim.run(&[
        "secrets",
        "create",
        "demo-reader",
        "--description",
        "ci",
        "--expires-in",
        "30d",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    let value = v["secret"].as_str().expect("the value").to_owned();
    assert_eq!(v["description"], "ci");
    assert!(v["expiryTime"].is_string());
    printed_once(&o, &log, &value);
    let after = sim.secret_ids("demo-reader");
    assert_eq!(after.len(), before.len() + 1);

    let (o, log) = sim.run(&["secrets", "create", "demo-reader", "--never-expires"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let value = printed_value(&o);
    printed_once(&o, &log, &value);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("client secret: "), "{out}");
    assert!(out.contains("never expires"), "{out}");
}

#[test]
fn delete_asks_refuses_without_yes_and_names_the_secret() {
    let sim = run_sim();
    let ids = sim.secret_ids(AUDIT);
    let id = ids[0].to_string();
    let (o, _) = sim.run(&["secrets", "delete", &id]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("Refusing without --yes"), "{err}");
    assert!(err.contains("Audit Log Exporter"), "{err}");
    assert_eq!(sim.secret_ids(AUDIT), ids, "nothing was deleted");

    let (o, _) = sim.run(&["secrets", "delete", &id, "--yes", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(json(&o)["deleted"][0].as_i64(), Some(ids[0]));
    assert!(!sim.secret_ids(AUDIT).contains(&ids[0]));
}

#[test]
fn rotate_keeps_old_secrets_unless_told_and_confirmed() {
    let sim = run_sim();
    let old = sim.secret_ids(AUDIT);
    let (o, log) = sim.run(&["secrets", "rotate", AUDIT]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    printed_once(&o, &log, &printed_value(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("client secret: "), "{out}");
    assert!(
        out.contains("verified: a client-credentials token was granted"),
        "{out}"
    );
    assert!(out.contains("kept 2 older secret(s)"), "{out}");
    let now = sim.secret_ids(AUDIT);
    assert!(old.iter().all(|id| now.contains(id)));

    // --delete-old on a non-terminal without --yes: refused, everything kept.
    let (o, log) = sim.run(&["secrets", "rotate", AUDIT, "--delete-old"]);
    assert_eq!(o.status.code(), Some(2));
    printed_once(&o, &log, &printed_value(&o));
    let before = sim.secret_ids(AUDIT);
    assert_eq!(before.len(), old.len() + 2);

    let (o, log) = sim.run(&[
        "secrets",
        "rotate",
        AUDIT,
        "--delete-old",
        "--yes",
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert_eq!(v["verified"]["ok"], true);
    let new_id = v["secret"]["id"].as_i64().unwrap();
    printed_once(&o, &log, v["secret"]["secret"].as_str().expect("the value"));
    assert_eq!(sim.secret_ids(AUDIT), vec![new_id]);
}

#[test]
fn read_only_refuses_secret_changes() {
    let sim = run_sim();
    let (o, _) = sim.run(&["--read-only", "secrets", "create", AUDIT]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("read-only"));
    assert_eq!(sim.secret_ids(AUDIT).len(), 2);
}
