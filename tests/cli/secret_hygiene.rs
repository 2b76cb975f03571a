//! Secret hygiene, end to end with the real binary: create an app, rotate its secret, sign in
//! with it and delete it, then look for every secret value the run saw in the log, in stderr,
//! in the token cache and in the backups. Stdout is the one place a new secret may appear.

use crate::common::sim_process::{Sim, run_sim};

use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_extapps");

struct Env<'a> {
    sim: &'a Sim,
    dir: &'a Path,
}

impl Env<'_> {
    fn run(&self, client_id: &str, secret: &str, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .arg("--log-file")
            .arg(self.dir.join("extapps.log"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir)
            .env("EXTAPPS_CACHE_DIR", self.dir.join("cache"))
            .env("EXTAPPS_BACKUP_DIR", self.dir.join("backups"))
            .env("EXTAPPS_LOG", "debug")
            .env("UIPATH_URI", &self.sim.1)
            .env("UIPATH_ORGANIZATION", "demo-org")
            .env("UIPATH_CLIENT_ID", client_id)
            .env("UIPATH_CLIENT_SECRET", secret)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn admin(&self, args: &[&str]) -> Output {
        let out = self.run("demo-admin", "demo-admin-secret", args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

/// How many times `needle` occurs in `hay`: "printed once" means exactly one.
fn count(hay: &[u8], needle: &str) -> usize {
    String::from_utf8_lossy(hay).matches(needle).count()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every file under `dir`, as text.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
            out.push((p.display().to_string(), text));
        }
    }
    out
}

#[test]
fn secrets_appear_on_stdout_once_and_nowhere_else() {
    let sim = run_sim();
    let tmp = tempfile::tempdir().unwrap();
    let env = Env {
        sim: &sim,
        dir: tmp.path(),
    };
    let mut stderr = String::new();
    let mut secrets: Vec<String> = vec!["demo-admin-secret".to_owned()];

    let created = env.admin(&[
        "apps",
        "create",
        "--name",
        "Hygiene Check",
        "--scope",
        "OR.Jobs",
        "--json",
    ]);
    stderr.push_str(&String::from_utf8_lossy(&created.stderr));
    let app = json(&created);
    let id = app["id"].as_str().unwrap().to_owned();
    let first = app["secret"].as_str().unwrap().to_owned();
    assert_eq!(count(&created.stdout, &first), 1, "the new secret, once");
    assert_eq!(count(&created.stdout, "demo-admin-secret"), 0);
    secrets.push(first.clone());

    let rotated = env.admin(&["secrets", "rotate", &id, "--delete-old", "--yes", "--json"]);
    stderr.push_str(&String::from_utf8_lossy(&rotated.stderr));
    let report = json(&rotated);
    let second = report["secret"]["secret"].as_str().unwrap().to_owned();
    assert_eq!(report["verified"]["ok"], true, "{report}");
    assert_eq!(
        count(&rotated.stdout, &second),
        1,
        "the rotated secret, once"
    );
    assert_eq!(
        count(&rotated.stdout, &first),
        0,
        "the old secret is not shown"
    );
    assert_eq!(count(&rotated.stdout, "demo-admin-secret"), 0);
    secrets.push(second.clone());

    // Sign in as the new app with its new secret: the token is cached, the secret is not.
    let token = env.run(&id, &second, &["token", "--json"]);
    assert!(
        token.status.success(),
        "{}",
        String::from_utf8_lossy(&token.stderr)
    );
    stderr.push_str(&String::from_utf8_lossy(&token.stderr));
    assert_eq!(
        count(&token.stdout, &second),
        0,
        "the secret is not in the token output"
    );
    // The old secret was deleted: signing in with it fails, without echoing it.
    let refused = env.run(&id, &first, &["apps", "list"]);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "a refused sign-in is a failure"
    );
    assert_eq!(count(&refused.stdout, &first), 0);
    stderr.push_str(&String::from_utf8_lossy(&refused.stderr));

    let deleted = env.admin(&["apps", "delete", &id, "--yes"]);
    stderr.push_str(&String::from_utf8_lossy(&deleted.stderr));
    for secret in &secrets {
        assert_eq!(count(&deleted.stdout, secret), 0, "delete prints no secret");
    }

    let log = std::fs::read_to_string(tmp.path().join("extapps.log")).unwrap();
    assert!(log.len() > 100, "the debug log was written: {log}");
    let mut places = vec![("stderr".to_owned(), stderr), ("log".to_owned(), log)];
    let cached = files(&tmp.path().join("cache"));
    assert!(!cached.is_empty(), "the token was cached");
    places.extend(cached);
    let backups = files(&tmp.path().join("backups"));
    assert_eq!(backups.len(), 1, "one backup of the deleted app");
    places.extend(backups);
    for secret in &secrets {
        for (place, text) in &places {
            assert!(
                !text.contains(secret.as_str()),
                "a secret value is in {place}"
            );
        }
    }

    #[cfg(unix)]
    for dir in ["cache", "backups"] {
        use std::os::unix::fs::PermissionsExt;
        for (path, _) in files(&tmp.path().join(dir)) {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{path} has mode {mode:o}");
        }
    }
}
