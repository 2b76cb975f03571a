//! Fault injection: the simulator misbehaving the way real networks and servers do, so that
//! tests (and `extapps sim` users) can watch extapps cope. Faults apply to the API routes; the
//! token endpoint has its own switch (`token_down`) so that a test can break one without the
//! other.
//!
//! Every random choice comes from a counter-based generator seeded by `Faults::seed`, so a
//! failing run can be replayed exactly.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// What goes wrong, and how often. Rates are probabilities from 0 to 1; each request draws
/// once and gets at most one of the rate-based faults, checked in the order of the fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Added before every API answer.
    pub latency: Duration,
    /// Every API request answered 429 with this Retry-After (seconds), as in a throttling storm.
    pub storm_retry_after: Option<u64>,
    /// The storm's Retry-After as an HTTP date (that many seconds from now) instead of seconds:
    /// the other form RFC 9110 allows, which a client must read too.
    pub storm_as_date: bool,
    /// Share of API requests answered 500, 502 or 503 without reaching the handler.
    pub error_rate: f64,
    /// Share of API requests whose connection drops before the server acts on them.
    pub drop_before_rate: f64,
    /// Share of API requests that the server carries out but whose answer is lost: the case
    /// where a client must not blindly resend a create or a secret mint.
    pub drop_after_rate: f64,
    /// Share of answers cut off halfway through the body.
    pub truncate_rate: f64,
    /// Share of answers whose body is replaced by malformed JSON.
    pub malformed_rate: f64,
    /// The body arrives only after this delay (longer than the client's timeout, usually).
    pub slow_body: Option<Duration>,
    /// The token endpoint answers 503 to everything.
    pub token_down: bool,
    /// Only requests that change something meet the API faults; reads are answered normally,
    /// so that a test can break a write and still look at the server's state.
    pub writes_only: bool,
    pub seed: u64,
}

impl Faults {
    pub fn none() -> Self {
        Faults::default()
    }

    pub fn is_off(&self) -> bool {
        *self
            == Faults {
                seed: self.seed,
                writes_only: self.writes_only,
                ..Faults::default()
            }
    }
}

/// The fault settings in force and the draw counter, shared with the router.
#[derive(Default)]
pub struct FaultState {
    pub faults: std::sync::Mutex<Faults>,
    draws: AtomicU64,
    /// Mutating API requests (anything but a plain read) that reached the simulator, counted
    /// before any fault decides their fate: tests use it to prove that nothing was sent twice.
    pub mutations: AtomicU64,
    /// API requests answered 429 by the storm: tests prove with it that a 429 happened.
    pub storm_answers: AtomicU64,
}

impl FaultState {
    pub fn new(faults: Faults) -> Self {
        FaultState {
            faults: std::sync::Mutex::new(faults),
            ..FaultState::default()
        }
    }

    fn current(&self) -> Faults {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A number in [0, 1): splitmix64 over the seed and a counter.
    fn roll(&self, seed: u64) -> f64 {
        let n = self.draws.fetch_add(1, Ordering::Relaxed);
        let mut z = seed.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub async fn inject(
    State(state): State<std::sync::Arc<FaultState>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let mutates = req.method() != axum::http::Method::GET || path.ends_with("/GenerateSecret");
    let is_token = path.ends_with("/connect/token") || path.ends_with("/connect/authorize");
    let is_api = path.contains("/identity_/api/");
    let f = state.current();
    if is_api && mutates {
        state.mutations.fetch_add(1, Ordering::Relaxed);
    }
    if is_token {
        if f.token_down {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/html")],
                "<html><body><h1>503 Service Unavailable</h1></body></html>",
            )
                .into_response();
        }
        return next.run(req).await;
    }
    if !is_api || f.is_off() || (f.writes_only && !mutates) {
        return next.run(req).await;
    }
    if !f.latency.is_zero() {
        tokio::time::sleep(f.latency).await;
    }
    if let Some(secs) = f.storm_retry_after {
        state.storm_answers.fetch_add(1, Ordering::Relaxed);
        let mut resp = (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"message":"Too many requests"}"#,
        )
            .into_response();
        let value = if f.storm_as_date {
            http_date(secs)
        } else {
            secs.to_string()
        };
        if let Ok(v) = HeaderValue::from_str(&value) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return resp;
    }
    let roll = state.roll(f.seed);
    let mut edge = 0.0;
    let mut hit = |rate: f64| {
        let lo = edge;
        edge += rate.clamp(0.0, 1.0);
        roll >= lo && roll < edge
    };
    if hit(f.error_rate) {
        let status = [
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::BAD_GATEWAY,
            StatusCode::SERVICE_UNAVAILABLE,
        ][(roll * 1000.0) as usize % 3];
        return (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"message":"injected server failure"}"#,
        )
            .into_response();
    }
    if hit(f.drop_before_rate) {
        return dropped();
    }
    let drop_after = hit(f.drop_after_rate);
    let truncate = hit(f.truncate_rate);
    let malformed = hit(f.malformed_rate);
    let resp = next.run(req).await;
    if drop_after {
        return dropped();
    }
    if truncate || malformed {
        let (parts, body) = resp.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        let new: Bytes = if truncate {
            bytes.slice(..bytes.len() / 2)
        } else {
            Bytes::from_static(b"{\"name\": \"unterminated, \"id\": [}")
        };
        let mut resp = Response::from_parts(parts, Body::from(new));
        resp.headers_mut().remove(header::CONTENT_LENGTH);
        return resp;
    }
    if let Some(delay) = f.slow_body {
        let (parts, body) = resp.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        let stream = futures::stream::once(async move {
            tokio::time::sleep(delay).await;
            Ok::<Bytes, std::io::Error>(bytes)
        });
        let mut resp = Response::from_parts(parts, Body::from_stream(stream));
        resp.headers_mut().remove(header::CONTENT_LENGTH);
        return resp;
    }
    resp
}

/// `secs` from now as an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`), on the real clock: the
/// client compares it with its own.
fn http_date(secs: u64) -> String {
    let when = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(secs as i64))
        .unwrap_or(jiff::Timestamp::MAX);
    jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&when)
        .unwrap_or_default()
}

/// An answer whose body fails at once: hyper aborts the connection, and the client sees it
/// drop without a usable answer.
fn dropped() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected connection drop",
        ))
    });
    Response::new(Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolls_are_reproducible_and_spread() {
        let a = FaultState::default();
        let b = FaultState::default();
        let ra: Vec<f64> = (0..1000).map(|_| a.roll(42)).collect();
        let rb: Vec<f64> = (0..1000).map(|_| b.roll(42)).collect();
        assert_eq!(ra, rb);
        assert!(ra.iter().all(|r| (0.0..1.0).contains(r)));
        let low = ra.iter().filter(|r| **r < 0.25).count();
        assert!((150..350).contains(&low), "{low}");
    }

    #[test]
    fn off_ignores_the_seed() {
        assert!(
            Faults {
                seed: 9,
                ..Faults::none()
            }
            .is_off()
        );
        assert!(
            !Faults {
                token_down: true,
                ..Faults::none()
            }
            .is_off()
        );
    }
}
