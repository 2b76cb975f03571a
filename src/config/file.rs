//! extapps' own configuration file (TOML): named profiles and which one is the default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::SignedDuration;
use secrecy::SecretString;
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::error::{ConfigError, explain_unknown, line_col, toml_key_before, without_value};
use super::profile::{Profile, ProfileSource, split_scopes};
use super::secret::SecretSource;
use super::settings::Theme;

/// A parsed extapps config file.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub default_profile: Option<String>,
    pub profiles: Vec<Profile>,
    /// Group or others may read the file (it matters when it holds an inline secret).
    pub readable_by_others: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    default_profile: Option<Spanned<String>>,
    #[serde(default)]
    profiles: BTreeMap<String, Spanned<RawProfile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    uri: Option<String>,
    organization: Option<String>,
    partition_id: Option<String>,
    identity_uri: Option<String>,
    api_uri: Option<String>,
    client_id: Option<String>,
    client_secret_env: Option<String>,
    client_secret_command: Option<String>,
    client_secret_file: Option<PathBuf>,
    #[serde(default, deserialize_with = "secret")]
    client_secret: Option<SecretString>,
    scopes: Option<Scopes>,
    read_only: Option<bool>,
    insecure: Option<bool>,
    #[serde(default, deserialize_with = "auto_refresh")]
    auto_refresh: Option<SignedDuration>,
    theme: Option<Theme>,
    login: Option<RawLogin>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogin {
    redirect_uri: Option<String>,
    scopes: Option<Scopes>,
}

/// Scopes as a list or as one space-separated string, as users copy them from elsewhere.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum Scopes {
    List(Vec<String>),
    Text(String),
}

impl Scopes {
    pub(crate) fn into_vec(self) -> Vec<String> {
        match self {
            Scopes::List(v) => v,
            Scopes::Text(t) => split_scopes(&t),
        }
    }
}

fn secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(SecretString::from))
}

/// `auto_refresh`: a duration, or `off` (kept as zero: the resolver reads zero as off).
fn auto_refresh<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SignedDuration>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(t) => super::settings::parse_auto_refresh(&t)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

/// Reads and parses the file at `path`.
pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
    let text = crate::bounded::read_file(path, crate::bounded::CONFIG)
        .map_err(|e| ConfigError::in_file(path, format!("cannot read it: {e}")))?;
    parse(path, &text, readable_by_others(path))
}

/// Parses `text` as the content of `path`.
pub fn parse(path: &Path, text: &str, readable_by_others: bool) -> Result<ConfigFile, ConfigError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        let (line, col) = line_col(text, offset);
        let key = toml_key_before(text, offset);
        let problem = without_value(e.message(), key.as_deref())
            .unwrap_or_else(|| explain_unknown(e.message()));
        ConfigError::at(path, line, col, problem)
    })?;
    let at = |offset: usize, problem: String| {
        let (line, col) = line_col(text, offset);
        ConfigError::at(path, line, col, problem)
    };
    let mut profiles = Vec::new();
    for (name, spanned) in raw.profiles {
        let start = spanned.span().start;
        let p = spanned.into_inner();
        let mut sources = Vec::new();
        if let Some(var) = p.client_secret_env {
            sources.push(("client_secret_env", SecretSource::Env(var)));
        }
        if let Some(cmd) = p.client_secret_command {
            sources.push(("client_secret_command", SecretSource::Command(cmd)));
        }
        if let Some(file) = p.client_secret_file {
            sources.push(("client_secret_file", SecretSource::File(expand_home(&file))));
        }
        if let Some(value) = p.client_secret {
            sources.push((
                "client_secret",
                SecretSource::Inline {
                    value,
                    file: path.to_owned(),
                },
            ));
        }
        if sources.len() > 1 {
            let keys: Vec<_> = sources.iter().map(|(k, _)| format!("`{k}`")).collect();
            return Err(at(
                start,
                format!(
                    "profile `{name}` sets {}; keep only one source for the client secret",
                    keys.join(" and ")
                ),
            ));
        }
        let login = p.login;
        profiles.push(Profile {
            uri: p.uri,
            organization: p.organization,
            partition_id: p.partition_id,
            identity_uri: p.identity_uri,
            api_uri: p.api_uri,
            client_id: p.client_id,
            secret: sources.pop().map(|(_, s)| s),
            scopes: p.scopes.map(Scopes::into_vec),
            read_only: p.read_only,
            insecure: p.insecure,
            auto_refresh: p.auto_refresh,
            theme: p.theme,
            login_redirect_uri: login.as_ref().and_then(|l| l.redirect_uri.clone()),
            login_scopes: login.and_then(|l| l.scopes).map(Scopes::into_vec),
            ..Profile::new(name, ProfileSource::Extapps(path.to_owned()))
        });
    }
    let default_profile = match raw.default_profile {
        Some(d) => {
            let name = d.get_ref().clone();
            if !profiles.iter().any(|p| p.name == name) {
                let hint = super::error::closest(&name, profiles.iter().map(|p| p.name.as_str()))
                    .map(|k| format!("; did you mean `{k}`?"))
                    .unwrap_or_else(|| format!("; add a [profiles.{name}] table"));
                return Err(at(
                    d.span().start,
                    format!("default_profile names `{name}`, which is not a profile here{hint}"),
                ));
            }
            Some(name)
        }
        None => None,
    };
    Ok(ConfigFile {
        path: path.to_owned(),
        default_profile,
        profiles,
        readable_by_others,
    })
}

/// `~/x` as shells mean it; other paths are left alone.
pub fn expand_home(path: &Path) -> PathBuf {
    match path.strip_prefix("~") {
        Ok(rest) => directories::BaseDirs::new()
            .map(|b| b.home_dir().join(rest))
            .unwrap_or_else(|| path.to_owned()),
        Err(_) => path.to_owned(),
    }
}

#[cfg(unix)]
pub fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
pub fn readable_by_others(_path: &Path) -> bool {
    false
}
