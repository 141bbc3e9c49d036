//! The simulated shop's cost bucket, a leaky bucket per app and shop as Shopify keeps it: a
//! query runs only when its requested cost is available, is charged its actual cost, and the
//! bucket refills at its restore rate up to its size. Every reply reports the bucket in
//! `extensions.cost`; a query asking more than is available is answered `THROTTLED`.

use std::time::Instant;

use serde_json::{json, Value};

/// The bucket.
#[derive(Debug, Clone)]
pub(crate) struct Bucket {
    pub maximum: f64,
    pub restore_rate: f64,
    available: f64,
    at: Instant,
}

impl Bucket {
    /// A full bucket of `maximum` points restoring `restore_rate` per second.
    pub(crate) fn new(maximum: f64, restore_rate: f64) -> Self {
        Self {
            maximum,
            restore_rate,
            available: maximum,
            at: Instant::now(),
        }
    }

    fn refill(&mut self, now: Instant) {
        let restored = self.restore_rate * now.saturating_duration_since(self.at).as_secs_f64();
        self.available = (self.available + restored).min(self.maximum);
        self.at = now;
    }

    /// Charges `actual` when `requested` is available; `false` (nothing charged) otherwise.
    pub(crate) fn take(&mut self, requested: f64, actual: f64, now: Instant) -> bool {
        self.refill(now);
        if requested > self.available {
            return false;
        }
        self.available -= actual;
        true
    }

    /// Empties the bucket down to `left` points (a `THROTTLED` fault).
    pub(crate) fn drain_to(&mut self, left: f64, now: Instant) {
        self.refill(now);
        self.available = self.available.min(left);
    }

    /// `extensions.cost` after a query of `requested` points that cost `actual` (`None`: it
    /// was throttled).
    pub(crate) fn report(&mut self, requested: f64, actual: Option<f64>, now: Instant) -> Value {
        self.refill(now);
        json!({
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": {
                "maximumAvailable": self.maximum,
                "currentlyAvailable": self.available.floor(),
                "restoreRate": self.restore_rate,
            }
        })
    }
}
