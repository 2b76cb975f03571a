//! `secrets list` when the server's list carries no secrets (the simulator's default, as the
//! live server): every app's details are read, within the GET budget, from the details cache
//! when fresh; an app that could not be read makes the result incomplete (exit 6), never
//! "nothing expiring". The real binary against an in-process simulator.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::*;
use extapps::sim::{ListShape, RateLimits, SimHandle};

const BIN: &str = env!("CARGO_BIN_EXE_extapps");

/// What the binary needs to sign in to a simulator, owned so it can move to another thread.
struct Target {
    url: String,
    org: String,
    id: String,
    secret: String,
}

impl Target {
    fn of(h: &SimHandle) -> Self {
        Target {
            url: h.base_url.as_str().trim_end_matches('/').to_owned(),
            org: h.organization.clone(),
            id: h.admin_client_id().to_owned(),
            secret: h.admin_secret().to_owned(),
        }
    }

    /// Runs extapps with its own home and cache directory under `home`.
    fn run(&self, home: &Path, args: &[String]) -> Output {
        Command::new(BIN)
            .args(args)
            .arg("--log-file")
            .arg(home.join("extapps.log"))
            .env_clear()
            .env("HOME", home)
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("EXTAPPS_CACHE_DIR", home.join("cache"))
            .env("UIPATH_URI", &self.url)
            .env("UIPATH_ORGANIZATION", &self.org)
            .env("UIPATH_CLIENT_ID", &self.id)
            .env("UIPATH_CLIENT_SECRET", &self.secret)
            .output()
            .unwrap()
    }
}

