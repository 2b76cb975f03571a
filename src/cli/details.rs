//! Every app with its scopes and secrets, for commands that must see all of them (`secrets
//! list`). The live list carries summaries only, so each app's details come from the details
//! cache when fresh enough, else from its own read, paced within the server's GET budget. An
//! app that could not be read is reported as such, never counted as an app without secrets.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures::StreamExt;
use jiff::{SignedDuration, Timestamp};

use super::Failure;
use crate::api::details_cache::{CachedApp, DetailsCache, OrgKey};
use crate::api::model::App;
use crate::api::pacer::{Budget, Pacer};
use crate::api::{ApiError, IdentityClient};
use crate::domain::sanitize;

/// Reads in flight at once: enough to hide latency; the pacer, not this, bounds the rate.
const CONCURRENCY: usize = 4;

#[derive(Debug, Clone)]
pub struct DetailOptions {
    /// Where details are kept between runs; `None`: always read.
    pub cache: Option<DetailsCache>,
    /// Cached details younger than this are used without a read.
    pub max_age: SignedDuration,
    /// The share of the server's GET budget the reads may spend.
    pub budget: Budget,
    /// Show "details 12/40" on stderr while reading (only ever on a terminal).
    pub progress: bool,
}

impl Default for DetailOptions {
    fn default() -> Self {
        DetailOptions {
            cache: None,
            max_age: SignedDuration::from_hours(1),
            budget: Budget::CLI,
            progress: false,
        }
    }
}

/// An app whose details could not be read, and why.
#[derive(Debug, Clone)]
pub struct Unread {
    pub name: String,
    pub id: String,
    pub reason: String,
}

/// The organization's apps: those whose details are known, and those that could not be read.
#[derive(Debug, Default)]
pub struct Loaded {
    pub apps: Vec<App>,
    pub unread: Vec<Unread>,
    /// Apps read from the server in this run (not from the list or the cache).
    pub read: usize,
    /// Apps whose details came from the cache.
    pub cached: usize,
}

impl Loaded {
    pub fn complete(&self) -> bool {
        self.unread.is_empty()
    }

    /// Every app read afresh, or exit 6 naming those that were not and `so` (what was
    /// therefore not done): a definition or a plan from part of the organization would be
    /// wrong about the rest.
    pub fn all_or_fail(self, so: &str) -> Result<Vec<App>, super::Failure> {
        if self.complete() {
            return Ok(self.apps);
        }
        Err(unread_failure(
            &self.unread,
            &format!("these apps could not be read, so {so}"),
        ))
    }
}

/// Lists the apps and makes sure each one's details are known, or reported as unread.
pub async fn load_all(client: &IdentityClient, opts: &DetailOptions) -> Result<Loaded, Failure> {
    let listed = client.list_apps().await?;
    if listed.iter().all(App::details_known) {
        return Ok(Loaded {
            apps: listed,
            ..Loaded::default()
        });
    }
    let org = OrgKey::new(&client.endpoints().host(), &client.partition_id().await?);
    let mut cached = opts
        .cache
        .as_ref()
        .map(|c| c.load(&org))
        .unwrap_or_default();
    let now = Timestamp::now();
    let mut known: HashMap<String, App> = HashMap::new();
    let mut from_cached = 0;
    let mut to_read: Vec<App> = Vec::new();
    for summary in listed {
        match cached.get(&summary.id) {
            Some(c) if now.duration_since(c.read_at) < opts.max_age => {
                known.insert(summary.id.clone(), from_cache(&c.app, &summary));
                from_cached += 1;
            }
            _ => to_read.push(summary),
        }
    }
    let (read, unread, gone) = read_details(client, to_read, opts).await;
    let read_count = read.len();
    for app in &read {
        cached.insert(
            app.id.clone(),
            CachedApp {
                app: app.clone(),
                read_at: Timestamp::now(),
            },
        );
        known.insert(app.id.clone(), app.clone());
    }
    for id in &gone {
        cached.remove(id);
    }
    if let Some(cache) = &opts.cache {
        // Apps no longer listed are forgotten; the others keep their latest read.
        let keep = |id: &String| known.contains_key(id) || unread.iter().any(|u| &u.id == id);
        let entries: Vec<&CachedApp> = cached
            .iter()
            .filter(|(id, _)| keep(id))
            .map(|(_, c)| c)
            .collect();
        if let Err(e) = cache.store(&org, entries) {
            tracing::warn!(error = %e, "details cache: not written");
        }
    }
    Ok(Loaded {
        apps: known.into_values().collect(),
        unread,
        read: read_count,
        cached: from_cached,
    })
}

