//! Retry policy shared by the HTTP connectors: how long to wait between attempts (exponential
//! backoff with jitter), how to read a `Retry-After` header, and which failures a connector may
//! retry on its own (reads always; writes only when the request provably did not take effect).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// How a connector retries a call by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub max_attempts: u32,
    /// Wait before the second attempt, in milliseconds; doubles after each attempt.
    pub initial_backoff_ms: u64,
    /// Longest wait between attempts, in milliseconds.
    pub max_backoff_ms: u64,
    /// Longest `Retry-After` the connector waits out by itself, in seconds; a longer one is
    /// returned to the caller as [`crate::ConnectorError::RateLimited`].
    pub max_retry_after_secs: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff_ms: 500,
            max_backoff_ms: 10_000,
            max_retry_after_secs: 60,
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt` (1-based attempt that just failed), with up to 25%
    /// random jitter taken from `jitter_unit` (a number in `0.0..1.0`).
    pub fn backoff(&self, attempt: u32, jitter_unit: f64) -> Duration {
        let exp = self
            .initial_backoff_ms
            .saturating_mul(1u64 << attempt.saturating_sub(1).min(20));
        let capped = exp.min(self.max_backoff_ms);
        let jitter = (capped as f64 * 0.25 * jitter_unit.clamp(0.0, 1.0)) as u64;
        Duration::from_millis(capped.saturating_sub(jitter))
    }

    /// Whether a `Retry-After` this long is waited out by the connector itself.
    pub fn waits_out(&self, retry_after: Duration) -> bool {
        retry_after <= Duration::from_secs(self.max_retry_after_secs)
    }
}

/// Reads a `Retry-After` header: delay seconds (`120`) or an HTTP date.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 0.0), Duration::from_millis(500));
        assert_eq!(p.backoff(2, 0.0), Duration::from_millis(1000));
        assert_eq!(p.backoff(10, 0.0), Duration::from_millis(10_000));
        assert_eq!(p.backoff(1, 1.0), Duration::from_millis(375));
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 22 Nov 2026 10:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
