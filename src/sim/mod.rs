//! The Identity simulator: a real HTTP server on loopback that speaks the External Client API
//! contract (`identity-api.md`) with the demo organization, so that the client, the TUI and the
//! tests can run without a UiPath tenant.
//!
//! Two clocks: the organization's clock (secret creation and expiry, and the token endpoint's
//! expiry check) starts at `SimSettings::now` (or the real time) and runs forward in real time;
//! access tokens use the real clock, because clients compare `exp` with their own clock. Both
//! move together with [`SimState::advance_clock`].

mod demo;
pub mod demo_mode;
mod details;
pub mod faults;
mod lag;
mod login;
mod ratelimit;
mod routes;
mod store;
mod streamed;
mod tokens;

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

use crate::api::Endpoints;
use crate::api::model::{App, CreateAppRequest, Resource, ScopeRef};

pub use demo::{
    DEMO_ADMIN_ID, DEMO_ADMIN_SECRET, DEMO_ORGANIZATION, DEMO_READER_ID, DEMO_READER_SECRET,
    demo_apps, demo_catalog, extra_admin_id, extra_admin_secret, extra_org_name, generated_apps,
};
pub use details::{ListDelivery, ListShape};
pub use faults::Faults;
pub use login::{
    CODE_LIFETIME_SECS, DEMO_LOGIN_CLIENT_ID, DEMO_LOGIN_REDIRECT_URI, DEMO_USER_ID, DEMO_USER_NAME,
};
pub use store::StoreError;
pub use tokens::MAX_SCOPE_LEN;

/// Requests allowed per organization per window, per method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub window: Duration,
    pub get: u32,
    pub post: u32,
    pub put: u32,
    pub delete: u32,
}

impl Default for RateLimits {
    /// Automation Cloud's published limits.
    fn default() -> Self {
        RateLimits {
            window: Duration::from_secs(300),
            get: 300,
            post: 24_000,
            put: 160,
            delete: 160,
        }
    }
}

