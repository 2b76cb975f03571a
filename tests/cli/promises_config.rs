//! Promises of the README, SECURITY.md and `--help` that had no test, checked on the real binary
//! against a simulator the test started: no token in the log, Retry-After as a date and at the
//! wait limit, `config show|profiles|init` and `--print-default-config`, completions and the
//! man page, `sim --apps` and the fault flags, `login --client-id/--scope`, `--profile`, and
//! `UIPATH_IDENTITY_URI`/`UIPATH_PARTITION_ID`.

use crate::common;

use std::process::Output;
use std::time::Duration;

use crate::common::promises_config::*;
use extapps::sim::{self, Faults, SimHandle, SimSettings};

async fn sim_with(settings: SimSettings) -> SimHandle {
    sim::start(settings).await.expect("the simulator starts")
}

async fn sim() -> SimHandle {
    sim_with(SimSettings::default()).await
}

/// Every string value anywhere in the token cache (access and refresh tokens among them).
fn cached_token_values(home: &Home) -> Vec<String> {
    let mut values = Vec::new();
    // EXTAPPS_CACHE_DIR holds the token files itself (tests/token_cli.rs).
    for entry in std::fs::read_dir(home.file("cache")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.starts_with("token-") && name.ends_with(".json")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        for key in ["access_token", "refresh_token"] {
            if let Some(s) = v[key].as_str() {
                values.push(s.to_owned());
            }
        }
    }
    values
}

// --- The login, with the test as the browser ----------------------------------------------------

/// `extapps login ARGS` against `h`, the test playing the browser: it reads the authorize URL
/// from stderr, registers the loopback redirect the command listens on (as an admin would),
/// follows the redirect to it, and returns the URL and the command's output.
async fn login(
    h: &SimHandle,
    home: &Home,
    env: &[(&str, &str)],
    args: &[&str],
) -> (String, Output) {
    let mut all = vec![
        "login",
        "--no-browser",
        "--redirect-uri",
        "http://localhost:0",
    ];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--timeout", "30"]);
    let mut cmd = home.cmd(&all);
    cmd.env("UIPATH_URI", url_of(h))
        .env("UIPATH_ORGANIZATION", &h.organization);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = tokio::process::Command::from(cmd)
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    // Keep draining stderr: closing the pipe would end the login with EPIPE.
    tokio::spawn(async move {
        use tokio::io::AsyncBufReadExt;
        let mut lines = tokio::io::BufReader::new(stderr).lines();
        let (mut url, mut tx) = (None, Some(tx));
        while let Ok(Some(line)) = lines.next_line().await {
            let line = line.trim().to_owned();
            if line.starts_with("http://") {
                url = Some(line);
            } else if let Some(rest) = line.strip_prefix("Waiting for the sign-in on ") {
                let redirect = rest.split(" (").next().unwrap().to_owned();
                if let (Some(tx), Some(url)) = (tx.take(), url.take()) {
                    let _ = tx.send((url, redirect));
                }
            }
        }
    });
    let (url, redirect) = tokio::time::timeout(Duration::from_secs(30), rx)
        .await
        .expect("the authorize URL and the redirect on stderr within 30 s")
        .expect("the login printed them");
    let client_id = query(&url, "client_id").unwrap();
    assert!(
        h.state().register_redirect_uri(&client_id, &redirect),
        "{client_id} is an app of the simulator"
    );
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = browser.get(&url).send().await.unwrap();
    let back = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with(&redirect), "{back}");
    browser.get(&back).send().await.unwrap();
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the login ends")
        .unwrap();
    (url, out)
}

