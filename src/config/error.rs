//! Configuration errors: one message a person can act on, naming the file, line and column
//! when a file is at fault, and the variable or key to set when something is missing.

use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl ConfigError {
    /// `path:line:column: problem`, the shape editors and terminals turn into links.
    pub fn at(path: &Path, line: usize, column: usize, problem: impl std::fmt::Display) -> Self {
        ConfigError(format!("{}:{line}:{column}: {problem}", path.display()))
    }

    pub fn in_file(path: &Path, problem: impl std::fmt::Display) -> Self {
        ConfigError(format!("{}: {problem}", path.display()))
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

/// The known word closest to `word`, when it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(word, k), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// Rewrites serde's "unknown field `x`, expected one of `a`, `b`" (and the same for enum
/// variants) into a message with a suggestion; other messages pass through.
pub fn explain_unknown(message: &str) -> String {
    for (prefix, what) in [("unknown field `", "key"), ("unknown variant `", "value")] {
        let Some(rest) = message.strip_prefix(prefix) else {
            continue;
        };
        let Some((word, expected)) = rest.split_once('`') else {
            continue;
        };
        let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let hint = match closest(word, known.iter().copied()) {
            Some(k) => format!("; did you mean `{k}`?"),
            None if known.is_empty() => String::new(),
            None => format!(
                "; known {what}s: {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return format!("unknown {what} `{word}`{hint}");
    }
    message.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn unknown_field_gets_a_suggestion() {
        let m = explain_unknown(
            "unknown field `organisation`, expected one of `uri`, `organization`, `client_id`",
        );
        assert_eq!(
            m,
            "unknown key `organisation`; did you mean `organization`?"
        );
        let m = explain_unknown("unknown field `zzz`, expected `uri` or `client_id`");
        assert_eq!(m, "unknown key `zzz`; known keys: `uri`, `client_id`");
    }
}
