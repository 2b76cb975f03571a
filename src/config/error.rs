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

/// serde says "invalid type: integer `98765`, expected a string", quoting the value, and a
/// value in the wrong place may well be a secret. This keeps what kind of value was found and
/// what was expected, names the key (`key`, or a path serde put before the message), and
/// drops the value. `None` when the message is not of that kind.
pub fn without_value(message: &str, key: Option<&str>) -> Option<String> {
    for (marker, is_type) in [("invalid type: ", true), ("invalid value: ", false)] {
        let Some(pos) = message.find(marker) else {
            continue;
        };
        let before = message[..pos].trim_end().trim_end_matches(':').trim();
        let Some((found, expected)) = message[pos + marker.len()..].rsplit_once(", expected ")
        else {
            continue;
        };
        let kind = found
            .split(['`', '"', '\''])
            .next()
            .unwrap_or_default()
            .trim();
        let kind = if kind.is_empty() { "value" } else { kind };
        let subject = match key.filter(|k| !k.is_empty()) {
            Some(k) => format!("`{k}`"),
            None if !before.is_empty() => format!("`{before}`"),
            None => "this value".to_owned(),
        };
        let expected = expected.trim();
        return Some(if is_type {
            format!("{subject} should be {expected}, not {}", with_article(kind))
        } else {
            format!("the {kind} given for {subject} is not {expected}")
        });
    }
    None
}

fn with_article(kind: &str) -> String {
    let vowel = kind.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {kind}", if vowel { "an" } else { "a" })
}

/// The key whose value starts at byte `offset` of a TOML text (`key = value`, also inside an
/// inline table), read from the text before the value so that the value is never quoted.
pub fn toml_key_before(text: &str, offset: usize) -> Option<String> {
    let head = text.get(..offset)?;
    let line = &head[head.rfind('\n').map_or(0, |i| i + 1)..];
    let key = line.trim_end().strip_suffix('=')?.trim_end();
    let key = key.rsplit(['{', ',']).next()?.trim();
    (!key.is_empty()).then(|| key.to_owned())
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
    fn type_errors_name_the_key_and_never_the_value() {
        let m = without_value(
            "invalid type: integer `98765`, expected a string",
            Some("client_secret"),
        )
        .unwrap();
        assert_eq!(m, "`client_secret` should be a string, not an integer");
        let m = without_value(
            "profiles[0].auth.clientSecret: invalid type: integer `98765`, expected a string",
            None,
        )
        .unwrap();
        assert_eq!(
            m,
            "`profiles[0].auth.clientSecret` should be a string, not an integer"
        );
        let m = without_value("invalid value: string \"hunter2\", expected u8", None).unwrap();
        assert!(!m.contains("hunter2"), "{m}");
        assert_eq!(without_value("missing field `uri`", None), None);
    }

    #[test]
    fn the_key_is_read_before_the_value() {
        let text = "[profiles.x]\nclient_secret = 98765\nlogin = { scopes = 5 }\n";
        let at = text.find("98765").unwrap();
        assert_eq!(toml_key_before(text, at).as_deref(), Some("client_secret"));
        let at = text.rfind('5').unwrap();
        assert_eq!(toml_key_before(text, at).as_deref(), Some("scopes"));
        assert_eq!(toml_key_before(text, 0), None);
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
