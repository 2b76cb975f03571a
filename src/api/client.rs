//! `IdentityClient`: one async function per route of the External Client API.
//!
//! Every request has a timeout. Requests that are safe to repeat (plain GETs) are retried on 429,
//! 5xx and network failures, honouring Retry-After, three tries at most. Requests that change
//! state or mint secrets are sent once. A 401 renews the token once and resends the call once:
//! the server rejected it before doing anything, so even a POST is safe to resend then.

use std::time::Duration;

use jiff::Timestamp;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use tokio::sync::OnceCell;

use super::auth::{AccessToken, ClientCredentials, TokenProvider};
use super::endpoints::Endpoints;
use super::error::ApiError;
use super::http::{Intake, Whole, read_chunks, read_limited};
use super::list_stream::ListStream;
use super::model::{
    App, CreateAppRequest, Details, GenerateSecretRequest, Resource, Secret, TokenResponse,
    UpdateAppRequest,
};
use super::outcome::Outcome;
use super::token_cache::TokenCache;

pub use crate::domain::permissions::{READ_SCOPES, SECRET_SCOPES, WRITE_SCOPES};

#[derive(Clone)]
pub struct ClientConfig {
    pub endpoints: Endpoints,
    pub credentials: ClientCredentials,
    /// The organization GUID; read from the token's `prt_id` when `None`.
    pub partition_id: Option<String>,
    pub timeout: Duration,
    /// Tries for an idempotent request, the first included.
    pub max_tries: u32,
    /// The first backoff delay; doubled on each retry.
    pub backoff: Duration,
    /// Longest Retry-After extapps will sit out before giving up and reporting the 429.
    pub max_retry_after: Duration,
    /// Accept self-signed certificates (Automation Suite labs). Shown in the header.
    pub insecure: bool,
    /// Keep tokens between runs (and renew a cached login); `None`: in memory only.
    pub token_cache: Option<TokenCache>,
    /// How an update is read back to check that it stuck.
    pub readback: super::readback::ReadBack,
    /// The longest API answer read, in bytes; a longer one is an error, not a bigger process.
    pub max_answer: u64,
}

impl ClientConfig {
    pub fn new(endpoints: Endpoints, credentials: ClientCredentials) -> Self {
        ClientConfig {
            endpoints,
            credentials,
            partition_id: None,
            timeout: Duration::from_secs(30),
            max_tries: 3,
            backoff: Duration::from_millis(250),
            max_retry_after: Duration::from_secs(60),
            insecure: false,
            token_cache: None,
            readback: super::readback::ReadBack::default(),
            max_answer: super::http::MAX_ANSWER,
        }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("endpoints", &self.endpoints)
            .field("credentials", &self.credentials)
            .field("partition_id", &self.partition_id)
            .field("timeout", &self.timeout)
            .finish()
    }
}

pub struct IdentityClient {
    http: reqwest::Client,
    config: ClientConfig,
    tokens: TokenProvider,
    partition: OnceCell<String>,
}

/// How a request may be repeated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// Safe to send again after a failure (reads).
    Idempotent,
    /// Sent once; only a 401 (rejected before anything happened) is resent after renewal.
    Once,
}

