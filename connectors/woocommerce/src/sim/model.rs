//! What the simulated shop holds, as tests see it: orders with their lines, fees, taxes and
//! meta data, products and variations, and the refusals the shop answers with.

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
    /// Line total, decimal text as sent (without tax).
    pub total: String,
    /// Line total before discounts, decimal text as sent (the total when none was sent).
    pub subtotal: String,
    /// `total` in cents.
    pub total_cents: i64,
    /// `subtotal` in cents.
    pub subtotal_cents: i64,
    /// Tax class slug of the line (the product's unless the request set one).
    pub tax_class: String,
    /// Whether the product's tax status is `taxable`.
    pub taxable: bool,
    /// Taxes per rate, as `calculate_totals` left them.
    pub taxes: Vec<SimItemTax>,
    /// The line's tax in units of 1/10,000.
    pub total_tax_e4: i64,
    /// The line's tax before discounts in units of 1/10,000.
    pub subtotal_tax_e4: i64,
}

/// The tax of one rate on an order item, at four decimals (units of 1/10,000).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimItemTax {
    /// The tax rate.
    pub rate_id: u64,
    /// Tax on the item's `total`.
    pub total_e4: i64,
    /// Tax on the item's `subtotal`.
    pub subtotal_e4: i64,
}

/// A fee line of a simulated order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimWooFee {
    /// Name shown on the order.
    pub name: String,
    /// Amount in cents (without tax).
    pub total_cents: i64,
    /// `taxable` (WooCommerce's default) or `none`.
    pub tax_status: String,
    /// Tax class slug; empty for the standard class.
    pub tax_class: String,
    /// Taxes per rate.
    pub taxes: Vec<SimItemTax>,
    /// The fee's tax in units of 1/10,000.
    pub total_tax_e4: i64,
}

/// One tax line of a simulated order: the order's tax for one rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimTaxLine {
    /// The tax rate.
    pub rate_id: u64,
    /// `NL-BTW-1`.
    pub rate_code: String,
    /// The rate's name.
    pub label: String,
    /// Compound rate.
    pub compound: bool,
    /// The percentage times 10,000.
    pub rate_percent_e4: i64,
    /// Tax of the items for this rate, in units of 1/10,000.
    pub tax_total_e4: i64,
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
    /// Fee lines.
    pub fee_lines: Vec<SimWooFee>,
    /// Tax lines, one per rate used.
    pub tax_lines: Vec<SimTaxLine>,
    /// Whether the shop's prices included tax when the order was calculated.
    pub prices_include_tax: bool,
    /// Grand total in cents, as `calculate_totals` computed it.
    pub total_cents: i64,
    /// Sum of all taxes in cents.
    pub total_tax_cents: i64,
    /// Line subtotals minus line totals, in cents.
    pub discount_total_cents: i64,
    /// Tax on the discounts, in cents.
    pub discount_tax_cents: i64,
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
    /// `taxable`, `shipping` or `none`.
    pub tax_status: String,
    /// Tax class slug; empty for the standard class.
    pub tax_class: String,
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
