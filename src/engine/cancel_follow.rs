//! Following cancellations the marketplace accepted: every line's process must succeed; a
//! failed process is judged on the order read again (sent again after a backoff a bounded
//! number of times, else `error`), a time-out looks each line up and sends it again.

use crate::store::Column;
use std::collections::HashMap;

use orderbridge_core::domain::ProcessId;
use orderbridge_core::marketplace::ProcessState;
use orderbridge_core::{Marketplace, Webshop};

use super::lines::own_lines_cancelled;
use super::process_failure::{own_lines_now, OwnLinesNow, MAX_PROCESS_FAILURES};
use super::{Engine, JobError};
use crate::status::Step;
use crate::store::{EventKind, OrderRecord, Transition};

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    pub(super) async fn follow_cancellations(
        &self,
        pending: &[OrderRecord],
    ) -> Result<usize, JobError> {
        let ids: Vec<ProcessId> = pending
            .iter()
            .flat_map(|o| o.cancel.process_ids.iter().cloned())
            .collect();
        if ids.is_empty() {
            return Ok(0);
        }
        let processes = match self.marketplace.processes(&ids).await {
            Ok(processes) => processes,
            Err(error) => {
                tracing::warn!(connection = %self.settings.connection, "reading cancellation processes failed, will retry: {error}");
                return Ok(0);
            }
        };
        let states: HashMap<&str, &ProcessState> = processes
            .iter()
            .map(|p| (p.id.as_str(), &p.state))
            .collect();
        let mut n_done = 0;
        for order in pending {
            if order.cancel.process_ids.is_empty() {
                continue;
            }
            let of_order: Vec<Option<&&ProcessState>> = order
                .cancel
                .process_ids
                .iter()
                .map(|id| states.get(id.as_str()))
                .collect();
            let failure = of_order.iter().find_map(|state| match state {
                Some(ProcessState::Failed { message }) => Some(message.clone()),
                _ => None,
            });
            let done = if let Some(message) = failure {
                self.cancellation_failed(order, &message).await?
            } else if of_order
                .iter()
                .any(|s| matches!(s, Some(ProcessState::TimedOut)))
            {
                self.transition(
                    order,
                    Transition::of(order.id)
                        .when(Column::CancelStep, Step::Pending)
                        .set(Column::CancelStep, Step::Requested)
                        .set(Column::CancelProcessId, Option::<String>::None)
                        .event(EventKind::Error, "the marketplace timed out processing the cancellation; sending it again"),
                )
                .await?
            } else if of_order
                .iter()
                .all(|s| matches!(s, Some(ProcessState::Succeeded)))
            {
                self.cancellation_done(order, "marketplace confirmed the cancellation: cancelled")
                    .await?
            } else {
                false
            };
            if done {
                n_done += 1;
            }
        }
        Ok(n_done)
    }
    /// A line's cancellation process failed. The order is read again (see
    /// `process_failure.rs`): every own line cancelled there → `cancelled`; still open as we
    /// left it → the cancellation is sent again after a backoff (each line looked up first, so
    /// lines whose process succeeded are not sent twice), a bounded number of times;
    /// otherwise `error` with bol's message.
    async fn cancellation_failed(
        &self,
        order: &OrderRecord,
        message: &str,
    ) -> Result<bool, JobError> {
        let refused = format!("the marketplace refused the cancellation: {message}");
        let details = match self.reread_after_failure(order).await {
            Ok(details) => details,
            Err(error) if error.is_retryable() => return self.defer_failure(order, &error).await,
            Err(error) => {
                return self
                    .fail_cancellation(
                        order,
                        Step::Pending,
                        &format!("{refused} (and reading the order again failed: {error})"),
                    )
                    .await
            }
        };
        let lines = self.store.lines(order.id).await?;
        match own_lines_now(order, &lines, &details) {
            OwnLinesNow::Done if own_lines_cancelled(&details) => {
                self.cancellation_done(
                    order,
                    "marketplace refused a cancellation but the order is cancelled: cancelled",
                )
                .await
            }
            OwnLinesNow::StillOpen if order.cancel.failures < MAX_PROCESS_FAILURES => {
                let n_failures = order.cancel.failures + 1;
                let retry_at = self.resend_at(order.cancel.failures);
                let wait_minutes = (retry_at - self.now_millis()) / 60_000;
                self.transition(
                    order,
                    Transition::of(order.id)
                        .when(Column::CancelStep, Step::Pending)
                        .when(Column::CancelFailures, order.cancel.failures)
                        .set(Column::CancelStep, Step::Requested)
                        .set(Column::CancelProcessId, Option::<String>::None)
                        .set(Column::CancelFailures, n_failures)
                        .set(Column::RetryAt, retry_at)
                        .event(
                            EventKind::Error,
                            format!(
                                "a cancellation process failed at the marketplace ({message}); the order is still open there: \
                                 sending it again in {wait_minutes} minutes (failure {n_failures} of at most {MAX_PROCESS_FAILURES} retried)"
                            ),
                        ),
                )
                .await?;
                Ok(false)
            }
            OwnLinesNow::StillOpen => {
                self.fail_cancellation(
                    order,
                    Step::Pending,
                    &format!("{refused} ({} failures)", order.cancel.failures + 1),
                )
                .await
            }
            OwnLinesNow::Done | OwnLinesNow::ChangedElsewhere => {
                self.fail_cancellation(
                    order,
                    Step::Pending,
                    &format!("{refused}; the marketplace shows items shipped that orderbridge did not send"),
                )
                .await
            }
        }
    }
}
