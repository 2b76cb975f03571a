//! The typed answer of a dangerous confirmation ("type the app's name"): what is shown to be
//! typed, and when what was typed counts. Names come from the server and may hold tabs,
//! newlines or decomposed accents that no keyboard reproduces byte for byte, so both sides
//! are compared folded; the client id is the other accepted answer, for names nobody can type.

use unicode_normalization::UnicodeNormalization;

/// `text` as the user can type it: NFC, every run of whitespace or control characters one
/// space, trimmed. Also how the name is shown in the question, so what is shown is what
/// matches (and a control character in a hostile name never reaches the terminal).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.nfc() {
        if c.is_whitespace() || c.is_control() {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        out.push(c);
    }
    out
}

/// Whether `typed` names the app: its folded name, or exactly its client id.
pub fn matches(typed: &str, name: &str, client_id: &str) -> bool {
    let typed = fold(typed);
    !typed.is_empty() && (typed == fold(name) || typed == client_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0b9f6c1e-2f4d-4c55-9d1a-8e7f6a5b4c3d";

    #[test]
    fn a_tab_in_the_name_is_typed_as_a_space() {
        assert!(matches("Tab here", "Tab\there", ID));
        assert!(matches("Line one line two", "Line one\nline two", ID));
        assert!(matches("  spaced   out ", "spaced\t\r\n out", ID));
        assert!(!matches("Tabhere", "Tab\there", ID));
    }

    #[test]
    fn a_composed_accent_matches_a_decomposed_name() {
        assert!(matches("Café", "Cafe\u{301}", ID));
        assert!(matches("Cafe\u{301}", "Café", ID));
        assert!(!matches("Cafe", "Cafe\u{301}", ID));
    }

    #[test]
    fn the_client_id_is_the_other_answer() {
        assert!(matches(ID, "\u{1b}[31mno one can type this", ID));
        assert!(matches(&format!(" {ID} "), "x", ID));
        assert!(!matches(&ID[..8], "x", ID));
    }

    #[test]
    fn case_still_counts_and_nothing_typed_never_matches() {
        assert!(!matches("tab here", "Tab\there", ID));
        assert!(!matches("", "\t", ID));
        assert!(!matches("", "", ""));
    }

    #[test]
    fn what_is_shown_has_no_control_characters() {
        assert_eq!(fold("Tab\there"), "Tab here");
        assert_eq!(fold("Cafe\u{301}"), "Café");
        assert_eq!(fold("a\u{1b}[31mb"), "a [31mb");
    }
}
