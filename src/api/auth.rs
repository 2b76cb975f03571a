//! Getting and keeping an access token: client credentials against the token endpoint, cached
//! and renewed two minutes before it expires. With a [`TokenCache`] the token outlives the
//! process, and a cached login's refresh token renews it instead of client credentials.

use std::time::Duration;

use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use super::error::{ApiError, OAuthCode, oauth_error};
use super::jwt::{self, DecodedJwt};
use super::model::TokenResponse;
use super::token_cache::{CacheKey, CachedToken, TokenCache};

/// Renew this long before the token's `exp`, as UiPath's own CLI does.
pub const RENEW_BEFORE: Duration = Duration::from_secs(120);

/// An access token with what extapps needs to know about it.
#[derive(Clone)]
pub struct AccessToken {
    pub value: SecretString,
    pub expires_at: Timestamp,
    /// Decoded claims when the token is a JWT (it always is on real servers).
    pub claims: Option<DecodedJwt>,
    /// Scopes the token endpoint said it granted.
    pub granted: Vec<String>,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field("granted", &self.granted)
            .finish()
    }
}

impl AccessToken {
    pub fn from_response(resp: &TokenResponse, now: Timestamp) -> Self {
        let claims = jwt::decode(resp.access_token.expose_secret()).ok();
        // Prefer the token's own exp; fall back on expires_in when it is not a JWT.
        let expires_at = claims
            .as_ref()
            .and_then(|c| c.exp())
            .and_then(|exp| Timestamp::from_second(exp).ok())
            .unwrap_or_else(|| {
                now.checked_add(jiff::SignedDuration::from_secs(resp.expires_in as i64))
                    .unwrap_or(now)
            });
        let granted = match &resp.scope {
            Some(s) => s.split_whitespace().map(str::to_owned).collect(),
            None => claims.as_ref().map(|c| c.scopes()).unwrap_or_default(),
        };
        AccessToken {
            value: resp.access_token.clone(),
            expires_at,
            claims,
            granted,
        }
    }

    /// A token read back from the cache: its claims are decoded again, its scopes are its own.
    pub fn from_cached(value: SecretString, expires_at: Timestamp) -> Self {
        let claims = jwt::decode(value.expose_secret()).ok();
        let granted = claims.as_ref().map(|c| c.scopes()).unwrap_or_default();
        AccessToken {
            value,
            expires_at,
            claims,
            granted,
        }
    }

    pub fn needs_renewal(&self, now: Timestamp) -> bool {
        let renew_at = self
            .expires_at
            .checked_sub(jiff::SignedDuration::try_from(RENEW_BEFORE).unwrap_or_default())
            .unwrap_or(self.expires_at);
        now >= renew_at
    }

    /// Scopes the token carries: its claims when it has them, else what the endpoint said.
    pub fn scopes(&self) -> Vec<String> {
        match &self.claims {
            Some(c) if c.claims.contains_key("scope") => c.scopes(),
            _ => self.granted.clone(),
        }
    }
}

/// Client-credentials settings for the token provider.
#[derive(Clone)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: SecretString,
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// Asks the token endpoint for a client-credentials token. Never retried by the caller: a wrong
/// secret stays wrong, and each retry would count against the rate limit.
pub async fn client_credentials(
    http: &reqwest::Client,
    token_url: &str,
    client_id: &str,
    client_secret: &SecretString,
    scopes: &[String],
    timeout: Duration,
) -> Result<TokenResponse, ApiError> {
    let scope = scopes.join(" ");
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", client_secret.expose_secret()),
        ("scope", scope.as_str()),
    ];
    token_request(http, token_url, &form, timeout).await
}

/// What extapps asks for when no scopes are configured, in order: the broad scope, then the
/// narrow ones it needs, then (last) everything the app holds. An empty request risks
/// `invalid_scope` on an app holding many scopes (the granted list gets too long), so it is
/// only the last resort.
pub const SCOPE_FALLBACKS: &[&[&str]] = &[
    &["PM.OAuthApp"],
    &[
        "PM.OAuthApp.Read",
        "PM.OAuthApp.Write",
        "PM.OAuthAppSecret.Write",
    ],
    &["PM.OAuthApp.Read", "PM.OAuthApp.Write"],
    &["PM.OAuthApp.Read"],
    &[],
];

