//! Asking before destroying: on a terminal the user types the confirmation; elsewhere (cron, CI,
//! a pipe) nothing destructive happens unless `--yes` was given.

use std::io::{BufRead, IsTerminal, Write};

use super::Failure;

/// Returns Ok when the action may go ahead. `expected` is what the user must type (an app's
/// name, or `yes`).
pub fn confirm(question: &str, expected: &str, assume_yes: bool) -> Result<(), Failure> {
    if assume_yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(
            format!("{question} Refusing without --yes, because standard input is not a terminal."),
            2,
        ));
    }
    let mut err = std::io::stderr().lock();
    // Questions quote server text; the line breaks written by extapps stay.
    let _ = write!(
        err,
        "{}\nType {expected:?} to confirm (anything else cancels): ",
        crate::domain::sanitize_lines(question)
    );
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::new(format!("cannot read the answer: {e}"), 2))?;
    if line.trim() == expected {
        Ok(())
    } else {
        Err(Failure::new("cancelled; nothing was changed.", 1))
    }
}
