//! JSON for scripts, written so that a terminal showing it can be tricked by nothing in it.

use std::io::Write;

use serde::Serialize;

/// Pretty JSON and a newline. Server text is escaped beyond what serde_json does (DEL, C1,
/// bidi overrides), so `--json` on a terminal is as safe as the tables.
pub fn write_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    writeln!(out, "{}", crate::domain::json_text(text))
}
