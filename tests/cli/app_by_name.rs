//! Commands that take an app accept its client id or its exact name: a name several apps
//! share is refused with the list of them (status 2, nothing sent), a name nobody has says
//! so. Against `extapps sim` in its own process.

use crate::common::sim_process::{Sim, run_sim};

use std::process::Output;

/// Audit Log Exporter (SIEM).
const AUDIT: &str = "4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9c0";
const AUDIT_NAME: &str = "Audit Log Exporter (SIEM)";

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn show_id(sim: &Sim, app: &str) -> (Output, Option<String>) {
    let o = sim.exec(&["apps", "show", app, "--json"]);
    let id = serde_json::from_slice::<serde_json::Value>(&o.stdout)
        .ok()
        .and_then(|v| v["id"].as_str().map(str::to_owned));
    (o, id)
}

fn create(sim: &Sim, name: &str) -> String {
    let o = sim.exec(&["apps", "create", "--name", name, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["id"].as_str().unwrap().to_owned()
}

#[test]
fn an_app_by_id_or_by_exact_name() {
    let sim = run_sim();
    let (o, id) = show_id(&sim, AUDIT);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(id.as_deref(), Some(AUDIT));

    let (o, id) = show_id(&sim, AUDIT_NAME);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(id.as_deref(), Some(AUDIT));

    // A secret for the app named, then rotation by name too.
    let o = sim.exec(&["secrets", "create", AUDIT_NAME, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("\"value\"") || stdout(&o).contains("secret"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_name_that_matches_nothing_says_so() {
    let sim = run_sim();
    // Exact: another case is another name.
    for name in ["audit log exporter (siem)", "No such app"] {
        let o = sim.exec(&["apps", "show", name]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("no app has that client id or name"), "{err}");
    }
}

#[test]
fn an_ambiguous_name_lists_the_matches_and_sends_nothing() {
    let sim = run_sim();
    // Two apps with one name, an escape sequence in it as a hostile server might return.
    let name = "Twin\u{1b}[31m bot";
    let first = create(&sim, name);
    let second = create(&sim, name);
    let writes = sim.write_requests();
    for args in [
        &["apps", "show", name][..],
        &["apps", "update", name, "--name", "Renamed"],
        &["apps", "delete", name, "--yes"],
        &["secrets", "create", name],
        &["secrets", "rotate", name, "--yes"],
    ] {
        let o = sim.exec(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("2 apps are named"), "{args:?}: {err}");
        assert!(
            err.contains(&first) && err.contains(&second),
            "{args:?}: {err}"
        );
        assert!(!err.contains('\u{1b}'), "sanitised: {err:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(sim.write_requests(), writes, "nothing was sent");
    // Either one by its id still works.
    let (o, id) = show_id(&sim, &first);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(id, Some(first));
}
