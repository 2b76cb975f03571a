//! The real binary with no settings at all: every command that needs the organization prints
//! the first-run steps (how to get credentials) on stderr and exits 2. HOME and the XDG
//! directories are this test's own empty temporary directories, never the real home.

use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_extapps");

fn run_in(home: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--log-file")
        .arg(home.join("extapps.log"))
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn no_settings_prints_the_steps_and_exits_2() {
    let home = tempfile::tempdir().unwrap();
    let steps = extapps::domain::onboarding::text();
    for args in [
        &["apps", "list"][..],
        &["apps", "show", "some-app"],
        &["secrets", "list"],
        &["token"],
        // The TUI, without a terminal to draw its first-run screen on.
        &[],
    ] {
        let o = run_in(home.path(), args, &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end(), format!("extapps: {steps}"), "{args:?}");
        for needed in [
            "External Applications",
            "PM.OAuthApp.Read",
            "extapps config init",
            "--demo",
        ] {
            assert!(err.contains(needed), "{args:?}: {needed} in {err}");
        }
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn some_settings_are_not_a_first_run() {
    let home = tempfile::tempdir().unwrap();
    // One variable set: the message names what is still missing instead.
    let o = run_in(
        home.path(),
        &["apps", "list"],
        &[("UIPATH_ORGANIZATION", "acme")],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("UIPATH_CLIENT_ID"), "{err}");
    assert!(!err.contains("External Applications"), "{err}");

    // A profile in the config file, however incomplete: the same.
    let dir = home.path().join("config/extapps");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "default_profile = \"prod\"\n[profiles.prod]\norganization = \"acme\"\n",
    )
    .unwrap();
    let o = run_in(home.path(), &["apps", "list"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("Profile `prod`"), "{err}");
}

#[test]
fn a_bad_auto_refresh_is_a_configuration_error() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("extapps.toml");
    std::fs::write(
        &file,
        "[profiles.p]\norganization = \"acme\"\nauto_refresh = \"soon\"\n",
    )
    .unwrap();
    let o = run_in(
        home.path(),
        &["apps", "list", "--config", file.to_str().unwrap()],
        &[],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("auto_refresh takes a duration"), "{err}");
    assert!(err.contains("extapps.toml:3:16"), "{err}");
    // The flag: clap's usage error, status 2 as well.
    let o = run_in(
        home.path(),
        &["--auto-refresh", "soon", "apps", "list"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("auto_refresh takes a duration"),
        "{}",
        stderr(&o)
    );
}
