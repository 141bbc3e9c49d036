//! The track job: read the webshop orders changed since the watermark; completed orders with
//! a T&T code become ready to ship, completed ones without wait for a code until the T&T wait
//! ends, and orders cancelled in the webshop start a marketplace cancellation.
//!
//! A code can arrive without the order's modification time moving: on WooCommerce's classic
//! (posts table) storage the tracking plugins save order meta only, which leaves
//! `date_modified` alone (woocommerce/woocommerce
//! `plugins/woocommerce/includes/data-stores/abstract-wc-order-data-store-cpt.php`, `update`).
//! So every run also reads the `waiting` orders again by id, in batches, and applies the same
//! rules to them.
//!
//! A webshop that cannot list its changed orders (its capabilities say so) has every order
//! still open on our side (`not_shipped`, `waiting`) read again by id on each run instead.

use crate::store::Column;
use std::collections::HashSet;

use chrono::Duration;
use orderbridge_core::domain::{TrackingCode, WebshopOrderId};
use orderbridge_core::webshop::{WebshopOrder, WebshopStatus};
use orderbridge_core::{Marketplace, Webshop};

use super::{CancelOrigin, Engine, JobError, JobReport};
use crate::clock::{from_millis, to_millis};
use crate::status::{OrderStatus, Step};
use crate::store::{EventKind, OrderFilter, OrderRecord, Transition};

