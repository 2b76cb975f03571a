//! Everything that can happen to the TUI, as data: key-derived actions, the clock, the
//! terminal size and the answers of the worker.

use jiff::Timestamp;

use crate::api::ApiError;
use std::path::PathBuf;

use crate::api::model::{App, Resource, Secret};

use super::effect::RequestId;
use super::keymap::Action;

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Sent once when the TUI starts: loads the organization.
    Init,
    /// A key, already resolved by the keymap for the top overlay or the focused pane.
    Key(Action),
    /// The clock. The only way time enters `update`.
    Tick {
        now: Timestamp,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// A worker answer. Its `req` is compared with the request `update` waits for.
    Api {
        req: RequestId,
        result: ApiResult,
    },
    /// The text `$VISUAL`/`$EDITOR` left behind for `Effect::EditJson`, or why it could not run.
    Edited {
        req: RequestId,
        text: Result<String, String>,
    },
    /// Text pasted into the terminal (bracketed paste): goes to the text field on top.
    Paste(String),
    /// What the worker learnt of the session token without asking (the list call fetched
    /// it): lets the permission gate work from the start.
    SessionToken(TokenInfo),
}

/// Editing of a one-line text field (filter, command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEdit {
    Insert(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    DeleteWord,
    Clear,
}

/// Every text field is a `tui_input::Input`; this is how an edit reaches one.
pub fn input_request(edit: TextEdit) -> tui_input::InputRequest {
    use tui_input::InputRequest;
    match edit {
        TextEdit::Insert(c) => InputRequest::InsertChar(c),
        TextEdit::Backspace => InputRequest::DeletePrevChar,
        TextEdit::Delete => InputRequest::DeleteNextChar,
        TextEdit::Left => InputRequest::GoToPrevChar,
        TextEdit::Right => InputRequest::GoToNextChar,
        TextEdit::Home => InputRequest::GoToStart,
        TextEdit::End => InputRequest::GoToEnd,
        TextEdit::DeleteWord => InputRequest::DeletePrevWord,
        TextEdit::Clear => InputRequest::DeleteLine,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ApiResult {
    /// The whole organization in one list call, and when the token used for it expires.
    Apps {
        apps: Result<Vec<App>, ApiError>,
        token_expires: Option<Timestamp>,
    },
    Token(Result<TokenInfo, ApiError>),
    /// One app read for its scopes and secrets (`Effect::LoadDetails`).
    Details {
        client_id: String,
        result: Result<App, ApiError>,
    },
    /// Apps known from the details cache, each with the time it was read; empty when there
    /// is no cache (or it cannot be read: the server is asked instead).
    CachedDetails(Vec<(App, Timestamp)>),
    /// The scope catalog (`GET /api/ExternalApiResource`).
    Catalog(Result<Vec<Resource>, ApiError>),
    /// One app read fresh before an edit is sent.
    FreshApp(Result<App, ApiError>),
    /// A created app; its `secret` holds the first secret of a confidential app.
    Created(Result<App, ApiError>),
    /// An updated app, read back after the PUT and compared with the edit.
    Saved(Result<crate::api::readback::Applied, crate::api::readback::UpdateError>),
    /// A deleted app: where its backup went, or why nothing was deleted.
    Deleted {
        client_id: String,
        result: Result<PathBuf, String>,
    },
    /// Answers for the secret flows (`tui::flows::secrets` routes them).
    Secret(SecretResult),
    /// Where the text of `Effect::Copy` went (`Ok("tmux clipboard (OSC 52)")`), or why not.
    Copied {
        what: String,
        result: Result<String, String>,
    },
    /// "Test a token for an app": what the token endpoint granted, or why not.
    TokenTest(crate::domain::token_check::TokenTestOutcome),
    /// Every profile of the config files, for the picker.
    Profiles(Result<ProfileList, String>),
    /// `:login`: the URL to open, then the outcome.
    Login(super::flows::login::LoginAnswer),
    /// The worker now talks to the new profile's server, or why it could not switch (then it
    /// kept the old client).
    ProfileSwitched(Result<SwitchInfo, String>),
}

impl ApiResult {
    /// Whether this is the last answer its request gets. Only a login answers twice (its URL
    /// first, then the outcome).
    pub fn is_final(&self) -> bool {
        !matches!(
            self,
            ApiResult::Login(super::flows::login::LoginAnswer::Url { .. })
        )
    }
}

/// What the TUI needs to know of the profile the worker switched to.
#[derive(Debug, Clone, PartialEq)]
pub struct SwitchInfo {
    /// The profile's name as the header shows it.
    pub profile: String,
    pub organization: String,
    pub identity_host: String,
    /// The profile's own `read_only` (the session's `--read-only` is added by `update`).
    pub read_only: bool,
    pub insecure: bool,
    pub auto_refresh: Option<std::time::Duration>,
    /// Resolving the profile went through but has something to say.
    pub warnings: Vec<String>,
}

/// The profiles the picker lists, and where they were looked for (shown when there are none).
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileList {
    pub profiles: Vec<crate::config::ProfileInfo>,
    pub looked_in: Vec<PathBuf>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SecretResult {
    /// The minted secret; its one-time value is in `secret`.
    Minted(Result<Secret, ApiError>),
    Deleted {
        secret_id: i64,
        result: Result<(), ApiError>,
    },
    /// A client-credentials token with the new secret: the scopes it granted.
    Verified(Result<Vec<String>, ApiError>),
}

/// What the TUI shows of the access token; never the token itself.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenInfo {
    pub expires_at: Timestamp,
    pub client_id: Option<String>,
    pub scopes: Vec<String>,
    /// The decoded header and claims for the inspector; `None` when the token is not a JWT.
    pub decoded: Option<crate::api::jwt::DecodedJwt>,
}
