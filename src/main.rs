//! Start-up: arguments, panic and error hooks, logging, then the TUI, a command, or the simulator.

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use extapps::cli::args::{CacheCommand, Cli, Command};
use extapps::cli::{self, Failure};
use extapps::domain::shown_message;
use extapps::logging;

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

    let runtime = match runtime_for(&cli).enable_all().build() {
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

/// The TUI, the simulator and the browser login serve the network while other work goes on, on
/// two worker threads. A headless command does one thing at a time: on the thread that runs it,
/// each chunk of a large answer is parsed where it was read, without waking another thread for
/// it (a sixth of `apps list`'s time on 5,000 apps went to those wake-ups).
fn runtime_for(cli: &Cli) -> tokio::runtime::Builder {
    match cli.command {
        None | Some(Command::Sim(_) | Command::Login(_)) => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(2);
            builder
        }
        Some(_) => tokio::runtime::Builder::new_current_thread(),
    }
}

/// One line per command: each command's setup (settings, client, the demo simulator) lives
/// with the command in `cli/`.
async fn run(cli: Cli, log_path: Option<std::path::PathBuf>) -> Result<(), Failure> {
    use cli::output::to_stdout;
    match &cli.command {
        Some(Command::Sim(args)) => cli::sim_cmd::run(args).await,
        _ if cli.print_default_config => {
            to_stdout(|out| Ok(cli::config_cmd::print_default_config(out)?))
        }
        Some(Command::Completions { shell }) => to_stdout(|out| {
            cli::meta::completions(*shell, out);
            Ok(())
        }),
        Some(Command::Man) => to_stdout(|out| Ok(cli::meta::man(out)?)),
        Some(Command::Config(cmd)) => cli::config_cmd::run(&cli, cmd).await,
        Some(Command::Login(args)) => cli::login::run_command(&cli, args).await,
        Some(Command::Cache(CacheCommand::Clear)) => cli::cache::run(),
        Some(Command::Token(args)) => cli::token::run(&cli, args).await,
        Some(Command::Apps(cmd)) => cli::apps::run(&cli, cmd).await,
        Some(Command::Secrets(cmd)) => cli::secrets::run(&cli, cmd).await,
        Some(Command::Export(args)) => cli::export::run(&cli, args).await,
        Some(Command::Plan(args)) => cli::plan::run(&cli, args).await,
        Some(Command::Apply(args)) => cli::apply::run(&cli, args).await,
        None => cli::tui_cmd::run(&cli, log_path).await,
    }
}
