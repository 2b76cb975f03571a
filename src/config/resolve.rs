//! Precedence: flags, then `UIPATH_*` variables, then the selected profile, then defaults.
//! Pure: flags, a variable lookup and the loaded files go in; settings (or a message naming
//! what to set) come out, with where each value came from.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use super::error::ConfigError;
use super::files::ConfigFiles;
use super::profile::{Profile, ProfileSource, split_scopes};
use super::secret::SecretSource;
use super::settings::{DEFAULT_AUTO_REFRESH, DEFAULT_URI, LoginSettings, Settings};

/// The connection flags of the command line, independent of clap. The client secret is
/// deliberately not among them: it would end up in shell history and `ps`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    pub profile: Option<String>,
    pub uri: Option<String>,
    pub organization: Option<String>,
    pub client_id: Option<String>,
    pub identity_uri: Option<String>,
    pub partition_id: Option<String>,
    pub config: Option<PathBuf>,
    pub insecure: bool,
    pub read_only: bool,
    /// `--auto-refresh`: a duration, or zero for off.
    pub auto_refresh: Option<jiff::SignedDuration>,
}

/// Where one resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag(&'static str),
    Env(String),
    Profile(String),
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(name) => write!(f, "flag {name}"),
            Origin::Env(var) => write!(f, "env {var}"),
            Origin::Profile(name) => write!(f, "profile {name}"),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// Resolved settings with their provenance.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub settings: Settings,
    /// Each setting's name (as the config file spells it) and where its value came from.
    pub origins: Vec<(&'static str, Origin)>,
    /// `None` only from [`explain`] when no source is configured.
    pub secret_source: Option<SecretSource>,
    /// What is still missing, in words (only [`explain`] returns settings despite these).
    pub missing: Vec<&'static str>,
    /// Things to tell the user that do not stop extapps (stderr, or a toast in the TUI).
    pub warnings: Vec<String>,
}

impl Resolved {
    pub fn origin(&self, key: &str) -> Option<&Origin> {
        self.origins.iter().find(|(k, _)| *k == key).map(|(_, o)| o)
    }
}

/// Resolves settings for the command line: flags over `UIPATH_*` variables over the profile
/// (`--profile`, else `UIPATH_PROFILE`, else the default profile) over defaults. Runs
/// `client_secret_command` when the secret comes from one.
pub fn resolve(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
    files: &ConfigFiles,
) -> Result<Resolved, ConfigError> {
    plan(flags, env, files, true)?.fetch(env)
}

/// Resolves one profile on its own, for switching profiles in the TUI (`:profile NAME`):
/// `UIPATH_*` variables are ignored so that the profile asked for is the one used; `env`
/// is still consulted for the profile's own `client_secret_env`.
pub fn resolve_profile(
    selector: &str,
    env: &dyn Fn(&str) -> Option<String>,
    files: &ConfigFiles,
) -> Result<Resolved, ConfigError> {
    let flags = Flags {
        profile: Some(selector.to_owned()),
        ..Flags::default()
    };
    plan(&flags, env, files, false)?.fetch(env)
}

/// Everything but the secret's value: `config show` uses this so that it never runs a
/// password manager just to print "****".
pub fn explain(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
    files: &ConfigFiles,
) -> Result<Resolved, ConfigError> {
    Ok(plan(flags, env, files, true)?.finish(SecretString::from(String::new())))
}

/// Nothing at all says which organization or app to use: no profile in any file, and no
/// flag or variable for the organization, the client id or the secret. A first run: the
/// TUI shows how to get credentials, the CLI prints the same steps.
pub fn nothing_configured(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
    files: &ConfigFiles,
) -> bool {
    files.profiles().is_empty()
        && plan(flags, env, files, true)
            .is_ok_and(|p| p.missing.len() == 3 && p.missing_in.is_none())
}

/// The profile the flags and environment select, if any, and where the choice came from.
pub fn selected_profile<'f>(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
    files: &'f ConfigFiles,
) -> Result<Option<(&'f Profile, Origin)>, ConfigError> {
    if let Some(name) = flags.profile.as_deref() {
        return Ok(Some((files.get(name)?, Origin::Flag("--profile"))));
    }
    if let Some(name) = var(env, "UIPATH_PROFILE") {
        return Ok(Some((
            files.get(&name)?,
            Origin::Env("UIPATH_PROFILE".into()),
        )));
    }
    Ok(files
        .default_selector()
        .and_then(|s| files.find(&s))
        .map(|p| (p, Origin::Default)))
}

