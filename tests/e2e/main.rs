//! End to end: the real binary in tmux, each test with its own tmux server and screen.
//! One test binary (linking one per file was most of the suite's time); add a file as `mod`.

#[path = "../common/mod.rs"]
mod common;

mod e2e_edit;
mod e2e_first_run;
mod e2e_rotate;
mod e2e_tui;
