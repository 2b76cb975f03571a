//! How long until a secret expires, as the short text badges show (`3d`, `5w`, `never`, and
//! `expired 200d` for one that has), which secret an app cannot lose, and the expiry dates
//! users type. Text first: state is never shown by colour alone. The state of an app as a
//! whole is `secret_state`'s.

use jiff::{SignedDuration, Timestamp, civil::Date, tz::TimeZone};

use crate::api::model::{App, Secret};

/// How urgent an expiry is; views pick colours from this, the text stands on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Expired,
    /// Within 7 days.
    Soon,
    /// Within 30 days.
    Upcoming,
    Later,
    Never,
    /// The app has no secret at all (public apps); views show `-`.
    NoSecret,
}

pub fn urgency(expiry: Option<Timestamp>, now: Timestamp) -> Urgency {
    let Some(exp) = expiry else {
        return Urgency::Never;
    };
    let left = exp.duration_since(now);
    if left <= SignedDuration::ZERO {
        Urgency::Expired
    } else if left <= SignedDuration::from_hours(24 * 7) {
        Urgency::Soon
    } else if left <= SignedDuration::from_hours(24 * 30) {
        Urgency::Upcoming
    } else {
        Urgency::Later
    }
}

/// `45m`, `20h`, `3d`, `5w`, `1.9y` or `never` left; `expired 200d` (how long ago) once it
/// has expired.
pub fn badge(expiry: Option<Timestamp>, now: Timestamp) -> String {
    let Some(exp) = expiry else {
        return "never".to_owned();
    };
    let secs = exp.duration_since(now).as_secs();
    if secs <= 0 {
        return format!(
            "expired {}",
            super::duration::format(-secs, super::duration::Style::Badge)
        );
    }
    super::duration::format(secs, super::duration::Style::Badge)
}

/// `2026-11-23` in UTC: the date part of a timestamp, for tables.
pub fn date(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d").to_string()
}

/// Whether deleting `secret_id` leaves `app` without any unexpired secret.
pub fn is_last_working(app: &App, secret_id: i64, now: Timestamp) -> bool {
    let alive = |s: &Secret| s.expiry_time.is_none_or(|t| t > now);
    app.secrets.iter().any(|s| s.id == secret_id && alive(s))
        && !app.secrets.iter().any(|s| s.id != secret_id && alive(s))
}

/// A `YYYY-MM-DD` expiry date, at the end of that day in the shown time zone; it must lie ahead.
pub fn parse_date(text: &str, now: Timestamp, tz: &TimeZone) -> Result<Timestamp, String> {
    let date: Date = text
        .trim()
        .parse()
        .map_err(|_| format!("{:?} is not a date: write it as YYYY-MM-DD", text.trim()))?;
    let at = date
        .at(23, 59, 59, 0)
        .to_zoned(tz.clone())
        .map_err(|e| format!("{date}: {e}"))?
        .timestamp();
    if at <= now {
        return Err(format!("{date} is not in the future"));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(days: i64, hours: i64) -> Option<Timestamp> {
        let now = Timestamp::UNIX_EPOCH;
        Some(now + SignedDuration::from_hours(days * 24 + hours))
    }

    #[test]
    fn badges_read_as_text() {
        let now = Timestamp::UNIX_EPOCH;
        assert_eq!(badge(None, now), "never");
        assert_eq!(badge(at(-1, 0), now), "expired 24h");
        assert_eq!(badge(at(-90, 0), now), "expired 90d");
        assert_eq!(badge(at(-200, 0), now), "expired 29w");
        assert_eq!(badge(at(-35, 0), now), "expired 35d");
        assert_eq!(badge(at(0, 0), now), "expired 0s");
        assert_eq!(badge(at(0, 5), now), "5h");
        assert_eq!(badge(at(3, 2), now), "3d");
        assert_eq!(badge(at(35, 0), now), "35d");
        assert_eq!(badge(at(200, 0), now), "29w");
        assert_eq!(badge(at(729, 0), now), "2y");
        assert_eq!(badge(at(1000, 0), now), "2.7y");
    }

    #[test]
    fn urgency_orders_what_breaks_first() {
        let now = Timestamp::UNIX_EPOCH;
        assert_eq!(urgency(at(-2, 0), now), Urgency::Expired);
        assert_eq!(urgency(at(6, 0), now), Urgency::Soon);
        assert_eq!(urgency(at(20, 0), now), Urgency::Upcoming);
        assert_eq!(urgency(at(90, 0), now), Urgency::Later);
        assert_eq!(urgency(None, now), Urgency::Never);
        assert!(Urgency::Expired < Urgency::Soon);
    }

    #[test]
    fn each_unit_starts_at_its_boundary() {
        const DAY: i64 = 86_400;
        for (secs, text) in [
            (1, "1s"),
            (59, "59s"),
            (60, "1m"),
            (2_700, "45m"),
            (3_569, "59m"),
            (3_570, "1h"),
            (170_999, "47h"),
            (171_000, "2d"),
            (14 * DAY, "14d"),
            (90 * DAY - 1, "90d"),
            (98 * DAY, "14w"),
            (548 * DAY, "78w"),
            (729 * DAY, "2y"),
            (3 * 365 * DAY, "3y"),
        ] {
            assert_eq!(
                crate::domain::duration::format(secs, crate::domain::duration::Style::Badge),
                text,
                "{secs}"
            );
        }
    }

    #[test]
    fn urgency_boundaries_belong_to_the_more_urgent_side() {
        let now = Timestamp::UNIX_EPOCH;
        assert_eq!(urgency(at(0, 0), now), Urgency::Expired);
        assert_eq!(urgency(at(0, 1), now), Urgency::Soon);
        assert_eq!(urgency(at(7, 0), now), Urgency::Soon);
        assert_eq!(urgency(at(7, 1), now), Urgency::Upcoming);
        assert_eq!(urgency(at(30, 0), now), Urgency::Upcoming);
        assert_eq!(urgency(at(30, 1), now), Urgency::Later);
    }

    #[test]
    fn dates_are_utc_days() {
        assert_eq!(date(Timestamp::UNIX_EPOCH), "1970-01-01");
        let t: Timestamp = "2026-11-23T23:59:59Z".parse().unwrap();
        assert_eq!(date(t), "2026-11-23");
    }
}
