//! The real binary and its configuration: commands run as a user or cron job would, against
//! `extapps sim` or `--demo`, and the config files, precedence and secret sources they read.
//! One test binary (linking one per file was most of the suite's time); add a file as `mod`.

#[path = "../common/mod.rs"]
mod common;

mod all_profiles;
mod app_by_name;
mod apps_as_code;
mod broken_pipe;
mod cli;
mod cli_duplicates;
mod cli_outcome;
mod cli_secrets;
mod config_files;
mod config_init;
mod config_monitoring;
mod config_precedence;
mod config_secrets;
mod first_run;
mod hardening;
mod hardening_cli;
mod help_headings;
mod hostile_text;
mod monitoring;
mod plan_validation;
mod promises_apps;
mod promises_config;
mod secret_hygiene;
mod secret_state;
mod secrets_details;
mod token_cli;
mod wide_text;
