//! The headless subcommands, for scripts and monitoring. Each writes its result to stdout and
//! fails with a `Failure`: a one-paragraph message for a person and an exit status.

pub mod app_edit;
pub mod apps;
pub mod cache;
pub mod config_cmd;
pub mod details;
pub mod login;
pub mod meta;
pub mod prompt;
pub mod secret_ops;
pub mod secrets;
pub mod table;
pub mod token;

use crate::api::ApiError;
use crate::api::error::OAuthCode;

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
                " Check UIPATH_AUTH_SCOPES: every scope must be an application scope of the app (leave it empty to get all of them)."
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
