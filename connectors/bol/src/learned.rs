//! Rate budgets learned from bol's answers, per endpoint. bol publishes no fixed limits and
//! asks clients to "program against" the `x-ratelimit-*` headers every answer carries, "so
//! your implementation will keep working even if the rate limits change over time", and to
//! back off on 429 (https://api.bol.com/retailer/public/Retailer-API/ratelimits.html). Once an
//! endpoint's answer told its `x-ratelimit-limit`, `x-ratelimit-remaining` and
//! `x-ratelimit-reset` (seconds until the budget is replenished, as in bol's example
//! https://api.bol.com/marketing/docs/catalog-api/ratelimits.html), this budget replaces the
//! configured one ([`crate::budget`]) for that endpoint:
//!
//! - within bol's current window the connector sends at most what bol said remains, minus the
//!   requests already on their way and a reserve (a tenth of the limit, more after a 429);
//! - when bol says nothing remains, or answers 429, the endpoint waits for the reset (or the
//!   `Retry-After`); every 429 doubles the reserve, every quiet window halves it again;
//! - after the reset one request goes first; its answer says what the new window has left
//!   (other clients of the same account may be spending it too).
//!
//! Pure bookkeeping on an injected `now`; the client does the waiting (`pacing.rs`).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// What one answer said about its endpoint's budget.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RateHeaders {
    /// `x-ratelimit-limit`: requests per window.
    pub(crate) limit: Option<u32>,
    /// `x-ratelimit-remaining`: requests left in this window.
    pub(crate) remaining: Option<u32>,
    /// `x-ratelimit-reset`: time until the window's budget is back.
    pub(crate) reset: Option<Duration>,
}

/// bol's window for one endpoint as last heard, and what is left of it.
#[derive(Debug)]
struct Learned {
    limit: u32,
    /// The longest reset heard: the window's length, as near as the answers tell.
    window: Duration,
    /// Requests this client may still start before `reset_at`.
    remaining: u32,
    reset_at: Instant,
    /// Requests of each window left unspent (for other clients of the account, and after 429s).
    reserve: u32,
    /// Whether bol answered 429 in the current window (a quiet window halves the reserve).
    refused_in_window: bool,
}

impl Learned {
    fn base_reserve(limit: u32) -> u32 {
        limit / 10
    }
}

#[derive(Debug, Default)]
struct EndpointState {
    /// Requests started and not answered yet.
    in_flight: u32,
    /// No request before this instant (bol said the budget is spent, or answered 429).
    blocked_until: Option<Instant>,
    /// Whether that block comes from a 429 (bol refused), not from bol's own pacing.
    blocked_by_refusal: bool,
    learned: Option<Learned>,
}

/// What the budget says about one more request now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Send it now (counted as on its way).
    Go,
    /// Ask again after this long: bol's window is spent and this is how long until its reset
    /// (pacing; waiting it out is what bol asks for).
    Wait(Duration),
    /// Ask again after this long: bol refused a request with 429 and asked for this wait.
    Refused(Duration),
    /// Nothing learned yet for this endpoint: the configured budget decides (the request is
    /// counted as on its way).
    Configured,
}

/// Learned budgets of every endpoint of one client.
#[derive(Debug, Default)]
pub(crate) struct LearnedBudgets {
    endpoints: Mutex<HashMap<&'static str, EndpointState>>,
}

impl LearnedBudgets {
    /// Asks to start one request to `endpoint` at `now`.
    pub(crate) fn admit(&self, endpoint: &'static str, now: Instant) -> Admission {
        let mut endpoints = self
            .endpoints
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let state = endpoints.entry(endpoint).or_default();
        if let Some(until) = state.blocked_until {
            if now < until {
                return if state.blocked_by_refusal {
                    Admission::Refused(until - now)
                } else {
                    Admission::Wait(until - now)
                };
            }
            state.blocked_until = None;
            state.blocked_by_refusal = false;
        }
        let Some(learned) = state.learned.as_mut() else {
            state.in_flight += 1;
            return Admission::Configured;
        };
        if now >= learned.reset_at {
            // bol's window is over: assume a fresh one until an answer says more.
            if !learned.refused_in_window {
                learned.reserve = (learned.reserve / 2).max(Learned::base_reserve(learned.limit));
            }
            learned.refused_in_window = false;
            // One request first: its answer tells what this window really has left (other
            // clients of the account may have spent some already).
            learned.remaining = 1;
            learned.reset_at = now + learned.window;
        }
        if learned.remaining == 0 {
            return Admission::Wait(learned.reset_at - now);
        }
        learned.remaining -= 1;
        state.in_flight += 1;
        Admission::Go
    }

