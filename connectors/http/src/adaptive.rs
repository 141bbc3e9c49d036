//! [`AdaptiveBudget`]: rate budgets learned from a vendor's answers, per endpoint. A vendor
//! that tells its budget on every answer — how many requests a window allows, how many remain,
//! when the window resets, as bol.com's `x-ratelimit-*` headers do and as the IETF draft
//! <https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/> standardises — is
//! best followed rather than guessed: bol asks clients to "program against" these headers "so
//! your implementation will keep working even if the rate limits change over time", and to back
//! off on 429 (https://api.bol.com/retailer/public/Retailer-API/ratelimits.html). The vendor's
//! [`crate::Classify::rate_headers`] reads them into a [`RateHeaders`]; once an endpoint's
//! answer told its limit, remaining requests and reset, this budget replaces the configured one
//! for that endpoint:
//!
//! - within the vendor's current window the client sends at most what the vendor said remains,
//!   minus the requests already on their way and a reserve (a tenth of the limit, more after a
//!   429);
//! - when the vendor says nothing remains, or answers 429, the endpoint waits for the reset (or
//!   the `Retry-After`); every 429 doubles the reserve, every quiet window halves it again;
//! - after the reset one request goes first; its answer says what the new window has left
//!   (other clients of the same account may be spending it too).
//!
//! A 429 blocks its endpoint for its `Retry-After` whether or not the vendor tells budgets.
//! Endpoints are keyed by the request's endpoint label (`GET /retailer/orders/{order-id}`), so
//! a label should name the endpoint, not the URL: a vendor whose labels carry ids and that
//! tells no budget is forgotten as soon as its answers are in (nothing is kept for it).
//!
//! Pure bookkeeping on an injected `now`; the waiting is in `pacing.rs`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// What one answer said about its endpoint's budget (each part when the vendor told it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateHeaders {
    /// Requests per window (bol: `x-ratelimit-limit`).
    pub limit: Option<u32>,
    /// Requests left in this window (bol: `x-ratelimit-remaining`).
    pub remaining: Option<u32>,
    /// Time until the window's budget is back (bol: `x-ratelimit-reset`).
    pub reset: Option<Duration>,
}

/// What became of a request the budget let go ([`Admission::Go`] or
/// [`Admission::Configured`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// No answer came (a transport failure, or the caller gave up waiting).
    NoAnswer,
    /// An answer other than a refusal, with what its headers told.
    Answered(RateHeaders),
    /// A 429: the vendor refused to act, with what its headers told and the wait it asked
    /// for (`Retry-After`), when it named one.
    Refused {
        /// What the refusal's headers told.
        headers: RateHeaders,
        /// The `Retry-After` wait.
        retry_after: Option<Duration>,
    },
}

/// The vendor's window for one endpoint as last heard, and what is left of it.
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
    /// Whether the vendor answered 429 in the current window (a quiet window halves the
    /// reserve).
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
    /// No request before this instant (the vendor said the budget is spent, or answered 429).
    blocked_until: Option<Instant>,
    /// Whether that block comes from a 429 (the vendor refused), not from its own pacing.
    blocked_by_refusal: bool,
    learned: Option<Learned>,
}

impl EndpointState {
    /// Whether there is nothing to remember about the endpoint (it is then forgotten).
    fn is_blank(&self) -> bool {
        self.in_flight == 0 && self.blocked_until.is_none() && self.learned.is_none()
    }
}

/// What the budget says about one more request now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Send it now (counted as on its way).
    Go,
    /// Ask again after this long: the vendor's window is spent and this is how long until its
    /// reset (pacing; waiting it out is what the vendor asks for).
    Wait(Duration),
    /// Ask again after this long: the vendor refused a request with 429 and asked for this
    /// wait.
    Refused(Duration),
    /// Nothing learned yet for this endpoint: the configured budget decides (the request is
    /// counted as on its way).
    Configured,
}

/// Learned budgets of every endpoint of one client.
#[derive(Debug, Default)]
pub struct AdaptiveBudget {
    endpoints: Mutex<HashMap<String, EndpointState>>,
}

