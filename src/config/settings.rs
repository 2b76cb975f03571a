//! `Settings`: everything needed to talk to one organization, once resolved from all sources.

use std::time::Duration;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::ConfigError;
use crate::api::auth::ClientCredentials;
use crate::api::{ClientConfig, Endpoints};

pub const DEFAULT_URI: &str = "https://cloud.uipath.com";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How often the TUI reloads the app list unless told otherwise: one GET per five minutes,
/// a sliver of the organization's 300 GETs per 5 minutes.
pub const DEFAULT_AUTO_REFRESH: Duration = Duration::from_secs(300);

/// `auto_refresh` as the config file and `--auto-refresh` take it: a duration (`5m`, `30s`,
/// `1h`) or `off`. Off is zero, which the resolver turns into "no auto-refresh".
pub fn parse_auto_refresh(text: &str) -> Result<jiff::SignedDuration, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("off") {
        return Ok(jiff::SignedDuration::ZERO);
    }
    match crate::domain::duration::parse(t) {
        Ok(d) if d.is_positive() => Ok(d),
        Ok(_) => Err("auto_refresh must be longer than 0s; use \"off\" to turn it off".to_owned()),
        Err(e) => Err(format!(
            "{e}; auto_refresh takes a duration like 5m or 30s, or \"off\""
        )),
    }
}

/// Colour scheme of the TUI. `NO_COLOR` still wins over any of these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the terminal's own palette.
    #[default]
    Auto,
    Dark,
    Light,
    /// No colour at all: reverse video and text only.
    Mono,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Dark => "dark",
            Theme::Light => "light",
            Theme::Mono => "mono",
        }
    }
}

/// Signing in as a person (authorization code + PKCE) rather than as the app.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginSettings {
    /// A loopback redirect registered on the app, e.g. `http://localhost:12700`.
    pub redirect_uri: Option<String>,
    /// User scopes to ask for.
    pub scopes: Vec<String>,
}

/// Everything needed to talk to one organization, resolved from all sources.
#[derive(Clone)]
pub struct Settings {
    /// Where the settings came from, for messages and the header (`environment`, `demo`,
    /// `profile prod`).
    pub source: String,
    /// The profile in use, if any (shown in the TUI header).
    pub profile: Option<String>,
    pub uri: String,
    pub organization: String,
    pub partition_id: Option<String>,
    pub identity_uri: Option<String>,
    pub api_uri: Option<String>,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Client-credentials scopes; empty asks for every application scope of the app.
    pub scopes: Vec<String>,
    /// Never write through these settings: editing keys and commands are refused.
    pub read_only: bool,
    pub insecure: bool,
    pub timeout: Duration,
    /// Refresh the app list this often in the TUI; `None` means only on `r`.
    pub auto_refresh: Option<Duration>,
    pub theme: Theme,
    pub login: LoginSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            source: "defaults".to_owned(),
            profile: None,
            uri: DEFAULT_URI.to_owned(),
            organization: String::new(),
            partition_id: None,
            identity_uri: None,
            api_uri: None,
            client_id: String::new(),
            client_secret: SecretString::from(String::new()),
            scopes: Vec::new(),
            read_only: false,
            insecure: false,
            timeout: DEFAULT_TIMEOUT,
            auto_refresh: None,
            theme: Theme::Auto,
            login: LoginSettings::default(),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("source", &self.source)
            .field("profile", &self.profile)
            .field("uri", &self.uri)
            .field("organization", &self.organization)
            .field("partition_id", &self.partition_id)
            .field("identity_uri", &self.identity_uri)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("scopes", &self.scopes)
            .field("read_only", &self.read_only)
            .field("insecure", &self.insecure)
            .field("auto_refresh", &self.auto_refresh)
            .field("theme", &self.theme)
            .field("login", &self.login)
            .finish()
    }
}

impl Settings {
    /// The client configuration these settings describe; fails on a malformed or plain-http
    /// non-loopback URI.
    pub fn client_config(&self) -> Result<ClientConfig, ConfigError> {
        let endpoints = Endpoints::resolve(
            &self.uri,
            &self.organization,
            self.identity_uri.as_deref(),
            self.api_uri.as_deref(),
        )
        .map_err(|e| ConfigError(e.to_string()))?;
        let mut config = ClientConfig::new(
            endpoints,
            ClientCredentials {
                client_id: self.client_id.clone(),
                client_secret: self.client_secret.clone(),
                scopes: self.scopes.clone(),
            },
        );
        config.partition_id = self.partition_id.clone();
        config.timeout = self.timeout;
        config.insecure = self.insecure;
        Ok(config)
    }
}
