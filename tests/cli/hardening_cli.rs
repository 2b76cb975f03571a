//! The real binary against a simulator in this process, so that a test can break the token
//! endpoint between two commands: a cached token must not hide a wrong secret, a token
//! endpoint that is down must be named (and not taken for a refusal of a rotated secret), and
//! an insecure connection must be announced.

use std::path::Path;
use std::process::Output;

use crate::common::*;
use extapps::sim::{Faults, SimHandle};

const BIN: &str = env!("CARGO_BIN_EXE_extapps");
const AUDIT: &str = "4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9c0";

/// Runs extapps as demo-admin (with `secret`) against `h`, keeping tokens in `cache`.
async fn run(
    h: &SimHandle,
    cache: &Path,
    secret: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = tokio::process::Command::new(BIN);
    cmd.args(args)
        .arg("--log-file")
        .arg(home.path().join("extapps.log"))
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("EXTAPPS_CACHE_DIR", cache)
        .env("UIPATH_URI", h.base_url.as_str().trim_end_matches('/'))
        .env("UIPATH_ORGANIZATION", &h.organization)
        .env("UIPATH_CLIENT_ID", h.admin_client_id())
        .env("UIPATH_CLIENT_SECRET", secret)
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::time::timeout(std::time::Duration::from_secs(60), cmd.output())
        .await
        .expect("extapps finishes")
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn host_of(h: &SimHandle) -> String {
    format!(
        "{}:{}",
        h.base_url.host_str().unwrap(),
        h.base_url.port().unwrap()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_token_does_not_hide_a_wrong_secret() {
    let h = sim().await;
    let cache = tempfile::tempdir().unwrap();
    let good = h.admin_secret().to_owned();
    let o = run(&h, cache.path(), &good, &["apps", "list", "--json"], &[]).await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read_dir(cache.path()).unwrap().count() > 0,
        "the good run cached its token"
    );

    let o = run(&h, cache.path(), "wrong", &["apps", "list", "--json"], &[]).await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid_client"), "{}", stderr(&o));

    // The right secret still finds its cached token.
    let o = run(&h, cache.path(), &good, &["apps", "list", "--json"], &[]).await;
    assert!(o.status.success(), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_endpoint_that_is_down_is_named() {
    let h = sim().await;
    h.state().set_faults(Faults {
        token_down: true,
        ..Faults::none()
    });
    let cache = tempfile::tempdir().unwrap();
    let o = run(&h, cache.path(), h.admin_secret(), &["apps", "list"], &[]).await;
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "the token endpoint ({}) failed (503)",
            host_of(&h)
        )),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_whose_check_meets_a_down_token_endpoint_is_unverified_not_refused() {
    let h = sim().await;
    let cache = tempfile::tempdir().unwrap();
    let secret = h.admin_secret().to_owned();
    // A first command caches the admin's token, so the API works once the endpoint is down.
    let o = run(&h, cache.path(), &secret, &["apps", "list"], &[]).await;
    assert!(o.status.success(), "{}", stderr(&o));
    let before = h.state().app(AUDIT).unwrap().secrets.len();
    h.state().set_faults(Faults {
        token_down: true,
        ..Faults::none()
    });

    let args = ["secrets", "rotate", AUDIT, "--delete-old", "--yes"];
    let o = run(&h, cache.path(), &secret, &args, &[]).await;
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "step 2 failed: could not check it: the token endpoint ({}) failed (503)",
            host_of(&h)
        )),
        "{err}"
    );
    assert!(!err.contains("refused"), "{err}");
    assert!(err.contains("No old secret was deleted"), "{err}");
    assert_eq!(
        h.state().app(AUDIT).unwrap().secrets.len(),
        before + 1,
        "the new secret is there and every old one was kept"
    );

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let o = run(&h, cache.path(), &secret, &json_args, &[]).await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verified"]["ok"], false);
    assert_eq!(v["verified"]["refused"], false);
    assert_eq!(v["deleted"], serde_json::json!([]));

    // A wrong secret is still a refusal.
    h.state().set_faults(Faults::none());
    let o = run(&h, cache.path(), "wrong", &["apps", "list"], &[]).await;
    assert!(stderr(&o).contains("invalid_client"), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_insecure_connection_is_announced_once_before_the_work() {
    let h = sim().await;
    let cache = tempfile::tempdir().unwrap();
    let secret = h.admin_secret().to_owned();
    let notice = "extapps: warning: TLS certificates are not checked";

    let o = run(
        &h,
        cache.path(),
        &secret,
        &["apps", "list", "--insecure"],
        &[],
    )
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches(notice).count(), 1, "{err}");
    assert!(err.contains(&format!("{notice} (--insecure)")), "{err}");

    let env = [("UIPATH_INSECURE", "true")];
    let o = run(&h, cache.path(), &secret, &["secrets", "list"], &env).await;
    assert!(
        stderr(&o).contains(&format!("{notice} (UIPATH_INSECURE)")),
        "{}",
        stderr(&o)
    );

    // Even a command that fails says it first.
    let o = run(
        &h,
        cache.path(),
        "wrong",
        &["apps", "list", "--insecure"],
        &[],
    )
    .await;
    let err = stderr(&o);
    let warned = err.find(notice).expect("the notice");
    let failed = err.find("invalid_client").expect("the failure");
    assert!(warned < failed, "{err}");

    let o = run(&h, cache.path(), &secret, &["apps", "list"], &[]).await;
    assert!(!stderr(&o).contains(notice), "{}", stderr(&o));
}