impl IdentityClient {
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let http = super::http::client(config.timeout, config.insecure)?;
        let mut tokens = TokenProvider::new(
            config.credentials.clone(),
            config.endpoints.token_url(),
            config.timeout,
        );
        if let Some(cache) = &config.token_cache {
            tokens = tokens.with_cache(cache.clone(), &config.endpoints.host());
        }
        let partition = OnceCell::new();
        if let Some(p) = config.partition_id.as_ref().filter(|p| !p.is_empty()) {
            let _ = partition.set(p.clone());
        }
        Ok(IdentityClient {
            http,
            config,
            tokens,
            partition,
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.config.endpoints
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The current access token, fetching one if needed.
    pub async fn token(&self) -> Result<AccessToken, ApiError> {
        self.tokens.token(&self.http, false).await
    }

    /// The cached token, if one was fetched already; never touches the network.
    pub async fn cached_token(&self) -> Option<AccessToken> {
        self.tokens.cached().await
    }

    /// The organization GUID: configured, or the token's `prt_id`.
    pub async fn partition_id(&self) -> Result<String, ApiError> {
        self.partition
            .get_or_try_init(|| async {
                let tok = self.token().await?;
                tok.claims
                    .as_ref()
                    .and_then(|c| c.partition_id())
                    .map(str::to_owned)
                    .ok_or(ApiError::MissingPartition)
            })
            .await
            .cloned()
    }

    // ---- routes -------------------------------------------------------------------------

    /// `GET /api/ExternalClient/{prt}`: every app. The live server answers summaries (no
    /// scopes, no secrets); each app is marked with whether its details are known.
    pub async fn list_apps(&self) -> Result<Vec<App>, ApiError> {
        let prt = self.partition_id().await?;
        let path = format!("api/ExternalClient/{prt}");
        // Parsed as it arrives: see `list_stream`.
        let (_, mut apps) = self
            .send_with::<ListStream<App>>(
                Method::GET,
                &path,
                None,
                "the app list",
                READ_SCOPES,
                Retry::Idempotent,
            )
            .await?;
        mark_list_details(&mut apps);
        Ok(apps)
    }

    /// `GET /api/ExternalClient/{prt}/{clientId}`: the whole app, details known.
    pub async fn get_app(&self, client_id: &str) -> Result<App, ApiError> {
        let prt = self.partition_id().await?;
        let path = format!("api/ExternalClient/{prt}/{}", seg(client_id));
        let mut app: App = self
            .json(
                Method::GET,
                &path,
                None,
                &format!("app {client_id}"),
                READ_SCOPES,
                Retry::Idempotent,
            )
            .await?;
        app.details = Details::Known;
        Ok(app)
    }

    /// One app's scopes and secrets, for an app whose list entry was a summary.
    pub async fn app_details(&self, client_id: &str) -> Result<App, ApiError> {
        self.get_app(client_id).await
    }

    /// `POST /api/ExternalClient`. The answer's `secret` holds the first secret of a
    /// confidential app: the only time it can be read.
    pub async fn create_app(
        &self,
        name: &str,
        is_confidential: bool,
        redirect_uri: Option<String>,
        scopes: Vec<super::model::ScopeRef>,
    ) -> Result<App, ApiError> {
        let body = CreateAppRequest {
            partition_global_id: self.partition_id().await?,
            name: name.to_owned(),
            is_confidential,
            redirect_uri,
            scopes,
        };
        self.json(
            Method::POST,
            "api/ExternalClient",
            Some(to_value(&body)?),
            "the new app",
            WRITE_SCOPES,
            Retry::Once,
        )
        .await
    }

    /// `PUT /api/ExternalClient/{prt}/{clientId}`, then a fresh read: the contract leaves the
    /// PUT's body uncertain, so the app is read back rather than trusted from it. A PUT whose
    /// success status arrived counts as done even if its body was lost. See `put_app` and
    /// `api::readback` for the read-back that checks the change stuck.
    pub async fn update_app(
        &self,
        client_id: &str,
        update: &UpdateAppRequest,
    ) -> Result<App, ApiError> {
        self.put_app(client_id, update).await?;
        self.get_app(client_id).await
    }

    /// The PUT alone: `Ok` once the server accepted it (a lost body after a 2xx included).
    pub async fn put_app(
        &self,
        client_id: &str,
        update: &UpdateAppRequest,
    ) -> Result<(), ApiError> {
        let prt = self.partition_id().await?;
        let path = format!("api/ExternalClient/{prt}/{}", seg(client_id));
        let sent = self
            .send(
                Method::PUT,
                &path,
                Some(to_value(update)?),
                &format!("app {client_id}"),
                WRITE_SCOPES,
                Retry::Once,
            )
            .await;
        done_anyway(sent)
    }

    /// `DELETE /api/ExternalClient/{prt}/{clientId}`.
    pub async fn delete_app(&self, client_id: &str) -> Result<(), ApiError> {
        let prt = self.partition_id().await?;
        let path = format!("api/ExternalClient/{prt}/{}", seg(client_id));
        let sent = self
            .send(
                Method::DELETE,
                &path,
                None,
                &format!("app {client_id}"),
                WRITE_SCOPES,
                Retry::Once,
            )
            .await;
        done_anyway(sent)
    }

    /// `POST /api/ExternalClient/GenerateSecret`: a new secret whose value is in the answer,
    /// once. `expiry: None` means it never expires.
    pub async fn generate_secret(
        &self,
        client_id: &str,
        description: Option<String>,
        expiry: Option<Timestamp>,
    ) -> Result<Secret, ApiError> {
        let body = GenerateSecretRequest {
            partition_global_id: self.partition_id().await?,
            client_id: client_id.to_owned(),
            description,
            expiry_time: expiry,
        };
        self.json(
            Method::POST,
            "api/ExternalClient/GenerateSecret",
            Some(to_value(&body)?),
            &format!("app {client_id}"),
            SECRET_SCOPES,
            Retry::Once,
        )
        .await
    }

    /// `GET /api/ExternalClient/{prt}/{clientId}/GenerateSecret`: the legacy generator. A GET
    /// that mints a secret, so it is never retried either.
    pub async fn generate_secret_legacy(&self, client_id: &str) -> Result<SecretString, ApiError> {
        let prt = self.partition_id().await?;
        let path = format!("api/ExternalClient/{prt}/{}/GenerateSecret", seg(client_id));
        let value: String = self
            .json(
                Method::GET,
                &path,
                None,
                &format!("app {client_id}"),
                SECRET_SCOPES,
                Retry::Once,
            )
            .await?;
        Ok(SecretString::from(value))
    }

    /// `DELETE /api/ExternalClient/{prt}/secrets/{secretId}`.
    pub async fn delete_secret(&self, secret_id: i64) -> Result<(), ApiError> {
        let prt = self.partition_id().await?;
        let path = format!("api/ExternalClient/{prt}/secrets/{secret_id}");
        let sent = self
            .send(
                Method::DELETE,
                &path,
                None,
                &format!("secret {secret_id}"),
                SECRET_SCOPES,
                Retry::Once,
            )
            .await;
        done_anyway(sent)
    }

    /// `GET /api/ExternalApiResource`: every resource and scope the organization may grant.
    pub async fn list_resources(&self) -> Result<Vec<Resource>, ApiError> {
        self.json(
            Method::GET,
            "api/ExternalApiResource",
            None,
            "the scope catalog",
            READ_SCOPES,
            Retry::Idempotent,
        )
        .await
    }

    /// A client-credentials token for any app (rotation checks, "test a token"): not cached and
    /// not retried.
    pub async fn request_token_for(
        &self,
        client_id: &str,
        secret: &SecretString,
        scopes: &[String],
    ) -> Result<TokenResponse, ApiError> {
        super::auth::client_credentials(
            &self.http,
            &self.config.endpoints.token_url(),
            client_id,
            secret,
            scopes,
            self.config.timeout,
        )
        .await
    }

    // ---- plumbing -------------------------------------------------------------------------

    async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
        what: &str,
        needed: &[&str],
        retry: Retry,
    ) -> Result<T, ApiError> {
        let (status, bytes) = self.send(method, path, body, what, needed, retry).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::unexpected_body(status, &bytes, &format!("{what} could not be read: {e}"))
        })
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
        what: &str,
        needed: &[&str],
        retry: Retry,
    ) -> Result<(StatusCode, bytes::Bytes), ApiError> {
        self.send_with::<Whole>(method, path, body, what, needed, retry)
            .await
    }

    /// `send`, with a successful answer's body taken in by `I` as it arrives.
    async fn send_with<I: Intake>(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
        what: &str,
        needed: &[&str],
        retry: Retry,
    ) -> Result<(StatusCode, I::Output), ApiError> {
        let url = self.config.endpoints.api(path);
        let tries = match retry {
            Retry::Idempotent => self.config.max_tries.max(1),
            Retry::Once => 1,
        };
        let mut renewed = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let token = self.tokens.token(&self.http, false).await?;
            let outcome = self
                .send_once::<I>(&method, &url, body.as_ref(), &token, what, needed, retry)
                .await;
            match outcome {
                Ok(ok) => return Ok(ok),
                Err((ApiError::Unauthorized { .. }, _)) if !renewed => {
                    // The token was revoked or expired early: renew once and resend once.
                    renewed = true;
                    self.tokens.token(&self.http, true).await?;
                    attempt -= 1;
                    tracing::info!(%method, path, "401: renewed the token, sending again");
                }
                Err((err, retry_after)) if err.is_retryable() && attempt < tries => {
                    let delay = match retry_after {
                        Some(d) if d <= self.config.max_retry_after => d,
                        Some(_) => return Err(err),
                        None => self.config.backoff * 2u32.pow(attempt - 1),
                    };
                    tracing::warn!(%method, path, attempt, kind = err.short_kind(), ?delay, "retrying");
                    tokio::time::sleep(delay).await;
                }
                Err((err, _)) => {
                    tracing::warn!(%method, path, kind = err.short_kind(), "request failed");
                    return Err(err);
                }
            }
        }
    }

    // `retry` joined the route's own arguments: whether a lost body means "done" depends on it.
    #[allow(clippy::too_many_arguments)]
    async fn send_once<I: Intake>(
        &self,
        method: &Method,
        url: &str,
        body: Option<&serde_json::Value>,
        token: &AccessToken,
        what: &str,
        needed: &[&str],
        retry: Retry,
    ) -> Result<(StatusCode, I::Output), (ApiError, Option<Duration>)> {
        let timeout = self.config.timeout;
        let mut req = self
            .http
            .request(method.clone(), url)
            .bearer_auth(token.value.expose_secret())
            .header("accept", "application/json");
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| (ApiError::from_reqwest(&e, what, timeout), None))?;
        let status = resp.status();
        if let Some(err) = super::http::redirected(&resp, what) {
            return Err((err, None));
        }
        let retry_after = retry_after(resp.headers());
        if !status.is_success() {
            let (_, bytes) = read_limited(resp, self.config.max_answer, what, timeout)
                .await
                .map_err(|e| (body_lost(status, retry, e), None))?;
            tracing::debug!(%method, url, status = status.as_u16(), len = bytes.len(), "answer");
            return Err((
                ApiError::from_status(status, &bytes, retry_after, what, needed),
                retry_after,
            ));
        }
        let mut intake = I::default();
        let mut problem = None;
        let len = read_chunks(resp, self.config.max_answer, what, timeout, |chunk| {
            problem = intake.push(chunk).err();
            problem.is_none()
        })
        .await
        .map_err(|e| (body_lost(status, retry, e), None))?;
        tracing::debug!(%method, url, status = status.as_u16(), len, "answer");
        match problem.map_or_else(|| intake.finish(), Err) {
            Ok(out) => Ok((status, out)),
            Err(problem) => Err((
                ApiError::unexpected_body(
                    status,
                    intake.head(),
                    &format!("{what} could not be read: {problem}"),
                ),
                None,
            )),
        }
    }
}