struct Planned {
    settings: Settings,
    origins: Vec<(&'static str, Origin)>,
    secret_source: Option<SecretSource>,
    missing: Vec<&'static str>,
    missing_in: Option<String>,
    warnings: Vec<String>,
}

impl Planned {
    fn finish(mut self, secret: SecretString) -> Resolved {
        self.settings.client_secret = secret;
        Resolved {
            settings: self.settings,
            origins: self.origins,
            secret_source: self.secret_source,
            missing: self.missing,
            warnings: self.warnings,
        }
    }

    /// Fails on missing settings with one message naming all of them, else reads the secret.
    fn fetch(self, env: &dyn Fn(&str) -> Option<String>) -> Result<Resolved, ConfigError> {
        if !self.missing.is_empty() {
            // Say the organization is unknown only when it is among what is missing: with it
            // set and only the secret missing, that lead sent people looking in the wrong place.
            let org_missing = self
                .missing
                .iter()
                .any(|m| m.starts_with("UIPATH_ORGANIZATION"));
            let what = self.missing_in.clone().unwrap_or_else(|| {
                if org_missing {
                    "extapps does not know which organization to manage".to_owned()
                } else {
                    "extapps lacks settings to sign in".to_owned()
                }
            });
            return Err(ConfigError(format!(
                "{what}. Set {}. Profiles live in a config file (`extapps config init` writes \
                 one). To try extapps without an account, run it with --demo.",
                self.missing.join("; ")
            )));
        }
        self.refuse_userinfo()?;
        let secret = match &self.secret_source {
            Some(source) => source.fetch(env)?,
            None => SecretString::from(String::new()),
        };
        Ok(self.finish(secret))
    }
}

impl Planned {
    /// A user name or password in a URI would go out as a Basic authorization header, in
    /// place of the client credentials, so sign-in could never work; refused, hidden.
    /// `config show` still shows such a URI (hidden), so that it can be found and fixed.
    fn refuse_userinfo(&self) -> Result<(), ConfigError> {
        let s = &self.settings;
        for (key, value) in [
            ("uri", Some(&s.uri)),
            ("identity_uri", s.identity_uri.as_ref()),
            ("api_uri", s.api_uri.as_ref()),
        ] {
            let Some(value) = value else { continue };
            let has = url::Url::parse(value.trim())
                .is_ok_and(|u| !u.username().is_empty() || u.password().is_some());
            if has {
                let from = self
                    .origins
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map_or(Origin::Default, |(_, o)| o.clone());
                return Err(ConfigError(format!(
                    "the {key} from {from} holds a user name or password ({}); extapps signs \
                     in with the client id and secret alone, so remove it",
                    crate::redact::userinfo(value.trim())
                )));
            }
        }
        Ok(())
    }
}

fn var(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn parse_bool(name: &str, value: &str) -> Result<bool, ConfigError> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError(format!(
            "{name}={value} is not a yes/no value; use true or false"
        ))),
    }
}

/// An organization goes into every URL as one path segment, so what would change the URL's
/// shape is refused rather than stripped or resolved: `acme/../other` must not quietly become
/// `other`. Says what is wrong, never echoing the value.
pub fn check_organization(raw: &str) -> Result<(), String> {
    let name = raw.trim_matches(' ');
    let problem = if let Some(c) = name.chars().find(|c| c.is_control()) {
        match c {
            '\n' | '\r' => "contains a line break".to_owned(),
            '\t' => "contains a tab".to_owned(),
            _ => format!("contains the control character U+{:04X}", u32::from(c)),
        }
    } else if name.chars().any(char::is_whitespace) {
        "contains a space".to_owned()
    } else if let Some(c) = name
        .chars()
        .find(|c| matches!(c, '/' | '\\' | '?' | '#' | '%'))
    {
        format!("contains `{c}`")
    } else if name == "." || name == ".." {
        format!("is `{name}`")
    } else {
        return Ok(());
    };
    Err(format!(
        "{problem}; it should be the organization's name or GUID as your Automation Cloud URL \
         shows it (https://cloud.uipath.com/NAME/...), without spaces, `/`, `?`, `#`, `%` or `..`"
    ))
}

