//! The simulator's rate limits, enforced the way bol enforces them and told the way bol tells
//! them: a budget of requests per window for each endpoint, the three `x-ratelimit-*` headers
//! on every answer of the Retailer API (2xx, errors and refusals alike), and `429 Too Many
//! Requests` with `Retry-After` once the window's budget is spent.
//!
//! Sources: bol's rate-limit page asks clients to program against these headers because
//! "every response contains information on rate limits, such as how much request budget you
//! have left, when the budget will be replenished"
//! (https://api.bol.com/retailer/public/Retailer-API/ratelimits.html); the header names and
//! their meaning (`x-ratelimit-reset` in seconds until the budget is replenished) are from
//! bol's own example `x-ratelimit-limit: 10`, `x-ratelimit-remaining: 2`,
//! `x-ratelimit-reset: 1` (https://api.bol.com/marketing/docs/catalog-api/ratelimits.html);
//! the per-endpoint rules ("MaxCapacity" requests per "TTL" time units, e.g. 7 per 3 minutes
//! for the orders list in the conventions' example table,
//! https://api.bol.com/retailer/public/Retailer-API/conventions.html) are fixed windows.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;

use super::faults::SimEndpoint;
use super::gate::endpoint_of;
use super::http::Refusal;
use crate::response::{RATE_LIMIT_LIMIT, RATE_LIMIT_REMAINING, RATE_LIMIT_RESET};

/// One endpoint's budget: `requests` per window of `window_secs` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimRateLimit {
    /// Requests allowed per window (`x-ratelimit-limit`).
    pub requests: u32,
    /// Window length in whole seconds (bol's reset header counts whole seconds).
    pub window_secs: u64,
}

impl SimRateLimit {
    /// bol's figures for the endpoints the connector calls, from bol's published rate-limit
    /// overview (https://api.bol.com/retailer/public/ratelimits, as summarised in
    /// media2net-app/bol `RATE_LIMITS.md`: the orders list 25 a minute, an order's details
    /// 25 a second, shipments 25 a second); the process-status, cancellation, stock and
    /// shipping-label endpoints, which that summary does not list, get the shipments' 25 a
    /// second. Not the
    /// simulator's default, which is generous so tests of other things never wait.
    pub fn bol_published(endpoint: SimEndpoint) -> Self {
        let (requests, window_secs) = match endpoint {
            SimEndpoint::ListOrders => (25, 60),
            _ => (25, 1),
        };
        Self {
            requests,
            window_secs,
        }
    }
}

/// The simulator's default for every endpoint: far more than any test sends, so only tests
/// that set limits meet a 429 (the headers are sent all the same).
const GENEROUS: SimRateLimit = SimRateLimit {
    requests: 10_000,
    window_secs: 1,
};

#[derive(Debug)]
struct Window {
    started: Instant,
    used: u32,
}

/// Budgets and windows of every endpoint, and what they let through.
#[derive(Debug, Default)]
pub(crate) struct SimRateLimiter {
    limits: Vec<(SimEndpoint, SimRateLimit)>,
    windows: Vec<(SimEndpoint, Window)>,
    admitted: u64,
    refused: u64,
}

/// The rate-limit headers of one answer, and whether the request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verdict {
    limit: u32,
    remaining: u32,
    reset_secs: u64,
    refused: bool,
}

impl SimRateLimiter {
    pub(crate) fn set(&mut self, endpoint: SimEndpoint, limit: SimRateLimit) {
        self.limits.retain(|(known, _)| *known != endpoint);
        self.windows.retain(|(known, _)| *known != endpoint);
        self.limits.push((endpoint, limit));
    }

    /// The limit set for `endpoint`, else the one set for [`SimEndpoint::Any`], else the
    /// generous default.
    fn limit_of(&self, endpoint: SimEndpoint) -> SimRateLimit {
        [endpoint, SimEndpoint::Any]
            .iter()
            .find_map(|wanted| self.limits.iter().find(|(known, _)| known == wanted))
            .map_or(GENEROUS, |(_, limit)| *limit)
    }