/// A body that failed to arrive. After a success status a change has happened, so for a
/// request sent once this is an answer lost after success (`Outcome::Done`), not a network
/// failure whose outcome is unknown. A read keeps the network error: it may be retried.
fn body_lost(status: StatusCode, retry: Retry, err: ApiError) -> ApiError {
    if retry == Retry::Once && status.is_success() {
        ApiError::UnexpectedBody {
            status: status.as_u16(),
            problem: format!("the body did not arrive whole ({})", err.lost_detail()),
            snippet: String::new(),
        }
    } else {
        err
    }
}

/// A change whose success status arrived is done, whatever became of the body after it.
fn done_anyway<T>(result: Result<T, ApiError>) -> Result<(), ApiError> {
    match result {
        Ok(_) => Ok(()),
        Err(e) if e.outcome() == Outcome::Done => {
            tracing::warn!(
                kind = e.short_kind(),
                "a change succeeded but its answer was lost"
            );
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Retry-After as seconds (the form servers here use) or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let raw = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = raw.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(raw).ok()?.timestamp();
    let secs = when.as_second() - Timestamp::now().as_second();
    Some(Duration::from_secs(secs.max(0) as u64))
}

/// A list counts as carrying details only when it shows it: some app in it has a scope or a
/// secret. Otherwise `[]` (or null) may just mean "not sent", so every app stays unknown.
pub fn mark_list_details(apps: &mut [App]) {
    let details = if apps.iter().any(App::shows_details) {
        Details::Known
    } else {
        Details::Unknown
    };
    for app in apps {
        app.details = details;
    }
}

fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(v).map_err(|e| ApiError::Config(format!("cannot encode the request: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Vec<App> {
        let mut apps: Vec<App> = serde_json::from_str(raw).unwrap();
        mark_list_details(&mut apps);
        apps
    }

    #[test]
    fn a_list_carries_details_only_when_it_shows_them() {
        let summaries = parse(
            r#"[{"name":"a","id":"1","resources":null,"secrets":null},
                {"name":"b","id":"2","resources":[],"secrets":[]}]"#,
        );
        assert!(summaries.iter().all(|a| !a.details_known()), "even `[]`");

        let full = parse(
            r#"[{"name":"a","id":"1","resources":[],"secrets":[]},
                {"name":"b","id":"2","secrets":[{"id":5,"creationTime":"2026-01-01T00:00:00Z"}]}]"#,
        );
        assert!(full.iter().all(App::details_known), "one app shows secrets");

        let scoped = parse(
            r#"[{"name":"a","id":"1","resources":[{"name":"R","scopes":[{"name":"S","type":1}]}]},
                {"name":"b","id":"2"}]"#,
        );
        assert!(
            scoped.iter().all(App::details_known),
            "one app shows a scope"
        );
    }
}
