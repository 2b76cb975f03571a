//! Tokens asked for as an app, with a secret the user holds: the token check of the
//! inspector (judged by `domain::token_check`) and the verification of a new secret, one
//! implementation for the CLI and the TUI.

use jiff::Timestamp;
use secrecy::SecretString;

use super::client::IdentityClient;
use super::error::ApiError;
use super::model::App;
use crate::domain::token_check::{self, TokenTestOutcome};

/// Requests the token and explains the answer. Never retried: a wrong secret stays wrong.
pub async fn test_app_token(
    client: &IdentityClient,
    app: &App,
    secret: &SecretString,
    scopes: &[String],
    now: Timestamp,
) -> TokenTestOutcome {
    if let Some(refused) = token_check::refuse_public(app, scopes) {
        return refused;
    }
    let answer = client.request_token_for(&app.id, secret, scopes).await;
    token_check::judge(app, scopes, answer, now)
}

/// Verifies a secret just minted (a new secret, a rotation): a client-credentials token asked
/// for with it and no particular scopes. The scopes granted, in the server's order. Sent once.
pub async fn verify_new_secret(
    client: &IdentityClient,
    client_id: &str,
    secret: &SecretString,
) -> Result<Vec<String>, ApiError> {
    let token = client.request_token_for(client_id, secret, &[]).await?;
    Ok(token
        .scope
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect())
}
