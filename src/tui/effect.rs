//! What `update` asks the outside world to do. The worker runs the network ones; the event
//! loop handles `Quit`.

use std::path::PathBuf;

use crate::api::model::{ScopeRef, UpdateAppRequest};

/// Identifies one request so that an answer can be matched with the question still waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// One list call: every app with its scopes and secrets.
    LoadApps {
        req: RequestId,
    },
    /// The current access token (cached by the client when possible).
    LoadToken {
        req: RequestId,
    },
    /// The scope catalog, for the scope picker.
    LoadCatalog {
        req: RequestId,
    },
    /// One app, read fresh: edits are replayed on the server's current state.
    GetApp {
        req: RequestId,
        client_id: String,
    },
    CreateApp {
        req: RequestId,
        name: String,
        is_confidential: bool,
        redirect_uri: Option<String>,
        scopes: Vec<ScopeRef>,
    },
    /// The whole editable state: the server replaces scopes and redirect URIs wholesale.
    UpdateApp {
        req: RequestId,
        client_id: String,
        body: UpdateAppRequest,
    },
    /// Back up the app's definition (read fresh; `None` dir: the user's data directory),
    /// then delete it. Nothing is deleted when the backup cannot be written or when the app
    /// is no longer called `name`.
    DeleteApp {
        req: RequestId,
        client_id: String,
        name: String,
        backup_dir: Option<PathBuf>,
    },
    /// The event loop suspends the TUI, opens `text` in `$VISUAL`/`$EDITOR` and answers with
    /// `Msg::Edited`.
    EditJson {
        req: RequestId,
        text: String,
    },
    Quit,
}

impl Effect {
    pub fn request(&self) -> Option<RequestId> {
        match self {
            Effect::LoadApps { req }
            | Effect::LoadToken { req }
            | Effect::LoadCatalog { req }
            | Effect::GetApp { req, .. }
            | Effect::CreateApp { req, .. }
            | Effect::UpdateApp { req, .. }
            | Effect::DeleteApp { req, .. }
            | Effect::EditJson { req, .. } => Some(*req),
            Effect::Quit => None,
        }
    }
}
