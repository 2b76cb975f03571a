//! The HTTP layer: route table, the checks every API call goes through (organization, rate
//! limit, bearer token, scopes, in the order a gateway in front of the real server applies
//! them), and translation of store results into the contract's status codes and bodies.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::details::{AppSummary, ListDelivery, ListShape};
use super::login::{self, AuthorizeError};
use super::ratelimit::{Bucket, retry_after_secs};
use super::store::StoreError;
use super::tokens::{self, TokenRequest};
use super::{Shared, lock};
use crate::api::model::{CreateAppRequest, GenerateSecretRequest, UpdateAppRequest};
use crate::domain::permissions::{READ_SCOPES, SECRET_SCOPES, WRITE_SCOPES};

type St = State<Arc<Shared>>;

pub fn router(shared: Arc<Shared>) -> Router {
    let api = "/{org}/identity_/api";
    Router::new()
        .route("/identity_/connect/token", post(token))
        .route("/{org}/identity_/connect/token", post(token_in_org))
        .route("/identity_/connect/authorize", get(authorize))
        .route("/{org}/identity_/connect/authorize", get(authorize_in_org))
        .route("/identity_/web/", get(web_error))
        .route(&format!("{api}/ExternalClient"), post(create_app))
        .route(
            &format!("{api}/ExternalClient/GenerateSecret"),
            post(generate_secret),
        )
        .route(&format!("{api}/ExternalClient/{{prt}}"), get(list_apps))
        .route(
            &format!("{api}/ExternalClient/{{prt}}/{{client_id}}"),
            get(get_app).put(update_app).delete(delete_app),
        )
        .route(
            &format!("{api}/ExternalClient/{{prt}}/{{client_id}}/GenerateSecret"),
            get(generate_secret_legacy),
        )
        .route(
            &format!("{api}/ExternalClient/{{prt}}/secrets/{{secret_id}}"),
            delete(delete_secret),
        )
        .route(&format!("{api}/ExternalApiResource"), get(catalog))
        .route("/_sim/stats", get(stats))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            shared.faults.clone(),
            super::faults::inject,
        ))
        .layer(middleware::from_fn(log_request))
        .with_state(shared)
}

/// What the simulator counted, for tests that run it as a process of its own: the writes that
/// reached it (before any fault), to prove that a change was sent at most once, and the 429s
/// it answered (storm and rate limits), to prove that one happened.
async fn stats(State(shared): St) -> Response {
    use std::sync::atomic::Ordering::Relaxed;
    let writes = shared.faults.mutations.load(Relaxed);
    let limited = shared.faults.storm_answers.load(Relaxed) + lock(&shared.limiter).refused();
    axum::Json(json!({ "writeRequests": writes, "tooManyRequests": limited })).into_response()
}

/// Method, path and status only: bodies and headers carry secrets and tokens.
async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let resp = next.run(req).await;
    tracing::debug!(%method, path, status = resp.status().as_u16(), "sim: request");
    resp
}

/// The body shapes the live server's errors come in, each where it uses it (see
/// docs/server-behaviour.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `{"message": ...}`: the gateway's answers (401, 404, 429).
    Message,
    /// `{"StatusCode", "StatusDescription", "Message"}`: the API's own validation.
    Status,
    /// `{"errorMessage": ...}`: a token without the scopes a route needs.
    ErrorMessage,
    /// ASP.NET ProblemDetails with `errors: {field: [messages]}`: a body or route value that
    /// does not bind.
    Problem(&'static str),
}

/// An error answer of the API routes.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    message: String,
    retry_after: Option<u64>,
    shape: Shape,
}

