//! `extapps` without a subcommand: the TUI, on a connection set up as for any command.

use std::path::PathBuf;

use super::Failure;
use super::args::Cli;
use super::connect::connect;

pub async fn run(cli: &Cli, log_path: Option<PathBuf>) -> Result<(), Failure> {
    let conn = connect(cli).await?;
    let settings = &conn.settings;
    let opts = crate::tui::TuiOptions {
        organization: settings.organization.clone(),
        identity_host: conn.client.endpoints().host(),
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
    let cache = conn.details.cache.clone();
    crate::tui::run_with_cache(conn.client.clone(), opts, cache)
        .await
        .map_err(|e| Failure::new(format!("the TUI stopped: {e}"), 1))
}
