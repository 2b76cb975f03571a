//! Login with Authorization Code + PKCE (S256): the verifier and challenge, the authorize URL,
//! a one-shot loopback listener for the redirect, the code exchange and refresh-token renewal.
//!
//! The flow is split so that a test (or the TUI) can drive it: [`prepare`] binds the listener
//! and builds the URL; whoever plays the browser follows it; [`PendingLogin::wait`] returns the
//! code; [`exchange_code`] turns it into tokens.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngExt;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

use super::auth::token_request;
use super::endpoints::Endpoints;
use super::error::ApiError;
use super::model::TokenResponse;

/// What a login asks for.
#[derive(Clone)]
pub struct LoginRequest {
    pub client_id: String,
    /// Only for a confidential app; public apps prove themselves with PKCE alone.
    pub client_secret: Option<SecretString>,
    /// A loopback URI registered on the app, such as `http://localhost:12700`, exactly as
    /// registered. Port 0 means "any free port": only useful where the server ignores loopback
    /// ports (RFC 8252 §7.3), which the live one does not.
    pub redirect_uri: String,
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error(
        "the redirect URI {0:?} is not a loopback http URL (like http://localhost:12700); extapps can only receive the login on this machine"
    )]
    NotLoopback(String),
    #[error(
        "cannot listen on 127.0.0.1:{port} for the login redirect: {detail}. Close what uses that port, or register and pass another redirect URI"
    )]
    Bind { port: u16, detail: String },
    #[error(
        "no answer from the browser within {}s: the login was abandoned. {}, then run the login again and finish it in the browser",
        .after.as_secs(),
        register_hint(.redirect_uri).replacen("If the browser shows", "If the browser showed", 1)
    )]
    Timeout {
        after: Duration,
        redirect_uri: String,
    },
    #[error(
        "the login redirect carried a state that extapps did not send: it was refused (a stale browser tab, or someone else's login)"
    )]
    StateMismatch,
    #[error("the sign-in was refused: {error}{}", .description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Denied {
        error: String,
        description: Option<String>,
    },
    #[error("the login redirect carried no code")]
    NoCode,
    #[error("the login listener failed: {0}")]
    Io(String),
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// A PKCE pair: the verifier stays here, the challenge goes to the authorize URL.
pub struct Pkce {
    pub verifier: SecretString,
    pub challenge: String,
}

