//! `extapps login`: sign in as a user with Authorization Code + PKCE, keep the tokens in the
//! cache, and show who signed in and what the token allows.

use std::io::Write;
use std::time::Duration;

use jiff::Timestamp;
use secrecy::SecretString;

use super::Failure;
use crate::api::Endpoints;
use crate::api::auth::AccessToken;
use crate::api::inspect::human_duration;
use crate::api::login::{self, LoginError, LoginRequest};
use crate::api::permissions;
use crate::api::token_cache::{CacheKey, CachedToken, TokenCache};

/// The registered redirect UiPath's own CLI uses; extapps defaults to it.
pub const DEFAULT_REDIRECT_URI: &str = "http://localhost:12700";

/// Where and as which app to sign in, before the command line has its say.
#[derive(Debug, Clone)]
pub struct LoginTarget {
    pub endpoints: Endpoints,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    pub redirect_uri: Option<String>,
    pub scopes: Vec<String>,
}

/// What the command line says.
#[derive(Debug, Clone, Default)]
pub struct LoginOptions {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scopes: Vec<String>,
    pub no_browser: bool,
    pub timeout: Duration,
}

/// The login target from UiPath CLI variables. Unlike the client-credentials settings, a login
/// needs no secret: a public app signs in with PKCE alone.
pub fn target_from_env(get: impl Fn(&str) -> Option<String>) -> Result<LoginTarget, Failure> {
    let var = |k: &str| {
        get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let endpoints = Endpoints::resolve(
        &var("UIPATH_URI").unwrap_or_else(|| crate::config::DEFAULT_URI.to_owned()),
        &var("UIPATH_ORGANIZATION").unwrap_or_default(),
        var("UIPATH_IDENTITY_URI").as_deref(),
        var("EXTAPPS_API_URI").as_deref(),
    )
    .map_err(|e| Failure::new(format!("{e}"), 2))?;
    Ok(LoginTarget {
        endpoints,
        client_id: var("UIPATH_CLIENT_ID"),
        client_secret: var("UIPATH_CLIENT_SECRET").map(SecretString::from),
        redirect_uri: var("UIPATH_AUTH_REDIRECT_URI"),
        scopes: var("UIPATH_AUTH_SCOPES")
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
    })
}

/// The demo organization's public "UiPath CLI" app with all its user scopes.
pub fn demo_target(handle: &crate::sim::SimHandle) -> LoginTarget {
    let scopes = handle
        .state()
        .app(crate::sim::DEMO_LOGIN_CLIENT_ID)
        .map(|a| a.scope_refs().into_iter().map(|s| s.name).collect())
        .unwrap_or_default();
    LoginTarget {
        endpoints: handle.endpoints(),
        client_id: Some(crate::sim::DEMO_LOGIN_CLIENT_ID.to_owned()),
        client_secret: None,
        redirect_uri: Some(crate::sim::DEMO_LOGIN_REDIRECT_URI.to_owned()),
        scopes,
    }
}

/// In `--demo`, plays the admin who registers the redirect URI the login will use on the demo
/// app (the simulator matches it exactly, like the live server); port 0 becomes a free port
/// first so that the registered URI is the one the browser comes back to.
pub fn demo_register_redirect(handle: &crate::sim::SimHandle, opts: &mut LoginOptions) {
    let Some(asked) = opts.redirect_uri.clone() else {
        return;
    };
    let mut uri = asked.trim().to_owned();
    if let Ok(mut url) = url::Url::parse(&uri)
        && url.port() == Some(0)
        && let Ok(free) = std::net::TcpListener::bind("127.0.0.1:0")
        && let Ok(addr) = free.local_addr()
        && url.set_port(Some(addr.port())).is_ok()
    {
        uri = url.as_str().to_owned();
        if !asked.trim().ends_with('/') && url.path() == "/" {
            uri = uri.trim_end_matches('/').to_owned();
        }
    }
    handle
        .state()
        .register_redirect_uri(crate::sim::DEMO_LOGIN_CLIENT_ID, &uri);
    opts.redirect_uri = Some(uri);
}

impl From<LoginError> for Failure {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::Api(api) => Failure::from(api),
            other => Failure::new(format!("login failed: {other}."), 1),
        }
    }
}

