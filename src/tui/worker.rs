//! Runs effects against the Identity server on tokio tasks and sends the answers back as
//! messages. The UI loop never awaits the network.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::mpsc::UnboundedSender;

use crate::api::details_cache::{CachedApp, CachedApps, DetailsCache, OrgKey};
use crate::api::model::App;
use crate::api::outcome::Outcome;
use crate::api::{ApiError, IdentityClient};
use crate::backup;

use super::effect::{Effect, SecretEffect};
use super::msg::{ApiResult, Msg, ProfileList, SecretResult, SwitchInfo, TokenInfo};

pub struct Worker {
    /// The current profile's client. A profile switch replaces it; effects already running
    /// keep the one they started with (their answers are stale by then).
    client: Arc<RwLock<Arc<IdentityClient>>>,
    /// The last `SwitchProfile` asked for: an older one finishing later installs nothing.
    latest_switch: Arc<AtomicU64>,
    tx: UnboundedSender<Msg>,
    /// The details cache between runs (`None`: none kept, as for `--demo`).
    details_cache: Option<Arc<DetailCacheSlot>>,
    /// Where a profile switch reads variables (the config location, the token cache, the
    /// profile's `client_secret_env`): the process environment, or a test's map.
    env: Env,
}

/// A variable lookup shared with blocking tasks.
pub type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

impl Worker {
    pub fn new(client: Arc<IdentityClient>, tx: UnboundedSender<Msg>) -> Self {
        Self::with_env(client, tx, Arc::new(crate::config::process_env))
    }

    /// A worker whose profile switches read variables from `env` instead of the process.
    pub fn with_env(client: Arc<IdentityClient>, tx: UnboundedSender<Msg>, env: Env) -> Self {
        Worker {
            client: Arc::new(RwLock::new(client)),
            latest_switch: Arc::new(AtomicU64::new(0)),
            tx,
            details_cache: None,
            env,
        }
    }

    /// Keeps every app read in `cache`, and reads it back at start.
    pub fn with_details_cache(mut self, cache: Option<DetailsCache>) -> Self {
        self.details_cache = cache.map(|cache| {
            Arc::new(DetailCacheSlot {
                cache,
                loaded: Mutex::new(None),
            })
        });
        self
    }

