//! Waiting for an [`AdaptiveBudget`]: before each request, for its endpoint's learned budget
//! (or the configured one until the vendor told one), and after a 429 for its `Retry-After`.
//! A wait the caller should not sit out is handed back as [`ConnectorError::RateLimited`]: a
//! window that resets only after more than [`MAX_WINDOW_WAIT`], or a 429 wait longer than
//! the retry policy waits out. The request let go holds a [`Slot`] until its reply is
//! recorded; a slot dropped unrecorded (the call was cancelled) counts as no answer, so a
//! cancelled call never stays counted as on its way.

use std::time::Duration;

use orderbridge_core::{ConnectorError, RetryPolicy};
use tokio::time::Instant;

use crate::{AdaptiveBudget, Admission, Reply};

/// Longest wait for a vendor's rate-limit window to reset that a call sits out by itself (bol's
/// example table has windows of up to 3 minutes,
/// https://api.bol.com/retailer/public/Retailer-API/conventions.html: waiting them out lets a
/// long list be read to its end instead of starting again at page 1 next run); a longer one is
/// handed back as [`ConnectorError::RateLimited`] so the job backs off instead.
pub const MAX_WINDOW_WAIT: Duration = Duration::from_secs(15 * 60);

/// One request the budget let go, counted as on its way until [`Slot::record`].
#[derive(Debug)]
#[must_use = "a slot dropped unrecorded counts as a request that got no answer"]
pub struct Slot<'a> {
    budget: &'a AdaptiveBudget,
    endpoint: &'a str,
    open: bool,
}

impl Slot<'_> {
    /// Records the request's reply.
    pub fn record(mut self, reply: Reply) {
        self.open = false;
        self.budget.record(self.endpoint, Instant::now(), reply);
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if self.open {
            self.budget
                .record(self.endpoint, Instant::now(), Reply::NoAnswer);
        }
    }
}

