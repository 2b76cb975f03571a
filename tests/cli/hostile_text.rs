//! Server text that tries to drive the terminal: app names holding OSC 52 (clipboard) and
//! OSC 0 (window title) sequences, a newline that forges a table row, a bidi override, and a
//! secret description a spreadsheet would run as a formula. The real binary prints them
//! against the simulator; the TUI renders them; `token --decode` shows a crafted token. None
//! of it may reach the terminal as anything but visible text.

use crate::common;

use std::process::{Command, Output, Stdio};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use extapps::sim::SimHandle;

const BIN: &str = env!("CARGO_BIN_EXE_extapps");

const CLIPBOARD: &str = "clip\u{1b}]52;c;aGVsbG8=\u{7}board";
const TITLE: &str = "title\u{1b}]0;pwned\u{7}app";
const FORGED: &str =
    "forged\nzz-fake  00000000-0000-0000-0000-000000000000  confidential  1  1  99d";
const BIDI: &str = "invoice\u{202e}fdp.exe";
const FORMULA: &str = "=HYPERLINK(\"http://evil.example/\",\"click me\")";

/// Characters that must never reach stdout raw.
const FORBIDDEN: [char; 5] = ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}', '\u{7f}'];

struct Org {
    // Field order: the simulator stops before its runtime.
    sim: SimHandle,
    ids: Vec<String>,
    _rt: tokio::runtime::Runtime,
}

/// The simulator in this process, on a runtime of its own so that it keeps answering while
/// the test waits for the binary; the hostile apps created through the API as any admin could.
fn hostile_org() -> Org {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sim = rt.block_on(common::sim());
    let admin = common::admin(&sim);
    let ids = rt.block_on(async {
        let mut ids = Vec::new();
        for name in [CLIPBOARD, TITLE, FORGED, BIDI] {
            let app = admin.create_app(name, true, None, vec![]).await.unwrap();
            admin
                .generate_secret(&app.id, Some(FORMULA.to_owned()), None)
                .await
                .unwrap();
            ids.push(app.id);
        }
        ids
    });
    Org { sim, ids, _rt: rt }
}

