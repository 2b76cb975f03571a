//! Server text made safe for a terminal or a spreadsheet.
//!
//! Names, descriptions, URIs and error messages come from the server, and anyone who can
//! create an app writes them. Printed raw, an ESC sequence in a name can set an admin's
//! clipboard (OSC 52) or window title, a newline can forge a table row, and a bidi override
//! can make one name read as another. Everything the program prints from the server goes
//! through [`sanitize`], which shows such characters instead of emitting them.

use std::borrow::Cow;

/// `s` with every control character (C0, DEL, C1) and every bidi or invisible formatting
/// character replaced by visible text: C0 by its control picture (`␛`, `␊`, `␉`), DEL by
/// `␡`, the rest by `<U+XXXX>`. Clean text, nearly all of it, is returned borrowed.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    match first_unsafe(s.as_bytes()) {
        None => Cow::Borrowed(s),
        Some(at) => Cow::Owned(rewrite(s, at)),
    }
}

/// A message as it may be shown to a person (stderr, a toast): passwords in URIs hidden, then
/// [`sanitize_lines`]. Every message that may quote a URI or server text goes through here.
pub fn shown_message(text: &str) -> String {
    let hidden = crate::redact::userinfo(text);
    sanitize_lines(&hidden).into_owned()
}

/// [`sanitize`] for a message extapps wrote itself around server text: its own line breaks
/// stay line breaks, everything else unsafe is shown.
pub fn sanitize_lines(s: &str) -> Cow<'_, str> {
    if s.split('\n').all(|l| first_unsafe(l.as_bytes()).is_none()) {
        return Cow::Borrowed(s);
    }
    let lines: Vec<Cow<'_, str>> = s.split('\n').map(sanitize).collect();
    Cow::Owned(lines.join("\n"))
}

/// One CSV cell (RFC 4180) for text that may come from the server: sanitised, quoted when it
/// holds a comma or a quote, and prefixed with `'` when a spreadsheet would read it as a
/// formula (`=`, `+`, `-`, `@`, TAB or CR first).
pub fn csv_cell(s: &str) -> String {
    let clean = sanitize(s);
    let formula = clean.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = clean.contains([',', '"']);
    let mut out = String::with_capacity(clean.len() + 3);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quote {
        out.push_str(&clean.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&clean);
    }
    out
}

/// JSON text as serde_json writes it, with DEL, C1 and the bidi and invisible formatting
/// characters written as `\uXXXX` escapes too. serde_json escapes only C0, so those would
/// reach a terminal raw from `--json`; the escaped text decodes to the same values.
pub fn json_text(json: String) -> String {
    match json_escaped(&json) {
        Cow::Borrowed(_) => json,
        Cow::Owned(escaped) => escaped,
    }
}

/// [`json_text`] for a piece of JSON text (a string's contents as serde_json writes them), for
/// JSON written as it is produced. Clean text, nearly all of it, is returned borrowed.
pub fn json_escaped(json: &str) -> Cow<'_, str> {
    // Every character in question is at or above DEL: ASCII below it passes untouched. Two
    // vectorised scans settle the common case: plain ASCII without DEL.
    if json.is_ascii() && memchr::memchr(0x7f, json.as_bytes()).is_none() {
        return Cow::Borrowed(json);
    }
    let Some(first) = json.bytes().position(|b| b >= 0x7f) else {
        return Cow::Borrowed(json);
    };
    if !json[first..].chars().any(|c| c >= '\u{7f}' && is_unsafe(c)) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    out.push_str(&json[..first]);
    for c in json[first..].chars() {
        // C0 outside strings is the layout's whitespace; inside strings serde escaped it.
        if c >= '\u{7f}' && is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The offset of the first byte that starts an unsafe character. A byte scan: this runs on
/// every name of a 10,000-app list, every frame. Valid UTF-8 never has a lead byte in a
/// continuation position, so testing lead bytes one at a time cannot misfire.
fn first_unsafe(b: &[u8]) -> Option<usize> {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    b.iter().enumerate().position(|(i, &c)| match c {
        0x00..=0x1f | 0x7f => true,
        // U+0080..U+009F (C1).
        0xc2 => matches!(at(i + 1), 0x80..=0x9f),
        // U+061C ARABIC LETTER MARK.
        0xd8 => at(i + 1) == 0x9c,
        0xe2 => match at(i + 1) {
            // U+200B..U+200F (zero-width, LRM, RLM), U+2028/U+2029 (line and paragraph
            // separators), U+202A..U+202E (embeddings and overrides).
            0x80 => matches!(at(i + 2), 0x8b..=0x8f | 0xa8..=0xae),
            // U+2060..U+2069 (word joiner, invisible operators, isolates).
            0x81 => matches!(at(i + 2), 0xa0..=0xa9),
            _ => false,
        },
        // U+FEFF (zero-width no-break space, byte order mark).
        0xef => at(i + 1) == 0xbb && at(i + 2) == 0xbf,
        _ => false,
    })
}

/// The characters `first_unsafe` stops at, as characters.
fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{feff}')
}

