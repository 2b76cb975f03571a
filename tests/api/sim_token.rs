//! The simulator's token endpoint, spoken to with plain HTTP as any client would.

use std::time::Duration;

use extapps::api::jwt;
use extapps::sim::{self, RateLimits, SimHandle, SimSettings};
use serde_json::Value;

async fn sim() -> SimHandle {
    sim::start(SimSettings::default()).await.unwrap()
}

async fn token_form(url: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(url)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn cc<'a>(id: &'a str, secret: &'a str, scope: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "client_credentials"),
        ("client_id", id),
        ("client_secret", secret),
        ("scope", scope),
    ]
}

fn assert_oauth(got: (u16, Value), error: &str) -> Value {
    assert_eq!(got.0, 400, "{:?}", got.1);
    assert_eq!(got.1["error"], error, "{:?}", got.1);
    got.1
}

#[tokio::test]
async fn client_credentials_success_shape_and_claims() {
    let h = sim().await;
    let (status, body) = token_form(
        &h.token_url(),
        &cc(
            "demo-admin",
            "demo-admin-secret",
            "PM.OAuthApp PM.User.Read",
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    // OR.Default comes with every token, unasked.
    assert_eq!(body["scope"], "OR.Default PM.OAuthApp PM.User.Read");
    let tok = jwt::decode(body["access_token"].as_str().unwrap()).unwrap();
    assert_eq!(tok.header["alg"], "HS256");
    assert_eq!(tok.header["typ"], "JWT");
    assert!(tok.header["kid"].is_string());
    assert_eq!(tok.partition_id(), Some(h.partition_id.as_str()));
    assert_eq!(tok.client_id(), Some("demo-admin"));
    assert!(tok.claims["scope"].is_array());
    assert_eq!(
        tok.scopes(),
        vec!["OR.Default", "PM.OAuthApp", "PM.User.Read"]
    );
    for c in ["sub", "iss", "aud", "iat", "nbf", "exp"] {
        assert!(tok.claims.contains_key(c), "{c}");
    }
    assert_eq!(
        tok.exp().unwrap() - tok.int_claim("iat").unwrap(),
        3600,
        "one hour"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn empty_scope_grants_every_application_scope_and_org_route_works() {
    let h = sim().await;
    let url = format!("{}/connect/token", h.api_base());
    let (status, body) = token_form(&url, &cc("demo-reader", "demo-reader-secret", "")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "OR.Default PM.OAuthApp.Read");
    // Without a scope field at all too.
    let (status, body) = token_form(
        &h.token_url(),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-admin"),
            ("client_secret", "demo-admin-secret"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["scope"]
            .as_str()
            .unwrap()
            .split(' ')
            .any(|s| s == "PM.OAuthAppSecret.Write")
    );
    let by_guid = format!("{}{}/identity_/connect/token", h.base_url, h.partition_id);
    assert_eq!(
        token_form(&by_guid, &cc("demo-admin", "demo-admin-secret", ""))
            .await
            .0,
        200
    );
    let unknown_org = format!("{}nope/identity_/connect/token", h.base_url);
    assert_eq!(
        token_form(&unknown_org, &cc("demo-admin", "demo-admin-secret", ""))
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn client_secret_basic_is_accepted() {
    let h = sim().await;
    let resp = reqwest::Client::new()
        .post(h.token_url())
        .basic_auth("demo-admin", Some("demo-admin-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn invalid_client_for_unknown_wrong_expired_and_public() {
    let h = sim().await;
    let url = h.token_url();
    assert_oauth(
        token_form(&url, &cc("no-such-app", "x", "")).await,
        "invalid_client",
    );
    assert_oauth(
        token_form(&url, &cc("demo-admin", "wrong", "")).await,
        "invalid_client",
    );
    assert_oauth(
        token_form(
            &url,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "demo-admin"),
            ],
        )
        .await,
        "invalid_client",
    );
    // The demo's Invoice Processing Bot keeps an expired secret with a known value.
    assert_oauth(
        token_form(
            &url,
            &cc(
                "3f0b6a52-8c1e-4d7a-9b2f-1e5c7d9a0b14",
                "invoice-bot-expired-secret",
                "",
            ),
        )
        .await,
        "invalid_client",
    );
    // A public app cannot use client credentials, whatever it sends: unauthorized_client,
    // as the live server answers.
    assert_oauth(
        token_form(&url, &cc("c4a7b2d9-1e6f-4a85-b0c3-9d8e7f6a5b21", "", "")).await,
        "unauthorized_client",
    );
}

#[tokio::test]
async fn scope_errors() {
    let h = sim().await;
    let url = h.token_url();
    let admin = |scope: &'static str| cc("demo-admin", "demo-admin-secret", scope);
    assert_oauth(token_form(&url, &admin("OR.Jobs")).await, "invalid_scope");
    assert_oauth(
        token_form(&url, &admin("No.Such.Scope")).await,
        "invalid_scope",
    );
    assert_oauth(
        token_form(&url, &admin("PM.OAuthApp offline_access")).await,
        "invalid_scope",
    );
    let long = "PM.OAuthApp ".repeat(120);
    let body = assert_oauth(
        token_form(&url, &cc("demo-admin", "demo-admin-secret", &long)).await,
        "invalid_request",
    );
    assert_eq!(body["error_description"], "Invalid scope");

    // The Queue Monitor bot holds OR.Tasks.Read as a user scope only.
    let state = h.state();
    let id = "6c5b4a39-2817-4f6e-ad5c-4b3a29180f7e";
    state.add_secret(id, "known-value", None).unwrap();
    let body = assert_oauth(
        token_form(&url, &cc(id, "known-value", "OR.Tasks.Read")).await,
        "invalid_request",
    );
    assert_eq!(
        body["error_description"],
        format!("Client={id} is not allowed to access User scopes")
    );
    // Its application scopes still work with the same secret.
    assert_eq!(
        token_form(&url, &cc(id, "known-value", "OR.Queues.Read"))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn other_grants_and_bad_requests() {
    let h = sim().await;
    let url = h.token_url();
    assert_oauth(
        token_form(
            &url,
            &[("grant_type", "password"), ("client_id", "demo-admin")],
        )
        .await,
        "unsupported_grant_type",
    );
    // The login grants exist (tests/api/login_flow.rs); a confidential app needs its secret there.
    for grant in ["authorization_code", "refresh_token"] {
        assert_oauth(
            token_form(&url, &[("grant_type", grant), ("client_id", "demo-admin")]).await,
            "invalid_client",
        );
    }
    assert_oauth(
        token_form(&url, &[("client_id", "demo-admin")]).await,
        "invalid_request",
    );
    let resp = reqwest::Client::new()
        .post(&url)
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
}

#[tokio::test]
async fn token_endpoint_is_not_rate_limited() {
    let h = sim::start(SimSettings {
        rate_limits: RateLimits {
            window: Duration::from_secs(60),
            get: 1,
            post: 1,
            put: 1,
            delete: 1,
        },
        ..SimSettings::default()
    })
    .await
    .unwrap();
    for _ in 0..5 {
        assert_eq!(
            token_form(&h.token_url(), &cc("demo-admin", "demo-admin-secret", ""))
                .await
                .0,
            200
        );
    }
}
