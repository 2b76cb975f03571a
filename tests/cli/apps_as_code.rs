//! Apps as code with the real binary: `export`, `plan` and `apply` between two organizations
//! (two `extapps sim` processes), and apply against a simulator that loses answers and fails
//! with 5xx: nothing is created twice, and the report says what the server did.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Output, Stdio};

use crate::common::sim_process::{Sim, run_sim, run_sim_with};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs extapps against `sim` with `input` on standard input (not a terminal).
fn exec_with_input(sim: &Sim, args: &[&str], input: &[u8]) -> Output {
    let mut child = sim.command(args).stdin(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn ok(o: Output) -> Output {
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    o
}

fn create(sim: &Sim, args: &[&str]) {
    let mut all = vec!["apps", "create"];
    all.extend_from_slice(args);
    ok(sim.exec(&all));
}

/// The apps of a definition file, by name, without what differs between organizations
/// (client ids) or between exports (the header): "equal, ids aside".
fn definitions(yaml: &str) -> BTreeMap<String, serde_json::Value> {
    let v: serde_json::Value = serde_norway::from_str(yaml).unwrap();
    v["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let mut a = a.clone();
            let obj = a.as_object_mut().unwrap();
            obj.remove("clientId");
            // A hand-added app may leave out what an export writes empty.
            obj.entry("redirectUris").or_insert(serde_json::json!([]));
            (obj["name"].as_str().unwrap().to_owned(), a)
        })
        .collect()
}

fn names(sim: &Sim) -> Vec<String> {
    let o = ok(sim.exec(&["apps", "list", "--json"]));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The block of the app `name` in an export: from its `- name:` line to the next app's.
fn block_range(yaml: &str, name: &str) -> std::ops::Range<usize> {
    let start = yaml
        .find(&format!("- name: {name}\n"))
        .unwrap_or_else(|| panic!("{name} in {yaml}"));
    let end = yaml[start + 2..]
        .find("\n- name: ")
        .map(|i| start + 2 + i + 1)
        .unwrap_or(yaml.len());
    start..end
}

#[test]
fn promote_dev_to_prod_then_change_prune_and_converge() {
    let dev = run_sim();
    let prod = run_sim();
    // dev has what prod has not yet: two new apps and a scope more on a shared one.
    create(&dev, &["--name", "Payroll Sync", "--scope", "OR.Jobs:app"]);
    create(
        &dev,
        &[
            "--name",
            "Mobile Portal",
            "--public",
            "--redirect-uri",
            "https://m.example/cb",
            "--scope",
            "OR.Jobs:user",
        ],
    );
    ok(dev.exec(&[
        "apps",
        "update",
        "3f0b6a52-8c1e-4d7a-9b2f-1e5c7d9a0b14",
        "--add-scope",
        "OR.Webhooks.Write:app",
    ]));

    // extapps --profile dev export | extapps --profile prod apply -f - --yes
    let export = ok(dev.exec(&["export"]));
    let file_text = stdout(&export);
    assert!(
        file_text.starts_with("# extapps export of organization demo-org"),
        "{file_text}"
    );
    assert!(!file_text.contains("demo-admin-secret"));
    let applied = ok(exec_with_input(
        &prod,
        &["apply", "-f", "-", "--yes"],
        &export.stdout,
    ));
    let out = stdout(&applied);
    assert!(
        out.contains("+ create \"Payroll Sync\" (confidential)"),
        "{out}"
    );
    assert!(out.contains("+ create \"Mobile Portal\" (public)"), "{out}");
    assert!(
        out.contains("+ scope OR.Webhooks.Write (application)"),
        "{out}"
    );
    assert!(
        out.contains("Apply complete: 2 created, 1 changed, 0 deleted."),
        "{out}"
    );
    // The confidential app's first secret, once, on stdout; the public one has none.
    assert_eq!(out.matches("client secret of").count(), 1, "{out}");

    let file = dev.file("apps.yaml");
    std::fs::write(&file, &file_text).unwrap();
    let f = file.to_str().unwrap();
    let again = ok(prod.exec(&["plan", "-f", f]));
    assert!(stdout(&again).contains("No changes"), "{}", stdout(&again));

    // Add a scope, add an app, remove one.
    let mut text = file_text.clone();
    let payroll = block_range(&text, "Payroll Sync");
    let jobs = text[payroll.clone()]
        .find("      OR.Jobs: application\n")
        .unwrap()
        + payroll.start;
    text.insert_str(
        jobs + "      OR.Jobs: application\n".len(),
        "      OR.Queues: application\n",
    );
    let mobile = block_range(&text, "Mobile Portal");
    text.replace_range(mobile, "");
    text.push_str(
        "- name: Zeta Reports\n  kind: confidential\n  scopes:\n    UiPath.Orchestrator:\n      OR.Folders.Read: application\n",
    );
    std::fs::write(&file, &text).unwrap();

    let plan = prod.exec(&["plan", "-f", f, "--prune"]);
    assert_eq!(plan.status.code(), Some(2), "{}", stderr(&plan));
    let shown = stdout(&plan);
    for line in [
        "+ create \"Zeta Reports\" (confidential)",
        "    + scope OR.Folders.Read (application)",
        "~ update \"Payroll Sync\" (",
        "    + scope OR.Queues (application)",
        "- delete \"Mobile Portal\" (",
        "Plan: 1 to create, 1 to change, 1 to delete.",
    ] {
        assert!(shown.contains(line), "{line:?} not in:\n{shown}");
    }
    let json = prod.exec(&["plan", "-f", f, "--prune", "--json"]);
    assert_eq!(json.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        [&v["create"], &v["update"], &v["delete"]].map(|a| a.as_array().unwrap().len()),
        [1, 1, 1]
    );
    // Without --prune the app not in the file is left alone, and said so.
    let kept = prod.exec(&["plan", "-f", f]);
    assert!(stdout(&kept).contains("Plan: 1 to create, 1 to change, 0 to delete."));
    assert!(stdout(&kept).contains("left alone (--prune deletes them): \"Mobile Portal\""));

    let secrets = prod.file("secrets");
    let applied = ok(prod.exec(&[
        "apply",
        "-f",
        f,
        "--prune",
        "--yes",
        "--secrets-to",
        secrets.to_str().unwrap(),
    ]));
    let out = stdout(&applied);
    assert!(
        out.contains("Apply complete: 1 created, 1 changed, 1 deleted."),
        "{out}"
    );
    assert!(
        !out.contains("client secret of"),
        "written to a file instead: {out}"
    );
    let written: Vec<_> = std::fs::read_dir(&secrets)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(
        written[0]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("Zeta_Reports-")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&written[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Backed up before being changed or deleted.
    let backups: Vec<String> = std::fs::read_dir(prod.file("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for stem in ["Payroll_Sync-", "Mobile_Portal-"] {
        assert!(
            backups.iter().any(|b| b.starts_with(stem)),
            "{stem} in {backups:?}"
        );
    }

    let again = ok(prod.exec(&["plan", "-f", f, "--prune"]));
    assert!(stdout(&again).contains("No changes"), "{}", stdout(&again));
    let exported = ok(prod.exec(&["export"]));
    assert_eq!(definitions(&stdout(&exported)), definitions(&text));
}

#[test]
fn a_second_export_of_an_unchanged_organization_is_the_same_bytes() {
    let sim = run_sim();
    let export = |fmt: &str| {
        let o = sim
            .command(&["export", "--format", fmt, "--with-secrets-metadata"])
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .output()
            .unwrap();
        ok(o).stdout
    };
    for fmt in ["yaml", "json"] {
        let first = export(fmt);
        assert_eq!(first, export(fmt), "{fmt}");
        let text = String::from_utf8(first).unwrap();
        assert!(text.contains("2026-01-01T00:00:00Z"), "{text}");
        assert!(text.contains("expires"), "--with-secrets-metadata: {text}");
        assert!(!text.contains("demo-admin-secret"), "{text}");
    }
    // Without the flag, no secret ids or dates; without SOURCE_DATE_EPOCH only the time
    // line of the header differs.
    let a = stdout(&ok(sim.exec(&["export"])));
    let b = stdout(&ok(sim.exec(&["export"])));
    assert!(!a.contains("secrets:"), "{a}");
    let body = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("# exported at"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&a), body(&b));
}

#[test]
fn hostile_names_round_trip_exactly_through_the_file() {
    let sim = run_sim();
    let hostile = [
        "evil\u{1b}]0;pwned\u{7}: - [x] # not a comment",
        "line\nbreak: yes",
        "'quoted' \"double\" \u{202e}bidi",
        "- leading dash",
        "null",
    ];
    for name in hostile {
        create(&sim, &[&format!("--name={name}")]);
    }
    let file = sim.file("apps.yaml");
    let f = file.to_str().unwrap();
    ok(sim.exec(&["export", "-o", f]));
    let text = std::fs::read_to_string(&file).unwrap();
    let defs = definitions(&text);
    for name in hostile {
        assert!(defs.contains_key(name), "{name:?} not in {:?}", defs.keys());
    }
    // Read back by extapps itself, the file matches every app: nothing to change.
    let plan = ok(sim.exec(&["plan", "-f", f, "--prune"]));
    assert!(stdout(&plan).contains("No changes"), "{}", stdout(&plan));
    // The plan printed names nowhere raw.
    assert!(!stdout(&plan).contains('\u{1b}'));
}

#[test]
fn apply_refuses_without_yes_off_a_terminal_and_in_read_only() {
    let sim = run_sim();
    let file = sim.file("apps.yaml");
    let f = file.to_str().unwrap();
    ok(sim.exec(&["export", "-o", f]));
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("- name: New One\n  kind: confidential\n");
    std::fs::write(&file, &text).unwrap();
    let before = sim.write_requests();
    let o = sim.exec(&["apply", "-f", f]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Refusing without --yes"),
        "{}",
        stderr(&o)
    );
    let o = sim.exec(&["--read-only", "apply", "-f", f, "--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(sim.write_requests(), before, "nothing was sent");
    assert!(!names(&sim).contains(&"New One".to_owned()));
}

/// One apply run against the faulty simulator, checked against the server: what the report
/// says was created is there, what it says was not tried or failed (not done) is not, and no
/// request was sent twice.
#[test]
fn apply_with_lost_answers_and_5xx_creates_nothing_twice_and_reports_the_truth() {
    // Whole apps in the list: each run reads the organization in one request, so that the
    // runs stay within the simulator's 300 reads per 5 minutes.
    let sim = run_sim_with(&[
        "--list-shape",
        "full",
        "--faults-on-writes-only",
        "--drop-after-rate",
        "0.3",
        "--error-rate",
        "0.3",
        "--fault-seed",
        "11",
    ]);
    let wanted: Vec<String> = (1..=8).map(|i| format!("Faulty {i}")).collect();
    let mut text = String::from("apps:\n");
    for n in &wanted {
        text.push_str(&format!(
            "- name: {n}\n  kind: confidential\n  scopes:\n    UiPath.Orchestrator: {{OR.Jobs: application}}\n"
        ));
    }
    let file = sim.file("apps.yaml");
    std::fs::write(&file, &text).unwrap();
    let f = file.to_str().unwrap();
    let mut seen_codes = Vec::new();
    for _run in 0..30 {
        let before = names(&sim);
        let writes = sim.write_requests();
        let o = sim.exec(&["apply", "-f", f, "--yes", "--timeout", "5"]);
        let (out, err) = (stdout(&o), stderr(&o));
        let code = o.status.code().unwrap();
        seen_codes.push(code);
        let after = names(&sim);
        for n in &wanted {
            let count = after.iter().filter(|a| *a == n).count();
            assert!(count <= 1, "{n} created {count} times:\n{out}\n{err}");
        }
        let created: Vec<&str> = out
            .lines()
            .filter_map(|l| l.strip_prefix("+ created \""))
            .map(|l| l.split('"').next().unwrap())
            .collect();
        for n in &created {
            assert!(
                after.iter().any(|a| a == n),
                "{n} reported created, not on the server"
            );
        }
        let new = after.len() - before.len();
        let sent = sim.write_requests() - writes;
        match code {
            0 => {
                assert_eq!(new, created.len(), "{out}");
                assert_eq!(sent as usize, created.len(), "one request per app: {out}");
                let plan = ok(sim.exec(&["plan", "-f", f]));
                assert!(stdout(&plan).contains("No changes"));
                assert!(
                    seen_codes.contains(&5),
                    "a lost answer was met: {seen_codes:?}"
                );
                assert!(seen_codes.contains(&1), "a 5xx was met: {seen_codes:?}");
                return;
            }
            1 => {
                // Refused by the server: not done, nothing more on the server than reported.
                assert!(err.contains("apply stopped at the first failure"), "{err}");
                assert_eq!(new, created.len(), "{out}\n{err}");
                assert_eq!(
                    sent as usize,
                    created.len() + 1,
                    "the failed one sent once: {err}"
                );
            }
            5 => {
                assert!(err.contains("is unknown"), "{err}");
                assert!(
                    err.contains("it was not sent again") || err.contains("Do not create it again"),
                    "{err}"
                );
                assert!(!err.to_lowercase().contains("try again"), "{err}");
                assert!(
                    new == created.len() || new == created.len() + 1,
                    "{out}\n{err}"
                );
                assert_eq!(sent as usize, created.len() + 1, "never resent: {err}");
            }
            other => panic!("exit {other}:\n{out}\n{err}"),
        }
        let not_tried = err.split("not tried (").nth(1).unwrap_or_default();
        for n in &wanted {
            if not_tried.contains(&format!("\"{n}\"")) {
                assert!(!after.contains(n), "{n} was not tried, yet it exists");
            }
        }
    }
    panic!("apply never converged: {seen_codes:?}");
}

/// `extapps sim --orgs 2`: two organizations on one server, each with its own partition, admin
/// app and client ids, so that a promotion matches by name, as between real organizations.
#[test]
fn one_simulator_serves_two_organizations_and_promotion_matches_by_name() {
    let sim = run_sim_with(&["--orgs", "2"]);
    let in_org2 = |args: &[&str]| {
        let mut c = sim.command(args);
        c.env("UIPATH_ORGANIZATION", "demo-org-2")
            .env("UIPATH_CLIENT_ID", "demo-admin-2")
            .env("UIPATH_CLIENT_SECRET", "demo-admin-2-secret");
        c
    };
    let org2_names = || {
        let o = ok(in_org2(&["apps", "list", "--json"]).output().unwrap());
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(org2_names(), ["extapps Admin (demo-org-2)"]);
    // The first organization's admin cannot read the second one.
    let o = sim
        .command(&["apps", "list"])
        .env("UIPATH_ORGANIZATION", "demo-org-2")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));

    let export = ok(sim.exec(&["export"]));
    let file = sim.file("dev.yaml");
    std::fs::write(&file, &export.stdout).unwrap();
    let f = file.to_str().unwrap();
    let applied = ok(in_org2(&["apply", "-f", f, "--prune", "--yes"])
        .output()
        .unwrap());
    let out = stdout(&applied);
    let dev = definitions(&stdout(&export));
    assert!(
        out.contains(&format!(
            "Apply complete: {} created, 0 changed, 0 deleted.",
            dev.len()
        )),
        "{out}"
    );
    assert!(
        out.contains("Not deleted: \"extapps Admin (demo-org-2)\""),
        "{out}"
    );
    let again = ok(in_org2(&["plan", "-f", f, "--prune"]).output().unwrap());
    assert!(stdout(&again).contains("No changes"), "{}", stdout(&again));
    let prod = ok(in_org2(&["export"]).output().unwrap());
    let mut prod = definitions(&stdout(&prod));
    prod.remove("extapps Admin (demo-org-2)");
    // Equal but for the scope every token gets, which the server does not let an app hold.
    let strip = |mut m: BTreeMap<String, serde_json::Value>| {
        for v in m.values_mut() {
            if let Some(r) = v["scopes"]["UiPath.Orchestrator"].as_object_mut() {
                r.remove("OR.Default");
            }
        }
        m
    };
    assert_eq!(strip(prod), strip(dev));
    // Client ids differ between the organizations: nothing was matched by id.
    assert!(!stdout(&ok(in_org2(&["export"]).output().unwrap())).contains("clientId: 3f0b6a52"));
}
