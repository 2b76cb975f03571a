//! `--help` of every subcommand lists the command's own options first and the connection
//! options (organization, profile, client id, demo, read-only...) under their own heading.
//! The subcommands come from the clap tree; the help text from the real binary.

use std::process::Command;

use clap::CommandFactory;
use extapps::cli::args::{CONNECTION_HEADING, Cli};

const BIN: &str = env!("CARGO_BIN_EXE_extapps");

/// Every subcommand path: `["apps", "show"]`, `["secrets", "list"]`, ...
fn paths(cmd: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let mut path = prefix.to_vec();
        path.push(sub.get_name().to_owned());
        out.push(path.clone());
        paths(sub, &path, out);
    }
}

fn help(path: &[String]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(path)
        .arg("--help")
        .env_clear()
        .env("HOME", dir.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{path:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The line where an option is listed (`      --json  Print JSON...`).
fn line_of(text: &str, flag: &str) -> Option<usize> {
    text.lines().position(|l| {
        l.trim_start()
            .split([' ', ','])
            .any(|w| w == flag || w.starts_with(&format!("{flag}=")))
    })
}

#[test]
fn connection_options_have_their_own_heading_after_the_commands_own() {
    let mut all = Vec::new();
    let root = Cli::command();
    paths(&root, &[], &mut all);
    assert!(all.len() > 15, "{all:?}");
    let heading = format!("{CONNECTION_HEADING}:");
    for path in all {
        let text = help(&path);
        // An option of the command's own with the same name (`login --client-id`: the app
        // to sign in with) is the command's, listed with its options.
        let mut sub = &root;
        for name in &path {
            sub = sub.find_subcommand(name).unwrap();
        }
        let own = |flag: &str| {
            sub.get_arguments()
                .any(|a| !a.is_global_set() && a.get_long() == flag.strip_prefix("--"))
        };
        let at = text
            .lines()
            .position(|l| l == heading)
            .unwrap_or_else(|| panic!("{path:?} has no {heading:?} heading:\n{text}"));
        for flag in [
            "--organization",
            "--profile",
            "--uri",
            "--client-id",
            "--demo",
            "--read-only",
            "--auto-refresh",
        ] {
            if own(flag) {
                continue;
            }
            let line = line_of(&text, flag).unwrap_or_else(|| panic!("{path:?}: {flag}"));
            assert!(line > at, "{path:?}: {flag} before the heading:\n{text}");
        }
        // The command's own options, when it has any, come before.
        if let Some(own) = text.lines().position(|l| l == "Options:") {
            assert!(own < at, "{path:?}:\n{text}");
        }
    }
}

#[test]
fn an_own_option_is_listed_before_the_connection_options() {
    let text = help(&["apps".into(), "show".into()]);
    let heading = text
        .lines()
        .position(|l| l == format!("{CONNECTION_HEADING}:"))
        .unwrap();
    assert!(line_of(&text, "--json").unwrap() < heading, "{text}");
    let text = help(&["secrets".into(), "list".into()]);
    let heading = text
        .lines()
        .position(|l| l == format!("{CONNECTION_HEADING}:"))
        .unwrap();
    assert!(
        line_of(&text, "--expiring-within").unwrap() < heading,
        "{text}"
    );
}
