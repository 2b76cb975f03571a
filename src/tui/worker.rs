//! Runs effects against the Identity server on tokio tasks and sends the answers back as
//! messages. The UI loop never awaits the network.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::api::IdentityClient;

use super::effect::Effect;
use super::msg::{ApiResult, Msg, TokenInfo};

pub struct Worker {
    client: Arc<IdentityClient>,
    tx: UnboundedSender<Msg>,
}

impl Worker {
    pub fn new(client: Arc<IdentityClient>, tx: UnboundedSender<Msg>) -> Self {
        Worker { client, tx }
    }

    /// Starts the effect in the background. `Quit` is the event loop's business.
    pub fn spawn(&self, effect: Effect) {
        let client = Arc::clone(&self.client);
        let tx = self.tx.clone();
        match effect {
            Effect::LoadApps { req } => {
                tokio::spawn(async move {
                    let apps = client.list_apps().await;
                    let token_expires = client.cached_token().await.map(|t| t.expires_at);
                    if let Err(e) = &apps {
                        tracing::warn!(error = %e, "listing apps failed");
                    }
                    // The loop may be gone when the user quit meanwhile; nothing to do then.
                    let _ = tx.send(Msg::Api {
                        req,
                        result: ApiResult::Apps {
                            apps,
                            token_expires,
                        },
                    });
                });
            }
            Effect::LoadToken { req } => {
                tokio::spawn(async move {
                    let result = client.token().await.map(|t| TokenInfo {
                        expires_at: t.expires_at,
                        client_id: t
                            .claims
                            .as_ref()
                            .and_then(|c| c.client_id())
                            .map(str::to_owned),
                        scopes: t.scopes(),
                    });
                    let _ = tx.send(Msg::Api {
                        req,
                        result: ApiResult::Token(result),
                    });
                });
            }
            Effect::Quit => {}
        }
    }
}
