//! UiPath's own CLI configuration (`~/.uipath/config`, YAML): its profiles are offered as
//! they are, so admins who already use uipathcli need no new setup. extapps never writes it.
//! Keys extapps has no use for (`tenant`, `header`, `path`, `output`, ...) are ignored: the
//! file belongs to another program.

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;

use super::error::ConfigError;
use super::file::Scopes;
use super::profile::{Profile, ProfileSource};
use super::secret::SecretSource;

#[derive(Debug, Clone)]
pub struct UipathcliFile {
    pub path: PathBuf,
    pub profiles: Vec<Profile>,
    pub readable_by_others: bool,
}

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    profiles: Option<Vec<RawProfile>>,
}

#[derive(Deserialize)]
struct RawProfile {
    name: String,
    organization: Option<String>,
    uri: Option<String>,
    insecure: Option<bool>,
    auth: Option<RawAuth>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAuth {
    client_id: Option<String>,
    client_secret: Option<String>,
    redirect_uri: Option<String>,
    scopes: Option<Scopes>,
    uri: Option<String>,
}

pub fn load(path: &Path) -> Result<UipathcliFile, ConfigError> {
    let text = crate::bounded::read_file(path, crate::bounded::CONFIG)
        .map_err(|e| ConfigError::in_file(path, format!("cannot read it: {e}")))?;
    parse(path, &text, super::file::readable_by_others(path))
}

pub fn parse(
    path: &Path,
    text: &str,
    readable_by_others: bool,
) -> Result<UipathcliFile, ConfigError> {
    // An empty file is what `uipath config` leaves before its first profile.
    let raw: RawFile = if text.trim().is_empty() {
        RawFile { profiles: None }
    } else {
        serde_norway::from_str(text).map_err(|e| {
            let text = e.to_string();
            let problem = text.split(" at line ").next().unwrap_or_default();
            let problem =
                super::error::without_value(problem, None).unwrap_or_else(|| problem.to_owned());
            match e.location() {
                Some(l) => ConfigError::at(path, l.line(), l.column(), problem),
                None => ConfigError::in_file(path, problem),
            }
        })?
    };
    let profiles = raw
        .profiles
        .unwrap_or_default()
        .into_iter()
        .map(|p| convert(p, path))
        .collect();
    Ok(UipathcliFile {
        path: path.to_owned(),
        profiles,
        readable_by_others,
    })
}

fn convert(p: RawProfile, path: &Path) -> Profile {
    let mut out = Profile::new(p.name, ProfileSource::Uipathcli(path.to_owned()));
    out.organization = p.organization.filter(|s| !s.is_empty());
    out.uri = p.uri.filter(|s| !s.is_empty());
    out.insecure = p.insecure;
    let Some(auth) = p.auth else {
        return out;
    };
    out.client_id = auth.client_id;
    out.identity_uri = auth.uri.filter(|s| !s.is_empty());
    let scopes = auth.scopes.map(Scopes::into_vec);
    let confidential = auth.client_secret.as_ref().is_some_and(|s| !s.is_empty());
    if let Some(secret) = auth.client_secret.filter(|s| !s.is_empty()) {
        out.secret = Some(SecretSource::Inline {
            value: SecretString::from(secret),
            file: path.to_owned(),
        });
    }
    // uipathcli has one `scopes` for whichever grant the profile uses: with a secret they are
    // client-credentials scopes, with only a redirect URI they are a login's user scopes.
    if confidential {
        out.scopes = scopes;
        out.login_redirect_uri = auth.redirect_uri;
    } else {
        out.login_redirect_uri = auth.redirect_uri;
        out.login_scopes = scopes;
    }
    out
}
