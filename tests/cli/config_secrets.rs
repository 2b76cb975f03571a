//! Every source of the client secret, and what goes wrong with each without leaking it.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use extapps::config::secret::run_command;
use extapps::config::{ConfigFiles, Flags, SecretSource, file, resolve};
use secrecy::{ExposeSecret, SecretString};

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn from_uipath_client_secret() {
    let s = SecretSource::Value(SecretString::from("v"));
    assert_eq!(s.fetch(&no_env).unwrap().expose_secret(), "v");
    assert_eq!(s.describe(), "UIPATH_CLIENT_SECRET");
}

#[test]
fn from_a_named_variable() {
    let s = SecretSource::Env("MY_SECRET".into());
    let env = |k: &str| (k == "MY_SECRET").then(|| "  from-var\n".to_owned());
    assert_eq!(s.fetch(&env).unwrap().expose_secret(), "from-var");
    let err = s.fetch(&no_env).unwrap_err().to_string();
    assert_eq!(
        err,
        "the client secret should be in the environment variable MY_SECRET, which is not set"
    );
}

#[test]
fn from_a_command() {
    let s = SecretSource::Command("echo '  from-command  '".into());
    assert_eq!(s.fetch(&no_env).unwrap().expose_secret(), "from-command");
}

#[test]
fn a_failing_command_reports_status_and_first_stderr_line_but_not_stdout() {
    let cmd = "echo leaked-value; echo 'vault is locked' >&2; echo second >&2; exit 3";
    let err = SecretSource::Command(cmd.into())
        .fetch(&no_env)
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with("failed (exit status 3): vault is locked"),
        "{err}"
    );
    // Beyond the command's own text, neither stdout nor the rest of stderr shows up.
    let rest = err.replace(cmd, "");
    assert!(!rest.contains("leaked-value"), "{err}");
    assert!(!rest.contains("second"), "{err}");
}

#[test]
fn a_silent_or_slow_command_is_an_error() {
    let err = run_command("true", Duration::from_secs(5))
        .unwrap_err()
        .to_string();
    assert!(err.ends_with("printed nothing on stdout"), "{err}");
    let err = run_command("exit 1", Duration::from_secs(5))
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with("failed (exit status 1) without a message"),
        "{err}"
    );
    let err = run_command("sleep 5; echo late", Duration::from_millis(200))
        .unwrap_err()
        .to_string();
    assert!(err.contains("did not finish within 0 seconds"), "{err}");
}

#[test]
fn from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret");
    std::fs::write(&path, "from-file\n").unwrap();
    let s = SecretSource::File(path.clone());
    assert_eq!(s.fetch(&no_env).unwrap().expose_secret(), "from-file");
    std::fs::write(&path, "\n").unwrap();
    let err = s.fetch(&no_env).unwrap_err().to_string();
    assert!(err.contains("is empty"), "{err}");
    let err = SecretSource::File(dir.path().join("none"))
        .fetch(&no_env)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("cannot read the client secret from "),
        "{err}"
    );
}

fn write_config(dir: &Path, text: &str, mode: u32) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn resolve_file(path: &Path) -> extapps::config::Resolved {
    let files = ConfigFiles {
        extapps: Some(file::load(path).unwrap()),
        ..ConfigFiles::default()
    };
    resolve(&Flags::default(), &no_env, &files).unwrap()
}

const INLINE: &str = "default_profile = \"p\"\n[profiles.p]\norganization = \"o\"\nclient_id = \"c\"\nclient_secret = \"inline-value\"\n";

#[test]
fn inline_in_a_private_file_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let r = resolve_file(&write_config(dir.path(), INLINE, 0o600));
    assert_eq!(r.settings.client_secret.expose_secret(), "inline-value");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn inline_in_a_file_others_can_read_warns() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), INLINE, 0o644);
    let r = resolve_file(&path);
    assert_eq!(r.settings.client_secret.expose_secret(), "inline-value");
    assert_eq!(r.warnings.len(), 1);
    let w = &r.warnings[0];
    assert!(w.contains(&format!("chmod 600 {}", path.display())), "{w}");
    assert!(w.contains("profile `p`"), "{w}");
    assert!(!w.contains("inline-value"), "{w}");
}

#[test]
fn file_and_command_sources_resolve_through_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s"), "file-secret").unwrap();
    let text = format!(
        "default_profile = \"p\"\n[profiles.p]\norganization = \"o\"\nclient_id = \"c\"\nclient_secret_file = {:?}\n",
        dir.path().join("s").display().to_string()
    );
    let r = resolve_file(&write_config(dir.path(), &text, 0o600));
    assert_eq!(r.settings.client_secret.expose_secret(), "file-secret");

    let text = "default_profile = \"p\"\n[profiles.p]\norganization = \"o\"\nclient_id = \"c\"\nclient_secret_command = \"echo Y21kLXNlY3JldA== | base64 -d\"\n";
    let r = resolve_file(&write_config(dir.path(), text, 0o600));
    assert_eq!(r.settings.client_secret.expose_secret(), "cmd-secret");
    assert!(!format!("{r:?}").contains("cmd-secret"));
}

/// Processes of process group `pgid` that still run. Zombies do not count: where init does
/// not reap orphans (some containers), a killed process lingers as one, and `kill(-pgid, 0)`
/// would still find it.
fn live_members(pgid: i32) -> Vec<String> {
    let mut live = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its `)`.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(2) == Some(&pgid.to_string().as_str()) && fields[0] != "Z" {
            live.push(stat);
        }
    }
    live
}

#[test]
fn a_command_whose_child_holds_stdout_is_stopped_with_its_whole_group() {
    let dir = tempfile::tempdir().unwrap();
    let pgid_file = dir.path().join("pgid");
    // `sh` leads the command's own process group, so its pid is the group's id.
    let cmd = format!("echo $$ > '{}'; sleep 45 & echo s", pgid_file.display());
    let err = run_command(&cmd, Duration::from_millis(500))
        .unwrap_err()
        .to_string();
    assert!(err.contains("did not finish within"), "{err}");
    assert!(err.contains("still holds its output open"), "{err}");
    let pgid: i32 = std::fs::read_to_string(&pgid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SIGKILL is delivered at once, but let the kernel finish; the wait is bounded.
    let mut left = live_members(pgid);
    for _ in 0..100 {
        if left.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        left = live_members(pgid);
    }
    assert!(left.is_empty(), "still running: {left:?}");
}

#[test]
fn an_endless_command_output_stops_at_the_cap() {
    let err = run_command(
        "head -c 100000 /dev/zero | tr '\\0' x",
        Duration::from_secs(20),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("more than 64 KiB"), "{err}");
    assert!(!err.contains("xxxx"), "{err}");
}
