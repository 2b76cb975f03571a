//! The headless subcommands, for scripts and monitoring. Each writes its result to stdout and
//! fails with a `Failure`: a one-paragraph message for a person and an exit status.

pub mod all_profiles;
pub mod app_edit;
pub mod app_ref;
pub mod apply;
pub mod apps;
pub mod args;
pub mod cache;
pub mod config_cmd;
pub mod connect;
pub mod details;
pub mod export;
pub mod list_json;
pub mod login;
pub mod meta;
pub mod output;
pub mod plan;
pub mod prompt;
pub mod secret_ops;
pub mod secrets;
pub mod sim_cmd;
pub mod table;
pub mod token;
pub mod tui_cmd;

use crate::api::ApiError;
use crate::api::error::OAuthCode;
use crate::api::outcome::{EXIT_UNKNOWN, Outcome, done_message, unknown_message};

/// Why a command failed, and the exit status to leave with.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: i32,
}

impl Failure {
    pub fn new(message: impl Into<String>, code: i32) -> Self {
        Failure {
            message: message.into(),
            code,
        }
    }
}

impl Failure {
    /// A change request failed. Not done: the usual failure. Unknown: exit 5, with the command
    /// that shows the truth and no advice to send it again. `what` names the change ("deleting
    /// app X"); a request that was carried out (`Outcome::Done`) is the caller's to handle, and
    /// lands here only when the caller has nothing better to say.
    pub fn change(e: ApiError, what: &str, look: &str) -> Failure {
        match e.outcome() {
            Outcome::NotDone => e.into(),
            Outcome::Unknown => Failure::new(unknown_message(what, &e, look), EXIT_UNKNOWN),
            Outcome::Done => Failure::new(done_message(what, &e, look), EXIT_UNKNOWN),
        }
    }
}

/// A word or name quoted for a POSIX shell, for the commands extapps suggests.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@".contains(c))
    {
        return s.to_owned();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        let hint = match &e {
            ApiError::OAuth {
                code: OAuthCode::InvalidClient,
                ..
            } => " Check UIPATH_CLIENT_ID and UIPATH_CLIENT_SECRET; the secret may have expired.",
            ApiError::OAuth {
                code: OAuthCode::InvalidScope,
                ..
            } => {
                " Check UIPATH_AUTH_SCOPES: every scope must be an application scope of the app (PM.OAuthApp is all extapps needs)."
            }
            ApiError::OAuth {
                code: OAuthCode::UnauthorizedClient,
                ..
            } => {
                " UIPATH_CLIENT_ID names a public app: sign in as a user with `extapps login`, or use a confidential app with a secret."
            }
            ApiError::BadRequest { message } if message.contains("partitionGlobalId") => {
                " The organization id sent was not a GUID: check UIPATH_PARTITION_ID (or the profile's partition_id); it must be the organization's GUID, as in the token's prt_id claim."
            }
            ApiError::Forbidden { .. } => {
                " Give the app you sign in with one of those scopes in the Admin portal, or set UIPATH_AUTH_SCOPES to include it."
            }
            ApiError::Unauthorized { .. } => {
                " The token was refused even after renewal: check the organization and the identity URI."
            }
            _ => "",
        };
        Failure::new(format!("{e}.{hint}").replace("..", "."), 1)
    }
}

impl From<crate::config::ConfigError> for Failure {
    fn from(e: crate::config::ConfigError) -> Self {
        Failure::new(e.0, 2)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::new(format!("cannot write the output: {e}"), 1)
    }
}
