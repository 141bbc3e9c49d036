//! What the simulated shop holds, as tests see it: orders with their lines and meta data,
//! products and variations, and the refusals the shop answers with.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// A line of a simulated order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimWooLine {
    /// The product (the parent, for a variation).
    pub product_id: u64,
    /// The variation, 0 when none.
    pub variation_id: u64,
    /// The ordered product's SKU.
    pub sku: String,
    /// Items.
    pub quantity: u32,
    /// Line total, decimal text as sent.
    pub total: String,
}

/// A simulated order, as the shop stores it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimWooOrder {
    /// Order id.
    pub id: u64,
    /// Status slug.
    pub status: String,
    /// Currency code.
    pub currency: String,
    /// Meta data, in insertion order.
    pub meta: Vec<(String, Value)>,
    /// Lines.
    pub line_items: Vec<SimWooLine>,
    /// Billing address as sent.
    pub billing: Value,
    /// Shipping address as sent.
    pub shipping: Value,
    /// The customer's note.
    pub customer_note: String,
    /// Creation time (whole seconds).
    pub created_at: DateTime<Utc>,
    /// Last change (whole seconds).
    pub modified_at: DateTime<Utc>,
    /// Completion time, once completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// Payment time, when marked paid.
    pub paid_at: Option<DateTime<Utc>>,
}

impl SimWooOrder {
    /// The value of meta `key`, when present.
    pub fn meta_value(&self, key: &str) -> Option<&Value> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The text value of meta `key`, when present and text.
    pub fn meta_str(&self, key: &str) -> Option<&str> {
        self.meta_value(key).and_then(Value::as_str)
    }
}

/// A simulated product or variation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimProduct {
    /// Id (shared id space with orders, like WordPress posts).
    pub id: u64,
    /// The variable product of a variation; 0 otherwise.
    pub parent_id: u64,
    /// `simple`, `variable` or `variation`.
    pub product_type: String,
    /// Name.
    pub name: String,
    /// SKU.
    pub sku: String,
    /// EAN/GTIN (`global_unique_id`), empty when none.
    pub global_unique_id: String,
    /// Price in cents.
    pub price_cents: i64,
    /// Stock when managed; `None` when stock is not managed.
    pub stock: Option<i64>,
    /// The stock status the merchant set on a product without managed stock (`instock`,
    /// `outofstock`, `onbackorder`); with managed stock WooCommerce derives it from `stock`.
    pub unmanaged_status: String,
    /// Meta data as plugins store it (key, value), e.g. `("_alg_ean", "8712345678906")`.
    pub meta: Vec<(String, String)>,
    /// Last change of this product or variation alone (WooCommerce does not bump a variable
    /// product's date when one of its variations changes).
    pub modified_at: DateTime<Utc>,
}

/// A refusal in WooCommerce's terms: HTTP status, error code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SimError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl SimError {
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub(crate) fn invalid_order() -> Self {
        Self::new(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
    }
}
