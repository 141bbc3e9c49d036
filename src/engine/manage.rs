//! The merchant's actions on one order: synchronize it now from both sides, resend it after an
//! error, or hand it over to be handled manually.

use crate::store::Column;
use orderbridge_core::{ConnectorError, Marketplace, Webshop};

use super::lines::{own_lines_cancelled, own_request};
use super::{derived_status, merchant_may_cancel, BuyerRequest, CancelOrigin, Engine, JobError};
use crate::status::{OrderStatus, Step};
use crate::store::{EventKind, OrderRecord, StoreError, Transition};

/// Why a merchant's action on an order could not be done.
#[derive(Debug, thiserror::Error)]
pub enum ManageError {
    /// No order with that code on this connection.
    #[error("no order with code {0}")]
    UnknownOrder(String),
    /// The action does not apply to the order's status.
    #[error("order {code} is {status}; {action} only applies to {applies_to}")]
    NotApplicable {
        /// Order code.
        code: String,
        /// Its status.
        status: OrderStatus,
        /// The action.
        action: &'static str,
        /// Statuses it applies to.
        applies_to: &'static str,
    },
    /// A vendor call failed.
    #[error("{0}")]
    Connector(#[from] ConnectorError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A job step failed.
    #[error(transparent)]
    Job(#[from] JobError),
}

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    async fn order_of(&self, code: &str) -> Result<OrderRecord, ManageError> {
        self.store
            .order_by_code(&code.trim().to_ascii_uppercase())
            .await?
            .filter(|o| o.connection == self.settings.connection)
            .ok_or_else(|| ManageError::UnknownOrder(code.to_owned()))
    }

    /// Fetches the newest state of one order from the marketplace and the webshop now and
    /// records it (a cancellation, a completion, a T&T code), then makes the connection's jobs
    /// due so the running daemon carries it on at once. Makes no write call itself: those stay
    /// with the leased jobs, so an action can never race a job's call.
    ///
    /// # Errors
    ///
    /// When the order is unknown, handled manually, or a vendor cannot be reached.
    pub async fn sync_order(&self, code: &str) -> Result<OrderRecord, ManageError> {
        let order = self.order_of(code).await?;
        if order.status == OrderStatus::Manual {
            return Err(ManageError::NotApplicable {
                code: order.code.to_string(),
                status: order.status,
                action: "synchronize",
                applies_to: "orders the daemon handles (not manual)",
            });
        }
        if order.is_test {
            return self.sync_from_webshop(order).await;
        }
        let details = self.marketplace.order(&order.marketplace_order_id).await?;
        self.store
            .replace_details(
                order.id,
                &details,
                self.now_millis(),
                "synchronized from the marketplace on request",
            )
            .await?;
        let order = self.order_of(code).await?;
        // Only the merchant's own lines count; an FBB line of a mixed order is bol's.
        let all_cancelled = own_lines_cancelled(&details);
        let request = own_request(&details);
        if all_cancelled && self.cancellation_may_start(&order) {
            self.start_cancellation(&order, CancelOrigin::Marketplace)
                .await?;
        } else if request == BuyerRequest::WholeOrder && self.buyer_request_may_start(&order) {
            self.start_cancellation(&order, CancelOrigin::BuyerRequest)
                .await?;
        } else if request == BuyerRequest::SomeLines {
            self.note_partial_request(&order).await?;
        }
        let order = self.order_of(code).await?;
        self.sync_from_webshop(order).await
    }

    /// The webshop half of a sync: reads the order there and records what it says.
    async fn sync_from_webshop(&self, order: OrderRecord) -> Result<OrderRecord, ManageError> {
        if let Some(webshop_id) = &order.webshop_order_id {
            let webshop_order = self.webshop.order(webshop_id).await?;
            self.note(
                &order,
                EventKind::Info,
                "synchronized from the webshop on request",
            )
            .await?;
            self.apply_webshop_state(&order, &webshop_order).await?;
        }
        self.store.make_jobs_due(&self.settings.connection).await?;
        self.order_of(order.code.as_str()).await
    }

    /// Sends an order in `error` through the loop again (after the merchant fixed the cause):
    /// a refused creation is tried again (after a lookup if it may have happened), an order that
    /// is in the webshop is read there afresh (the merchant may have corrected the T&T code, or
    /// corrected and completed an order whose total differed), a refused cancellation is
    /// resumed. The jobs do the calls; they are made due at once.
    ///
    /// # Errors
    ///
    /// When the order is unknown or not in `error`, or the webshop cannot be read.
    pub async fn resend_order(&self, code: &str) -> Result<OrderRecord, ManageError> {
        let order = self.order_of(code).await?;
        if order.status != OrderStatus::Error {
            return Err(ManageError::NotApplicable {
                code: order.code.to_string(),
                status: order.status,
                action: "resend",
                applies_to: "orders in error",
            });
        }
        let ship_refused = matches!(order.create.step, Step::Done)
            && order.ship.step == Step::Ready
            && order.cancel.step == Step::None;
        let mut transition = Transition::of(order.id)
            .when(Column::Status, OrderStatus::Error)
            .set(Column::Error, Option::<String>::None)
            .set(Column::RetryAt, Option::<i64>::None)
            // The merchant fixed the cause: failed processes are retried afresh.
            .set(Column::ShipFailures, 0)
            .set(Column::CancelFailures, 0)
            // A label stopped for the merchant is bought (or downloaded) again from `ready`
            // (or `pending`) by the label job once the order is `not_shipped` again.
            .set(Column::LabelFailures, 0);
        let mut reset = order.clone();
        if ship_refused {
            // Forget the refused T&T data; the webshop is read again below. A bought label's
            // code and carrier stay: they are printed on the parcel.
            reset.ship.step = Step::None;
            reset.completed_at = None;
            transition = transition
                .when(Column::ShipStep, Step::Ready)
                .set(Column::ShipStep, Step::None)
                .set(Column::CompletedAt, Option::<i64>::None)
                .set(Column::ShipAfter, Option::<i64>::None);
            if order.label.step != Step::Done {
                transition = transition
                    .set(Column::TrackingCode, Option::<String>::None)
                    .set(Column::Carrier, Option::<String>::None);
            }
        }
        if !self.settings.marketplace_capabilities.process_lookup {
            // An interrupted write on a marketplace that cannot look writes up: the merchant
            // checked it did not arrive (the error asked them to), so it is sent again.
            if order.ship.step == Step::Requested {
                reset.ship.step = Step::Ready;
                transition = transition
                    .when(Column::ShipStep, Step::Requested)
                    .set(Column::ShipStep, Step::Ready)
                    .event(
                        EventKind::Info,
                        "the merchant found the shipment not reported; reporting it again",
                    );
            }
            if order.cancel.step == Step::Requested {
                reset.cancel.step = Step::Ready;
                transition = transition
                    .when(Column::CancelStep, Step::Requested)
                    .set(Column::CancelStep, Step::Ready)
                    .event(
                        EventKind::Info,
                        "the merchant found the cancellation not sent; sending it again",
                    );
            }
        }
        if order.create.step == Step::Requested
            && !self.settings.webshop_capabilities.lookup_by_reference
        {
            // An interrupted creation in a webshop that cannot find orders by our code: the
            // merchant checked it is not there (the error asked them to), so it is created anew.
            transition = transition
                .when(Column::CreateStep, Step::Requested)
                .set(Column::CreateStep, Step::Pending)
                .event(
                    EventKind::Info,
                    "the merchant found no webshop order from the earlier attempt; creating it",
                );
        }
        let status = derived_status(&reset);
        let applied = self
            .transition(
                &order,
                transition.set(Column::Status, status).event(
                    EventKind::Status,
                    format!("resent by the merchant: {status}"),
                ),
            )
            .await?;
        // Any order that is in the webshop is read there again: the merchant may have
        // completed it while it was in `error` (the track job left it alone then, and its
        // watermark has moved past that change).
        if applied && order.create.step == Step::Done {
            let order = self.order_of(code).await?;
            if let Some(webshop_id) = &order.webshop_order_id {
                let webshop_order = self.webshop.order(webshop_id).await?;
                self.apply_webshop_state(&order, &webshop_order).await?;
            }
        }
        self.store.make_jobs_due(&self.settings.connection).await?;
        self.order_of(code).await
    }

    /// Cancels an order for the merchant (who cannot deliver it): the webshop order is
    /// cancelled, or never created, and the marketplace is told (reason: out of stock). The
    /// cancel job does the calls; it is made due at once.
    ///
    /// # Errors
    ///
    /// When the order is unknown, already shipped, on its way, being cancelled or manual.
    pub async fn cancel_for_merchant(&self, code: &str) -> Result<OrderRecord, ManageError> {
        let order = self.order_of(code).await?;
        if !merchant_may_cancel(&order) {
            return Err(ManageError::NotApplicable {
                code: order.code.to_string(),
                status: order.status,
                action: "cancel",
                applies_to:
                    "orders not shipped yet and not being cancelled (not_shipped, waiting, error)",
            });
        }
        self.start_cancellation(&order, CancelOrigin::Merchant)
            .await?;
        if order.label_id.is_some() || order.label.step == Step::Pending {
            self.note(
                &order,
                EventKind::Info,
                format!(
                    "a {} label was bought for this order{}; it is not used now",
                    self.settings.marketplace_label,
                    order
                        .label_id
                        .as_ref()
                        .map(|id| format!(" ({id})"))
                        .unwrap_or_default()
                ),
            )
            .await?;
        }
        self.store.make_jobs_due(&self.settings.connection).await?;
        self.order_of(code).await
    }

    /// Hands an order over to the merchant: the daemon stops touching it. A call already on
    /// its way is still recorded when it answers, but the status stays `manual`.
    ///
    /// # Errors
    ///
    /// When the order is unknown or already final.
    pub async fn handle_manually(&self, code: &str) -> Result<OrderRecord, ManageError> {
        let order = self.order_of(code).await?;
        if order.status.is_final() {
            return Err(ManageError::NotApplicable {
                code: order.code.to_string(),
                status: order.status,
                action: "handle manually",
                applies_to: "orders that are not shipped, cancelled or manual yet",
            });
        }
        self.transition(
            &order,
            Transition::of(order.id)
                .when(Column::Status, order.status)
                .set(Column::Status, OrderStatus::Manual)
                .event(EventKind::Status, "handed over to the merchant: manual"),
        )
        .await?;
        self.order_of(code).await
    }
}
