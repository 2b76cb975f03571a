//! The real binary's changes against `extapps sim` in a process of its own, with the faults
//! applied to the writes only (so that the server's state can still be read): whatever became
//! of the answer, each command says what the server did (done, not done, unknown), leaves with
//! the agreed status (5: unknown), never advises a retry, and sent its request exactly once.

use std::process::Output;

use crate::common::sim_process::{Sim, run_sim, run_sim_with};

const READER: &str = "demo-reader";

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn apps(sim: &Sim) -> Vec<serde_json::Value> {
    let o = sim.exec(&["apps", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice::<serde_json::Value>(&o.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn named(sim: &Sim, name: &str) -> Vec<serde_json::Value> {
    apps(sim)
        .into_iter()
        .filter(|a| a["name"] == name)
        .collect()
}

/// The app read whole (the list carries summaries only), or `None` when it is not there.
fn app(sim: &Sim, id: &str) -> Option<serde_json::Value> {
    if !apps(sim).iter().any(|a| a["id"] == id) {
        return None;
    }
    let o = sim.exec(&["apps", "show", id, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    Some(serde_json::from_slice(&o.stdout).unwrap())
}

/// After a lost answer to a delete, the same delete again finds the thing gone: exit 0, said.
fn deleting_again_is_already_gone(sim: &Sim, args: &[&str]) {
    let again = sim.exec(args);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("already gone"),
        "{}",
        stdout(&again)
    );
}

fn scopes_of(app: &serde_json::Value) -> Vec<String> {
    app["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["scopes"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

/// A fresh confidential app to act on (made while the faults are off for reads).
fn create(sim: &Sim, name: &str) -> String {
    let o = sim.exec(&["apps", "create", "--name", name, "--scope", "OR.Jobs"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    out.lines()
        .find_map(|l| l.strip_prefix("client id:"))
        .unwrap_or_else(|| panic!("{out}"))
        .trim()
        .to_owned()
}

/// Runs one command (with `extra` client arguments) and checks the count of writes it sent and
/// its exit status; returns stdout and stderr.
fn run(sim: &Sim, args: &[&str], extra: &[&str], status: i32, cell: &str) -> String {
    let before = sim.write_requests();
    let mut all = args.to_vec();
    all.extend_from_slice(extra);
    let o = sim.exec(&all);
    let sent = sim.write_requests() - before;
    let err = stderr(&o);
    assert_eq!(sent, 1, "{cell}: sent {sent} times; {err}");
    assert_eq!(
        o.status.code(),
        Some(status),
        "{cell}: {err}\n{}",
        stdout(&o)
    );
    assert!(
        !err.to_lowercase().contains("try again") && !err.to_lowercase().contains("retry"),
        "{cell}: a lost answer never advises a retry: {err}"
    );
    for bad in ["panicked", "demo-admin-secret"] {
        assert!(!err.contains(bad), "{cell}: {err}");
    }
    format!("{}{err}", stdout(&o))
}

/// Every change under one fault, which hits the writes only (reads show the server's state).
/// `answer_lost`: the connection drops without a status; else a success status arrives with a
/// body that is cut, garbled or late. Returns the number of cells checked.
fn every_change_under(fault: &[&str], extra: &[&str], answer_lost: bool) -> usize {
    let mut args = vec!["--faults-on-writes-only"];
    args.extend_from_slice(fault);
    let sim = run_sim_with(&args);
    let label = fault.join(" ");
    let mut cells = 0;

    // apps create: the app exists exactly once, whatever the answer.
    let name = format!("Lost answer {}", label.replace('-', " "));
    let out = run(
        &sim,
        &["apps", "create", "--name", &name, "--scope", "OR.Jobs"],
        extra,
        5,
        &format!("apps create under {label}"),
    );
    assert_eq!(named(&sim, &name).len(), 1, "{label}: {out}");
    if answer_lost {
        assert!(out.contains("outcome of creating the app"), "{out}");
        assert!(out.contains("unknown"), "{out}");
    } else {
        assert!(out.contains("was created"), "{out}");
        assert!(out.contains("extapps secrets create"), "{out}");
    }
    assert!(
        out.contains("extapps apps list | grep -F --"),
        "names the command that shows the truth: {out}"
    );
    cells += 1;
    let id = named(&sim, &name)[0]["id"].as_str().unwrap().to_owned();

    // apps update: the scope is there; a lost answer is unknown, a garbled one is done and
    // then read back.
    let out = run(
        &sim,
        &["apps", "update", &id, "--add-scope", "OR.Queues.Read"],
        extra,
        if answer_lost { 5 } else { 0 },
        &format!("apps update under {label}"),
    );
    assert!(
        scopes_of(&app(&sim, &id).unwrap()).contains(&"OR.Queues.Read".to_owned()),
        "{label}: {out}"
    );
    if answer_lost {
        assert!(out.contains("unknown") && out.contains(&format!("extapps apps show {id}")));
    } else {
        assert!(out.contains("updated"), "{out}");
    }
    cells += 1;

    // secrets create: one secret more, exactly.
    let before = app(&sim, &id).unwrap()["secrets"].as_array().unwrap().len();
    let out = run(
        &sim,
        &["secrets", "create", &id],
        extra,
        5,
        &format!("secrets create under {label}"),
    );
    let secrets = app(&sim, &id).unwrap()["secrets"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(secrets.len(), before + 1, "{label}: {out}");
    assert!(out.contains(&format!("extapps apps show {id}")), "{out}");
    cells += 1;

    // secrets delete: gone; deleting again says so and succeeds.
    let sid_n = secrets[0]["id"].as_i64().unwrap();
    let sid = sid_n.to_string();
    let out = run(
        &sim,
        &["secrets", "delete", &sid, "--yes"],
        extra,
        if answer_lost { 5 } else { 0 },
        &format!("secrets delete under {label}"),
    );
    assert!(
        !app(&sim, &id).unwrap()["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"].as_i64() == Some(sid_n)),
        "{label}: {out}"
    );
    if answer_lost {
        assert!(out.contains("unknown"), "{out}");
        deleting_again_is_already_gone(&sim, &["secrets", "delete", &sid, "--yes"]);
    }
    cells += 1;

    // apps delete: gone (backup written first); deleting again says so and succeeds.
    let out = run(
        &sim,
        &["apps", "delete", &id, "--yes"],
        extra,
        if answer_lost { 5 } else { 0 },
        &format!("apps delete under {label}"),
    );
    assert!(app(&sim, &id).is_none(), "{label}: {out}");
    if answer_lost {
        assert!(out.contains("unknown") && out.contains(&format!("extapps apps show {id}")));
        deleting_again_is_already_gone(&sim, &["apps", "delete", &id, "--yes"]);
    }
    cells += 1;

    // apps restore: from the backup the delete wrote; the app is back exactly once.
    let backup = std::fs::read_dir(sim.2.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .next()
        .unwrap();
    let out = run(
        &sim,
        &["apps", "restore", backup.to_str().unwrap()],
        extra,
        5,
        &format!("apps restore under {label}"),
    );
    assert_eq!(named(&sim, &name).len(), 1, "{label}: {out}");
    assert!(out.contains("extapps apps list | grep -F --"), "{out}");
    cells += 1;
    cells
}

#[test]
fn a_dropped_answer_is_unknown_and_the_change_happened_once() {
    assert_eq!(
        every_change_under(&["--drop-after-rate", "1"], &[], true),
        6
    );
}

#[test]
fn a_truncated_answer_to_a_change_means_it_happened() {
    assert_eq!(every_change_under(&["--truncate-rate", "1"], &[], false), 6);
}

#[test]
fn a_malformed_answer_to_a_change_means_it_happened() {
    assert_eq!(
        every_change_under(&["--malformed-rate", "1"], &[], false),
        6
    );
}

#[test]
fn a_slow_answer_to_a_change_means_it_happened() {
    // The body is held back longer than the client waits.
    assert_eq!(
        every_change_under(&["--slow-body-ms", "2500"], &["--timeout", "1"], false),
        6
    );
}

/// Parallel edits of one app: whoever says "updated" has their scope on the server; whoever's
/// scope was overwritten says so and fails.
#[test]
fn concurrent_updates_never_report_a_lost_scope_as_done() {
    let sim = run_sim();
    let id = create(&sim, "Contended");
    let scopes = [
        "OR.Assets.Read",
        "OR.Audit.Read",
        "OR.BusinessRules.Read",
        "OR.Buckets.Read",
        "OR.Execution.Read",
        "OR.Folders.Read",
        "OR.Jobs.Read",
        "OR.License.Read",
        "OR.Machines.Read",
        "OR.Monitoring.Read",
        "OR.Queues.Read",
        "OR.Robots.Read",
    ];
    let children: Vec<_> = scopes
        .iter()
        .map(|s| {
            sim.command(&["apps", "update", &id, "--add-scope", s])
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let on_server = scopes_of(&app(&sim, &id).unwrap());
    let mut succeeded = 0;
    for (scope, o) in scopes.iter().zip(&outputs) {
        let err = stderr(o);
        match o.status.code() {
            Some(0) => {
                succeeded += 1;
                assert!(
                    on_server.contains(&scope.to_string()),
                    "{scope}: reported updated, but the server has {on_server:?}"
                );
            }
            Some(1) => {
                assert!(err.contains("not on the server"), "{scope}: {err}");
                assert!(err.contains(scope), "{scope} is named: {err}");
            }
            other => panic!("{scope}: exit {other:?}: {err}"),
        }
    }
    eprintln!(
        "{succeeded} of {} updates stuck; the server has {on_server:?}",
        scopes.len()
    );
    assert!(succeeded >= 1, "the last writer's scope stays");
}

#[test]
fn a_comma_inside_one_redirect_uri_is_refused() {
    let sim = run_sim();
    let before = sim.write_requests();
    let o = sim.exec(&[
        "apps",
        "create",
        "--name",
        "Comma",
        "--public",
        "--redirect-uri",
        "http://localhost:1/a,http://localhost:2/b",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "--redirect-uri \"http://localhost:1/a,http://localhost:2/b\": no commas or spaces (add URIs one by one); pass --redirect-uri once per URI; nothing was sent"
        ),
        "{}",
        stderr(&o)
    );
    let o = sim.exec(&[
        "apps",
        "update",
        READER,
        "--add-redirect-uri",
        "http://localhost:1/a,http://localhost:2/b",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "--add-redirect-uri \"http://localhost:1/a,http://localhost:2/b\": no commas or spaces"
        ),
        "{}",
        stderr(&o)
    );
    // The same rule as the TUI's form: a space or something that is not a URI at all.
    for bad in ["http://localhost:1/a b", "localhost-cb"] {
        let o = sim.exec(&[
            "apps",
            "create",
            "--name",
            "Bad",
            "--public",
            "--redirect-uri",
            bad,
        ]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("--redirect-uri {bad:?}")),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(sim.write_requests(), before, "nothing was sent");
}

#[test]
fn removing_a_scope_the_app_lacks_names_it_and_the_apps_scopes() {
    let sim = run_sim();
    let id = create(&sim, "Few scopes");
    let o = sim.exec(&["apps", "update", &id, "--remove-scope", "OR.Nope"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("OR.Nope"), "{err}");
    assert!(err.contains("OR.Jobs"), "the app's actual scopes: {err}");
}

#[test]
fn deleting_the_app_extapps_signs_in_as_warns() {
    let sim = run_sim();
    let o = sim.exec(&["apps", "delete", "demo-admin", "--yes"]);
    let err = stderr(&o);
    assert!(err.contains("WARNING"), "{err}");
    assert!(err.contains("extapps itself signs in as"), "{err}");
    // Without --yes and without a terminal, the refusal carries the warning too.
    let sim = run_sim();
    let o = sim.exec(&["apps", "delete", "demo-admin"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("extapps itself signs in as"), "{err}");
    // Another app: no warning.
    let o = sim.exec(&["apps", "delete", READER, "--yes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("WARNING"), "{}", stderr(&o));
}

#[test]
fn deleting_what_is_already_gone_succeeds_with_a_note() {
    let sim = run_sim();
    // A client id (GUID-shaped, as the server's are) that no app has any more; a word that
    // is no app's id or name is refused instead (tests/cli/app_by_name.rs).
    let o = sim.exec(&[
        "apps",
        "delete",
        "00000000-0000-4000-8000-00000000dead",
        "--yes",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("already gone"), "{}", stdout(&o));
    let o = sim.exec(&["secrets", "delete", "999999", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("already gone"), "{}", stdout(&o));
}

#[test]
fn the_help_of_every_change_documents_status_5() {
    for cmd in [
        &["apps", "create"][..],
        &["apps", "update"],
        &["apps", "delete"],
        &["apps", "restore"],
        &["secrets", "create"],
        &["secrets", "delete"],
        &["secrets", "rotate"],
    ] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_extapps"))
            .args(cmd)
            .arg("--help")
            .output()
            .unwrap();
        let help = stdout(&o);
        assert!(help.contains("5 the outcome is UNKNOWN"), "{cmd:?}: {help}");
    }
}
