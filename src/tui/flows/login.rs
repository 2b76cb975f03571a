//! `:login`: sign in as a user with Authorization Code + PKCE, from the TUI. The pure half
//! (the overlay's state, its keys, the answers) is here with the async half the worker runs
//! ([`run`]), which drives `api::login` exactly as `extapps login` does.
//!
//! Tokens never reach the model: the worker keeps them (and the token cache, when there is
//! one) and answers with the decoded claims only.

use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;

use ratatui::crossterm::event::KeyCode;

use crate::api::IdentityClient;
use crate::api::auth::AccessToken;
use crate::api::jwt::DecodedJwt;
use crate::api::login::{self, LoginRequest};
use crate::api::model::{Details, ScopeType};
use crate::api::token_cache::{CacheKey, CachedToken};
use crate::tui::effect::{Effect, RequestId, Sensitive};
use crate::tui::keymap::{
    Action, Action as A, Group as G, KeyTable, Rest, SecretKey as SK, code, k, on,
};
use crate::tui::model::{Model, RequestKind, ToastLevel};
use crate::tui::msg::ApiResult;
use crate::tui::requests::{Requests, unexpected};

use super::ctx::{Ctx, Outcome};

/// `:login`: the URL, waiting for the browser, the result.
#[rustfmt::skip]
pub static KEYS: KeyTable = KeyTable {
    name: "login",
    rest: Rest::Dropped,
    bindings: &[
        on(&[k('y')], A::Secret(SK::CopySecret), G::Login, "copy the URL to open"),
        on(&[code(KeyCode::Enter)], A::Submit, G::Login, "signed in: inspect the token's claims"),
        on(&[k('q')], A::Back, G::Login, "close (cancels a login still waiting)"),
    ],
};

/// How long the browser has to come back.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(300);

/// What the worker says about a login in progress.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginAnswer {
    /// The listener is bound: the URL to open, and whether a browser was started with it.
    Url {
        url: String,
        redirect_uri: String,
        browser_opened: bool,
    },
    Done(Result<LoginOutcome, String>),
}

