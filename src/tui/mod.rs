//! The terminal UI: an Elm-style loop. Terminal events become messages through the keymap,
//! `update` turns messages into a new model and effects, the worker runs effects against the
//! server and answers with messages, and `view` draws the model.

pub mod clipboard;
pub mod details;
pub mod effect;
pub mod event_loop;
pub mod flows;
pub mod format;
pub mod keymap;
pub mod model;
pub mod msg;
pub mod overlay;
pub mod requests;
pub mod store;
pub mod theme;
pub mod update;
pub mod view;
pub mod worker;

use std::path::PathBuf;
use std::time::Duration;

pub use event_loop::{FirstRunChoice, first_run, run, run_with_cache};
pub use model::Model;
pub use update::update;
pub use view::view;

/// How the TUI was started. The lead's `main` fills it from the arguments and the profile.
#[derive(Debug, Clone, Default)]
pub struct TuiOptions {
    pub organization: String,
    pub identity_host: String,
    pub profile: Option<String>,
    /// Shown in the header; later editing features refuse to run when set.
    pub read_only: bool,
    /// The session's `--read-only` flag alone: it survives a profile switch, while the
    /// profile's own `read_only` is replaced with the new profile's.
    pub read_only_flag: bool,
    /// `None`: off (the settings default to 5 minutes); clamped to at least 30 s (the server
    /// allows 300 GETs per 5 minutes).
    pub auto_refresh: Option<Duration>,
    pub no_color: bool,
    /// TLS certificates are not checked (`--insecure`): flagged in the header.
    pub insecure: bool,
    /// Where the logs go, shown in the help.
    pub log_path: Option<PathBuf>,
    /// Where app backups go before a delete; `None`: the user's data directory.
    pub backup_dir: Option<PathBuf>,
}

#[cfg(test)]
mod layers {
    //! The layers inside `tui` stay acyclic: drawing reads the model and never reaches into
    //! `update`, `update` never draws, and flows never call back into `update`.

    use std::path::Path;

    fn sources(dir: &str) -> Vec<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("the source folder") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                out.push((path.display().to_string(), text));
            }
        }
        out
    }

    fn imports(text: &str, module: &str) -> bool {
        text.lines().map(str::trim).any(|l| {
            !l.starts_with("//")
                && (l.contains(&format!("tui::{module}::"))
                    || l.contains(&format!("super::{module}::"))
                    || l.contains(&format!("tui::{module};"))
                    || l.contains(&format!("super::{module};"))
                    || l.contains(&format!("super::super::{module}")))
        })
    }

    #[test]
    fn view_never_imports_update() {
        for (path, text) in sources("src/tui/view") {
            assert!(!imports(&text, "update"), "{path} imports update");
        }
    }

    #[test]
    fn update_and_model_never_import_view() {
        for (path, text) in sources("src/tui").into_iter().filter(|(p, _)| {
            ["update.rs", "model.rs", "store.rs"]
                .iter()
                .any(|f| p.ends_with(f))
        }) {
            assert!(!imports(&text, "view"), "{path} imports view");
        }
    }

    #[test]
    fn flows_never_call_back_into_update() {
        for (path, text) in sources("src/tui/flows") {
            assert!(!imports(&text, "update"), "{path} imports update");
        }
    }

    /// The parameters of every function named `key`, `answer`, `…_key` or `…_answer` in
    /// `text`, each with its name. The panes' keys of the secrets (`secrets::pane_key`) open
    /// flows from the selection, like an `open`, and are not an overlay's.
    fn key_and_answer_params(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find("fn ") {
            rest = &rest[at + 3..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let is_entry = name == "key"
                || name == "answer"
                || name.ends_with("_key")
                || name.ends_with("_answer");
            if !is_entry || name == "pane_key" {
                continue;
            }
            let Some(open) = rest.find('(') else { break };
            let Some(close) = rest[open..].find(')') else {
                break;
            };
            out.push((name, rest[open + 1..open + close].to_owned()));
        }
        out
    }

    #[test]
    fn flows_take_their_state_and_the_context_not_the_model() {
        let mut seen = 0;
        for (path, text) in sources("src/tui/flows") {
            for (name, params) in key_and_answer_params(&text) {
                seen += 1;
                assert!(
                    !params.contains("Model"),
                    "{path}: fn {name}({params}) takes the model; a flow takes its state and a Ctx"
                );
            }
        }
        assert!(
            seen >= 10,
            "the flows' key and answer functions were not found"
        );
    }
}
