//! extapps: manage UiPath external applications (OAuth clients) from the terminal.

pub mod api;
pub mod tui;
