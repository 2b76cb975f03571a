//! Start-up: arguments, panic and error hooks, logging, then the TUI, a command, or the simulator.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{CommandFactory, FromArgMatches};
use extapps::api::IdentityClient;
use extapps::api::details_cache::DetailsCache;
use extapps::api::token_cache::TokenCache;
use extapps::args::{
    AppsCommand, CacheCommand, Cli, Command, ConfigCommand, SecretsCommand, TokenArgs, TokenCommand,
};
use extapps::cli::{self, Failure};
use extapps::domain::shown_message;
use extapps::{config, demo, logging, sim};

fn main() -> ExitCode {
    let log_path = logging::default_log_path();
    let matches = Cli::command()
        .after_help(format!(
            "Logs are written to {} (set EXTAPPS_LOG=debug for more).",
            log_path.display()
        ))
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let log_path = logging::init(cli.log_file.as_deref().unwrap_or(&log_path));
    // Panics get color-eyre's readable report; the TUI adds terminal restoration on top.
    let _ = color_eyre::config::HookBuilder::default()
        .display_env_section(false)
        .install();

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("extapps: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli, log_path)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            tracing::warn!(code = f.code, "command failed: {}", f.message);
            let _ = std::io::stdout().flush();
            eprintln!("extapps: {}", shown_message(&f.message));
            ExitCode::from(u8::try_from(f.code).unwrap_or(1))
        }
    }
}