impl AdaptiveBudget {
    /// Waits until `endpoint` may send one more request and counts it as on its way. Once the
    /// vendor's answers told the endpoint's budget that budget decides; before, `configured`
    /// does: it takes one request from the configured budget and says how long to wait for it.
    ///
    /// # Errors
    ///
    /// [`ConnectorError::RateLimited`] when the vendor refused the endpoint with a wait longer
    /// than `retry` waits out, or its window resets only after more than
    /// [`MAX_WINDOW_WAIT`].
    pub async fn wait_for_turn<'a>(
        &'a self,
        endpoint: &'a str,
        retry: &RetryPolicy,
        configured: impl FnOnce() -> Duration,
    ) -> Result<Slot<'a>, ConnectorError> {
        loop {
            match self.admit(endpoint, Instant::now()) {
                Admission::Go => return Ok(self.slot(endpoint)),
                Admission::Configured => {
                    let slot = self.slot(endpoint);
                    let wait = configured();
                    if !wait.is_zero() {
                        tracing::debug!(endpoint, ?wait, "keeping to the configured rate budget");
                        tokio::time::sleep(wait).await;
                    }
                    return Ok(slot);
                }
                // The vendor's window is spent: wait for its reset, even a long one; only a
                // wait beyond any window a vendor uses for a call is handed back.
                Admission::Wait(wait) => {
                    if wait > MAX_WINDOW_WAIT {
                        return Err(ConnectorError::RateLimited {
                            retry_after: Some(wait),
                        });
                    }
                    tracing::debug!(endpoint, ?wait, "rate budget spent; waiting for its reset");
                    tokio::time::sleep(wait).await;
                }
                // The vendor refused with 429 and asked for a wait: waited out only as long as
                // the retry policy says, else the caller decides.
                Admission::Refused(wait) => {
                    if !retry.waits_out(wait) {
                        return Err(ConnectorError::RateLimited {
                            retry_after: Some(wait),
                        });
                    }
                    tracing::debug!(endpoint, ?wait, "refused with 429; waiting as asked");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    fn slot<'a>(&'a self, endpoint: &'a str) -> Slot<'a> {
        Slot {
            budget: self,
            endpoint,
            open: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RateHeaders;

    const LIST: &str = "GET /orders";

    fn told(limit: u32, remaining: u32, reset: Duration) -> Reply {
        Reply::Answered(RateHeaders {
            limit: Some(limit),
            remaining: Some(remaining),
            reset: Some(reset),
        })
    }

    fn no_configured_wait() -> Duration {
        Duration::ZERO
    }

    #[tokio::test(start_paused = true)]
    async fn a_spent_window_is_waited_out_unless_it_is_longer_than_a_quarter_hour() {
        let policy = RetryPolicy::default();
        let budget = AdaptiveBudget::default();
        let slot = budget
            .wait_for_turn(LIST, &policy, no_configured_wait)
            .await
            .unwrap();
        slot.record(told(10, 0, Duration::from_secs(180)));
        let started = Instant::now();
        let slot = budget
            .wait_for_turn(LIST, &policy, no_configured_wait)
            .await
            .unwrap();
        assert_eq!(started.elapsed(), Duration::from_secs(180));
        slot.record(told(10, 0, MAX_WINDOW_WAIT + Duration::from_secs(1)));
        let handed_back = budget
            .wait_for_turn(LIST, &policy, no_configured_wait)
            .await
            .unwrap_err();
        assert_eq!(
            handed_back,
            ConnectorError::RateLimited {
                retry_after: Some(MAX_WINDOW_WAIT + Duration::from_secs(1))
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_wait_is_sat_out_only_as_long_as_the_retry_policy_allows() {
        let policy = RetryPolicy {
            max_retry_after_secs: 60,
            ..RetryPolicy::default()
        };
        let budget = AdaptiveBudget::default();
        let refused = |secs| Reply::Refused {
            headers: RateHeaders::default(),
            retry_after: Some(Duration::from_secs(secs)),
        };
        let slot = budget
            .wait_for_turn(LIST, &policy, no_configured_wait)
            .await
            .unwrap();
        slot.record(refused(30));
        let started = Instant::now();
        let slot = budget
            .wait_for_turn(LIST, &policy, no_configured_wait)
            .await
            .unwrap();
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        slot.record(refused(120));
        assert_eq!(
            budget
                .wait_for_turn(LIST, &policy, no_configured_wait)
                .await
                .unwrap_err(),
            ConnectorError::RateLimited {
                retry_after: Some(Duration::from_secs(120))
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_configured_budget_is_waited_for_until_the_vendor_tells_one() {
        let policy = RetryPolicy::default();
        let budget = AdaptiveBudget::default();
        let started = Instant::now();
        let slot = budget
            .wait_for_turn(LIST, &policy, || Duration::from_secs(2))
            .await
            .unwrap();
        assert_eq!(started.elapsed(), Duration::from_secs(2));
        slot.record(told(10, 9, Duration::from_secs(60)));
        // Learned: the configured budget is not asked any more.
        let asked = std::cell::Cell::new(false);
        let slot = budget
            .wait_for_turn(LIST, &policy, || {
                asked.set(true);
                Duration::from_secs(2)
            })
            .await
            .unwrap();
        slot.record(told(10, 8, Duration::from_secs(60)));
        assert!(!asked.get());
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_dropped_unrecorded_is_no_longer_counted_as_on_its_way() {
        let policy = RetryPolicy::default();
        let budget = AdaptiveBudget::default();
        // A call cancelled after it was let go.
        drop(
            budget
                .wait_for_turn(LIST, &policy, no_configured_wait)
                .await
                .unwrap(),
        );
        let slot = budget
            .wait_for_turn(LIST, &policy, no_configured_wait)
            .await
            .unwrap();
        // 9 remain minus a reserve of 1, and nothing else on its way: 8 go.
        slot.record(told(10, 9, Duration::from_secs(60)));
        let mut sent = 0;
        while budget.admit(LIST, Instant::now()) == Admission::Go {
            sent += 1;
        }
        assert_eq!(sent, 8);
    }
}