impl Org {
    fn run(&self, args: &[&str]) -> Output {
        let dir = tempfile::tempdir().unwrap();
        Command::new(BIN)
            .args(args)
            .arg("--log-file")
            .arg(dir.path().join("extapps.log"))
            .env_clear()
            .env("HOME", dir.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env(
                "UIPATH_URI",
                self.sim.base_url.as_str().trim_end_matches('/'),
            )
            .env("UIPATH_ORGANIZATION", &self.sim.organization)
            .env("UIPATH_CLIENT_ID", self.sim.admin_client_id())
            .env("UIPATH_CLIENT_SECRET", self.sim.admin_secret())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn secret_count(&self) -> usize {
        self.sim
            .state()
            .apps()
            .iter()
            .map(|a| a.secrets.len())
            .sum()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

fn assert_inert(what: &str, out: &str) {
    for c in FORBIDDEN {
        assert!(!out.contains(c), "{what}: raw {c:?} in {out:?}");
    }
}

#[test]
fn apps_list_shows_hostile_names_without_obeying_them() {
    let org = hostile_org();
    let o = org.run(&["apps", "list"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_inert("apps list", &out);
    // Header, one row per app, the count: a newline in a name made no row of its own.
    assert_eq!(
        out.lines().count(),
        org.sim.state().app_count() + 2,
        "a forged row: {out}"
    );
    assert!(!out.lines().any(|l| l.starts_with("zz-fake")), "{out}");
    assert!(out.contains("clip␛]52;c;aGVsbG8=␇board"), "{out}");
    assert!(out.contains("forged␊zz-fake"), "{out}");
    assert!(out.contains("invoice<U+202E>fdp.exe"), "{out}");
}

#[test]
fn apps_list_json_escapes_what_a_terminal_would_obey() {
    let org = hostile_org();
    let o = org.run(&["apps", "list", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_inert("apps list --json", &out);
    // Escaped, not lost: a program reading the JSON gets the names as the server holds them.
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    for name in [CLIPBOARD, TITLE, FORGED, BIDI] {
        assert!(names.contains(&name), "{name:?} not in {names:?}");
    }
}

#[test]
fn apps_show_shows_hostile_text_without_obeying_it() {
    let org = hostile_org();
    for (id, shown) in org.ids.iter().zip([
        "clip␛]52;c;aGVsbG8=␇board",
        "title␛]0;pwned␇app",
        "forged␊zz-fake",
        "invoice<U+202E>fdp.exe",
    ]) {
        let o = org.run(&["apps", "show", id]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let out = text(&o.stdout);
        assert_inert("apps show", &out);
        let name_line = out.lines().next().unwrap();
        assert!(
            name_line.starts_with("Name:") && name_line.contains(shown),
            "{out}"
        );
        assert!(
            out.contains("=HYPERLINK("),
            "the description is shown: {out}"
        );
        let o = org.run(&["apps", "show", id, "--json"]);
        assert_inert("apps show --json", &text(&o.stdout));
    }
}

#[test]
fn secrets_list_table_has_one_line_per_secret() {
    let org = hostile_org();
    let o = org.run(&["secrets", "list"]);
    // The demo organization has expired secrets: exit 4, and the table all the same.
    assert!(o.status.code().is_some(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_inert("secrets list", &out);
    // The header, a line per secret, the counts, and the apps without a valid secret (the
    // demo's License Usage Report has none at all, so no row).
    assert_eq!(out.lines().count(), org.secret_count() + 3, "{out}");
    assert!(
        out.lines().last().unwrap().contains("no valid secret: "),
        "{out}"
    );
    assert!(out.contains("forged␊zz-fake"), "{out}");
    assert_inert("stderr", &text(&o.stderr));
}

#[test]
fn secrets_list_csv_neither_breaks_rows_nor_runs_formulas() {
    let org = hostile_org();
    let o = org.run(&["secrets", "list", "--format", "csv"]);
    let out = text(&o.stdout);
    assert_inert("secrets list --format csv", &out);
    assert_eq!(out.lines().count(), org.secret_count() + 1, "{out}");
    let formula_rows: Vec<&str> = out.lines().filter(|l| l.contains("HYPERLINK")).collect();
    assert_eq!(formula_rows.len(), 4, "{out}");
    for row in formula_rows {
        // The description cell is quoted (it holds commas) and starts with '=, not =.
        assert!(row.contains(",\"'=HYPERLINK("), "{row}");
        assert!(!row.contains(",=") && !row.contains(",\"="), "{row}");
    }
}

#[test]
fn an_error_quoting_server_text_is_inert() {
    let org = hostile_org();
    // The server's 400 quotes the unknown scope name back.
    let o = org.run(&[
        "apps",
        "create",
        "--name",
        "x",
        "--scope",
        "OR.\u{1b}]0;pwned\u{7}:app",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("Not all scopes="), "{err}");
    assert_inert("stderr", &err);
    assert!(err.contains("OR.␛]0;pwned␇"), "{err}");
}

fn jwt(claims: serde_json::Value) -> String {
    let part = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.c2ln",
        part(serde_json::json!({"alg": "RS256", "typ": "JWT\u{1b}[2J"})),
        part(claims)
    )
}

#[test]
fn token_decode_shows_hostile_claims_without_obeying_them() {
    let token = jwt(serde_json::json!({
        "sub": "user\u{1b}]52;c;aGVsbG8=\u{7}",
        "name": "Ada\u{202e}nimda",
        "client_id": "evil\nforged: line",
        "scope": ["OR.Jobs\u{1b}[31m", "OR.\u{9b}Queues"],
        "x\u{1b}]0;t\u{7}": 1,
        "exp": 4102444800_i64,
    }));
    let dir = tempfile::tempdir().unwrap();
    for json in [false, true] {
        let mut cmd = Command::new(BIN);
        cmd.args(["token", "--decode", &token])
            .arg("--log-file")
            .arg(dir.path().join("extapps.log"))
            .env_clear()
            .env("HOME", dir.path())
            .stdin(Stdio::null());
        if json {
            cmd.arg("--json");
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
        let out = text(&o.stdout);
        assert_inert("token --decode", &out);
        if !json {
            assert!(out.contains("user␛]52;c;aGVsbG8=␇"), "{out}");
            assert!(out.contains("evil␊forged: line"), "{out}");
            assert!(!out.lines().any(|l| l.starts_with("forged")), "{out}");
        }
    }
}

mod tui {
    use extapps::tui::keymap::Action;
    use extapps::tui::msg::Msg;
    use extapps::tui::{Model, TuiOptions, update, view};
    use jiff::SignedDuration;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::{BIDI, CLIPBOARD, FORGED, FORMULA, TITLE};
    use crate::common::tui::{self, now};

    /// No colour, so the frames hold exactly the text a NO_COLOR user reads.
    fn options() -> TuiOptions {
        TuiOptions {
            no_color: true,
            ..tui::options()
        }
    }

    /// The demo organization with hostile names, descriptions and a redirect URI; the names
    /// sort first, so the first is selected and its details and secrets show too.
    fn hostile_model() -> Model {
        let mut apps = extapps::sim::demo_apps(now());
        for (app, name) in apps.iter_mut().zip([CLIPBOARD, TITLE, FORGED, BIDI]) {
            app.name = format!("\u{1}{name}");
            app.redirect_uri = Some("http://localhost/\u{1b}]0;uri\u{7}".to_owned());
            for s in &mut app.secrets {
                s.description = Some(format!("{FORMULA}\u{1b}[2J\u{202e}"));
            }
        }
        tui::loaded_model(
            options(),
            now(),
            apps,
            Some(now() + SignedDuration::from_mins(47)),
        )
    }

    /// Every symbol a frame would send to the terminal.
    fn frame(model: &mut Model, width: u16, height: u16) -> Vec<String> {
        update(model, Msg::Resize { width, height });
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|f| view(model, f)).unwrap();
        terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol().to_owned())
            .collect()
    }

    fn unsafe_char(c: char) -> bool {
        c.is_control()
            || matches!(c, '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
    }

    fn assert_inert(what: &str, symbols: &[String]) {
        let bad: Vec<&String> = symbols
            .iter()
            .filter(|s| s.chars().any(unsafe_char))
            .collect();
        assert!(bad.is_empty(), "{what}: {bad:?}");
        // Shown, not silently dropped: the user sees that the name holds an escape.
        let screen: String = symbols.concat();
        assert!(screen.contains('␛'), "{what}: {screen}");
    }

    #[test]
    fn main_screen_and_overlays_show_hostile_text_inert() {
        let mut model = hostile_model();
        assert_inert("main screen", &frame(&mut model, 200, 50));
        update(&mut model, Msg::Key(Action::ShowDetails));
        assert_inert("details", &frame(&mut model, 200, 50));
        update(&mut model, Msg::Key(Action::Back));
        update(&mut model, Msg::Key(Action::ShowExpiring));
        assert_inert("expiring view", &frame(&mut model, 200, 50));
    }
}
