//! Keeps a run of reads within a share of the server's request budget. Automation Cloud
//! allows 300 GETs per organization per five minutes, over a sliding window; reading every
//! app's details one by one would spend it all and leave the user's own clicks (and other
//! tools) with 429s. The pacer allows at most `count` requests in any `window`: a burst up to
//! `count` at once, then one more each time an old one leaves the window.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most `count` requests in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub count: u32,
    pub window: Duration,
}

impl Budget {
    /// What `secrets list` may spend: 250 of the server's 300 GETs per five minutes, leaving
    /// room for a TUI or another tool working on the same organization.
    pub const CLI: Budget = Budget {
        count: 250,
        window: Duration::from_secs(300),
    };

    /// `COUNT/DURATION`, as in `250/5m`.
    pub fn parse(text: &str) -> Result<Budget, String> {
        let (count, window) = text.split_once('/').ok_or_else(|| {
            format!("`{text}` is not a budget; write COUNT/DURATION, like 250/5m")
        })?;
        let count: u32 = count
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("`{count}` in `{text}` is not a positive count"))?;
        let window = crate::domain::duration::parse(window)?;
        let window = Duration::try_from(window)
            .ok()
            .filter(|w| !w.is_zero())
            .ok_or_else(|| format!("the window in `{text}` must be longer than zero"))?;
        Ok(Budget { count, window })
    }
}

impl std::fmt::Display for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = jiff::SignedDuration::try_from(self.window).unwrap_or(jiff::SignedDuration::MAX);
        write!(
            f,
            "{}/{}",
            self.count,
            crate::domain::duration::format(w.as_secs(), crate::domain::duration::Style::Exact)
        )
    }
}

/// The schedule itself, driven by whatever clock the caller passes: tests step through
/// simulated minutes without waiting for them.
#[derive(Debug)]
pub struct Schedule {
    budget: Budget,
    /// Start times of the latest `count` requests, oldest first.
    recent: VecDeque<Instant>,
}

impl Schedule {
    pub fn new(budget: Budget) -> Self {
        Schedule {
            budget,
            recent: VecDeque::new(),
        }
    }

    /// Books the next request: the earliest time at or after `now` when it keeps every window
    /// within the budget. Times booked never go backwards, so the `count`-th before this one
    /// is always at least a window earlier.
    pub fn book(&mut self, now: Instant) -> Instant {
        let count = self.budget.count.max(1) as usize;
        let mut at = self.recent.back().map_or(now, |last| now.max(*last));
        if self.recent.len() >= count
            && let Some(oldest) = self.recent.front()
        {
            at = at.max(*oldest + self.budget.window);
        }
        self.recent.push_back(at);
        while self.recent.len() > count {
            self.recent.pop_front();
        }
        at
    }
}

/// A schedule shared by concurrent readers, waiting on the real clock.
#[derive(Debug)]
pub struct Pacer {
    schedule: Mutex<Schedule>,
}

impl Pacer {
    pub fn new(budget: Budget) -> Self {
        Pacer {
            schedule: Mutex::new(Schedule::new(budget)),
        }
    }

    /// Waits until one more request fits the budget.
    pub async fn wait_turn(&self) {
        let at = self
            .schedule
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .book(Instant::now());
        tokio::time::sleep_until(at.into()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Most requests started in any window of the budget's length.
    fn busiest_window(times: &[Instant], window: Duration) -> usize {
        (0..times.len())
            .map(|i| {
                times[i..]
                    .iter()
                    .take_while(|t| **t < times[i] + window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn a_burst_then_one_per_freed_slot_never_over_budget() {
        let budget = Budget {
            count: 250,
            window: Duration::from_secs(300),
        };
        let mut s = Schedule::new(budget);
        let t0 = Instant::now();
        // A caller as fast as it can be: each request goes the moment it is allowed, over a
        // simulated quarter of an hour.
        let mut now = t0;
        let mut times = Vec::new();
        while now < t0 + Duration::from_secs(900) {
            let at = s.book(now);
            times.push(at);
            now = at;
        }
        assert_eq!(busiest_window(&times, budget.window), 250);
        assert!(
            times[..250].iter().all(|t| *t == t0),
            "the burst goes at once"
        );
        assert_eq!(
            times[250],
            t0 + budget.window,
            "then it waits for the window"
        );
        assert!(
            times.len() > 750,
            "and keeps the full rate: {}",
            times.len()
        );
    }

    #[test]
    fn a_slow_caller_is_never_held_back() {
        let mut s = Schedule::new(Budget {
            count: 2,
            window: Duration::from_secs(10),
        });
        let t0 = Instant::now();
        for i in 0..10 {
            let now = t0 + Duration::from_secs(6 * i);
            assert_eq!(s.book(now), now);
        }
    }

    #[test]
    fn budgets_parse_and_print() {
        let b = Budget::parse("250/5m").unwrap();
        assert_eq!(b, Budget::CLI);
        assert_eq!(b.to_string(), "250/5m");
        assert_eq!(
            Budget::parse("8/2s").unwrap().window,
            Duration::from_secs(2)
        );
        for bad in ["250", "0/5m", "x/5m", "5/0s", "5/5", "-1/5m"] {
            assert!(Budget::parse(bad).is_err(), "{bad}");
        }
    }
}
