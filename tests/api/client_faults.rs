//! The client against a misbehaving server: 5xx, 429, timeouts, garbage bodies, a dead port,
//! a token without `prt_id`. A small real HTTP server on 127.0.0.1 plays the part; each test
//! scripts the answers of the API route and counts what reached it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use extapps::api::auth::ClientCredentials;
use extapps::api::error::OAuthCode;
use extapps::api::jwt::encode_parts;
use extapps::api::{ApiError, ClientConfig, Endpoints, IdentityClient};
use secrecy::SecretString;
use serde_json::json;

/// One scripted answer of the API route.
#[derive(Clone)]
struct Answer {
    status: u16,
    body: &'static str,
    retry_after: Option<&'static str>,
    delay: Duration,
}

fn answer(status: u16, body: &'static str) -> Answer {
    Answer {
        status,
        body,
        retry_after: None,
        delay: Duration::ZERO,
    }
}

struct Script {
    answers: Vec<Answer>,
    api_hits: AtomicUsize,
    token_hits: AtomicUsize,
    with_prt: bool,
}

async fn serve(script: Script) -> (String, Arc<Script>) {
    let script = Arc::new(script);
    let s1 = script.clone();
    let s2 = script.clone();
    let app = Router::new()
        .route(
            "/identity_/connect/token",
            post(move || {
                let s = s1.clone();
                async move { token(&s) }
            }),
        )
        .fallback(any(move || {
            let s = s2.clone();
            async move { api(&s).await }
        }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), script)
}

fn token(s: &Script) -> Response {
    let n = s.token_hits.fetch_add(1, Ordering::SeqCst);
    let now = jiff::Timestamp::now().as_second();
    let mut claims =
        json!({"sub": "x", "exp": now + 3600, "iat": now, "n": n, "scope": ["PM.OAuthApp"]});
    if s.with_prt {
        claims["prt_id"] = json!("11111111-2222-3333-4444-555555555555");
    }
    let tok = format!(
        "{}.sig",
        encode_parts(&json!({"alg":"HS256","typ":"JWT"}), &claims)
    );
    axum::Json(json!({"access_token": tok, "expires_in": 3600, "token_type": "Bearer", "scope": "PM.OAuthApp"}))
        .into_response()
}

async fn api(s: &Script) -> Response {
    let n = s.api_hits.fetch_add(1, Ordering::SeqCst);
    let a = s.answers[n.min(s.answers.len() - 1)].clone();
    tokio::time::sleep(a.delay).await;
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    if let Some(ra) = a.retry_after {
        headers.insert("retry-after", HeaderValue::from_static(ra));
    }
    (StatusCode::from_u16(a.status).unwrap(), headers, a.body).into_response()
}

fn client(base: &str) -> IdentityClient {
    let endpoints = Endpoints::resolve(base, "org", None, None).unwrap();
    let mut cfg = ClientConfig::new(
        endpoints,
        ClientCredentials {
            client_id: "c".into(),
            client_secret: SecretString::from("s3cr3t-value"),
            scopes: vec![],
        },
    );
    cfg.timeout = Duration::from_millis(700);
    cfg.backoff = Duration::from_millis(10);
    IdentityClient::new(cfg).unwrap()
}

fn script(answers: Vec<Answer>) -> Script {
    Script {
        answers,
        api_hits: AtomicUsize::new(0),
        token_hits: AtomicUsize::new(0),
        with_prt: true,
    }
}

