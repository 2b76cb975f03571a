//! Runs effects against the Identity server on tokio tasks and sends the answers back as
//! messages. The UI loop never awaits the network.
//!
//! One shape: [`perform`] turns an effect into its answers; [`Worker::spawn`] is the one
//! place that starts a task for it and sends what it returns. What must follow dispatch order
//! (which profile switch is the latest, ending a running login) happens in `spawn` itself,
//! before the task starts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use crate::api::backup_delete;
use crate::api::details_cache::{CachedApp, CachedApps, DetailsCache, OrgKey};
use crate::api::model::App;
use crate::api::outcome::Outcome;
use crate::api::{ApiError, IdentityClient};
use crate::domain::backup;

use super::effect::{Effect, RequestId, SecretEffect};
use super::flows::login::{self, LoginAnswer};
use super::msg::{ApiResult, Msg, ProfileList, SecretResult, SwitchInfo, TokenInfo};

/// Starts effects and sends their answers to the event loop.
pub struct Worker {
    state: Arc<WorkerState>,
    out: Outbox,
}

/// What outlives one effect: the client, the details cache, the variables a profile switch
/// reads, and the login running now.
pub struct WorkerState {
    /// The current profile's client. A profile switch replaces it; effects already running
    /// keep the one they started with (their answers are stale by then).
    client: RwLock<Arc<IdentityClient>>,
    /// The last `SwitchProfile` asked for: an older one finishing later installs nothing.
    latest_switch: AtomicU64,
    /// The details cache between runs (`None`: none kept, as for `--demo`).
    details_cache: Option<DetailCacheSlot>,
    /// Where a profile switch reads variables (the config location, the token cache, the
    /// profile's `client_secret_env`): the process environment, or a test's map.
    env: Env,
    /// The login task running now, with its request: a new login or Esc ends it, which closes
    /// its listener at once (the registered port is then free for the next one).
    login: Mutex<Option<(RequestId, AbortHandle)>>,
}

/// A variable lookup shared with blocking tasks.
pub type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The way back to the event loop. The loop may be gone when the user quit meanwhile: a
/// message sent then is dropped, there is nothing else to do with it.
#[derive(Clone)]
pub struct Outbox(UnboundedSender<Msg>);

impl Outbox {
    pub fn send(&self, msg: Msg) {
        let _ = self.0.send(msg);
    }
}

impl Worker {
    pub fn new(client: Arc<IdentityClient>, tx: UnboundedSender<Msg>) -> Self {
        Self::with_env(client, tx, Arc::new(crate::config::process_env))
    }

    /// A worker whose profile switches read variables from `env` instead of the process.
    pub fn with_env(client: Arc<IdentityClient>, tx: UnboundedSender<Msg>, env: Env) -> Self {
        Worker {
            state: Arc::new(WorkerState {
                client: RwLock::new(client),
                latest_switch: AtomicU64::new(0),
                details_cache: None,
                env,
                login: Mutex::new(None),
            }),
            out: Outbox(tx),
        }
    }

    /// Keeps every app read in `cache`, and reads it back at start. Called before the first
    /// effect (the state is shared with running tasks afterwards).
    pub fn with_details_cache(mut self, cache: Option<DetailsCache>) -> Self {
        let slot = cache.map(|cache| DetailCacheSlot {
            cache,
            loaded: Mutex::new(None),
        });
        match Arc::get_mut(&mut self.state) {
            Some(state) => state.details_cache = slot,
            None => tracing::warn!("the details cache was set after effects started; not kept"),
        }
        self
    }

    /// The client effects started now use.
    pub fn client(&self) -> Arc<IdentityClient> {
        self.state.client()
    }

