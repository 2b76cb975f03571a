//! A profile, whichever file it came from, and the short description a picker shows.

use std::fmt;
use std::path::PathBuf;

use jiff::SignedDuration;

use super::secret::SecretSource;
use super::settings::Theme;

/// Which file a profile lives in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileSource {
    /// extapps' own TOML file.
    Extapps(PathBuf),
    /// UiPath's CLI configuration (`~/.uipath/config`): read, never written.
    Uipathcli(PathBuf),
}

impl ProfileSource {
    pub fn path(&self) -> &std::path::Path {
        match self {
            ProfileSource::Extapps(p) | ProfileSource::Uipathcli(p) => p,
        }
    }
}

impl fmt::Display for ProfileSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileSource::Extapps(p) => write!(f, "extapps config {}", p.display()),
            ProfileSource::Uipathcli(p) => write!(f, "uipathcli config {}", p.display()),
        }
    }
}

/// One named profile. Every field is optional: what it leaves out comes from defaults, and
/// flags and `UIPATH_*` variables override what it sets.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub source: ProfileSource,
    pub uri: Option<String>,
    pub organization: Option<String>,
    pub partition_id: Option<String>,
    pub identity_uri: Option<String>,
    pub api_uri: Option<String>,
    pub client_id: Option<String>,
    pub secret: Option<SecretSource>,
    pub scopes: Option<Vec<String>>,
    pub read_only: Option<bool>,
    pub insecure: Option<bool>,
    pub auto_refresh: Option<SignedDuration>,
    pub theme: Option<Theme>,
    pub login_redirect_uri: Option<String>,
    pub login_scopes: Option<Vec<String>>,
}

impl Profile {
    pub fn new(name: impl Into<String>, source: ProfileSource) -> Self {
        Profile {
            name: name.into(),
            source,
            uri: None,
            organization: None,
            partition_id: None,
            identity_uri: None,
            api_uri: None,
            client_id: None,
            secret: None,
            scopes: None,
            read_only: None,
            insecure: None,
            auto_refresh: None,
            theme: None,
            login_redirect_uri: None,
            login_scopes: None,
        }
    }
}

/// What a profile picker lists: `selector` is what `--profile`, `UIPATH_PROFILE` and
/// `:profile` accept (the bare name, or `uipathcli:NAME` when an extapps profile of the same
/// name hides it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInfo {
    pub selector: String,
    pub name: String,
    pub source: ProfileSource,
    /// The profile asks never to be written through.
    pub read_only: bool,
    pub organization: Option<String>,
    pub uri: Option<String>,
    /// It is the one used when no profile is named.
    pub is_default: bool,
}

/// Splits a space-separated scope string (uipathcli and `UIPATH_AUTH_SCOPES` style).
pub fn split_scopes(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}
