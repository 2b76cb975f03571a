//! How times are written on screen: short, sortable by eye, readable without colour.

use jiff::{Timestamp, tz::TimeZone};

// One definition of expiry wording for the CLI and the TUI.
pub use crate::expiry::{Urgency, badge as time_left, span as compact, urgency};

/// `3m ago`, `just now`.
pub fn ago(then: Timestamp, now: Timestamp) -> String {
    let secs = now.duration_since(then).as_secs();
    if secs < 5 {
        "just now".to_owned()
    } else {
        format!("{} ago", compact(secs))
    }
}

pub fn date(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%Y-%m-%d").to_string()
}

pub fn clock(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%H:%M:%S").to_string()
}

/// Cuts `s` to `width` characters, marking the cut with `…`.
pub fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
