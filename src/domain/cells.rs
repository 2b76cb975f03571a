//! Text measured as a terminal shows it: in display cells over grapheme clusters. A CJK
//! character takes two cells, a combining accent none, and an emoji with its modifiers is one
//! grapheme that is never split. Every cut and every pad of text on screen (the TUI's panes,
//! the CLI's tables) goes through here, so that columns line up and a cut is always visible.
//!
//! These functions measure; they do not sanitise. Server text goes through
//! [`crate::domain::sanitize`] first.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The mark of a cut.
pub const ELLIPSIS: &str = "…";

/// Display cells of `s`, grapheme by grapheme as ratatui's buffer counts them, so that what is
/// measured here is what is drawn.
pub fn width(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// `s` cut to at most `max` display cells, the cut marked with `…` (one cell) and never in
/// the middle of a grapheme. Text that fits is returned as it is.
pub fn cut(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let (head, _) = take(s, max - 1);
    let mut out = String::with_capacity(head.len() + ELLIPSIS.len());
    out.push_str(head);
    out.push_str(ELLIPSIS);
    out
}

/// `s` padded with spaces to `cells` display cells; text already wider is returned whole
/// (a pad never cuts: callers that must fit call [`fit`]).
pub fn pad(s: &str, cells: usize) -> String {
    let w = width(s);
    let mut out = String::with_capacity(s.len() + cells.saturating_sub(w));
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    out
}

/// `s` in exactly `cells` display cells: cut with `…` when longer, padded when shorter. A
/// wide character that would straddle the edge leaves a space instead.
pub fn fit(s: &str, cells: usize) -> String {
    pad(&cut(s, cells), cells)
}

/// The longest prefix of `s` that takes at most `max` cells, whole graphemes only, and its
/// width.
fn take(s: &str, max: usize) -> (&str, usize) {
    let mut used = 0;
    let mut end = 0;
    for (at, g) in s.grapheme_indices(true) {
        let w = g.width();
        if used + w > max {
            break;
        }
        used += w;
        end = at + g.len();
    }
    (&s[..end], used)
}

/// `s` broken into lines of at most `max` cells, nothing left out. A line breaks after the
/// last `.`, `/`, `-`, `_` or space that fits (scope names and URIs read best broken there),
/// else between graphemes. A grapheme wider than `max` gets a line of its own.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut rest = s;
    while width(rest) > max {
        let (head, _) = take(rest, max);
        let head = if head.is_empty() {
            // One grapheme wider than the line: it goes whole.
            rest.graphemes(true).next().unwrap_or(rest)
        } else {
            // A break point early in the line would waste most of it: then between
            // graphemes instead.
            match head.rfind(['.', '/', '-', '_', ' ']) {
                Some(at) if at > 0 && width(&head[..at + 1]) * 2 >= max => &head[..at + 1],
                _ => head,
            }
        };
        lines.push(head.to_owned());
        rest = &rest[head.len()..];
    }
    if !rest.is_empty() || lines.is_empty() {
        lines.push(rest.to_owned());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_segmentation::UnicodeSegmentation;

    const SAMPLES: &[&str] = &[
        "Invoice Processing Bot",
        "経費精算ボット",
        "财务报表同步",
        "Überweisungsprüfung Größe",
        // e + combining acute, a family emoji (ZWJ sequence), a flag, a skin tone.
        "Cafe\u{301} 👩\u{200d}👩\u{200d}👧 🇯🇵 👍🏽 Bot",
        "",
    ];

    #[test]
    fn width_counts_cells_not_chars() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("経費"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("Größe"), 5);
    }

    #[test]
    fn cut_is_exactly_the_width_asked_and_marks_the_cut() {
        for s in SAMPLES {
            for max in 0..=width(s) + 2 {
                let c = cut(s, max);
                if width(s) <= max {
                    assert_eq!(&c, s);
                    continue;
                }
                assert!(max == 0 || c.ends_with(ELLIPSIS), "{s:?} {max} {c:?}");
                assert!(width(&c) <= max, "{s:?} {max} {c:?}");
                // Short of `max` only where a wide grapheme would straddle the edge.
                assert!(width(&c) + 1 >= max, "{s:?} {max} {c:?}");
                assert_eq!(width(&fit(s, max)), max, "{s:?} {max}");
            }
        }
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("経費精算ボット", 5), "経費…");
        assert_eq!(fit("経費精算ボット", 6), "経費… ");
        assert_eq!(fit("ab", 4), "ab  ");
    }

    #[test]
    fn cut_never_splits_a_grapheme() {
        for s in SAMPLES {
            let graphemes: Vec<&str> = s.graphemes(true).collect();
            for max in 1..=width(s) {
                let c = cut(s, max);
                let kept = c.strip_suffix(ELLIPSIS).unwrap_or(&c);
                let got: Vec<&str> = kept.graphemes(true).collect();
                assert_eq!(got[..], graphemes[..got.len()], "{s:?} {max} {c:?}");
            }
        }
        // The accent stays with its letter: a cut after "Cafe" would drop it.
        assert_eq!(cut("Cafe\u{301}!", 5), "Cafe\u{301}!");
        assert_eq!(cut("Cafe\u{301}!!", 5), "Cafe\u{301}…");
        assert_eq!(cut("ab👩\u{200d}👩\u{200d}👧cd", 4), "ab…");
    }

    #[test]
    fn pad_lines_up_by_display_width() {
        for s in SAMPLES {
            assert_eq!(width(&pad(s, 40)), 40, "{s:?}");
        }
        assert_eq!(pad("toolong", 3), "toolong");
    }

    #[test]
    fn wrap_keeps_every_grapheme_and_fits() {
        for s in SAMPLES.iter().chain(&["TM.CustomFieldDefinitions.Write"]) {
            for max in 1..=width(s) + 1 {
                let lines = wrap(s, max);
                assert_eq!(lines.concat(), *s, "{max}");
                for l in &lines {
                    assert!(width(l) <= max.max(2), "{s:?} {max} {l:?}");
                }
            }
        }
        assert_eq!(
            wrap("TM.CustomFieldDefinitions.Write", 28),
            ["TM.CustomFieldDefinitions.", "Write"]
        );
        assert_eq!(
            wrap("TM.CustomFieldDefinitions.Write", 21),
            ["TM.CustomFieldDefinit", "ions.Write"]
        );
    }
}
