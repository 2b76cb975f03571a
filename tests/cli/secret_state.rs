//! The one secret state per app in the CLI: `apps list` (table and `--json`) and `secrets
//! list` (table and `--format json`) run as the real binary against `extapps sim`'s demo
//! organization, whose apps cover every state.

use crate::common::sim_process::run_sim_with;

use serde_json::Value;

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn by_name<'a>(entries: &'a [Value], name: &str, key: &str) -> &'a Value {
    entries
        .iter()
        .find(|e| e[key] == name)
        .unwrap_or_else(|| panic!("no {name} in {entries:?}"))
}

#[test]
fn apps_list_json_gives_each_app_its_state() {
    // Lists that carry every app whole: the states are facts.
    let sim = run_sim_with(&["--list-shape", "full"]);
    let o = sim.exec(&["apps", "list", "--json"]);
    assert!(o.status.success(), "{o:?}");
    let apps: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let state = |name: &str| {
        let a = by_name(&apps, name, "name");
        (
            a["secretState"].as_str().unwrap().to_owned(),
            a["expiredSecrets"].clone(),
        )
    };
    // Its only secret expired yesterday; and one that never had any.
    assert_eq!(
        state("Customer Email Triage (IXP)"),
        ("no_valid_secret".into(), 1.into())
    );
    assert_eq!(
        state("License Usage Report"),
        ("no_valid_secret".into(), 0.into())
    );
    // An expired secret beside a valid one: the valid one decides, the other is counted.
    assert_eq!(
        state("Invoice Processing Bot"),
        ("expires".into(), 1.into())
    );
    assert_eq!(state("CI/CD Pipeline"), ("expires".into(), 1.into()));
    assert_eq!(
        state("HR Onboarding Automation"),
        ("never".into(), 0.into())
    );
    assert_eq!(
        state("Mobile Approvals (public)"),
        ("public".into(), 0.into())
    );
    // The date where there is one: the nearest valid expiry, five days out.
    let invoice = by_name(&apps, "Invoice Processing Bot", "name");
    let next: jiff::Timestamp = invoice["nextExpiry"].as_str().unwrap().parse().unwrap();
    let left = next.duration_since(jiff::Timestamp::now()).as_hours();
    assert!((4 * 24..=5 * 24).contains(&left), "{left}h: {invoice}");
    assert!(by_name(&apps, "License Usage Report", "name")["nextExpiry"].is_null());
    let broken = apps
        .iter()
        .filter(|a| a["secretState"] == "no_valid_secret")
        .count();
    assert_eq!(broken, 2, "of the 17 demo apps only these two are broken");

    // The table says the same in words.
    let o = sim.exec(&["apps", "list"]);
    let table = stdout(&o);
    let row = |name: &str| {
        table
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name}:\n{table}"))
            .to_owned()
    };
    assert!(
        table.lines().next().unwrap().contains("SECRET STATE"),
        "{table}"
    );
    assert!(
        row("License Usage Report").ends_with("no valid secret"),
        "{table}"
    );
    assert!(
        row("Customer Email Triage (IXP)").ends_with("no valid secret (1 expired)"),
        "{table}"
    );
    assert!(
        row("Invoice Processing Bot").ends_with("5d (1 expired)"),
        "{table}"
    );
    assert!(!table.contains("EXPIRED"), "{table}");
}

#[test]
fn apps_list_json_says_not_loaded_never_none() {
    // The live server's summaries: no secret is known, so no state is claimed.
    let sim = run_sim_with(&[]);
    let o = sim.exec(&["apps", "list", "--json"]);
    assert!(o.status.success(), "{o:?}");
    let apps: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    for name in ["License Usage Report", "Customer Email Triage (IXP)"] {
        let a = by_name(&apps, name, "name");
        assert_eq!(a["secretState"], "not_loaded", "{a}");
        assert!(a["expiredSecrets"].is_null(), "{a}");
    }
}

#[test]
fn secrets_list_names_apps_without_a_valid_secret_and_keeps_exit_4() {
    let sim = run_sim_with(&[]);
    let o = sim.exec(&["secrets", "list", "--format", "json"]);
    // Expired secrets exist: status 4, as before.
    assert_eq!(o.status.code(), Some(4), "{o:?}");
    let rows: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let row = |id: i64| {
        rows.iter()
            .find(|r| r["secretId"] == id)
            .unwrap_or_else(|| panic!("no secret {id}"))
    };
    // 1015 was its app's only secret; 1003's app still has 1004.
    assert_eq!(row(1015)["status"], "expired");
    assert_eq!(row(1015)["appSecretState"], "no_valid_secret");
    assert_eq!(row(1003)["status"], "expired");
    assert_eq!(row(1003)["appSecretState"], "expires");
    assert_eq!(row(1012)["appSecretState"], "never");

    let o = sim.exec(&["secrets", "list"]);
    assert_eq!(o.status.code(), Some(4), "{o:?}");
    let table = stdout(&o);
    let line = table
        .lines()
        .find(|l| l.starts_with("Invoice Processing Bot") && l.contains("1003"))
        .unwrap();
    assert!(line.contains("expired 35d"), "{table}");
    // An app without any secret has no row; the footer names it with the other one.
    let footer = table.lines().last().unwrap();
    assert!(
        footer.starts_with("2 apps have no valid secret: Customer Email Triage (IXP)"),
        "{table}"
    );
    assert!(footer.contains("License Usage Report"), "{table}");
}
