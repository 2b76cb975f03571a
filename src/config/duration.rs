//! Short human durations as users type them: `30m`, `48h`, `7d`, `2w`, `3mo`, `1y`. They are
//! written back with `domain::duration::format(_, Style::Exact)`, which `parse` reads again.

use jiff::SignedDuration;

use crate::domain::duration::{Style, format};

/// The longest duration accepted: a century covers any real expiry or warning window, and
/// keeps "now + duration" far inside the dates a timestamp can hold (years up to 9999).
pub const MAX: SignedDuration = SignedDuration::from_secs(100 * 365 * 86_400);

/// Parses `<number><unit>` with unit `s`, `m`, `h`, `d`, `w`, `mo` (30 days) or `y` (365
/// days), at most [`MAX`]. A bare number is refused: minutes and months are too easy to
/// confuse.
pub fn parse(text: &str) -> Result<SignedDuration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let too_long = || {
        format!(
            "`{t}` is too long; the longest duration is {}",
            format(MAX.as_secs(), Style::Exact)
        )
    };
    if digits.is_empty() {
        return Err(format!(
            "`{text}` is not a duration; write a number and a unit, like 30m, 48h, 7d, 2w or 1y"
        ));
    }
    // More digits than an i64 holds is still a number, just a far too large one.
    let n: i64 = digits.parse().map_err(|_| too_long())?;
    let secs_per = match unit.trim() {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        "mo" => 30 * 86_400,
        "y" => 365 * 86_400,
        "" => {
            return Err(format!(
                "`{text}` has no unit; write 30m, 48h, 7d, 2w or 1y"
            ));
        }
        other => {
            return Err(format!(
                "`{other}` in `{text}` is not a unit; use s, m, h, d, w, mo or y"
            ));
        }
    };
    n.checked_mul(secs_per)
        .map(SignedDuration::from_secs)
        .filter(|d| *d <= MAX)
        .ok_or_else(too_long)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        for (t, secs) in [
            ("30m", 1800),
            ("48h", 172_800),
            ("7d", 604_800),
            ("2w", 1_209_600),
            ("1y", 31_536_000),
            ("3mo", 7_776_000),
            ("45s", 45),
        ] {
            assert_eq!(parse(t).unwrap().as_secs(), secs, "{t}");
        }
        assert!(parse("7").unwrap_err().contains("no unit"));
        assert!(parse("7x").unwrap_err().contains("not a unit"));
        assert!(parse("d").unwrap_err().contains("not a duration"));
        assert_eq!(format(parse("14d").unwrap().as_secs(), Style::Exact), "2w");
        assert_eq!(format(parse("90m").unwrap().as_secs(), Style::Exact), "90m");
    }

    #[test]
    fn a_century_is_the_most() {
        assert_eq!(parse("100y").unwrap(), MAX);
        assert_eq!(parse("36500d").unwrap(), MAX);
        for t in [
            "101y",
            "8000y",
            "36501d",
            "99999999999999999999999s",
            "9223372036854775807y",
        ] {
            let e = parse(t).unwrap_err();
            assert!(e.contains("the longest duration is 100y"), "{t}: {e}");
        }
        // A century from now is a date a timestamp holds (until the year 9899).
        assert!(jiff::Timestamp::now().checked_add(MAX).is_ok());
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics_and_stays_in_range(text in "\\PC{0,24}") {
            if let Ok(d) = parse(&text) {
                proptest::prop_assert!(d >= SignedDuration::ZERO && d <= MAX);
            }
        }

        #[test]
        fn numbers_with_units_never_panic(n in proptest::num::u64::ANY, unit in "(s|m|min|h|d|w|mo|y)") {
            let text = format!("{n}{unit}");
            if let Ok(d) = parse(&text) {
                proptest::prop_assert!(d <= MAX);
            }
        }
    }

    #[test]
    fn spaces_and_min_are_read() {
        assert_eq!(parse(" 5min ").unwrap().as_secs(), 300);
        assert_eq!(parse("2 h").unwrap().as_secs(), 7_200);
        assert_eq!(parse("0s").unwrap().as_secs(), 0);
    }

    #[test]
    fn format_picks_the_largest_even_unit() {
        for (secs, text) in [
            (0, "0s"),
            (45, "45s"),
            (61, "61s"),
            (120, "2m"),
            (7_200, "2h"),
            (90_000, "25h"),
            (172_800, "2d"),
            (1_209_600, "2w"),
            (2_592_000, "30d"),
            (63_072_000, "2y"),
        ] {
            assert_eq!(format(SignedDuration::from_secs(secs)), text, "{secs}");
        }
    }
}