    /// The client effects started now use.
    pub fn client(&self) -> Arc<IdentityClient> {
        Arc::clone(&self.client.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Starts the effect in the background. `Quit` is the event loop's business.
    pub fn spawn(&self, effect: Effect) {
        let client = self.client();
        let tx = self.tx.clone();
        match effect {
            Effect::LoadApps { req } => {
                let slot = Arc::clone(&self.client);
                tokio::spawn(async move {
                    let apps = client.list_apps().await;
                    let cached = client.cached_token().await;
                    let token_expires = cached.as_ref().map(|t| t.expires_at);
                    if let Err(e) = &apps {
                        tracing::warn!(error = %e, "listing apps failed");
                    }
                    // The loop may be gone when the user quit meanwhile; nothing to do then.
                    let _ = tx.send(Msg::Api {
                        req,
                        result: ApiResult::Apps {
                            apps,
                            token_expires,
                        },
                    });
                    // The list call fetched the token anyway: telling its scopes now lets the
                    // permission gate work without a second request.
                    // `SessionToken` carries no request id: it is only told while this
                    // client is still the current one. The read lock is held while sending,
                    // so a switch's answer (sent after its write) always comes after it.
                    if let Some(t) = cached {
                        let current = slot.read().unwrap_or_else(|e| e.into_inner());
                        if Arc::ptr_eq(&current, &client) {
                            let _ = tx.send(Msg::SessionToken(token_info(&t)));
                        }
                    }
                });
            }
            Effect::LoadDetails { req, client_id } => {
                let slot = self.details_cache.clone();
                tokio::spawn(async move {
                    let result = client.get_app(&client_id).await;
                    if let (Some(slot), Ok(app)) = (slot, &result)
                        && let Some(org) = org_key(&client).await
                    {
                        let app = app.clone();
                        // Written off the async threads, before the answer goes out (so a
                        // run that quits after an answer has it kept); a write that fails
                        // only costs reads next time.
                        let _ = tokio::task::spawn_blocking(move || slot.remember(&org, app)).await;
                    }
                    let _ = tx.send(Msg::Api {
                        req,
                        result: ApiResult::Details { client_id, result },
                    });
                });
            }
            Effect::LoadDetailCache { req } => {
                let slot = self.details_cache.clone();
                tokio::spawn(async move {
                    let apps = match (slot, org_key(&client).await) {
                        (Some(slot), Some(org)) => {
                            tokio::task::spawn_blocking(move || slot.recall(&org))
                                .await
                                .unwrap_or_default()
                        }
                        _ => Vec::new(),
                    };
                    let _ = tx.send(Msg::Api {
                        req,
                        result: ApiResult::CachedDetails(apps),
                    });
                });
            }
            Effect::LoadToken { req } => {
                tokio::spawn(async move {
                    let result = client.token().await.map(|t| token_info(&t));
                    let _ = tx.send(Msg::Api {
                        req,
                        result: ApiResult::Token(result),
                    });
                });
            }
            Effect::Secret(effect) => spawn_secret(client, tx, effect),
            Effect::LoadCatalog { req } => {
                tokio::spawn(async move {
                    let result = ApiResult::Catalog(client.list_resources().await);
                    let _ = tx.send(Msg::Api { req, result });
                });
            }
            Effect::GetApp { req, client_id } => {
                tokio::spawn(async move {
                    let result = ApiResult::FreshApp(client.get_app(&client_id).await);
                    let _ = tx.send(Msg::Api { req, result });
                });
            }
            Effect::CreateApp {
                req,
                name,
                is_confidential,
                redirect_uri,
                scopes,
            } => {
                tokio::spawn(async move {
                    let result = client
                        .create_app(&name, is_confidential, redirect_uri, scopes)
                        .await;
                    if let Err(e) = &result {
                        tracing::warn!(error = %e, "creating an app failed");
                    }
                    let _ = tx.send(Msg::Api {
                        req,
                        result: ApiResult::Created(result),
                    });
                });
            }
            Effect::UpdateApp {
                req,
                client_id,
                base,
                body,
            } => {
                tokio::spawn(async move {
                    let result =
                        crate::api::readback::update_and_check(&client, &client_id, &base, &body)
                            .await;
                    match &result {
                        Err(e) => tracing::warn!(error = ?e, %client_id, "updating an app failed"),
                        Ok(a) if !a.stuck() => {
                            tracing::warn!(%client_id, missing = a.missing.len(), "an update did not stick")
                        }
                        Ok(_) => {}
                    }
                    let _ = tx.send(Msg::Api {
                        req,
                        result: ApiResult::Saved(result),
                    });
                });
            }
            Effect::DeleteApp {
                req,
                client_id,
                name,
                backup_dir,
            } => {
                tokio::spawn(async move {
                    let result = backup_then_delete(&client, &client_id, &name, backup_dir).await;
                    let _ = tx.send(Msg::Api {
                        req,
                        result: ApiResult::Deleted { client_id, result },
                    });
                });
            }
            Effect::TestToken {
                req,
                app,
                secret,
                scopes,
            } => {
                tokio::spawn(async move {
                    let outcome = crate::api::token_test::test_app_token(
                        &client,
                        &app.0,
                        &secret.0,
                        &scopes,
                        jiff::Timestamp::now(),
                    )
                    .await;
                    // `secret` is dropped (and zeroed by `SecretString`) when this task ends.
                    let _ = tx.send(Msg::Api {
                        req,
                        result: ApiResult::TokenTest(outcome),
                    });
                });
            }
            Effect::LoadProfiles { req } => {
                tokio::task::spawn_blocking(move || {
                    let _ = tx.send(Msg::Api {
                        req,
                        result: ApiResult::Profiles(load_profiles()),
                    });
                });
            }
            Effect::SwitchProfile { req, selector } => {
                drop(client);
                self.latest_switch.store(req.0, Ordering::SeqCst);
                let slot = Arc::clone(&self.client);
                let latest = Arc::clone(&self.latest_switch);
                let env = Arc::clone(&self.env);
                // Reading files and maybe running `client_secret_command`: blocking work.
                tokio::task::spawn_blocking(move || {
                    let result = build_profile_client(&selector, &*env).map(|(client, info)| {
                        let mut slot = slot.write().unwrap_or_else(|e| e.into_inner());
                        // Swapped before the answer is sent, so the app list `update` asks
                        // for on it already goes to the new server.
                        if latest.load(Ordering::SeqCst) == req.0 {
                            *slot = client;
                            tracing::info!(profile = %info.profile, "switched profile");
                        }
                        info
                    });
                    if let Err(e) = &result {
                        tracing::warn!(error = %e, %selector, "switching profile failed");
                    }
                    let _ = tx.send(Msg::Api {
                        req,
                        result: ApiResult::ProfileSwitched(result),
                    });
                });
            }
            Effect::StartLogin {
                req,
                client_id,
                scopes,
            } => super::flows::login::spawn(client, tx, req, client_id, scopes),
            Effect::CancelLogin { .. } => super::flows::login::cancel(),
            // The event loop's business: it owns the terminal.
            Effect::EditJson { .. } | Effect::Quit => {}
        }
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

/// Secret mutations are sent once (the client never retries them); the clipboard write runs
/// off the async threads because a clipboard tool may take a moment.
fn spawn_secret(client: Arc<IdentityClient>, tx: UnboundedSender<Msg>, effect: SecretEffect) {
    let send = move |req, result| {
        let _ = tx.send(Msg::Api {
            req,
            result: ApiResult::Secret(result),
        });
    };
    match effect {
        SecretEffect::Generate {
            req,
            client_id,
            description,
            expiry,
        } => {
            tokio::spawn(async move {
                let result = client
                    .generate_secret(&client_id, description, expiry)
                    .await;
                send(req, SecretResult::Minted(result));
            });
        }
        SecretEffect::Delete { req, secret_id } => {
            tokio::spawn(async move {
                let result = client.delete_secret(secret_id).await;
                send(req, SecretResult::Deleted { secret_id, result });
            });
        }
        SecretEffect::Verify {
            req,
            client_id,
            secret,
        } => {
            tokio::spawn(async move {
                let result = client
                    .request_token_for(&client_id, &secret.0, &[])
                    .await
                    .map(|t| {
                        t.scope
                            .unwrap_or_default()
                            .split_whitespace()
                            .map(str::to_owned)
                            .collect()
                    });
                send(req, SecretResult::Verified(result));
            });
        }
        SecretEffect::Copy { req, what, text } => {
            tokio::task::spawn_blocking(move || {
                let result = super::clipboard::copy(&text.0);
                send(req, SecretResult::Copied { what, result });
            });
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
    let backup = backup::AppBackup::of(&app, jiff::Timestamp::now());
    let path = tokio::task::spawn_blocking(move || backup::write(&dir, &backup))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("Cannot write the backup, so nothing was deleted: {e}"))?;
    client.delete_app(client_id).await.map_err(|e| {
        tracing::warn!(error = %e, %client_id, "deleting an app failed");
        let backup = format!("A backup was written to {}.", path.display());
        match e.outcome() {
            _ if matches!(e, ApiError::NotFound { .. }) => format!("{ALREADY_GONE} {backup}"),
            Outcome::NotDone => format!("Deleting failed: {e}. {backup}"),
            _ => format!(
                "{} {backup}",
                crate::api::outcome::unknown_reread("delete", &e, "The app may or may not be gone")
            ),
        }
    })?;
    tracing::info!(%client_id, backup = %path.display(), "app deleted");
    Ok(path)
}
