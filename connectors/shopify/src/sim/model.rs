//! What the simulated shop holds: product variants with their inventory at the one location,
//! orders with their lines, totals, references, options, fulfilments and cancellation, and
//! metafield definitions.

use chrono::{DateTime, Utc};
use serde_json::Value;

/// A product variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimVariant {
    /// `gid://shopify/ProductVariant/…`.
    pub id: String,
    /// Its SKU.
    pub sku: String,
    /// Its barcode (EAN).
    pub barcode: Option<String>,
    /// Its price in cents.
    pub price_cents: i64,
    /// Whether Shopify tracks its stock.
    pub tracked: bool,
    /// Items available at the location (tracked variants).
    pub available: i64,
    /// Whether it can be ordered (its product active); found by search either way.
    pub sellable: bool,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimLine {
    /// The variant.
    pub variant_id: String,
    /// Its SKU.
    pub sku: String,
    /// Items.
    pub quantity: i64,
    /// Price of one item in cents.
    pub price_cents: i64,
    /// Tax lines' amounts in cents.
    pub tax_cents: i64,
}

/// A fulfilment with its tracking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimFulfillment {
    /// `SUCCESS` or `CANCELLED`.
    pub status: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// The carrier the merchant chose.
    pub company: Option<String>,
    /// The tracking number.
    pub number: Option<String>,
}

/// An order.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOrder {
    /// `gid://shopify/Order/…`.
    pub id: String,
    /// `#1001`.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was cancelled (once the cancel job ran).
    pub cancelled_at: Option<DateTime<Utc>>,
    /// The order's source identifier.
    pub source_identifier: Option<String>,
    /// Metafields as `(namespace, key, value)`.
    pub metafields: Vec<(String, String, String)>,
    /// The e-mail address.
    pub email: Option<String>,
    /// Lines.
    pub lines: Vec<SimLine>,
    /// The discount in cents.
    pub discount_cents: i64,
    /// Whether line prices include their taxes.
    pub taxes_included: bool,
    /// The total Shopify calculated, in cents.
    pub total_cents: i64,
    /// ISO 4217.
    pub currency: String,
    /// `PAID`, `PENDING`, …
    pub financial_status: String,
    /// `sendReceipt` as the creation gave it (Shopify's default, when absent, is no mail).
    pub send_receipt: Option<bool>,
    /// `sendFulfillmentReceipt` as the creation gave it.
    pub send_fulfillment_receipt: Option<bool>,
    /// The shipping address as sent.
    pub shipping_address: Value,
    /// Tags.
    pub tags: Vec<String>,
    /// Fulfilments.
    pub fulfillments: Vec<SimFulfillment>,
    /// Whether the cancellation refunded and restocked (`orderCancel` arguments).
    pub cancel_arguments: Option<Value>,
}

impl SimOrder {
    /// The metafield `namespace.key`.
    pub fn metafield(&self, namespace: &str, key: &str) -> Option<&str> {
        self.metafields
            .iter()
            .find(|(n, k, _)| n == namespace && k == key)
            .map(|(_, _, v)| v.as_str())
    }

    /// `FULFILLED` when a live fulfilment exists (the simulator fulfils whole orders).
    pub fn display_fulfillment_status(&self) -> &'static str {
        if self.fulfillments.iter().any(|f| f.status == "SUCCESS") {
            "FULFILLED"
        } else {
            "UNFULFILLED"
        }
    }
}

/// A metafield definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimMetafieldDefinition {
    /// `gid://shopify/MetafieldDefinition/…`.
    pub id: String,
    /// `ORDER`, `PRODUCT`, …
    pub owner_type: String,
    /// Its namespace.
    pub namespace: String,
    /// Its key.
    pub key: String,
    /// The type of its metafields: `id`, `single_line_text_field`, …
    pub type_name: String,
    /// Whether its values are unique across the owner type (always for `id`).
    pub unique_values: bool,
}
