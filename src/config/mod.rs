//! Connection settings: where the Identity Server is, which app extapps signs in as, and how
//! the TUI behaves. They come from flags, `UIPATH_*` variables (the ones UiPath's own CLI
//! users already have), a profile in extapps' TOML file or in uipathcli's `~/.uipath/config`,
//! and defaults, in that order.

pub mod default_file;
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
pub use settings::{
    DEFAULT_AUTO_REFRESH, DEFAULT_URI, LoginSettings, Settings, Theme, parse_auto_refresh,
};

/// Settings from variables alone (no flags, no files): the original entry point, kept for
/// callers that only have an environment.
pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
    resolve(&Flags::default(), &get, &ConfigFiles::default()).map(|r| r.settings)
}

/// The process environment, as the `env` argument of the functions here wants it. A variable
/// that is set but not valid UTF-8 reads as unset here; [`CheckedEnv`] tells the two apart.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Whether the process has `name` set to something that is not valid UTF-8.
pub fn not_utf8(name: &str) -> bool {
    matches!(std::env::var(name), Err(std::env::VarError::NotUnicode(_)))
}

/// The process environment, remembering which of the variables looked up were set but not
/// valid UTF-8, so that "UIPATH_ORGANIZATION is not set" is never said of one that is.
#[derive(Default)]
pub struct CheckedEnv {
    not_utf8: std::cell::RefCell<Vec<String>>,
}

impl CheckedEnv {
    pub fn get(&self, name: &str) -> Option<String> {
        match std::env::var(name) {
            Ok(v) => Some(v),
            Err(std::env::VarError::NotUnicode(_)) => {
                self.not_utf8.borrow_mut().push(name.to_owned());
                None
            }
            Err(std::env::VarError::NotPresent) => None,
        }
    }

    /// Fails when a variable looked up so far was not valid UTF-8; this explains the other
    /// errors it caused, so it goes first. The value is never shown.
    pub fn check(&self) -> Result<(), ConfigError> {
        match self.not_utf8.borrow().first() {
            Some(name) => Err(ConfigError(format!(
                "the environment variable {name} is set but is not valid UTF-8, so extapps \
                 cannot use it; set it again as plain text"
            ))),
            None => Ok(()),
        }
    }
}

/// Whether this is a first run: no profile in any config file and no flag or variable naming
/// the organization, the client id or the secret (see [`resolve::nothing_configured`]).
/// A config file that cannot be read is not a first run: its error says more.
pub fn first_run(flags: &Flags) -> bool {
    let env = |name: &str| process_env(name);
    ConfigFiles::load(flags.config.as_deref(), &env)
        .is_ok_and(|files| resolve::nothing_configured(flags, &env, &files))
}

/// Loads the config files and resolves settings against the real environment; warnings from
/// loading the files come first in `Resolved::warnings`.
pub fn from_process(flags: &Flags) -> Result<Resolved, ConfigError> {
    let checked = CheckedEnv::default();
    let env = |name: &str| checked.get(name);
    let resolved = ConfigFiles::load(flags.config.as_deref(), &env)
        .and_then(|files| Ok((resolve(flags, &env, &files)?, files)));
    checked.check()?;
    let (mut resolved, files) = resolved?;
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
