//! Lengths of time as text: the one formatter behind expiry badges, countdowns and settings.
//! Each place keeps its own look, chosen by [`Style`], so what users see does not change.

/// How a length of time is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// One unit, rounded down and coarser as it grows, for badges and ages: `45s`, `45m`,
    /// `20h` (up to two days), `3d`, `5w`, `7mo`, `2y`.
    Badge,
    /// The two largest units, for countdowns and token lifetimes: `45s`, `59m 12s`, `3h 5m`,
    /// `12d 4h`. Negative lengths read as `0s`.
    TwoUnits,
    /// The largest unit that divides evenly, as `config::duration::parse` reads it back:
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