async fn run(cli: Cli, log_path: Option<std::path::PathBuf>) -> Result<(), Failure> {
    if let Some(Command::Sim(args)) = &cli.command {
        return run_sim(args).await;
    }
    let flags = cli.config_flags();
    let cache = TokenCache::default_location(|k| std::env::var(k).ok());
    let details_cache = DetailsCache::default_location(|k| std::env::var(k).ok());
    // Commands that need no connection.
    let out = &mut std::io::stdout();
    match &cli.command {
        _ if cli.print_default_config => {
            return Ok(cli::config_cmd::print_default_config(out)?);
        }
        Some(Command::Completions { shell }) => {
            cli::meta::completions(*shell, out);
            return Ok(());
        }
        Some(Command::Man) => return Ok(cli::meta::man(out)?),
        Some(Command::Config(ConfigCommand::Show)) => return cli::config_cmd::show(&flags, out),
        Some(Command::Config(ConfigCommand::Profiles)) => {
            return cli::config_cmd::profiles(&flags, out);
        }
        Some(Command::Config(ConfigCommand::Init(args))) => {
            return cli::config_cmd::init(&flags, args, out).await;
        }
        Some(Command::Token(TokenArgs {
            action: Some(TokenCommand::Clear),
            ..
        })) => return cli::token::clear(cache.as_ref(), &mut std::io::stdout().lock()),
        Some(Command::Token(TokenArgs {
            decode: Some(token),
            json,
            ..
        })) => {
            let mut stdin = std::io::stdin().lock();
            return cli::token::decode(token, *json, &mut stdin, &mut std::io::stdout().lock());
        }
        Some(Command::Login(args)) => return run_login(&cli, args, cache.as_ref()).await,
        Some(Command::Cache(CacheCommand::Clear)) => {
            return cli::cache::clear(details_cache.as_ref(), &mut std::io::stdout().lock());
        }
        _ => {}
    }
    // Keep the demo simulator alive for as long as the command or the TUI runs.
    let (settings, _sim, insecure_origin) = if cli.demo {
        let (handle, settings) = demo::start()
            .await
            .map_err(|e| Failure::new(format!("cannot start the demo simulator: {e}"), 1))?;
        (settings, Some(handle), None)
    } else {
        let resolved = config::from_process(&flags)?;
        for w in &resolved.warnings {
            eprintln!("extapps: warning: {}", extapps::redact::userinfo(w));
        }
        let origin = resolved
            .origins
            .iter()
            .find(|(name, _)| *name == "insecure")
            .map(|(_, o)| o.clone());
        (resolved.settings, None, origin)
    };
    // The TUI shows it in its header; a script's log must show it too, before any request.
    if settings.insecure && cli.command.is_some() {
        eprintln!(
            "extapps: warning: TLS certificates are not checked ({})",
            insecure_source(insecure_origin.as_ref())
        );
    }
    let mut settings = settings;
    settings.read_only |= cli.read_only;
    let mut client_config = settings.client_config()?;
    if let Some(secs) = cli.timeout {
        client_config.timeout = std::time::Duration::from_secs(secs);
    }
    // The demo simulator's tokens die with it: caching them would only litter the cache.
    client_config.token_cache = if cli.demo { None } else { cache };
    let client = Arc::new(IdentityClient::new(client_config)?);
    let mut stdout = std::io::stdout().lock();
    let details = cli::details::DetailOptions {
        // The demo organization dies with this process: nothing to keep.
        cache: if cli.demo {
            None
        } else {
            details_cache.clone()
        },
        progress: true,
        ..Default::default()
    };
    match cli.command {
        Some(Command::Apps(AppsCommand::List { json })) => {
            cli::apps::list(&client, json, &mut stdout).await
        }
        Some(Command::Apps(AppsCommand::Show { id, json })) => {
            cli::apps::show(&client, &id, json, &mut stdout).await
        }
        Some(Command::Apps(AppsCommand::Create {
            name,
            public,
            redirect_uris,
            scopes,
            json,
        })) => {
            read_write(&settings)?;
            let args = cli::app_edit::CreateArgs {
                name: &name,
                public,
                redirect_uris: &redirect_uris,
                scopes: &scopes,
                json,
            };
            cli::app_edit::create(&client, args, &mut stdout).await
        }
        Some(Command::Apps(AppsCommand::Update {
            id,
            name,
            add_scopes,
            remove_scopes,
            redirect_uris,
            add_redirect_uris,
            remove_redirect_uris,
            json,
        })) => {
            read_write(&settings)?;
            let args = cli::app_edit::UpdateArgs {
                id: &id,
                name: name.as_deref(),
                add_scopes: &add_scopes,
                remove_scopes: &remove_scopes,
                redirect_uris: redirect_uris.as_deref(),
                add_redirect_uris: &add_redirect_uris,
                remove_redirect_uris: &remove_redirect_uris,
                json,
            };
            cli::app_edit::update(&client, args, &mut stdout).await
        }
        Some(Command::Apps(AppsCommand::Delete { id, yes })) => {
            read_write(&settings)?;
            let dir = backup_dir();
            cli::app_edit::delete(&client, &id, yes, &dir, &mut stdout).await
        }
        Some(Command::Apps(AppsCommand::Restore { file, json })) => {
            read_write(&settings)?;
            cli::app_edit::restore(&client, &file, json, &mut stdout).await
        }
        Some(Command::Secrets(SecretsCommand::List {
            expiring_within,
            format,
            max_age,
            read_budget,
        })) => {
            let details = cli::details::DetailOptions {
                max_age,
                budget: read_budget,
                ..details
            };
            cli::secrets::list_with(&client, expiring_within, format, &details, &mut stdout).await
        }
        Some(Command::Token(TokenArgs { json, raw, .. })) => {
            cli::token::show(&client, json, raw, &mut stdout).await
        }
        Some(Command::Secrets(SecretsCommand::Create { app, new, json })) => {
            read_write(&settings)?;
            let expiry = new.expiry();
            cli::secret_ops::create(&client, &app, new.description, &expiry, json, &mut stdout)
                .await
        }
        Some(Command::Secrets(SecretsCommand::Delete {
            secret_id,
            yes,
            json,
        })) => {
            read_write(&settings)?;
            cli::secret_ops::delete(&client, secret_id, yes, json, &details, &mut stdout).await
        }
        Some(Command::Secrets(SecretsCommand::Rotate {
            app,
            new,
            delete_old,
            yes,
            json,
        })) => {
            read_write(&settings)?;
            let expiry = new.expiry();
            let args = cli::secret_ops::RotateArgs {
                app_id: &app,
                description: new.description,
                expiry: &expiry,
                delete_old,
                yes,
                json,
            };
            cli::secret_ops::rotate(&client, args, &mut stdout).await
        }
        Some(
            Command::Sim(_)
            | Command::Config(_)
            | Command::Completions { .. }
            | Command::Man
            | Command::Login(_)
            | Command::Cache(_),
        ) => {
            unreachable!("handled above")
        }
        None => {
            drop(stdout);
            let opts = extapps::tui::TuiOptions {
                organization: settings.organization.clone(),
                identity_host: client.endpoints().host(),
                profile: settings
                    .profile
                    .clone()
                    .or_else(|| cli.demo.then(|| "demo".to_owned())),
                read_only: settings.read_only,
                read_only_flag: cli.read_only,
                auto_refresh: settings.auto_refresh,
                no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
                insecure: settings.insecure,
                log_path,
                backup_dir: None,
            };
            // The demo organization dies with this process: nothing to keep.
            let cache = if cli.demo { None } else { details_cache };
            extapps::tui::run_with_cache(client, opts, cache)
                .await
                .map_err(|e| Failure::new(format!("the TUI stopped: {e}"), 1))
        }
    }
}

