//! `secrets list --all-profiles` and `apps list --all-profiles`: every configured profile at
//! once, one table with a PROFILE column; a profile that cannot be reached is named on stderr
//! and does not hide the others, and the exit status is the worst of all.

use std::process::{Command, Output};

use crate::common;
use crate::common::sim_process::{Sim, run_sim_with};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A config with `dev` (demo-org) and `prod` (demo-org-2) on `sim`, and `gone` on `dead_port`
/// when given; runs extapps with it and no UIPATH_* variables.
fn run(sim: &Sim, dead_port: Option<u16>, args: &[&str]) -> Output {
    let mut config = format!(
        "[profiles.dev]\nuri = \"{url}\"\norganization = \"demo-org\"\nclient_id = \"demo-admin\"\nclient_secret_env = \"DEV_SECRET\"\n\n\
         [profiles.prod]\nuri = \"{url}\"\norganization = \"demo-org-2\"\nclient_id = \"demo-admin-2\"\nclient_secret_env = \"PROD_SECRET\"\n",
        url = sim.1
    );
    if let Some(port) = dead_port {
        config.push_str(&format!(
            "\n[profiles.gone]\nuri = \"http://127.0.0.1:{port}\"\norganization = \"gone-org\"\nclient_id = \"nobody\"\nclient_secret_env = \"DEV_SECRET\"\n"
        ));
    }
    let path = sim.file(if dead_port.is_some() {
        "three.toml"
    } else {
        "two.toml"
    });
    std::fs::write(&path, config).unwrap();
    let home = sim.file("home-all");
    std::fs::create_dir_all(&home).unwrap();
    Command::new(env!("CARGO_BIN_EXE_extapps"))
        .args(args)
        .arg("--log-file")
        .arg(sim.file("all.log"))
        .env_clear()
        .env("HOME", &home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("EXTAPPS_CONFIG", &path)
        .env("EXTAPPS_CACHE_DIR", sim.file("cache-all"))
        .env("DEV_SECRET", "demo-admin-secret")
        .env("PROD_SECRET", "demo-admin-2-secret")
        .output()
        .unwrap()
}

#[test]
fn secrets_of_three_profiles_one_unreachable() {
    let sim = run_sim_with(&["--orgs", "2"]);
    let (_reserved, port) = common::refusing_port();
    let o = run(&sim, Some(port), &["secrets", "list", "--all-profiles"]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(out.starts_with("PROFILE"), "{out}");
    let profiles_of = |out: &str| {
        let mut p: Vec<String> = out
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
            .filter(|p| p == "dev" || p == "prod" || p == "gone")
            .collect();
        p.sort();
        p.dedup();
        p
    };
    assert_eq!(profiles_of(&out), ["dev", "prod"], "{out}");
    // The same facts as one profile's table: each app's secret state, the totals, and the
    // apps that cannot get a token, with the profile they belong to.
    assert!(out.lines().next().unwrap().ends_with("APP STATE"), "{out}");
    assert!(out.contains("no valid secret"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains(" expired, ") && l.contains(" expiring")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains("no valid secret: ") && l.contains(", profile dev)")),
        "{out}"
    );
    assert!(out.contains("demo-admin-2"), "{out}");
    assert!(err.contains("extapps: profile gone:"), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(!err.contains("demo-admin-secret"), "{err}");
    // dev has expired secrets (4), but a profile not read makes the sweep incomplete (6).
    assert_eq!(o.status.code(), Some(6), "{err}");

    // Without the dead profile: the worst of dev's 4 and prod's 0.
    let o = run(
        &sim,
        None,
        &["secrets", "list", "--all-profiles", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(rows.iter().any(|r| r["profile"] == "prod"));
    assert!(
        rows.iter()
            .any(|r| r["profile"] == "dev" && r["status"] == "expired")
    );
    assert!(
        rows.iter()
            .all(|r| r["appSecretState"].as_str().is_some_and(|s| !s.is_empty())),
        "every row says its app's state"
    );

    let o = run(
        &sim,
        None,
        &["secrets", "list", "--all-profiles", "--format", "csv"],
    );
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(
            "profile,appName,clientId,secretId,description,creationTime,expiryTime,status,appSecretState"
        )
    );
    assert!(
        lines.any(|l| l.starts_with("dev,") && l.ends_with(",no_valid_secret")),
        "{out}"
    );
}

#[test]
fn apps_of_every_profile_in_one_table() {
    let sim = run_sim_with(&["--orgs", "2"]);
    let (_reserved, port) = common::refusing_port();
    let o = run(&sim, Some(port), &["apps", "list", "--all-profiles"]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(out.starts_with("PROFILE"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("prod ") && l.contains("demo-admin-2")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("dev ") && l.contains("demo-reader")),
        "{out}"
    );
    assert!(err.contains("extapps: profile gone:"), "{err}");
    assert_eq!(o.status.code(), Some(6), "{err}");
    let o = run(&sim, None, &["apps", "list", "--all-profiles"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // --profile and --all-profiles exclude each other.
    let o = run(
        &sim,
        None,
        &["--profile", "dev", "apps", "list", "--all-profiles"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
