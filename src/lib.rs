//! extapps: manage UiPath external applications (OAuth clients) from the terminal.

pub mod api;
pub mod app_rules;
pub mod args;
pub mod backup;
pub mod bounded;
pub mod cli;
pub mod config;
pub mod demo;
pub mod diff;
pub mod domain;
pub mod expiry;
pub mod logging;
pub mod memory;
pub mod redact;
pub mod sim;
pub mod tui;