    /// Starts the effect in the background; its answers come back through the channel.
    /// `Quit` and `EditJson` are the event loop's business.
    pub fn spawn(&self, effect: Effect) {
        match &effect {
            Effect::Quit | Effect::EditJson { .. } => return,
            Effect::CancelLogin { req } => {
                self.state.end_login(Some(*req));
                return;
            }
            Effect::SwitchProfile { req, .. } => {
                self.state.latest_switch.store(req.0, Ordering::SeqCst)
            }
            Effect::StartLogin { .. } => self.state.end_login(None),
            _ => {}
        }
        let login = match &effect {
            Effect::StartLogin { req, .. } => Some(*req),
            _ => None,
        };
        let state = Arc::clone(&self.state);
        let out = self.out.clone();
        let client = self.state.client();
        let task = tokio::spawn(async move {
            let answers = perform(effect, Arc::clone(&client), &state, &out).await;
            state.send(&out, &client, answers);
        });
        if let Some(req) = login {
            *self.state.login.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((req, task.abort_handle()));
        }
    }
}

impl WorkerState {
    fn client(&self) -> Arc<IdentityClient> {
        Arc::clone(&self.client.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Ends the running login: any one (`None`), or only the one of `req`. An aborted login
    /// answers nothing more.
    fn end_login(&self, req: Option<RequestId>) {
        let mut running = self.login.lock().unwrap_or_else(|e| e.into_inner());
        if running
            .as_ref()
            .is_some_and(|(r, _)| req.is_none_or(|req| req == *r))
            && let Some((_, task)) = running.take()
        {
            task.abort();
        }
    }

    /// Sends an effect's answers in order. `SessionToken` carries no request id: it is only
    /// told while `client` (the one the effect ran with) is still the current one. The read
    /// lock is held while sending, so a switch's answer (sent after its write) always comes
    /// after it.
    fn send(&self, out: &Outbox, client: &Arc<IdentityClient>, answers: Vec<Msg>) {
        let current = self.client.read().unwrap_or_else(|e| e.into_inner());
        for msg in answers {
            if matches!(msg, Msg::SessionToken(_)) && !Arc::ptr_eq(&current, client) {
                continue;
            }
            out.send(msg);
        }
    }
}

fn api(req: RequestId, result: ApiResult) -> Vec<Msg> {
    vec![Msg::Api { req, result }]
}

/// What one effect comes back with, in the order the event loop gets it: its answer, and
/// after a list call the session token it fetched. `client` is the one current when the
/// effect was dispatched; `out` carries what an effect tells before its answer (the login's
/// URL). Blocking work (files, a `client_secret_command`, a clipboard tool) runs off the
/// async threads.
pub async fn perform(
    effect: Effect,
    client: Arc<IdentityClient>,
    state: &Arc<WorkerState>,
    out: &Outbox,
) -> Vec<Msg> {
    match effect {
        Effect::LoadApps { req } => {
            let apps = client.list_apps().await;
            let cached = client.cached_token().await;
            let token_expires = cached.as_ref().map(|t| t.expires_at);
            if let Err(e) = &apps {
                tracing::warn!(error = %e, "listing apps failed");
            }
            let mut answers = api(
                req,
                ApiResult::Apps {
                    apps,
                    token_expires,
                },
            );
            // The list call fetched the token anyway: telling its scopes now lets the
            // permission gate work without a second request.
            answers.extend(cached.map(|t| Msg::SessionToken(token_info(&t))));
            answers
        }
        Effect::LoadDetails { req, client_id } => {
            let result = client.get_app(&client_id).await;
            if let (Some(_), Ok(app)) = (&state.details_cache, &result)
                && let Some(org) = org_key(&client).await
            {
                let app = app.clone();
                // Written before the answer goes out (so a run that quits after an answer
                // has it kept); a write that fails only costs reads next time.
                blocking(state, move |state| {
                    if let Some(slot) = &state.details_cache {
                        slot.remember(&org, app)
                    }
                })
                .await;
            }
            api(req, ApiResult::Details { client_id, result })
        }
        Effect::LoadDetailCache { req } => {
            let apps = match (&state.details_cache, org_key(&client).await) {
                (Some(_), Some(org)) => blocking(state, move |state| {
                    state
                        .details_cache
                        .as_ref()
                        .map(|slot| slot.recall(&org))
                        .unwrap_or_default()
                })
                .await
                .unwrap_or_default(),
                _ => Vec::new(),
            };
            api(req, ApiResult::CachedDetails(apps))
        }
        Effect::LoadToken { req } => {
            let result = client.token().await.map(|t| token_info(&t));
            api(req, ApiResult::Token(result))
        }
        Effect::Secret(effect) => {
            let (req, result) = perform_secret(&client, effect).await;
            api(req, ApiResult::Secret(result))
        }
        Effect::Copy { req, what, text } => {
            // A clipboard tool may take a moment.
            let result = tokio::task::spawn_blocking(move || super::clipboard::copy(&text.0))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            api(req, ApiResult::Copied { what, result })
        }
        Effect::LoadCatalog { req } => api(req, ApiResult::Catalog(client.list_resources().await)),
        Effect::GetApp { req, client_id } => {
            api(req, ApiResult::FreshApp(client.get_app(&client_id).await))
        }
        Effect::CreateApp {
            req,
            name,
            is_confidential,
            redirect_uri,
            scopes,
        } => {
            let result = client
                .create_app(&name, is_confidential, redirect_uri, scopes)
                .await;
            if let Err(e) = &result {
                tracing::warn!(error = %e, "creating an app failed");
            }
            api(req, ApiResult::Created(result))
        }
        Effect::UpdateApp {
            req,
            client_id,
            base,
            body,
        } => {
            let result =
                crate::api::readback::update_and_check(&client, &client_id, &base, &body).await;
            match &result {
                Err(e) => tracing::warn!(error = ?e, %client_id, "updating an app failed"),
                Ok(a) if !a.stuck() => {
                    tracing::warn!(%client_id, missing = a.missing.len(), "an update did not stick")
                }
                Ok(_) => {}
            }
            api(req, ApiResult::Saved(result))
        }
        Effect::DeleteApp {
            req,
            client_id,
            name,
            backup_dir,
        } => {
            let result = backup_then_delete(&client, &client_id, &name, backup_dir).await;
            api(req, ApiResult::Deleted { client_id, result })
        }
        Effect::TestToken {
            req,
            app,
            secret,
            scopes,
        } => {
            let outcome = crate::api::app_token::test_app_token(
                &client,
                &app.0,
                &secret.0,
                &scopes,
                jiff::Timestamp::now(),
            )
            .await;
            // `secret` is dropped (and zeroed by `SecretString`) when this returns.
            api(req, ApiResult::TokenTest(outcome))
        }
        Effect::LoadProfiles { req } => {
            let list = tokio::task::spawn_blocking(load_profiles)
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            api(req, ApiResult::Profiles(list))
        }
        Effect::SwitchProfile { req, selector } => {
            drop(client);
            // Reading files and maybe running `client_secret_command`: blocking work.
            let result = blocking(state, move |state| state.switch_profile(req, &selector))
                .await
                .unwrap_or_else(|| Err("the profile switch stopped unexpectedly".to_owned()));
            api(req, ApiResult::ProfileSwitched(result))
        }
        Effect::StartLogin {
            req,
            client_id,
            scopes,
        } => {
            // The URL goes out while the login still waits for the browser; the outcome is
            // the answer.
            let done = Mutex::new(None);
            login::run(
                &client,
                client_id,
                scopes,
                crate::domain::login::DEFAULT_REDIRECT_URI,
                login::LOGIN_TIMEOUT,
                true,
                |answer| match answer {
                    LoginAnswer::Url { .. } => out.send(Msg::Api {
                        req,
                        result: ApiResult::Login(answer),
                    }),
                    LoginAnswer::Done(_) => {
                        *done.lock().unwrap_or_else(|e| e.into_inner()) = Some(answer)
                    }
                },
            )
            .await;
            let done = done.into_inner().unwrap_or_else(|e| e.into_inner());
            done.map_or_else(Vec::new, |answer| api(req, ApiResult::Login(answer)))
        }
        // Handled by `Worker::spawn` in dispatch order, or the event loop's business.
        Effect::CancelLogin { .. } | Effect::EditJson { .. } | Effect::Quit => Vec::new(),
    }
}

/// Runs `f` on the blocking pool with the worker's state; `None` when it panicked.
async fn blocking<T: Send + 'static>(
    state: &Arc<WorkerState>,
    f: impl FnOnce(&WorkerState) -> T + Send + 'static,
) -> Option<T> {
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || f(&state)).await.ok()
}