#[tokio::test]
async fn get_retries_5xx_three_times_then_reports_it() {
    let (base, s) = serve(script(vec![answer(
        503,
        r#"{"message":"down for maintenance"}"#,
    )]))
    .await;
    let err = client(&base).list_apps().await.unwrap_err();
    assert_eq!(s.api_hits.load(Ordering::SeqCst), 3);
    assert!(
        matches!(err, ApiError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("down for maintenance"));
}

#[tokio::test]
async fn get_recovers_when_a_retry_succeeds() {
    let (base, s) = serve(script(vec![answer(502, ""), answer(200, "[]")])).await;
    let apps = client(&base).list_apps().await.unwrap();
    assert!(apps.is_empty());
    assert_eq!(s.api_hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn post_is_never_retried_on_5xx_or_429() {
    for first in [
        answer(503, ""),
        Answer {
            retry_after: Some("0"),
            ..answer(429, "")
        },
    ] {
        let (base, s) = serve(script(vec![first, answer(200, "{}")])).await;
        let err = client(&base)
            .generate_secret("app", None, None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ApiError::Server { .. } | ApiError::RateLimited { .. }),
            "{err:?}"
        );
        assert_eq!(
            s.api_hits.load(Ordering::SeqCst),
            1,
            "a POST that mints a secret was sent twice"
        );
    }
}

#[tokio::test]
async fn get_honours_retry_after_on_429() {
    let limited = Answer {
        retry_after: Some("1"),
        ..answer(429, "")
    };
    let (base, s) = serve(script(vec![limited, answer(200, "[]")])).await;
    let started = std::time::Instant::now();
    client(&base).list_apps().await.unwrap();
    assert_eq!(s.api_hits.load(Ordering::SeqCst), 2);
    // It waited for the server's word, not its own 10 ms backoff.
    assert!(started.elapsed() >= Duration::from_millis(900));
}

#[tokio::test]
async fn a_429_with_a_retry_after_too_long_is_reported_with_it() {
    let limited = Answer {
        retry_after: Some("3600"),
        ..answer(429, "")
    };
    let (base, s) = serve(script(vec![limited])).await;
    let err = client(&base).list_apps().await.unwrap_err();
    assert_eq!(
        err,
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(3600))
        }
    );
    assert!(err.to_string().contains("retry after 3600s"));
    assert_eq!(s.api_hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let slow = Answer {
        delay: Duration::from_secs(3),
        ..answer(200, "[]")
    };
    let (base, _s) = serve(script(vec![slow])).await;
    let err = client(&base).delete_app("x").await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn html_instead_of_json_is_quoted_not_parsed() {
    let (base, _s) = serve(script(vec![answer(
        200,
        "<html><body>Gateway login</body></html>",
    )]))
    .await;
    let err = client(&base).list_apps().await.unwrap_err();
    let ApiError::UnexpectedBody { snippet, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(snippet.starts_with("<html><body>Gateway"));
}

#[tokio::test]
async fn truncated_json_is_an_unexpected_body() {
    let (base, _s) = serve(script(vec![answer(200, r#"[{"name":"a","id":"#)])).await;
    let err = client(&base).list_apps().await.unwrap_err();
    assert!(
        matches!(err, ApiError::UnexpectedBody { status: 200, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn status_codes_map_to_their_kinds() {
    type Check = fn(&ApiError) -> bool;
    let cases: Vec<(Answer, Check)> = vec![
        (answer(404, ""), |e| matches!(e, ApiError::NotFound { .. })),
        (
            answer(409, r#"{"message":"changed"}"#),
            |e| matches!(e, ApiError::Conflict { message } if message == "changed"),
        ),
        (
            answer(400, r#"{"message":"Name is required"}"#),
            |e| matches!(e, ApiError::BadRequest { message } if message == "Name is required"),
        ),
        (
            answer(403, ""),
            |e| matches!(e, ApiError::Forbidden { needed, .. } if needed.contains(&"PM.OAuthApp.Write".to_owned())),
        ),
    ];
    for (a, check) in cases {
        let (base, _s) = serve(script(vec![a])).await;
        let err = client(&base).delete_app("x").await.unwrap_err();
        assert!(check(&err), "{err:?}");
    }
}

#[tokio::test]
async fn a_401_renews_the_token_once_and_resends_once() {
    let (base, s) = serve(script(vec![answer(401, ""), answer(204, "")])).await;
    client(&base).delete_app("x").await.unwrap();
    assert_eq!(s.token_hits.load(Ordering::SeqCst), 2);
    assert_eq!(s.api_hits.load(Ordering::SeqCst), 2);

    let (base, s) = serve(script(vec![answer(401, "")])).await;
    let err = client(&base).delete_app("x").await.unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized { .. }), "{err:?}");
    assert_eq!(
        s.api_hits.load(Ordering::SeqCst),
        2,
        "renewed and resent once, not more"
    );
}

#[tokio::test]
async fn a_token_without_prt_id_asks_for_the_partition() {
    let mut sc = script(vec![answer(200, "[]")]);
    sc.with_prt = false;
    let (base, s) = serve(sc).await;
    let err = client(&base).list_apps().await.unwrap_err();
    assert_eq!(err, ApiError::MissingPartition);
    assert!(err.to_string().contains("partition"));
    assert_eq!(s.api_hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_dead_server_is_an_unreachable_token_endpoint_that_names_the_host() {
    // Bound, never listening, and held: refused, and no other process can take the port
    // meanwhile (a port released before it is dialled could be).
    let reserved = tokio::net::TcpSocket::new_v4().unwrap();
    reserved.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = reserved.local_addr().unwrap().port();
    let err = client(&format!("http://127.0.0.1:{port}"))
        .list_apps()
        .await
        .unwrap_err();
    // The token is the first request, so it is the token endpoint that cannot be reached.
    assert!(matches!(err, ApiError::TokenEndpoint { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&format!(
            "the token endpoint (127.0.0.1:{port}) could not be reached"
        )),
        "{err}"
    );
    assert!(!err.to_string().contains("s3cr3t-value"));
}

#[tokio::test]
async fn oauth_errors_from_the_token_endpoint_are_explained() {
    let app = Router::new().route(
        "/identity_/connect/token",
        post(|| async {
            (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"error": "invalid_client"})),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let err = client(&format!("http://{addr}"))
        .list_apps()
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
    assert!(err.to_string().contains("secret is wrong or expired"));
    assert!(!format!("{err:?}").contains("s3cr3t-value"));
}
