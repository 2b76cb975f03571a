//! Decoding and inspecting tokens the simulator made, odd tokens that must not panic, and the
//! "test a token for an app" outcomes with their explanations.

use crate::common::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use extapps::api::app_token::test_app_token;
use extapps::api::inspect::{Expiry, inspect};
use extapps::api::jwt::{self, JwtError};
use extapps::domain::permissions::Action;
use extapps::domain::token_check::default_scopes;
use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

#[tokio::test]
async fn simulator_tokens_decode_into_the_inspector() {
    let h = sim().await;
    let tok = reader(&h).token().await.unwrap();
    let d = jwt::decode(tok.value.expose_secret()).unwrap();
    let v = inspect(&d, Timestamp::now());
    let row = |n: &str| v.claims.iter().find(|r| r.name == n).unwrap().clone();
    assert_eq!(row("prt_id").label, "organization id");
    assert_eq!(row("prt_id").value, h.partition_id);
    assert_eq!(row("client_id").value, "demo-reader");
    assert!(row("iss").value.ends_with("/identity_"));
    assert!(row("exp").detail.unwrap().starts_with("in "));
    assert!(matches!(v.expiry, Expiry::Valid { seconds_left } if seconds_left > 3500));
    let header: Vec<_> = v.header.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(header, ["alg", "kid", "typ"]);
    // OR.Default, granted unasked, and the reader's PM.OAuthApp.Read.
    let prefixes: Vec<_> = v.scopes.iter().map(|g| g.prefix.as_str()).collect();
    assert_eq!(prefixes, ["OR", "PM"]);
    let allowed: Vec<Action> = v
        .permissions
        .iter()
        .filter(|p| p.allowed.is_ok())
        .map(|p| p.action)
        .collect();
    assert_eq!(allowed, [Action::List, Action::Show]);

    // A token issued with hand-picked scopes reads the same way.
    let raw = h.state().issue_token(
        "demo-admin",
        &["OR.Jobs", "Du.Extraction.Api", "PM.OAuthAppSecret.Write"],
    );
    let v = inspect(&jwt::decode(&raw).unwrap(), Timestamp::now());
    let prefixes: Vec<_> = v.scopes.iter().map(|g| g.prefix.as_str()).collect();
    assert_eq!(prefixes, ["DU", "OR", "PM"]);
    let secret_rows: Vec<_> = v
        .permissions
        .iter()
        .filter(|p| p.allowed.is_ok())
        .map(|p| p.action)
        .collect();
    assert_eq!(secret_rows, [Action::NewSecret, Action::DeleteSecret]);
}

fn forged(claims: serde_json::Value) -> String {
    format!(
        "{}.sig",
        jwt::encode_parts(&json!({"alg": "RS256", "typ": "JWT"}), &claims)
    )
}

