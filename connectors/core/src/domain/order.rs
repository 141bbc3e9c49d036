//! Marketplace orders as the daemon sees them: the short form from the open-orders list
//! ([`OpenOrder`]) and the full form with addresses and prices ([`MarketplaceOrder`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    Address, DomainError, Ean, MarketplaceOrderId, Money, OfferId, OrderLineId, Quantity, Sku,
};

/// One line of an order in the open-orders list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenOrderLine {
    /// Marketplace id of the line.
    pub line_id: OrderLineId,
    /// Items ordered, as listed (checked strictly only in the full order).
    pub quantity: u32,
    /// Items already shipped.
    pub quantity_shipped: u32,
    /// Items already cancelled.
    pub quantity_cancelled: u32,
    /// The buyer asked to cancel this line.
    pub cancellation_requested: bool,
    /// Fulfilled by the marketplace (bol FBB, Amazon FBA) rather than the merchant.
    pub fulfilled_by_marketplace: bool,
}

/// An order from the open-orders list: enough to decide whether it is new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenOrder {
    /// Marketplace order id.
    pub id: MarketplaceOrderId,
    /// When the buyer placed it.
    pub placed_at: DateTime<Utc>,
    /// Its lines.
    pub lines: Vec<OpenOrderLine>,
}

/// One line of a full marketplace order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketplaceOrderLine {
    /// Marketplace id of the line.
    pub line_id: OrderLineId,
    /// The merchant's reference on the offer (bol `offer.reference`), usually the SKU.
    pub sku: Option<Sku>,
    /// The product's EAN.
    pub ean: Option<Ean>,
    /// The marketplace's offer id.
    pub offer_id: Option<OfferId>,
    /// Product title.
    pub title: String,
    /// Items ordered.
    pub quantity: Quantity,
    /// Items already shipped.
    pub quantity_shipped: u32,
    /// Items already cancelled.
    pub quantity_cancelled: u32,
    /// Price of one item before discounts, VAT included (bol `unitPrice`).
    pub unit_price: Money,
    /// What the buyer paid for the whole line, VAT included and discounts taken off (bol
    /// `totalPrice`). `None` only in records stored before this was read; then
    /// `unit_price × quantity` is what was paid ([`MarketplaceOrderLine::paid_total`]).
    #[serde(default)]
    pub line_total: Option<Money>,
    /// The discounts that explain the difference between `unit_price × quantity` and
    /// `line_total`.
    #[serde(default)]
    pub discounts: Vec<Discount>,
    /// The buyer asked to cancel this line.
    pub cancellation_requested: bool,
    /// Fulfilled by the marketplace rather than the merchant.
    pub fulfilled_by_marketplace: bool,
    /// Must ship with a label bought from the marketplace (bol "Verzenden via bol",
    /// `distributionParty` = `BOL`): never with the merchant's own transport.
    #[serde(default)]
    pub marketplace_label_required: bool,
}

impl MarketplaceOrderLine {
    /// What the buyer paid for the line: `line_total`, or `unit_price × quantity` for records
    /// stored before line totals were read.
    ///
    /// # Errors
    ///
    /// When `unit_price × quantity` overflows.
    pub fn paid_total(&self) -> Result<Money, DomainError> {
        match self.line_total {
            Some(total) => Ok(total),
            None => self.unit_price.times(self.quantity.get()),
        }
    }
}

/// A price reduction on a line, as the marketplace explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discount {
    /// The promotion's title.
    pub title: String,
    /// The amount taken off, VAT included.
    pub amount: Money,
}

/// A full marketplace order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketplaceOrder {
    /// Marketplace order id.
    pub id: MarketplaceOrderId,
    /// When the buyer placed it.
    pub placed_at: DateTime<Utc>,
    /// Where it goes.
    pub shipping: Address,
    /// Who pays (the shipping address when the marketplace gives none).
    pub billing: Address,
    /// The name of the pickup point when the buyer chose one.
    pub pickup_point: Option<String>,
    /// Its lines.
    pub lines: Vec<MarketplaceOrderLine>,
}
