//! Tokens asked for as an app, with a secret the user holds: the token check of the
//! inspector. The answer is judged by `domain::token_check`.

use jiff::Timestamp;
use secrecy::SecretString;

use super::client::IdentityClient;
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