/// The app holding secret `secret_id`, as the server shows it now; `None` when every app was
/// read and none holds it. Fails with status 6 when it is not found among the apps read but
/// some could not be read.
pub async fn find_secret_owner(
    client: &IdentityClient,
    secret_id: i64,
    opts: &DetailOptions,
) -> Result<Option<App>, Failure> {
    let holds = |a: &App| a.secrets.iter().any(|s| s.id == secret_id);
    let loaded = load_all(client, opts).await?;
    if let Some(app) = loaded.apps.iter().find(|a| holds(a)) {
        if loaded.read == 0 && loaded.cached == 0 {
            return Ok(Some(app.clone()));
        }
        // Cached details may be stale: what a deletion would break is judged on a fresh read.
        let fresh = client.app_details(&app.id).await?;
        if holds(&fresh) {
            return Ok(Some(fresh));
        }
    }
    let loaded = if loaded.cached > 0 {
        // The cache may be older than the secret: every app is read afresh.
        let fresh = DetailOptions {
            max_age: SignedDuration::ZERO,
            ..opts.clone()
        };
        load_all(client, &fresh).await?
    } else {
        loaded
    };
    if let Some(app) = loaded.apps.into_iter().find(holds) {
        return Ok(Some(app));
    }
    if loaded.unread.is_empty() {
        return Ok(None);
    }
    Err(unread_failure(
        &loaded.unread,
        &format!(
            "secret #{secret_id} is not among the apps read, and these could not be read, so it may be one of theirs"
        ),
    ))
}

/// Exit 6 (incomplete), naming the apps that could not be read under `lead`.
fn unread_failure(unread: &[Unread], lead: &str) -> Failure {
    let names: Vec<String> = unread
        .iter()
        .map(|u| format!("{} ({}): {}", sanitize(&u.name), sanitize(&u.id), u.reason))
        .collect();
    Failure::new(
        format!("{lead}:\n  {}", names.join("\n  ")),
        super::secrets::EXIT_INCOMPLETE,
    )
}

/// The cached details under the list's newer name, kind and redirect URIs.
fn from_cache(cached: &App, summary: &App) -> App {
    App {
        name: summary.name.clone(),
        is_confidential: summary.is_confidential,
        redirect_uri: summary.redirect_uri.clone(),
        ..cached.clone()
    }
}

/// Reads each app, paced; the apps read, those that could not be, and those deleted since
/// the list.
async fn read_details(
    client: &IdentityClient,
    apps: Vec<App>,
    opts: &DetailOptions,
) -> (Vec<App>, Vec<Unread>, Vec<String>) {
    let total = apps.len();
    let pacer = Pacer::new(opts.budget);
    // After an error that every other read would meet too (no network, token refused), the
    // rest are not tried: they would only spend time and budget.
    let stop = AtomicBool::new(false);
    let pacer = &pacer;
    let stop = &stop;
    let mut results = futures::stream::iter(apps)
        .map(|summary| async move {
            if stop.load(Ordering::Relaxed) {
                return (summary, None);
            }
            pacer.wait_turn().await;
            let result = client.app_details(&summary.id).await;
            if let Err(e) = &result
                && affects_every_read(e)
            {
                stop.store(true, Ordering::Relaxed);
            }
            (summary, Some(result))
        })
        .buffer_unordered(CONCURRENCY);
    let mut progress = Progress::new(
        opts.progress && std::io::stderr().is_terminal(),
        total,
        opts.budget,
    );
    let (mut read, mut unread, mut gone) = (Vec::new(), Vec::new(), Vec::new());
    while let Some((summary, result)) = results.next().await {
        match result {
            Some(Ok(app)) => read.push(app),
            Some(Err(ApiError::NotFound { .. })) => {
                tracing::info!(id = summary.id, "deleted since the list; left out");
                gone.push(summary.id);
            }
            Some(Err(e)) => unread.push(Unread {
                name: summary.name,
                id: summary.id,
                reason: e.to_string(),
            }),
            None => unread.push(Unread {
                name: summary.name,
                id: summary.id,
                reason: "not tried after an earlier read failed".to_owned(),
            }),
        }
        progress.step();
    }
    progress.finish();
    (read, unread, gone)
}

fn affects_every_read(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Network { .. }
            | ApiError::Unauthorized { .. }
            | ApiError::Forbidden { .. }
            | ApiError::OAuth { .. }
            | ApiError::MissingPartition
            | ApiError::Config(_)
    )
}

/// "details 12/40, about 1 min left" on one stderr line, rewritten in place.
struct Progress {
    on: bool,
    total: usize,
    done: usize,
    started: Instant,
    budget: Budget,
}

impl Progress {
    fn new(on: bool, total: usize, budget: Budget) -> Self {
        Progress {
            on: on && total > 0,
            total,
            done: 0,
            started: Instant::now(),
            budget,
        }
    }

    fn step(&mut self) {
        self.done += 1;
        if !self.on {
            return;
        }
        let left = self.total - self.done;
        let per = self.started.elapsed() / self.done.max(1) as u32;
        // Past the budget's burst, the pace is the budget's however fast the first reads were.
        let paced = if self.total > self.budget.count as usize {
            self.budget.window / self.budget.count.max(1) * left as u32
        } else {
            std::time::Duration::ZERO
        };
        let eta = (per * left as u32).max(paced);
        let eta = if eta.as_secs() >= 60 {
            format!("about {} min left", eta.as_secs().div_ceil(60))
        } else {
            format!("about {} s left", eta.as_secs())
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[Kdetails {}/{}, {eta}", self.done, self.total);
        let _ = err.flush();
    }

    fn finish(&self) {
        if self.on {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}