/// Runs the login. Progress and the URL go to `err` (stderr), the result to `out`.
pub async fn run(
    target: LoginTarget,
    opts: &LoginOptions,
    cache: Option<&TokenCache>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<(), Failure> {
    let client_id = opts
        .client_id
        .clone()
        .or_else(|| target.client_id.clone())
        .ok_or_else(|| {
            Failure::new(
                "which app should the login use? Pass --client-id or set UIPATH_CLIENT_ID to an app with user scopes and a loopback redirect URI.",
                2,
            )
        })?;
    // The configured secret belongs to the configured app only.
    let client_secret = target
        .client_secret
        .clone()
        .filter(|_| target.client_id.as_deref() == Some(client_id.as_str()));
    let asked = if opts.scopes.is_empty() {
        target.scopes.clone()
    } else {
        opts.scopes.clone()
    };
    if asked.is_empty() {
        return Err(Failure::new(
            "name the user scopes to sign in with: --scope NAME (repeatable) or UIPATH_AUTH_SCOPES.",
            2,
        ));
    }
    let scopes = login::asked_scopes(&asked);
    let req = LoginRequest {
        client_id: client_id.clone(),
        client_secret,
        redirect_uri: opts
            .redirect_uri
            .clone()
            .or(target.redirect_uri.clone())
            .unwrap_or_else(|| DEFAULT_REDIRECT_URI.to_owned()),
        scopes,
    };
    let pending = login::prepare(&target.endpoints, &req).await?;
    let url = pending.authorize_url.to_string();
    if !opts.no_browser && login::open_browser(&url) {
        writeln!(
            err,
            "Opened your browser to sign in. If it did not open, visit:"
        )?;
    } else {
        writeln!(err, "Open this URL in a browser to sign in:")?;
    }
    writeln!(err, "  {url}")?;
    writeln!(
        err,
        "Waiting for the sign-in on {} (up to {}).",
        pending.redirect_uri,
        human_duration(opts.timeout.as_secs() as i64)
    )?;
    writeln!(err, "{}.", login::register_hint(&pending.redirect_uri))?;
    err.flush()?;

    let code = pending.wait(opts.timeout).await?;
    let http = crate::api::http::client(Duration::from_secs(30), false)?;
    let resp = login::exchange_code(
        &http,
        &target.endpoints.token_url(),
        &req,
        &code,
        Duration::from_secs(30),
    )
    .await?;
    let tok = AccessToken::from_response(&resp, Timestamp::now());

    let kept = match cache {
        Some(cache) => {
            let key = CacheKey::new(
                &target.endpoints.host(),
                &client_id,
                &asked,
                req.client_secret.as_ref(),
            );
            let entry = CachedToken {
                host: target.endpoints.host(),
                client_id: client_id.clone(),
                scopes: asked.clone(),
                access_token: tok.value.clone(),
                expires_at: tok.expires_at,
                refresh_token: resp.refresh_token.clone(),
            };
            cache.store(&key, &entry).map_err(|e| {
                Failure::new(
                    format!(
                        "signed in, but cannot keep the tokens in {}: {e}",
                        cache.dir().display()
                    ),
                    1,
                )
            })?;
            Some(cache.path_of(&key))
        }
        None => None,
    };
    summary(&tok, resp.refresh_token.is_some(), kept.as_deref(), out)
}

fn summary(
    tok: &AccessToken,
    has_refresh: bool,
    kept: Option<&std::path::Path>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    // Claims are written by the server (a user's display name among them): sanitised.
    let claim = |n: &str| {
        let value = tok.claims.as_ref().and_then(|c| c.str_claim(n));
        crate::domain::sanitize(value.unwrap_or("?")).into_owned()
    };
    let left = tok.expires_at.as_second() - Timestamp::now().as_second();
    writeln!(
        out,
        "Signed in as {} ({}) with app {}.",
        claim("name"),
        claim("sub"),
        claim("client_id")
    )?;
    writeln!(
        out,
        "Granted: {}",
        crate::domain::sanitize(&tok.scopes().join(" "))
    )?;
    writeln!(
        out,
        "The access token expires in {}{}.",
        human_duration(left),
        if has_refresh {
            "; a refresh token renews it"
        } else {
            "; no refresh token was granted (offline_access), so sign in again then"
        }
    )?;
    match kept {
        Some(path) => writeln!(out, "Tokens kept in {} (mode 0600).", path.display())?,
        None => writeln!(out, "Tokens not kept (no cache in this session).")?,
    }
    writeln!(out, "\nWhat this token allows")?;
    for (action, allowed) in permissions::table(&tok.scopes()) {
        let verdict = match allowed {
            Ok(by) => format!("yes ({by})"),
            Err(m) => format!("no: {m}"),
        };
        writeln!(out, "  {:16} {verdict}", action.label())?;
    }
    Ok(())
}