    /// Records the answer to a request [`LearnedBudgets::admit`] let go: its headers, and
    /// when it was a 429 how long bol asked to wait. `None` headers: no answer came.
    pub(crate) fn record(
        &self,
        endpoint: &'static str,
        now: Instant,
        headers: Option<RateHeaders>,
        rate_limited: Option<Option<Duration>>,
    ) {
        let mut endpoints = self
            .endpoints
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let state = endpoints.entry(endpoint).or_default();
        state.in_flight = state.in_flight.saturating_sub(1);
        let headers = headers.unwrap_or_default();
        let spent = headers.remaining == Some(0) || rate_limited.is_some();
        if let (Some(limit), Some(remaining), Some(reset)) =
            (headers.limit, headers.remaining, headers.reset)
        {
            let limit = limit.max(1);
            let previous = state.learned.take();
            let window = previous
                .as_ref()
                .map_or(reset, |p| p.window.max(reset))
                .max(Duration::from_secs(1));
            let reserve = previous
                .as_ref()
                .map_or(Learned::base_reserve(limit), |p| p.reserve)
                .min(limit.saturating_sub(1));
            let refused_in_window = previous.as_ref().is_some_and(|p| p.refused_in_window);
            state.learned = Some(Learned {
                limit,
                window,
                remaining: remaining
                    .saturating_sub(state.in_flight)
                    .saturating_sub(reserve),
                reset_at: now + reset,
                reserve,
                refused_in_window,
            });
        }
        if let Some(retry_after) = rate_limited {
            if let Some(learned) = state.learned.as_mut() {
                learned.reserve = (learned.reserve.max(1) * 2).min(learned.limit - 1);
                learned.remaining = 0;
                learned.refused_in_window = true;
            }
            tracing::debug!(
                endpoint,
                "bol answered 429; lowering this endpoint's budget"
            );
            if let Some(wait) = retry_after.or(headers.reset) {
                block(state, now + wait, true);
            }
        } else if spent {
            if let Some(reset) = headers.reset.filter(|reset| !reset.is_zero()) {
                block(state, now + reset, false);
            }
        }
    }
}

fn block(state: &mut EndpointState, until: Instant, refused: bool) {
    state.blocked_by_refusal |= refused;
    state.blocked_until = Some(state.blocked_until.map_or(until, |known| known.max(until)));
}

#[cfg(test)]
mod tests {
    use super::*;

    const DETAIL: &str = "GET /retailer/orders/{order-id}";

    fn headers(limit: u32, remaining: u32, reset_secs: u64) -> Option<RateHeaders> {
        Some(RateHeaders {
            limit: Some(limit),
            remaining: Some(remaining),
            reset: Some(Duration::from_secs(reset_secs)),
        })
    }

    #[tokio::test(start_paused = true)]
    async fn the_configured_budget_decides_until_bol_tells_its_limit() {
        let budgets = LearnedBudgets::default();
        let now = Instant::now();
        assert_eq!(budgets.admit(DETAIL, now), Admission::Configured);
        budgets.record(DETAIL, now, headers(100, 99, 1), None);
        // 99 left minus a reserve of 10: 89 go at once, then the window is spent.
        for _ in 0..89 {
            assert_eq!(budgets.admit(DETAIL, now), Admission::Go);
        }
        assert_eq!(
            budgets.admit(DETAIL, now),
            Admission::Wait(Duration::from_secs(1))
        );
        for _ in 0..89 {
            budgets.record(DETAIL, now, None, None);
        }
        // After the reset one request probes the fresh window; its answer opens it.
        let next = now + Duration::from_secs(1);
        assert_eq!(budgets.admit(DETAIL, next), Admission::Go);
        assert_eq!(
            budgets.admit(DETAIL, next),
            Admission::Wait(Duration::from_secs(1))
        );
        budgets.record(DETAIL, next, headers(100, 99, 1), None);
        let mut sent = 0;
        while budgets.admit(DETAIL, next) == Admission::Go {
            sent += 1;
        }
        assert_eq!(sent, 89);
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_bol_says_remains_and_a_spent_budget_waits_for_the_reset() {
        let budgets = LearnedBudgets::default();
        let now = Instant::now();
        assert_eq!(budgets.admit(DETAIL, now), Admission::Configured);
        assert_eq!(budgets.admit(DETAIL, now), Admission::Configured);
        // One answer says 3 remain; the other request is still on its way: 2 may go.
        budgets.record(DETAIL, now, headers(8, 3, 20), None);
        assert_eq!(budgets.admit(DETAIL, now), Admission::Go);
        assert_eq!(budgets.admit(DETAIL, now), Admission::Go);
        assert_eq!(
            budgets.admit(DETAIL, now),
            Admission::Wait(Duration::from_secs(20))
        );
        budgets.record(DETAIL, now, headers(8, 0, 5), None);
        assert_eq!(
            budgets.admit(DETAIL, now),
            Admission::Wait(Duration::from_secs(5))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_waits_its_retry_after_and_keeps_more_in_reserve() {
        let budgets = LearnedBudgets::default();
        let now = Instant::now();
        budgets.admit(DETAIL, now);
        budgets.record(DETAIL, now, headers(40, 39, 10), None);
        assert_eq!(budgets.admit(DETAIL, now), Admission::Go);
        budgets.record(
            DETAIL,
            now,
            headers(40, 0, 10),
            Some(Some(Duration::from_secs(10))),
        );
        assert_eq!(
            budgets.admit(DETAIL, now),
            Admission::Refused(Duration::from_secs(10))
        );
        // The next window leaves 8 unspent instead of 4.
        let next = now + Duration::from_secs(10);
        assert_eq!(budgets.admit(DETAIL, next), Admission::Go);
        budgets.record(DETAIL, next, headers(40, 39, 10), None);
        let mut sent = 0;
        while budgets.admit(DETAIL, next) == Admission::Go {
            sent += 1;
        }
        assert_eq!(sent, 39 - 8);
    }

    #[tokio::test(start_paused = true)]
    async fn a_spent_budget_without_a_limit_still_waits_for_the_reset() {
        let budgets = LearnedBudgets::default();
        let now = Instant::now();
        budgets.admit(DETAIL, now);
        let spent = RateHeaders {
            limit: None,
            remaining: Some(0),
            reset: Some(Duration::from_secs(2)),
        };
        budgets.record(DETAIL, now, Some(spent), None);
        assert_eq!(
            budgets.admit(DETAIL, now),
            Admission::Wait(Duration::from_secs(2))
        );
        let later = now + Duration::from_secs(2);
        assert_eq!(budgets.admit(DETAIL, later), Admission::Configured);
    }
}
