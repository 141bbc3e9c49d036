//! Marketplace orders as the daemon sees them: the short form from the open-orders list
//! ([`OpenOrder`]) and the full form with addresses and prices ([`MarketplaceOrder`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Address, Ean, MarketplaceOrderId, Money, OfferId, OrderLineId, Quantity, Sku};

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
    /// Price of one item, as the buyer paid it.
    pub unit_price: Money,
    /// The buyer asked to cancel this line.
    pub cancellation_requested: bool,
    /// Fulfilled by the marketplace rather than the merchant.
    pub fulfilled_by_marketplace: bool,
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
