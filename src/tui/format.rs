//! How times are written on screen: short, sortable by eye, readable without colour.

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

/// How close an expiry is; drives the colour, while the text always says the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Expired,
    /// Within 7 days.
    Soon,
    /// Within 30 days.
    Near,
    Later,
    Never,
    /// The app has no secret at all (public apps).
    NoSecret,
}

pub fn urgency(expiry: Option<Timestamp>, now: Timestamp) -> Urgency {
    match expiry {
        None => Urgency::Never,
        Some(t) => {
            let left = t.duration_since(now);
            if left <= SignedDuration::ZERO {
                Urgency::Expired
            } else if left < SignedDuration::from_hours(24 * 7) {
                Urgency::Soon
            } else if left < SignedDuration::from_hours(24 * 30) {
                Urgency::Near
            } else {
                Urgency::Later
            }
        }
    }
}

/// `EXPIRED`, `5h`, `3d`, `5w`, `2y`, `never`.
pub fn time_left(expiry: Option<Timestamp>, now: Timestamp) -> String {
    match expiry {
        None => "never".to_owned(),
        Some(t) => {
            let secs = t.duration_since(now).as_secs();
            if secs <= 0 {
                "EXPIRED".to_owned()
            } else {
                compact(secs)
            }
        }
    }
}

/// A positive duration in one unit: `45s`, `12m`, `5h`, `3d`, `5w`, `2y`.
pub fn compact(secs: i64) -> String {
    const MIN: i64 = 60;
    const HOUR: i64 = 60 * MIN;
    const DAY: i64 = 24 * HOUR;
    match secs {
        s if s < MIN => format!("{s}s"),
        s if s < HOUR => format!("{}m", s / MIN),
        s if s < DAY => format!("{}h", s / HOUR),
        s if s < 28 * DAY => format!("{}d", s / DAY),
        s if s < 365 * DAY => format!("{}w", s / (7 * DAY)),
        s => format!("{}y", s / (365 * DAY)),
    }
}

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
    fn time_left_reads_without_colour() {
        let now: Timestamp = "2025-06-02T09:00:00Z".parse().unwrap();
        let at = |h: i64| Some(now + SignedDuration::from_hours(h));
        assert_eq!(time_left(at(-1), now), "EXPIRED");
        assert_eq!(time_left(at(5), now), "5h");
        assert_eq!(time_left(at(72), now), "3d");
        assert_eq!(time_left(at(24 * 35), now), "5w");
        assert_eq!(time_left(None, now), "never");
        assert_eq!(urgency(at(72), now), Urgency::Soon);
        assert_eq!(urgency(at(24 * 20), now), Urgency::Near);
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