impl WorkerState {
    /// Builds the profile's client and, unless a later switch was asked for meanwhile, makes
    /// it the current one. Swapped before the answer is sent, so the app list `update` asks
    /// for on it already goes to the new server.
    fn switch_profile(&self, req: RequestId, selector: &str) -> Result<SwitchInfo, String> {
        let result = build_profile_client(selector, &*self.env).map(|(client, info)| {
            let mut slot = self.client.write().unwrap_or_else(|e| e.into_inner());
            if self.latest_switch.load(Ordering::SeqCst) == req.0 {
                *slot = client;
                tracing::info!(profile = %info.profile, "switched profile");
            }
            info
        });
        if let Err(e) = &result {
            tracing::warn!(error = %e, %selector, "switching profile failed");
        }
        result
    }
}

/// The details cache and what the worker holds of it: the file is replaced whole on each
/// write, so the apps of the organization it was last loaded for are kept here.
struct DetailCacheSlot {
    cache: DetailsCache,
    loaded: Mutex<Option<(OrgKey, CachedApps)>>,
}

impl DetailCacheSlot {
    fn with_org<T>(&self, org: &OrgKey, f: impl FnOnce(&mut CachedApps) -> T) -> T {
        let mut loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        if loaded.as_ref().is_none_or(|(k, _)| k != org) {
            *loaded = Some((org.clone(), self.cache.load(org)));
        }
        let (_, apps) = loaded.as_mut().expect("just loaded");
        f(apps)
    }

