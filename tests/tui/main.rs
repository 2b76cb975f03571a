//! The TUI through `update` and `view`: model tests, snapshots on a TestBackend (insta,
//! under `tests/tui/snapshots/`), the idle loop, the monkey, and the worker against the
//! simulator. One test binary (linking one per file was most of the suite's time).

#[path = "../common/mod.rs"]
mod common;

mod first_frame;
mod tui_auto_refresh;
mod tui_details;
mod tui_edit_snapshots;
mod tui_edit_update;
mod tui_expiring_filter;
mod tui_failed_load;
mod tui_filter_qualifiers;
mod tui_first_run;
mod tui_folds;
mod tui_idle;
mod tui_keys;
mod tui_login;
mod tui_messages;
mod tui_monkey;
mod tui_orientation;
mod tui_profile_switch;
mod tui_secret_details;
mod tui_secret_state;
mod tui_secrets_snapshots;
mod tui_secrets_update;
mod tui_snapshots;
mod tui_token_snapshots;
mod tui_token_update;
mod tui_update;
mod tui_wide_text;
