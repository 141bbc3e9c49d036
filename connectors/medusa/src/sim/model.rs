//! What the simulated Medusa store holds: variants with their inventory, and orders (drafts
//! are orders with `status = "draft"`, as in Medusa 2's order module) with items,
//! fulfilments and labels.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// A product variant and its stock at the one stock location.
#[derive(Debug, Clone, PartialEq)]
pub struct SimVariant {
    /// `variant_…`.
    pub id: String,
    /// Its SKU.
    pub sku: String,
    /// Its EAN.
    pub ean: Option<String>,
    /// Its price in cents.
    pub price_cents: i64,
    /// Whether Medusa keeps its stock (an inventory item with levels).
    pub manage_inventory: bool,
    /// `iitem_…`, when managed.
    pub inventory_item_id: Option<String>,
    /// On the shelf.
    pub stocked: i64,
    /// Held for placed orders not yet fulfilled.
    pub reserved: i64,
}

/// An item of an order.
#[derive(Debug, Clone, PartialEq)]
pub struct SimItem {
    /// `ordli_…`.
    pub id: String,
    /// The variant.
    pub variant_id: String,
    /// Its SKU.
    pub sku: String,
    /// Items.
    pub quantity: i64,
    /// Price of one, in cents.
    pub unit_price_cents: i64,
    /// Metadata as sent.
    pub metadata: Map<String, Value>,
}

/// A fulfilment.
#[derive(Debug, Clone, PartialEq)]
pub struct SimFulfillment {
    /// `ful_…`.
    pub id: String,
    /// Items fulfilled: (item id, quantity).
    pub items: Vec<(String, i64)>,
    /// Tracking numbers of its labels.
    pub tracking_numbers: Vec<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Marked shipped.
    pub shipped_at: Option<DateTime<Utc>>,
    /// Cancelled.
    pub canceled_at: Option<DateTime<Utc>>,
}

/// An order or draft order.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOrder {
    /// `order_…`.
    pub id: String,
    /// The number the merchant sees.
    pub display_id: u64,
    /// `draft`, `pending`, `canceled`, `completed`.
    pub status: String,
    /// The buyer's e-mail.
    pub email: String,
    /// The region.
    pub region_id: String,
    /// The sales channel.
    pub sales_channel_id: String,
    /// Metadata as sent.
    pub metadata: Map<String, Value>,
    /// Addresses as sent.
    pub shipping_address: Value,
    /// Addresses as sent.
    pub billing_address: Value,
    /// Items.
    pub items: Vec<SimItem>,
    /// The shipping method's amount in cents.
    pub shipping_cents: i64,
    /// Whether Medusa would mail the buyer.
    pub notifications: bool,
    /// Fulfilments.
    pub fulfillments: Vec<SimFulfillment>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Cancelled.
    pub canceled_at: Option<DateTime<Utc>>,
}

impl SimOrder {
    /// The grand total in the main unit, unrounded as Medusa leaves it: item prices with
    /// 21 % VAT added unless `prices_include_tax`; shipping methods always get VAT on top
    /// (`scripts/medusa/FACTS.md`, "Tax inclusive or not").
    pub fn total(&self, prices_include_tax: bool) -> f64 {
        let items: i64 = self
            .items
            .iter()
            .map(|i| i.quantity * i.unit_price_cents)
            .sum();
        let items = items as f64 / 100.0;
        let shipping = self.shipping_cents as f64 / 100.0 * 1.21;
        if prices_include_tax {
            items + shipping
        } else {
            items * 1.21 + shipping
        }
    }

    /// Items of item `item_id` in shipped, live fulfilments.
    pub fn shipped_quantity(&self, item_id: &str) -> i64 {
        self.fulfillments
            .iter()
            .filter(|f| f.canceled_at.is_none() && f.shipped_at.is_some())
            .flat_map(|f| f.items.iter())
            .filter(|(id, _)| id == item_id)
            .map(|(_, q)| *q)
            .sum()
    }

    /// Medusa's `fulfillment_status`, derived from the live fulfilments.
    pub fn fulfillment_status(&self) -> &'static str {
        let live: Vec<&SimFulfillment> = self
            .fulfillments
            .iter()
            .filter(|f| f.canceled_at.is_none())
            .collect();
        let ordered: i64 = self.items.iter().map(|i| i.quantity).sum();
        let count = |pick: &dyn Fn(&SimFulfillment) -> bool| -> i64 {
            live.iter()
                .filter(|f| pick(f))
                .flat_map(|f| f.items.iter().map(|(_, q)| *q))
                .sum()
        };
        let fulfilled = count(&|_| true);
        let shipped = count(&|f| f.shipped_at.is_some());
        match () {
            () if ordered > 0 && shipped >= ordered => "shipped",
            () if shipped > 0 => "partially_shipped",
            () if ordered > 0 && fulfilled >= ordered => "fulfilled",
            () if fulfilled > 0 => "partially_fulfilled",
            () => "not_fulfilled",
        }
    }
}
