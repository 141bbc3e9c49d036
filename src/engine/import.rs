//! The import job: fetch the marketplace's open orders, record the new ones as a batch (each
//! exactly once), notice buyers' cancellation requests and orders that left the open list, then
//! create the pending orders in the webshop.

use crate::store::Column;
use std::collections::HashSet;

use orderbridge_core::domain::{MarketplaceOrder, OpenOrder, OrderCode};
use orderbridge_core::{ConnectorError, Marketplace, Webshop};

use super::lines::{own_lines_cancelled, own_lines_done, own_request, own_request_listed};
use super::{BuyerRequest, CancelOrigin, Engine, JobError, JobReport, PARTIAL_REQUEST_NOTE};
use crate::clock::to_millis;
use crate::status::{OrderStatus, Step};
use crate::store::{EventKind, ImportedOrder, OrderFilter, OrderLine, OrderRecord, Transition};

/// New orders recorded at a time within one import run.
const IMPORT_CHUNK: usize = 20;

/// Import runs in a row a new order may be unreadable before it is recorded in `error`.
const UNREADABLE_IMPORT_RUNS: u32 = 3;

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    /// One import run: new orders are recorded (a batch per run that finds any), then pending
    /// orders are created in the webshop.
    ///
    /// # Errors
    ///
    /// When the open orders cannot be listed or the store fails; orders that fail alone are
    /// recorded in `error` (or retried) and do not fail the run.
    pub async fn run_import(&self) -> Result<JobReport, JobError> {
        let listed = self
            .marketplace
            .open_orders()
            .await
            .map_err(JobError::connector("listing open marketplace orders"));
        let mut report = JobReport::default();
        if let Ok(open) = &listed {
            let new_report = self.record_new_orders(open).await?;
            let known_report = self.follow_known_orders(open).await?;
            report.n_progressed += new_report.n_progressed + known_report.n_progressed;
            report.n_failed += new_report.n_failed + known_report.n_failed;
        }
        // Orders already imported go to the webshop even while the marketplace is down.
        let create_report = self.run_create().await?;
        report.n_progressed += create_report.n_progressed;
        report.n_failed += create_report.n_failed;
        listed.map(|_| report)
    }

    async fn record_new_orders(&self, open: &[OpenOrder]) -> Result<JobReport, JobError> {
        let connection = &self.settings.connection;
        let mut seen = HashSet::new();
        let ids: Vec<String> = open
            .iter()
            .map(|o| o.id.to_string())
            .filter(|id| seen.insert(id.clone()))
            .collect();
        let known = self.store.known_marketplace_ids(connection, &ids).await?;
        let mut imported = Vec::new();
        let mut report = JobReport::default();
        let mut queued = HashSet::new();
        let mut batch_id = None;
        for summary in open {
            let id = summary.id.to_string();
            if known.contains(&id) || !queued.insert(id.clone()) {
                continue;
            }
            if summary.lines.iter().all(|l| l.fulfilled_by_marketplace) {
                continue;
            }
            match self.marketplace.order(&summary.id).await {
                Ok(details) => imported.push(self.imported(summary, details)),
                Err(error) if error.is_retryable() => {
                    // Still open on the marketplace: the next run picks it up again.
                    tracing::warn!(
                        connection = %connection,
                        order_code = %OrderCode::derive(connection, &summary.id),
                        marketplace_order_id = %id,
                        "fetching new order failed, will retry next run: {error}"
                    );
                    report.n_failed += 1;
                }
                Err(error) => {
                    // An unreadable answer may pass; an order is only recorded in `error`
                    // once it stayed unreadable in a few runs in a row.
                    let unreadable = matches!(error, ConnectorError::InvalidPayload { .. });
                    if unreadable && self.unreadable_again(&id) < UNREADABLE_IMPORT_RUNS {
                        tracing::warn!(
                            connection = %connection,
                            order_code = %OrderCode::derive(connection, &summary.id),
                            marketplace_order_id = %id,
                            "new order unreadable, will try again next run: {error}"
                        );
                    } else {
                        imported.push(self.imported_with_error(summary, &error.to_string()));
                    }
                    report.n_failed += 1;
                }
            }
            // Record as we go: a long run (a backlog, a slow marketplace) keeps what it read
            // when it is stopped, and the first orders reach the webshop early.
            if imported.len() >= IMPORT_CHUNK {
                report.n_progressed += self.record_chunk(&mut imported, &mut batch_id).await?;
                self.run_create().await?;
            }
        }
        report.n_progressed += self.record_chunk(&mut imported, &mut batch_id).await?;
        Ok(report)
    }

    /// Records orders read so far in this run's batch (made on the first chunk). Returns how
    /// many were recorded.
    async fn record_chunk(
        &self,
        imported: &mut Vec<ImportedOrder>,
        batch_id: &mut Option<i64>,
    ) -> Result<usize, JobError> {
        let chunk = std::mem::take(imported);
        let connection = &self.settings.connection;
        let recorded = self
            .store
            .record_import(connection, &chunk, *batch_id, self.now_millis())
            .await?;
        let Some((batch, order_ids)) = recorded else {
            return Ok(0);
        };
        *batch_id = Some(batch);
        tracing::info!(
            connection = %connection,
            batch_id = batch,
            n_orders = order_ids.len(),
            "imported new marketplace orders"
        );
        Ok(order_ids.len())
    }

    /// Counts one more run in a row in which a new order could not be read; returns the count.
    fn unreadable_again(&self, marketplace_order_id: &str) -> u32 {
        let mut counts = self
            .unreadable
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = counts.entry(marketplace_order_id.to_owned()).or_insert(0);
        *count += 1;
        *count
    }

    fn imported(&self, summary: &OpenOrder, details: MarketplaceOrder) -> ImportedOrder {
        let code = OrderCode::derive(&self.settings.connection, &summary.id);
        let request = own_request(&details);
        let cancel_requested = request == BuyerRequest::WholeOrder;
        let lines = OrderLine::from_order(&details);
        let (status, create_step, cancel_step, origin, note) = if cancel_requested {
            (
                OrderStatus::CancellationRequest,
                Step::Skipped,
                Step::Ready,
                Some(CancelOrigin::BuyerRequest.as_str().to_owned()),
                format!(
                    "imported from {} with a cancellation request; not created in the webshop",
                    self.settings.marketplace_label
                ),
            )
        } else {
            (
                OrderStatus::NotShipped,
                Step::Pending,
                Step::None,
                None,
                if request == BuyerRequest::SomeLines {
                    format!(
                        "imported from {}: not_shipped; {PARTIAL_REQUEST_NOTE}",
                        self.settings.marketplace_label
                    )
                } else {
                    format!(
                        "imported from {}: not_shipped",
                        self.settings.marketplace_label
                    )
                },
            )
        };
        ImportedOrder {
            code: code.to_string(),
            marketplace_order_id: summary.id.to_string(),
            placed_at: to_millis(details.placed_at),
            details: Some(details),
            lines,
            status,
            error: None,
            create_step,
            cancel_step,
            cancel_origin: origin,
            note,
            is_test: false,
        }
    }

    fn imported_with_error(&self, summary: &OpenOrder, error: &str) -> ImportedOrder {
        let code = OrderCode::derive(&self.settings.connection, &summary.id);
        let lines = summary
            .lines
            .iter()
            .map(|line| OrderLine {
                line_id: line.line_id.to_string(),
                sku: None,
                ean: None,
                title: String::new(),
                quantity: i64::from(line.quantity),
                quantity_shipped: i64::from(line.quantity_shipped),
                quantity_cancelled: i64::from(line.quantity_cancelled),
                unit_price_cents: 0,
                currency: "EUR".into(),
            })
            .collect();
        ImportedOrder {
            code: code.to_string(),
            marketplace_order_id: summary.id.to_string(),
            placed_at: to_millis(summary.placed_at),
            details: None,
            lines,
            status: OrderStatus::Error,
            error: Some(format!(
                "order cannot be read from {}: {error}",
                self.settings.marketplace_label
            )),
            create_step: Step::Pending,
            cancel_step: Step::None,
            cancel_origin: None,
            note: format!("imported in error: {error}"),
            is_test: false,
        }
    }

    /// Known orders: a buyer's new cancellation request, or an order that left the open list
    /// (cancelled by the marketplace, or shipped outside orderbridge).
    async fn follow_known_orders(&self, open: &[OpenOrder]) -> Result<JobReport, JobError> {
        let mut report = JobReport::default();
        let open_by_id: std::collections::HashMap<&str, &OpenOrder> =
            open.iter().map(|o| (o.id.as_str(), o)).collect();
        let active = self
            .store
            .orders(&OrderFilter {
                connection: Some(self.settings.connection.clone()),
                statuses: vec![OrderStatus::NotShipped, OrderStatus::Waiting],
                ..OrderFilter::default()
            })
            .await?;
        for order in active {
            // A test order was never on the marketplace's list.
            if order.is_test || !self.cancellation_may_start(&order) {
                continue;
            }
            match open_by_id.get(order.marketplace_order_id.as_str()) {
                Some(summary) => {
                    let request = own_request_listed(summary);
                    let carried_out = match request {
                        BuyerRequest::WholeOrder if self.buyer_request_may_start(&order) => {
                            self.start_cancellation(&order, CancelOrigin::BuyerRequest)
                                .await?
                        }
                        BuyerRequest::SomeLines => {
                            self.note_partial_request(&order).await?;
                            false
                        }
                        _ => false,
                    };
                    if carried_out {
                        report.n_progressed += 1;
                    }
                }
                None => {
                    if self.reconcile_closed(&order).await? {
                        report.n_progressed += 1;
                    }
                }
            }
        }
        Ok(report)
    }

    /// Tells the merchant, once, that the buyer asked to cancel some lines only.
    pub(super) async fn note_partial_request(&self, order: &OrderRecord) -> Result<(), JobError> {
        let history = self.store.history(order.id).await?;
        if !history
            .iter()
            .any(|e| e.message.contains(PARTIAL_REQUEST_NOTE))
        {
            self.note(order, EventKind::Error, PARTIAL_REQUEST_NOTE)
                .await?;
        }
        Ok(())
    }

    /// Whether a cancellation may still start: nothing shipped or on its way to the
    /// marketplace, no cancellation running.
    pub(super) fn cancellation_may_start(&self, order: &OrderRecord) -> bool {
        matches!(order.status, OrderStatus::NotShipped | OrderStatus::Waiting)
            && order.cancel.step == Step::None
            && matches!(order.ship.step, Step::None | Step::Ready)
    }

    /// Whether a buyer's cancellation request is carried out: only before the merchant
    /// completed the order in the webshop. Once completed it is shipped, which at bol denies
    /// the request.
    pub(super) fn buyer_request_may_start(&self, order: &OrderRecord) -> bool {
        self.cancellation_may_start(order)
            && order.status == OrderStatus::NotShipped
            && order.ship.step == Step::None
            && order.completed_at.is_none()
    }

    /// Moves an order into cancellation from `origin`. Returns whether it applied.
    pub(super) async fn start_cancellation(
        &self,
        order: &OrderRecord,
        origin: CancelOrigin,
    ) -> Result<bool, JobError> {
        let (status, message) = match origin {
            CancelOrigin::BuyerRequest => (
                OrderStatus::CancellationRequest,
                "the buyer asked to cancel: cancellation_request",
            ),
            CancelOrigin::Marketplace => (
                OrderStatus::CancellationRequest,
                "cancelled by the marketplace: cancelling the webshop order",
            ),
            CancelOrigin::Webshop => (
                OrderStatus::PendingCancellation,
                "cancelled in the webshop: pending_cancellation",
            ),
            CancelOrigin::Merchant => (
                OrderStatus::PendingCancellation,
                "cancelled by the merchant (cannot deliver): pending_cancellation",
            ),
        };
        let mut transition = Transition::of(order.id)
            .when(Column::Status, order.status)
            .when(Column::CancelStep, Step::None)
            .when(Column::ShipStep, order.ship.step)
            .set(Column::CancelStep, Step::Ready)
            .set(Column::CancelOrigin, origin.as_str())
            .set(Column::Status, status)
            .set(Column::Error, Option::<String>::None)
            .set(Column::RetryAt, Option::<i64>::None)
            .event(EventKind::Status, message);
        if origin == CancelOrigin::Webshop {
            transition = transition.set(Column::WebshopCancelled, 1);
        }
        Ok(self.transition(order, transition).await?)
    }

    /// An order that left the open list: read it and record what happened to it.
    async fn reconcile_closed(&self, order: &OrderRecord) -> Result<bool, JobError> {
        let details = match self.marketplace.order(&order.marketplace_order_id).await {
            Ok(details) => details,
            Err(error) => {
                self.defer(order, "reading an order that left the open list", &error)
                    .await?;
                return Ok(false);
            }
        };
        self.store
            .replace_details(
                order.id,
                &details,
                self.now_millis(),
                "order left the open list; re-read from the marketplace",
            )
            .await?;
        // The order is done when its own lines are: an FBB line of a mixed order is bol's.
        let all_cancelled = own_lines_cancelled(&details);
        let all_done = own_lines_done(&details);
        if all_cancelled {
            return self
                .start_cancellation(order, CancelOrigin::Marketplace)
                .await;
        }
        if all_done {
            let applied = self
                .transition(
                    order,
                    Transition::of(order.id)
                        .when(Column::Status, order.status)
                        .when(Column::ShipStep, order.ship.step)
                        .set(Column::ShipStep, Step::Done)
                        .set(Column::Status, OrderStatus::Shipped)
                        .event(
                            EventKind::Status,
                            "shipped outside orderbridge (seen on the marketplace): shipped",
                        ),
                )
                .await?;
            return Ok(applied);
        }
        Ok(false)
    }
}
