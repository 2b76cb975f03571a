//! The simulator's External Client routes, spoken to with plain HTTP.

use std::time::Duration;

use extapps::api::model::{App, Details, Resource, ScopeRef, ScopeType, Secret};
use extapps::sim::{self, ListShape, RateLimits, SimHandle, SimSettings};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct T {
    h: SimHandle,
    http: reqwest::Client,
    admin: String,
}

impl T {
    /// The list in its full shape: these tests check what it carries. The summary shape
    /// (the default) is tested in `list_shape.rs`.
    async fn new() -> T {
        T::with(SimSettings {
            rate_limits: RateLimits::unlimited(),
            list_shape: ListShape::Full,
            ..SimSettings::default()
        })
        .await
    }

    async fn with(settings: SimSettings) -> T {
        let h = sim::start(settings).await.unwrap();
        let http = reqwest::Client::new();
        let admin = token(&http, &h, "demo-admin", "demo-admin-secret").await;
        T { h, http, admin }
    }

    fn url(&self, route: &str) -> String {
        format!("{}/{}", self.h.api_base(), route)
    }

    fn apps_url(&self) -> String {
        self.url(&format!("api/ExternalClient/{}", self.h.partition_id))
    }

    fn app_url(&self, id: &str) -> String {
        format!("{}/{id}", self.apps_url())
    }

    async fn call(
        &self,
        method: Method,
        url: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut req = self.http.request(method, url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        };
        (status, headers, value)
    }

    async fn admin(&self, method: Method, url: &str, body: Option<Value>) -> (StatusCode, Value) {
        let (s, _, v) = self.call(method, url, Some(&self.admin), body).await;
        (s, v)
    }

    fn create_body(
        &self,
        name: &str,
        confidential: bool,
        redirect: Option<&str>,
        scopes: Value,
    ) -> Value {
        json!({
            "partitionGlobalId": self.h.partition_id,
            "name": name,
            "isConfidential": confidential,
            "redirectUri": redirect,
            "scopes": scopes,
        })
    }
}