fn query(url: &str, key: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

const LOGIN_SIDE_SECRET: &str = "login-side-s3cret-2718";

// --- 1. No token in the log --------------------------------------------------------------------

/// SECURITY.md: the log holds "no token, no secret". At the most verbose level (`EXTAPPS_LOG=trace`,
/// every crate included), through a client-credentials token, a login, and a renewal with the
/// login's refresh token, none of the values the token cache ended up holding appears.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_or_secret_reaches_the_log_at_the_most_verbose_level() {
    // Tokens live 10 s: less than the renewal margin, so the next command renews the login.
    let h = sim_with(SimSettings {
        token_lifetime: Duration::from_secs(10),
        ..SimSettings::default()
    })
    .await;
    let home = Home::new();
    let trace = [("EXTAPPS_LOG", "trace")];
    let mut seen = Vec::new();

    let mut c = home.admin_cmd(&url_of(&h), &["token", "--raw"]);
    c.envs(trace);
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let raw = stdout(&o).trim().to_owned();
    assert!(raw.starts_with("eyJ"), "{raw}");
    seen.push(raw);
    seen.extend(cached_token_values(&home));

    // The login's app configured as the app extapps signs in as: the login is cached under
    // its settings, and the next command with them renews it by refresh token. The app is
    // public, so the server ignores the secret; extapps still keys the cache by it.
    let login_env = [
        ("EXTAPPS_LOG", "trace"),
        ("UIPATH_CLIENT_ID", sim::DEMO_LOGIN_CLIENT_ID),
        ("UIPATH_CLIENT_SECRET", LOGIN_SIDE_SECRET),
        ("UIPATH_AUTH_SCOPES", "OR.Jobs"),
    ];
    let (_, o) = login(&h, &home, &login_env, &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let after_login = cached_token_values(&home);
    assert!(
        after_login.len() >= 3,
        "a refresh token is kept: {after_login:?}"
    );
    seen.extend(after_login);

    let mut c = home.cmd(&["token", "--json"]);
    c.envs(login_env)
        .env("UIPATH_URI", url_of(&h))
        .env("UIPATH_ORGANIZATION", &h.organization);
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let renewed = cached_token_values(&home);
    seen.extend(renewed.clone());

    let log = home.log_text();
    assert!(
        log.contains("renewing a login with its refresh token"),
        "the refresh path ran ({}): {log}",
        stderr(&o)
    );
    assert!(log.contains("requesting an access token"), "{log}");
    assert!(log.contains("TRACE"), "the most verbose level: {log}");
    seen.sort();
    seen.dedup();
    assert!(
        seen.len() >= 4,
        "access and refresh tokens before and after: {seen:?}"
    );
    for value in &seen {
        assert!(value.len() > 20, "{value}");
        // A token's signature alone would give it away too.
        let tail = &value[value.len() - 20..];
        assert!(!log.contains(tail), "a token is in the log: …{tail}");
    }
    for secret in ["demo-admin-secret", LOGIN_SIDE_SECRET] {
        assert!(!log.contains(secret), "the client secret is in the log");
    }
}

// --- 2. Retry-After as an HTTP date, and the wait limit ------------------------------------------

/// The `retrying` lines of the log: the delay each retry waited, as the log spells it.
fn retry_delays(log: &str) -> Vec<String> {
    log.lines()
        .filter(|l| l.contains("retrying"))
        .filter_map(|l| l.split("delay=").nth(1))
        .map(|d| d.split_whitespace().next().unwrap_or_default().to_owned())
        .collect()
}

/// N of "extapps: rate limited by the server; retry after Ns", the whole message.
fn reported_wait(stderr: &str) -> u64 {
    stderr
        .strip_prefix("extapps: rate limited by the server; retry after ")
        .and_then(|rest| rest.strip_suffix("s.\n"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not the rate-limit message: {stderr:?}"))
}

/// The client reads Retry-After "as seconds or an HTTP date" (src/api/client.rs) and waits it
/// out before a read is tried again: a storm whose 429s carry a date three seconds ahead makes
/// every retry wait whole seconds (the date has no fraction, and the answer may take a moment
/// to arrive: 1 s to 3 s), not the client's own 250 ms backoff; the third 429 is then reported
/// with the server's wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_given_as_an_http_date_is_waited_out() {
    let h = sim_with(SimSettings {
        faults: Faults {
            storm_retry_after: Some(3),
            storm_as_date: true,
            ..Faults::none()
        },
        ..SimSettings::default()
    })
    .await;
    let home = Home::new();
    let mut c = home.admin_cmd(&url_of(&h), &["apps", "list"]);
    c.env("EXTAPPS_LOG", "debug");
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        h.state().storm_answers(),
        3,
        "three tries, each answered 429"
    );
    let delays = retry_delays(&home.log_text());
    assert_eq!(delays.len(), 2, "{}", home.log_text());
    for d in &delays {
        assert!(
            ["1s", "2s", "3s"].contains(&d.as_str()),
            "waited {d}, not the date's 1-3 s"
        );
    }
    let err = stderr(&o);
    let wait = reported_wait(&err);
    assert!((1..=3).contains(&wait), "{err}");
}

/// "Longest Retry-After extapps will sit out before giving up and reporting the 429" is a
/// minute: a date ten minutes ahead is not slept; the read is tried once and the 429 reported
/// with the server's wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_date_beyond_a_minute_is_reported_not_slept() {
    let h = sim_with(SimSettings {
        faults: Faults {
            storm_retry_after: Some(600),
            storm_as_date: true,
            ..Faults::none()
        },
        ..SimSettings::default()
    })
    .await;
    let home = Home::new();
    let o = run(home.admin_cmd(&url_of(&h), &["apps", "list"])).await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(h.state().storm_answers(), 1, "tried once, not waited out");
    let err = stderr(&o);
    let wait = reported_wait(&err);
    assert!((595..=600).contains(&wait), "{err}");
}