fn plan(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
    files: &ConfigFiles,
    use_env: bool,
) -> Result<Planned, ConfigError> {
    let selected = selected_profile(flags, env, files)?;
    let profile = selected.as_ref().map(|(p, _)| *p);
    let pname = profile.map(|p| p.name.clone()).unwrap_or_default();
    let envv = |name: &str| if use_env { var(env, name) } else { None };
    let mut origins: Vec<(&'static str, Origin)> = Vec::new();

    // One setting: the flag, else the variable, else the profile's value.
    let mut pick = |key: &'static str,
                    flag: (Option<&String>, &'static str),
                    env_name: Option<&str>,
                    from_profile: Option<&String>|
     -> Option<String> {
        let found = if let Some(v) = flag.0.filter(|v| !v.trim().is_empty()) {
            Some((v.trim().to_owned(), Origin::Flag(flag.1)))
        } else if let Some(v) = env_name.and_then(&envv) {
            Some((v, Origin::Env(env_name.unwrap_or_default().to_owned())))
        } else {
            from_profile
                .filter(|v| !v.trim().is_empty())
                .map(|v| (v.trim().to_owned(), Origin::Profile(pname.clone())))
        };
        let (value, origin) = match found {
            Some((v, o)) => (Some(v), o),
            None => (None, Origin::Default),
        };
        origins.push((key, origin));
        value
    };

    let uri = pick(
        "uri",
        (flags.uri.as_ref(), "--uri"),
        Some("UIPATH_URI"),
        profile.and_then(|p| p.uri.as_ref()),
    );
    let organization = pick(
        "organization",
        (flags.organization.as_ref(), "--organization"),
        Some("UIPATH_ORGANIZATION"),
        profile.and_then(|p| p.organization.as_ref()),
    );
    let partition_id = pick(
        "partition_id",
        (flags.partition_id.as_ref(), "--partition-id"),
        Some("UIPATH_PARTITION_ID"),
        profile.and_then(|p| p.partition_id.as_ref()),
    );
    let identity_uri = pick(
        "identity_uri",
        (flags.identity_uri.as_ref(), "--identity-uri"),
        Some("UIPATH_IDENTITY_URI"),
        profile.and_then(|p| p.identity_uri.as_ref()),
    );
    let api_uri = pick(
        "api_uri",
        (None, ""),
        Some("EXTAPPS_API_URI"),
        profile.and_then(|p| p.api_uri.as_ref()),
    );
    let client_id = pick(
        "client_id",
        (flags.client_id.as_ref(), "--client-id"),
        Some("UIPATH_CLIENT_ID"),
        profile.and_then(|p| p.client_id.as_ref()),
    );
    let scopes_text = profile.and_then(|p| p.scopes.as_ref()).map(|s| s.join(" "));
    let scopes = pick(
        "scopes",
        (None, ""),
        Some("UIPATH_AUTH_SCOPES"),
        scopes_text.as_ref(),
    );
    let redirect = pick(
        "login.redirect_uri",
        (None, ""),
        Some("UIPATH_AUTH_REDIRECT_URI"),
        profile.and_then(|p| p.login_redirect_uri.as_ref()),
    );

    // Checked as given, before trimming: a stray line break is a mistake to show, not hide.
    if let Some((_, origin)) = origins.iter().find(|(k, _)| *k == "organization") {
        let raw = match origin {
            Origin::Flag(_) => flags.organization.clone(),
            Origin::Env(name) => env(name),
            Origin::Profile(_) => profile.and_then(|p| p.organization.clone()),
            Origin::Default => None,
        };
        if let Some(raw) = raw {
            check_organization(&raw)
                .map_err(|why| ConfigError(format!("the organization from {origin} {why}")))?;
        }
    }

    let secret = if let Some(v) = envv("UIPATH_CLIENT_SECRET") {
        origins.push(("client_secret", Origin::Env("UIPATH_CLIENT_SECRET".into())));
        Some(SecretSource::Value(SecretString::from(v)))
    } else if let Some(s) = profile.and_then(|p| p.secret.clone()) {
        origins.push(("client_secret", Origin::Profile(pname.clone())));
        Some(s)
    } else {
        origins.push(("client_secret", Origin::Default));
        None
    };

    let mut missing = Vec::new();
    if organization.is_none() && identity_uri.is_none() {
        missing.push(
            "UIPATH_ORGANIZATION or --organization (the organization name or GUID in your \
             Automation Cloud URL)",
        );
    }
    if client_id.is_none() {
        missing.push(
            "UIPATH_CLIENT_ID or --client-id (the client id of an external application with \
             PM.OAuthApp scopes)",
        );
    }
    if secret.is_none() {
        missing.push(
            "UIPATH_CLIENT_SECRET, or client_secret_env / client_secret_command in the profile \
             (that application's secret)",
        );
    }
    let missing_in =
        profile.map(|p| format!("Profile `{}` ({}) lacks some settings", p.name, p.source));

    let insecure = if flags.insecure {
        origins.push(("insecure", Origin::Flag("--insecure")));
        true
    } else if let Some(v) = envv("UIPATH_INSECURE") {
        origins.push(("insecure", Origin::Env("UIPATH_INSECURE".into())));
        parse_bool("UIPATH_INSECURE", &v)?
    } else if let Some(v) = profile.and_then(|p| p.insecure) {
        origins.push(("insecure", Origin::Profile(pname.clone())));
        v
    } else {
        origins.push(("insecure", Origin::Default));
        false
    };
    // --read-only can only add the restriction: a read_only profile stays read only.
    let read_only = if flags.read_only {
        origins.push(("read_only", Origin::Flag("--read-only")));
        true
    } else if let Some(v) = profile.and_then(|p| p.read_only) {
        origins.push(("read_only", Origin::Profile(pname.clone())));
        v
    } else {
        origins.push(("read_only", Origin::Default));
        false
    };
    let from_profile = |o: bool| {
        if o {
            Origin::Profile(pname.clone())
        } else {
            Origin::Default
        }
    };
    // On unless turned off: a flag, else the profile, else every 5 minutes. Zero is off.
    let auto_refresh = if let Some(d) = flags.auto_refresh {
        origins.push(("auto_refresh", Origin::Flag("--auto-refresh")));
        Duration::try_from(d).ok().filter(|d| !d.is_zero())
    } else if let Some(d) = profile.and_then(|p| p.auto_refresh) {
        origins.push(("auto_refresh", Origin::Profile(pname.clone())));
        Duration::try_from(d).ok().filter(|d| !d.is_zero())
    } else {
        origins.push(("auto_refresh", Origin::Default));
        Some(DEFAULT_AUTO_REFRESH)
    };
    let theme = profile.and_then(|p| p.theme);
    origins.push(("theme", from_profile(theme.is_some())));
    let login_scopes = profile.and_then(|p| p.login_scopes.clone());
    origins.push(("login.scopes", from_profile(login_scopes.is_some())));

    let secret_source = secret;
    let mut warnings = Vec::new();
    if let (Some(SecretSource::Inline { file, .. }), Some(p)) = (&secret_source, profile) {
        let exposed = match &p.source {
            ProfileSource::Extapps(_) => {
                files.extapps.as_ref().is_some_and(|f| f.readable_by_others)
            }
            ProfileSource::Uipathcli(_) => files
                .uipathcli
                .as_ref()
                .is_some_and(|f| f.readable_by_others),
        };
        if exposed {
            warnings.push(format!(
                "{} holds the client secret of profile `{}` and other users can read it: \
                 run `chmod 600 {}`, or better, use client_secret_env or client_secret_command",
                file.display(),
                p.name,
                file.display()
            ));
        }
    }

    let source = match &selected {
        Some((p, _)) => format!("profile {}", p.name),
        None if use_env => "environment".to_owned(),
        None => "defaults".to_owned(),
    };
    let settings = Settings {
        source,
        profile: profile.map(|p| p.name.clone()),
        uri: uri.unwrap_or_else(|| DEFAULT_URI.to_owned()),
        organization: organization.unwrap_or_default(),
        partition_id,
        identity_uri,
        api_uri,
        client_id: client_id.unwrap_or_default(),
        client_secret: SecretString::from(String::new()),
        scopes: scopes.map(|s| split_scopes(&s)).unwrap_or_default(),
        read_only,
        insecure,
        auto_refresh,
        theme: theme.unwrap_or_default(),
        login: LoginSettings {
            redirect_uri: redirect,
            scopes: login_scopes.unwrap_or_default(),
        },
        ..Settings::default()
    };
    Ok(Planned {
        settings,
        origins,
        secret_source,
        missing,
        missing_in,
        warnings,
    })
}