impl Pkce {
    /// A 64-character verifier (inside RFC 7636's 43–128) from 48 bytes of the OS CSPRNG.
    pub fn new() -> Self {
        let bytes: [u8; 48] = rand::rng().random();
        let verifier = URL_SAFE_NO_PAD.encode(bytes);
        let challenge = challenge_for(&verifier);
        Pkce {
            verifier: SecretString::from(verifier),
            challenge,
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

/// `BASE64URL(SHA256(verifier))`.
pub fn challenge_for(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// What to do when the login never comes back. The identity server compares the redirect URI
/// with the registered ones exactly (port and trailing slash included) and, on a mismatch,
/// shows its own error page in the browser instead of redirecting: extapps never hears of it.
pub fn register_hint(redirect_uri: &str) -> String {
    format!(
        "If the browser shows an Identity error page, register exactly {redirect_uri} as a redirect URI of the app"
    )
}

/// The scopes a login asks the server for: the ones named, plus `offline_access` when it is
/// missing, since a refresh token is what lets extapps renew without the browser. The URL and
/// every list shown to the user come from here, so they cannot disagree.
pub fn asked_scopes(named: &[String]) -> Vec<String> {
    let mut scopes = named.to_vec();
    if !scopes.iter().any(|s| s == OFFLINE_ACCESS) {
        scopes.push(OFFLINE_ACCESS.to_owned());
    }
    scopes
}

/// The scope that brings a refresh token.
pub const OFFLINE_ACCESS: &str = "offline_access";

/// An unguessable `state`.
pub fn random_state() -> String {
    let bytes: [u8; 24] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The authorize URL for `req` with this challenge and state.
pub fn authorize_url(
    endpoints: &Endpoints,
    req: &LoginRequest,
    redirect_uri: &str,
    challenge: &str,
    state: &str,
) -> Result<Url, ApiError> {
    let mut url = Url::parse(&endpoints.authorize_url())
        .map_err(|e| ApiError::Config(format!("the authorize URL is not valid: {e}")))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &req.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", &req.scopes.join(" "))
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("state", state);
    Ok(url)
}

/// A login waiting for its redirect: the listener is bound before the URL is shown, so the
/// browser can never arrive before extapps listens.
pub struct PendingLogin {
    pub authorize_url: Url,
    /// The redirect URI actually used (with the real port when 0 was asked for).
    pub redirect_uri: String,
    pkce: Pkce,
    state: String,
    listener: TcpListener,
    path: String,
}

impl std::fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// The code the redirect brought, with what its exchange needs.
pub struct AuthCode {
    pub code: SecretString,
    pub verifier: SecretString,
    pub redirect_uri: String,
}

/// Binds the loopback listener on the redirect URI's port and builds the authorize URL.
pub async fn prepare(
    endpoints: &Endpoints,
    req: &LoginRequest,
) -> Result<PendingLogin, LoginError> {
    let mut redirect = Url::parse(req.redirect_uri.trim())
        .map_err(|_| LoginError::NotLoopback(req.redirect_uri.clone()))?;
    let loopback = matches!(redirect.host_str(), Some("localhost" | "127.0.0.1"));
    if redirect.scheme() != "http" || !loopback {
        return Err(LoginError::NotLoopback(req.redirect_uri.clone()));
    }
    let port = redirect.port_or_known_default().unwrap_or(80);
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| LoginError::Bind {
            port,
            detail: e.to_string(),
        })?;
    let bound = listener
        .local_addr()
        .map_err(|e| LoginError::Io(e.to_string()))?
        .port();
    if port == 0 {
        let _ = redirect.set_port(Some(bound));
    }
    // Keep the URI as the user registered it (`http://localhost:12700`, no trailing slash):
    // servers compare redirect URIs as strings.
    let redirect_uri = if port == 0 {
        redirect.as_str().to_owned()
    } else {
        req.redirect_uri.trim().to_owned()
    };
    let redirect_uri = if req.redirect_uri.trim().ends_with('/') {
        redirect_uri
    } else {
        redirect_uri.trim_end_matches('/').to_owned()
    };
    let pkce = Pkce::new();
    let state = random_state();
    let authorize_url = authorize_url(endpoints, req, &redirect_uri, &pkce.challenge, &state)?;
    Ok(PendingLogin {
        authorize_url,
        redirect_uri,
        pkce,
        state,
        listener,
        path: redirect.path().to_owned(),
    })
}

const DONE_PAGE: &str = "<!doctype html><meta charset=utf-8><title>extapps</title>\
    <h1>Signed in</h1><p>extapps has the login. You can close this tab.</p>";

impl PendingLogin {
    /// Serves requests until the redirect arrives (other paths, such as a browser's favicon
    /// request, get a 404), checks its `state`, answers the browser and returns the code.
    pub async fn wait(self, timeout: Duration) -> Result<AuthCode, LoginError> {
        let outcome = tokio::time::timeout(timeout, self.serve()).await;
        let code = outcome.map_err(|_| LoginError::Timeout {
            after: timeout,
            redirect_uri: self.redirect_uri.clone(),
        })??;
        Ok(AuthCode {
            code,
            verifier: self.pkce.verifier,
            redirect_uri: self.redirect_uri,
        })
    }

    async fn serve(&self) -> Result<SecretString, LoginError> {
        loop {
            let (mut stream, _) = self
                .listener
                .accept()
                .await
                .map_err(|e| LoginError::Io(e.to_string()))?;
            let Some(target) = read_request_target(&mut stream).await else {
                respond(&mut stream, 400, "<p>Bad request</p>").await;
                continue;
            };
            let Ok(url) = Url::parse(&format!("http://localhost{target}")) else {
                respond(&mut stream, 400, "<p>Bad request</p>").await;
                continue;
            };
            if url.path().trim_end_matches('/') != self.path.trim_end_matches('/') {
                respond(&mut stream, 404, "<p>Not found</p>").await;
                continue;
            }
            let param = |k: &str| {
                url.query_pairs()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.into_owned())
            };
            if param("state").as_deref() != Some(self.state.as_str()) {
                respond(
                    &mut stream,
                    400,
                    "<h1>Login refused</h1><p>The state does not match. Start the login again from extapps.</p>",
                )
                .await;
                return Err(LoginError::StateMismatch);
            }
            if let Some(error) = param("error") {
                respond(
                    &mut stream,
                    200,
                    "<h1>Sign-in refused</h1><p>extapps shows why. You can close this tab.</p>",
                )
                .await;
                return Err(LoginError::Denied {
                    error,
                    description: param("error_description"),
                });
            }
            let Some(code) = param("code").filter(|c| !c.is_empty()) else {
                respond(&mut stream, 400, "<p>No code in the redirect.</p>").await;
                return Err(LoginError::NoCode);
            };
            respond(&mut stream, 200, DONE_PAGE).await;
            return Ok(SecretString::from(code));
        }
    }
}

/// The request target of the first line of an HTTP request, reading at most 16 KiB.
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let read = async {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(())
    };
    // A connection that never says anything (a browser's speculative preconnect) must not
    // hold up the one that carries the code.
    tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .ok()??;
    let text = String::from_utf8_lossy(&buf);
    let line = text.lines().next()?;
    let mut parts = line.split_whitespace();
    let (Some("GET"), Some(target)) = (parts.next(), parts.next()) else {
        return None;
    };
    target.starts_with('/').then(|| target.to_owned())
}

async fn respond(stream: &mut TcpStream, status: u16, html: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let resp = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{html}",
        html.len()
    );
    let _ = stream.write_all(resp.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Exchanges a code for tokens (`grant_type=authorization_code`).
pub async fn exchange_code(
    http: &reqwest::Client,
    token_url: &str,
    req: &LoginRequest,
    code: &AuthCode,
    timeout: Duration,
) -> Result<TokenResponse, ApiError> {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code.code.expose_secret()),
        ("redirect_uri", code.redirect_uri.as_str()),
        ("client_id", req.client_id.as_str()),
        ("code_verifier", code.verifier.expose_secret()),
    ];
    if let Some(secret) = &req.client_secret {
        form.push(("client_secret", secret.expose_secret()));
    }
    token_request(http, token_url, &form, timeout).await
}

/// Renews with a refresh token. Refresh tokens are single-use: the answer carries the next one,
/// which the caller must store before anything else.
pub async fn refresh(
    http: &reqwest::Client,
    token_url: &str,
    client_id: &str,
    client_secret: Option<&SecretString>,
    refresh_token: &SecretString,
    timeout: Duration,
) -> Result<TokenResponse, ApiError> {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.expose_secret()),
        ("client_id", client_id),
    ];
    if let Some(secret) = client_secret {
        form.push(("client_secret", secret.expose_secret()));
    }
    token_request(http, token_url, &form, timeout).await
}