impl Failure {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
            retry_after: None,
            shape: Shape::Message,
        }
    }

    fn shaped(mut self, shape: Shape) -> Self {
        self.shape = shape;
        self
    }

    /// A value that does not bind to `field`: 400 as ProblemDetails.
    fn unbound(field: &'static str, message: impl Into<String>) -> Self {
        Failure::new(StatusCode::BAD_REQUEST, message).shaped(Shape::Problem(field))
    }

    fn body(&self) -> serde_json::Value {
        match self.shape {
            Shape::Message => json!({"message": self.message}),
            Shape::Status => json!({
                "StatusCode": self.status.as_u16(),
                "StatusDescription": self.status.canonical_reason().unwrap_or(""),
                "Message": self.message,
            }),
            Shape::ErrorMessage => json!({"errorMessage": self.message}),
            Shape::Problem(field) => json!({
                "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                "title": "One or more validation errors occurred.",
                "status": self.status.as_u16(),
                "errors": {field: [self.message]},
            }),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
        let failure = Failure::new(status, e.message);
        if status == StatusCode::BAD_REQUEST {
            failure.shaped(Shape::Status)
        } else {
            failure
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        resp
    }
}

type ApiResult = Result<Response, Failure>;

async fn not_found() -> Failure {
    Failure::new(StatusCode::NOT_FOUND, "Not found")
}

fn bucket(method: &Method) -> Bucket {
    match *method {
        Method::POST => Bucket::Post,
        Method::PUT | Method::PATCH => Bucket::Put,
        Method::DELETE => Bucket::Delete,
        _ => Bucket::Get,
    }
}

/// The checks every API route makes before looking at its body.
fn admit(
    shared: &Shared,
    org: &str,
    prt: Option<&str>,
    method: &Method,
    headers: &HeaderMap,
    needed: &[&str],
) -> Result<usize, Failure> {
    let Some(index) = shared.org_index(org) else {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            format!("Organization {org} not found"),
        ));
    };
    let (org_name, partition) = {
        let o = lock(shared.org_at(index));
        (o.name.clone(), o.partition_id.clone())
    };
    if let Err(wait) = lock(&shared.limiter).check(&org_name, bucket(method), Instant::now()) {
        let secs = retry_after_secs(wait);
        tracing::info!(%method, retry_after = secs, "sim: rate limited");
        return Err(Failure {
            retry_after: Some(secs),
            ..Failure::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many requests; retry after {secs} seconds"),
            )
        });
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .and_then(|v| {
            v.get(..7)
                .filter(|p| p.eq_ignore_ascii_case("bearer "))
                .map(|_| &v[7..])
        })
        .unwrap_or("");
    let claims = shared
        .signer
        .verify(token, &partition, shared.clock.token_now())
        .map_err(|e| Failure::new(StatusCode::UNAUTHORIZED, e.to_string()))?;
    let scopes = claims.scopes();
    if !needed.iter().any(|n| scopes.iter().any(|s| s == n)) {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            format!(
                "Scope(s) '{}' is(are) invalid. Expect to have '{}'. ",
                scopes.join(" "),
                needed.join("' or '")
            ),
        )
        .shaped(Shape::ErrorMessage));
    }
    if let Some(prt) = prt
        && !is_guid(prt)
    {
        return Err(Failure::unbound(
            "partitionGlobalId",
            format!("The value '{prt}' is not valid."),
        ));
    }
    if let Some(prt) = prt
        && !prt.eq_ignore_ascii_case(&partition)
    {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            format!("Partition {prt} not found"),
        ));
    }
    Ok(index)
}

/// `8-4-4-4-12` hex digits, the only form ASP.NET binds to a `Guid` route value here.
fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, Failure> {
    serde_json::from_slice(bytes)
        .map_err(|e| Failure::unbound("$", format!("The JSON value could not be converted: {e}")))
}

fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    (status, axum::Json(value)).into_response()
}

// ---- External Client routes ---------------------------------------------------------------

/// The scopes a route needs (any one of them).
trait Access {
    const SCOPES: &'static [&'static str];
}

struct Read;
struct Write;
struct Secrets;

impl Access for Read {
    const SCOPES: &'static [&'static str] = READ_SCOPES;
}
impl Access for Write {
    const SCOPES: &'static [&'static str] = WRITE_SCOPES;
}
impl Access for Secrets {
    const SCOPES: &'static [&'static str] = SECRET_SCOPES;
}

/// A call that passed `admit` for the scopes of `A`, with the organization and partition of
/// its path: every API handler starts from one, so a handler states only what it does.
/// Extracted before the body, so a refused call never has its body read.
struct Admitted<A> {
    s: Arc<Shared>,
    /// The organization of the path (`Shared::org_at`).
    org: usize,
    _access: PhantomData<A>,
}

impl<A: Access> FromRequestParts<Arc<Shared>> for Admitted<A> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        shared: &Arc<Shared>,
    ) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, shared)
            .await
            .map_err(IntoResponse::into_response)?;
        let org = params.get("org").map_or("", String::as_str);
        let prt = params.get("prt").map(String::as_str);
        let org = admit(shared, org, prt, &parts.method, &parts.headers, A::SCOPES)
            .map_err(IntoResponse::into_response)?;
        Ok(Admitted {
            s: Arc::clone(shared),
            org,
            _access: PhantomData,
        })
    }
}

impl<A> Admitted<A> {
    fn org(&self) -> std::sync::MutexGuard<'_, super::store::Org> {
        lock(self.s.org_at(self.org))
    }

    /// Runs a change to one app under the store's lock, keeping its previous version for
    /// lagged reads. `change` gets the organization's time of the call.
    fn change<T>(
        &self,
        client_id: &str,
        change: impl FnOnce(&mut super::store::Org, Timestamp) -> Result<T, StoreError>,
    ) -> Result<T, Failure> {
        let now = self.s.clock.org_now();
        Ok(self.org().changing(client_id, now, |o| change(o, now))?)
    }
}