fn owned(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

fn run(h: &SimHandle, home: &Path, args: &[&str]) -> Output {
    Target::of(h).run(home, &owned(args))
}

/// `run` on a blocking thread, so the simulator on this runtime keeps answering.
async fn run_async(h: &SimHandle, home: &Path, args: &[&str]) -> Output {
    let (target, home, args) = (Target::of(h), home.to_owned(), owned(args));
    tokio::task::spawn_blocking(move || target.run(&home, &args))
        .await
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const LIST_14D: &[&str] = &[
    "secrets",
    "list",
    "--expiring-within",
    "14d",
    "--format",
    "csv",
    "--max-age",
    "0s",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_and_full_lists_give_the_same_rows_and_status() {
    let h = sim().await;
    let home = tempfile::tempdir().unwrap();
    let summary = run_async(&h, home.path(), LIST_14D).await;
    let reads = h.state().detail_reads();
    assert_eq!(reads, h.state().app_count() as u64, "one read per app");

    h.state().set_list_shape(ListShape::Full);
    let full = run_async(&h, home.path(), LIST_14D).await;
    assert_eq!(
        h.state().detail_reads(),
        reads,
        "a list that carries details needs no reads"
    );

    assert_eq!(full.status.code(), Some(4), "{}", text(&full.stderr));
    assert_eq!(summary.status.code(), full.status.code());
    assert_eq!(text(&summary.stdout), text(&full.stdout));
    assert!(
        text(&full.stdout).lines().count() > 3,
        "{}",
        text(&full.stdout)
    );
    assert_eq!(text(&summary.stderr), text(&full.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apps_whose_details_fail_make_the_list_incomplete_and_are_named() {
    let h = sim().await;
    let state = h.state();
    // Nothing expires within the window: without the failure this run would exit 0.
    let far = state.now() + jiff::SignedDuration::from_hours(24 * 400);
    for app in state.apps() {
        for s in &app.secrets {
            state.set_secret_expiry(s.id, Some(far));
        }
    }
    let apps = state.apps();
    let failing: Vec<_> = apps
        .iter()
        .filter(|a| !a.secrets.is_empty())
        .take(2)
        .collect();
    state.fail_detail_reads(failing.iter().map(|a| a.id.clone()));
    let home = tempfile::tempdir().unwrap();
    let out = run_async(&h, home.path(), LIST_14D).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(err.contains("incomplete"), "{err}");
    for a in &failing {
        assert!(err.contains(&a.id) && err.contains(&a.name), "{err}");
    }
    assert!(
        text(&out.stdout).starts_with("appName,"),
        "the rows read are still printed"
    );

    // Healed, the same command knows the whole organization again.
    state.fail_detail_reads(Vec::<String>::new());
    let out = run_async(&h, home.path(), LIST_14D).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // With expired secrets among the apps read, the status is still 6, never 4.
    let expired = apps.iter().find(|a| !a.secrets.is_empty()).unwrap();
    let past = state.now() - jiff::SignedDuration::from_hours(24);
    state.set_secret_expiry(expired.secrets[0].id, Some(past));
    let other = apps
        .iter()
        .find(|a| a.id != expired.id && !a.secrets.is_empty())
        .unwrap();
    state.fail_detail_reads([other.id.clone()]);
    let out = run_async(&h, home.path(), LIST_14D).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(
        err.contains("expired"),
        "what was found is still said: {err}"
    );
    assert!(text(&out.stdout).contains(",expired"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_within_max_age_reads_from_the_cache_which_holds_no_secret_value() {
    let h = sim().await;
    let state = h.state();
    let planted = "planted-secret-value-0123456789";
    state
        .add_secret("demo-reader", planted, Some(state.now()))
        .unwrap();
    let minted = admin(&h)
        .generate_secret("demo-admin", Some("minted".into()), None)
        .await
        .unwrap();
    let minted = secrecy::ExposeSecret::expose_secret(minted.secret.as_ref().unwrap()).to_owned();

    let home = tempfile::tempdir().unwrap();
    let args = ["secrets", "list", "--format", "csv"];
    let first = run_async(&h, home.path(), &args).await;
    assert_eq!(first.status.code(), Some(4), "{}", text(&first.stderr));
    let reads = state.detail_reads();
    assert!(reads > 0);

    let second = run_async(&h, home.path(), &args).await;
    assert_eq!(
        state.detail_reads(),
        reads,
        "no per-app read the second time"
    );
    assert_eq!(text(&first.stdout), text(&second.stdout));
    assert_eq!(second.status.code(), Some(4));

    // Older than --max-age: read again.
    let third = run_async(&h, home.path(), &[&args[..], &["--max-age", "0s"]].concat()).await;
    assert_eq!(third.status.code(), Some(4));
    assert_eq!(state.detail_reads(), 2 * reads);

    let files: Vec<_> = std::fs::read_dir(home.path().join("cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("details-")
        })
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let raw = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        raw.contains("demo-reader") && raw.contains("expiryTime"),
        "{raw}"
    );
    for value in [planted, minted.as_str(), h.admin_secret(), READER_SECRET] {
        assert!(!raw.contains(value), "a secret value in the cache");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // `cache clear` forgets it: the next run reads again.
    let cleared = run_async(&h, home.path(), &["cache", "clear"]).await;
    assert!(cleared.status.success(), "{}", text(&cleared.stderr));
    assert!(text(&cleared.stdout).contains("1 organization"));
    assert!(!files[0].exists());
    run_async(&h, home.path(), &args).await;
    assert_eq!(state.detail_reads(), 3 * reads);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paced_reads_stay_within_the_servers_budget() {
    let h = sim().await;
    let state = h.state();
    let apps = state.app_count() as u32;
    // A server allowing fewer GETs per second than there are apps: unpaced, the reads meet
    // 429s; paced at a smaller share, never (the margin absorbs the list call and requests
    // that reach the server later than they were let go).
    state.set_rate_limits(RateLimits {
        window: std::time::Duration::from_secs(1),
        get: 10,
        ..RateLimits::unlimited()
    });
    assert!(apps > 12, "enough apps to need pacing: {apps}");
    let home = tempfile::tempdir().unwrap();
    let paced = run_async(
        &h,
        home.path(),
        &[LIST_14D, &["--read-budget", "4/1s"]].concat(),
    )
    .await;
    assert_eq!(paced.status.code(), Some(4), "{}", text(&paced.stderr));
    assert_eq!(state.rate_limited(), 0, "paced reads met the limit");
    assert_eq!(state.detail_reads(), u64::from(apps));

    // The same limit without pacing: the budget is exceeded (so the check above can fail).
    state.reset_rate_limits();
    let unpaced = run_async(
        &h,
        home.path(),
        &[LIST_14D, &["--read-budget", "1000/1s"]].concat(),
    )
    .await;
    assert!(state.rate_limited() > 0, "{}", text(&unpaced.stderr));
}

#[test]
fn apps_list_shows_details_not_loaded_as_such_and_show_reads_the_app() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let h = rt.block_on(sim());
    let home = tempfile::tempdir().unwrap();
    let table = run(&h, home.path(), &["apps", "list"]);
    assert!(table.status.success(), "{}", text(&table.stderr));
    let table = text(&table.stdout);
    let row = table
        .lines()
        .find(|l| l.contains("demo-reader"))
        .unwrap()
        .to_owned();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[cells.len() - 3..], ["…", "…", "…"], "{table}");
    assert!(!row.contains(" 0 "), "{row}");

    let json = run(&h, home.path(), &["apps", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    for app in v.as_array().unwrap() {
        assert_eq!(app["detailsKnown"], false, "{app}");
        assert!(
            app["secrets"].is_null() && app["resources"].is_null(),
            "{app}"
        );
    }

    let show = run(&h, home.path(), &["apps", "show", "demo-reader", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert!(!v["secrets"].as_array().unwrap().is_empty(), "{v}");

    h.state().set_list_shape(ListShape::Full);
    let json = run(&h, home.path(), &["apps", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|a| a["detailsKnown"] == true)
    );
    let table = text(&run(&h, home.path(), &["apps", "list"]).stdout);
    assert!(!table.contains('…'), "{table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_finds_a_secret_newer_than_the_cache() {
    let h = sim().await;
    let home = tempfile::tempdir().unwrap();
    let listed = run_async(&h, home.path(), &["secrets", "list", "--format", "csv"]).await;
    assert_eq!(listed.status.code(), Some(4), "{}", text(&listed.stderr));
    // Minted after the cache was written: the cached details do not know it.
    let id = h
        .state()
        .add_secret("demo-reader", "a-value-never-printed", None)
        .unwrap();
    let out = run_async(
        &h,
        home.path(),
        &["secrets", "delete", &id.to_string(), "--yes", "--json"],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["clientId"], "demo-reader");
    assert!(
        h.state()
            .app("demo-reader")
            .unwrap()
            .secrets
            .iter()
            .all(|s| s.id != id)
    );

    // A secret no app holds, while one app cannot be read: not "no such secret" but 6.
    h.state().fail_detail_reads(["demo-admin"]);
    let out = run_async(&h, home.path(), &["secrets", "delete", "999999", "--yes"]).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(err.contains("demo-admin"), "{err}");
}
