//! Rules about the organization's data that hold whatever shows it: the CLI, the TUI, files.
//!
//! Imports go downwards only: `domain` uses `api`'s wire types, errors and token decoding
//! (`api::model`, `api::error`, `api::jwt`, `api::inspect`, the scope lists of `api::client`),
//! never the `IdentityClient` itself, and never `cli`, `tui`, `sim` or `config`. What needs
//! the server (asking for a token, deleting after a backup) lives in `api` and calls in here.

pub mod app_filter;
pub mod app_rules;
pub mod apps_file;
pub mod backup;
pub mod cells;
pub mod diff;
pub mod duration;
pub mod expiry;
pub mod login;
pub mod marked_yaml;
pub mod onboarding;
pub mod permissions;
pub mod plan;
pub mod plan_check;
pub mod sanitize;
pub mod secret_state;
pub mod token_check;

pub use sanitize::{csv_cell, json_text, sanitize, sanitize_lines, shown_message};