    /// Every app of the organization's cache, with when it was read.
    fn recall(&self, org: &OrgKey) -> Vec<(App, jiff::Timestamp)> {
        self.with_org(org, |apps| {
            apps.values().map(|c| (c.app.clone(), c.read_at)).collect()
        })
    }

    /// Adds an app just read and writes the organization's file again.
    fn remember(&self, org: &OrgKey, app: App) {
        self.with_org(org, |apps| {
            apps.insert(
                app.id.clone(),
                CachedApp {
                    app,
                    read_at: jiff::Timestamp::now(),
                },
            );
            if let Err(e) = self.cache.store(org, apps.values()) {
                tracing::warn!(error = %e, "writing the details cache failed");
            }
        });
    }
}

/// Which organization the client talks to, as the details cache files it.
async fn org_key(client: &IdentityClient) -> Option<OrgKey> {
    let prt = client.partition_id().await.ok()?;
    Some(OrgKey::new(&client.endpoints().host(), &prt))
}

/// What the TUI keeps of an access token: its claims, never its value.
fn token_info(t: &crate::api::auth::AccessToken) -> TokenInfo {
    TokenInfo {
        expires_at: t.expires_at,
        client_id: t
            .claims
            .as_ref()
            .and_then(|c| c.client_id())
            .map(str::to_owned),
        scopes: t.scopes(),
        decoded: t.claims.clone(),
    }
}

/// The profiles of the default config files, and where they were looked for.
fn load_profiles() -> Result<ProfileList, String> {
    use crate::config::{self, files};
    let env = |name: &str| config::process_env(name);
    let looked_in = [files::extapps_path(None, &env), files::uipathcli_path(&env)]
        .into_iter()
        .flatten()
        .map(|(path, _)| path)
        .collect();
    let loaded = config::ConfigFiles::load(None, &env).map_err(|e| e.to_string())?;
    Ok(ProfileList {
        profiles: loaded.profiles(),
        looked_in,
        warnings: loaded.warnings.clone(),
    })
}