/// How far the watermark is moved back on each run, so a change stamped late (webshop clocks
/// have second precision, and a save may land just behind the newest change seen) is not missed.
const WATERMARK_OVERLAP_SECS: i64 = 120;
/// Where the very first run starts looking.
const FIRST_RUN_LOOKBACK_DAYS: i64 = 14;
/// Waiting orders read again per webshop request (WooCommerce's `per_page` maximum).
const REREAD_BATCH: usize = 100;

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    /// One track run.
    ///
    /// # Errors
    ///
    /// When the changed orders cannot be listed or the store fails.
    pub async fn run_track(&self) -> Result<JobReport, JobError> {
        let connection = &self.settings.connection;
        let now = self.now();
        if !self.settings.webshop_capabilities.changed_orders {
            // The webshop cannot list its changes: every order still open on our side is read
            // again by id.
            let open = [OrderStatus::NotShipped, OrderStatus::Waiting];
            let mut report = JobReport::default();
            report.n_progressed += self.reread(&[], &open).await?;
            report.n_progressed += self.end_expired_waits().await?;
            return Ok(report);
        }
        let since = match self.store.webshop_watermark(connection).await? {
            Some(watermark) => from_millis(watermark) - Duration::seconds(WATERMARK_OVERLAP_SECS),
            None => now - Duration::days(FIRST_RUN_LOOKBACK_DAYS),
        };
        let changed = self
            .webshop
            .changed_orders(since)
            .await
            .map_err(JobError::connector("listing changed webshop orders"))?;
        let mut report = JobReport::default();
        let codes: Vec<String> = changed
            .iter()
            .filter_map(|o| o.code.as_ref().map(ToString::to_string))
            .collect();
        let ours = self.store.orders_by_codes(connection, &codes).await?;
        // A change to an order whose creation is not yet recorded (the create reply was lost)
        // must be seen again: the watermark stays before it.
        let mut hold_back: Option<i64> = None;
        for webshop_order in &changed {
            let Some(code) = &webshop_order.code else {
                continue;
            };
            let Some(order) = ours.iter().find(|o| o.code.as_str() == code.as_str()) else {
                continue;
            };
            if order.webshop_order_id.is_none() {
                // Hold back only while the create job will still record it, and not for ever:
                // a day later the lookup has long resolved it or never will.
                let resolvable = order.create.step == Step::Requested
                    && order.status != OrderStatus::Error
                    && webshop_order
                        .modified_at
                        .is_some_and(|at| now - at < Duration::days(1));
                if let (true, Some(modified)) = (resolvable, webshop_order.modified_at) {
                    let before = to_millis(modified) - 1;
                    hold_back = Some(hold_back.map_or(before, |h| h.min(before)));
                }
                continue;
            }
            if webshop_order.tracking_unavailable
                && webshop_order.status == orderbridge_core::webshop::WebshopStatus::Completed
            {
                // Read it again next run: the watermark stays before this change.
                if let Some(modified) = webshop_order.modified_at {
                    let before = to_millis(modified) - 1;
                    hold_back = Some(hold_back.map_or(before, |h| h.min(before)));
                }
                continue;
            }
            if self.apply_webshop_state(order, webshop_order).await? {
                report.n_progressed += 1;
            }
        }
        if let Some(newest) = changed.iter().filter_map(|o| o.modified_at).max() {
            let newest = to_millis(newest);
            let watermark = hold_back.map_or(newest, |h| h.min(newest));
            self.store
                .advance_webshop_watermark(connection, watermark, super::fence::current().as_ref())
                .await?;
        }
        // Before the waits end: a code that came late is still used.
        report.n_progressed += self.reread(&changed, &[OrderStatus::Waiting]).await?;
        report.n_progressed += self.end_expired_waits().await?;
        Ok(report)
    }

    /// Reads the orders in `statuses` (not among `changed`, read already) again by id and
    /// applies what the webshop says now. Returns how many changed.
    async fn reread(
        &self,
        changed: &[WebshopOrder],
        statuses: &[OrderStatus],
    ) -> Result<usize, JobError> {
        let read_already: HashSet<&str> = changed.iter().map(|o| o.id.as_str()).collect();
        let filter = OrderFilter {
            connection: Some(self.settings.connection.clone()),
            statuses: statuses.to_vec(),
            ..OrderFilter::default()
        };
        let waiting: Vec<OrderRecord> = self
            .store
            .orders(&filter)
            .await?
            .into_iter()
            .filter(|o| o.ship.step == Step::None && o.cancel.step == Step::None)
            .filter(|o| {
                o.webshop_order_id
                    .as_ref()
                    .is_some_and(|id| !read_already.contains(id.as_str()))
            })
            .collect();
        let mut n_progressed = 0;
        for batch in waiting.chunks(REREAD_BATCH) {
            let ids: Vec<WebshopOrderId> = batch
                .iter()
                .filter_map(|o| o.webshop_order_id.clone())
                .collect();
            // A batch that cannot be read now is read again next run; it must not stop this
            // run before the waits that are over are ended.
            let read = match self.webshop.orders(&ids).await {
                Ok(read) => read,
                Err(error) => {
                    tracing::warn!(
                        connection = %self.settings.connection,
                        n_orders = ids.len(),
                        error = %error,
                        "webshop orders could not be read again; next run"
                    );
                    continue;
                }
            };
            for order in batch {
                let webshop_id = order.webshop_order_id.as_ref();
                let Some(webshop_order) = read.iter().find(|w| Some(&w.id) == webshop_id) else {
                    tracing::warn!(
                        order_code = %order.code,
                        webshop_order_id = webshop_id.map_or("", |id| id.as_str()),
                        "an order we follow is no longer in the webshop"
                    );
                    continue;
                };
                // Its tracking could not be read now: it is still waiting, read next run.
                if webshop_order.tracking_unavailable {
                    continue;
                }
                if self.apply_webshop_state(order, webshop_order).await? {
                    n_progressed += 1;
                }
            }
        }
        Ok(n_progressed)
    }

    /// Applies what the webshop says about one of our orders. Returns whether it changed.
    pub(super) async fn apply_webshop_state(
        &self,
        order: &OrderRecord,
        webshop_order: &WebshopOrder,
    ) -> Result<bool, JobError> {
        if order.webshop_order_id.as_ref() != Some(&webshop_order.id) {
            // Not (yet) recorded as ours: the create job records it first.
            return Ok(false);
        }
        let shippable = matches!(order.status, OrderStatus::NotShipped | OrderStatus::Waiting)
            && order.ship.step == Step::None
            && order.cancel.step == Step::None;
        match webshop_order.status {
            WebshopStatus::Completed if shippable => self.completed(order, webshop_order).await,
            WebshopStatus::Cancelled
                if matches!(order.status, OrderStatus::NotShipped | OrderStatus::Waiting)
                    && order.cancel.step == Step::None
                    && matches!(order.ship.step, Step::None | Step::Ready) =>
            {
                self.start_cancellation(order, CancelOrigin::Webshop).await
            }
            _ => Ok(false),
        }
    }

    async fn completed(
        &self,
        order: &OrderRecord,
        webshop_order: &WebshopOrder,
    ) -> Result<bool, JobError> {
        let entry = webshop_order.tracking.iter().rev().find_map(|entry| {
            TrackingCode::parse(&entry.code)
                .ok()
                .map(|code| (code, entry))
        });
        for bad in webshop_order
            .tracking
            .iter()
            .filter(|e| TrackingCode::parse(&e.code).is_err())
        {
            self.note(
                order,
                EventKind::Error,
                format!(
                    "ignored an unreadable T&T code {:?} in the webshop",
                    bad.code
                ),
            )
            .await?;
        }
        let completed_at = webshop_order.completed_at.unwrap_or_else(|| self.now());
        if matches!(
            order.label.step,
            Step::Ready | Step::Requested | Step::Pending | Step::Done
        ) {
            // It ships with the marketplace's label, whose code and carrier are printed on it:
            // nothing to wait for, and the webshop's T&T (if any) is not the parcel's.
            return Ok(self
                .transition(
                    order,
                    Transition::of(order.id)
                        .when(Column::Status, order.status)
                        .when(Column::ShipStep, Step::None)
                        .set(Column::ShipStep, Step::Ready)
                        .set(Column::Status, OrderStatus::NotShipped)
                        .set(
                            Column::CompletedAt,
                            to_millis(order.completed_at.unwrap_or(completed_at)),
                        )
                        .event(
                            EventKind::Info,
                            "completed in the webshop: ready to ship with the marketplace's label",
                        ),
                )
                .await?);
        }
        match entry {
            Some((code, entry)) => {
                let carrier = self
                    .settings
                    .carrier_rules
                    .resolve(Some(&code), entry.carrier.as_deref());
                let carrier_text = carrier.as_ref().map(|c| c.name().to_owned());
                let message = format!(
                    "completed in the webshop with T&T {code} ({}): ready to ship",
                    carrier_text.as_deref().unwrap_or("carrier unknown")
                );
                let applied = self
                    .transition(
                        order,
                        Transition::of(order.id)
                            .when(Column::Status, order.status)
                            .when(Column::ShipStep, Step::None)
                            .set(Column::ShipStep, Step::Ready)
                            .set(Column::Status, OrderStatus::NotShipped)
                            .set(
                                Column::CompletedAt,
                                order.completed_at.unwrap_or(completed_at),
                            )
                            .set(Column::TrackingCode, code.as_str())
                            .set(Column::Carrier, carrier_text)
                            .event(EventKind::Info, message),
                    )
                    .await?;
                Ok(applied)
            }
            None if order.status == OrderStatus::NotShipped => {
                let wait =
                    Duration::from_std(self.settings.tracking_wait).unwrap_or(Duration::hours(3));
                let ship_after = completed_at + wait;
                let applied = self
                    .transition(
                        order,
                        Transition::of(order.id)
                            .when(Column::Status, OrderStatus::NotShipped)
                            .when(Column::ShipStep, Step::None)
                            .set(Column::Status, OrderStatus::Waiting)
                            .set(Column::CompletedAt, to_millis(completed_at))
                            .set(Column::ShipAfter, to_millis(ship_after))
                            .event(
                                EventKind::Status,
                                format!(
                                    "completed in the webshop without T&T: waiting for a code until {}",
                                    ship_after.to_rfc3339()
                                ),
                            ),
                    )
                    .await?;
                Ok(applied)
            }
            None => Ok(false),
        }
    }

    /// Waiting orders whose T&T wait has ended are shipped without T&T (and with the default
    /// carrier, if the connection has one).
    async fn end_expired_waits(&self) -> Result<usize, JobError> {
        let now = self.now_millis();
        let waiting = self
            .store
            .waits_ended(&self.settings.connection, now, self.settings.batch_limit)
            .await?;
        let mut n_ended = 0;
        for order in waiting {
            let carrier = self.settings.carrier_rules.resolve(None, None);
            let applied = self
                .transition(
                    &order,
                    Transition::of(order.id)
                        .when(Column::Status, OrderStatus::Waiting)
                        .when(Column::ShipStep, Step::None)
                        .set(Column::ShipStep, Step::Ready)
                        .set(
                            Column::Carrier,
                            carrier.as_ref().map(|c| c.name().to_owned()),
                        )
                        .event(EventKind::Info, "T&T wait ended: shipping without T&T"),
                )
                .await?;
            if applied {
                n_ended += 1;
            }
        }
        Ok(n_ended)
    }
}
