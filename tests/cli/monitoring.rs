//! `secrets list` against the simulator, with secrets set to expire at known times: the exit
//! status a cron job or CI pipeline alerts on. Both the library call and the real binary.

use std::process::Command;

use crate::common::*;
use extapps::cli::secrets::{Format, list};
use extapps::sim::SimHandle;
use jiff::{SignedDuration, Timestamp};

/// Every secret of the organization moved to `far`, except the ones `set` names.
fn expiries(h: &SimHandle, far: Option<Timestamp>, set: &[(usize, Timestamp)]) -> Vec<i64> {
    let state = h.state();
    let mut ids: Vec<i64> = state
        .apps()
        .iter()
        .flat_map(|a| a.secrets.iter().map(|s| s.id))
        .collect();
    ids.sort();
    for id in &ids {
        state.set_secret_expiry(*id, far);
    }
    for (i, when) in set {
        state.set_secret_expiry(ids[*i], Some(*when));
    }
    ids
}

fn days(n: i64) -> Timestamp {
    Timestamp::now() + SignedDuration::from_hours(24 * n)
}

async fn status(h: &SimHandle, within: Option<i64>) -> (i32, String) {
    let mut out = Vec::new();
    let within = within.map(|d| SignedDuration::from_hours(24 * d));
    let code = match list(&admin(h), within, Format::Csv, &mut out).await {
        Ok(()) => 0,
        Err(f) => f.code,
    };
    (code, String::from_utf8(out).unwrap())
}

#[tokio::test]
async fn exit_status_follows_the_nearest_expiry() {
    let h = sim().await;

    expiries(&h, Some(days(400)), &[]);
    assert_eq!(status(&h, Some(14)).await.0, 0, "nothing within 14 days");

    expiries(&h, None, &[(3, days(5))]);
    let (code, csv) = status(&h, Some(14)).await;
    assert_eq!(code, 3, "one secret expires in 5 days:\n{csv}");
    assert_eq!(status(&h, Some(2)).await.0, 0, "but not within 2 days");
    assert_eq!(
        status(&h, None).await.0,
        0,
        "without a window only expired secrets count"
    );

    expiries(&h, None, &[(3, days(5)), (7, days(-1))]);
    assert_eq!(
        status(&h, Some(14)).await.0,
        4,
        "expired wins over expiring"
    );
    let (code, csv) = status(&h, None).await;
    assert_eq!(code, 4);
    // Sorted by expiry: the expired secret is the first data row.
    let first = csv.lines().nth(1).unwrap();
    assert!(first.contains("expired"), "{csv}");
}

#[tokio::test]
async fn the_binary_exits_with_the_status_on_the_demo_org() {
    // The demo organization has expired secrets, so the status is 4, with a summary on stderr.
    // Its own HOME and a clean environment: the run keeps a details cache, which belongs in
    // this test's directory, not in the user's or one another test reads.
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("extapps.log");
    let out = Command::new(env!("CARGO_BIN_EXE_extapps"))
        .args([
            "--demo",
            "secrets",
            "list",
            "--expiring-within",
            "7d",
            "--format",
            "json",
        ])
        .arg("--log-file")
        .arg(&log)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "expired")
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("expired"), "{err}");
}