#[test]
fn odd_tokens_decode_or_fail_cleanly() {
    for (scope, expect) in [
        (
            json!(["PM.OAuthApp", "OR.Jobs"]),
            vec!["PM.OAuthApp", "OR.Jobs"],
        ),
        (json!("PM.OAuthApp"), vec!["PM.OAuthApp"]),
        (
            json!("PM.OAuthApp  OR.Jobs"),
            vec!["PM.OAuthApp", "OR.Jobs"],
        ),
        (json!(42), vec![]),
    ] {
        let d = jwt::decode(&forged(json!({ "scope": scope }))).unwrap();
        assert_eq!(d.scopes(), expect);
        let _ = inspect(&d, Timestamp::now());
    }
    let d = jwt::decode(&forged(
        json!({"exp": "not a number", "iat": -1e300, "aud": {"x": 1}}),
    ))
    .unwrap();
    let v = inspect(&d, Timestamp::now());
    assert_eq!(v.expiry, Expiry::Unknown);

    let big = forged(json!({"pad": "x".repeat(100 * 1024), "scope": "OR.Jobs"}));
    assert!(big.len() > 100 * 1024);
    assert_eq!(jwt::decode(&big).unwrap().scopes(), ["OR.Jobs"]);

    assert_eq!(jwt::decode("not a jwt"), Err(JwtError::NotAJwt));
    assert_eq!(jwt::decode(""), Err(JwtError::NotAJwt));
    assert_eq!(jwt::decode("a.b"), Err(JwtError::NotAJwt));
    assert_eq!(jwt::decode("é.ü.x"), Err(JwtError::Base64("header")));
    let header = URL_SAFE_NO_PAD.encode(b"{}");
    assert_eq!(
        jwt::decode(&format!("{header}.%%%.x")),
        Err(JwtError::Base64("payload"))
    );
    assert_eq!(
        jwt::decode(&format!("{header}.{}.x", URL_SAFE_NO_PAD.encode(b"[1,2]"))),
        Err(JwtError::NotJson("payload"))
    );
    // Every prefix of a real token: an error or a token, never a panic.
    let real = forged(json!({"scope": ["OR.Jobs"], "exp": 1}));
    for i in 0..real.len() {
        if real.is_char_boundary(i) {
            let _ = jwt::decode(&real[..i]).map(|d| inspect(&d, Timestamp::now()));
        }
    }
}

#[tokio::test]
async fn testing_an_app_token_shows_granted_next_to_requested() {
    let h = sim().await;
    let admin = admin(&h);
    let app = admin.get_app("demo-reader").await.unwrap();
    let secret = SecretString::from(READER_SECRET.to_owned());
    let scopes = default_scopes(&app);
    assert_eq!(scopes, ["PM.OAuthApp.Read"]);
    let out = test_app_token(&admin, &app, &secret, &scopes, Timestamp::now()).await;
    let granted = out.result.unwrap();
    assert_eq!(granted.granted, ["OR.Default", "PM.OAuthApp.Read"]);
    assert!(granted.not_granted.is_empty());
    assert_eq!(granted.view.unwrap().claims[0].name, "prt_id");
}

#[tokio::test]
async fn testing_an_app_token_explains_each_refusal() {
    let h = sim().await;
    let admin = admin(&h);
    let now = Timestamp::now();
    let reader_app = admin.get_app("demo-reader").await.unwrap();
    let good = SecretString::from(READER_SECRET.to_owned());

    let wrong = SecretString::from("nope".to_owned());
    let out = test_app_token(&admin, &reader_app, &wrong, &[], now).await;
    let why = out.result.unwrap_err().explanation;
    assert!(
        why.contains("invalid_client") && why.contains("expired"),
        "{why}"
    );

    let asked = vec!["PM.OAuthApp.Read".to_owned(), "OR.Jobs".to_owned()];
    let out = test_app_token(&admin, &reader_app, &good, &asked, now).await;
    let why = out.result.unwrap_err().explanation;
    assert!(why.contains("not registered application scopes"), "{why}");
    assert!(why.ends_with("OR.Jobs."), "{why}");

    // A confidential app with user scopes too: asking for those through client credentials.
    let teams = admin
        .get_app("6c5b4a39-2817-4f6e-ad5c-4b3a29180f7e")
        .await
        .unwrap();
    let value = "teams-secret-for-the-test";
    h.state().add_secret(&teams.id, value, None).unwrap();
    let out = test_app_token(
        &admin,
        &teams,
        &SecretString::from(value.to_owned()),
        &["OR.Tasks.Read".to_owned()],
        now,
    )
    .await;
    let why = out.result.unwrap_err().explanation;
    assert!(why.contains("user scopes cannot be asked"), "{why}");
    assert!(why.contains("OR.Tasks.Read"), "{why}");

    let public = admin
        .get_app(extapps::sim::DEMO_LOGIN_CLIENT_ID)
        .await
        .unwrap();
    let out = test_app_token(&admin, &public, &good, &[], now).await;
    assert!(out.result.unwrap_err().explanation.contains("public app"));
}