/// The app a route names.
#[derive(serde::Deserialize)]
struct AppPath {
    client_id: String,
}

fn ok<T: serde::Serialize>(value: &T) -> ApiResult {
    Ok(json(StatusCode::OK, value))
}

async fn list_apps(a: Admitted<Read>) -> ApiResult {
    let apps = a.org().visible_list(a.s.clock.org_now());
    let shape = a.s.details.shape();
    let write = move |w: &mut dyn std::io::Write| {
        use serde::Serializer as _;
        let mut json = serde_json::Serializer::new(w);
        match shape {
            ListShape::Full => (&mut json).collect_seq(&apps),
            ListShape::Summary => (&mut json).collect_seq(apps.iter().map(AppSummary::from)),
        }
    };
    Ok(match a.s.details.delivery() {
        ListDelivery::Streamed => super::streamed::json(write),
        ListDelivery::Buffered => {
            let mut body = Vec::new();
            write(&mut body)
                .map_err(|e| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response()
        }
    })
}

async fn get_app(a: Admitted<Read>, Path(p): Path<AppPath>) -> ApiResult {
    if !a.s.details.read(&p.client_id) {
        return Err(Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "injected failure of this app's read",
        ));
    }
    ok(&a.org().visible_get(&p.client_id, a.s.clock.org_now())?)
}

async fn create_app(a: Admitted<Write>, bytes: Bytes) -> ApiResult {
    let req: CreateAppRequest = body(&bytes)?;
    let now = a.s.clock.org_now();
    let mut o = a.org();
    let app = o.create(req, now)?;
    o.lag.record(&app.id, None, now);
    Ok(json(StatusCode::CREATED, &app))
}

async fn update_app(a: Admitted<Write>, Path(p): Path<AppPath>, bytes: Bytes) -> ApiResult {
    let req: UpdateAppRequest = body(&bytes)?;
    a.change(&p.client_id, |o, _| o.update(&p.client_id, req))?;
    // The live server answers an update with 200 and no body at all; clients read the app back.
    Ok(StatusCode::OK.into_response())
}

