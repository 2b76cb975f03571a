//! Behaviours of the live server (issue 13, docs/server-behaviour.md): each one in the simulator,
//! spoken to over HTTP, and in the client that has to cope with it.

use std::time::Duration;

use crate::common::*;
use extapps::api::ApiError;
use extapps::api::auth::{ClientCredentials, management_token};
use extapps::api::error::OAuthCode;
use extapps::api::login::{self, LoginRequest};
use extapps::api::model::{ScopeRef, ScopeType, UpdateAppRequest};
use extapps::cli::Failure;
use extapps::sim::{DEMO_LOGIN_CLIENT_ID, DEMO_LOGIN_REDIRECT_URI, SimHandle, SimSettings};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

const PUBLIC_APP: &str = DEMO_LOGIN_CLIENT_ID;

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn raw_token(h: &SimHandle, id: &str, secret: &str, scope: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(h.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
            ("scope", scope),
        ])
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

fn apps_url(h: &SimHandle) -> String {
    format!("{}/api/ExternalClient/{}", h.api_base(), h.partition_id)
}

async fn admin_token(h: &SimHandle) -> String {
    let (s, v) = raw_token(h, h.admin_client_id(), h.admin_secret(), "PM.OAuthApp").await;
    assert_eq!(s, 200, "{v}");
    v["access_token"].as_str().unwrap().to_owned()
}

/// Method, URL and optional raw body as the admin: status and the body's bytes.
async fn call(
    h: &SimHandle,
    method: reqwest::Method,
    url: &str,
    body: Option<&str>,
) -> (u16, Vec<u8>) {
    let mut req = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(admin_token(h).await);
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_owned());
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
}

// ---- a public app and client credentials --------------------------------------------------

#[tokio::test]
async fn a_public_app_asking_for_client_credentials_gets_unauthorized_client() {
    let h = sim().await;
    let (s, v) = raw_token(&h, PUBLIC_APP, "anything", "").await;
    assert_eq!(
        (s, v["error"].as_str()),
        (400, Some("unauthorized_client")),
        "{v}"
    );

    // The CLI says why and what to use instead.
    let err = client_as(&h, PUBLIC_APP, "anything", &["OR.Jobs"])
        .list_apps()
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ApiError::OAuth {
                code: OAuthCode::UnauthorizedClient,
                ..
            }
        ),
        "{err:?}"
    );
    let message = Failure::from(err).message;
    assert!(message.contains("public apps sign users in"), "{message}");
    assert!(message.contains("confidential app"), "{message}");

    // The TUI's token test, on an app it still believes confidential (changed since loaded).
    let mut app = h.state().app(PUBLIC_APP).unwrap();
    app.is_confidential = true;
    let outcome = extapps::api::app_token::test_app_token(
        &admin(&h),
        &app,
        &SecretString::from("anything".to_owned()),
        &["OR.Jobs".to_owned()],
        jiff::Timestamp::now(),
    )
    .await;
    let refused = outcome.result.unwrap_err();
    assert!(
        refused.explanation.starts_with("unauthorized_client")
            && refused.explanation.contains("Public apps sign users in")
            && refused.explanation.contains("confidential app"),
        "{}",
        refused.explanation
    );
}

// ---- the login's redirect URI -------------------------------------------------------------

#[tokio::test]
async fn a_redirect_uri_not_registered_exactly_ends_on_identitys_error_page() {
    let h = sim().await;
    let authorize = |redirect: &str| {
        let mut url = url::Url::parse(&h.authorize_url()).unwrap();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", PUBLIC_APP)
            .append_pair("redirect_uri", redirect)
            .append_pair("scope", "OR.Jobs")
            .append_pair(
                "code_challenge",
                &login::challenge_for("a-verifier-of-some-length-a-verifier-of-some-length"),
            )
            .append_pair("code_challenge_method", "S256");
        url.to_string()
    };
    let location = |url: String| async move {
        let resp = no_redirects().get(url).send().await.unwrap();
        assert_eq!(resp.status(), 302);
        resp.headers()["location"].to_str().unwrap().to_owned()
    };
    // Registered: back to the client with a code.
    let back = location(authorize(DEMO_LOGIN_REDIRECT_URI)).await;
    assert!(back.starts_with("http://localhost:12700/?code="), "{back}");
    // Another port, or a trailing slash: Identity's own page, never the client.
    for near_miss in ["http://localhost:12701", "http://localhost:12700/"] {
        let page = location(authorize(near_miss)).await;
        assert!(
            page.starts_with("/identity_/web/?errorCode="),
            "{near_miss}: {page}"
        );
        let resp = reqwest::get(format!("{}{}", h.base_url, page.trim_start_matches('/')))
            .await
            .unwrap();
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(resp.text().await.unwrap().contains("errorCode="));
    }

    // The client never hears of that page: its timeout says what to register, exactly.
    let req = LoginRequest {
        client_id: PUBLIC_APP.to_owned(),
        client_secret: None,
        redirect_uri: "http://localhost:0".to_owned(),
        scopes: vec!["OR.Jobs".to_owned()],
    };
    let pending = login::prepare(&h.endpoints(), &req).await.unwrap();
    let used = pending.redirect_uri.clone();
    let page = location(pending.authorize_url.to_string()).await;
    assert!(page.starts_with("/identity_/web/"), "{page}");
    let Err(err) = pending.wait(Duration::from_millis(300)).await else {
        panic!("no redirect can come back");
    };
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "If the browser showed an Identity error page, register exactly {used} as a redirect URI of the app"
        )),
        "{text}"
    );
}