impl AdaptiveBudget {
    /// Asks to start one request to `endpoint` at `now`. [`Admission::Go`] and
    /// [`Admission::Configured`] count it as on its way until [`AdaptiveBudget::record`]
    /// hears its reply.
    pub fn admit(&self, endpoint: &str, now: Instant) -> Admission {
        let mut endpoints = self
            .endpoints
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let state = endpoints.entry(endpoint.to_owned()).or_default();
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
            // The vendor's window is over: assume a fresh one until an answer says more.
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

    /// Records the reply to a request [`AdaptiveBudget::admit`] let go.
    pub fn record(&self, endpoint: &str, now: Instant, reply: Reply) {
        let mut endpoints = self
            .endpoints
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let state = endpoints.entry(endpoint.to_owned()).or_default();
        state.in_flight = state.in_flight.saturating_sub(1);
        let (headers, refusal) = match reply {
            Reply::NoAnswer => (RateHeaders::default(), None),
            Reply::Answered(headers) => (headers, None),
            Reply::Refused {
                headers,
                retry_after,
            } => (headers, Some(retry_after)),
        };
        if let (Some(limit), Some(remaining), Some(reset)) =
            (headers.limit, headers.remaining, headers.reset)
        {
            learn(state, now, limit, remaining, reset);
        }
        if let Some(retry_after) = refusal {
            if let Some(learned) = state.learned.as_mut() {
                learned.reserve = (learned.reserve.max(1) * 2).min(learned.limit - 1);
                learned.remaining = 0;
                learned.refused_in_window = true;
            }
            tracing::debug!(endpoint, "answered 429; lowering this endpoint's budget");
            if let Some(wait) = retry_after.or(headers.reset) {
                block(state, now + wait, true);
            }
        } else if headers.remaining == Some(0) {
            if let Some(reset) = headers.reset.filter(|reset| !reset.is_zero()) {
                block(state, now + reset, false);
            }
        }
        if state.is_blank() {
            endpoints.remove(endpoint);
        }
    }

    /// How many endpoints the budget keeps anything for.
    #[cfg(test)]
    fn endpoints_kept(&self) -> usize {
        self.endpoints
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// Takes in an answer that told the endpoint's whole budget.
fn learn(state: &mut EndpointState, now: Instant, limit: u32, remaining: u32, reset: Duration) {
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

fn block(state: &mut EndpointState, until: Instant, refused: bool) {
    state.blocked_by_refusal |= refused;
    state.blocked_until = Some(state.blocked_until.map_or(until, |known| known.max(until)));
}

#[cfg(test)]
mod tests {
    use super::*;

    const DETAIL: &str = "GET /retailer/orders/{order-id}";

    fn told(limit: u32, remaining: u32, reset_secs: u64) -> RateHeaders {
        RateHeaders {
            limit: Some(limit),
            remaining: Some(remaining),
            reset: Some(Duration::from_secs(reset_secs)),
        }
    }

    fn answered(limit: u32, remaining: u32, reset_secs: u64) -> Reply {
        Reply::Answered(told(limit, remaining, reset_secs))
    }

    #[tokio::test(start_paused = true)]
    async fn the_configured_budget_decides_until_the_vendor_tells_its_limit() {
        let budgets = AdaptiveBudget::default();
        let now = Instant::now();
        assert_eq!(budgets.admit(DETAIL, now), Admission::Configured);
        budgets.record(DETAIL, now, answered(100, 99, 1));
        // 99 left minus a reserve of 10: 89 go at once, then the window is spent.
        for _ in 0..89 {
            assert_eq!(budgets.admit(DETAIL, now), Admission::Go);
        }
        assert_eq!(
            budgets.admit(DETAIL, now),
            Admission::Wait(Duration::from_secs(1))
        );
        for _ in 0..89 {
            budgets.record(DETAIL, now, Reply::NoAnswer);
        }
        // After the reset one request probes the fresh window; its answer opens it.
        let next = now + Duration::from_secs(1);
        assert_eq!(budgets.admit(DETAIL, next), Admission::Go);
        assert_eq!(
            budgets.admit(DETAIL, next),
            Admission::Wait(Duration::from_secs(1))
        );
        budgets.record(DETAIL, next, answered(100, 99, 1));
        let mut sent = 0;
        while budgets.admit(DETAIL, next) == Admission::Go {
            sent += 1;
        }
        assert_eq!(sent, 89);
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_vendor_says_remains_and_a_spent_budget_waits_for_the_reset() {
        let budgets = AdaptiveBudget::default();
        let now = Instant::now();
        assert_eq!(budgets.admit(DETAIL, now), Admission::Configured);
        assert_eq!(budgets.admit(DETAIL, now), Admission::Configured);
        // One answer says 3 remain; the other request is still on its way: 2 may go.
        budgets.record(DETAIL, now, answered(8, 3, 20));
        assert_eq!(budgets.admit(DETAIL, now), Admission::Go);
        assert_eq!(budgets.admit(DETAIL, now), Admission::Go);
        assert_eq!(
            budgets.admit(DETAIL, now),
            Admission::Wait(Duration::from_secs(20))
        );
        budgets.record(DETAIL, now, answered(8, 0, 5));
        assert_eq!(
            budgets.admit(DETAIL, now),
            Admission::Wait(Duration::from_secs(5))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_waits_its_retry_after_and_keeps_more_in_reserve() {
        let budgets = AdaptiveBudget::default();
        let now = Instant::now();
        budgets.admit(DETAIL, now);
        budgets.record(DETAIL, now, answered(40, 39, 10));
        assert_eq!(budgets.admit(DETAIL, now), Admission::Go);
        budgets.record(
            DETAIL,
            now,
            Reply::Refused {
                headers: told(40, 0, 10),
                retry_after: Some(Duration::from_secs(10)),
            },
        );
        assert_eq!(
            budgets.admit(DETAIL, now),
            Admission::Refused(Duration::from_secs(10))
        );
        // The next window leaves 8 unspent instead of 4.
        let next = now + Duration::from_secs(10);
        assert_eq!(budgets.admit(DETAIL, next), Admission::Go);
        budgets.record(DETAIL, next, answered(40, 39, 10));
        let mut sent = 0;
        while budgets.admit(DETAIL, next) == Admission::Go {
            sent += 1;
        }
        assert_eq!(sent, 39 - 8);
    }

    #[tokio::test(start_paused = true)]
    async fn quiet_windows_halve_the_reserve_again() {
        let budgets = AdaptiveBudget::default();
        let now = Instant::now();
        budgets.admit(DETAIL, now);
        budgets.record(DETAIL, now, answered(40, 39, 10));
        budgets.admit(DETAIL, now);
        budgets.record(
            DETAIL,
            now,
            Reply::Refused {
                headers: told(40, 0, 10),
                retry_after: Some(Duration::from_secs(10)),
            },
        );
        // The refused window is over (reserve 8 now); the next one passes without a 429.
        let quiet = now + Duration::from_secs(10);
        assert_eq!(budgets.admit(DETAIL, quiet), Admission::Go);
        budgets.record(DETAIL, quiet, answered(40, 39, 10));
        // After that quiet window the reserve is halved to 4: 35 of 39 go.
        let after = quiet + Duration::from_secs(10);
        assert_eq!(budgets.admit(DETAIL, after), Admission::Go);
        budgets.record(DETAIL, after, answered(40, 39, 10));
        let mut sent = 0;
        while budgets.admit(DETAIL, after) == Admission::Go {
            sent += 1;
        }
        assert_eq!(sent, 39 - 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_spent_budget_without_a_limit_still_waits_for_the_reset() {
        let budgets = AdaptiveBudget::default();
        let now = Instant::now();
        budgets.admit(DETAIL, now);
        let spent = RateHeaders {
            limit: None,
            remaining: Some(0),
            reset: Some(Duration::from_secs(2)),
        };
        budgets.record(DETAIL, now, Reply::Answered(spent));
        assert_eq!(
            budgets.admit(DETAIL, now),
            Admission::Wait(Duration::from_secs(2))
        );
        let later = now + Duration::from_secs(2);
        assert_eq!(budgets.admit(DETAIL, later), Admission::Configured);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_blocks_its_endpoint_even_when_the_vendor_tells_no_budget() {
        let budgets = AdaptiveBudget::default();
        let now = Instant::now();
        assert_eq!(budgets.admit(DETAIL, now), Admission::Configured);
        budgets.record(
            DETAIL,
            now,
            Reply::Refused {
                headers: RateHeaders::default(),
                retry_after: Some(Duration::from_secs(30)),
            },
        );
        assert_eq!(
            budgets.admit(DETAIL, now + Duration::from_secs(10)),
            Admission::Refused(Duration::from_secs(20))
        );
        assert_eq!(budgets.admit("GET /other", now), Admission::Configured);
        assert_eq!(
            budgets.admit(DETAIL, now + Duration::from_secs(30)),
            Admission::Configured
        );
    }

    #[tokio::test(start_paused = true)]
    async fn endpoints_that_tell_nothing_are_forgotten_once_answered() {
        let budgets = AdaptiveBudget::default();
        let now = Instant::now();
        // Labels with ids in them (`GET orders/17`), answered without budget headers.
        for id in 0..1000 {
            let label = format!("GET orders/{id}");
            assert_eq!(budgets.admit(&label, now), Admission::Configured);
            budgets.record(&label, now, Reply::Answered(RateHeaders::default()));
        }
        assert_eq!(budgets.endpoints_kept(), 0);
        // What was learned is kept.
        budgets.admit(DETAIL, now);
        budgets.record(DETAIL, now, answered(10, 9, 60));
        assert_eq!(budgets.endpoints_kept(), 1);
    }
}
