//! The cancel job: carry cancellations to the other side. A buyer's request or a marketplace
//! cancellation cancels the webshop order (never creating one that was not there yet) and, for
//! a buyer's request, is confirmed to the marketplace; a webshop cancellation is sent to the
//! marketplace. Marketplace writes follow the same intent → call → process path as shipments.

use crate::store::Column;
use orderbridge_core::domain::OrderLineId;
use orderbridge_core::domain::WebshopOrderId;
use orderbridge_core::marketplace::{
    CancelReason, Cancellation, ProcessKind, ProcessState, WriteOutcome,
};
use orderbridge_core::webshop::WebshopStatus;
use orderbridge_core::{Marketplace, Webshop};

use super::lines::MarketplaceLines;
use super::rules::waits;
use super::{CancelOrigin, Engine, Failpoint, JobError, JobReport};
use crate::status::{OrderStatus, Step};
use crate::store::{EventKind, OrderLine, OrderRecord, Transition};

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    /// One cancel run.
    ///
    /// # Errors
    ///
    /// On store failure; vendor failures are recorded on the orders.
    pub async fn run_cancel(&self) -> Result<JobReport, JobError> {
        let mut report = JobReport::default();
        let statuses = [
            OrderStatus::CancellationRequest,
            OrderStatus::PendingCancellation,
        ];
        let (connection, now, limit) = (
            &self.settings.connection,
            self.now_millis(),
            self.settings.batch_limit,
        );
        // Cancellations to carry out and cancellations to follow are read apart, so slow
        // processes never crowd out new cancellations.
        let mut orders = self
            .store
            .orders_at_step(
                connection,
                Column::CancelStep,
                &[Step::Ready, Step::Requested],
                &statuses,
                now,
                limit,
            )
            .await?;
        orders.extend(
            self.store
                .orders_at_step(
                    connection,
                    Column::CancelStep,
                    &[Step::Pending],
                    &statuses,
                    now,
                    limit,
                )
                .await?,
        );
        let mut pending = Vec::new();
        for order in orders {
            let Some(origin) = order.cancel_origin else {
                continue;
            };
            if order.cancel.step == Step::Pending {
                pending.push(order);
                continue;
            }
            if origin != CancelOrigin::Webshop && !self.cancel_in_webshop(&order).await? {
                continue;
            }
            let progressed = match (origin, order.cancel.step) {
                _ if order.is_test => {
                    self.cancellation_done(
                        &order,
                        "test order cancelled in the webshop (never sent to a marketplace): cancelled",
                    )
                    .await?
                }
                (CancelOrigin::Marketplace, _) => {
                    self.cancellation_done(&order, "cancelled on both sides: cancelled")
                        .await?
                }
                (_, Step::Ready) => self.send_cancellation(&order, origin).await?,
                (_, Step::Requested) => self.resume_cancellation(&order, origin).await?,
                _ => false,
            };
            if progressed {
                report.n_progressed += 1;
            }
        }
        report.n_progressed += self.follow_cancellations(&pending).await?;
        Ok(report)
    }

    /// Makes sure the webshop order is cancelled, or never created. Returns true once that
    /// holds; false while it must wait (creation attempt unresolved) or failed for now.
    async fn cancel_in_webshop(&self, order: &OrderRecord) -> Result<bool, JobError> {
        match order.create.step {
            Step::Pending => {
                return Ok(self
                    .transition(
                        order,
                        Transition::of(order.id)
                            .when(Column::CreateStep, Step::Pending)
                            .set(Column::CreateStep, Step::Skipped)
                            .event(
                                EventKind::Info,
                                "cancelled before it reached the webshop; it will not be created",
                            ),
                    )
                    .await?);
            }
            // The create job resolves an interrupted attempt first.
            Step::Requested => return Ok(false),
            _ => {}
        }
        if order.webshop_cancelled {
            return Ok(true);
        }
        let Some(webshop_id) = order.webshop_order_id.clone() else {
            return Ok(true);
        };
        if !self.settings.webshop_capabilities.cancellation {
            return self.cancelled_by_hand(order, &webshop_id).await;
        }
        self.hold_lease("cancelling the webshop order").await?;
        match self.webshop.cancel_order(&webshop_id).await {
            Ok(()) => Ok(self
                .transition(
                    order,
                    Transition::of(order.id)
                        .when(Column::WebshopCancelled, 0)
                        .set(Column::WebshopCancelled, 1)
                        .event(
                            EventKind::Call,
                            format!("cancelled webshop order {webshop_id}"),
                        ),
                )
                .await?),
            Err(error) if waits(&error) => {
                self.defer(order, "cancelling the webshop order", &error)
                    .await?;
                Ok(false)
            }
            Err(error) => {
                self.fail_cancellation(
                    order,
                    order.cancel.step,
                    &format!("the webshop refused to cancel order {webshop_id}: {error}"),
                )
                .await?;
                Ok(false)
            }
        }
    }

    /// A webshop that cannot cancel orders through its API: the merchant cancels the order
    /// there. Once the webshop says it is cancelled the cancellation goes on; until then the
    /// order stops in `error` saying so (the merchant's resend reads the webshop again).
    async fn cancelled_by_hand(
        &self,
        order: &OrderRecord,
        webshop_id: &WebshopOrderId,
    ) -> Result<bool, JobError> {
        match self.webshop.order(webshop_id).await {
            Ok(found) if found.status == WebshopStatus::Cancelled => Ok(self
                .transition(
                    order,
                    Transition::of(order.id)
                        .when(Column::WebshopCancelled, 0)
                        .set(Column::WebshopCancelled, 1)
                        .event(
                            EventKind::Info,
                            format!("webshop order {webshop_id} is cancelled (by hand: this webshop cannot cancel orders through its API)"),
                        ),
                )
                .await?),
            Ok(_) => {
                let reason = format!(
                    "this webshop cannot cancel orders through its API: cancel order                      {webshop_id} in the webshop, then resend this order"
                );
                self.fail_cancellation(order, order.cancel.step, &reason)
                    .await?;
                Ok(false)
            }
            Err(error) if waits(&error) => {
                self.defer(order, "reading the webshop order to cancel", &error)
                    .await?;
                Ok(false)
            }
            Err(error) => {
                let reason = format!("webshop order {webshop_id} cannot be read: {error}");
                self.fail_cancellation(order, order.cancel.step, &reason)
                    .await?;
                Ok(false)
            }
        }
    }

    /// The cancellations of the order's open lines of the merchant's own (never an FBB line,
    /// which bol refuses). A marketplace that cancels line by line gets one cancellation per
    /// line (bol takes one order item per request); one that cancels whole orders only gets
    /// one with every line, and only while the whole order is open and the merchant's.
    fn cancellations_of(
        &self,
        order: &OrderRecord,
        origin: CancelOrigin,
        lines: &[crate::store::OrderLine],
    ) -> Result<Vec<Cancellation>, String> {
        let order_id = order.marketplace_order_id.clone();
        let reason = match origin {
            CancelOrigin::BuyerRequest => CancelReason::RequestedByCustomer,
            CancelOrigin::Merchant => CancelReason::OutOfStock,
            CancelOrigin::Marketplace | CancelOrigin::Webshop => CancelReason::Other,
        };
        let marketplace_lines = MarketplaceLines::of(order);
        if !self.settings.marketplace_capabilities.per_line_cancellation {
            return whole_order_cancellation(order, lines, &marketplace_lines, reason);
        }
        let cancellations: Vec<Cancellation> = lines
            .iter()
            .filter(|l| marketplace_lines.is_own(&l.line_id))
            .filter(|l| l.quantity - l.quantity_shipped - l.quantity_cancelled > 0)
            .map(|l| {
                OrderLineId::parse(&l.line_id)
                    .map(|line_id| Cancellation {
                        order_id: order_id.clone(),
                        lines: vec![line_id],
                        reason,
                    })
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<_, _>>()?;
        if cancellations.is_empty() {
            return Err("no line has items left to cancel".into());
        }
        Ok(cancellations)
    }

    async fn send_cancellation(
        &self,
        order: &OrderRecord,
        origin: CancelOrigin,
    ) -> Result<bool, JobError> {
        let lines = self.store.lines(order.id).await?;
        let cancellations = match self.cancellations_of(order, origin, &lines) {
            Ok(c) => c,
            Err(reason) => return self.fail_cancellation(order, Step::Ready, &reason).await,
        };
        let intent = Transition::of(order.id)
            .when(Column::CancelStep, Step::Ready)
            .when(Column::Status, order.status)
            .set(Column::CancelStep, Step::Requested)
            .set(Column::CancelIntentAt, self.now_millis())
            .set(Column::CancelAttempts, order.cancel.attempts + 1)
            .event(
                EventKind::Call,
                "sending the cancellation to the marketplace",
            );
        if !self.transition(order, intent).await? {
            return Ok(false);
        }
        self.failpoint(Failpoint::CancelAfterIntent)?;
        self.cancel_lines(order, &cancellations, false).await
    }

    /// Cancels each line (after looking for an earlier attempt's process when `look_first`),
    /// and records the processes once every line has one.
    async fn cancel_lines(
        &self,
        order: &OrderRecord,
        cancellations: &[Cancellation],
        look_first: bool,
    ) -> Result<bool, JobError> {
        let mut process_ids = Vec::with_capacity(cancellations.len());
        for cancellation in cancellations {
            if look_first {
                let Some(line) = cancellation.lines.first() else {
                    continue;
                };
                match self
                    .marketplace
                    .find_processes(line.as_str(), ProcessKind::Cancellation)
                    .await
                {
                    Ok(processes) => {
                        if let Some(process) = processes.iter().find(|p| {
                            matches!(p.state, ProcessState::Pending | ProcessState::Succeeded)
                        }) {
                            process_ids.push(process.id.to_string());
                            continue;
                        }
                    }
                    Err(error) => {
                        self.defer(order, "looking up an earlier cancellation", &error)
                            .await?;
                        return Ok(false);
                    }
                }
            }
            self.hold_lease("cancelling on the marketplace").await?;
            let cancelled = self.marketplace.cancel(cancellation).await;
            self.failpoint(Failpoint::CancelAfterCall)?;
            match cancelled {
                Ok(WriteOutcome::Pending(process)) => process_ids.push(process.id.to_string()),
                // Applied already: nothing to follow for this line.
                Ok(WriteOutcome::Applied { .. }) => {}
                Err(error) if waits(&error) => {
                    // Lines already sent are found by lookup on the next run.
                    self.defer(order, "sending the cancellation", &error)
                        .await?;
                    return Ok(false);
                }
                Err(error) => {
                    return self
                        .fail_cancellation(
                            order,
                            Step::Requested,
                            &format!("the marketplace refused the cancellation: {error}"),
                        )
                        .await;
                }
            }
        }
        if process_ids.is_empty() {
            // Every line was applied when its call returned.
            let mut sent = order.clone();
            sent.cancel.step = Step::Requested;
            return self
                .cancellation_done(&sent, "the marketplace applied the cancellation: cancelled")
                .await;
        }
        self.cancellation_accepted(order, &process_ids).await
    }

    async fn cancellation_accepted(
        &self,
        order: &OrderRecord,
        process_ids: &[String],
    ) -> Result<bool, JobError> {
        let joined = process_ids.join(",");
        Ok(self
            .transition(
                order,
                Transition::of(order.id)
                    .when(Column::CancelStep, Step::Requested)
                    .set(Column::CancelStep, Step::Pending)
                    .set(Column::CancelProcessId, joined.as_str())
                    .set(Column::Status, OrderStatus::PendingCancellation)
                    .set(Column::RetryAt, Option::<i64>::None)
                    .event(
                        EventKind::Status,
                        format!("marketplace accepted the cancellation (process {joined}): pending_cancellation"),
                    ),
            )
            .await?)
    }

    async fn resume_cancellation(
        &self,
        order: &OrderRecord,
        origin: CancelOrigin,
    ) -> Result<bool, JobError> {
        let lines = self.store.lines(order.id).await?;
        let cancellations = match self.cancellations_of(order, origin, &lines) {
            Ok(c) => c,
            Err(reason) => {
                return self
                    .fail_cancellation(order, Step::Requested, &reason)
                    .await
            }
        };
        if !self.settings.marketplace_capabilities.process_lookup {
            // The marketplace cannot find what an earlier attempt did: the merchant checks.
            let message = format!(
                "an earlier attempt to cancel this order may have reached {0}, which cannot \
                 look its writes up: check in {0}'s seller dashboard whether order {1} is \
                 cancelled; resend it only if it is not",
                self.settings.marketplace_label, order.marketplace_order_id
            );
            self.stop_unresolved(order, Column::CancelStep, &message)
                .await?;
            return Ok(false);
        }
        self.cancel_lines(order, &cancellations, true).await
    }

    pub(super) async fn cancellation_done(
        &self,
        order: &OrderRecord,
        message: &str,
    ) -> Result<bool, JobError> {
        let marketplace_lines = MarketplaceLines::of(order);
        self.complete_step(
            order,
            Column::CancelStep,
            order.cancel.step,
            OrderStatus::Cancelled,
            message,
            |line| {
                marketplace_lines.settled(line, |own| {
                    (own.quantity_shipped, own.quantity - own.quantity_shipped)
                })
            },
        )
        .await
    }

    /// Stops the order in `error`. `from` is the cancel step it is in now; from `pending` it
    /// goes back to `requested`, so the resend looks up each line's process before sending.
    pub(super) async fn fail_cancellation(
        &self,
        order: &OrderRecord,
        from: Step,
        reason: &str,
    ) -> Result<bool, JobError> {
        self.transition(
            order,
            Transition::of(order.id)
                .when(Column::CancelStep, from)
                .set(
                    Column::CancelStep,
                    if from == Step::Pending {
                        Step::Requested
                    } else {
                        from
                    },
                )
                .set(Column::CancelProcessId, Option::<String>::None)
                .into_error(reason),
        )
        .await?;
        Ok(false)
    }
}

/// The one cancellation of a whole order, for a marketplace that cancels no single line; why
/// not when part of the order is shipped, cancelled or not the merchant's (the rest must then be
/// settled in the seller dashboard).
fn whole_order_cancellation(
    order: &OrderRecord,
    lines: &[OrderLine],
    marketplace_lines: &MarketplaceLines,
    reason: CancelReason,
) -> Result<Vec<Cancellation>, String> {
    let mut line_ids = Vec::with_capacity(lines.len());
    for line in lines {
        let settled = if !marketplace_lines.is_own(&line.line_id) {
            Some("is fulfilled by the marketplace")
        } else if line.quantity_shipped > 0 {
            Some("is shipped in part")
        } else if line.quantity_cancelled > 0 {
            Some("is cancelled in part")
        } else {
            None
        };
        if let Some(settled) = settled {
            return Err(format!(
                "this marketplace cancels whole orders only, and line {} {settled}: cancel                  what is left of order {} in the seller dashboard, then handle it manually",
                line.line_id, order.marketplace_order_id
            ));
        }
        line_ids.push(OrderLineId::parse(&line.line_id).map_err(|e| e.to_string())?);
    }
    if line_ids.is_empty() {
        return Err("no line has items left to cancel".into());
    }
    Ok(vec![Cancellation {
        order_id: order.marketplace_order_id.clone(),
        lines: line_ids,
        reason,
    }])
}
