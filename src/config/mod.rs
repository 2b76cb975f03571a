//! Connection settings: where the Identity Server is, which app extapps signs in as, and how
//! the TUI behaves. They come from flags, `UIPATH_*` variables (the ones UiPath's own CLI
//! users already have), a profile in extapps' TOML file or in uipathcli's `~/.uipath/config`,
//! and defaults, in that order.

pub mod default_file;
pub mod duration;
pub mod error;
pub mod file;
pub mod files;
pub mod profile;
pub mod resolve;
pub mod secret;
pub mod settings;
pub mod uipathcli;

pub use error::ConfigError;
pub use files::ConfigFiles;
pub use profile::{Profile, ProfileInfo, ProfileSource};
pub use resolve::{Flags, Origin, Resolved, explain, resolve, resolve_profile};
pub use secret::SecretSource;
pub use settings::{DEFAULT_URI, LoginSettings, Settings, Theme};

/// Settings from variables alone (no flags, no files): the original entry point, kept for
/// callers that only have an environment.
pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
    resolve(&Flags::default(), &get, &ConfigFiles::default()).map(|r| r.settings)
}

/// The process environment, as the `env` argument of the functions here wants it.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Loads the config files and resolves settings against the real environment; warnings from
/// loading the files come first in `Resolved::warnings`.
pub fn from_process(flags: &Flags) -> Result<Resolved, ConfigError> {
    let files = ConfigFiles::load(flags.config.as_deref(), &process_env)?;
    let mut resolved = resolve(flags, &process_env, &files)?;
    let mut warnings = files.warnings;
    warnings.append(&mut resolved.warnings);
    resolved.warnings = warnings;
    Ok(resolved)
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
        assert!(!err.0.contains("UIPATH_CLIENT_ID or"), "{err}");
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
