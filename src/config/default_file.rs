//! The annotated example printed by `--print-default-config`, and the profile text
//! `config init` appends.

/// A complete, valid config file documenting every key.
pub const DEFAULT_CONFIG: &str = r#"# extapps configuration.
# Location: $XDG_CONFIG_HOME/extapps/config.toml (~/.config/extapps/config.toml), or the file
# named by --config or EXTAPPS_CONFIG.
# Precedence: command-line flags, then UIPATH_* environment variables, then the selected
# profile (--profile NAME or UIPATH_PROFILE), then built-in defaults.
# Profiles in UiPath's own CLI config (~/.uipath/config) are offered too.

# The profile used when none is named.
default_profile = "prod"

[profiles.prod]
# Automation Cloud, an Automation Suite host, or a standalone Orchestrator host.
uri = "https://cloud.uipath.com"
# The organization name or GUID from your Automation Cloud URL.
organization = "my-org"
# The organization GUID; only needed when access tokens lack the prt_id claim.
# partition_id = "00000000-0000-0000-0000-000000000000"
# Where /connect/token lives, when it is not {uri}/identity_ (standalone: https://host/identity).
# identity_uri = "https://my-host/identity"
# A confidential external application with the PM.OAuthApp scope.
client_id = "00000000-0000-0000-0000-000000000000"
# Where its secret comes from; pick ONE:
client_secret_env = "UIPATH_PROD_SECRET"            # an environment variable
# client_secret_command = "pass show uipath/prod"   # stdout of a command (sh -c)
# client_secret_file = "~/.config/extapps/prod.secret"
# client_secret = "..."                             # inline: discouraged; keep the file 0600
# Scopes to ask for; empty asks for all of the app's application scopes.
scopes = ["PM.OAuthApp"]
# Refuse every change made through this profile.
read_only = false
# Accept self-signed certificates (lab Automation Suite only).
insecure = false
# Reload the app list in the TUI this often (30s, 5m, 1h; default 5m); "off": only on `r`.
auto_refresh = "5m"
# auto, dark, light or mono.
theme = "auto"

# Signing in as yourself (browser login, PKCE) instead of as the app.
[profiles.prod.login]
redirect_uri = "http://localhost:12700"
scopes = ["openid", "profile", "offline_access"]
"#;

/// What `config init` learned, turned into a `[profiles.NAME]` table.
#[derive(Debug, Clone, Default)]
pub struct NewProfile {
    pub name: String,
    pub uri: String,
    pub organization: String,
    pub client_id: String,
    pub secret_env: Option<String>,
    pub secret_command: Option<String>,
}

impl NewProfile {
    pub fn to_toml(&self) -> String {
        let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let mut out = format!("[profiles.{}]\n", key(&self.name));
        out += &format!("uri = {}\n", q(&self.uri));
        out += &format!("organization = {}\n", q(&self.organization));
        out += &format!("client_id = {}\n", q(&self.client_id));
        if let Some(v) = &self.secret_env {
            out += &format!("client_secret_env = {}\n", q(v));
        }
        if let Some(v) = &self.secret_command {
            out += &format!("client_secret_command = {}\n", q(v));
        }
        out
    }
}

/// A table key: bare when TOML allows it, else a basic string. A value's quoting does not do
/// for a key: a name holding both quote kinds came out as a multi-line string, which TOML
/// refuses as a key, so `config init --name` wrote a file it could not read back.
fn key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return name.to_owned();
    }
    let mut out = String::from("\"");
    for c in name.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
