//! Following shipments the marketplace accepted: its processes end in `shipped`, a failure
//! (the order read again, sent again after a backoff a bounded number of times, else `error`),
//! a time-out (looked up and sent again), or silence (after six hours the order itself is read).

use crate::store::Column;
use std::collections::HashMap;

use orderbridge_core::domain::ProcessId;
use orderbridge_core::marketplace::ProcessState;
use orderbridge_core::{Marketplace, Webshop};

use super::lines::own_lines_done;
use super::process_failure::{own_lines_now, OwnLinesNow, MAX_PROCESS_FAILURES};
use super::{Engine, JobError, PROCESS_STALE_MILLIS};
use crate::status::Step;
use crate::store::{EventKind, OrderRecord, Transition};

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    pub(super) async fn follow_processes(
        &self,
        pending: &[OrderRecord],
    ) -> Result<usize, JobError> {
        let by_process: HashMap<&ProcessId, &OrderRecord> = pending
            .iter()
            .flat_map(|o| o.ship.process_ids.iter().map(move |p| (p, o)))
            .collect();
        let ids: Vec<ProcessId> = by_process.keys().map(|id| (*id).clone()).collect();
        if ids.is_empty() {
            return Ok(0);
        }
        let processes = match self.marketplace.processes(&ids).await {
            Ok(processes) => processes,
            Err(error) => {
                tracing::warn!(connection = %self.settings.connection, "reading shipment processes failed, will retry: {error}");
                return Ok(0);
            }
        };
        let mut n_done = 0;
        let now = self.now();
        for order in pending {
            let answered = order
                .ship
                .process_ids
                .iter()
                .any(|id| processes.iter().any(|p| &p.id == id));
            let stale = order
                .ship
                .intent_at
                .is_some_and(|at| (now - at).num_milliseconds() > PROCESS_STALE_MILLIS);
            if !answered && stale && self.shipment_process_lost(order).await? {
                n_done += 1;
            }
        }
        for process in processes {
            let Some(order) = by_process.get(&process.id) else {
                continue;
            };
            let done = match &process.state {
                ProcessState::Pending => false,
                ProcessState::Succeeded => self.shipment_confirmed(order, "marketplace confirmed the shipment: shipped").await?,
                ProcessState::Failed { message } => self.shipment_failed(order, message).await?,
                ProcessState::TimedOut => {
                    self.transition(
                        order,
                        Transition::of(order.id)
                            .when(Column::ShipStep, Step::Pending)
                            .set(Column::ShipStep, Step::Requested)
                            .set(Column::ShipProcessId, Option::<String>::None)
                            .event(EventKind::Error, "the marketplace timed out processing the shipment; looking it up, then sending it again"),
                    )
                    .await?
                }
            };
            if done {
                n_done += 1;
            }
        }
        Ok(n_done)
    }

    /// The marketplace no longer knows the shipment's process: read the order to see whether
    /// it is shipped; if not, look the shipment up again (and send it if there is none).
    async fn shipment_process_lost(&self, order: &OrderRecord) -> Result<bool, JobError> {
        let details = match self.marketplace.order(&order.marketplace_order_id).await {
            Ok(details) => details,
            Err(error) => {
                self.defer(
                    order,
                    "reading an order whose shipment process is lost",
                    &error,
                )
                .await?;
                return Ok(false);
            }
        };
        if own_lines_done(&details) {
            return self
                .shipment_confirmed(order, "the marketplace shows the order shipped: shipped")
                .await;
        }
        self.transition(
            order,
            Transition::of(order.id)
                .when(Column::ShipStep, Step::Pending)
                .set(Column::ShipStep, Step::Requested)
                .set(Column::ShipProcessId, Option::<String>::None)
                .event(
                    EventKind::Error,
                    "the marketplace lost the shipment's process and the order is not shipped; looking it up, then sending it again",
                ),
        )
        .await?;
        Ok(false)
    }

    /// The marketplace's process for the shipment failed. The order is read again (see
    /// `process_failure.rs`): shipped there → `shipped`; still open as we left it → sent
    /// again after a backoff, a bounded number of times; otherwise `error` with bol's message.
    pub(super) async fn shipment_failed(
        &self,
        order: &OrderRecord,
        message: &str,
    ) -> Result<bool, JobError> {
        let details = match self.reread_after_failure(order).await {
            Ok(details) => details,
            Err(error) if error.is_retryable() => return self.defer_failure(order, &error).await,
            Err(error) => {
                return self
                    .fail_shipment(
                        order,
                        Step::Pending,
                        &format!("the marketplace refused the shipment: {message} (and reading the order again failed: {error})"),
                    )
                    .await
            }
        };
        let lines = self.store.lines(order.id).await?;
        match own_lines_now(order, &lines, &details) {
            OwnLinesNow::Done => {
                self.shipment_confirmed(
                    order,
                    "marketplace refused a shipment but the order is shipped: shipped",
                )
                .await
            }
            OwnLinesNow::StillOpen if order.ship.failures < MAX_PROCESS_FAILURES => {
                let n_failures = order.ship.failures + 1;
                let retry_at = self.resend_at(order.ship.failures);
                let wait_minutes = (retry_at - self.now_millis()) / 60_000;
                self.transition(
                    order,
                    Transition::of(order.id)
                        .when(Column::ShipStep, Step::Pending)
                        .when(Column::ShipFailures, order.ship.failures)
                        .set(Column::ShipStep, Step::Requested)
                        .set(Column::ShipProcessId, Option::<String>::None)
                        .set(Column::ShipFailures, n_failures)
                        .set(Column::RetryAt, retry_at)
                        .event(
                            EventKind::Error,
                            format!(
                                "the marketplace's shipment process failed ({message}); the order is still open there: \
                                 sending it again in {wait_minutes} minutes (failure {n_failures} of at most {MAX_PROCESS_FAILURES} retried)"
                            ),
                        ),
                )
                .await?;
                Ok(false)
            }
            OwnLinesNow::StillOpen => {
                self.fail_shipment(
                    order,
                    Step::Pending,
                    &format!(
                        "the marketplace refused the shipment {} times: {message}",
                        order.ship.failures + 1
                    ),
                )
                .await
            }
            OwnLinesNow::ChangedElsewhere => {
                self.fail_shipment(
                    order,
                    Step::Pending,
                    &format!(
                        "the marketplace refused the shipment: {message}; the marketplace shows items shipped that orderbridge did not send"
                    ),
                )
                .await
            }
        }
    }
}