/// docs/monitoring.md: in `secrets list`, "a 429 is waited out as its Retry-After says (up to a
/// minute, then that app counts as not read)", and an app not read makes the status 6 with the
/// app named on stderr. One GET per five minutes: the list passes, every app's own read meets
/// a 429 with a Retry-After of about 300 s, is tried once, and counts as not read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_list_counts_an_app_behind_a_long_retry_after_as_not_read() {
    let h = sim_with(SimSettings {
        rate_limits: sim::RateLimits {
            get: 1,
            ..sim::RateLimits::default()
        },
        ..SimSettings::default()
    })
    .await;
    let home = Home::new();
    let apps = h.state().app_count() as u64;
    let o = run(home.admin_cmd(&url_of(&h), &["secrets", "list", "--max-age", "0s"])).await;
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(6), "{err}");
    assert_eq!(
        h.state().rate_limited(),
        apps,
        "each app's read: one 429, no retry"
    );
    assert_eq!(h.state().detail_reads(), 0, "{err}");
    assert!(
        err.contains("demo-reader"),
        "the apps not read are named: {err}"
    );
}

// --- 4. Completions and the man page -----------------------------------------------------------

/// `extapps completions bash|zsh|fish` (README) and the other shells `--help` offers: each is
/// a script that names the subcommands.
#[test]
fn completions_for_every_shell_name_the_subcommands() {
    let home = Home::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = home.cmd(&["completions", shell]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for sub in [
            "apps",
            "secrets",
            "config",
            "completions",
            "login",
            "token",
            "sim",
        ] {
            assert!(script.contains(sub), "{shell}: no `{sub}` in\n{script}");
        }
        // Nested subcommands and flags too, not only the first level.
        for deeper in ["rotate", "expiring-within", "print-default-config"] {
            assert!(script.contains(deeper), "{shell}: no `{deeper}`");
        }
    }
    let o = home.cmd(&["completions", "tcsh"]).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

/// `extapps man`: a roff page (`man -l -` reads it) whose title and name are extapps.
#[test]
fn man_prints_a_roff_page_for_extapps() {
    let home = Home::new();
    let o = home.cmd(&["man"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.contains(".TH extapps 1"), "{page}");
    assert!(page.contains(".SH NAME\nextapps"), "{page}");
    assert!(page.contains(".SH SYNOPSIS"), "{page}");
    for sub in ["apps", "secrets", "config", "login"] {
        assert!(page.contains(sub), "{sub}");
    }
}

// --- 5. `extapps sim`: --apps and the fault flags ----------------------------------------------

use crate::common::sim_process::run_sim_with;

/// The demo organization (assets/demo-org.json) has 21 apps.
const DEMO_APPS: usize = 21;

fn apps_json(home: &Home, url: &str) -> Vec<serde_json::Value> {
    let o = home
        .admin_cmd(url, &["apps", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// `sim --apps N` adds N generated apps to the demo organization.
#[test]
fn sim_apps_adds_that_many_apps_to_the_demo_organization() {
    let home = Home::new();
    let plain = run_sim_with(&[]);
    assert_eq!(apps_json(&home, &plain.1).len(), DEMO_APPS);
    let more = run_sim_with(&["--apps", "25"]);
    let apps = apps_json(&home, &more.1);
    assert_eq!(apps.len(), DEMO_APPS + 25);
    assert!(
        apps.iter().any(|a| a["id"] == "demo-admin"),
        "the demo apps stay"
    );
}

/// One failed `apps list` against a simulator started with `flags`: its stderr, its log, and
/// the simulator's counts.
fn list_fails_under(flags: &[&str], extra: &[&str]) -> (String, String, serde_json::Value) {
    let sim = run_sim_with(flags);
    let home = Home::new();
    let mut args = extra.to_vec();
    args.extend_from_slice(&["apps", "list"]);
    let mut c = home.admin_cmd(&sim.1, &args);
    c.env("EXTAPPS_LOG", "debug");
    let o = c.output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{flags:?}: {err}");
    (err, home.log_text(), sim_stats(&sim.1))
}

/// `text` is `before`, a port, then `after`.
fn around_a_port(text: &str, before: &str, after: &str) -> bool {
    text.strip_prefix(before)
        .and_then(|rest| rest.strip_suffix(after))
        .is_some_and(|port| port.parse::<u16>().is_ok())
}

// Each fault flag of `extapps sim --help`, shown by its effect on a request, one test each.
// Checked elsewhere, on the real binary and an `extapps sim` process: `--drop-after-rate`,
// `--truncate-rate`, `--malformed-rate`, `--slow-body-ms` and `--faults-on-writes-only`
// (tests/cli_outcome.rs, every change under each).

/// --latency-ms: every answer comes later than the client waits.
#[test]
fn sim_latency_ms_delays_every_answer() {
    let (err, _, _) = list_fails_under(&["--latency-ms", "4000"], &["--timeout", "1"]);
    assert_eq!(
        err,
        "extapps: the app list took longer than 1s and was abandoned. The server may be \
         overloaded; try again.\n",
        "--latency-ms"
    );
}

/// --error-rate 1: every request a 5xx, the read tried three times.
#[test]
fn sim_error_rate_answers_5xx() {
    let (err, log, _) = list_fails_under(&["--error-rate", "1"], &[]);
    assert!(
        err.starts_with("extapps: the server failed (5"),
        "--error-rate: {err}"
    );
    assert!(
        err.contains("injected server failure"),
        "--error-rate: {err}"
    );
    assert_eq!(
        retry_delays(&log),
        ["250ms", "500ms"],
        "--error-rate: {log}"
    );
}

/// --storm SECS: every request a 429 with that Retry-After.
#[test]
fn sim_storm_answers_429_with_its_retry_after() {
    let (err, log, stats) = list_fails_under(&["--storm", "1"], &[]);
    assert!(
        err.contains("rate limited by the server; retry after 1s"),
        "--storm: {err}"
    );
    assert_eq!(stats["tooManyRequests"], 3, "--storm: {err}");
    assert_eq!(retry_delays(&log), ["1s", "1s"], "--storm: {log}");
}

/// --drop-rate 1: the connection drops before an answer.
#[test]
fn sim_drop_rate_drops_the_connection() {
    let (err, _, _) = list_fails_under(&["--drop-rate", "1"], &[]);
    assert!(
        around_a_port(
            &err,
            "extapps: cannot reach 127.0.0.1:",
            ": connection closed before message completed. Check the URI setting and that the \
             server is up.\n"
        ),
        "--drop-rate: {err}"
    );
}

/// --token-down: the token endpoint answers 503, and the message says it is that one.
#[test]
fn sim_token_down_fails_the_token_endpoint() {
    let (err, _, _) = list_fails_under(&["--token-down"], &[]);
    assert!(
        around_a_port(
            &err,
            "extapps: the token endpoint (127.0.0.1:",
            ") failed (503).\n"
        ),
        "--token-down: {err}"
    );
}

/// The exit statuses of six creates under each seed (1: the injected 5xx, 0: created).
const SEED_7: [i32; 6] = [1, 1, 1, 0, 0, 1];
const SEED_8: [i32; 6] = [0, 0, 0, 0, 0, 1];

/// `--fault-seed` replays a run: the same seed draws the same faults, another seed others.
/// Creating an app six times under `--error-rate 0.5` on writes only (a create is never
/// retried): the exit statuses are the seed's fingerprint.
#[test]
fn the_fault_seed_replays_the_same_faults() {
    let statuses = |seed: &str| -> Vec<i32> {
        let sim = run_sim_with(&[
            "--error-rate",
            "0.5",
            "--faults-on-writes-only",
            "--fault-seed",
            seed,
        ]);
        let home = Home::new();
        (0..6)
            .map(|_| {
                let o = home
                    .admin_cmd(&sim.1, &["apps", "create", "--name", "Seeded"])
                    .output()
                    .unwrap();
                o.status.code().unwrap()
            })
            .collect()
    };
    let first = statuses("7");
    assert_eq!(first, statuses("7"), "the same seed, the same faults");
    assert_eq!(first, SEED_7);
    assert_eq!(statuses("8"), SEED_8);
    assert_ne!(SEED_7, SEED_8);
}

// --- 3. config show, config profiles, --print-default-config, config init ------------------------

/// The row of `setting` in `config show`: its value and where it came from, spaces collapsed.
fn show_row(show: &str, setting: &str) -> String {
    show.lines()
        .find(|l| l.split_whitespace().next() == Some(setting))
        .unwrap_or_else(|| panic!("no {setting} row in\n{show}"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A private config file whose profile `p` holds an inline secret.
fn inline_secret_config(home: &Home, uri: &str) -> std::path::PathBuf {
    let path = home.config(
        "config.toml",
        &format!(
            "default_profile = \"p\"\n[profiles.p]\nuri = \"{uri}\"\norganization = \"file-org\"\n\
             client_id = \"file-client\"\nclient_secret = \"{INLINE_SECRET}\"\n\
             identity_uri = \"{uri}/identity_\"\nscopes = [\"PM.OAuthApp\"]\n"
        ),
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

const INLINE_SECRET: &str = "inline-s3cret-4711";
const ENV_SECRET: &str = "env-s3cret-0815";

/// `config show`: "what is in effect and where each value came from (secrets masked)". Each
/// value from the file, a variable or a flag names its source; the secret, inline in the file
/// or in a variable, is never printed, only where it is read from.
#[test]
fn config_show_names_each_source_and_never_prints_the_secret() {
    let home = Home::new();
    let uri = "http://127.0.0.1:9";
    let config = inline_secret_config(&home, uri);
    let o = home
        .cmd(&["--client-id", "flag-client", "config", "show"])
        .env("EXTAPPS_CONFIG", &config)
        .env("UIPATH_ORGANIZATION", "env-org")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let show = stdout(&o);
    assert!(show.starts_with("Profile: p\n"), "{show}");
    assert_eq!(show_row(&show, "uri"), format!("uri {uri} profile p"));
    assert_eq!(
        show_row(&show, "organization"),
        "organization env-org env UIPATH_ORGANIZATION"
    );
    assert_eq!(
        show_row(&show, "client_id"),
        "client_id flag-client flag --client-id"
    );
    assert_eq!(
        show_row(&show, "client_secret"),
        format!(
            "client_secret **** from inline in {} profile p",
            config.display()
        )
    );
    assert_eq!(show_row(&show, "read_only"), "read_only false default");
    assert_eq!(
        show_row(&show, "identity_uri"),
        format!("identity_uri {uri}/identity_ profile p")
    );
    for text in [&show, &stderr(&o)] {
        assert!(!text.contains(INLINE_SECRET), "{text}");
    }

    // The secret from a variable instead, with a partition id from a variable and a flag.
    let o = home
        .cmd(&["--partition-id", "flag-partition", "config", "show"])
        .env("EXTAPPS_CONFIG", &config)
        .env("UIPATH_CLIENT_SECRET", ENV_SECRET)
        .env("UIPATH_PARTITION_ID", "env-partition")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let show = stdout(&o);
    assert_eq!(
        show_row(&show, "client_secret"),
        "client_secret **** from UIPATH_CLIENT_SECRET env UIPATH_CLIENT_SECRET"
    );
    assert_eq!(
        show_row(&show, "partition_id"),
        "partition_id flag-partition flag --partition-id"
    );
    assert_eq!(
        show_row(&show, "organization"),
        "organization file-org profile p"
    );
    for text in [&show, &stderr(&o)] {
        assert!(
            !text.contains(ENV_SECRET) && !text.contains(INLINE_SECRET),
            "{text}"
        );
    }

    // `config profiles` and a failing command that reads the same secret: never printed either.
    for args in [&["config", "profiles"][..], &["apps", "list"][..]] {
        let o = home
            .cmd(args)
            .env("EXTAPPS_CONFIG", &config)
            .env("UIPATH_CLIENT_SECRET", ENV_SECRET)
            .output()
            .unwrap();
        for text in [stdout(&o), stderr(&o)] {
            assert!(
                !text.contains(ENV_SECRET) && !text.contains(INLINE_SECRET),
                "{args:?}: {text}"
            );
        }
    }
}

/// `config profiles`: every profile, its organization and URI, default and read-only marks,
/// and the file it comes from, uipathcli's own included.
#[test]
fn config_profiles_lists_every_profile_with_its_file() {
    let home = Home::new();
    let config = home.config(
        "config.toml",
        "default_profile = \"prod\"\n\
         [profiles.prod]\norganization = \"acme\"\nclient_id = \"c1\"\nclient_secret_env = \"S1\"\n\
         [profiles.monitor]\nuri = \"https://as.example\"\norganization = \"acme-mon\"\n\
         client_id = \"c2\"\nclient_secret_env = \"S2\"\nread_only = true\n",
    );
    let uipath = home.file(".uipath");
    std::fs::create_dir_all(&uipath).unwrap();
    std::fs::write(
        uipath.join("config"),
        "profiles:\n  - name: lab\n    organization: lab-org\n    uri: https://lab.example\n",
    )
    .unwrap();
    let o = home
        .cmd(&["config", "profiles"])
        .env("EXTAPPS_CONFIG", &config)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows: Vec<String> = stdout(&o)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let file = config.display();
    let cli = uipath.join("config");
    assert_eq!(
        rows,
        [
            "PROFILE ORGANIZATION URI FLAGS SOURCE".to_owned(),
            format!("monitor acme-mon https://as.example read-only extapps config {file}"),
            format!("prod acme default extapps config {file}"),
            format!(
                "lab lab-org https://lab.example uipathcli config {}",
                cli.display()
            ),
        ],
        "{}",
        stdout(&o)
    );
}

/// `--print-default-config > config.toml` is "a commented starting point": fed back as the
/// config file, it is read without a warning and its profile is in effect.
#[test]
fn the_default_config_reads_back_as_a_config_file() {
    let home = Home::new();
    let o = home.cmd(&["--print-default-config"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("# extapps configuration."), "{text}");
    let config = home.config("default.toml", &text);
    let o = home
        .cmd(&["--config", config.to_str().unwrap(), "config", "show"])
        .env("UIPATH_PROD_SECRET", ENV_SECRET)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "no warning about the file");
    let show = stdout(&o);
    assert!(show.starts_with("Profile: prod\n"), "{show}");
    for (setting, row) in [
        ("uri", "uri https://cloud.uipath.com profile prod"),
        ("organization", "organization my-org profile prod"),
        (
            "client_id",
            "client_id 00000000-0000-0000-0000-000000000000 profile prod",
        ),
        (
            "client_secret",
            "client_secret **** from environment variable UIPATH_PROD_SECRET profile prod",
        ),
        ("scopes", "scopes PM.OAuthApp profile prod"),
        ("auto_refresh", "auto_refresh 5m profile prod"),
        (
            "login.redirect_uri",
            "login.redirect_uri http://localhost:12700 profile prod",
        ),
        (
            "login.scopes",
            "login.scopes openid profile offline_access profile prod",
        ),
    ] {
        assert_eq!(show_row(&show, setting), row);
    }
    assert!(!show.contains(ENV_SECRET));
}

/// `config init` tests the connection it saved: against the simulator it says what the token
/// endpoint granted; against a port that refuses, it fails with status 1, says the profile was
/// saved, names the host it tried and where to fix it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_init_tests_the_connection_it_saved() {
    let h = sim().await;
    let home = Home::new();
    let config = home.file("config.toml");
    let init = |uri: &str, name: &str| {
        let mut c = home.cmd(&[
            "config",
            "init",
            "--name",
            name,
            "--uri",
            uri,
            "--organization",
            "demo-org",
            "--client-id",
            "demo-admin",
            "--secret-env",
            "ADMIN_SECRET",
        ]);
        c.env("EXTAPPS_CONFIG", &config)
            .env("ADMIN_SECRET", "demo-admin-secret");
        c
    };
    let o = run(init(&url_of(&h), "sim")).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let host = format!("127.0.0.1:{}", h.base_url.port().unwrap());
    assert_eq!(
        stdout(&o),
        format!(
            "Saved profile `sim` in {}.\nTesting it: asking the token endpoint for a token...\n\
             Connected: {host} granted a token for OR.Default PM.OAuthApp.\n",
            config.display()
        )
    );

    // A port bound but never listening: every connection is refused while the socket lives.
    let (_held, port) = common::refusing_port();
    let o = run(init(&format!("http://127.0.0.1:{port}"), "dead")).await;
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("the profile was saved but signing in failed"),
        "{err}"
    );
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(err.contains("could not be reached"), "{err}");
    assert!(
        err.contains("check with `extapps --profile dead config show`"),
        "{err}"
    );
    assert!(!err.contains("demo-admin-secret"), "{err}");
    let saved = std::fs::read_to_string(&config).unwrap();
    assert!(saved.contains("[profiles.dead]"), "{saved}");
}

// --- 6. login --client-id --scope ----------------------------------------------------------------

/// `login --client-id ID --scope S...`: the authorize request names exactly that app and those
/// scopes (a scope given as "A B" counts as two; `offline_access` is added for renewal), over
/// the configured app and scopes, and the token that comes back is that app's with them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_asks_for_exactly_the_app_and_scopes_given() {
    let h = sim().await;
    let home = Home::new();
    let configured = [
        ("UIPATH_CLIENT_ID", "demo-admin"),
        ("UIPATH_AUTH_SCOPES", "OR.Default DataService.Data.Read"),
    ];
    let app = sim::DEMO_LOGIN_CLIENT_ID;
    let (url, o) = login(
        &h,
        &home,
        &configured,
        &[
            "--client-id",
            app,
            "--scope",
            "OR.Jobs OR.Folders.Read",
            "--scope",
            "TM.Projects.Read",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(url.starts_with(&format!("{}?", h.authorize_url())), "{url}");
    assert_eq!(query(&url, "client_id").as_deref(), Some(app));
    assert_eq!(
        query(&url, "scope").as_deref(),
        Some("OR.Jobs OR.Folders.Read TM.Projects.Read offline_access")
    );
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().take(2).collect();
    assert_eq!(
        lines,
        [
            format!(
                "Signed in as {} ({}) with app {app}.",
                sim::DEMO_USER_NAME,
                sim::DEMO_USER_ID
            )
            .as_str(),
            // The server adds OR.Default to every token (README, the simulator).
            "Granted: OR.Default OR.Jobs OR.Folders.Read TM.Projects.Read offline_access",
        ],
        "{out}"
    );
}

// --- 7. --profile --------------------------------------------------------------------------------

/// Two profiles on two simulators; the second one has an app the first has not.
async fn two_profiles(home: &Home) -> (SimHandle, SimHandle, std::path::PathBuf) {
    let (a, b) = (sim().await, sim().await);
    b.state()
        .add_app("Only on B", false, Some("http://localhost:9999"), vec![])
        .unwrap();
    let profile = |name: &str, h: &SimHandle| {
        format!(
            "[profiles.{name}]\nuri = \"{}\"\norganization = \"demo-org\"\n\
             client_id = \"demo-admin\"\nclient_secret_env = \"ADMIN_SECRET\"\n",
            url_of(h)
        )
    };
    let config = home.config(
        "config.toml",
        &format!(
            "default_profile = \"a\"\n{}\n{}",
            profile("a", &a),
            profile("b", &b)
        ),
    );
    (a, b, config)
}

/// `--profile NAME` (or `UIPATH_PROFILE`) picks the profile, and with it the host: each
/// command lands on that profile's simulator, the flag winning over the variable and the
/// variable over `default_profile`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_picks_the_host_each_command_goes_to() {
    let home = Home::new();
    let (a, b, config) = two_profiles(&home).await;
    let lands_on_b = async |args: &[&str], profile_var: Option<&str>| -> bool {
        let mut all = args.to_vec();
        all.extend_from_slice(&["apps", "list", "--json"]);
        let mut c = home.cmd(&all);
        c.env("EXTAPPS_CONFIG", &config)
            .env("ADMIN_SECRET", "demo-admin-secret");
        if let Some(p) = profile_var {
            c.env("UIPATH_PROFILE", p);
        }
        let o = run(c).await;
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        stdout(&o).contains("Only on B")
    };
    assert!(!lands_on_b(&[], None).await, "the default profile is a");
    assert!(lands_on_b(&["--profile", "b"], None).await);
    assert!(lands_on_b(&[], Some("b")).await, "UIPATH_PROFILE=b");
    assert!(
        !lands_on_b(&["--profile", "a"], Some("b")).await,
        "the flag wins"
    );

    // A change goes to the profile's host, and only there.
    let mut c = home.cmd(&[
        "--profile",
        "b",
        "apps",
        "create",
        "--name",
        "Made through b",
        "--scope",
        "OR.Jobs",
    ]);
    c.env("EXTAPPS_CONFIG", &config)
        .env("ADMIN_SECRET", "demo-admin-secret");
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let named = |h: &SimHandle| {
        h.state()
            .apps()
            .iter()
            .filter(|x| x.name == "Made through b")
            .count()
    };
    assert_eq!((named(&a), named(&b)), (0, 1));
}

// --- 8. UIPATH_IDENTITY_URI and UIPATH_PARTITION_ID ----------------------------------------------

/// The `iss` claim of the token `extapps token --json` got: which simulator issued it.
fn issuer(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["claims"]["iss"].as_str().unwrap().to_owned()
}

/// `UIPATH_IDENTITY_URI` "overrides the identity base": the token comes from there while the
/// host stays the API's. It beats the profile's `identity_uri`, and `--identity-uri` beats it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_identity_uri_variable_moves_the_token_endpoint() {
    let (a, b) = (sim().await, sim().await);
    let (_held, dead) = common::refusing_port();
    let home = Home::new();
    let config = home.config(
        "config.toml",
        &format!(
            "default_profile = \"p\"\n[profiles.p]\nuri = \"{}\"\norganization = \"demo-org\"\n\
             client_id = \"demo-admin\"\nclient_secret_env = \"ADMIN_SECRET\"\n\
             identity_uri = \"http://127.0.0.1:{dead}/identity_\"\n",
            url_of(&a)
        ),
    );
    let token = |identity_var: Option<String>, flag: Option<String>| {
        let mut args = vec!["token".to_owned(), "--json".to_owned()];
        if let Some(f) = flag {
            args.extend(["--identity-uri".to_owned(), f]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut c = home.cmd(&args);
        c.env("EXTAPPS_CONFIG", &config)
            .env("ADMIN_SECRET", "demo-admin-secret");
        if let Some(v) = identity_var {
            c.env("UIPATH_IDENTITY_URI", v);
        }
        run(c)
    };
    let identity = |h: &SimHandle| format!("{}/identity_", url_of(h));

    // The profile's: a port that refuses, named in the failure.
    let o = token(None, None).await;
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains(&format!(
            "the token endpoint (127.0.0.1:{dead}) could not be reached"
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(issuer(&token(Some(identity(&b)), None).await), identity(&b));
    assert_eq!(
        issuer(&token(Some(identity(&b)), Some(identity(&a))).await),
        identity(&a),
        "the flag wins"
    );
}

/// `UIPATH_PARTITION_ID` names the organization GUID the API paths use (instead of the
/// token's `prt_id`): it beats the profile's `partition_id`, and `--partition-id` beats it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_partition_id_variable_is_the_partition_the_api_is_asked_for() {
    let h = sim().await;
    let home = Home::new();
    const WRONG_IN_FILE: &str = "11111111-1111-4111-8111-111111111111";
    const WRONG_FLAG: &str = "22222222-2222-4222-8222-222222222222";
    let config = home.config(
        "config.toml",
        &format!(
            "default_profile = \"p\"\n[profiles.p]\nuri = \"{}\"\norganization = \"demo-org\"\n\
             client_id = \"demo-admin\"\nclient_secret_env = \"ADMIN_SECRET\"\n\
             partition_id = \"{WRONG_IN_FILE}\"\n",
            url_of(&h)
        ),
    );
    let list = |var: Option<&str>, flag: Option<&str>| {
        let mut args = vec!["apps", "list"];
        if let Some(f) = flag {
            args.extend(["--partition-id", f]);
        }
        let mut c = home.cmd(&args);
        c.env("EXTAPPS_CONFIG", &config)
            .env("ADMIN_SECRET", "demo-admin-secret")
            .env("EXTAPPS_LOG", "debug");
        if let Some(v) = var {
            c.env("UIPATH_PARTITION_ID", v);
        }
        run(c)
    };
    let asked_for = |partition: &str| {
        home.log_text()
            .contains(&format!("path=\"api/ExternalClient/{partition}\""))
    };
    let o = list(None, None).await;
    assert_eq!(
        o.status.code(),
        Some(1),
        "the profile's wrong GUID: {}",
        stdout(&o)
    );
    assert!(asked_for(WRONG_IN_FILE));
    let o = list(Some(&h.partition_id), None).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("demo-admin"), "{}", stdout(&o));
    let o = list(Some(&h.partition_id), Some(WRONG_FLAG)).await;
    assert_eq!(o.status.code(), Some(1), "the flag wins: {}", stdout(&o));
    assert!(asked_for(WRONG_FLAG));
}

/// Found while writing the login tests: with the organization set and only the secret
/// missing, the failure began "extapps does not know which organization to manage". It names
/// what is missing, and only that.
#[test]
fn a_missing_secret_is_not_called_an_unknown_organization() {
    let home = Home::new();
    let o = home
        .cmd(&["apps", "list"])
        .env("UIPATH_URI", "http://127.0.0.1:9")
        .env("UIPATH_ORGANIZATION", "demo-org")
        .env("UIPATH_CLIENT_ID", "demo-admin")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "extapps: extapps lacks settings to sign in. Set UIPATH_CLIENT_SECRET, or \
         client_secret_env / client_secret_command in the profile (that application's secret). \
         Profiles live in a config file (`extapps config init` writes one). To try extapps \
         without an account, run it with --demo.\n"
    );
}