async fn run_login(
    cli: &Cli,
    args: &extapps::args::LoginArgs,
    cache: Option<&TokenCache>,
) -> Result<(), Failure> {
    let opts = cli::login::LoginOptions {
        client_id: args.client_id.clone(),
        redirect_uri: args.redirect_uri.clone(),
        scopes: args.scopes.clone(),
        no_browser: args.no_browser,
        timeout: std::time::Duration::from_secs(args.timeout.max(1)),
    };
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr();
    if cli.demo {
        let (handle, _) = demo::start()
            .await
            .map_err(|e| Failure::new(format!("cannot start the demo simulator: {e}"), 1))?;
        let target = cli::login::demo_target(&handle);
        let mut opts = opts;
        cli::login::demo_register_redirect(&handle, &mut opts);
        // Demo tokens are not kept: the simulator and its signing key end with this process.
        return cli::login::run(target, &opts, None, &mut out, &mut err).await;
    }
    let target = cli::login::target_from_env(|k| std::env::var(k).ok())?;
    cli::login::run(target, &opts, cache, &mut out, &mut err).await
}

async fn run_sim(args: &extapps::args::SimArgs) -> Result<(), Failure> {
    let settings = sim::SimSettings {
        port: args.port,
        extra_apps: args.apps,
        token_lifetime: std::time::Duration::from_secs(args.token_lifetime.max(1)),
        faults: args.faults.to_faults(),
        read_lag: std::time::Duration::from_millis(args.read_lag_ms),
        list_shape: args.list_shape,
        fail_detail_reads: args.fail_detail_reads.clone(),
        ..Default::default()
    };
    let handle = sim::start(settings).await.map_err(|e| {
        Failure::new(
            format!(
                "cannot start the simulator on 127.0.0.1:{}: {e}. Pick another --port, or 0 for a free one.",
                args.port
            ),
            1,
        )
    })?;
    println!(
        "extapps Identity simulator listening on {}",
        handle.base_url
    );
    println!("  organization:  {}", handle.organization);
    println!("  partition id:  {}", handle.partition_id);
    println!("  client id:     {}", handle.admin_client_id());
    println!("  client secret: {}", handle.admin_secret());
    println!(
        "  list shape:    {}",
        match args.list_shape {
            sim::ListShape::Summary => "summary (scopes and secrets only in each app's own read)",
            sim::ListShape::Full => "full",
        }
    );
    println!();
    println!("Point extapps at it with:");
    println!(
        "  export UIPATH_URI={} UIPATH_ORGANIZATION={} UIPATH_CLIENT_ID={} UIPATH_CLIENT_SECRET={}",
        handle.base_url.as_str().trim_end_matches('/'),
        handle.organization,
        handle.admin_client_id(),
        handle.admin_secret()
    );
    if !args.faults.to_faults().is_off() {
        println!("Injecting faults: {:?}", args.faults.to_faults());
    }
    println!("Press Ctrl-C to stop.");
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    handle.shutdown().await;
    Ok(())
}

/// Where the insecure setting came from, as the user wrote it.
fn insecure_source(origin: Option<&config::Origin>) -> String {
    match origin {
        Some(config::Origin::Flag(name)) => (*name).to_owned(),
        Some(config::Origin::Env(var)) => var.clone(),
        Some(config::Origin::Profile(name)) => format!("insecure = true in profile {name}"),
        Some(config::Origin::Default) | None => "insecure".to_owned(),
    }
}

/// Refuses a change in a read-only session before anything is sent.
fn read_write(settings: &config::Settings) -> Result<(), Failure> {
    if settings.read_only {
        return Err(Failure::new(
            "this session is read-only (--read-only or the profile's read_only); nothing was sent.",
            2,
        ));
    }
    Ok(())
}

/// Where delete backups go: `EXTAPPS_BACKUP_DIR`, else the user's data directory.
fn backup_dir() -> std::path::PathBuf {
    std::env::var_os("EXTAPPS_BACKUP_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(extapps::domain::backup::default_dir)
}
