//! extapps: manage UiPath external applications (OAuth clients) from the terminal.

pub mod api;
pub mod bounded;
pub mod cli;
pub mod config;
pub mod domain;
pub mod logging;
pub mod memory;
pub mod redact;
pub mod sim;
pub mod tui;
