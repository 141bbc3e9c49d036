//! The [`Webshop`] trait: what the daemon asks of the merchant's back office (WooCommerce,
//! Shopify, Magento 2, Medusa): create an order once, find it again after a crash, follow its
//! status and track & trace, cancel it, and read stock.

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    Address, Discount, Ean, MarketplaceOrderId, Money, OrderCode, Quantity, Sku, WebshopOrderId,
};
use crate::ConnectorResult;

/// One line of an order to create in the webshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrderLine {
    /// The SKU to resolve to a webshop product.
    pub sku: Option<Sku>,
    /// The EAN, tried when the SKU is unknown or absent.
    pub ean: Option<Ean>,
    /// Title as the marketplace shows it (for the person reading the order).
    pub title: String,
    /// Items.
    pub quantity: Quantity,
    /// Price of one item before discounts, VAT included.
    pub unit_price: Money,
    /// What the buyer paid for the whole line: VAT included, discounts taken off. The webshop
    /// line must come to exactly this, whatever the shop's tax settings.
    pub line_total: Money,
    /// The discounts between `unit_price × quantity` and `line_total`, for the person reading
    /// the order.
    pub discounts: Vec<Discount>,
    /// The marketplace's line id, kept on the webshop line for reference.
    pub marketplace_line_id: String,
}

/// An order to create in the webshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrder {
    /// Our unique order code; written into the order so it can be found again.
    pub code: OrderCode,
    /// Marketplace name as shown to the merchant (`bol.com`).
    pub marketplace: String,
    /// The marketplace's order id, written into the order as external reference.
    pub marketplace_order_id: MarketplaceOrderId,
    /// When the buyer placed it.
    pub placed_at: DateTime<Utc>,
    /// Delivery address.
    pub shipping: Address,
    /// Billing address.
    pub billing: Address,
    /// Pickup point name, when the buyer chose one.
    pub pickup_point: Option<String>,
    /// Lines.
    pub lines: Vec<NewOrderLine>,
}

impl NewOrder {
    /// What the buyer paid for the lines of this order (the sum of the line totals): what the
    /// webshop order must total.
    ///
    /// # Errors
    ///
    /// When the order has no lines, mixes currencies or the sum overflows.
    pub fn paid_total(&self) -> Result<Money, crate::domain::DomainError> {
        let mut lines = self.lines.iter();
        let first = lines.next().ok_or_else(|| {
            crate::domain::DomainError::new("order total", "the order has no lines")
        })?;
        lines.try_fold(first.line_total, |sum, line| sum.plus(line.line_total))
    }
}

/// What creating an order gave: the webshop's id and, where the webshop tells, the order's
/// total as it calculated it (taxes included), to check against what the buyer paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedOrder {
    /// The webshop's id.
    pub id: WebshopOrderId,
    /// The order's grand total as the webshop calculated it.
    pub total: Option<Money>,
}

/// Where an order stands in the webshop, in the daemon's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WebshopStatus {
    /// Not yet handled (pending, processing, on hold).
    Open,
    /// Completed / shipped.
    Completed,
    /// Cancelled, refunded or failed.
    Cancelled,
}

/// A track & trace entry as the webshop stores it (not yet validated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingEntry {
    /// The code as entered.
    pub code: String,
    /// The carrier name as entered, when there is one.
    pub carrier: Option<String>,
}

/// An order as the webshop has it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebshopOrder {
    /// The webshop's id.
    pub id: WebshopOrderId,
    /// Our order code, when the order is one of ours.
    pub code: Option<OrderCode>,
    /// Its status.
    pub status: WebshopStatus,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed.
    pub modified_at: Option<DateTime<Utc>>,
    /// When it was completed, when it is.
    pub completed_at: Option<DateTime<Utc>>,
    /// The order's grand total as the webshop calculated it, when it says.
    #[serde(default)]
    pub total: Option<Money>,
    /// Track & trace entries, newest last.
    pub tracking: Vec<TrackingEntry>,
    /// True when the tracking could not be read this time (a temporary failure): `tracking`
    /// is then unknown, not empty, and the order must be looked at again later.
    pub tracking_unavailable: bool,
}

/// Stock of one SKU in the webshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    /// The SKU.
    pub sku: Sku,
    /// Items to offer; `None` when the webshop does not manage stock for it (and the
    /// connection sets no number for such products): only `in_stock` is known then.
    pub quantity: Option<i64>,
    /// Whether the webshop sells it now (WooCommerce: `stock_status` is not `outofstock`).
    /// For a product without managed stock this is all the webshop knows: out of stock means
    /// 0 on the marketplace, in stock leaves the marketplace's stock alone.
    pub in_stock: bool,
}

/// The merchant's webshop back office.
pub trait Webshop: Send + Sync {
    /// Creates the order. Not idempotent by itself: the caller records its intent first and, on
    /// a retry, calls [`Webshop::find_order`] before creating again.
    ///
    /// # Errors
    ///
    /// [`crate::ConnectorError::NotFound`] when a line's SKU/EAN matches no product (the
    /// message names it); [`crate::ConnectorError::Transient`] when the outcome is unknown.
    fn create_order(
        &self,
        order: &NewOrder,
    ) -> impl Future<Output = ConnectorResult<CreatedOrder>> + Send;

    /// Finds an order we created, by our order code, among orders created since
    /// `created_since` (the time the intent to create it was recorded, minus a margin).
    ///
    /// # Errors
    ///
    /// As usual.
    fn find_order(
        &self,
        code: &OrderCode,
        created_since: DateTime<Utc>,
    ) -> impl Future<Output = ConnectorResult<Option<WebshopOrderId>>> + Send;

    /// The order as it is now.
    ///
    /// # Errors
    ///
    /// [`crate::ConnectorError::NotFound`] when it was deleted.
    fn order(
        &self,
        id: &WebshopOrderId,
    ) -> impl Future<Output = ConnectorResult<WebshopOrder>> + Send;

    /// The orders with these ids as they are now, read in batches. An id missing from the
    /// answer has no order any more (deleted); the others come in no particular order. A
    /// temporary failure to read one order's tracking marks that order
    /// [`WebshopOrder::tracking_unavailable`] instead of failing the rest.
    ///
    /// # Errors
    ///
    /// When a batch cannot be read.
    fn orders(
        &self,
        ids: &[WebshopOrderId],
    ) -> impl Future<Output = ConnectorResult<Vec<WebshopOrder>>> + Send;

    /// Orders modified since `since` (all pages), oldest change first.
    ///
    /// # Errors
    ///
    /// As usual.
    fn changed_orders(
        &self,
        since: DateTime<Utc>,
    ) -> impl Future<Output = ConnectorResult<Vec<WebshopOrder>>> + Send;

    /// Cancels the order (idempotent: cancelling a cancelled order succeeds).
    ///
    /// # Errors
    ///
    /// As usual.
    fn cancel_order(&self, id: &WebshopOrderId)
        -> impl Future<Output = ConnectorResult<()>> + Send;

    /// Stock per SKU, for the SKUs asked (unknown SKUs are left out of the answer).
    ///
    /// # Errors
    ///
    /// As usual.
    fn stock_levels(
        &self,
        skus: &[Sku],
    ) -> impl Future<Output = ConnectorResult<Vec<StockLevel>>> + Send;
}