    /// Counts a request to `endpoint` at `now` against its window (a new window starts with
    /// the first request after the last one ended).
    pub(crate) fn admit(&mut self, endpoint: SimEndpoint, now: Instant) -> Verdict {
        let limit = self.limit_of(endpoint);
        let length = Duration::from_secs(limit.window_secs.max(1));
        let idx = match self
            .windows
            .iter()
            .position(|(known, _)| *known == endpoint)
        {
            Some(idx) => idx,
            None => {
                let fresh = Window {
                    started: now,
                    used: 0,
                };
                self.windows.push((endpoint, fresh));
                self.windows.len() - 1
            }
        };
        let window = &mut self.windows[idx].1;
        if now.saturating_duration_since(window.started) >= length {
            *window = Window {
                started: now,
                used: 0,
            };
        }
        let left = (window.started + length).saturating_duration_since(now);
        // Whole seconds, rounded up: the budget is certainly back after this many seconds.
        let reset_secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        let refused = window.used >= limit.requests;
        if refused {
            self.refused += 1;
        } else {
            window.used += 1;
            self.admitted += 1;
        }
        Verdict {
            limit: limit.requests,
            remaining: limit.requests.saturating_sub(window.used),
            reset_secs,
            refused,
        }
    }

    /// Requests let through and requests refused with 429 so far.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (self.admitted, self.refused)
    }
}

/// The limiter shared by the server and the [`super::BolSim`] handles.
pub(crate) type SharedLimiter = Arc<Mutex<SimRateLimiter>>;

/// Runs `f` on the limiter under its lock.
pub(crate) fn with_limiter<T>(
    limiter: &SharedLimiter,
    f: impl FnOnce(&mut SimRateLimiter) -> T,
) -> T {
    let mut guard = limiter.lock().unwrap_or_else(PoisonError::into_inner);
    f(&mut guard)
}

/// The middleware in front of the Retailer API (outside the fault gate): refuses a request
/// over its endpoint's budget with 429 and `Retry-After`, and puts the three headers on every
/// answer that does not carry them already; an injected 429 fault is left as injected (with
/// or without its wait), since it stands for exactly the answer a test wants to see.
pub(crate) async fn rate_gate(
    State(limiter): State<SharedLimiter>,
    request: Request,
    next: Next,
) -> Response {
    let Some(endpoint) = endpoint_of(request.method(), request.uri().path())
        .filter(|endpoint| *endpoint != SimEndpoint::Token)
    else {
        return next.run(request).await;
    };
    let verdict = with_limiter(&limiter, |l| l.admit(endpoint, Instant::now()));
    let mut response = if verdict.refused {
        tracing::debug!(
            ?endpoint,
            "bol simulator refuses a request over its rate limit"
        );
        Refusal::RateLimited {
            retry_after_secs: Some(verdict.reset_secs),
        }
        .into_response()
    } else {
        let answer = next.run(request).await;
        if answer.status() == StatusCode::TOO_MANY_REQUESTS {
            // An injected rate-limit fault: it says exactly what the test wants said.
            return answer;
        }
        answer
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (RATE_LIMIT_LIMIT, u64::from(verdict.limit)),
        (RATE_LIMIT_REMAINING, u64::from(verdict.remaining)),
        (RATE_LIMIT_RESET, verdict.reset_secs),
    ] {
        if !headers.contains_key(name) {
            headers.insert(name, HeaderValue::from(value));
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_window_admits_its_budget_then_refuses_until_it_ends() {
        let mut limiter = SimRateLimiter::default();
        let rule = SimRateLimit {
            requests: 2,
            window_secs: 10,
        };
        limiter.set(SimEndpoint::GetOrder, rule);
        let start = Instant::now();
        let first = limiter.admit(SimEndpoint::GetOrder, start);
        assert_eq!((first.limit, first.remaining, first.reset_secs), (2, 1, 10));
        assert!(!limiter.admit(SimEndpoint::GetOrder, start).refused);
        let later = start + Duration::from_millis(2500);
        let third = limiter.admit(SimEndpoint::GetOrder, later);
        assert!(third.refused);
        assert_eq!((third.remaining, third.reset_secs), (0, 8));
        // Other endpoints keep their own budget.
        assert!(!limiter.admit(SimEndpoint::ListOrders, later).refused);
        let next_window = start + Duration::from_secs(10);
        let fourth = limiter.admit(SimEndpoint::GetOrder, next_window);
        assert!(!fourth.refused);
        assert_eq!(fourth.remaining, 1);
        assert_eq!(limiter.counts(), (4, 1));
    }
}
