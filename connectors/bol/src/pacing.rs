//! How [`BolClient`] waits: for its own rate budget before each request, for an endpoint whose
//! budget bol reported spent (`x-ratelimit-remaining: 0`), after a 429 (its `Retry-After`, or
//! the policy's exponential backoff when bol names no wait) and between retries.

use std::sync::PoisonError;
use std::time::Duration;

use orderbridge_core::ConnectorError;
use tokio::time::Instant;

use crate::call::ApiCall;
use crate::BolClient;

impl BolClient {
    /// Takes a slot from the call's rate budget and waits until it is due.
    pub(crate) async fn wait_for_budget(&self, call: &ApiCall, location: &str) {
        let wait = self.inner.budgets.reserve(call.group);
        if !wait.is_zero() {
            tracing::debug!(endpoint = %location, ?wait, "keeping to the bol rate budget");
            tokio::time::sleep(wait).await;
        }
    }

    pub(crate) fn throttle_until(&self, endpoint: &'static str, until: Instant) {
        let mut throttle = self
            .inner
            .throttle
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        throttle.insert(endpoint, until);
    }

    /// Waits until bol's reported budget of `endpoint` resets.
    ///
    /// # Errors
    ///
    /// [`ConnectorError::RateLimited`] when the reset is further away than the policy waits.
    pub(crate) async fn wait_for_throttle(
        &self,
        endpoint: &'static str,
    ) -> Result<(), ConnectorError> {
        let until = {
            let throttle = self
                .inner
                .throttle
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            throttle.get(endpoint).copied()
        };
        let Some(until) = until else { return Ok(()) };
        let wait = until.saturating_duration_since(Instant::now());
        if wait.is_zero() {
            return Ok(());
        }
        if !self.inner.retry.waits_out(wait) {
            return Err(ConnectorError::RateLimited {
                retry_after: Some(wait),
            });
        }
        tracing::debug!(
            endpoint,
            ?wait,
            "bol rate limit budget spent; waiting for reset"
        );
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// Waits after a 429: `retry_after` when bol named it, else the policy's backoff.
    ///
    /// # Errors
    ///
    /// [`ConnectorError::RateLimited`] when the wait is longer than the policy waits out or
    /// no attempt is left.
    pub(crate) async fn wait_rate_limit(
        &self,
        retry_after: Option<Duration>,
        attempt: u32,
        max_attempts: u32,
        location: &str,
    ) -> Result<(), ConnectorError> {
        let policy = self.inner.retry;
        let too_long = retry_after.is_some_and(|wait| !policy.waits_out(wait));
        if too_long || attempt >= max_attempts {
            return Err(ConnectorError::RateLimited { retry_after });
        }
        let wait = retry_after.unwrap_or_else(|| policy.backoff(attempt, rand::random::<f64>()));
        tracing::debug!(endpoint = %location, ?wait, "bol answered 429; waiting before the next attempt");
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// Waits the policy's backoff before attempt `attempt + 1`.
    pub(crate) async fn back_off(&self, attempt: u32, location: &str, error: &ConnectorError) {
        let wait = self.inner.retry.backoff(attempt, rand::random::<f64>());
        tracing::debug!(endpoint = %location, ?wait, %error, "retrying bol call");
        tokio::time::sleep(wait).await;
    }
}