/// Why an empty client-credentials request can fail with `invalid_scope`.
pub const TOO_MANY_SCOPES: &str = "invalid_scope when asking for all of the app's application \
    scopes: the app holds so many scopes that the granted list is too long (or it holds none), \
    and it holds none of PM.OAuthApp, PM.OAuthApp.Read or PM.OAuthApp.Write as application \
    scopes. Give the app PM.OAuthApp and set UIPATH_AUTH_SCOPES to PM.OAuthApp";

/// A client-credentials token for managing apps. Configured scopes are asked for as they are;
/// without any, the steps of [`SCOPE_FALLBACKS`] from `from_step` on are tried while the answer
/// is `invalid_scope` (a scope the app does not hold). Returns the answer and the step that
/// worked, so that the next renewal starts there.
pub async fn management_token(
    http: &reqwest::Client,
    token_url: &str,
    creds: &ClientCredentials,
    from_step: usize,
    timeout: Duration,
) -> Result<(TokenResponse, usize), ApiError> {
    let (id, secret) = (&creds.client_id, &creds.client_secret);
    if !creds.scopes.is_empty() {
        return client_credentials(http, token_url, id, secret, &creds.scopes, timeout)
            .await
            .map(|r| (r, 0));
    }
    let from_step = from_step.min(SCOPE_FALLBACKS.len() - 1);
    for (step, scopes) in SCOPE_FALLBACKS.iter().enumerate().skip(from_step) {
        let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        match client_credentials(http, token_url, id, secret, &scopes, timeout).await {
            Ok(resp) => return Ok((resp, step)),
            Err(ApiError::OAuth {
                code: OAuthCode::InvalidScope,
                ..
            }) if !scopes.is_empty() => {
                tracing::debug!(step, "the app does not hold these scopes; asking for fewer");
            }
            Err(ApiError::OAuth {
                code: OAuthCode::InvalidScope,
                ..
            }) => return Err(ApiError::Config(TOO_MANY_SCOPES.to_owned())),
            Err(e) => return Err(e),
        }
    }
    unreachable!("the last step asks for no scope and always returns")
}

/// POSTs a form to the token endpoint and reads the answer or the OAuth error.
pub async fn token_request(
    http: &reqwest::Client,
    token_url: &str,
    form: &[(&str, &str)],
    timeout: Duration,
) -> Result<TokenResponse, ApiError> {
    let what = "the token request";
    let down = |e: ApiError| token_endpoint_down(e, token_url);
    let resp = http
        .post(token_url)
        .form(form)
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| down(ApiError::from_reqwest(&e, what, timeout)))?;
    if let Some(err) = super::http::redirected(&resp, "the token endpoint") {
        return Err(err);
    }
    let retry_after = super::client::retry_after(resp.headers());
    let (status, body) =
        super::http::read_limited(resp, super::http::MAX_TOKEN_ANSWER, what, timeout)
            .await
            .map_err(down)?;
    if status.is_success() {
        return serde_json::from_slice(&body).map_err(|e| {
            ApiError::unexpected_body(status, &body, &format!("not a token response: {e}"))
        });
    }
    // The token endpoint answers invalid_client with 400 or 401 depending on version.
    if matches!(status.as_u16(), 400 | 401)
        && let Some(err) = oauth_error(&body)
    {
        return Err(err);
    }
    Err(down(ApiError::from_status(
        status,
        &body,
        retry_after,
        what,
        &[],
    )))
}

/// A failure of the token endpoint itself (down, unreachable, silent) says so and names its
/// host: "the server failed" would send the reader to look at the API. Other errors pass.
fn token_endpoint_down(err: ApiError, token_url: &str) -> ApiError {
    let host = url::Url::parse(token_url)
        .ok()
        .and_then(|u| {
            let h = u.host_str()?.to_owned();
            Some(match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h,
            })
        })
        .unwrap_or_else(|| "of the configured URI".to_owned());
    let detail = match err {
        ApiError::Server { status, message } => format!(
            "failed ({status}){}",
            message.map(|m| format!(": {m}")).unwrap_or_default()
        ),
        ApiError::Network { detail, .. } => {
            format!(
                "could not be reached: {detail}. Check the URI setting and that the server is up."
            )
        }
        ApiError::Timeout { after, .. } => {
            format!("did not answer within {}s", after.as_secs())
        }
        other => return other,
    };
    ApiError::TokenEndpoint { host, detail }
}

/// Holds the current token and renews it when needed. One renewal runs at a time; concurrent
/// callers wait for it and share the result.
pub struct TokenProvider {
    creds: ClientCredentials,
    token_url: String,
    timeout: Duration,
    current: Mutex<Option<AccessToken>>,
    cache: Option<(TokenCache, CacheKey, String)>,
    /// The step of [`SCOPE_FALLBACKS`] that worked last, where renewals start.
    scope_step: std::sync::atomic::AtomicUsize,
}

