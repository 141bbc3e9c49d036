//! A client-side rate budget (token bucket) so a connector spreads its calls within the
//! vendor's documented limits instead of provoking a storm of 429s. Pure bookkeeping: it says
//! how long a caller must wait; the connector does the waiting.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;

/// How many requests a connector may make: `requests` per `per_secs` seconds, with bursts of
/// up to `requests`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// Window length in seconds.
    pub per_secs: f64,
}

impl RateLimit {
    /// `requests` per second.
    pub fn per_second(requests: u32) -> Self {
        Self {
            requests,
            per_secs: 1.0,
        }
    }

    fn refill_per_sec(&self) -> f64 {
        f64::from(self.requests.max(1)) / self.per_secs.max(0.001)
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// A token bucket shared by all calls of one budget (one API, or one endpoint group).
#[derive(Debug)]
pub struct RateBudget {
    limit: RateLimit,
    bucket: Mutex<Bucket>,
}

impl RateBudget {
    /// A full bucket for `limit`.
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            bucket: Mutex::new(Bucket {
                tokens: f64::from(limit.requests.max(1)),
                updated: Instant::now(),
            }),
        }
    }

    /// Takes one request from the budget at `now` and returns how long the caller must wait
    /// before sending it (zero when the budget has room). Waiting callers queue up: each
    /// reservation is counted at once, so concurrent callers get increasing waits.
    pub fn reserve(&self, now: Instant) -> Duration {
        let mut bucket = self
            .bucket
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let capacity = f64::from(self.limit.requests.max(1));
        let rate = self.limit.refill_per_sec();
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.updated = now.max(bucket.updated);
        bucket.tokens -= 1.0;
        if bucket.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-bucket.tokens / rate)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_up_to_the_limit_then_spaces_requests() {
        let budget = RateBudget::new(RateLimit::per_second(2));
        let start = Instant::now();
        assert_eq!(budget.reserve(start), Duration::ZERO);
        assert_eq!(budget.reserve(start), Duration::ZERO);
        let third = budget.reserve(start);
        assert!((third.as_secs_f64() - 0.5).abs() < 1e-6, "{third:?}");
        let fourth = budget.reserve(start);
        assert!((fourth.as_secs_f64() - 1.0).abs() < 1e-6, "{fourth:?}");
        // After two idle seconds the bucket is full again.
        let later = start + Duration::from_secs(4);
        assert_eq!(budget.reserve(later), Duration::ZERO);
    }

    #[test]
    fn windows_longer_than_a_second() {
        let budget = RateBudget::new(RateLimit {
            requests: 6,
            per_secs: 60.0,
        });
        let start = Instant::now();
        for _ in 0..6 {
            assert_eq!(budget.reserve(start), Duration::ZERO);
        }
        let seventh = budget.reserve(start);
        assert!((seventh.as_secs_f64() - 10.0).abs() < 1e-6, "{seventh:?}");
    }
}
