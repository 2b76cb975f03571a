//! How times are written on screen: short, sortable by eye, readable without colour.

use std::borrow::Cow;

use crate::domain::cells;
use jiff::{Timestamp, tz::TimeZone};

// One definition of expiry wording for the CLI and the TUI.
pub use crate::domain::expiry::{Urgency, badge as time_left, urgency};

/// `3m ago`, `just now`.
pub fn ago(then: Timestamp, now: Timestamp) -> String {
    let secs = now.duration_since(then).as_secs();
    if secs < 5 {
        "just now".to_owned()
    } else {
        format!(
            "{} ago",
            crate::domain::duration::format(secs, crate::domain::duration::Style::Badge)
        )
    }
}

pub fn date(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%Y-%m-%d").to_string()
}

pub fn clock(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%H:%M:%S").to_string()
}

/// Server text for a span. ratatui drops a grapheme holding a C0 or C1 control, so an ESC
/// would vanish without a trace, and it passes bidi overrides through to the terminal:
/// shown through the one sanitiser instead, they are visible and inert.
pub fn clean(s: &str) -> Cow<'_, str> {
    crate::domain::sanitize(s)
}

/// `clean(s)` as an owned string, for spans built from borrowed text.
pub fn owned(s: &str) -> String {
    clean(s).into_owned()
}

/// Display cells, not chars: a CJK character takes two, a combining mark none.
pub fn width(s: &str) -> usize {
    cells::width(s)
}

/// `s` followed by spaces up to `width` display cells (`{:<w$}` counts chars).
pub fn pad(s: &str, width: usize) -> String {
    cells::pad(s, width)
}

/// Cuts server text to `width` display cells, sanitised, marking the cut with `…` and never
/// splitting a grapheme.
pub fn truncate(s: &str, width: usize) -> String {
    cells::cut(&clean(s), width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }

    #[test]
    fn truncate_counts_display_cells_and_sanitises() {
        assert_eq!(truncate("東京都庁", 5), "東京…");
        assert_eq!(width(&truncate("東京都庁", 5)), 5);
        assert_eq!(truncate("a\u{1b}]0;x\u{7}", 20), "a␛]0;x␇");
        assert!(!truncate("\u{202e}abcdef", 4).contains('\u{202e}'));
    }
}