impl TokenProvider {
    pub fn new(creds: ClientCredentials, token_url: String, timeout: Duration) -> Self {
        TokenProvider {
            creds,
            token_url,
            timeout,
            current: Mutex::new(None),
            cache: None,
            scope_step: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Keeps tokens in `cache` too, keyed by `host`, the client id, the configured scopes and
    /// the secret.
    pub fn with_cache(mut self, cache: TokenCache, host: &str) -> Self {
        let key = CacheKey::new(
            host,
            &self.creds.client_id,
            &self.creds.scopes,
            Some(&self.creds.client_secret),
        );
        self.cache = Some((cache, key, host.to_owned()));
        self
    }

    pub fn client_id(&self) -> &str {
        &self.creds.client_id
    }

    /// A valid token: the cached one, or a fresh one when it is missing, due for renewal, or
    /// `force` says the server rejected it.
    pub async fn token(
        &self,
        http: &reqwest::Client,
        force: bool,
    ) -> Result<AccessToken, ApiError> {
        let mut guard = self.current.lock().await;
        let now = Timestamp::now();
        if let Some(tok) = guard.as_ref()
            && !force
            && !tok.needs_renewal(now)
        {
            return Ok(tok.clone());
        }
        let tok = self.renew(http, force, now).await?;
        *guard = Some(tok.clone());
        Ok(tok)
    }

    /// From the disk cache when it holds a fresh token; by refresh token when it holds a login;
    /// else by client credentials. Every new token is written back.
    async fn renew(
        &self,
        http: &reqwest::Client,
        force: bool,
        now: Timestamp,
    ) -> Result<AccessToken, ApiError> {
        let cached = self.cache.as_ref().and_then(|(c, key, _)| c.load(key));
        if let Some(entry) = &cached {
            let tok = AccessToken::from_cached(entry.access_token.clone(), entry.expires_at);
            if !force && !tok.needs_renewal(now) {
                tracing::debug!(client_id = %self.creds.client_id, "token from the disk cache");
                return Ok(tok);
            }
        }
        let refresh_token = cached.and_then(|c| c.refresh_token);
        let resp = match refresh_token {
            Some(rt) => {
                tracing::debug!(client_id = %self.creds.client_id, "renewing a login with its refresh token");
                let secret =
                    Some(&self.creds.client_secret).filter(|s| !s.expose_secret().is_empty());
                super::login::refresh(
                    http,
                    &self.token_url,
                    &self.creds.client_id,
                    secret,
                    &rt,
                    self.timeout,
                )
                .await
            }
            None => {
                tracing::debug!(client_id = %self.creds.client_id, force, "requesting an access token");
                use std::sync::atomic::Ordering;
                let from = self.scope_step.load(Ordering::Relaxed);
                management_token(http, &self.token_url, &self.creds, from, self.timeout)
                    .await
                    .map(|(resp, step)| {
                        self.scope_step.store(step, Ordering::Relaxed);
                        resp
                    })
            }
        };
        let resp = resp.inspect_err(|e| {
            // A refused refresh token is dead (used, revoked or expired): drop it so the next
            // attempt does not present it again. A network failure leaves it alone.
            if let (ApiError::OAuth { .. }, Some((cache, key, _))) = (e, &self.cache) {
                let _ = cache.remove(key);
            }
        })?;
        let tok = AccessToken::from_response(&resp, Timestamp::now());
        self.save(&tok, resp.refresh_token.clone());
        Ok(tok)
    }

    fn save(&self, tok: &AccessToken, refresh_token: Option<SecretString>) {
        let Some((cache, key, host)) = &self.cache else {
            return;
        };
        let entry = CachedToken {
            host: host.clone(),
            client_id: self.creds.client_id.clone(),
            scopes: self.creds.scopes.clone(),
            access_token: tok.value.clone(),
            expires_at: tok.expires_at,
            refresh_token,
        };
        if let Err(e) = cache.store(key, &entry) {
            // The token still works for this run; only the next run pays a request.
            tracing::warn!(error = %e, dir = %cache.dir().display(), "token cache: cannot write");
        }
    }

    /// The cached token without contacting the server.
    pub async fn cached(&self) -> Option<AccessToken> {
        self.current.lock().await.clone()
    }
}
