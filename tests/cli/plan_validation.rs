//! A definition file's mistakes, found before anything is changed: every one at once, each at
//! its line and column, and nothing sent.

use std::process::Output;

use crate::common::sim_process::run_sim;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const THREE_MISTAKES: &str = "\
apps:
  - name: Invoice Bot
    kind: confidential
    scopes:
      UiPath.Orchestrator:
        OR.Jobz: application
  - name: Mobile
    kind: public
    redirectUris:
      - http//missing-colon
    scopes:
      UiPath.Orchestrator:
        OR.Jobs: user
  - name: Invoice Bot
    kind: confidential
";

#[test]
fn three_mistakes_are_reported_with_line_and_column_and_nothing_is_sent() {
    let sim = run_sim();
    let file = sim.file("apps.yaml");
    std::fs::write(&file, THREE_MISTAKES).unwrap();
    let f = file.to_str().unwrap();
    for cmd in ["plan", "apply"] {
        let before = sim.write_requests();
        let args: &[&str] = if cmd == "plan" {
            &[cmd, "-f", f]
        } else {
            &[cmd, "-f", f, "--yes"]
        };
        let o = sim.exec(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {err}");
        assert!(
            err.contains("has 3 mistakes; nothing was sent"),
            "{cmd}: {err}"
        );
        for (at, text) in [
            (
                ":6:9: ",
                "scope OR.Jobz is not in the catalog (did you mean OR.Jobs?)",
            ),
            (
                ":10:9: ",
                "redirect URI \"http//missing-colon\" is not a URI",
            ),
            (
                ":14:11: ",
                "the name \"Invoice Bot\" is also given at line 2",
            ),
        ] {
            let line = err
                .lines()
                .find(|l| l.contains(at))
                .unwrap_or_else(|| panic!("{at} in {err}"));
            assert!(line.contains(text), "{line}");
            assert!(line.trim_start().starts_with(f), "{line}");
        }
        assert_eq!(sim.write_requests(), before, "{cmd} sent a change");
    }
}

#[test]
fn a_malformed_file_says_where_and_what_shape_was_expected() {
    let sim = run_sim();
    let file = sim.file("apps.yaml");
    let f = file.to_str().unwrap();
    for (text, needle) in [
        ("apps:\n  - name: [unclosed\n", ":3:"),
        (
            "apps:\n  - name: A\n    kind: confidentail\n",
            ":3:11: kind \"confidentail\"",
        ),
        (
            "apps:\n  - name: A\n    kind: public\n    scope: {}\n",
            ":4:5: unknown key \"scope\"",
        ),
        (
            "apps:\n  - name: A\n    kind: confidential\n    scopes: {R: {X: both}}\n",
            ":4:21: scope X: type \"both\"",
        ),
        (
            "apps: []\nformat: extapps-apps/9\n",
            ":2:9: format \"extapps-apps/9\"",
        ),
        ("", ":1:1: the file is empty"),
    ] {
        std::fs::write(&file, text).unwrap();
        let o = sim.exec(&["plan", "-f", f]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{text:?}: {err}");
        assert!(err.contains(needle), "{needle:?} for {text:?} in: {err}");
    }
}

#[test]
fn an_ambiguous_name_stops_the_plan_with_the_candidates() {
    let sim = run_sim();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let o = sim.exec(&["apps", "create", "--name", "Twin", "--scope", "OR.Jobs"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        ids.push(
            out.lines()
                .find_map(|l| l.strip_prefix("client id:"))
                .unwrap()
                .trim()
                .to_owned(),
        );
    }
    let file = sim.file("apps.yaml");
    std::fs::write(&file, "apps:\n- name: Twin\n  kind: confidential\n").unwrap();
    let o = sim.exec(&["plan", "-f", file.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(":2:9: the name \"Twin\" fits 2 apps"), "{err}");
    for id in &ids {
        assert!(err.contains(id.as_str()), "{id} in {err}");
    }
}