async fn token(http: &reqwest::Client, h: &SimHandle, id: &str, secret: &str) -> String {
    let resp = http
        .post(h.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The message of an error body, whichever of the server's shapes it has.
fn message(v: &Value) -> &str {
    ["message", "Message", "errorMessage"]
        .iter()
        .find_map(|k| v[*k].as_str())
        .unwrap_or_default()
}

/// The demo apps, written down: (id, name), in the order the simulator lists them.
const DEMO_APPS: &[(&str, &str)] = &[
    ("demo-admin", "extapps Demo Admin"),
    ("demo-reader", "extapps Demo Reader"),
    (
        "3f0b6a52-8c1e-4d7a-9b2f-1e5c7d9a0b14",
        "Invoice Processing Bot",
    ),
    (
        "a81c4e07-2d9b-4f63-8e15-6b7a0c3d2f98",
        "ServiceNow Connector",
    ),
    ("5d2e9f1a-7b40-4c8e-a3d6-0f9b1c2e4a73", "Power BI Reporting"),
    (
        "c4a7b2d9-1e6f-4a85-b0c3-9d8e7f6a5b21",
        "Mobile Approvals (public)",
    ),
    ("e9f8d7c6-b5a4-4392-8170-6f5e4d3c2b1a", "CI/CD Pipeline"),
    ("1b3d5f7a-9c2e-4e60-8a4b-2c6e8f0a1d3c", "Data Service Sync"),
    (
        "7e6d5c4b-3a29-4817-b6f5-e4d3c2b1a098",
        "Test Manager Jenkins",
    ),
    (
        "2a4c6e8f-0b1d-4f35-9a7c-e9b1d3f5a7c9",
        "HR Onboarding Automation",
    ),
    (
        "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
        "UiPath CLI (uipathcli)",
    ),
    (
        "4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9c0",
        "Audit Log Exporter (SIEM)",
    ),
    (
        "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9",
        "Customer Email Triage (IXP)",
    ),
    (
        "0a9b8c7d-6e5f-4a3b-9c1d-2e3f4a5b6c7d",
        "Insights Dashboard Portal",
    ),
    (
        "6c5b4a39-2817-4f6e-ad5c-4b3a29180f7e",
        "Queue Monitor Teams Bot",
    ),
    (
        "8f7e6d5c-4b3a-4291-8e0f-1a2b3c4d5e6f",
        "License Usage Report",
    ),
    (
        "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
        "Document Validation Station",
    ),
    ("3c8e1f4a-6b2d-4e97-a5c0-7d1f9e2b4a68", "経費精算ボット"),
    ("d7a2b5c8-9e1f-4c36-8b40-2f6a1d9c3e75", "财务报表同步"),
    (
        "5f9d3a7c-1b8e-4f52-9c6d-0a4e8b2f7d13",
        "Überweisungsprüfung Größe",
    ),
    (
        "a1e6c9f2-4d7b-4a38-b5e0-9c2d8f1a6b47",
        "🧪 Re\u{301}gression Nightly",
    ),
];

/// Every demo secret resolved against 2026-03-01T12:00:00Z: (id, created, expires).
const DEMO_SECRETS_AT_MARCH_1: &[(i64, &str, Option<&str>)] = &[
    (1001, "2025-08-13T12:00:00Z", None),
    (1002, "2025-12-01T12:00:00Z", None),
    (1003, "2025-01-25T12:00:00Z", Some("2026-01-25T12:00:00Z")),
    (1004, "2026-01-20T12:00:00Z", Some("2026-03-06T12:00:00Z")),
    (1005, "2025-09-12T12:00:00Z", Some("2026-03-13T12:00:00Z")),
    (1006, "2025-05-05T12:00:00Z", Some("2026-02-26T12:00:00Z")),
    (1007, "2026-02-27T12:00:00Z", Some("2027-02-27T12:00:00Z")),
    (1008, "2025-12-31T12:00:00Z", Some("2026-03-31T12:00:00Z")),
    (1009, "2025-03-01T12:00:00Z", Some("2028-02-29T12:00:00Z")),
    (1010, "2024-03-31T12:00:00Z", Some("2025-08-13T12:00:00Z")),
    (1011, "2026-02-04T12:00:00Z", Some("2026-03-02T12:00:00Z")),
    (1012, "2024-10-17T12:00:00Z", None),
    (1013, "2026-02-14T12:00:00Z", Some("2026-05-15T12:00:00Z")),
    (1014, "2026-02-28T12:00:00Z", Some("2027-05-15T12:00:00Z")),
    (1015, "2025-04-05T12:00:00Z", Some("2026-02-28T12:00:00Z")),
    (1016, "2026-01-15T12:00:00Z", Some("2026-03-21T12:00:00Z")),
    (1017, "2023-12-22T12:00:00Z", None),
    (1018, "2026-02-19T12:00:00Z", Some("2026-03-02T00:00:00Z")),
    (1019, "2026-02-19T12:00:00Z", Some("2026-03-01T00:00:00Z")),
    (1020, "2026-01-20T12:00:00Z", Some("2026-04-20T12:00:00Z")),
    (1021, "2025-01-05T12:00:00Z", Some("2025-12-31T12:00:00Z")),
    (1022, "2025-12-01T12:00:00Z", Some("2026-09-17T12:00:00Z")),
    (1023, "2025-12-11T12:00:00Z", Some("2026-03-10T12:00:00Z")),
    (1024, "2025-05-05T12:00:00Z", None),
    (1025, "2026-01-30T12:00:00Z", Some("2026-07-29T12:00:00Z")),
];

/// The demo catalog, written down: (resource, scope count, first scope, last scope).
const DEMO_CATALOG: &[(&str, usize, &str, &str)] = &[
    ("UiPath.Orchestrator", 68, "OR.Default", "OR.ML"),
    (
        "UiPath.PlatformManagement",
        26,
        "PM.Audit",
        "PM.OAuthAppSecret.Write",
    ),
    (
        "UiPath.DocumentUnderstanding",
        4,
        "Du.Digitization.Api",
        "Du.Validation.Api",
    ),
    (
        "UiPath.TestManager",
        20,
        "TM.Requirements.Read",
        "TM.CustomFieldDefinitions.Write",
    ),
    (
        "UiPath.DataService",
        3,
        "DataService.Schema.Read",
        "DataService.Data.Write",
    ),
    ("UiPath.Insights", 2, "Insights", "Insights.RealTimeData"),
    ("UiPath.Traces", 1, "Traces.Api", "Traces.Api"),
    ("UiPath.Ixp", 1, "Ixp.ApiAccess", "Ixp.ApiAccess"),
    ("UiPath.Apps", 3, "Apps", "Apps.Write"),
];

#[tokio::test]
async fn the_contracts_curl_flow() {
    let t = T::new().await;
    let h = &t.h;
    // curl -d client_id=... -d client_secret=... -d grant_type=client_credentials
    let resp = reqwest::Client::new()
        .post(format!("{}identity_/connect/token", h.base_url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("client_id=demo-admin&client_secret=demo-admin-secret&grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let tok: Value = resp.json().await.unwrap();
    let resp = reqwest::Client::new()
        .get(format!(
            "{}demo-org/identity_/api/ExternalClient/{}",
            h.base_url, h.partition_id
        ))
        .header(
            "authorization",
            format!("Bearer {}", tok["access_token"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let apps: Vec<App> = resp.json().await.unwrap();
    let ids: Vec<(&str, &str)> = apps
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .collect();
    assert_eq!(ids, DEMO_APPS);
}

#[tokio::test]
async fn list_and_get_shapes() {
    let t = T::new().await;
    let (s, list) = t.admin(Method::GET, &t.apps_url(), None).await;
    assert_eq!(s, 200);
    let raw = list.as_array().unwrap();
    let first = &raw[0];
    for key in [
        "name",
        "id",
        "secret",
        "isConfidential",
        "redirectUri",
        "resources",
        "secrets",
    ] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }
    assert!(first["secret"].is_null());
    let res = &first["resources"][0];
    for key in ["name", "displayName", "description", "scopes"] {
        assert!(res.get(key).is_some(), "{key}");
    }
    assert!(res["scopes"][0]["type"].is_i64());
    let sec = &first["secrets"][0];
    assert!(sec["id"].is_i64());
    assert!(sec["secret"].is_null());
    assert!(sec.get("creationTime").is_some() && sec.get("expiryTime").is_some());
    // No secret value is ever listed.
    assert!(raw.iter().all(|a| {
        a["secret"].is_null()
            && a["secrets"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["secret"].is_null())
    }));

    let (s, one) = t.admin(Method::GET, &t.app_url("demo-reader"), None).await;
    assert_eq!(s, 200);
    let one: App = serde_json::from_value(one).unwrap();
    assert_eq!(one.name, "extapps Demo Reader");
    assert_eq!(
        one.scope_refs(),
        vec![ScopeRef {
            name: "PM.OAuthApp.Read".into(),
            kind: ScopeType::Application
        }]
    );

    // The org may be named by its GUID, and partitions compare case-insensitively.
    let by_guid = format!(
        "{}{}/identity_/api/ExternalClient/{}",
        t.h.base_url,
        t.h.partition_id,
        t.h.partition_id.to_uppercase()
    );
    assert_eq!(t.admin(Method::GET, &by_guid, None).await.0, 200);
}

#[tokio::test]
async fn catalog_route() {
    let t = T::new().await;
    let (s, v) = t
        .admin(Method::GET, &t.url("api/ExternalApiResource"), None)
        .await;
    assert_eq!(s, 200);
    let cat: Vec<Resource> = serde_json::from_value(v).unwrap();
    let got: Vec<(&str, usize, &str, &str)> = cat
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.scopes.len(),
                r.scopes.first().map_or("", |s| s.name.as_str()),
                r.scopes.last().map_or("", |s| s.name.as_str()),
            )
        })
        .collect();
    assert_eq!(got, DEMO_CATALOG);
}

#[tokio::test]
async fn create_update_delete_roundtrip() {
    let t = T::new().await;
    let body = t.create_body(
        "Invoice Processing Bot",
        true,
        None,
        json!([{"name": "OR.Jobs", "type": 1}, {"name": "OR.Queues.Read", "type": "Application"}]),
    );
    let (s, created) = t
        .admin(Method::POST, &t.url("api/ExternalClient"), Some(body))
        .await;
    assert_eq!(s, 201, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 16);
    let app: App = serde_json::from_value(created).unwrap();
    assert_eq!(app.scope_count(), 2);
    assert_eq!(app.secrets.len(), 1);
    assert!(
        app.secrets[0].secret.is_none(),
        "the value is in `secret` only"
    );
    assert_ne!(app.id, "");

    // Duplicate names are allowed, and the first secret works at the token endpoint.
    let tok = token(&t.http, &t.h, &app.id, &secret).await;
    assert!(!tok.is_empty());

    let (s, listed) = t.admin(Method::GET, &t.app_url(&app.id), None).await;
    assert_eq!(s, 200);
    assert!(listed["secret"].is_null());

    let update = json!({"name": "Invoice Bot v2", "redirectUri": "https://x.example/cb",
        "scopes": [{"name": "OR.Assets.Read", "type": 1}, {"name": "OR.Jobs.Read", "type": 0}]});
    let (s, updated) = t
        .admin(Method::PUT, &t.app_url(&app.id), Some(update))
        .await;
    // 200 with no body, as the live server answers: read the app back.
    assert_eq!((s, &updated), (StatusCode::OK, &Value::Null));
    let (s, updated) = t.admin(Method::GET, &t.app_url(&app.id), None).await;
    assert_eq!(s, 200);
    let mut updated: App = serde_json::from_value(updated).unwrap();
    // The simulator's own view counts as read whole.
    updated.details = Details::Known;
    assert_eq!(updated.name, "Invoice Bot v2");
    assert_eq!(
        updated.redirect_uri.as_deref(),
        Some("https://x.example/cb")
    );
    let names: Vec<_> = updated.scope_refs().into_iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        vec!["OR.Assets.Read", "OR.Jobs.Read"],
        "replaced wholesale"
    );
    assert_eq!(t.h.state().app(&app.id).unwrap(), updated);

    let (s, v) = t.admin(Method::DELETE, &t.app_url(&app.id), None).await;
    assert_eq!((s, v), (StatusCode::NO_CONTENT, Value::Null));
    assert_eq!(t.admin(Method::GET, &t.app_url(&app.id), None).await.0, 404);
    assert_eq!(
        t.admin(Method::DELETE, &t.app_url(&app.id), None).await.0,
        404
    );
}

#[tokio::test]
async fn public_apps() {
    let t = T::new().await;
    let url = t.url("api/ExternalClient");
    let ok = t.create_body(
        "Mobile Approvals (public)",
        false,
        Some("http://localhost:12700,https://a.example/cb"),
        json!([{"name": "OR.Tasks", "type": 0}]),
    );
    let (s, v) = t.admin(Method::POST, &url, Some(ok)).await;
    assert_eq!(s, 201, "{v}");
    assert!(v["secret"].is_null());
    assert_eq!(v["secrets"], json!([]));
    let public_id = v["id"].as_str().unwrap().to_owned();

    let app_scope = t.create_body(
        "P",
        false,
        Some("http://localhost:1"),
        json!([{"name": "OR.Jobs", "type": 1}]),
    );
    let (s, v) = t.admin(Method::POST, &url, Some(app_scope)).await;
    assert_eq!(s, 400);
    assert!(
        message(&v).contains("user scopes") && message(&v).contains("OR.Jobs"),
        "{v}"
    );

    let no_redirect = t.create_body("P", false, None, json!([{"name": "OR.Jobs", "type": 0}]));
    let (s, v) = t.admin(Method::POST, &url, Some(no_redirect)).await;
    assert_eq!(s, 400);
    assert!(message(&v).contains("redirect URI"), "{v}");

    // The same rules on update, and a public app cannot get secrets.
    let upd = json!({"name": "P", "redirectUri": "http://localhost:1", "scopes": [{"name": "OR.Jobs", "type": 1}]});
    assert_eq!(
        t.admin(Method::PUT, &t.app_url(&public_id), Some(upd))
            .await
            .0,
        400
    );
    let generate = json!({"partitionGlobalId": t.h.partition_id, "clientId": public_id});
    assert_eq!(
        t.admin(
            Method::POST,
            &t.url("api/ExternalClient/GenerateSecret"),
            Some(generate)
        )
        .await
        .0,
        400
    );
}

#[tokio::test]
async fn validation_errors() {
    let t = T::new().await;
    let url = t.url("api/ExternalClient");
    let unknown = t.create_body("X", true, None, json!([{"name": "OR.Jobs", "type": 1}, {"name": "OR.Nope", "type": 1}, {"name": "Zz.Top", "type": 1}]));
    let (s, v) = t.admin(Method::POST, &url, Some(unknown)).await;
    assert_eq!(s, 400);
    assert_eq!(
        message(&v),
        "Not all scopes=OR.Nope,Zz.Top are present in database"
    );

    let empty = t.create_body("  ", true, None, json!([]));
    assert_eq!(t.admin(Method::POST, &url, Some(empty)).await.0, 400);

    // Data Service scopes are user only; Ixp.ApiAccess is application only.
    let wrong_type = t.create_body(
        "X",
        true,
        None,
        json!([{"name": "DataService.Data.Read", "type": 1}]),
    );
    let (s, v) = t.admin(Method::POST, &url, Some(wrong_type)).await;
    assert_eq!(s, 400);
    assert!(message(&v).contains("DataService.Data.Read"), "{v}");
    let wrong_type = t.create_body(
        "X",
        false,
        Some("http://localhost:1"),
        json!([{"name": "Ixp.ApiAccess", "type": 0}]),
    );
    assert_eq!(t.admin(Method::POST, &url, Some(wrong_type)).await.0, 400);
    let bad_type = t.create_body("X", true, None, json!([{"name": "OR.Jobs", "type": 2}]));
    assert_eq!(t.admin(Method::POST, &url, Some(bad_type)).await.0, 400);

    let resp = t
        .http
        .post(&url)
        .bearer_auth(&t.admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    // A body that does not bind: ASP.NET ProblemDetails.
    assert!(resp.json::<Value>().await.unwrap()["errors"]["$"][0].is_string());

    let upd = json!({"name": "X", "scopes": [{"name": "OR.Nope", "type": 1}]});
    let (s, v) = t
        .admin(Method::PUT, &t.app_url("demo-reader"), Some(upd))
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        message(&v),
        "Not all scopes=OR.Nope are present in database"
    );
}

#[tokio::test]
async fn not_found() {
    let t = T::new().await;
    let other_prt = "00000000-0000-0000-0000-000000000000";
    let cases = [
        (
            Method::GET,
            t.url(&format!("api/ExternalClient/{other_prt}")),
        ),
        (Method::GET, t.app_url("no-such-client")),
        (Method::PUT, t.app_url("no-such-client")),
        (
            Method::GET,
            t.url(&format!("api/ExternalClient/{other_prt}/demo-reader")),
        ),
        (
            Method::DELETE,
            t.url(&format!(
                "api/ExternalClient/{}/secrets/999999",
                t.h.partition_id
            )),
        ),
        (
            Method::GET,
            t.url(&format!(
                "api/ExternalClient/{}/no-such-client/GenerateSecret",
                t.h.partition_id
            )),
        ),
        (
            Method::GET,
            format!(
                "{}other-org/identity_/api/ExternalClient/{}",
                t.h.base_url, t.h.partition_id
            ),
        ),
        (Method::GET, format!("{}nothing/here", t.h.base_url)),
    ];
    for (m, url) in cases {
        let body = (m == Method::PUT).then(|| json!({"name": "x", "scopes": []}));
        let (s, v) = t.admin(m.clone(), &url, body).await;
        assert_eq!(s, 404, "{m} {url}: {v}");
        assert!(v["message"].is_string());
    }
    let generate = json!({"partitionGlobalId": t.h.partition_id, "clientId": "no-such-client"});
    assert_eq!(
        t.admin(
            Method::POST,
            &t.url("api/ExternalClient/GenerateSecret"),
            Some(generate)
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn unauthorized() {
    // Long enough that a slow machine never sees the fresh token expire; expiry comes from
    // moving the simulator's clock, not from waiting.
    let t = T::with(SimSettings {
        token_lifetime: Duration::from_secs(60),
        ..SimSettings::default()
    })
    .await;
    let url = t.apps_url();
    let (s, headers, v) = t.call(Method::GET, &url, None, None).await;
    assert_eq!(s, 401);
    assert!(headers.contains_key("www-authenticate"));
    assert!(v["message"].is_string());
    assert_eq!(
        t.call(Method::GET, &url, Some("garbage"), None).await.0,
        401
    );

    // Claims changed under the original signature, and a token signed by another simulator.
    let decoded = extapps::api::jwt::decode(&t.admin).unwrap();
    let mut claims = decoded.claims.clone();
    claims.insert("client_id".into(), json!("someone-else"));
    let forged = format!(
        "{}.{}",
        extapps::api::jwt::encode_parts(&Value::Object(decoded.header), &Value::Object(claims)),
        t.admin.rsplit_once('.').unwrap().1
    );
    let (s, _, v) = t.call(Method::GET, &url, Some(&forged), None).await;
    assert_eq!(s, 401);
    assert!(message(&v).contains("signature"), "{v}");
    let elsewhere = sim::start(SimSettings::default()).await.unwrap();
    let foreign = elsewhere
        .state()
        .issue_token("demo-admin", &["PM.OAuthApp"]);
    assert_eq!(t.call(Method::GET, &url, Some(&foreign), None).await.0, 401);

    let tok = token(&t.http, &t.h, "demo-admin", "demo-admin-secret").await;
    assert_eq!(t.call(Method::GET, &url, Some(&tok), None).await.0, 200);
    t.h.state().advance_clock(Duration::from_secs(30));
    assert_eq!(t.call(Method::GET, &url, Some(&tok), None).await.0, 200);
    t.h.state().advance_clock(Duration::from_secs(31));
    let (s, _, v) = t.call(Method::GET, &url, Some(&tok), None).await;
    assert_eq!(s, 401);
    assert!(message(&v).contains("expired"), "{v}");
}

#[tokio::test]
async fn revoked_tokens_are_refused_before_they_expire() {
    let t = T::new().await;
    let url = t.apps_url();
    assert_eq!(t.admin(Method::GET, &url, None).await.0, 200);
    t.h.state().revoke_all_tokens();
    let (s, v) = t.admin(Method::GET, &url, None).await;
    assert_eq!(s, 401);
    assert!(message(&v).contains("revoked"), "{v}");
    let fresh = token(&t.http, &t.h, "demo-admin", "demo-admin-secret").await;
    assert_eq!(t.call(Method::GET, &url, Some(&fresh), None).await.0, 200);
}

#[tokio::test]
async fn forbidden_without_the_scopes() {
    let t = T::new().await;
    let reader = token(&t.http, &t.h, "demo-reader", "demo-reader-secret").await;
    let r = Some(reader.as_str());
    assert_eq!(t.call(Method::GET, &t.apps_url(), r, None).await.0, 200);
    assert_eq!(
        t.call(Method::GET, &t.url("api/ExternalApiResource"), r, None)
            .await
            .0,
        200
    );
    let create = t.create_body("X", true, None, json!([]));
    let (s, _, v) = t
        .call(Method::POST, &t.url("api/ExternalClient"), r, Some(create))
        .await;
    assert_eq!(s, 403);
    assert!(message(&v).contains("PM.OAuthApp.Write"), "{v}");
    let upd = json!({"name": "X", "scopes": []});
    assert_eq!(
        t.call(Method::PUT, &t.app_url("demo-reader"), r, Some(upd))
            .await
            .0,
        403
    );
    assert_eq!(
        t.call(Method::DELETE, &t.app_url("demo-reader"), r, None)
            .await
            .0,
        403
    );
    let generate = json!({"partitionGlobalId": t.h.partition_id, "clientId": "demo-reader"});
    assert_eq!(
        t.call(
            Method::POST,
            &t.url("api/ExternalClient/GenerateSecret"),
            r,
            Some(generate)
        )
        .await
        .0,
        403
    );

    // A token with only the secret scope may mint secrets but not list apps; the alternative
    // spelling PM.OAuthSecret.Write is accepted too.
    let state = t.h.state();
    for scope in ["PM.OAuthAppSecret.Write", "PM.OAuthSecret.Write"] {
        let tok = state.issue_token("demo-admin", &[scope]);
        let generate = json!({"partitionGlobalId": t.h.partition_id, "clientId": "demo-reader"});
        let (s, _, v) = t
            .call(
                Method::POST,
                &t.url("api/ExternalClient/GenerateSecret"),
                Some(&tok),
                Some(generate),
            )
            .await;
        assert_eq!(s, 200, "{scope}: {v}");
        assert_eq!(
            t.call(Method::GET, &t.apps_url(), Some(&tok), None).await.0,
            403
        );
    }
}

#[tokio::test]
async fn secrets_generate_use_expire_delete() {
    let t = T::new().await;
    let state = t.h.state();
    let now = state.now();
    let expiry = now
        .checked_add(jiff::SignedDuration::from_hours(24 * 30))
        .unwrap();
    let generate = json!({"partitionGlobalId": t.h.partition_id, "clientId": "demo-reader",
        "description": "rotation 2026", "expiryTime": expiry.to_string()});
    let (s, v) = t
        .admin(
            Method::POST,
            &t.url("api/ExternalClient/GenerateSecret"),
            Some(generate),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let value = v["secret"].as_str().unwrap().to_owned();
    let secret: Secret = serde_json::from_value(v).unwrap();
    assert_eq!(secret.description.as_deref(), Some("rotation 2026"));
    assert_eq!(secret.expiry_time, Some(expiry));
    assert!(secret.id > 1019, "new ids come after the demo ones");

    // The new secret works; the old one keeps working (rotation).
    token(&t.http, &t.h, "demo-reader", &value).await;
    token(&t.http, &t.h, "demo-reader", "demo-reader-secret").await;
    let app = state.app("demo-reader").unwrap();
    assert_eq!(app.secrets.len(), 2);
    assert!(app.secrets.iter().all(|s| s.secret.is_none()));

    // Once expired it does not authenticate.
    state.advance_clock(Duration::from_secs(31 * 86_400));
    let resp = t
        .http
        .post(t.h.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-reader"),
            ("client_secret", value.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );

    // A null expiry never expires; an expiry in the past is refused.
    let generate = json!({"partitionGlobalId": t.h.partition_id, "clientId": "demo-reader", "expiryTime": null});
    let admin = token(&t.http, &t.h, "demo-admin", "demo-admin-secret").await;
    let (s, _, v) = t
        .call(
            Method::POST,
            &t.url("api/ExternalClient/GenerateSecret"),
            Some(&admin),
            Some(generate),
        )
        .await;
    assert_eq!(s, 200);
    assert!(v["expiryTime"].is_null());
    let past = json!({"partitionGlobalId": t.h.partition_id, "clientId": "demo-reader", "expiryTime": "2001-01-01T00:00:00Z"});
    assert_eq!(
        t.call(
            Method::POST,
            &t.url("api/ExternalClient/GenerateSecret"),
            Some(&admin),
            Some(past)
        )
        .await
        .0,
        400
    );

    let del = t.url(&format!(
        "api/ExternalClient/{}/secrets/{}",
        t.h.partition_id, secret.id
    ));
    let (s, _, v) = t.call(Method::DELETE, &del, Some(&admin), None).await;
    assert_eq!((s, v), (StatusCode::NO_CONTENT, Value::Null));
    assert_eq!(
        t.call(Method::DELETE, &del, Some(&admin), None).await.0,
        404
    );
    assert!(
        state
            .app("demo-reader")
            .unwrap()
            .secrets
            .iter()
            .all(|s| s.id != secret.id)
    );
}

#[tokio::test]
async fn legacy_secret_and_planted_expiry() {
    let t = T::new().await;
    let url = t.url(&format!(
        "api/ExternalClient/{}/demo-reader/GenerateSecret",
        t.h.partition_id
    ));
    let (s, v) = t.admin(Method::GET, &url, None).await;
    assert_eq!(s, 200);
    let value = v.as_str().expect("a bare JSON string").to_owned();
    token(&t.http, &t.h, "demo-reader", &value).await;

    // Tests can set any secret's expiry: expire the reader's own secret.
    let state = t.h.state();
    let legacy = state
        .app("demo-reader")
        .unwrap()
        .secrets
        .last()
        .unwrap()
        .clone();
    assert_eq!(legacy.expiry_time, None);
    assert!(state.set_secret_expiry(legacy.id, Some(state.now())));
    let resp = t
        .http
        .post(t.h.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-reader"),
            ("client_secret", value.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let t = T::with(SimSettings {
        rate_limits: RateLimits {
            window: Duration::from_secs(120),
            get: 3,
            post: 1,
            put: 1,
            delete: 1,
        },
        ..SimSettings::default()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(t.admin(Method::GET, &t.apps_url(), None).await.0, 200);
    }
    let (s, headers, v) = t
        .call(Method::GET, &t.apps_url(), Some(&t.admin), None)
        .await;
    assert_eq!(s, 429, "{v}");
    let secs: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=120).contains(&secs), "{secs}");
    // Each method has its own budget.
    let upd = json!({"name": "Reader", "scopes": [{"name": "PM.OAuthApp.Read", "type": 1}]});
    assert_eq!(
        t.admin(Method::PUT, &t.app_url("demo-reader"), Some(upd.clone()))
            .await
            .0,
        200
    );
    assert_eq!(
        t.admin(Method::PUT, &t.app_url("demo-reader"), Some(upd))
            .await
            .0,
        429
    );

    t.h.state().reset_rate_limits();
    assert_eq!(t.admin(Method::GET, &t.apps_url(), None).await.0, 200);
}

#[tokio::test]
async fn state_handle_adds_apps() {
    let t = T::new().await;
    let state = t.h.state();
    let before = state.app_count();
    let app = state
        .add_app(
            "Added by a test",
            true,
            None,
            vec![ScopeRef {
                name: "OR.Jobs".into(),
                kind: ScopeType::Application,
            }],
        )
        .unwrap();
    assert!(app.secret.is_some());
    assert_eq!(state.app_count(), before + 1);
    let (s, v) = t.admin(Method::GET, &t.app_url(&app.id), None).await;
    assert_eq!(s, 200);
    assert_eq!(v["name"], "Added by a test");
    let err = state.add_app("", true, None, vec![]).unwrap_err();
    assert_eq!(err.status, 400);
    assert!(state.delete_app(&app.id));
    assert!(!state.delete_app(&app.id));
}

#[tokio::test]
async fn ten_thousand_generated_apps() {
    // No time limit: a debug build on a shared CI machine says nothing about the speed of
    // generating apps (the benches measure that); the test checks what is generated.
    let t = T::with(SimSettings {
        extra_apps: 10_000,
        seed: 42,
        rate_limits: RateLimits::unlimited(),
        list_shape: ListShape::Full,
        ..SimSettings::default()
    })
    .await;
    let (s, v) = t.admin(Method::GET, &t.apps_url(), None).await;
    assert_eq!(s, 200);
    let apps: Vec<App> = serde_json::from_value(v).unwrap();
    assert_eq!(apps.len(), 10_000 + DEMO_APPS.len());
    let generated = &apps[apps.len() - 10_000..];
    assert!(
        generated
            .iter()
            .all(|a| (1..=40).contains(&a.scope_count()) && a.secrets.len() <= 4)
    );
    assert!(generated.iter().any(|a| !a.is_confidential));
    // Deterministic for a seed: the same ids and names again.
    let again = sim::start(SimSettings {
        extra_apps: 10_000,
        seed: 42,
        ..SimSettings::default()
    })
    .await
    .unwrap();
    let other = again.state().apps();
    assert_eq!(
        other[other.len() - 10_000..]
            .iter()
            .map(|a| (&a.id, &a.name))
            .collect::<Vec<_>>(),
        generated
            .iter()
            .map(|a| (&a.id, &a.name))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn fixed_clock_resolves_the_demo_offsets() {
    let at: jiff::Timestamp = "2026-03-01T12:00:00Z".parse().unwrap();
    let h = sim::start(SimSettings {
        now: Some(at),
        ..SimSettings::default()
    })
    .await
    .unwrap();
    let listed = h.state().apps();
    let ids: Vec<(&str, &str)> = listed
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .collect();
    assert_eq!(ids, DEMO_APPS);
    // The demo offsets resolve against SimSettings::now, to these dates.
    let secrets: Vec<(i64, String, Option<String>)> = listed
        .iter()
        .flat_map(|a| &a.secrets)
        .map(|s| {
            (
                s.id,
                s.creation_time.to_string(),
                s.expiry_time.map(|t| t.to_string()),
            )
        })
        .collect();
    let want: Vec<(i64, String, Option<String>)> = DEMO_SECRETS_AT_MARCH_1
        .iter()
        .map(|(id, created, expires)| (*id, (*created).to_owned(), expires.map(str::to_owned)))
        .collect();
    assert_eq!(secrets, want);
    for (a, b) in listed.iter().zip(sim::demo_apps(at)) {
        assert_eq!(a.resources, b.resources, "{}", a.name);
    }
    assert!(h.state().now() >= at);
    h.shutdown().await;
}
