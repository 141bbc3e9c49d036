//! The ship job: push shipments to the marketplace exactly once (intent committed first; an
//! interrupted attempt looks for the marketplace's process before shipping again), then follow
//! the marketplace's processes until they succeed (`shipped`) or fail (`error`).

use crate::store::Column;
use orderbridge_core::domain::{OrderLineId, Quantity};
use orderbridge_core::marketplace::{
    LineQuantity, Process, ProcessKind, ProcessState, Shipment, WriteOutcome,
};
use orderbridge_core::{Marketplace, Webshop};

use super::lines::MarketplaceLines;
use super::rules::waits;
use super::{Engine, Failpoint, JobError, JobReport};
use crate::status::{OrderStatus, Step};
use crate::store::{EventKind, OrderLine, OrderRecord, Transition};

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    /// One ship run.
    ///
    /// # Errors
    ///
    /// On store failure; vendor failures are recorded on the orders.
    pub async fn run_ship(&self) -> Result<JobReport, JobError> {
        let mut report = JobReport::default();
        let now = self.now_millis();
        let statuses = [
            OrderStatus::NotShipped,
            OrderStatus::Waiting,
            OrderStatus::PendingShipment,
        ];
        let connection = &self.settings.connection;
        let limit = self.settings.batch_limit;
        // Shipments to send and shipments to follow are read apart, so processes that take
        // long never crowd out new shipments.
        let to_send = self
            .store
            .orders_at_step(
                connection,
                Column::ShipStep,
                &[Step::Ready, Step::Requested],
                &statuses,
                now,
                limit,
            )
            .await?;
        for order in to_send.iter().filter(|o| o.cancel.step == Step::None) {
            let progressed = match order.ship.step {
                // A test order ends in the webshop: no marketplace ever hears of it.
                _ if order.is_test => {
                    self.shipment_confirmed(
                        order,
                        "test order completed in the webshop (never sent to a marketplace): shipped",
                    )
                    .await?
                }
                Step::Ready => self.ship_one(order).await?,
                _ => self.resume_shipment(order).await?,
            };
            if progressed {
                report.n_progressed += 1;
            }
        }
        let pending = self
            .store
            .orders_at_step(
                connection,
                Column::ShipStep,
                &[Step::Pending],
                &statuses,
                now,
                limit,
            )
            .await?;
        report.n_progressed += self.follow_processes(&pending).await?;
        Ok(report)
    }

    /// The shipment of the order's own open lines (never the marketplace's FBB lines), or why
    /// none is sent.
    fn shipment_of(
        &self,
        order: &OrderRecord,
        lines: &[OrderLine],
    ) -> Result<Shipment, NoShipment> {
        let marketplace_lines = MarketplaceLines::of(order);
        let needs_label = !marketplace_lines.label_required_open(lines).is_empty();
        let mut shipment = self
            .own_shipment(order, lines, &marketplace_lines)
            .map_err(NoShipment::Invalid)?;
        if !self.settings.marketplace_capabilities.partial_shipment {
            if let Some(reason) = partial(order, lines, &marketplace_lines) {
                return Err(NoShipment::Invalid(reason));
            }
        }
        if needs_label {
            // Never with the merchant's own transport: only with the label bought for it.
            match (order.label.step, &order.label_id) {
                (Step::Done, Some(label_id)) => shipment.label = Some(label_id.clone()),
                (Step::None, _) => return Err(NoShipment::LabelRequired),
                _ => return Err(NoShipment::LabelNotBought),
            }
        }
        Ok(shipment)
    }

    fn own_shipment(
        &self,
        order: &OrderRecord,
        lines: &[OrderLine],
        marketplace_lines: &MarketplaceLines,
    ) -> Result<Shipment, String> {
        let order_id = order.marketplace_order_id.clone();
        let mut to_ship = Vec::new();
        for line in lines
            .iter()
            .filter(|l| marketplace_lines.is_own(&l.line_id))
        {
            let open = line.quantity - line.quantity_shipped - line.quantity_cancelled;
            if open <= 0 {
                continue;
            }
            let quantity = u32::try_from(open)
                .map_err(|e| e.to_string())
                .and_then(|n| Quantity::new(n).map_err(|e| e.to_string()))?;
            to_ship.push(LineQuantity {
                line_id: OrderLineId::parse(&line.line_id).map_err(|e| e.to_string())?,
                quantity,
            });
        }
        if to_ship.is_empty() {
            return Err("no line has items left to ship".into());
        }
        let tracking = order.tracking_code.clone();
        let carrier = order.carrier.clone();
        Ok(Shipment {
            order_id,
            lines: to_ship,
            reference: order.code.to_string(),
            carrier,
            tracking,
            label: None,
        })
    }

    /// A shipment ready to go: commit the intent, then call.
    async fn ship_one(&self, order: &OrderRecord) -> Result<bool, JobError> {
        let lines = self.store.lines(order.id).await?;
        let shipment = match self.shipment_of(order, &lines) {
            Ok(shipment) => shipment,
            Err(NoShipment::LabelRequired) => return self.plan_label(order, &lines).await,
            Err(NoShipment::LabelNotBought) => return Ok(false),
            Err(NoShipment::Invalid(reason)) => {
                return self.fail_shipment(order, Step::Ready, &reason).await
            }
        };
        let intent = Transition::of(order.id)
            .when(Column::ShipStep, Step::Ready)
            .when(Column::CancelStep, Step::None)
            .when(Column::Status, order.status)
            .set(Column::Status, OrderStatus::PendingShipment)
            .set(Column::ShipStep, Step::Requested)
            .set(Column::ShipIntentAt, self.now_millis())
            .set(Column::ShipAttempts, order.ship.attempts + 1)
            .event(
                EventKind::Call,
                format!(
                    "sending the shipment to the marketplace: T&T {}, carrier {}{}",
                    order.tracking_code.as_ref().map_or("none", |c| c.as_str()),
                    order.carrier.as_ref().map_or("none", |c| c.name()),
                    shipment
                        .label
                        .as_ref()
                        .map(|id| format!(", with the marketplace's label {id}"))
                        .unwrap_or_default()
                ),
            );
        if !self.transition(order, intent).await? {
            return Ok(false);
        }
        self.failpoint(Failpoint::ShipAfterIntent)?;
        self.send_shipment(order, &shipment).await
    }

    async fn send_shipment(
        &self,
        order: &OrderRecord,
        shipment: &Shipment,
    ) -> Result<bool, JobError> {
        self.hold_lease("sending the shipment").await?;
        let shipped = self.marketplace.ship(shipment).await;
        self.failpoint(Failpoint::ShipAfterCall)?;
        match shipped {
            Ok(WriteOutcome::Pending(process)) => self.shipment_accepted(order, &process).await,
            Ok(WriteOutcome::Applied { .. }) => {
                let mut sent = order.clone();
                sent.ship.step = Step::Requested;
                self.shipment_confirmed(&sent, "the marketplace applied the shipment: shipped")
                    .await
            }
            Err(error) if waits(&error) => {
                // Outcome unknown: stays `requested`; the next run looks for the process first.
                self.defer(order, "sending the shipment", &error).await?;
                Ok(false)
            }
            Err(error) => {
                self.fail_shipment(order, Step::Requested, &error.to_string())
                    .await
            }
        }
    }

    async fn shipment_accepted(
        &self,
        order: &OrderRecord,
        process: &Process,
    ) -> Result<bool, JobError> {
        Ok(self
            .transition(
                order,
                Transition::of(order.id)
                    .when(Column::ShipStep, Step::Requested)
                    .set(Column::ShipStep, Step::Pending)
                    .set(Column::ShipProcessId, process.id.as_str())
                    .set(Column::Status, OrderStatus::PendingShipment)
                    .set(Column::RetryAt, Option::<i64>::None)
                    .event(
                        EventKind::Status,
                        format!(
                            "marketplace accepted the shipment (process {}): pending_shipment",
                            process.id
                        ),
                    ),
            )
            .await?)
    }

    /// An attempt whose outcome was not recorded: adopt the marketplace's process for it if
    /// there is one, else ship again.
    async fn resume_shipment(&self, order: &OrderRecord) -> Result<bool, JobError> {
        let lines = self.store.lines(order.id).await?;
        let shipment = match self.shipment_of(order, &lines) {
            Ok(shipment) => shipment,
            Err(NoShipment::LabelRequired) => return self.plan_label(order, &lines).await,
            Err(NoShipment::LabelNotBought) => return Ok(false),
            Err(NoShipment::Invalid(reason)) => {
                return self.fail_shipment(order, Step::Requested, &reason).await
            }
        };
        let Some(first_line) = shipment.lines.first() else {
            return Ok(false);
        };
        if !self.settings.marketplace_capabilities.process_lookup {
            // The marketplace cannot find what an earlier attempt did: reporting the
            // shipment again could report it twice. The merchant checks.
            let message = format!(
                "an earlier attempt to report this shipment may have reached {0}, which cannot \
                 look its writes up: check in {0}'s seller dashboard whether order {1} is \
                 marked shipped; resend it only if it is not",
                self.settings.marketplace_label, order.marketplace_order_id
            );
            self.stop_unresolved(order, Column::ShipStep, &message)
                .await?;
            return Ok(false);
        }
        match self
            .marketplace
            .find_processes(first_line.line_id.as_str(), ProcessKind::Shipment)
            .await
        {
            Ok(processes) => {
                if let Some(process) = processes
                    .iter()
                    .find(|p| matches!(p.state, ProcessState::Pending | ProcessState::Succeeded))
                {
                    self.note(
                        order,
                        EventKind::Info,
                        format!(
                            "found the shipment an earlier attempt sent (process {})",
                            process.id
                        ),
                    )
                    .await?;
                    return self.shipment_accepted(order, process).await;
                }
                let applied = self
                    .transition(
                        order,
                        Transition::of(order.id)
                            .when(Column::ShipStep, Step::Requested)
                            .when(Column::ShipAttempts, order.ship.attempts)
                            .set(Column::ShipAttempts, order.ship.attempts + 1)
                            .event(
                                EventKind::Call,
                                format!(
                                    "no shipment from an earlier attempt on the marketplace; sending it again (attempt {})",
                                    order.ship.attempts + 1
                                ),
                            ),
                    )
                    .await?;
                if !applied {
                    return Ok(false);
                }
                self.send_shipment(order, &shipment).await
            }
            Err(error) => {
                self.defer(order, "looking up an earlier shipment", &error)
                    .await?;
                Ok(false)
            }
        }
    }

    pub(super) async fn shipment_confirmed(
        &self,
        order: &OrderRecord,
        message: &str,
    ) -> Result<bool, JobError> {
        let marketplace_lines = MarketplaceLines::of(order);
        self.complete_step(
            order,
            Column::ShipStep,
            order.ship.step,
            OrderStatus::Shipped,
            message,
            |line| {
                marketplace_lines.settled(line, |own| {
                    (
                        own.quantity - own.quantity_cancelled,
                        own.quantity_cancelled,
                    )
                })
            },
        )
        .await
    }

    pub(super) async fn fail_shipment(
        &self,
        order: &OrderRecord,
        from: Step,
        reason: &str,
    ) -> Result<bool, JobError> {
        self.transition(
            order,
            Transition::of(order.id)
                .when(Column::ShipStep, from)
                .set(Column::ShipStep, Step::Ready)
                .set(Column::ShipProcessId, Option::<String>::None)
                .into_error(reason),
        )
        .await?;
        Ok(false)
    }
}

/// Why the shipment of an order's open lines would not be the whole order (lines left to the
/// marketplace, or shipped before), for a marketplace that takes whole-order shipments only.
fn partial(
    order: &OrderRecord,
    lines: &[OrderLine],
    marketplace_lines: &MarketplaceLines,
) -> Option<String> {
    let (line, why) = lines.iter().find_map(|line| {
        if !marketplace_lines.is_own(&line.line_id) {
            Some((line, "is fulfilled by the marketplace"))
        } else if line.quantity_shipped > 0 {
            Some((line, "is shipped in part already"))
        } else {
            None
        }
    })?;
    Some(format!(
        "this marketplace takes whole-order shipments only, and line {} {why}: ship order {} \
         in the seller dashboard, then handle it manually",
        line.line_id, order.marketplace_order_id
    ))
}

/// Why no shipment is sent for an order.
enum NoShipment {
    /// Open lines must ship with a marketplace label, and none is planned yet.
    LabelRequired,
    /// Open lines ship with a marketplace label still being bought.
    LabelNotBought,
    /// The order cannot be shipped as stored (the reason for `error`).
    Invalid(String),
}