fn rewrite(s: &str, clean_up_to: usize) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str(&s[..clean_up_to]);
    for c in s[clean_up_to..].chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x20 {
            // The Control Pictures block mirrors C0 in order: U+2400 + code.
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'));
        } else if c == '\u{7f}' {
            out.push('\u{2421}');
        } else {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn clean_text_is_borrowed() {
        for s in ["", "Payroll sync", "Zürich → 東京 ✓ 🚀", "a,b\"c", "=1+2"] {
            assert!(matches!(sanitize(s), Cow::Borrowed(t) if t == s), "{s:?}");
        }
    }

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(
            sanitize("x\u{1b}]52;c;aGVsbG8=\u{7}y"),
            "x␛]52;c;aGVsbG8=␇y"
        );
        assert_eq!(sanitize("a\nb\tc\rd\0"), "a␊b␉c␍d␀");
        assert_eq!(sanitize("del\u{7f}"), "del␡");
        assert_eq!(sanitize("csi\u{9b}31m"), "csi<U+009B>31m");
        assert_eq!(sanitize("abc\u{202e}gpj.exe"), "abc<U+202E>gpj.exe");
        assert_eq!(
            sanitize("\u{feff}\u{200b}\u{2066}\u{61c}\u{2028}"),
            "<U+FEFF><U+200B><U+2066><U+061C><U+2028>"
        );
    }

    #[test]
    fn neighbours_of_unsafe_characters_stay() {
        // Same lead bytes as unsafe characters, but printable.
        for s in [
            "\u{a0}\u{a9}",
            "\u{2010}\u{2030}\u{2070}",
            "\u{600}\u{fefe}\u{ff01}",
        ] {
            assert!(matches!(sanitize(s), Cow::Borrowed(_)), "{s:?}");
        }
    }

    #[test]
    fn sanitize_lines_keeps_line_breaks_only() {
        assert_eq!(sanitize_lines("a\nb\u{1b}c\r\n"), "a\nb␛c␍\n");
        assert!(matches!(sanitize_lines("a\nb"), Cow::Borrowed("a\nb")));
    }

    #[test]
    fn csv_cells_neither_break_rows_nor_run_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("a\nb"), "a␊b");
        assert_eq!(csv_cell("=1+2"), "'=1+2");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_cell("\tx"), "␉x");
    }

    /// Any text, or text drawn from the neighbourhoods of the unsafe characters, where an
    /// off-by-one in the byte scan would show.
    fn hostile() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[\\x{0}-\\x{a0}\\x{600}-\\x{620}\\x{2000}-\\x{2070}\\x{fef0}-\\x{ff00}a-z]{0,40}",
        ]
    }

    #[test]
    fn json_text_escapes_what_serde_leaves_raw() {
        let v = serde_json::json!({"name": "a\u{1b}b\u{9b}c\u{202e}d\u{7f}"});
        let text = json_text(serde_json::to_string_pretty(&v).unwrap());
        assert!(
            !text.contains(['\u{1b}', '\u{9b}', '\u{202e}', '\u{7f}']),
            "{text}"
        );
        assert!(
            text.contains("\\u001b") && text.contains("\\u202e"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    proptest! {
        #[test]
        fn output_never_holds_an_unsafe_character(s in hostile()) {
            let out = sanitize(&s);
            prop_assert!(!out.chars().any(is_unsafe), "{:?}", out);
            prop_assert!(first_unsafe(out.as_bytes()).is_none(), "{:?}", out);
        }

        #[test]
        fn scan_and_character_test_agree(s in hostile()) {
            let by_bytes = first_unsafe(s.as_bytes());
            let by_chars = s.char_indices().find(|(_, c)| is_unsafe(*c)).map(|(i, _)| i);
            prop_assert_eq!(by_bytes, by_chars);
        }

        #[test]
        fn clean_input_comes_back_borrowed_and_unchanged(
            s in "[a-zA-Z0-9 ._:/,=+@\u{e9}\u{4e2d}\u{1f680}\u{2010}-\u{2027}]{0,40}"
        ) {
            prop_assert!(matches!(sanitize(&s), Cow::Borrowed(t) if t == s));
        }
    }

    #[test]
    fn mutation_survivors_pinned_down() {
        // Alone, so the byte scan (not the rewrite after an earlier hit) must find it.
        assert_eq!(sanitize("a\u{61c}b"), "a<U+061C>b");
        // Compact JSON has no layout whitespace, so only the C1 character sends it to the loop.
        assert_eq!(json_text("\"a\u{9b}\"".to_owned()), "\"a\\u009b\"");
        assert_eq!(
            shown_message("see https://u:pw@h/x\n\u{1b}]0;t"),
            "see https://***@h/x\n␛]0;t"
        );
    }

    #[test]
    fn json_text_escapes_del_in_plain_ascii_and_leaves_the_rest() {
        assert_eq!(json_escaped("plain ascii, no DEL"), "plain ascii, no DEL");
        assert_eq!(json_escaped("a\u{7f}b"), "a\\u007fb");
        assert_eq!(json_escaped("é\u{202e}x"), "é\\u202ex");
    }
}