/// Opens `url` in the user's browser when there is a way to; false when the caller should
/// print it instead (no display, no opener, or the opener failed).
pub fn open_browser(url: &str) -> bool {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
        if !has_display {
            return false;
        }
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_asks_for_offline_access_once_after_the_scopes_named() {
        let named = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            asked_scopes(&named(&["OR.Jobs", "OR.Folders.Read"])),
            named(&["OR.Jobs", "OR.Folders.Read", "offline_access"])
        );
        assert_eq!(
            asked_scopes(&named(&["offline_access", "OR.Jobs"])),
            named(&["offline_access", "OR.Jobs"])
        );
        assert_eq!(asked_scopes(&[]), named(&["offline_access"]));
    }

    #[test]
    fn verifier_and_challenge_follow_rfc7636() {
        let p = Pkce::new();
        let v = p.verifier.expose_secret();
        assert!((43..=128).contains(&v.len()));
        assert!(
            v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        );
        assert_eq!(p.challenge, challenge_for(v));
        assert_ne!(Pkce::new().verifier.expose_secret(), v);
        assert_eq!(
            challenge_for("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[tokio::test]
    async fn only_loopback_redirects_are_accepted() {
        let endpoints = Endpoints::resolve("https://cloud.uipath.com", "acme", None, None).unwrap();
        let req = |uri: &str| LoginRequest {
            client_id: "c".into(),
            client_secret: None,
            redirect_uri: uri.into(),
            scopes: vec!["OR.Jobs".into()],
        };
        for bad in ["https://localhost:1", "http://example.com:1", "not a url"] {
            assert!(matches!(
                prepare(&endpoints, &req(bad)).await,
                Err(LoginError::NotLoopback(_))
            ));
        }
        let ok = prepare(&endpoints, &req("http://localhost:0"))
            .await
            .unwrap();
        assert!(!ok.redirect_uri.ends_with(":0"));
        assert!(!ok.redirect_uri.ends_with('/'));
        let q: std::collections::HashMap<_, _> = ok.authorize_url.query_pairs().collect();
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["redirect_uri"], ok.redirect_uri);
        assert_eq!(q["scope"], "OR.Jobs");
        assert!(
            ok.authorize_url
                .as_str()
                .starts_with("https://cloud.uipath.com/identity_/connect/authorize?")
        );
    }

    #[tokio::test]
    async fn the_listener_times_out_with_a_clear_message() {
        let endpoints = Endpoints::resolve("https://cloud.uipath.com", "acme", None, None).unwrap();
        let req = LoginRequest {
            client_id: "c".into(),
            client_secret: None,
            redirect_uri: "http://localhost:0".into(),
            scopes: vec![],
        };
        let pending = prepare(&endpoints, &req).await.unwrap();
        let err = pending.wait(Duration::from_millis(50)).await.err().unwrap();
        assert!(err.to_string().contains("abandoned"), "{err}");
    }
}
