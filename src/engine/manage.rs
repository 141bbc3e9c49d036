//! The merchant's actions on one order: synchronize it now from both sides, resend it after an
//! error, or hand it over to be handled manually.

use orderbridge_core::domain::{MarketplaceOrderId, WebshopOrderId};
use orderbridge_core::{ConnectorError, Marketplace, Webshop};

use super::{derived_status, CancelOrigin, Engine, JobError};
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
    /// applies it (a completion, a T&T code, a cancellation), then pushes it as far as it goes.
    ///
    /// # Errors
    ///
    /// When the order is unknown or a vendor cannot be reached.
    pub async fn sync_order(&self, code: &str) -> Result<OrderRecord, ManageError> {
        let order = self.order_of(code).await?;
        if order.status == OrderStatus::Manual {
            return Err(ManageError::NotApplicable {
                code: order.code,
                status: order.status,
                action: "synchronize",
                applies_to: "orders the daemon handles (not manual)",
            });
        }
        let id = MarketplaceOrderId::parse(&order.marketplace_order_id).map_err(|e| {
            ConnectorError::InvalidPayload {
                vendor: "store".into(),
                location: "marketplace_order_id".into(),
                message: e.to_string(),
            }
        })?;
        let details = self.marketplace.order(&id).await?;
        self.store
            .replace_details(
                order.id,
                &details,
                self.now_millis(),
                "synchronized from the marketplace on request",
            )
            .await?;
        let requested = details.lines.iter().any(|l| {
            l.cancellation_requested && l.quantity.get() > l.quantity_shipped + l.quantity_cancelled
        });
        let all_cancelled = details
            .lines
            .iter()
            .all(|l| l.quantity_cancelled >= l.quantity.get());
        let order = self.order_of(code).await?;
        if matches!(order.status, OrderStatus::NotShipped | OrderStatus::Waiting)
            && order.cancel_step == Step::None
        {
            if all_cancelled {
                self.start_cancellation(&order, CancelOrigin::Marketplace)
                    .await?;
            } else if requested {
                self.start_cancellation(&order, CancelOrigin::BuyerRequest)
                    .await?;
            }
        }
        let order = self.order_of(code).await?;
        if let Some(webshop_id) = order.webshop_order_id.as_deref() {
            if let Ok(webshop_id) = WebshopOrderId::parse(webshop_id) {
                let webshop_order = self.webshop.order(&webshop_id).await?;
                self.note(
                    &order,
                    EventKind::Info,
                    "synchronized from the webshop on request",
                )
                .await?;
                self.apply_webshop_state(&order, &webshop_order).await?;
            }
        }
        self.run_create().await?;
        self.run_ship().await?;
        self.run_cancel().await?;
        self.order_of(code).await
    }

    /// Sends an order in `error` through the loop again (after the merchant fixed the cause).
    ///
    /// # Errors
    ///
    /// When the order is unknown or not in `error`.
    pub async fn resend_order(&self, code: &str) -> Result<OrderRecord, ManageError> {
        let order = self.order_of(code).await?;
        if order.status != OrderStatus::Error {
            return Err(ManageError::NotApplicable {
                code: order.code,
                status: order.status,
                action: "resend",
                applies_to: "orders in error",
            });
        }
        let status = derived_status(&order);
        let applied = self
            .transition(
                &order,
                Transition::of(order.id)
                    .when("status", OrderStatus::Error)
                    .set("status", status)
                    .set("error", Option::<String>::None)
                    .set("retry_at", Option::<i64>::None)
                    .event(
                        EventKind::Status,
                        format!("resent by the merchant: {status}"),
                    ),
            )
            .await?;
        if applied && order.create_step == Step::Pending {
            self.run_create().await?;
        }
        self.order_of(code).await
    }

    /// Hands an order over to the merchant: the daemon stops touching it.
    ///
    /// # Errors
    ///
    /// When the order is unknown or already final.
    pub async fn handle_manually(&self, code: &str) -> Result<OrderRecord, ManageError> {
        let order = self.order_of(code).await?;
        if order.status.is_final() {
            return Err(ManageError::NotApplicable {
                code: order.code,
                status: order.status,
                action: "handle manually",
                applies_to: "orders that are not shipped, cancelled or manual yet",
            });
        }
        self.transition(
            &order,
            Transition::of(order.id)
                .when("status", order.status)
                .set("status", OrderStatus::Manual)
                .event(EventKind::Status, "handed over to the merchant: manual"),
        )
        .await?;
        self.order_of(code).await
    }
}
