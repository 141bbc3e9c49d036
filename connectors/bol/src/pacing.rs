//! How [`BolClient`] waits: before each request for its endpoint's budget (as bol's
//! `x-ratelimit-*` headers told it, `learned.rs`, or the configured one until they did, which
//! covers an endpoint bol reported spent), after a 429 (its `Retry-After`, or the policy's
//! exponential backoff when bol names no wait) and between retries.

use std::time::Duration;

use orderbridge_core::ConnectorError;
use tokio::time::Instant;

use crate::call::ApiCall;
use crate::learned::Admission;
use crate::BolClient;

/// Longest wait for bol's rate-limit window to reset that a call sits out by itself (bol's
/// example table has windows of up to 3 minutes); a longer one is handed back as
/// [`ConnectorError::RateLimited`] so the job backs off instead.
const MAX_WINDOW_WAIT: Duration = Duration::from_secs(15 * 60);

impl BolClient {
    /// Waits until the call's endpoint may send one more request, and counts it as on its
    /// way. Once bol's headers told the endpoint's budget (`learned.rs`) that budget decides;
    /// before, the configured budget of the call's group does.
    ///
    /// # Errors
    ///
    /// [`ConnectorError::RateLimited`] when bol refused the endpoint with a wait longer than
    /// the policy waits out, or its window resets only after more than 15 minutes.
    pub(crate) async fn wait_for_budget(
        &self,
        call: &ApiCall,
        location: &str,
    ) -> Result<(), ConnectorError> {
        loop {
            match self.inner.learned.admit(call.endpoint, Instant::now()) {
                Admission::Go => return Ok(()),
                Admission::Configured => {
                    let wait = self.inner.budgets.reserve(call.group);
                    if !wait.is_zero() {
                        tracing::debug!(endpoint = %location, ?wait, "keeping to the configured bol rate budget");
                        tokio::time::sleep(wait).await;
                    }
                    return Ok(());
                }
                // bol's window is spent: wait for its reset, even a long one (bol's example
                // windows are minutes): handing back would make a long list start again at
                // page 1 next run and never reach its end. Only a wait beyond any window bol
                // uses for the endpoints we call is handed back.
                Admission::Wait(wait) => {
                    if wait > MAX_WINDOW_WAIT {
                        return Err(ConnectorError::RateLimited {
                            retry_after: Some(wait),
                        });
                    }
                    tracing::debug!(endpoint = %location, ?wait, "bol's rate budget is spent; waiting for its reset");
                    tokio::time::sleep(wait).await;
                }
                // bol refused with 429 and asked for a wait: waited out only as long as the
                // retry policy says, else the caller decides.
                Admission::Refused(wait) => {
                    if !self.inner.retry.waits_out(wait) {
                        return Err(ConnectorError::RateLimited {
                            retry_after: Some(wait),
                        });
                    }
                    tracing::debug!(endpoint = %location, ?wait, "bol refused a request; waiting as it asked");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}
