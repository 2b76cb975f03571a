//! Lengths of time as text: the one formatter behind expiry badges, countdowns and settings,
//! and the parser for durations as users type them (`30m`, `48h`, `7d`, `2w`, `3mo`, `1y`),
//! which reads back what `format(_, Style::Exact)` writes.

use jiff::SignedDuration;

/// How a length of time is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// One unit, rounded to the nearest, coarser as it grows, for badges and ages: `45s`,
    /// `45m`, `20h` (below two days), `90d` (below 14 weeks), `51w` (below 100 weeks), then
    /// years with at most one decimal (`1.9y`, `2y`). From five days on a badge is never more
    /// than 10% off, and no unit is ambiguous (no months: `m` is minutes).
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
const YEAR: i64 = 365 * DAY;

/// `secs` seconds written in `style`.
pub fn format(secs: i64, style: Style) -> String {
    match style {
        Style::Badge => badge(secs),
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

/// `secs / per`, rounded half up (negative lengths round towards zero like positive ones).
fn rounded(secs: i64, per: i64) -> i64 {
    let whole = secs.unsigned_abs().saturating_add(per.unsigned_abs() / 2) / per.unsigned_abs();
    let whole = i64::try_from(whole).unwrap_or(i64::MAX);
    if secs < 0 { -whole } else { whole }
}

/// The badge rule: the first unit whose rounded count stays below its limit. Rounding to the
/// nearest (not down) is what makes a 90-day secret read `90d` a second after it was made;
/// each limit is where the next unit takes over without the badge going down (`97d`, `14w`).
fn badge(secs: i64) -> String {
    if secs.abs() < MIN {
        return format!("{secs}s");
    }
    for (unit, per, below) in [
        ("m", MIN, 60),
        ("h", HOUR, 48),
        ("d", DAY, 98),
        ("w", WEEK, 100),
    ] {
        let n = rounded(secs, per);
        if n.abs() < below {
            return format!("{n}{unit}");
        }
    }
    // Tenths of a year: `1.9y` for 700 days, `2y` for 729 (never `1y`).
    let tenths = rounded(secs, YEAR / 10);
    if tenths % 10 == 0 {
        format!("{}y", tenths / 10)
    } else {
        format!("{}.{}y", tenths / 10, (tenths % 10).abs())
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
        assert_eq!(f(35 * DAY), "35d");
        assert_eq!(f(200 * DAY), "29w");
        assert_eq!(f(1000 * DAY), "2.7y");
    }

    #[test]
    fn badge_units_change_where_the_count_would_reach_its_limit() {
        let f = |s| format(s, Style::Badge);
        for (secs, text) in [
            (59, "59s"),
            (60, "1m"),
            (59 * MIN + 29, "59m"),
            (59 * MIN + 30, "1h"),
            (47 * HOUR + 29 * MIN, "47h"),
            (47 * HOUR + 30 * MIN, "2d"),
            (97 * DAY + 11 * HOUR, "97d"),
            (97 * DAY + 12 * HOUR, "14w"),
            (99 * WEEK + 3 * DAY, "99w"),
            (99 * WEEK + 4 * DAY, "1.9y"),
            (730 * DAY, "2y"),
            (100 * YEAR, "100y"),
        ] {
            assert_eq!(f(secs), text, "{secs}");
        }
    }

    #[test]
    fn the_presets_read_as_chosen() {
        let f = |s| format(s, Style::Badge);
        // A second, or half a day, after a 90-day secret was made: still `90d`.
        assert_eq!(f(90 * DAY), "90d");
        assert_eq!(f(90 * DAY - 1), "90d");
        assert_eq!(f(90 * DAY - 11 * HOUR), "90d");
        assert_eq!(f(30 * DAY - 5), "30d");
        assert_eq!(f(180 * DAY - 5), "26w");
        assert_eq!(f(365 * DAY - 5), "52w");
        // Two years less a day is two years, never one.
        assert_eq!(f(729 * DAY), "2y");
        assert_eq!(f(700 * DAY), "1.9y");
        assert_eq!(f(547 * DAY), "78w");
    }

    /// The value a badge stands for, in seconds.
    fn read_back(text: &str) -> f64 {
        let split = text.find(|c: char| c.is_ascii_alphabetic()).unwrap();
        let (n, unit) = text.split_at(split);
        let n: f64 = n.parse().unwrap();
        let per = match unit {
            "s" => 1,
            "m" => MIN,
            "h" => HOUR,
            "d" => DAY,
            "w" => WEEK,
            "y" => YEAR,
            other => panic!("unit {other}"),
        };
        n * per as f64
    }

    proptest::proptest! {
        #[test]
        fn badges_are_never_more_than_a_tenth_off_from_five_days(secs in 5 * DAY..=MAX.as_secs()) {
            let text = format(secs, Style::Badge);
            let off = (read_back(&text) - secs as f64).abs() / secs as f64;
            proptest::prop_assert!(off <= 0.1, "{secs}s shown as {text}: {off:.3} off");
        }

        #[test]
        fn badges_never_go_down_as_time_grows(secs in 0..MAX.as_secs(), step in 1i64..400 * DAY) {
            let (a, b) = (format(secs, Style::Badge), format(secs + step, Style::Badge));
            proptest::prop_assert!(read_back(&a) <= read_back(&b), "{a} then {b}");
        }
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
