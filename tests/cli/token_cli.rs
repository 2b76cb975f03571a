//! The real binary: `extapps --demo login` with the test as the browser, `token --json`,
//! `token --decode -`, and `token clear` on a cache directory.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_extapps");

fn cmd(cache: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("HOME", cache)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("EXTAPPS_CACHE_DIR", cache.join("tokens"))
        .arg("--log-file")
        .arg(cache.join("extapps.log"));
    c
}

#[tokio::test]
async fn demo_login_with_the_test_as_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = cmd(dir.path())
        .args([
            "--demo",
            "login",
            "--no-browser",
            "--redirect-uri",
            "http://localhost:0",
            "--timeout",
            "20",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    // Keep draining stderr after the URL: closing the pipe would end the login with EPIPE.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(u) = line.trim().strip_prefix("http://") {
                let _ = tx.send(format!("http://{u}"));
            }
        }
    });
    let url =
        tokio::task::spawn_blocking(move || rx.recv_timeout(std::time::Duration::from_secs(20)))
            .await
            .unwrap()
            .expect("the authorize URL on stderr");
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let loc = browser.get(&url).send().await.unwrap().headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = browser
        .get(&loc)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("close this tab"));
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("Signed in as Demo User"), "{stdout}");
    assert!(
        stdout.contains("list apps        no: this token lacks PM.OAuthApp or PM.OAuthApp.Read"),
        "{stdout}"
    );
    assert!(!stdout.contains("eyJ"), "no token printed: {stdout}");
}

#[test]
fn token_json_decode_and_clear() {
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(dir.path())
        .args(["--demo", "token", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["signature_verified"], false);
    assert_eq!(v["claims"]["client_id"], "demo-admin");
    assert_eq!(v["allows"]["delete"]["allowed"], true);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("eyJ"));

    let raw = cmd(dir.path())
        .args(["--demo", "token", "--raw"])
        .output()
        .unwrap();
    let token = String::from_utf8(raw.stdout).unwrap();
    assert!(token.starts_with("eyJ"));
    let mut child = cmd(dir.path())
        .args(["token", "--decode", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(token.as_bytes())
        .unwrap();
    let decoded = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&decoded.stdout);
    assert!(text.contains("Signature NOT checked"), "{text}");
    assert!(text.contains("organization id (prt_id)"), "{text}");

    let bad = cmd(dir.path())
        .args(["token", "--decode", "s3cr3t-value"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("not a JWT") && !err.contains("s3cr3t"),
        "{err}"
    );

    let tokens = dir.path().join("tokens");
    std::fs::create_dir_all(&tokens).unwrap();
    std::fs::write(tokens.join("token-abc.json"), "{}").unwrap();
    let cleared = cmd(dir.path()).args(["token", "clear"]).output().unwrap();
    assert!(cleared.status.success());
    assert!(String::from_utf8_lossy(&cleared.stdout).starts_with("Removed 1 cached token from"));
}
