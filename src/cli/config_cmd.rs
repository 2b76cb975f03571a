//! `extapps config show|profiles|init` and `--print-default-config`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use super::Failure;
use super::table::Table;
use crate::cli::args::InitArgs;
use crate::config::default_file::{DEFAULT_CONFIG, NewProfile};
use crate::config::files::extapps_path;
use crate::config::{self, ConfigError, ConfigFiles, Flags, Origin, Resolved};
use crate::redact::userinfo;

pub fn print_default_config(out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(DEFAULT_CONFIG.as_bytes())
}

/// Resolved settings, one per line, with where each came from. The secret is never printed,
/// only where it would be read from.
pub fn write_show(r: &Resolved, files: &ConfigFiles, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &r.settings;
    // Every value here may be a URI, and a URI may carry a password.
    let opt = |v: &Option<String>| {
        v.as_deref()
            .map(|v| userinfo(v).into_owned())
            .unwrap_or_else(|| "(not set)".to_owned())
    };
    let list = |v: &[String]| {
        if v.is_empty() {
            "(none)".to_owned()
        } else {
            v.join(" ")
        }
    };
    let secret = match &r.secret_source {
        Some(src) => format!("**** from {}", src.describe()),
        None => "(not set)".to_owned(),
    };
    let rows: Vec<(&str, String)> = vec![
        ("uri", userinfo(&s.uri).into_owned()),
        ("organization", or_unset(&s.organization)),
        ("partition_id", opt(&s.partition_id)),
        ("identity_uri", opt(&s.identity_uri)),
        ("api_uri", opt(&s.api_uri)),
        ("client_id", or_unset(&s.client_id)),
        ("client_secret", secret),
        ("scopes", list(&s.scopes)),
        ("read_only", s.read_only.to_string()),
        ("insecure", s.insecure.to_string()),
        (
            "auto_refresh",
            s.auto_refresh
                .and_then(|d| jiff::SignedDuration::try_from(d).ok())
                .map(|d| {
                    crate::domain::duration::format(
                        d.as_secs(),
                        crate::domain::duration::Style::Exact,
                    )
                })
                .unwrap_or_else(|| "off".to_owned()),
        ),
        ("theme", s.theme.as_str().to_owned()),
        ("login.redirect_uri", opt(&s.login.redirect_uri)),
        ("login.scopes", list(&s.login.scopes)),
    ];
    writeln!(out, "Profile: {}", s.profile.as_deref().unwrap_or("(none)"))?;
    let mut table = Table::new(vec!["SETTING", "VALUE", "FROM"]);
    for (key, value) in rows {
        let from = r.origin(key).unwrap_or(&Origin::Default).to_string();
        table.row(vec![key.to_owned(), value, from]);
    }
    table.write(out)?;
    writeln!(out)?;
    match &files.extapps {
        Some(f) => writeln!(out, "extapps config:   {}", f.path.display())?,
        None => writeln!(
            out,
            "extapps config:   (none; `extapps config init` writes one)"
        )?,
    }
    match &files.uipathcli {
        Some(f) => writeln!(out, "uipathcli config: {}", f.path.display())?,
        None => writeln!(out, "uipathcli config: (none)")?,
    }
    for m in &r.missing {
        writeln!(out, "missing: {m}")?;
    }
    Ok(())
}

fn or_unset(v: &str) -> String {
    if v.is_empty() {
        "(not set)".to_owned()
    } else {
        v.to_owned()
    }
}

pub fn write_profiles(files: &ConfigFiles, out: &mut dyn Write) -> std::io::Result<()> {
    let mut table = Table::new(vec!["PROFILE", "ORGANIZATION", "URI", "FLAGS", "SOURCE"]);
    for p in files.profiles() {
        let mut flags = Vec::new();
        if p.is_default {
            flags.push("default");
        }
        if p.read_only {
            flags.push("read-only");
        }
        table.row(vec![
            p.selector,
            p.organization.unwrap_or_default(),
            p.uri.map(|u| userinfo(&u).into_owned()).unwrap_or_default(),
            flags.join(","),
            p.source.to_string(),
        ]);
    }
    table.write(out)
}

fn load(flags: &Flags, env: &config::CheckedEnv) -> Result<ConfigFiles, Failure> {
    let files = ConfigFiles::load(flags.config.as_deref(), &|n| env.get(n));
    env.check()?;
    let files = files?;
    for w in &files.warnings {
        eprintln!("extapps: warning: {}", userinfo(w));
    }
    Ok(files)
}