/// Resolves the profile `selector` of the default config files on its own (`UIPATH_*`
/// variables do not override it; `env` is still read for the config location, the token
/// cache and the profile's `client_secret_env`) and builds its client, with the token cache
/// start-up uses. Blocking: it may run the profile's `client_secret_command`.
pub fn build_profile_client(
    selector: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(Arc<IdentityClient>, SwitchInfo), String> {
    use crate::config;
    let files = config::ConfigFiles::load(None, env).map_err(|e| e.to_string())?;
    let resolved = config::resolve_profile(selector, env, &files).map_err(|e| e.to_string())?;
    let settings = resolved.settings;
    let mut client_config = settings.client_config().map_err(|e| e.to_string())?;
    client_config.token_cache = crate::api::token_cache::TokenCache::default_location(env);
    let client = IdentityClient::new(client_config).map_err(|e| e.to_string())?;
    let mut warnings = files.warnings;
    warnings.extend(resolved.warnings);
    let info = SwitchInfo {
        // The selector rather than the bare name: `uipathcli:NAME` says which one it is.
        profile: selector.to_owned(),
        organization: settings.organization.clone(),
        identity_host: client.endpoints().host(),
        read_only: settings.read_only,
        insecure: settings.insecure,
        auto_refresh: settings.auto_refresh,
        warnings,
    };
    Ok((Arc::new(client), info))
}

/// Secret mutations are sent once (the client never retries them).
async fn perform_secret(
    client: &IdentityClient,
    effect: SecretEffect,
) -> (RequestId, SecretResult) {
    match effect {
        SecretEffect::Generate {
            req,
            client_id,
            description,
            expiry,
        } => {
            let result = client
                .generate_secret(&client_id, description, expiry)
                .await;
            (req, SecretResult::Minted(result))
        }
        SecretEffect::Delete { req, secret_id } => {
            let result = client.delete_secret(secret_id).await;
            (req, SecretResult::Deleted { secret_id, result })
        }
        SecretEffect::Verify {
            req,
            client_id,
            secret,
        } => {
            let result =
                crate::api::app_token::verify_new_secret(client, &client_id, &secret.0).await;
            (req, SecretResult::Verified(result))
        }
    }
}

/// Reads the app fresh, writes its definition (never its secrets) to a backup file, and only
/// then deletes it: without a backup nothing is deleted.
/// After a lost answer, deleting again finds nothing: that is what the user wanted.
const ALREADY_GONE: &str = "Already gone: the server no longer has this app (deleted elsewhere, \
     or by an earlier delete whose answer was lost); nothing to delete.";

async fn backup_then_delete(
    client: &IdentityClient,
    client_id: &str,
    name: &str,
    dir: Option<std::path::PathBuf>,
) -> Result<std::path::PathBuf, String> {
    let app = client.get_app(client_id).await.map_err(|e| match e {
        ApiError::NotFound { .. } => ALREADY_GONE.to_owned(),
        e => format!("Reading the app before deleting failed; nothing deleted: {e}"),
    })?;
    if app.name != name {
        return Err(format!(
            "The app was renamed to {:?} on the server since you confirmed; nothing deleted",
            app.name
        ));
    }
    let dir = dir.unwrap_or_else(backup::default_dir);
    let path = match backup_delete::backup_then_delete(client, client_id, &app, dir).await {
        Ok(path) => path,
        Err(backup_delete::BackupDeleteError::Backup(e)) => {
            return Err(format!(
                "Cannot write the backup, so nothing was deleted: {e}"
            ));
        }
        Err(backup_delete::BackupDeleteError::Delete { error: e, backup }) => {
            tracing::warn!(error = %e, %client_id, "deleting an app failed");
            let backup = format!("A backup was written to {}.", backup.display());
            return Err(match e.outcome() {
                _ if matches!(e, ApiError::NotFound { .. }) => format!("{ALREADY_GONE} {backup}"),
                Outcome::NotDone => format!("Deleting failed: {e}. {backup}"),
                _ => format!(
                    "{} {backup}",
                    crate::api::outcome::unknown_reread(
                        "delete",
                        &e,
                        "The app may or may not be gone"
                    )
                ),
            });
        }
    };
    tracing::info!(%client_id, backup = %path.display(), "app deleted");
    Ok(path)
}
