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
    /// One app's scopes and secrets (`GET .../{id}`), which the list may not carry; answered
    /// with `ApiResult::Details`.
    LoadDetails {
        req: RequestId,
        client_id: String,
    },
    /// The details cache of an earlier run for this organization; answered with
    /// `ApiResult::CachedDetails`.
    LoadDetailCache {
        req: RequestId,
    },
    /// The current access token (cached by the client when possible).
    LoadToken {
        req: RequestId,
    },
    /// Secret mutations, verification and the clipboard (`tui::flows::secrets`).
    Secret(SecretEffect),
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
    /// `base` is the app as read before the edit: the read-back is checked against the edit
    /// from `base` to `body`.
    UpdateApp {
        req: RequestId,
        client_id: String,
        base: UpdateAppRequest,
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
    /// Ask the token endpoint for a client-credentials token of `app` with a secret the user
    /// typed or pasted, for "test a token for an app".
    TestToken {
        req: RequestId,
        app: AppSnapshot,
        secret: Sensitive,
        scopes: Vec<String>,
    },
    /// Read the config files for the profile picker (file I/O stays out of `update`).
    LoadProfiles {
        req: RequestId,
    },
    /// Resolve a profile of the config files (`selector` as the picker lists it), build a
    /// client for it and make it the worker's client; answered with `ProfileSwitched`.
    SwitchProfile {
        req: RequestId,
        selector: String,
    },
    /// A user login (Authorization Code + PKCE): the worker answers `LoginAnswer::Url`, then
    /// `LoginAnswer::Done` with the claims (never the tokens).
    StartLogin {
        req: RequestId,
        client_id: String,
        scopes: Vec<String>,
    },
    /// Abandon the running login: its listener closes and `req` gets no answer (the model
    /// withdrew it when it asked for this).
    CancelLogin {
        req: RequestId,
    },
    Quit,
}

/// An app carried by an effect. `App` compares field by field but is not `Eq` (its secrets
/// hold timestamps and optional values); the effect only needs equality for tests.
#[derive(Debug, Clone, PartialEq)]
pub struct AppSnapshot(pub Box<crate::api::model::App>);

impl Eq for AppSnapshot {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretEffect {
    /// `POST GenerateSecret`, sent once: a lost answer is reported, never retried.
    Generate {
        req: RequestId,
        client_id: String,
        description: Option<String>,
        expiry: Option<jiff::Timestamp>,
    },
    Delete {
        req: RequestId,
        secret_id: i64,
    },
    /// A client-credentials token request with the new secret, all registered scopes.
    Verify {
        req: RequestId,
        client_id: String,
        secret: Sensitive,
    },
    Copy {
        req: RequestId,
        what: String,
        text: Sensitive,
    },
}

/// A value that must never be printed: `Debug` is redacted, equality is for tests.
#[derive(Clone)]
pub struct Sensitive(pub secrecy::SecretString);

impl std::fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sensitive([REDACTED])")
    }
}

impl PartialEq for Sensitive {
    fn eq(&self, other: &Self) -> bool {
        use secrecy::ExposeSecret;
        self.0.expose_secret() == other.0.expose_secret()
    }
}

impl Eq for Sensitive {}

impl Effect {
    pub fn request(&self) -> Option<RequestId> {
        match self {
            Effect::LoadApps { req }
            | Effect::LoadToken { req }
            | Effect::LoadCatalog { req }
            | Effect::GetApp { req, .. }
            | Effect::LoadDetails { req, .. }
            | Effect::LoadDetailCache { req }
            | Effect::CreateApp { req, .. }
            | Effect::UpdateApp { req, .. }
            | Effect::DeleteApp { req, .. }
            | Effect::EditJson { req, .. }
            | Effect::TestToken { req, .. }
            | Effect::LoadProfiles { req }
            | Effect::StartLogin { req, .. }
            | Effect::SwitchProfile { req, .. } => Some(*req),
            Effect::Secret(
                SecretEffect::Generate { req, .. }
                | SecretEffect::Delete { req, .. }
                | SecretEffect::Verify { req, .. }
                | SecretEffect::Copy { req, .. },
            ) => Some(*req),
            Effect::Quit | Effect::CancelLogin { .. } => None,
        }
    }
}
