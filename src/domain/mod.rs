//! Rules about the organization's data that hold whatever shows it: the CLI, the TUI, files.

pub mod sanitize;

pub use sanitize::{csv_cell, json_text, sanitize, sanitize_lines, shown_message};
