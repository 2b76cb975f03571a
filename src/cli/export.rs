//! `extapps export`: every app's definition, for `extapps plan` and `apply`.

use std::io::{IsTerminal, Write};

use jiff::{SignedDuration, Timestamp};

use super::Failure;
use super::args::{Cli, ExportArgs, FileFormat};
use super::details::{self, DetailOptions};
use crate::domain::apps_file::{ExportFile, header};

pub async fn run(cli: &Cli, args: &ExportArgs) -> Result<(), Failure> {
    let conn = super::connect::connect(cli).await?;
    // Read afresh: a definition written from a stale cache would undo changes when applied.
    let opts = DetailOptions {
        max_age: SignedDuration::ZERO,
        ..conn.details.clone()
    };
    let loaded = details::load_all(&conn.client, &opts).await?;
    let apps = loaded.all_or_fail(
        "nothing was written (an export without them would delete them when applied with --prune)",
    )?;
    let host = crate::redact::userinfo(&conn.settings.uri);
    let org = &conn.settings.organization;
    let file = ExportFile::new(org, &host, &apps, args.with_secrets_metadata);
    let head = header(org, &host, export_time());
    let text = match args.format {
        FileFormat::Yaml => file.to_yaml(&head),
        FileFormat::Json => file.to_json(&head),
    }
    .map_err(|e| Failure::new(format!("cannot write the definitions: {e}"), 1))?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display()), 1))?;
            eprintln!(
                "extapps: wrote {} apps to {}",
                file.apps.len(),
                path.display()
            );
        }
        None => write_stdout(&text)?,
    }
    Ok(())
}

/// Names travel into the file exactly as the server has them, so that apply finds the apps
/// again. A terminal gets them cleaned (a name could hold escape sequences); a pipe or a file
/// gets the exact text.
fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    if out.is_terminal() {
        let shown = crate::domain::sanitize_lines(text);
        if shown != text {
            eprintln!(
                "extapps: some names hold control or invisible characters, shown as visible text here; write to a file (-o FILE) or a pipe for the exact text"
            );
        }
        out.write_all(shown.as_bytes())?;
    } else {
        out.write_all(text.as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

/// Now, or `SOURCE_DATE_EPOCH` (seconds) when set: the reproducible-builds convention, so that
/// an export can be made byte for byte the same as an earlier one.
fn export_time() -> Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok())
        .unwrap_or_else(Timestamp::now)
}
