//! Shopify's cost bucket as the connector last saw it. Every GraphQL reply reports the app's
//! bucket on the shop (`extensions.cost.throttleStatus`: size, points available, restore rate
//! per second); before the next query the connector works out what is available by now and,
//! when the query's requested cost is more than that, waits until the bucket has refilled
//! enough instead of provoking `THROTTLED`. Queries sent at the same time each reserve their
//! cost, so together they wait as long as the bucket needs. Nothing is known before the first
//! reply: the first query goes at once.
//!
//! Pure bookkeeping: it says how long to wait; `client.rs` does the waiting.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::wire::{QueryCost, ThrottleStatus};

/// Longest wait the bucket asks for at once (a bucket reported with a tiny restore rate must
/// not stall the connector for ever).
const MAX_WAIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy)]
struct Level {
    /// Points available at `at` (negative while reservations wait for points).
    available: f64,
    maximum: f64,
    restore_rate: f64,
    at: Instant,
}

/// The bucket and the requested cost last reported per operation.
#[derive(Debug, Default)]
pub(crate) struct CostBucket {
    level: Mutex<Option<Level>>,
    requested: Mutex<HashMap<&'static str, f64>>,
}

impl CostBucket {
    /// The cost to reserve for `operation`: what Shopify last requested for it, else `guess`.
    pub(crate) fn estimate(&self, operation: &'static str, guess: f64) -> f64 {
        let requested = self.requested.lock().unwrap_or_else(|p| p.into_inner());
        requested.get(operation).copied().unwrap_or(guess)
    }

    /// Reserves `cost` points at `now` and answers how long to wait before sending.
    pub(crate) fn reserve(&self, cost: f64, now: Instant) -> Duration {
        let mut level = self.level.lock().unwrap_or_else(|p| p.into_inner());
        let Some(level) = level.as_mut() else {
            return Duration::ZERO;
        };
        let restored = level.restore_rate * now.saturating_duration_since(level.at).as_secs_f64();
        let available = (level.available + restored).min(level.maximum);
        // A query can never need more than a full bucket.
        let cost = cost.min(level.maximum);
        level.available = available - cost;
        level.at = now;
        if level.available >= 0.0 || level.restore_rate <= 0.0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(-level.available / level.restore_rate).min(MAX_WAIT)
    }

    /// Takes the bucket a reply reported for `operation` as the truth at `now`.
    pub(crate) fn observe(&self, operation: &'static str, cost: &QueryCost, now: Instant) {
        let status = cost.throttle_status;
        if let Some(requested) = cost.requested_query_cost {
            let mut known = self.requested.lock().unwrap_or_else(|p| p.into_inner());
            known.insert(operation, requested);
        }
        let mut level = self.level.lock().unwrap_or_else(|p| p.into_inner());
        *level = Some(Level {
            available: status.currently_available,
            maximum: status.maximum_available,
            restore_rate: status.restore_rate,
            at: now,
        });
    }
}

/// How long a throttled query of `requested` points waits: until the bucket, restoring at its
/// rate, holds them again (at least a tenth of a second, at most [`MAX_WAIT`]).
pub(crate) fn throttled_wait(requested: Option<f64>, status: Option<&ThrottleStatus>) -> Duration {
    let Some(status) = status.filter(|s| s.restore_rate > 0.0) else {
        return Duration::from_secs(1);
    };
    let needed = requested.unwrap_or(status.maximum_available / 10.0) - status.currently_available;
    let secs = (needed / status.restore_rate).max(0.1);
    Duration::from_secs_f64(secs).min(MAX_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reported(available: f64) -> QueryCost {
        QueryCost {
            requested_query_cost: Some(100.0),
            actual_query_cost: Some(10.0),
            throttle_status: ThrottleStatus {
                maximum_available: 1000.0,
                currently_available: available,
                restore_rate: 50.0,
            },
        }
    }

    #[test]
    fn a_query_waits_only_for_the_points_it_lacks() {
        let bucket = CostBucket::default();
        let start = Instant::now();
        // Nothing known yet: go.
        assert_eq!(bucket.reserve(500.0, start), Duration::ZERO);
        bucket.observe("Q", &reported(120.0), start);
        assert_eq!(bucket.estimate("Q", 7.0), 100.0);
        assert_eq!(bucket.estimate("Other", 7.0), 7.0);
        assert_eq!(bucket.reserve(100.0, start), Duration::ZERO);
        // 20 left; 100 more needs 80 points at 50/s.
        assert_eq!(bucket.reserve(100.0, start), Duration::from_millis(1600));
        // Two seconds later the bucket has 100 − 80 + 100 = 20 again: the next waits 1.6 s.
        let later = start + Duration::from_secs(2);
        assert_eq!(bucket.reserve(100.0, later), Duration::from_millis(1600));
    }

    #[test]
    fn the_bucket_never_overfills_and_throttles_wait_for_the_restore_rate() {
        let bucket = CostBucket::default();
        let start = Instant::now();
        bucket.observe("Q", &reported(990.0), start);
        let much_later = start + Duration::from_secs(3600);
        assert_eq!(bucket.reserve(1000.0, much_later), Duration::ZERO);
        assert_eq!(
            bucket.reserve(5000.0, much_later),
            Duration::from_secs(20),
            "capped at one full bucket"
        );
        let status = reported(40.0).throttle_status;
        assert_eq!(
            throttled_wait(Some(140.0), Some(&status)),
            Duration::from_secs(2)
        );
        assert_eq!(throttled_wait(None, None), Duration::from_secs(1));
    }
}
