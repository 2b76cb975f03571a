//! Per-organization request limits over a sliding window, one budget per HTTP method, as
//! Automation Cloud applies them. A sliding log (not fixed buckets) makes `Retry-After` exact:
//! the time until the oldest counted request leaves the window.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::RateLimits;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    Get,
    Post,
    Put,
    Delete,
}

#[derive(Debug)]
pub struct RateLimiter {
    limits: RateLimits,
    log: HashMap<(String, Bucket), VecDeque<Instant>>,
    /// Requests answered 429 so far: tests prove a client kept within the budget with it.
    refused: u64,
}

impl RateLimiter {
    pub fn new(limits: RateLimits) -> Self {
        RateLimiter {
            limits,
            log: HashMap::new(),
            refused: 0,
        }
    }

    pub fn set_limits(&mut self, limits: RateLimits) {
        self.limits = limits;
        self.log.clear();
    }

    pub fn reset(&mut self) {
        self.log.clear();
    }

    pub fn refused(&self) -> u64 {
        self.refused
    }

    fn limit(&self, bucket: Bucket) -> u32 {
        match bucket {
            Bucket::Get => self.limits.get,
            Bucket::Post => self.limits.post,
            Bucket::Put => self.limits.put,
            Bucket::Delete => self.limits.delete,
        }
    }

    /// Counts one request; `Err(wait)` when the budget is spent, with the time until a slot frees.
    pub fn check(&mut self, org: &str, bucket: Bucket, now: Instant) -> Result<(), Duration> {
        let window = self.limits.window;
        let limit = self.limit(bucket) as usize;
        let log = self.log.entry((org.to_owned(), bucket)).or_default();
        while log
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= window)
        {
            log.pop_front();
        }
        if log.len() >= limit {
            let wait = log
                .front()
                .map(|oldest| window.saturating_sub(now.saturating_duration_since(*oldest)))
                .unwrap_or(window);
            self.refused += 1;
            return Err(wait);
        }
        log.push_back(now);
        Ok(())
    }
}

/// Seconds for a `Retry-After` header: rounded up, and never 0 (a client would spin).
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_per_method_and_window() {
        let mut rl = RateLimiter::new(RateLimits {
            window: Duration::from_secs(10),
            get: 2,
            post: 1,
            put: 1,
            delete: 1,
        });
        let t0 = Instant::now();
        assert!(rl.check("o", Bucket::Get, t0).is_ok());
        assert!(
            rl.check("o", Bucket::Get, t0 + Duration::from_secs(3))
                .is_ok()
        );
        let wait = rl
            .check("o", Bucket::Get, t0 + Duration::from_secs(4))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(6));
        assert_eq!(retry_after_secs(wait), 6);
        assert!(rl.check("o", Bucket::Post, t0).is_ok());
        assert!(rl.check("other", Bucket::Get, t0).is_ok());
        assert!(
            rl.check("o", Bucket::Get, t0 + Duration::from_secs(10))
                .is_ok()
        );
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }

    #[test]
    fn the_cli_pacer_never_meets_the_servers_limit() {
        use crate::api::pacer::{Budget, Schedule};
        // Automation Cloud's limit against the CLI's share of it, over a simulated quarter
        // hour, with a reader that sends each request the moment the pacer allows it.
        let mut server = RateLimiter::new(RateLimits::default());
        let mut pacer = Schedule::new(Budget::CLI);
        let t0 = Instant::now();
        let mut now = t0;
        let mut sent = 0;
        while now < t0 + Duration::from_secs(900) {
            now = pacer.book(now);
            assert!(
                server.check("o", Bucket::Get, now).is_ok(),
                "request {sent} refused"
            );
            sent += 1;
        }
        assert_eq!(server.refused(), 0);
        assert!(sent > 750, "the pace is not needlessly slow: {sent}");
    }
}