pub fn show(flags: &Flags, out: &mut dyn Write) -> Result<(), Failure> {
    let env = config::CheckedEnv::default();
    let files = load(flags, &env)?;
    let r = config::explain(flags, &|n| env.get(n), &files);
    env.check()?;
    let r = r?;
    for w in &r.warnings {
        eprintln!("extapps: warning: {}", userinfo(w));
    }
    write_show(&r, &files, out)?;
    Ok(())
}

pub fn profiles(flags: &Flags, out: &mut dyn Write) -> Result<(), Failure> {
    write_profiles(&load(flags, &config::CheckedEnv::default())?, out)?;
    Ok(())
}

/// Fills what the flags left out by asking on `input`/`prompt`. `interactive` false means
/// there is nobody to ask: then everything must already be there.
pub fn gather(
    flags: &Flags,
    args: &InitArgs,
    interactive: bool,
    input: &mut dyn BufRead,
    prompt: &mut dyn Write,
) -> Result<NewProfile, Failure> {
    let mut p = NewProfile {
        name: args.name.clone().unwrap_or_default(),
        uri: flags.uri.clone().unwrap_or_default(),
        organization: flags.organization.clone().unwrap_or_default(),
        client_id: flags.client_id.clone().unwrap_or_default(),
        secret_env: args.secret_env.clone(),
        secret_command: args.secret_command.clone(),
    };
    let complete = !p.organization.is_empty()
        && !p.client_id.is_empty()
        && (p.secret_env.is_some() || p.secret_command.is_some());
    if !interactive {
        if !complete {
            return Err(Failure::new(
                "config init asks its questions on a terminal, and this is not one. Give \
                 everything as flags instead: --organization, --client-id, and --secret-env VAR \
                 or --secret-command CMD (optionally --name and --uri).",
                2,
            ));
        }
    } else {
        let mut ask = |question: &str, default: &str| -> std::io::Result<String> {
            if default.is_empty() {
                write!(prompt, "{question}: ")?;
            } else {
                write!(prompt, "{question} [{default}]: ")?;
            }
            prompt.flush()?;
            let mut line = String::new();
            input.read_line(&mut line)?;
            let line = line.trim();
            Ok(if line.is_empty() { default } else { line }.to_owned())
        };
        let default_uri = if p.uri.is_empty() {
            config::DEFAULT_URI.to_owned()
        } else {
            p.uri.clone()
        };
        let default_name = if p.name.is_empty() {
            "default".to_owned()
        } else {
            p.name.clone()
        };
        p.name = ask("Profile name", &default_name)?;
        p.uri = ask(
            "Host (Automation Cloud, Automation Suite or Orchestrator URL)",
            &default_uri,
        )?;
        while p.organization.is_empty() {
            p.organization = ask("Organization (name or GUID from your cloud URL)", "")?;
        }
        while p.client_id.is_empty() {
            p.client_id = ask(
                "Client id of an external app with the PM.OAuthApp scope",
                "",
            )?;
        }
        while p.secret_env.is_none() && p.secret_command.is_none() {
            let how = ask(
                "Where does its secret come from? env = an environment variable, \
                 cmd = a command such as a password manager",
                "env",
            )?;
            match how.as_str() {
                "env" | "e" => {
                    let var = ask("Environment variable", "UIPATH_CLIENT_SECRET")?;
                    p.secret_env = Some(var);
                }
                "cmd" | "c" | "command" => {
                    let cmd = ask("Command printing the secret", "")?;
                    if !cmd.is_empty() {
                        p.secret_command = Some(cmd);
                    }
                }
                // Anything else: the loop asks again.
                _ => {}
            }
        }
    }
    if p.name.is_empty() {
        p.name = "default".to_owned();
    }
    if p.uri.is_empty() {
        p.uri = config::DEFAULT_URI.to_owned();
    }
    Ok(p)
}