impl RateLimits {
    /// No practical limit: for tests and scale runs that are not about rate limiting.
    pub fn unlimited() -> Self {
        RateLimits {
            window: Duration::from_secs(300),
            get: u32::MAX,
            post: u32::MAX,
            put: u32::MAX,
            delete: u32::MAX,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimSettings {
    /// 0 picks a free port.
    pub port: u16,
    /// Generated apps added after the demo ones (deterministic for `seed`).
    pub extra_apps: usize,
    pub token_lifetime: Duration,
    pub rate_limits: RateLimits,
    pub seed: u64,
    /// `None`: the real clock. `Some`: the organization's clock starts here (the demo data's
    /// day offsets are resolved against it).
    pub now: Option<Timestamp>,
    /// Injected failures (none by default); changeable later with [`SimState::set_faults`].
    pub faults: Faults,
    /// How long a write stays invisible to API reads (the live server's lag); zero: none.
    /// Measured on the organization's clock, so [`SimState::advance_clock`] moves past it.
    pub read_lag: Duration,
    /// What the list carries: summaries (as the live server) unless `Full`.
    pub list_shape: ListShape,
    /// Whether the list is written as it is serialised (the default) or whole.
    pub list_delivery: ListDelivery,
    /// Client ids whose own read (`GET .../{id}`) answers 500.
    pub fail_detail_reads: Vec<String>,
    /// Organizations served: the demo one, then `demo-org-2`, ... each with its own partition,
    /// admin app (`demo-admin-N`, secret `demo-admin-N-secret`) and `extra_apps` generated apps.
    pub orgs: usize,
}

impl Default for SimSettings {
    fn default() -> Self {
        SimSettings {
            port: 0,
            extra_apps: 0,
            token_lifetime: Duration::from_secs(3600),
            rate_limits: RateLimits::default(),
            seed: 0,
            now: None,
            faults: Faults::none(),
            read_lag: Duration::ZERO,
            list_shape: ListShape::default(),
            list_delivery: ListDelivery::default(),
            fail_detail_reads: Vec::new(),
            orgs: 1,
        }
    }
}

struct Clock {
    base: Timestamp,
    started: Instant,
    offset: Mutex<SignedDuration>,
}

impl Clock {
    fn offset(&self) -> SignedDuration {
        *lock(&self.offset)
    }

    fn org_now(&self) -> Timestamp {
        let elapsed = SignedDuration::try_from(self.started.elapsed()).unwrap_or_default();
        self.base
            .checked_add(elapsed + self.offset())
            .unwrap_or(self.base)
    }

    fn token_now(&self) -> Timestamp {
        let now = Timestamp::now();
        now.checked_add(self.offset()).unwrap_or(now)
    }
}

pub(crate) struct Shared {
    /// The demo organization: the one `SimState` looks at.
    org: Mutex<store::Org>,
    /// The organizations after the first (`--orgs N`).
    others: Vec<Mutex<store::Org>>,
    signer: tokens::Signer,
    logins: Mutex<login::Logins>,
    limiter: Mutex<ratelimit::RateLimiter>,
    token_lifetime: Duration,
    clock: Clock,
    faults: Arc<faults::FaultState>,
    details: details::DetailState,
}

impl Shared {
    fn orgs(&self) -> impl Iterator<Item = &Mutex<store::Org>> {
        std::iter::once(&self.org).chain(&self.others)
    }

    /// The organization a path names (by name or GUID), by its place: 0 is the demo one.
    fn org_index(&self, name: &str) -> Option<usize> {
        self.orgs().position(|o| lock(o).matches_org(name))
    }

    fn org_at(&self, index: usize) -> &Mutex<store::Org> {
        index
            .checked_sub(1)
            .and_then(|i| self.others.get(i))
            .unwrap_or(&self.org)
    }

    /// The organization holding `client_id`, for the token endpoint's path without one; the
    /// demo organization when none does (it then refuses the client itself).
    fn org_of_client(&self, client_id: Option<&str>) -> &Mutex<store::Org> {
        let Some(id) = client_id else {
            return &self.org;
        };
        if self.others.is_empty() || lock(&self.org).find(id).is_some() {
            return &self.org;
        }
        self.others
            .iter()
            .find(|o| lock(o).find(id).is_some())
            .unwrap_or(&self.org)
    }
}

/// A poisoned lock only means a handler panicked mid-request; the state is still usable and a
/// simulator that keeps answering is more useful than one that cascades the panic.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A cloneable handle on the running simulator's state, for tests to look and poke.
#[derive(Clone)]
pub struct SimState {
    shared: Arc<Shared>,
}

impl SimState {
    pub fn organization(&self) -> String {
        lock(&self.shared.org).name.clone()
    }

    pub fn partition_id(&self) -> String {
        lock(&self.shared.org).partition_id.clone()
    }

    /// The organization's clock.
    pub fn now(&self) -> Timestamp {
        self.shared.clock.org_now()
    }

    /// Moves both clocks forward: secrets and tokens expire without waiting.
    pub fn advance_clock(&self, by: Duration) {
        let by = SignedDuration::try_from(by).unwrap_or(SignedDuration::MAX);
        let mut off = lock(&self.shared.clock.offset);
        *off = off.saturating_add(by);
    }

    pub fn apps(&self) -> Vec<App> {
        lock(&self.shared.org).list()
    }

    pub fn app(&self, client_id: &str) -> Option<App> {
        lock(&self.shared.org).get(client_id).ok()
    }

    pub fn app_count(&self) -> usize {
        lock(&self.shared.org).app_count()
    }

    pub fn catalog(&self) -> Vec<Resource> {
        lock(&self.shared.org).catalog().to_vec()
    }

    /// Creates an app with the server's rules; the answer carries the first secret of a
    /// confidential app, as the create route does.
    pub fn add_app(
        &self,
        name: &str,
        is_confidential: bool,
        redirect_uri: Option<&str>,
        scopes: Vec<ScopeRef>,
    ) -> Result<App, StoreError> {
        let now = self.now();
        let mut org = lock(&self.shared.org);
        let req = CreateAppRequest {
            partition_global_id: org.partition_id.clone(),
            name: name.to_owned(),
            is_confidential,
            redirect_uri: redirect_uri.map(str::to_owned),
            scopes,
        };
        org.create(req, now)
    }

    /// Adds `uri` to the app's registered redirect URIs, as an admin would in the portal (the
    /// login matches them exactly, so a test listening on a free port registers that port).
    pub fn register_redirect_uri(&self, client_id: &str, uri: &str) -> bool {
        let mut org = lock(&self.shared.org);
        let Some(app) = org.find_mut(client_id) else {
            return false;
        };
        app.redirect_uri = Some(match app.redirect_uri.take() {
            Some(r) if !r.trim().is_empty() => format!("{r},{uri}"),
            _ => uri.to_owned(),
        });
        true
    }

    pub fn delete_app(&self, client_id: &str) -> bool {
        lock(&self.shared.org).delete(client_id).is_ok()
    }

    /// Plants a secret with a known value and any expiry (also one in the past); its id.
    pub fn add_secret(
        &self,
        client_id: &str,
        value: &str,
        expiry: Option<Timestamp>,
    ) -> Result<i64, StoreError> {
        let now = self.now();
        lock(&self.shared.org)
            .add_secret(client_id, value, None, expiry, now)
            .map(|s| s.id)
    }

    /// Changes a secret's expiry; false when no secret has that id.
    pub fn set_secret_expiry(&self, secret_id: i64, expiry: Option<Timestamp>) -> bool {
        match lock(&self.shared.org).secret_mut(secret_id) {
            Some(s) => {
                s.expiry_time = expiry;
                true
            }
            None => false,
        }
    }

    /// Every access token issued so far is refused from now on, expired or not.
    pub fn revoke_all_tokens(&self) {
        self.shared.signer.revoke_all();
    }

    /// A valid access token for `client_id` with exactly `scopes`, without the token endpoint.
    pub fn issue_token(&self, client_id: &str, scopes: &[&str]) -> String {
        let org = lock(&self.shared.org);
        let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        self.shared.signer.issue(
            &org,
            client_id,
            &scopes,
            self.shared.token_lifetime.as_secs(),
            self.shared.clock.token_now(),
        )
    }

    pub fn set_rate_limits(&self, limits: RateLimits) {
        lock(&self.shared.limiter).set_limits(limits);
    }

    /// Requests answered 429 by the rate limiter so far.
    pub fn rate_limited(&self) -> u64 {
        lock(&self.shared.limiter).refused()
    }

    /// API requests answered 429 by the storm fault so far.
    pub fn storm_answers(&self) -> u64 {
        self.shared
            .faults
            .storm_answers
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Forgets the requests counted so far.
    pub fn reset_rate_limits(&self) {
        lock(&self.shared.limiter).reset();
    }

    /// Replaces the injected faults; `Faults::none()` brings the server back to health.
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.shared.faults.faults) = faults;
    }

    /// Switches what the list carries from now on.
    pub fn set_list_shape(&self, shape: ListShape) {
        self.shared.details.set_shape(shape);
    }

    /// Switches how the list's body is sent from now on.
    pub fn set_list_delivery(&self, delivery: ListDelivery) {
        self.shared.details.set_delivery(delivery);
    }

    /// From now on the own reads of exactly these apps answer 500 (an empty list heals them).
    pub fn fail_detail_reads<S: Into<String>>(&self, client_ids: impl IntoIterator<Item = S>) {
        let ids = client_ids.into_iter().map(Into::into).collect();
        self.shared.details.set_failing(ids);
    }

    /// Per-app reads (`GET .../{prt}/{id}`) that passed the gateway's checks so far.
    pub fn detail_reads(&self) -> u64 {
        self.shared.details.reads()
    }

    /// Mutating API requests that reached the simulator, whatever faults did to them after.
    pub fn mutations_handled(&self) -> u64 {
        self.shared
            .faults
            .mutations
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl std::fmt::Debug for SimState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimState")
            .field("organization", &self.organization())
            .field("apps", &self.app_count())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("base_url", &self.base_url.as_str())
            .field("organization", &self.organization)
            .field("partition_id", &self.partition_id)
            .finish_non_exhaustive()
    }
}

/// The running simulator. Dropping it stops the server too; `shutdown` does it gracefully.
pub struct SimHandle {
    /// `http://127.0.0.1:PORT/`
    pub base_url: Url,
    pub organization: String,
    pub partition_id: String,
    /// The organizations after the first: name and partition id (`--orgs N`).
    pub extra_orgs: Vec<(String, String)>,
    state: SimState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SimHandle {
    pub fn admin_client_id(&self) -> &str {
        DEMO_ADMIN_ID
    }

    pub fn admin_secret(&self) -> &str {
        DEMO_ADMIN_SECRET
    }

    pub fn state(&self) -> SimState {
        self.state.clone()
    }

    /// `http://127.0.0.1:PORT/identity_/connect/token`
    pub fn token_url(&self) -> String {
        format!("{}identity_/connect/token", self.base_url)
    }

    /// `http://127.0.0.1:PORT/identity_/connect/authorize`
    pub fn authorize_url(&self) -> String {
        format!("{}identity_/connect/authorize", self.base_url)
    }

    /// `http://127.0.0.1:PORT/{org}/identity_`: the API base.
    pub fn api_base(&self) -> String {
        format!("{}{}/identity_", self.base_url, self.organization)
    }

    /// The client's endpoints for this simulator, resolved the way a profile would be.
    pub fn endpoints(&self) -> Endpoints {
        Endpoints::resolve(self.base_url.as_str(), &self.organization, None, None)
            .expect("a loopback http URL is a valid base")
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            // Graceful shutdown waits for open connections; a client holding a keep-alive
            // connection must not hang the caller.
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
        tracing::info!("sim: stopped");
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Binds 127.0.0.1:`port` and serves the demo organization on the current tokio runtime.
pub async fn start(settings: SimSettings) -> std::io::Result<SimHandle> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, settings.port)).await?;
    let addr = listener.local_addr()?;
    let base_url = Url::parse(&format!("http://{addr}/")).map_err(std::io::Error::other)?;

    let base = settings.now.unwrap_or_else(Timestamp::now);
    let mut org = demo::demo_org(base);
    demo::add_generated(&mut org, settings.extra_apps, settings.seed, base);
    org.lag = lag::ReadLag::new(SignedDuration::try_from(settings.read_lag).unwrap_or_default());
    let organization = org.name.clone();
    let partition_id = org.partition_id.clone();

    let others: Vec<store::Org> = (2..=settings.orgs.max(1))
        .map(|n| {
            let mut o = demo::extra_org(n, base);
            demo::add_generated(&mut o, settings.extra_apps, settings.seed + n as u64, base);
            o.lag =
                lag::ReadLag::new(SignedDuration::try_from(settings.read_lag).unwrap_or_default());
            o
        })
        .collect();
    let extra_orgs = others
        .iter()
        .map(|o| (o.name.clone(), o.partition_id.clone()))
        .collect();
    let shared = Arc::new(Shared {
        org: Mutex::new(org),
        others: others.into_iter().map(Mutex::new).collect(),
        signer: tokens::Signer::new(format!("{base_url}identity_")),
        logins: Mutex::new(login::Logins::default()),
        limiter: Mutex::new(ratelimit::RateLimiter::new(settings.rate_limits)),
        token_lifetime: settings.token_lifetime,
        clock: Clock {
            base,
            started: Instant::now(),
            offset: Mutex::new(SignedDuration::ZERO),
        },
        faults: Arc::new(faults::FaultState::new(settings.faults.clone())),
        details: details::DetailState::new(settings.list_shape, settings.list_delivery),
    });
    shared
        .details
        .set_failing(settings.fail_detail_reads.iter().cloned().collect());
    let router = routes::router(shared.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "sim: server failed");
        }
    });
    tracing::info!(%base_url, organization, extra_apps = settings.extra_apps, "sim: listening");
    Ok(SimHandle {
        base_url,
        organization,
        partition_id,
        extra_orgs,
        state: SimState { shared },
        stop: Some(stop),
        task: Some(task),
    })
}
