//! The login flow end to end against the simulator: the test plays the browser (follows the
//! authorize redirect by hand, then calls the loopback listener), then the code exchange,
//! refresh-token rotation, and each way a login must fail.

use std::time::Duration;

use crate::common::*;
use extapps::api::ApiError;
use extapps::api::auth::AccessToken;
use extapps::api::error::OAuthCode;
use extapps::api::login::{self, AuthCode, LoginError, LoginRequest, PendingLogin};
use extapps::domain::permissions::{Action, allows};
use extapps::sim::{DEMO_LOGIN_CLIENT_ID, DEMO_USER_ID, DEMO_USER_NAME, SimHandle};
use secrecy::{ExposeSecret, SecretString};

const T: Duration = Duration::from_secs(5);

fn request(scopes: &[&str]) -> LoginRequest {
    LoginRequest {
        client_id: DEMO_LOGIN_CLIENT_ID.to_owned(),
        client_secret: None,
        // A free port, registered on the app once known (see `prepared`): the server compares
        // redirect URIs exactly.
        redirect_uri: "http://localhost:0".to_owned(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// What a browser does: GET the authorize URL, read the 302's Location.
async fn authorize(url: &str) -> (u16, Option<String>) {
    let resp = no_redirects().get(url).send().await.unwrap();
    let loc = resp
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (resp.status().as_u16(), loc)
}

/// Starts the listener, plays the browser against `location_of(authorize URL)`, returns the
/// listener's outcome and the page the browser got.
async fn browse(
    pending: PendingLogin,
    rewrite: impl FnOnce(String) -> String,
) -> (Result<AuthCode, LoginError>, String) {
    let url = pending.authorize_url.to_string();
    let waiting = tokio::spawn(pending.wait(T));
    let (status, location) = authorize(&url).await;
    assert_eq!(status, 302, "{location:?}");
    let page = no_redirects()
        .get(rewrite(location.unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (waiting.await.unwrap(), page)
}

/// Binds the listener and registers its exact URI on the app, as an admin would.
async fn prepared(h: &SimHandle, req: &LoginRequest) -> PendingLogin {
    let pending = login::prepare(&h.endpoints(), req).await.unwrap();
    assert!(
        h.state()
            .register_redirect_uri(&req.client_id, &pending.redirect_uri)
    );
    pending
}

async fn code_for(h: &SimHandle, req: &LoginRequest) -> AuthCode {
    let pending = prepared(h, req).await;
    let (code, page) = browse(pending, |l| l).await;
    assert!(page.contains("close this tab"), "{page}");
    code.unwrap()
}

#[tokio::test]
async fn login_end_to_end_then_refresh_rotates() {
    let h = sim().await;
    let req = request(&["OR.Jobs", "OR.Folders.Read", "offline_access"]);
    let code = code_for(&h, &req).await;
    let http = reqwest::Client::new();
    let resp = login::exchange_code(&http, &h.token_url(), &req, &code, T)
        .await
        .unwrap();
    let tok = AccessToken::from_response(&resp, jiff::Timestamp::now());
    let claims = tok.claims.as_ref().unwrap();
    assert_eq!(claims.str_claim("sub"), Some(DEMO_USER_ID));
    assert_eq!(claims.str_claim("name"), Some(DEMO_USER_NAME));
    assert_eq!(claims.client_id(), Some(DEMO_LOGIN_CLIENT_ID));
    assert_eq!(claims.partition_id(), Some(h.partition_id.as_str()));
    assert_eq!(
        tok.scopes(),
        vec!["OR.Default", "OR.Jobs", "OR.Folders.Read", "offline_access"]
    );
    let missing = allows(&tok.scopes(), Action::List).unwrap_err();
    assert_eq!(missing.action, Action::List);
    assert_eq!(missing.needs, Action::List.needs());

    // Refresh tokens rotate: each renewal gives a new one and the old one is dead.
    let first = resp
        .refresh_token
        .expect("offline_access gives a refresh token");
    let renewed = login::refresh(&http, &h.token_url(), DEMO_LOGIN_CLIENT_ID, None, &first, T)
        .await
        .unwrap();
    let second = renewed.refresh_token.clone().unwrap();
    assert_ne!(second.expose_secret(), first.expose_secret());
    assert!(
        jiff::Timestamp::now().as_second()
            < AccessToken::from_response(&renewed, jiff::Timestamp::now())
                .expires_at
                .as_second()
    );
    let reused = login::refresh(&http, &h.token_url(), DEMO_LOGIN_CLIENT_ID, None, &first, T).await;
    assert!(
        matches!(
            reused,
            Err(ApiError::OAuth {
                code: OAuthCode::InvalidGrant,
                ..
            })
        ),
        "{reused:?}"
    );
    // Presenting a used one revoked its whole family, the current one included.
    let after = login::refresh(
        &http,
        &h.token_url(),
        DEMO_LOGIN_CLIENT_ID,
        None,
        &second,
        T,
    )
    .await;
    assert!(
        matches!(
            after,
            Err(ApiError::OAuth {
                code: OAuthCode::InvalidGrant,
                ..
            })
        ),
        "{after:?}"
    );

    // The code is single-use.
    let again = login::exchange_code(&http, &h.token_url(), &req, &code, T).await;
    assert!(matches!(
        again,
        Err(ApiError::OAuth {
            code: OAuthCode::InvalidGrant,
            ..
        })
    ));
}

#[tokio::test]
async fn reusing_a_code_revokes_the_refresh_token_it_produced() {
    let h = sim().await;
    let req = request(&["OR.Jobs", "offline_access"]);
    let code = code_for(&h, &req).await;
    let http = reqwest::Client::new();
    let resp = login::exchange_code(&http, &h.token_url(), &req, &code, T)
        .await
        .unwrap();
    let reused = login::exchange_code(&http, &h.token_url(), &req, &code, T).await;
    assert!(
        matches!(
            reused,
            Err(ApiError::OAuth {
                code: OAuthCode::InvalidGrant,
                ..
            })
        ),
        "{reused:?}"
    );
    let rt = resp.refresh_token.unwrap();
    let refused = login::refresh(&http, &h.token_url(), DEMO_LOGIN_CLIENT_ID, None, &rt, T).await;
    assert!(
        matches!(
            refused,
            Err(ApiError::OAuth {
                code: OAuthCode::InvalidGrant,
                ..
            })
        ),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_login_token_works_on_the_api_when_it_has_the_scopes() {
    let h = sim().await;
    let app = h
        .state()
        .add_app(
            "extapps login",
            false,
            Some("http://localhost:12700"),
            vec![extapps::api::model::ScopeRef {
                name: "PM.OAuthApp.Read".into(),
                kind: extapps::api::model::ScopeType::User,
            }],
        )
        .unwrap();
    let mut req = request(&["PM.OAuthApp.Read"]);
    req.client_id = app.id.clone();
    let code = code_for(&h, &req).await;
    let resp = login::exchange_code(&reqwest::Client::new(), &h.token_url(), &req, &code, T)
        .await
        .unwrap();
    assert!(
        resp.refresh_token.is_none(),
        "no offline_access, no refresh token"
    );
    let raw = reqwest::Client::new()
        .get(format!(
            "{}/api/ExternalClient/{}",
            h.api_base(),
            h.partition_id
        ))
        .bearer_auth(resp.access_token.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
}

#[tokio::test]
async fn a_wrong_verifier_is_refused() {
    let h = sim().await;
    let req = request(&["OR.Jobs"]);
    let mut code = code_for(&h, &req).await;
    code.verifier = SecretString::from(login::Pkce::new().verifier.expose_secret().to_owned());
    let err = login::exchange_code(&reqwest::Client::new(), &h.token_url(), &req, &code, T)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ApiError::OAuth { code: OAuthCode::InvalidGrant, description: Some(d) } if d.contains("code_verifier")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_wrong_state_is_refused_by_the_listener() {
    let h = sim().await;
    let pending = prepared(&h, &request(&["OR.Jobs"])).await;
    let (outcome, page) = browse(pending, |loc| {
        let mut u = url::Url::parse(&loc).unwrap();
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "state" {
                    "forged".into()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
        u.to_string()
    })
    .await;
    assert!(
        matches!(outcome, Err(LoginError::StateMismatch)),
        "{:?}",
        outcome.err()
    );
    assert!(page.contains("state does not match"));
}

#[tokio::test]
async fn refusals_come_back_through_the_redirect_or_as_a_page() {
    let h = sim().await;
    // A scope the app does not have: back to the client with error=invalid_scope.
    let pending = prepared(&h, &request(&["PM.OAuthApp"])).await;
    let (outcome, _) = browse(pending, |l| l).await;
    match outcome {
        Err(LoginError::Denied { error, .. }) => assert_eq!(error, "invalid_scope"),
        other => panic!("{:?}", other.err()),
    }
    // An unregistered redirect URI: the server cannot trust it and sends the browser to its
    // own error page instead.
    let mut req = request(&["OR.Jobs"]);
    req.redirect_uri = "http://localhost:0/elsewhere".into();
    let pending = login::prepare(&h.endpoints(), &req).await.unwrap();
    let (status, location) = authorize(pending.authorize_url.as_str()).await;
    assert_eq!(status, 302);
    let location = location.unwrap();
    assert!(
        location.starts_with("/identity_/web/?errorCode="),
        "{location}"
    );
    // The org-scoped authorize route answers too.
    let org_url = pending
        .authorize_url
        .as_str()
        .replace("/identity_/", &format!("/{}/identity_/", h.organization));
    assert_eq!(authorize(&org_url).await, (302, Some(location)));
}

#[tokio::test]
async fn an_expired_code_and_another_redirect_uri_are_refused() {
    let h = sim().await;
    let req = request(&["OR.Jobs"]);
    let http = reqwest::Client::new();
    let mut code = code_for(&h, &req).await;
    code.redirect_uri = "http://localhost:12700".into();
    let err = login::exchange_code(&http, &h.token_url(), &req, &code, T)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("redirect_uri"), "{err}");

    let code = code_for(&h, &req).await;
    h.state().advance_clock(Duration::from_secs(61));
    let err = login::exchange_code(&http, &h.token_url(), &req, &code, T)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");
}