// ---- the three shapes of error bodies -----------------------------------------------------

#[tokio::test]
async fn each_error_comes_in_the_shape_the_live_server_uses_and_the_client_reads_them_all() {
    let h = sim().await;
    // 403, missing scope: errorMessage.
    let (_, v) = raw_token(&h, READER_ID, READER_SECRET, "").await;
    let reader_token = v["access_token"].as_str().unwrap().to_owned();
    let resp = reqwest::Client::new()
        .post(format!("{}/api/ExternalClient", h.api_base()))
        .bearer_auth(&reader_token)
        .json(&json!({"partitionGlobalId": h.partition_id, "name": "x", "isConfidential": true, "scopes": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let v: Value = resp.json().await.unwrap();
    assert!(
        v["errorMessage"]
            .as_str()
            .unwrap()
            .contains("Expect to have 'PM.OAuthApp' or 'PM.OAuthApp.Write'"),
        "{v}"
    );
    // 400, validation: StatusCode / StatusDescription / Message.
    let (s, body) = call(
        &h,
        reqwest::Method::POST,
        &format!("{}/api/ExternalClient", h.api_base()),
        Some(
            &json!({"partitionGlobalId": h.partition_id, "name": "x", "isConfidential": true,
            "scopes": [{"name": "OR.Nope", "type": 1}]})
            .to_string(),
        ),
    )
    .await;
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(s, 400);
    assert_eq!(v["StatusCode"], 400);
    assert_eq!(
        v["Message"],
        "Not all scopes=OR.Nope are present in database"
    );
    // 400, a body that does not bind: ProblemDetails.
    let (s, body) = call(
        &h,
        reqwest::Method::POST,
        &format!("{}/api/ExternalClient", h.api_base()),
        Some("{not json"),
    )
    .await;
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(s, 400);
    assert_eq!(v["title"], "One or more validation errors occurred.");
    assert!(v["errors"]["$"][0].is_string(), "{v}");

    // The client shows the message of each.
    let err = reader(&h)
        .create_app("x", true, None, vec![])
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("(server said: Scope(s) '"),
        "{err}"
    );
    let err = admin(&h)
        .create_app(
            "x",
            true,
            None,
            vec![ScopeRef {
                name: "OR.Nope".into(),
                kind: ScopeType::Application,
            }],
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the server rejected the request: Not all scopes=OR.Nope are present in database"
    );
}

// ---- malformed ids ------------------------------------------------------------------------

#[tokio::test]
async fn a_malformed_partition_or_secret_id_is_a_400_and_the_client_says_which() {
    let h = sim().await;
    let base = format!("{}/api/ExternalClient", h.api_base());
    for url in [
        format!("{base}/not-a-guid"),
        format!("{base}/not-a-guid/demo-reader"),
        format!("{base}/{}/secrets/abc", h.partition_id),
    ] {
        let method = if url.contains("secrets") {
            reqwest::Method::DELETE
        } else {
            reqwest::Method::GET
        };
        let (s, body) = call(&h, method, &url, None).await;
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(s, 400, "{url}: {v}");
        assert!(v["errors"].is_object(), "{v}");
    }
    // A well-formed id of another organization is still not found.
    let (s, _) = call(
        &h,
        reqwest::Method::GET,
        &format!("{base}/00000000-0000-0000-0000-000000000000"),
        None,
    )
    .await;
    assert_eq!(s, 404);

    let mut cfg = client_config(&h, h.admin_client_id(), h.admin_secret(), &[]);
    cfg.partition_id = Some("not-a-guid".to_owned());
    let err = extapps::api::IdentityClient::new(cfg)
        .unwrap()
        .list_apps()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the server rejected the request: One or more validation errors occurred: partitionGlobalId: The value 'not-a-guid' is not valid."
    );
    let message = Failure::from(err).message;
    assert!(message.contains("check UIPATH_PARTITION_ID"), "{message}");
}

// ---- PUT answers 200 with an empty body ---------------------------------------------------

#[tokio::test]
async fn put_answers_200_with_no_body_and_the_client_reads_the_app_back() {
    let h = sim().await;
    let url = format!("{}/demo-reader", apps_url(&h));
    let body = json!({"name": "Renamed", "scopes": [{"name": "PM.OAuthApp.Read", "type": 1}]});
    let (s, bytes) = call(&h, reqwest::Method::PUT, &url, Some(&body.to_string())).await;
    assert_eq!((s, bytes.len()), (200, 0));

    let update = UpdateAppRequest {
        name: "Renamed again".into(),
        redirect_uri: None,
        scopes: vec![ScopeRef {
            name: "PM.OAuthApp.Read".into(),
            kind: ScopeType::Application,
        }],
        client_certificates: None,
    };
    let app = admin(&h).update_app("demo-reader", &update).await.unwrap();
    assert_eq!(app.name, "Renamed again");
}

// ---- read lag -----------------------------------------------------------------------------

#[tokio::test]
async fn with_read_lag_a_read_right_after_a_write_shows_the_old_state_and_a_later_one_the_new() {
    let h = sim_with(SimSettings {
        read_lag: Duration::from_secs(5),
        ..SimSettings::default()
    })
    .await;
    let client = admin(&h);
    let before = client.get_app("demo-reader").await.unwrap();
    let body = json!({"name": "Renamed", "scopes": [{"name": "PM.OAuthApp.Read", "type": 1}]});
    let url = format!("{}/demo-reader", apps_url(&h));
    assert_eq!(
        call(&h, reqwest::Method::PUT, &url, Some(&body.to_string()))
            .await
            .0,
        200
    );
    // The write is applied (the truth changed) but reads do not show it yet.
    assert_eq!(h.state().app("demo-reader").unwrap().name, "Renamed");
    assert_eq!(
        client.get_app("demo-reader").await.unwrap().name,
        before.name
    );
    let listed = client.list_apps().await.unwrap();
    assert!(listed.iter().any(|a| a.name == before.name));
    // A new app, a new secret and a deletion lag the same way.
    let created = client
        .create_app("Lagging", true, None, vec![])
        .await
        .unwrap();
    assert!(client.get_app(&created.id).await.is_err());
    assert!(
        !client
            .list_apps()
            .await
            .unwrap()
            .iter()
            .any(|a| a.id == created.id)
    );
    let secrets = before.secrets.len();
    client
        .generate_secret("demo-reader", None, None)
        .await
        .unwrap();
    assert_eq!(
        client.get_app("demo-reader").await.unwrap().secrets.len(),
        secrets
    );
    client.delete_app(&created.id).await.unwrap();

    h.state().advance_clock(Duration::from_secs(6));
    let after = client.get_app("demo-reader").await.unwrap();
    assert_eq!(after.name, "Renamed");
    assert_eq!(after.secrets.len(), secrets + 1);
    let listed = client.list_apps().await.unwrap();
    assert!(listed.iter().any(|a| a.name == "Renamed"));
    assert!(!listed.iter().any(|a| a.id == created.id));
}

#[tokio::test]
async fn a_deleted_app_stays_readable_for_the_lag() {
    let h = sim_with(SimSettings {
        read_lag: Duration::from_secs(5),
        ..SimSettings::default()
    })
    .await;
    let client = admin(&h);
    client.delete_app("demo-reader").await.unwrap();
    assert!(h.state().app("demo-reader").is_none());
    assert!(client.get_app("demo-reader").await.is_ok());
    assert!(
        client
            .list_apps()
            .await
            .unwrap()
            .iter()
            .any(|a| a.id == "demo-reader")
    );
    h.state().advance_clock(Duration::from_secs(6));
    assert!(matches!(
        client.get_app("demo-reader").await,
        Err(ApiError::NotFound { .. })
    ));
}

// ---- the scope catalog and OR.Default -----------------------------------------------------

#[tokio::test]
async fn the_catalog_has_the_scopes_seen_live_and_or_default_comes_unasked() {
    let h = sim().await;
    for catalog in [
        h.state().catalog(),
        extapps::domain::app_rules::fallback_catalog(),
    ] {
        let kind = |n: &str| {
            catalog
                .iter()
                .flat_map(|r| &r.scopes)
                .find(|s| s.name.as_ref() as &str == n)
                .map(|s| s.kind)
        };
        for n in [
            "OR.Analytics",
            "OR.BackgroundTasks",
            "OR.Hypervisor",
            "OR.ML",
            "PM.Audit",
        ] {
            assert!(kind(n).is_some(), "{n}");
        }
        for n in ["Apps", "Apps.Read", "Apps.Write"] {
            assert!(kind(n).unwrap().allows_application(), "{n}");
        }
    }
    // Granted without being asked for.
    let (s, v) = raw_token(&h, READER_ID, READER_SECRET, "PM.OAuthApp.Read").await;
    assert_eq!(s, 200);
    assert_eq!(v["scope"], "OR.Default PM.OAuthApp.Read");
    let tok = reader(&h).token().await.unwrap();
    assert!(
        tok.scopes().iter().any(|s| s == "OR.Default"),
        "{:?}",
        tok.scopes()
    );

    // Cannot be selected: the CLI refuses it before sending anything.
    let catalog = h.state().catalog();
    let err = extapps::cli::app_edit::parse_scopes(&["OR.Default".to_owned()], true, &catalog)
        .unwrap_err();
    assert_eq!(err.code, 2);
    assert!(
        err.message.contains(
            "OR.Default is granted to every token without being asked for; it cannot be selected"
        ),
        "{}",
        err.message
    );
}

// ---- asking only for the scopes extapps needs ---------------------------------------------

/// A confidential app holding `scopes` as application scopes, with a known secret.
fn planted(h: &SimHandle, name: &str, scopes: &[&str]) -> (String, String) {
    let app = h
        .state()
        .add_app(
            name,
            true,
            None,
            scopes
                .iter()
                .map(|s| ScopeRef {
                    name: (*s).to_owned(),
                    kind: ScopeType::Application,
                })
                .collect(),
        )
        .unwrap();
    let secret = "planted-secret-value";
    h.state().add_secret(&app.id, secret, None).unwrap();
    (app.id, secret.to_owned())
}

/// Every application-capable scope of the catalog except the PM.OAuthApp family.
fn many_scopes(h: &SimHandle) -> Vec<String> {
    h.state()
        .catalog()
        .iter()
        .flat_map(|r| r.scopes.iter())
        .filter(|s| s.kind.allows_application())
        .map(|s| s.name.to_string())
        .filter(|n| !n.starts_with("PM.OAuthApp") && n != "OR.Default")
        .collect()
}

fn creds(id: &str, secret: &str, scopes: &[&str]) -> ClientCredentials {
    ClientCredentials {
        client_id: id.to_owned(),
        client_secret: SecretString::from(secret.to_owned()),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[tokio::test]
async fn an_app_holding_every_scope_gets_a_token_because_extapps_asks_only_for_what_it_needs() {
    let h = sim().await;
    let mut all = many_scopes(&h);
    all.push("PM.OAuthApp".to_owned());
    let names: Vec<&str> = all.iter().map(String::as_str).collect();
    let (id, secret) = planted(&h, "Holds everything", &names);
    // Asking for everything it holds: too long.
    let (s, v) = raw_token(&h, &id, &secret, "").await;
    assert_eq!(
        (s, v["error"].as_str()),
        (400, Some("invalid_scope")),
        "{v}"
    );
    // extapps without configured scopes asks for PM.OAuthApp and can work.
    let client = client_as(&h, &id, &secret, &[]);
    assert_eq!(
        client.token().await.unwrap().scopes(),
        vec!["OR.Default", "PM.OAuthApp"]
    );
    assert!(client.list_apps().await.is_ok());
    // The configured scopes win.
    let client = client_as(&h, &id, &secret, &["Traces.Api"]);
    assert_eq!(
        client.token().await.unwrap().scopes(),
        vec!["OR.Default", "Traces.Api"]
    );
}

#[tokio::test]
async fn an_app_with_only_narrow_scopes_gets_them_by_falling_back() {
    let h = sim().await;
    let http = reqwest::Client::new();
    let t = Duration::from_secs(5);
    // The demo reader holds PM.OAuthApp.Read only.
    let (resp, step) = management_token(
        &http,
        &h.token_url(),
        &creds(READER_ID, READER_SECRET, &[]),
        0,
        t,
    )
    .await
    .unwrap();
    assert_eq!(resp.scope.as_deref(), Some("OR.Default PM.OAuthApp.Read"));
    assert_eq!(step, 3);
    assert!(reader(&h).list_apps().await.is_ok());
    let (id, secret) = planted(
        &h,
        "Writer",
        &[
            "PM.OAuthApp.Read",
            "PM.OAuthApp.Write",
            "PM.OAuthAppSecret.Write",
        ],
    );
    let (resp, _) = management_token(&http, &h.token_url(), &creds(&id, &secret, &[]), 0, t)
        .await
        .unwrap();
    assert_eq!(
        resp.scope.as_deref(),
        Some("OR.Default PM.OAuthApp.Read PM.OAuthApp.Write PM.OAuthAppSecret.Write")
    );
    // A wrong secret is not tried again with other scopes.
    let err = management_token(&http, &h.token_url(), &creds(READER_ID, "wrong", &[]), 0, t)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::OAuth {
                code: OAuthCode::InvalidClient,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn invalid_scope_for_an_empty_request_says_why() {
    let h = sim().await;
    let many = many_scopes(&h);
    let names: Vec<&str> = many.iter().map(String::as_str).collect();
    let (id, secret) = planted(&h, "Holds too much", &names);
    let err = client_as(&h, &id, &secret, &[])
        .list_apps()
        .await
        .unwrap_err();
    let message = Failure::from(err).message;
    assert!(
        message.contains("the app holds so many scopes that the granted list is too long")
            && message.contains("set UIPATH_AUTH_SCOPES to PM.OAuthApp"),
        "{message}"
    );
}

// ---- refresh tokens -----------------------------------------------------------------------

#[tokio::test]
async fn refresh_tokens_are_single_use_and_last_sixty_days() {
    let h = sim().await;
    let req = LoginRequest {
        client_id: PUBLIC_APP.to_owned(),
        client_secret: None,
        redirect_uri: "http://localhost:0".to_owned(),
        scopes: vec!["OR.Jobs".to_owned(), "offline_access".to_owned()],
    };
    let pending = login::prepare(&h.endpoints(), &req).await.unwrap();
    h.state()
        .register_redirect_uri(PUBLIC_APP, &pending.redirect_uri);
    let url = pending.authorize_url.to_string();
    let waiting = tokio::spawn(pending.wait(Duration::from_secs(5)));
    let back = no_redirects().get(url).send().await.unwrap().headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    no_redirects().get(back).send().await.unwrap();
    let code = waiting.await.unwrap().unwrap();
    let http = reqwest::Client::new();
    let t = Duration::from_secs(5);
    let tokens = login::exchange_code(&http, &h.token_url(), &req, &code, t)
        .await
        .unwrap();
    assert!(tokens.scope.as_deref().unwrap().starts_with("OR.Default "));
    let first = tokens.refresh_token.unwrap();
    let refresh = |rt: SecretString| {
        let http = http.clone();
        let url = h.token_url();
        async move { login::refresh(&http, &url, PUBLIC_APP, None, &rt, t).await }
    };
    let second = refresh(first.clone()).await.unwrap().refresh_token.unwrap();
    assert_ne!(second.expose_secret(), first.expose_secret());
    let reused = refresh(first).await.unwrap_err();
    assert!(
        matches!(
            reused,
            ApiError::OAuth {
                code: OAuthCode::InvalidGrant,
                ..
            }
        ),
        "{reused:?}"
    );

    // Reuse revoked the family; a fresh login's refresh token then ages past 60 days.
    let pending = login::prepare(&h.endpoints(), &req).await.unwrap();
    h.state()
        .register_redirect_uri(PUBLIC_APP, &pending.redirect_uri);
    let url = pending.authorize_url.to_string();
    let waiting = tokio::spawn(pending.wait(Duration::from_secs(5)));
    let back = no_redirects().get(url).send().await.unwrap().headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    no_redirects().get(back).send().await.unwrap();
    let code = waiting.await.unwrap().unwrap();
    let tokens = login::exchange_code(&http, &h.token_url(), &req, &code, t)
        .await
        .unwrap();
    h.state().advance_clock(Duration::from_secs(61 * 86_400));
    let err = refresh(tokens.refresh_token.unwrap()).await.unwrap_err();
    assert!(
        matches!(&err, ApiError::OAuth { code: OAuthCode::InvalidGrant, description: Some(d) } if d.contains("expired")),
        "{err:?}"
    );
}
