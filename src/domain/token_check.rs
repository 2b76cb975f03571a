//! "Test a token for an app": what a client-credentials token asked for with a secret the
//! user holds was granted, or why not, in words. Asking is `api::app_token`'s job; the
//! judgement of the answer lives here, free of the network.

use jiff::Timestamp;

use crate::api::error::{ApiError, OAuthCode};
use crate::api::inspect::{TokenView, inspect};
use crate::api::model::{App, ScopeType, TokenResponse};

/// The scopes a test asks for when the user picks none: every application scope of the app.
pub fn default_scopes(app: &App) -> Vec<String> {
    scopes_of(app, ScopeType::Application)
}

fn scopes_of(app: &App, kind: ScopeType) -> Vec<String> {
    app.resources
        .iter()
        .flat_map(|r| &r.scopes)
        .filter(|s| s.kind == kind)
        .map(|s| s.name.to_string())
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct TokenTestOutcome {
    pub requested: Vec<String>,
    pub result: Result<Granted, Refused>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Granted {
    /// What the endpoint granted, in its order.
    pub granted: Vec<String>,
    /// Requested but not granted (a server may narrow silently).
    pub not_granted: Vec<String>,
    pub expires_in: u64,
    /// The new token, decoded for the inspector (its value is not kept).
    pub view: Option<TokenView>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// One or two sentences for the dialog.
    pub explanation: String,
    pub error: Option<ApiError>,
}

/// The answer for a public app, which is never asked: public apps have no client credentials.
pub fn refuse_public(app: &App, scopes: &[String]) -> Option<TokenTestOutcome> {
    (!app.is_confidential).then(|| TokenTestOutcome {
        requested: scopes.to_vec(),
        result: Err(Refused {
            explanation: format!(
                "{} is a public app: public apps sign users in and cannot use client credentials. Test it with a login, or use a confidential app for a script or service.",
                app.name
            ),
            error: None,
        }),
    })
}

/// The token endpoint's answer to a request for `scopes`, judged: what was granted and what
/// not, or the refusal explained.
pub fn judge(
    app: &App,
    scopes: &[String],
    answer: Result<TokenResponse, ApiError>,
    now: Timestamp,
) -> TokenTestOutcome {
    let requested = scopes.to_vec();
    let result = match answer {
        Ok(resp) => {
            let decoded =
                crate::api::jwt::decode(secrecy::ExposeSecret::expose_secret(&resp.access_token))
                    .ok();
            let granted: Vec<String> = match &resp.scope {
                Some(s) => s.split_whitespace().map(str::to_owned).collect(),
                None => decoded.as_ref().map(|d| d.scopes()).unwrap_or_default(),
            };
            Ok(Granted {
                not_granted: requested
                    .iter()
                    .filter(|r| !granted.contains(r))
                    .cloned()
                    .collect(),
                granted,
                expires_in: resp.expires_in,
                view: decoded.map(|d| inspect(&d, now)),
            })
        }
        Err(e) => Err(Refused {
            explanation: explain(&e, app, &requested),
            error: Some(e),
        }),
    };
    TokenTestOutcome { requested, result }
}

/// The token endpoint's refusal in words, naming the scopes at fault when the app says which.
pub fn explain(err: &ApiError, app: &App, requested: &[String]) -> String {
    let user = scopes_of(app, ScopeType::User);
    let application = scopes_of(app, ScopeType::Application);
    let list = |v: Vec<&String>| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    match err {
        ApiError::OAuth {
            code: OAuthCode::InvalidClient,
            ..
        } => "invalid_client: the secret is wrong or has expired (or the client id is unknown). Paste the secret again, or mint a new one.".to_owned(),
        ApiError::OAuth {
            code: OAuthCode::InvalidRequest,
            description,
        } if description.as_deref().is_some_and(|d| d.contains("User scopes")) => {
            let asked = list(requested.iter().filter(|r| user.contains(r)).collect());
            format!(
                "user scopes cannot be asked for with client credentials{}: they need a login. Ask only for application scopes.",
                if asked.is_empty() { String::new() } else { format!(" ({asked})") }
            )
        }
        ApiError::OAuth {
            code: OAuthCode::UnauthorizedClient,
            ..
        } => format!(
            "unauthorized_client: {} may not use client credentials. Public apps sign users in (test them with a login); a token for a script or service needs a confidential app.",
            app.name
        ),
        ApiError::OAuth {
            code: OAuthCode::InvalidScope,
            ..
        } if requested.is_empty() => format!(
            "invalid_scope for a request naming no scopes: {} holds no application scopes, or so many that the granted list is too long. Pick the scopes to test.",
            app.name
        ),
        ApiError::OAuth {
            code: OAuthCode::InvalidScope,
            ..
        } => {
            let bad = list(
                requested
                    .iter()
                    .filter(|r| !application.contains(r))
                    .collect(),
            );
            if bad.is_empty() {
                "invalid_scope: the server refused the scopes although the app lists them; it may have changed since it was loaded. Refresh and try again.".to_owned()
            } else {
                format!(
                    "invalid_scope: these scopes are not registered application scopes of {}: {bad}.",
                    app.name
                )
            }
        }
        other => other.to_string(),
    }
}
