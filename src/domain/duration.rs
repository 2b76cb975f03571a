//! Lengths of time as text: the one formatter behind expiry badges, countdowns and settings,
//! and the parser for durations as users type them (`30m`, `48h`, `7d`, `2w`, `3mo`, `1y`),
//! which reads back what `format(_, Style::Exact)` writes.

use jiff::SignedDuration;

/// How a length of time is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// One unit, rounded down and coarser as it grows, for badges and ages: `45s`, `45m`,
    /// `20h` (up to two days), `3d`, `5w`, `7mo`, `2y`.
    Badge,
    /// The two largest units, for countdowns and token lifetimes: `45s`, `59m 12s`, `3h 5m`,
    /// `12d 4h`. Negative lengths read as `0s`.
    TwoUnits,
    /// The largest unit that divides evenly, as `parse` reads it back:
    /// `90m`, `2w`, `1y`, `100s`.
    Exact,
}

const MIN: i64 = 60;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
const WEEK: i64 = 7 * DAY;
const MONTH: i64 = 30 * DAY;
const YEAR: i64 = 365 * DAY;

/// `secs` seconds written in `style`.
pub fn format(secs: i64, style: Style) -> String {
    match style {
        Style::Badge => match secs {
            s if s < MIN => format!("{s}s"),
            s if s < HOUR => format!("{}m", s / MIN),
            s if s < 2 * DAY => format!("{}h", s / HOUR),
            s if s < 14 * DAY => format!("{}d", s / DAY),
            s if s < 70 * DAY => format!("{}w", s / WEEK),
            s if s < 548 * DAY => format!("{}mo", s / MONTH),
            s => format!("{}y", s / YEAR),
        },
        Style::TwoUnits => {
            let s = secs.max(0);
            let (d, h, m, s) = (s / DAY, s % DAY / HOUR, s % HOUR / MIN, s % MIN);
            match (d, h, m) {
                (0, 0, 0) => format!("{s}s"),
                (0, 0, _) => format!("{m}m {s}s"),
                (0, _, _) => format!("{h}h {m}m"),
                _ => format!("{d}d {h}h"),
            }
        }
        Style::Exact => [
            ("y", YEAR),
            ("w", WEEK),
            ("d", DAY),
            ("h", HOUR),
            ("m", MIN),
        ]
        .into_iter()
        .find(|&(_, per)| secs != 0 && secs % per == 0)
        .map_or_else(
            || format!("{secs}s"),
            |(unit, per)| format!("{}{unit}", secs / per),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_pick_one_coarse_unit() {
        let f = |s| format(s, Style::Badge);
        assert_eq!(f(30), "30s");
        assert_eq!(f(45 * MIN), "45m");
        assert_eq!(f(47 * HOUR), "47h");
        assert_eq!(f(3 * DAY + 2 * HOUR), "3d");
        assert_eq!(f(35 * DAY), "5w");
        assert_eq!(f(200 * DAY), "6mo");
        assert_eq!(f(1000 * DAY), "2y");
    }

    #[test]
    fn countdowns_show_two_units() {
        let f = |s| format(s, Style::TwoUnits);
        assert_eq!(f(45), "45s");
        assert_eq!(f(3552), "59m 12s");
        assert_eq!(f(3 * HOUR + 5 * MIN), "3h 5m");
        assert_eq!(f(12 * DAY + 4 * HOUR), "12d 4h");
        assert_eq!(f(-5), "0s");
    }

    #[test]
    fn settings_use_the_largest_even_unit() {
        let f = |s| format(s, Style::Exact);
        assert_eq!(f(14 * DAY), "2w");
        assert_eq!(f(90 * MIN), "90m");
        assert_eq!(f(100 * YEAR), "100y");
        assert_eq!(f(100), "100s");
        assert_eq!(f(0), "0s");
    }
}

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
mod parse_tests {
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
            assert_eq!(format(secs, Style::Exact), text, "{secs}");
        }
    }
}
