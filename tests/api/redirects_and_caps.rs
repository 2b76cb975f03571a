//! The client against a server that redirects or never stops talking: a 307 from the token
//! endpoint must not carry the client secret to another host, and an endless body must end in
//! an error, not in a process that grows until the machine gives out. Small real HTTP servers on
//! 127.0.0.1 play the parts.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use extapps::api::auth::ClientCredentials;
use extapps::api::jwt::encode_parts;
use extapps::api::login;
use extapps::api::{ApiError, ClientConfig, Endpoints, IdentityClient};
use secrecy::SecretString;
use serde_json::json;
use tokio::io::AsyncReadExt;

const SECRET: &str = "s3cr3t-never-elsewhere";

/// A listener on another port that records every connection and every byte sent to it: where
/// a followed redirect would land.
struct Elsewhere {
    port: u16,
    seen: Arc<Mutex<(usize, Vec<u8>)>>,
}

impl Elsewhere {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new((0, Vec::new())));
        let record = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                record.lock().unwrap().0 += 1;
                let record = record.clone();
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = stream.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        record.lock().unwrap().1.extend_from_slice(&buf[..n]);
                    }
                });
            }
        });
        Elsewhere { port, seen }
    }

    /// A Location with credentials and a query, which no message may repeat.
    fn location(&self) -> String {
        format!(
            "http://user:pw@127.0.0.1:{}/steal?client_secret=echo",
            self.port
        )
    }

    fn shown(&self) -> String {
        format!("http://127.0.0.1:{}/steal", self.port)
    }

    fn untouched(&self) {
        let seen = self.seen.lock().unwrap();
        assert_eq!(seen.0, 0, "the redirect was followed");
        assert!(!String::from_utf8_lossy(&seen.1).contains(SECRET));
    }
}

fn redirect_to(location: &str) -> Response {
    (
        StatusCode::TEMPORARY_REDIRECT,
        [(header::LOCATION, location.to_owned())],
    )
        .into_response()
}

fn a_token() -> Response {
    let now = jiff::Timestamp::now().as_second();
    let claims = json!({"sub": "x", "exp": now + 3600, "iat": now,
        "prt_id": "11111111-2222-3333-4444-555555555555", "scope": ["PM.OAuthApp"]});
    let tok = format!(
        "{}.sig",
        encode_parts(&json!({"alg":"HS256","typ":"JWT"}), &claims)
    );
    axum::Json(json!({"access_token": tok, "expires_in": 3600, "token_type": "Bearer"}))
        .into_response()
}