async fn delete_app(a: Admitted<Write>, Path(p): Path<AppPath>) -> ApiResult {
    a.change(&p.client_id, |o, _| o.delete(&p.client_id))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn generate_secret(a: Admitted<Secrets>, bytes: Bytes) -> ApiResult {
    let req: GenerateSecretRequest = body(&bytes)?;
    let client_id = req.client_id.clone();
    ok(&a.change(&client_id, |o, now| o.generate_secret(req, now))?)
}

/// The old generator: a GET that mints a never-expiring secret and answers its value as a bare
/// JSON string.
async fn generate_secret_legacy(a: Admitted<Secrets>, Path(p): Path<AppPath>) -> ApiResult {
    let value = super::store::new_secret_value();
    a.change(&p.client_id, |o, now| {
        o.add_secret(&p.client_id, &value, None, None, now)
    })?;
    ok(&value)
}

/// The secret a route names, as the path has it (bound to a number after the checks).
#[derive(serde::Deserialize)]
struct SecretPath {
    secret_id: String,
}

async fn delete_secret(a: Admitted<Secrets>, Path(p): Path<SecretPath>) -> ApiResult {
    let secret_id = p.secret_id;
    let id: i64 = secret_id.parse().map_err(|_| {
        Failure::unbound("secretId", format!("The value '{secret_id}' is not valid."))
    })?;
    let now = a.s.clock.org_now();
    // One lock for finding the owner and changing it.
    let mut o = a.org();
    let owner = o.secret_owner(id).unwrap_or_default();
    o.changing(&owner, now, |o| o.delete_secret(id))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn catalog(a: Admitted<Read>) -> ApiResult {
    ok(&a.org().catalog().to_vec())
}

// ---- token endpoint ---------------------------------------------------------------------------

async fn token_in_org(
    State(s): St,
    Path(org): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let Some(index) = s.org_index(&org) else {
        return Failure::new(
            StatusCode::NOT_FOUND,
            format!("Organization {org} not found"),
        )
        .into_response();
    };
    token_response(&s, Some(index), &headers, &bytes)
}

async fn token(State(s): St, headers: HeaderMap, bytes: Bytes) -> Response {
    token_response(&s, None, &headers, &bytes)
}

fn oauth_error(error: &str, description: &str) -> Response {
    oauth(
        StatusCode::BAD_REQUEST,
        json!({"error": error, "error_description": description}),
    )
}

fn oauth<T: serde::Serialize>(status: StatusCode, body: T) -> Response {
    let mut resp = (status, axum::Json(body)).into_response();
    // Token answers must never be cached by anything in between.
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// `org`: the organization of the path; without one, the organization holding the client.
fn token_response(s: &Shared, org: Option<usize>, headers: &HeaderMap, bytes: &Bytes) -> Response {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !is_form {
        return oauth_error(
            "invalid_request",
            "the token request must be application/x-www-form-urlencoded",
        );
    }
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes) else {
        return oauth_error("invalid_request", "the form could not be read");
    };
    let mut form = HashMap::new();
    for (k, v) in pairs {
        form.entry(k).or_insert(v);
    }
    let req = TokenRequest {
        form,
        basic: basic_auth(headers),
    };
    let org = match org {
        Some(i) => lock(s.org_at(i)),
        None => {
            let id = req
                .basic
                .as_ref()
                .map(|(id, _)| id.as_str())
                .or_else(|| req.form.get("client_id").map(String::as_str));
            lock(s.org_of_client(id))
        }
    };
    let mut logins = lock(&s.logins);
    match tokens::grant(
        &org,
        &s.signer,
        &mut logins,
        &req,
        s.token_lifetime.as_secs(),
        s.clock.org_now(),
        s.clock.token_now(),
    ) {
        Ok(issued) => oauth(StatusCode::OK, issued.response),
        Err(e) => oauth(StatusCode::BAD_REQUEST, e.0),
    }
}

// ---- authorize (login in a browser) -----------------------------------------------------------

type Params = Query<HashMap<String, String>>;

async fn authorize_in_org(State(s): St, Path(org): Path<String>, Query(q): Params) -> Response {
    if s.org_index(&org).is_none() {
        return error_page(&format!("Organization {org} not found"));
    }
    authorize_response(&s, &q)
}

async fn authorize(State(s): St, Query(q): Params) -> Response {
    authorize_response(&s, &q)
}

/// Auto-approves the demo user: no login page, straight back to the client with a code.
fn authorize_response(s: &Shared, q: &HashMap<String, String>) -> Response {
    let checked = login::authorize(&lock(&s.org), q);
    let state = q.get("state").map(String::as_str);
    match checked {
        Ok(auth) => {
            let redirect_uri = auth.redirect_uri.clone();
            let code = lock(&s.logins).new_code(auth, s.clock.token_now());
            tracing::info!("sim: authorize approved the demo user");
            redirect(&redirect_uri, &[("code", Some(&code)), ("state", state)])
        }
        Err(AuthorizeError::Redirect {
            redirect_uri,
            error,
            description,
        }) => {
            tracing::info!(error, description, "sim: authorize refused");
            redirect(
                &redirect_uri,
                &[
                    ("error", Some(error)),
                    ("error_description", Some(&description)),
                    ("state", state),
                ],
            )
        }
        Err(AuthorizeError::Page { code, message }) => {
            tracing::info!(code, message, "sim: authorize refused with a page");
            // The live server sends the browser to its own error page, never back to the
            // client: the client only sees that no redirect arrives.
            let mut resp = StatusCode::FOUND.into_response();
            let to = format!("/identity_/web/?errorCode={code}");
            if let Ok(v) = HeaderValue::from_str(&to) {
                resp.headers_mut().insert(header::LOCATION, v);
            }
            resp
        }
    }
}

/// Identity's web error page, where a refused authorize request ends.
async fn web_error(Query(q): Params) -> Response {
    let code = q.get("errorCode").map(String::as_str).unwrap_or("unknown");
    let mut resp = error_page(&format!(
        "Identity could not complete the sign-in (errorCode={code}). If you came here from an \
         application, its redirect URI may not be registered exactly as it sent it."
    ));
    *resp.status_mut() = StatusCode::OK;
    resp
}

fn redirect(to: &str, params: &[(&str, Option<&str>)]) -> Response {
    let Ok(mut url) = url::Url::parse(to) else {
        return error_page("the redirect URI is not a URL");
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            if let Some(v) = v {
                q.append_pair(k, v);
            }
        }
    }
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(url.as_str()) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The page a browser shows when the server cannot safely send it back to the client.
fn error_page(message: &str) -> Response {
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<!doctype html><title>Sign-in error</title><h1>Sign-in error</h1><p>{escaped}</p>"
        ),
    )
        .into_response()
}

/// `Authorization: Basic base64(id:secret)` (client_secret_basic); the parts are form-encoded.
fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let raw = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let b64 = raw
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("basic "))
        .map(|_| &raw[6..])?;
    let decoded = String::from_utf8(STANDARD.decode(b64.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}
