//! The setup every command that talks to the server shares: the settings (from the config,
//! or the in-process demo simulator), the client, and the options for reading app details.

use std::sync::Arc;

use super::Failure;
use super::args::Cli;
use super::details::DetailOptions;
use crate::api::IdentityClient;
use crate::api::details_cache::DetailsCache;
use crate::api::token_cache::TokenCache;
use crate::config::{self, Settings};
use crate::sim::SimHandle;

/// A client ready to use, and what it was built from.
pub struct Connection {
    pub settings: Settings,
    pub client: Arc<IdentityClient>,
    /// The details cache and read options; the demo keeps no cache.
    pub details: DetailOptions,
    /// Keeps the demo simulator alive for as long as the command or the TUI runs.
    _sim: Option<SimHandle>,
}

/// Resolves the settings for `cli` and builds the client. Warnings go to stderr first.
/// With no settings at all, the failure is the first-run steps (exit status 2).
pub async fn connect(cli: &Cli) -> Result<Connection, Failure> {
    connect_as(cli, cli.demo).await
}

/// The first-run steps as a failure: what a command without any settings says.
pub fn first_run_failure() -> Failure {
    Failure::new(crate::domain::onboarding::text(), 2)
}

/// [`connect`], to the demo simulator when `demo` (the first-run screen's `d`) whatever the
/// flags say.
pub async fn connect_as(cli: &Cli, demo: bool) -> Result<Connection, Failure> {
    connect_to(cli, demo, &cli.config_flags()).await
}

/// [`connect`] with other connection flags: another profile's, for `--all-profiles`.
pub async fn connect_with(cli: &Cli, flags: &config::Flags) -> Result<Connection, Failure> {
    connect_to(cli, cli.demo, flags).await
}

async fn connect_to(cli: &Cli, demo: bool, flags: &config::Flags) -> Result<Connection, Failure> {
    let (settings, sim, insecure_origin) = if demo {
        let (handle, settings) = crate::sim::demo_mode::start()
            .await
            .map_err(|e| Failure::new(format!("cannot start the demo simulator: {e}"), 1))?;
        (settings, Some(handle), None)
    } else {
        let resolved = match config::from_process(flags) {
            Ok(r) => r,
            Err(_) if config::first_run(flags) => return Err(first_run_failure()),
            Err(e) => return Err(e.into()),
        };
        for w in &resolved.warnings {
            eprintln!("extapps: warning: {}", crate::redact::userinfo(w));
        }
        let origin = resolved
            .origins
            .iter()
            .find(|(name, _)| *name == "insecure")
            .map(|(_, o)| o.clone());
        (resolved.settings, None, origin)
    };
    // The TUI shows it in its header; a script's log must show it too, before any request.
    if settings.insecure && cli.command.is_some() {
        eprintln!(
            "extapps: warning: TLS certificates are not checked ({})",
            insecure_source(insecure_origin.as_ref())
        );
    }
    let mut settings = settings;
    settings.read_only |= cli.read_only;
    if demo {
        // The demo has no profile: the flag, else the same default as a real organization.
        settings.auto_refresh = match cli.auto_refresh {
            Some(d) => std::time::Duration::try_from(d)
                .ok()
                .filter(|d| !d.is_zero()),
            None => Some(config::DEFAULT_AUTO_REFRESH),
        };
    }
    let mut client_config = settings.client_config()?;
    if let Some(secs) = cli.timeout {
        client_config.timeout = std::time::Duration::from_secs(secs);
    }
    // The demo simulator's tokens (and its organization) die with it: caching them would only
    // litter the caches.
    client_config.token_cache = if demo {
        None
    } else {
        TokenCache::default_location(|k| std::env::var(k).ok())
    };
    let client = Arc::new(IdentityClient::new(client_config)?);
    let details = DetailOptions {
        cache: if demo {
            None
        } else {
            DetailsCache::default_location(|k| std::env::var(k).ok())
        },
        progress: true,
        ..Default::default()
    };
    Ok(Connection {
        settings,
        client,
        details,
        _sim: sim,
    })
}

impl Connection {
    /// Refuses a change in a read-only session before anything is sent.
    pub fn read_write(&self) -> Result<(), Failure> {
        if self.settings.read_only {
            return Err(Failure::new(
                "this session is read-only (--read-only or the profile's read_only); nothing was sent.",
                2,
            ));
        }
        Ok(())
    }
}

/// Where the insecure setting came from, as the user wrote it.
fn insecure_source(origin: Option<&config::Origin>) -> String {
    match origin {
        Some(config::Origin::Flag(name)) => (*name).to_owned(),
        Some(config::Origin::Env(var)) => var.clone(),
        Some(config::Origin::Profile(name)) => format!("insecure = true in profile {name}"),
        Some(config::Origin::Default) | None => "insecure".to_owned(),
    }
}
