//! Finding and loading the configuration files, and the profiles they offer together.

use std::path::{Path, PathBuf};

use super::error::{ConfigError, closest};
use super::file::{self, ConfigFile};
use super::profile::{Profile, ProfileInfo, ProfileSource};
use super::uipathcli::{self, UipathcliFile};

/// Selects a uipathcli profile whose name an extapps profile also uses.
pub const UIPATHCLI_PREFIX: &str = "uipathcli:";

/// Every configuration file that was found, parsed.
#[derive(Debug, Clone, Default)]
pub struct ConfigFiles {
    pub extapps: Option<ConfigFile>,
    pub uipathcli: Option<UipathcliFile>,
    /// Problems that do not stop extapps (a broken uipathcli file); print them on stderr.
    pub warnings: Vec<String>,
}

/// `$XDG_CONFIG_HOME/extapps/config.toml` on Linux, the platform's config directory elsewhere.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "extapps").map(|d| d.config_dir().join("config.toml"))
}

/// `~/.uipath/config`, where uipathcli keeps its profiles.
pub fn default_uipathcli_path() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.home_dir().join(".uipath").join("config"))
}

/// The extapps file to read: `--config`, then `EXTAPPS_CONFIG`, then the default location.
/// The flag says whether the user named it (then it must exist).
pub fn extapps_path(
    flag: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<(PathBuf, bool)> {
    if let Some(p) = flag {
        return Some((p.to_owned(), true));
    }
    if let Some(p) = env("EXTAPPS_CONFIG").filter(|v| !v.trim().is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    default_config_path().map(|p| (p, false))
}

pub fn uipathcli_path(env: &dyn Fn(&str) -> Option<String>) -> Option<(PathBuf, bool)> {
    if let Some(p) = env("UIPATH_CONFIGURATION_PATH").filter(|v| !v.trim().is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    default_uipathcli_path().map(|p| (p, false))
}

impl ConfigFiles {
    /// Loads both files. A broken extapps file is an error; a broken uipathcli file only a
    /// warning, since extapps can work without it and it is another program's to fix.
    pub fn load(
        config_flag: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut files = ConfigFiles::default();
        if let Some((path, named)) = extapps_path(config_flag, env) {
            if path.exists() {
                files.extapps = Some(file::load(&path)?);
            } else if named {
                return Err(ConfigError::in_file(
                    &path,
                    "no such file; create it with `extapps config init` or check EXTAPPS_CONFIG and --config",
                ));
            }
        }
        if let Some((path, named)) = uipathcli_path(env) {
            if path.exists() {
                match uipathcli::load(&path) {
                    Ok(f) => files.uipathcli = Some(f),
                    Err(e) => files
                        .warnings
                        .push(format!("ignoring the uipathcli profiles: {e}")),
                }
            } else if named {
                files.warnings.push(format!(
                    "UIPATH_CONFIGURATION_PATH names {}, which does not exist",
                    path.display()
                ));
            }
        }
        Ok(files)
    }

    /// The profile used when none is named: the extapps file's `default_profile`, else a
    /// profile called `default` (uipathcli's convention), else none.
    pub fn default_selector(&self) -> Option<String> {
        if let Some(d) = self
            .extapps
            .as_ref()
            .and_then(|f| f.default_profile.clone())
        {
            return Some(d);
        }
        self.find("default").map(|_| "default".to_owned())
    }

    /// The profile a selector names: an extapps profile first, then a uipathcli one;
    /// `uipathcli:NAME` asks for the uipathcli one outright.
    pub fn find(&self, selector: &str) -> Option<&Profile> {
        let cli = self.uipathcli.iter().flat_map(|f| &f.profiles);
        if let Some(name) = selector.strip_prefix(UIPATHCLI_PREFIX) {
            return cli.clone().find(|p| p.name == name);
        }
        self.extapps
            .iter()
            .flat_map(|f| &f.profiles)
            .find(|p| p.name == selector)
            .or_else(|| cli.clone().find(|p| p.name == selector))
    }

    /// Like [`find`](Self::find), with an error that lists what exists and suggests the closest.
    pub fn get(&self, selector: &str) -> Result<&Profile, ConfigError> {
        if let Some(p) = self.find(selector) {
            return Ok(p);
        }
        let known: Vec<String> = self.profiles().into_iter().map(|p| p.selector).collect();
        let hint = match closest(selector, known.iter().map(String::as_str)) {
            Some(k) => format!(" Did you mean `{k}`?"),
            None if known.is_empty() => {
                " There are no profiles yet: create one with `extapps config init`.".to_owned()
            }
            None => format!(" Known profiles: {}.", known.join(", ")),
        };
        Err(ConfigError(format!(
            "there is no profile `{selector}` (from --profile or UIPATH_PROFILE).{hint}"
        )))
    }

    /// Every profile with where it comes from, extapps' first, for a picker.
    pub fn profiles(&self) -> Vec<ProfileInfo> {
        let default = self.default_selector();
        let own: Vec<&Profile> = self.extapps.iter().flat_map(|f| &f.profiles).collect();
        let mut out = Vec::new();
        for p in &own {
            out.push(info(p, p.name.clone(), default.as_deref()));
        }
        for p in self.uipathcli.iter().flat_map(|f| &f.profiles) {
            let selector = if own.iter().any(|o| o.name == p.name) {
                format!("{UIPATHCLI_PREFIX}{}", p.name)
            } else {
                p.name.clone()
            };
            out.push(info(p, selector, default.as_deref()));
        }
        out
    }
}

fn info(p: &Profile, selector: String, default: Option<&str>) -> ProfileInfo {
    ProfileInfo {
        is_default: default == Some(selector.as_str()),
        selector,
        name: p.name.clone(),
        source: p.source.clone(),
        read_only: p.read_only.unwrap_or(false),
        organization: p.organization.clone(),
        uri: p.uri.clone(),
    }
}

impl ProfileSource {
    pub fn is_uipathcli(&self) -> bool {
        matches!(self, ProfileSource::Uipathcli(_))
    }
}