/// Adds the profile to the file at `path`, creating it (mode 0600) when needed; refuses a
/// name that is taken.
pub fn write_profile(path: &Path, profile: &NewProfile) -> Result<(), Failure> {
    let existing = if path.exists() {
        let f = config::file::load(path)?;
        if f.profiles.iter().any(|p| p.name == profile.name) {
            return Err(Failure::new(
                format!(
                    "{} already has a profile `{}`; pick another --name or edit the file",
                    path.display(),
                    profile.name
                ),
                2,
            ));
        }
        crate::bounded::read_file(path, crate::bounded::CONFIG).map_err(|e| write_error(path, e))?
    } else {
        String::new()
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| write_error(path, e))?;
    }
    let mut text = existing;
    if !text.is_empty() && !text.ends_with("\n\n") {
        text.push_str(if text.ends_with('\n') { "\n" } else { "\n\n" });
    }
    text.push_str(&profile.to_toml());
    write_private(path, &text).map_err(|e| write_error(path, e))
}

fn write_error(path: &Path, e: std::io::Error) -> Failure {
    Failure::new(format!("cannot write {}: {e}", path.display()), 1)
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)?.write_all(text.as_bytes())
}

pub async fn init(flags: &Flags, args: &InitArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let Some((path, _)) = extapps_path(flags.config.as_deref(), &config::process_env) else {
        return Err(Failure::new(
            "cannot find a config directory; name a file with --config or EXTAPPS_CONFIG",
            2,
        ));
    };
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let profile = gather(
        flags,
        args,
        interactive,
        &mut std::io::stdin().lock(),
        &mut std::io::stderr(),
    )?;
    write_profile(&path, &profile)?;
    writeln!(
        out,
        "Saved profile `{}` in {}.",
        profile.name,
        path.display()
    )?;
    if args.no_test {
        return Ok(());
    }
    writeln!(out, "Testing it: asking the token endpoint for a token...")?;
    match test_connection(&path, &profile.name).await {
        Ok(report) => {
            writeln!(out, "{report}")?;
            Ok(())
        }
        Err(why) => Err(Failure::new(
            format!(
                "the profile was saved but signing in failed: {why}. Fix it in {} and check \
                 with `extapps --profile {} config show`.",
                path.display(),
                profile.name
            ),
            1,
        )),
    }
}

/// Requests a client-credentials token with the saved profile and says what it granted.
async fn test_connection(path: &Path, name: &str) -> Result<String, String> {
    let files = ConfigFiles {
        extapps: Some(config::file::load(path).map_err(|e| e.to_string())?),
        ..ConfigFiles::default()
    };
    let r = config::resolve_profile(name, &config::process_env, &files)
        .map_err(|e: ConfigError| e.to_string())?;
    let cfg = r.settings.client_config().map_err(|e| e.to_string())?;
    if cfg.insecure {
        eprintln!(
            "extapps: warning: TLS certificates are not checked (the insecure setting of profile {name} or UIPATH_INSECURE)"
        );
    }
    let http = crate::api::http::client(cfg.timeout, cfg.insecure).map_err(|e| e.to_string())?;
    let (token, _) = crate::api::auth::management_token(
        &http,
        &cfg.endpoints.token_url(),
        &cfg.credentials,
        0,
        cfg.timeout,
    )
    .await
    .map_err(|e| e.to_string())?;
    let scopes = token.scope.unwrap_or_default();
    let manage = ["PM.OAuthApp", "PM.OAuthApp.Read"];
    let can_read = scopes.split_whitespace().any(|s| manage.contains(&s));
    let mut text = format!(
        "Connected: {} granted a token for {}.",
        cfg.endpoints.host(),
        if scopes.is_empty() {
            "no scopes"
        } else {
            scopes.as_str()
        }
    );
    if !can_read {
        text.push_str(
            " It lacks PM.OAuthApp or PM.OAuthApp.Read, so extapps will not be able to list \
             apps: add that scope to the app in the Admin portal.",
        );
    }
    Ok(text)
}

/// `extapps config ...`: files only, no server.
pub async fn run(
    cli: &crate::cli::args::Cli,
    cmd: &crate::cli::args::ConfigCommand,
) -> Result<(), Failure> {
    use crate::cli::args::ConfigCommand;
    let flags = cli.config_flags();
    match cmd {
        ConfigCommand::Show => {
            let mut out = crate::cli::output::stdout();
            let result = show(&flags, &mut out);
            out.finish(result)
        }
        ConfigCommand::Profiles => {
            let mut out = crate::cli::output::stdout();
            let result = profiles(&flags, &mut out);
            out.finish(result)
        }
        ConfigCommand::Init(args) => init(&flags, args, &mut std::io::stdout()).await,
    }
}
