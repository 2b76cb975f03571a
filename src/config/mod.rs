//! Connection settings: where the Identity Server is and which app extapps signs in as.
//!
//! For now they come from the environment variables UiPath's own CLI users already have set
//! (`UIPATH_URI`, `UIPATH_ORGANIZATION`, ...). Profiles and config files build on this.

use std::time::Duration;

use secrecy::SecretString;

use crate::api::auth::ClientCredentials;
use crate::api::{ClientConfig, Endpoints};

pub const DEFAULT_URI: &str = "https://cloud.uipath.com";

/// Everything needed to talk to one organization, resolved from all sources.
#[derive(Clone)]
pub struct Settings {
    /// Where the settings came from, for messages and the header (`env`, `demo`, a profile).
    pub source: String,
    pub uri: String,
    pub organization: String,
    pub partition_id: Option<String>,
    pub identity_uri: Option<String>,
    pub api_uri: Option<String>,
    pub client_id: String,
    pub client_secret: SecretString,
    pub scopes: Vec<String>,
    pub read_only: bool,
    pub insecure: bool,
    pub timeout: Duration,
    pub auto_refresh: Option<Duration>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("source", &self.source)
            .field("uri", &self.uri)
            .field("organization", &self.organization)
            .field("partition_id", &self.partition_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("scopes", &self.scopes)
            .field("read_only", &self.read_only)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Reads settings from a variable lookup (the process environment in production, a map in tests).
pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
    let var = |name: &str| {
        get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let mut missing = Vec::new();
    let organization = var("UIPATH_ORGANIZATION").unwrap_or_else(|| {
        if var("UIPATH_IDENTITY_URI").is_none() {
            missing.push(
                "UIPATH_ORGANIZATION (the organization name or GUID in your Automation Cloud URL)",
            );
        }
        String::new()
    });
    let client_id = var("UIPATH_CLIENT_ID").unwrap_or_else(|| {
        missing.push(
            "UIPATH_CLIENT_ID (the client id of an external application with PM.OAuthApp scopes)",
        );
        String::new()
    });
    let client_secret = var("UIPATH_CLIENT_SECRET").unwrap_or_else(|| {
        missing.push("UIPATH_CLIENT_SECRET (that application's secret)");
        String::new()
    });
    if !missing.is_empty() {
        return Err(ConfigError(format!(
            "extapps does not know which organization to manage. Set {}. \
             To try extapps without an account, run it with --demo.",
            missing.join(", ")
        )));
    }
    let scopes = var("UIPATH_AUTH_SCOPES")
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    Ok(Settings {
        source: "environment".to_owned(),
        uri: var("UIPATH_URI").unwrap_or_else(|| DEFAULT_URI.to_owned()),
        organization,
        partition_id: var("UIPATH_PARTITION_ID"),
        identity_uri: var("UIPATH_IDENTITY_URI"),
        api_uri: var("EXTAPPS_API_URI"),
        client_id,
        client_secret: SecretString::from(client_secret),
        scopes,
        read_only: false,
        insecure: var("UIPATH_INSECURE")
            .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes")),
        timeout: Duration::from_secs(30),
        auto_refresh: None,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn missing_settings_are_named_in_one_message() {
        let err = from_env(env(&[("UIPATH_CLIENT_ID", "x")])).unwrap_err();
        assert!(err.0.contains("UIPATH_ORGANIZATION"), "{err}");
        assert!(err.0.contains("UIPATH_CLIENT_SECRET"), "{err}");
        assert!(!err.0.contains("UIPATH_CLIENT_ID ("), "{err}");
        assert!(err.0.contains("--demo"));
    }

    #[test]
    fn env_fills_settings_with_defaults() {
        let s = from_env(env(&[
            ("UIPATH_ORGANIZATION", "acme"),
            ("UIPATH_CLIENT_ID", "cid"),
            ("UIPATH_CLIENT_SECRET", "shh"),
            ("UIPATH_AUTH_SCOPES", "PM.OAuthApp  PM.User.Read"),
        ]))
        .unwrap();
        assert_eq!(s.uri, DEFAULT_URI);
        assert_eq!(s.scopes, vec!["PM.OAuthApp", "PM.User.Read"]);
        assert!(!format!("{s:?}").contains("shh"));
        let cfg = s.client_config().unwrap();
        assert_eq!(
            cfg.endpoints.token_url(),
            "https://cloud.uipath.com/identity_/connect/token"
        );
    }
}
