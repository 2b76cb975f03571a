//! extapps: manage UiPath external applications (OAuth clients) from the terminal.

pub mod api;
pub mod args;
pub mod cli;
pub mod config;
pub mod demo;
pub mod expiry;
pub mod logging;
pub mod sim;
