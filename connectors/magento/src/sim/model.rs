//! What the simulated Magento shop holds: catalog products with their stock (MSI: quantity
//! on hand, reservations of placed orders not yet shipped), guest carts, and orders with
//! items, addresses and shipments with tracks.

use chrono::{DateTime, Utc};
use serde_json::Value;

/// A catalog product and its stock in the default source.
#[derive(Debug, Clone, PartialEq)]
pub struct SimProduct {
    /// Its SKU.
    pub sku: String,
    /// Its price in cents, VAT included (the catalog's, which orders get).
    pub price_cents: i64,
    /// Whether Magento manages its stock.
    pub manage_stock: bool,
    /// On hand.
    pub qty: i64,
    /// Reserved by placed orders not yet shipped (MSI reservations, negative in Magento's
    /// table, kept positive here).
    pub reserved: i64,
}

impl SimProduct {
    /// MSI's salable quantity: on hand minus reservations (threshold 0).
    pub fn salable(&self) -> i64 {
        self.qty - self.reserved
    }
}

/// A guest cart (quote).
#[derive(Debug, Clone, PartialEq)]
pub struct SimCart {
    /// The masked id the guest API uses.
    pub masked_id: String,
    /// Items: SKU and quantity.
    pub items: Vec<(String, i64)>,
    /// Shipping information, once set: delivery address, billing address, carrier, method.
    pub shipping: Option<SimShippingInfo>,
    /// False once the order is placed.
    pub active: bool,
}

/// The shipping information of a cart.
#[derive(Debug, Clone, PartialEq)]
pub struct SimShippingInfo {
    /// Delivery address as sent.
    pub shipping_address: Value,
    /// Billing address as sent.
    pub billing_address: Value,
    /// Carrier code.
    pub carrier_code: String,
    /// Method code.
    pub method_code: String,
}

/// An item of an order.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOrderItem {
    /// Its id.
    pub item_id: u64,
    /// SKU.
    pub sku: String,
    /// Price of one, cents.
    pub price_cents: i64,
    /// Ordered.
    pub qty_ordered: i64,
    /// Invoiced.
    pub qty_invoiced: i64,
    /// Shipped.
    pub qty_shipped: i64,
    /// Cancelled.
    pub qty_canceled: i64,
}

/// A track of a shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimTrack {
    /// `custom`, `ups`, `dhl`, …
    pub carrier_code: String,
    /// The carrier's name as typed ("PostNL").
    pub title: String,
    /// The track & trace code.
    pub track_number: String,
}

/// A shipment.
#[derive(Debug, Clone, PartialEq)]
pub struct SimShipment {
    /// Its id.
    pub entity_id: u64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Its tracks.
    pub tracks: Vec<SimTrack>,
}

/// An order.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOrder {
    /// Its id.
    pub entity_id: u64,
    /// The number the merchant sees.
    pub increment_id: String,
    /// `new`, `processing`, `complete`, `canceled`, `closed`.
    pub state: String,
    /// `pending`, `processing`, `complete`, `canceled`, `closed`.
    pub status: String,
    /// Our code, once written.
    pub ext_order_id: Option<String>,
    /// The guest e-mail (the billing address's).
    pub customer_email: String,
    /// Delivery address as sent.
    pub shipping_address: Value,
    /// Billing address as sent.
    pub billing_address: Value,
    /// `carrier_method`.
    pub shipping_method: String,
    /// Shipping amount, cents.
    pub shipping_cents: i64,
    /// Payment method code.
    pub payment_method: String,
    /// Items.
    pub items: Vec<SimOrderItem>,
    /// Shipments.
    pub shipments: Vec<SimShipment>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl SimOrder {
    /// Grand total in cents: items at catalog prices (VAT included) plus shipping.
    pub fn grand_total_cents(&self) -> i64 {
        self.items
            .iter()
            .map(|i| i.price_cents * i.qty_ordered)
            .sum::<i64>()
            + self.shipping_cents
    }
}
