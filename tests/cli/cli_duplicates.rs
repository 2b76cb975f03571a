//! `apps create` and `apps restore` warn on stderr when the name is already taken, naming the
//! app that has it, and still create (names need not be unique): restoring one backup twice
//! must not make a second app silently.

use crate::common::sim_process::{Sim, run_sim};

use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_extapps");
/// Audit Log Exporter (SIEM).
const AUDIT: &str = "4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9c0";

fn run(sim: &Sim, args: &[&str]) -> Output {
    let log = sim.file("extapps.log");
    Command::new(BIN)
        .args(args)
        .arg("--log-file")
        .arg(&log)
        .env_clear()
        .env("HOME", sim.2.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("UIPATH_URI", &sim.1)
        .env("UIPATH_ORGANIZATION", "demo-org")
        .env("UIPATH_CLIENT_ID", "demo-admin")
        .env("UIPATH_CLIENT_SECRET", "demo-admin-secret")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ids_named(sim: &Sim, name: &str) -> Vec<String> {
    let o = run(sim, &["apps", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let apps = v
        .as_array()
        .or_else(|| v["apps"].as_array())
        .unwrap()
        .clone();
    apps.iter()
        .filter(|a| a["name"] == name)
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn create_warns_when_the_name_is_taken_and_still_creates() {
    let sim = run_sim();
    let name = "Audit Log Exporter (SIEM)";
    let o = run(&sim, &["apps", "create", "--name", name, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("warning"), "{err}");
    assert!(err.contains(AUDIT), "the existing app's id: {err}");
    assert_eq!(ids_named(&sim, name).len(), 2);

    // A name nobody has: no warning.
    let o = run(
        &sim,
        &["apps", "create", "--name", "A fresh name", "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn restoring_the_same_backup_twice_warns_the_second_time() {
    let sim = run_sim();
    let name = "Audit Log Exporter (SIEM)";
    let o = run(&sim, &["apps", "delete", AUDIT, "--yes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let backup = out
        .lines()
        .find_map(|l| l.strip_prefix("backup: "))
        .unwrap_or_else(|| panic!("no backup line: {out}"))
        .to_owned();

    let o = run(&sim, &["apps", "restore", &backup]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let first = ids_named(&sim, name);
    assert_eq!(first.len(), 1);

    let o = run(&sim, &["apps", "restore", &backup]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("warning"), "{err}");
    assert!(
        err.contains(&first[0]),
        "names the app restored first: {err}"
    );
    assert_eq!(ids_named(&sim, name).len(), 2);
}