/// What the TUI keeps of a login: claims and facts, never a token.
#[derive(Debug, Clone, PartialEq)]
pub struct LoginOutcome {
    pub decoded: Option<DecodedJwt>,
    pub sub: Option<String>,
    pub name: Option<String>,
    pub scopes: Vec<String>,
    pub expires_at: Timestamp,
    pub has_refresh: bool,
    /// Where the tokens were kept, or why they could not be; `None`: no cache in this session.
    pub kept: Option<Result<PathBuf, String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LoginStage {
    /// Asked the worker; no URL yet.
    Preparing,
    Waiting {
        url: String,
        redirect_uri: String,
        browser_opened: bool,
    },
    Done(Result<LoginOutcome, String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoginFlow {
    pub req: RequestId,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub stage: LoginStage,
    pub started: Timestamp,
}

impl LoginFlow {
    /// The scopes the authorize URL carries: what the overlay lists.
    pub fn asked(&self) -> Vec<String> {
        login::asked_scopes(&self.scopes)
    }

    /// Whether extapps added `offline_access` to what was named.
    pub fn added_offline_access(&self) -> bool {
        !self.scopes.iter().any(|s| s == login::OFFLINE_ACCESS)
    }
}

/// `:login [CLIENT_ID [SCOPE...]]`. Without a client id: the demo's login app when the
/// identity host is this machine (the simulator). Without scopes: the app's user scopes, as
/// the app list shows them.
pub fn start(model: &mut Model, line: &str) -> Vec<Effect> {
    let mut words = line.trim_start_matches(':').split_whitespace().skip(1);
    let client_id = match words.next() {
        Some(id) => id.to_owned(),
        None if is_loopback(&model.opts.identity_host) => {
            crate::domain::login::DEMO_LOGIN_CLIENT_ID.into()
        }
        None => {
            model.push_toast(
                ToastLevel::Error,
                ":login needs the client id of an app with user scopes and a loopback redirect URI: :login CLIENT_ID [SCOPE...]",
            );
            return Vec::new();
        }
    };
    let mut scopes: Vec<String> = words.map(str::to_owned).collect();
    if scopes.is_empty() {
        scopes = user_scopes(model, &client_id);
    }
    if scopes.is_empty() {
        // "Not loaded yet" is not "none": a summary list does not carry scopes.
        let loading = model
            .apps
            .get(&client_id)
            .is_some_and(|app| app.details == Details::Unknown);
        let text = if loading {
            format!(
                "The scopes of {client_id} are not loaded yet: try again in a moment, or name them: :login {client_id} SCOPE..."
            )
        } else {
            format!("No user scopes known for {client_id}: name them, :login {client_id} SCOPE...")
        };
        model.push_toast(ToastLevel::Error, text);
        return Vec::new();
    }
    let mut effects = cancel_running(model);
    let req = model.new_request(RequestKind::Login);
    model.overlays.show(LoginFlow {
        req,
        client_id: client_id.clone(),
        scopes: scopes.clone(),
        stage: LoginStage::Preparing,
        started: model.now,
    });
    effects.push(Effect::StartLogin {
        req,
        client_id,
        scopes,
    });
    effects
}

fn is_loopback(host: &str) -> bool {
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

/// The user (and user-and-application) scopes of the app, when it is in the list.
fn user_scopes(model: &Model, client_id: &str) -> Vec<String> {
    model
        .apps
        .get(client_id)
        .map(|app| {
            app.scope_refs()
                .into_iter()
                .filter(|s| s.kind != ScopeType::Application)
                .map(|s| s.name)
                .collect()
        })
        .unwrap_or_default()
}

/// Ends the login on screen. One still waiting is stopped by `Effect::CancelLogin`, which
/// withdraws its request (the worker's task ends without answering).
pub(crate) fn cancel_running(model: &mut Model) -> Vec<Effect> {
    match model.overlays.take::<LoginFlow>() {
        Some(flow) => cancel(&flow, &mut model.requests),
        None => Vec::new(),
    }
}

/// What stops `flow` when its overlay goes: nothing once it is done.
fn cancel(flow: &LoginFlow, requests: &mut Requests) -> Vec<Effect> {
    if matches!(flow.stage, LoginStage::Done(_)) {
        return Vec::new();
    }
    requests.withdraw(flow.req);
    vec![Effect::CancelLogin { req: flow.req }]
}

/// Keys while the login overlay is on top.
pub fn key(flow: &mut LoginFlow, action: Action, ctx: &mut Ctx) -> Outcome {
    match action {
        Action::Back => close(flow, ctx),
        Action::Submit => inspect(flow, ctx),
        Action::Secret(crate::tui::keymap::SecretKey::CopySecret) => copy_url(flow, ctx),
        _ => Outcome::keep(),
    }
}

/// Esc: the overlay goes, and a login still waiting is abandoned (its listener closed).
fn close(flow: &LoginFlow, ctx: &mut Ctx) -> Outcome {
    let effects = cancel(flow, ctx.requests);
    if !effects.is_empty() {
        ctx.push_toast(ToastLevel::Info, "Login cancelled");
    }
    Outcome::close().with_effects(effects)
}

/// Enter after a successful login: the token inspector on its claims.
fn inspect(flow: &LoginFlow, ctx: &mut Ctx) -> Outcome {
    let LoginStage::Done(Ok(outcome)) = &flow.stage else {
        return Outcome::keep();
    };
    let Some(decoded) = outcome.decoded.clone() else {
        ctx.push_toast(
            ToastLevel::Info,
            "The token is not a JWT: no claims to show",
        );
        return Outcome::keep();
    };
    let who = outcome
        .name
        .clone()
        .or(outcome.sub.clone())
        .unwrap_or_else(|| "?".to_owned());
    Outcome::push(super::token::inspector(
        decoded,
        format!("login token of {who}"),
    ))
}

/// `y` while waiting: the URL to the clipboard, for a browser elsewhere.
fn copy_url(flow: &LoginFlow, ctx: &mut Ctx) -> Outcome {
    let LoginStage::Waiting { url, .. } = &flow.stage else {
        return Outcome::keep();
    };
    let text = Sensitive(url.clone().into());
    let req = ctx.new_request(RequestKind::Copy);
    Outcome::effects(vec![Effect::Copy {
        req,
        what: "the login URL".to_owned(),
        text,
    }])
}

/// The login task's answers: the URL to open, then the outcome; dropped unless they belong
/// to the login on screen (`flow`: its overlay, unless it closed).
pub fn answer(
    flow: Option<&mut LoginFlow>,
    req: RequestId,
    result: ApiResult,
    _: &mut Ctx,
) -> Outcome {
    match result {
        ApiResult::Login(answer) => answered(flow, req, answer),
        _ => return Outcome::effects(unexpected(req, RequestKind::Login)),
    }
    Outcome::keep()
}

fn answered(flow: Option<&mut LoginFlow>, req: RequestId, answer: LoginAnswer) {
    let Some(flow) = flow.filter(|f| f.req == req) else {
        tracing::debug!(?req, "dropping a stale login answer");
        return;
    };
    match answer {
        LoginAnswer::Url {
            url,
            redirect_uri,
            browser_opened,
        } => {
            flow.stage = LoginStage::Waiting {
                url,
                redirect_uri,
                browser_opened,
            };
        }
        LoginAnswer::Done(result) => {
            flow.stage = LoginStage::Done(result);
        }
    }
}

// ---- the worker's half ----

/// The whole login: bind and build the URL (answered at once), open the browser when asked
/// and possible, wait for the redirect, exchange the code, keep the tokens in the client's
/// cache, and answer with the claims.
pub async fn run(
    client: &IdentityClient,
    client_id: String,
    scopes: Vec<String>,
    redirect_uri: &str,
    timeout: Duration,
    open_browser: bool,
    send: impl Fn(LoginAnswer),
) {
    let result = login_steps(
        client,
        client_id,
        scopes,
        redirect_uri,
        timeout,
        open_browser,
        &send,
    )
    .await;
    if let Err(e) = &result {
        tracing::warn!(error = %e, "login failed");
    }
    send(LoginAnswer::Done(result));
}

async fn login_steps(
    client: &IdentityClient,
    client_id: String,
    asked: Vec<String>,
    redirect_uri: &str,
    timeout: Duration,
    open_browser: bool,
    send: &impl Fn(LoginAnswer),
) -> Result<LoginOutcome, String> {
    let endpoints = client.endpoints().clone();
    // The overlay lists the same value (`LoginFlow::asked`).
    let scopes = login::asked_scopes(&asked);
    let req = LoginRequest {
        client_id: client_id.clone(),
        client_secret: None,
        redirect_uri: redirect_uri.to_owned(),
        scopes,
    };
    let pending = login::prepare(&endpoints, &req)
        .await
        .map_err(|e| e.to_string())?;
    let url = pending.authorize_url.to_string();
    let browser_opened = open_browser && login::open_browser(&url);
    send(LoginAnswer::Url {
        url,
        redirect_uri: pending.redirect_uri.clone(),
        browser_opened,
    });
    let code = pending.wait(timeout).await.map_err(|e| e.to_string())?;
    let resp = login::exchange_code(
        client.http(),
        &endpoints.token_url(),
        &req,
        &code,
        Duration::from_secs(30),
    )
    .await
    .map_err(|e| e.to_string())?;
    let tok = AccessToken::from_response(&resp, Timestamp::now());
    let kept = client.config().token_cache.as_ref().map(|cache| {
        // Keyed as the session's own token provider will look for it: with the configured
        // secret when this is the configured app.
        let creds = &client.config().credentials;
        let secret = (creds.client_id == client_id).then_some(&creds.client_secret);
        let key = CacheKey::new(&endpoints.host(), &client_id, &asked, secret);
        let entry = CachedToken {
            host: endpoints.host(),
            client_id: client_id.clone(),
            scopes: asked.clone(),
            access_token: tok.value.clone(),
            expires_at: tok.expires_at,
            refresh_token: resp.refresh_token.clone(),
        };
        cache
            .store(&key, &entry)
            .map(|()| cache.path_of(&key))
            .map_err(|e| e.to_string())
    });
    let claim = |n: &str| {
        tok.claims
            .as_ref()
            .and_then(|c| c.str_claim(n))
            .map(str::to_owned)
    };
    Ok(LoginOutcome {
        sub: claim("sub"),
        name: claim("name"),
        scopes: tok.scopes(),
        expires_at: tok.expires_at,
        has_refresh: resp.refresh_token.is_some(),
        kept,
        decoded: tok.claims.clone(),
    })
}