/// A body that never ends.
fn endless() -> Response {
    let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
    let stream = futures::stream::repeat_with(move || Ok::<_, Infallible>(chunk.clone()));
    (
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// An endless list: one string that never closes. The list is parsed as it arrives, so an
/// endless body of anything but a list would be refused as such before the limit.
fn endless_list() -> Response {
    let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
    let start = futures::stream::iter([Ok::<_, Infallible>(Bytes::from_static(b"[\""))]);
    let rest = futures::stream::repeat_with(move || Ok::<_, Infallible>(chunk.clone()));
    let stream = futures::StreamExt::chain(start, rest);
    (
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Serves `token` on the token endpoint and `api` on every other path.
async fn serve(
    token: impl Fn() -> Response + Clone + Send + Sync + 'static,
    api: impl Fn() -> Response + Clone + Send + Sync + 'static,
) -> String {
    let app = Router::new()
        .route(
            "/identity_/connect/token",
            post(move || {
                let t = token.clone();
                async move { t() }
            }),
        )
        .fallback(any(move || {
            let a = api.clone();
            async move { a() }
        }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn config(base: &str) -> ClientConfig {
    let endpoints = Endpoints::resolve(base, "org", None, None).unwrap();
    let mut cfg = ClientConfig::new(
        endpoints,
        ClientCredentials {
            client_id: "c".into(),
            client_secret: SecretString::from(SECRET),
            scopes: vec![],
        },
    );
    cfg.timeout = Duration::from_secs(5);
    cfg.backoff = Duration::from_millis(10);
    cfg
}

#[tokio::test]
async fn a_token_endpoint_redirect_is_not_followed_and_names_its_target() {
    let elsewhere = Elsewhere::start().await;
    let loc = elsewhere.location();
    let base = serve(move || redirect_to(&loc), a_token).await;
    let client = IdentityClient::new(config(&base)).unwrap();
    let err = client.token().await.unwrap_err();
    elsewhere.untouched();
    assert!(matches!(err, ApiError::Redirected { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with("the token endpoint at "), "{msg}");
    assert!(msg.contains(&elsewhere.shown()), "{msg}");
    assert!(msg.contains("does not follow redirects"), "{msg}");
    for leak in ["user", "pw@", "client_secret", "echo", SECRET] {
        assert!(!msg.contains(leak), "{leak} in {msg}");
    }
    assert!(!err.is_retryable());

    // The login's requests (code exchange, refresh) go through the same door.
    let http = extapps::api::http::client(Duration::from_secs(5), false).unwrap();
    let err = login::refresh(
        &http,
        &format!("{base}/identity_/connect/token"),
        "c",
        Some(&SecretString::from(SECRET)),
        &SecretString::from("refresh-token"),
        Duration::from_secs(5),
    )
    .await
    .unwrap_err();
    elsewhere.untouched();
    assert!(matches!(err, ApiError::Redirected { .. }), "{err:?}");
}

#[tokio::test]
async fn an_api_redirect_is_not_followed_and_a_redirected_change_was_not_made() {
    let elsewhere = Elsewhere::start().await;
    let loc = elsewhere.location();
    let base = serve(a_token, move || redirect_to(&loc)).await;
    let client = IdentityClient::new(config(&base)).unwrap();

    let err = client.list_apps().await.unwrap_err();
    elsewhere.untouched();
    let msg = err.to_string();
    assert!(
        msg.starts_with("the app list at http://127.0.0.1:"),
        "{msg}"
    );
    assert!(msg.contains(&elsewhere.shown()), "{msg}");
    assert!(!msg.contains("pw@") && !msg.contains("echo"), "{msg}");

    let err = client
        .create_app("x", true, None, Vec::new())
        .await
        .unwrap_err();
    elsewhere.untouched();
    assert!(matches!(err, ApiError::Redirected { .. }), "{err:?}");
    assert!(!err.outcome_unknown(), "a 3xx says the change was not made");
}

#[tokio::test]
async fn an_endless_token_answer_is_cut_off_with_a_clear_error() {
    let base = serve(endless, a_token).await;
    let client = IdentityClient::new(config(&base)).unwrap();
    let err = client.token().await.unwrap_err();
    assert!(matches!(err, ApiError::TooLarge { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the answer to the token request was larger than 1 MiB; extapps stopped reading"
    );
}

#[tokio::test]
async fn an_endless_api_answer_is_cut_off_at_the_configured_limit() {
    let base = serve(a_token, endless_list).await;
    let mut cfg = config(&base);
    cfg.max_answer = 256 * 1024;
    let client = IdentityClient::new(cfg).unwrap();
    let err = client.list_apps().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the answer to the app list was larger than 256 KiB; extapps stopped reading"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_content_length_over_the_limit_is_refused_before_reading() {
    // Announces a huge body and then sends nothing: only the header can end this in time.
    let base = serve(a_token, || {
        let (tx, body) = tokio::sync::mpsc::channel::<Result<Bytes, Infallible>>(1);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(tx);
        });
        let stream = futures::stream::unfold(body, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        (
            [(header::CONTENT_LENGTH, "1000000000")],
            Body::from_stream(stream),
        )
            .into_response()
    })
    .await;
    let mut cfg = config(&base);
    cfg.max_answer = 1024 * 1024;
    let client = IdentityClient::new(cfg).unwrap();
    let err = client.list_apps().await.unwrap_err();
    assert!(matches!(err, ApiError::TooLarge { .. }), "{err:?}");
}
