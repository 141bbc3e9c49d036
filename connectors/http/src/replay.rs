//! The replay rule every connector follows. A read (or an idempotent write) is sent again after
//! any temporary failure; a creating write only when the vendor provably did not act — the
//! request never left this machine, or the vendor refused it with a 429. After a time-out, a
//! reset or a lost reply the effect of a write is unknown: the caller hears
//! [`ConnectorError::Transient`] and looks the effect up (the order by its code, bol's process
//! by its line) before anything is sent again.

use std::time::Duration;

use orderbridge_core::{ConnectorError, RetryPolicy};

use crate::Failure;

/// Whether a request may be sent again after a failure whose effect is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Reads and idempotent writes: retried on any transient failure and on a damaged 2xx body.
    Safe,
    /// Creating writes: retried only when the vendor provably did not act; an unreadable 2xx
    /// body means it acted (see [`crate::acted_but_unreadable`]).
    OnlyIfUnsent,
}

/// How long to wait before attempt `attempt + 1` after `failure`, or `None` when the failure
/// is final. `jitter_unit` is a number in `0.0..1.0` (random in production).
pub fn wait_before_retry(
    policy: &RetryPolicy,
    failure: &Failure,
    attempt: u32,
    replay: Replay,
    jitter_unit: f64,
) -> Option<Duration> {
    if attempt >= policy.max_attempts {
        return None;
    }
    let backoff = || policy.backoff(attempt, jitter_unit);
    match &failure.error {
        ConnectorError::RateLimited {
            retry_after: Some(after),
        } => policy.waits_out(*after).then_some(*after),
        ConnectorError::RateLimited { retry_after: None } => Some(backoff()),
        ConnectorError::Transient { .. } if replay == Replay::Safe || failure.unsent => {
            Some(backoff())
        }
        ConnectorError::InvalidPayload { .. } if replay == Replay::Safe && failure.damaged_body => {
            Some(backoff())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transient(unsent: bool) -> Failure {
        Failure {
            unsent,
            ..Failure::unsent(ConnectorError::Transient {
                message: "x".into(),
            })
        }
    }

    #[test]
    fn reads_retry_and_creating_writes_only_when_never_sent() {
        let policy = RetryPolicy::default();
        assert!(wait_before_retry(&policy, &transient(false), 1, Replay::Safe, 0.0).is_some());
        assert!(
            wait_before_retry(&policy, &transient(false), 1, Replay::OnlyIfUnsent, 0.0).is_none()
        );
        assert!(
            wait_before_retry(&policy, &transient(true), 1, Replay::OnlyIfUnsent, 0.0).is_some()
        );
        // The last attempt is final.
        assert!(wait_before_retry(
            &policy,
            &transient(false),
            policy.max_attempts,
            Replay::Safe,
            0.0
        )
        .is_none());
    }

    #[test]
    fn retry_after_is_waited_out_only_when_short_enough() {
        let policy = RetryPolicy::default();
        let limited = |secs| {
            Failure::unsent(ConnectorError::RateLimited {
                retry_after: Some(Duration::from_secs(secs)),
            })
        };
        assert_eq!(
            wait_before_retry(&policy, &limited(3), 1, Replay::OnlyIfUnsent, 0.0),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            wait_before_retry(&policy, &limited(3600), 1, Replay::Safe, 0.0),
            None
        );
    }

    #[test]
    fn damaged_bodies_are_read_again_only_by_reads() {
        let policy = RetryPolicy::default();
        let damaged = Failure {
            damaged_body: true,
            unsent: false,
            ..Failure::unsent(ConnectorError::InvalidPayload {
                vendor: "v".into(),
                location: "l".into(),
                message: "m".into(),
            })
        };
        assert!(wait_before_retry(&policy, &damaged, 1, Replay::Safe, 0.0).is_some());
        assert!(wait_before_retry(&policy, &damaged, 1, Replay::OnlyIfUnsent, 0.0).is_none());
        let shape = Failure {
            damaged_body: false,
            ..damaged
        };
        assert!(wait_before_retry(&policy, &shape, 1, Replay::Safe, 0.0).is_none());
    }
}
