//! `extapps` without a subcommand: the TUI, on a connection set up as for any command.

use std::path::PathBuf;

use super::Failure;
use super::args::Cli;
use super::connect::{connect_as, first_run_failure};

pub async fn run(cli: &Cli, log_path: Option<PathBuf>) -> Result<(), Failure> {
    // No settings at all: not an error dump, but a screen on how to get credentials.
    if !cli.demo && crate::config::first_run(&cli.config_flags()) {
        use std::io::IsTerminal;
        // Without a terminal to draw on, the same steps as text.
        if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
            return Err(first_run_failure());
        }
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let choice = crate::tui::first_run(no_color)
            .await
            .map_err(|e| Failure::new(format!("the TUI stopped: {e}"), 1))?;
        return match choice {
            // The same steps on stderr, where they stay once the screen is gone.
            crate::tui::FirstRunChoice::Quit => Err(first_run_failure()),
            crate::tui::FirstRunChoice::Demo => run_on(cli, log_path, true).await,
        };
    }
    run_on(cli, log_path, cli.demo).await
}

async fn run_on(cli: &Cli, log_path: Option<PathBuf>, demo: bool) -> Result<(), Failure> {
    let conn = connect_as(cli, demo).await?;
    let settings = &conn.settings;
    let opts = crate::tui::TuiOptions {
        organization: settings.organization.clone(),
        identity_host: conn.client.endpoints().host(),
        profile: settings
            .profile
            .clone()
            .or_else(|| demo.then(|| "demo".to_owned())),
        read_only: settings.read_only,
        read_only_flag: cli.read_only,
        auto_refresh: settings.auto_refresh,
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        insecure: settings.insecure,
        log_path,
        backup_dir: None,
    };
    let cache = conn.details.cache.clone();
    crate::tui::run_with_cache(conn.client.clone(), opts, cache)
        .await
        .map_err(|e| Failure::new(format!("the TUI stopped: {e}"), 1))
}
