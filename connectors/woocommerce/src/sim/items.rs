//! Order items of a `POST orders` body, read the way the REST controller prepares them
//! (woocommerce/woocommerce `includes/rest-api/Controllers/Version2/
//! class-wc-rest-orders-v2-controller.php`, `prepare_line_items` and `prepare_fee_lines`): a
//! line takes the product's tax class and is priced at the product's price unless `total` /
//! `subtotal` are given; a fee needs a name and a known tax class.

use serde_json::Value;

use super::model::{SimError, SimWooFee, SimWooLine};
use super::state::SimState;

impl SimState {
    pub(crate) fn line_from_json(&self, line: &Value) -> Result<SimWooLine, SimError> {
        let number = |key: &str| line.get(key).and_then(Value::as_u64).unwrap_or(0);
        let product_id = number("product_id");
        let variation_id = number("variation_id");
        let product = self.product(product_id).ok_or_else(|| {
            SimError::new(
                400,
                "woocommerce_rest_invalid_product_id",
                "Invalid product ID.",
            )
        })?;
        let ordered = if variation_id == 0 {
            product
        } else {
            self.product(variation_id)
                .filter(|v| v.parent_id == product_id)
                .ok_or_else(|| {
                    SimError::new(
                        400,
                        "woocommerce_rest_invalid_variation_id",
                        "Invalid variation ID.",
                    )
                })?
        };
        let quantity = line
            .get("quantity")
            .and_then(Value::as_u64)
            .and_then(|q| u32::try_from(q).ok())
            .filter(|q| *q > 0)
            .ok_or_else(|| {
                SimError::new(
                    400,
                    "woocommerce_rest_invalid_quantity",
                    "Quantity must be a positive number.",
                )
            })?;
        let amount = |key: &str| -> Result<Option<(String, i64)>, SimError> {
            match line.get(key).and_then(Value::as_str) {
                Some(text) => decimal_cents(text)
                    .map(|cents| Some((text.to_owned(), cents)))
                    .ok_or_else(|| {
                        SimError::new(
                            400,
                            "rest_invalid_param",
                            "Invalid parameter(s): line_items",
                        )
                    }),
                None => Ok(None),
            }
        };
        // Without amounts, core prices the line at the product's price (ex tax).
        let price = ordered.price_cents * i64::from(quantity);
        let (total, total_cents) = amount("total")?.unwrap_or_else(|| (cents_text(price), price));
        let (subtotal, subtotal_cents) =
            amount("subtotal")?.unwrap_or((total.clone(), total_cents));
        let tax_class = line
            .get("tax_class")
            .and_then(Value::as_str)
            .unwrap_or(&ordered.tax_class)
            .to_owned();
        Ok(SimWooLine {
            product_id,
            variation_id,
            sku: ordered.sku.clone(),
            quantity,
            total,
            subtotal,
            total_cents,
            subtotal_cents,
            tax_class,
            taxable: ordered.tax_status == "taxable",
            taxes: Vec::new(),
            total_tax_e4: 0,
            subtotal_tax_e4: 0,
        })
    }

    /// A fee line of a `POST orders` body (`prepare_fee_lines`: a name is required; tax class
    /// must exist; tax status other than `taxable`/`none` reads as `taxable`).
    pub(crate) fn fee_from_json(&self, fee: &Value) -> Result<SimWooFee, SimError> {
        let text = |key: &str| fee.get(key).and_then(Value::as_str).unwrap_or_default();
        if text("name").trim().is_empty() {
            return Err(SimError::new(
                400,
                "woocommerce_rest_invalid_fee_item",
                "Fee name is required.",
            ));
        }
        let tax_class = text("tax_class").to_owned();
        if !tax_class.is_empty() && !self.taxes.class_slugs().contains(&tax_class) {
            return Err(SimError::new(
                400,
                "order_item_fee_invalid_tax_class",
                "Invalid tax class",
            ));
        }
        let total_cents = decimal_cents(text("total")).ok_or_else(|| {
            SimError::new(400, "rest_invalid_param", "Invalid parameter(s): fee_lines")
        })?;
        Ok(SimWooFee {
            name: text("name").to_owned(),
            total_cents,
            tax_status: if text("tax_status") == "none" {
                "none"
            } else {
                "taxable"
            }
            .to_owned(),
            tax_class,
            taxes: Vec::new(),
            total_tax_e4: 0,
        })
    }
}

/// Cents of a decimal amount as WooCommerce accepts it (`"24.99"`, `"-0.01"`, `"5"`).
fn decimal_cents(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let money = orderbridge_core::domain::Money::parse_decimal(
        digits,
        orderbridge_core::domain::Currency::EUR,
    )
    .ok()?;
    Some(if negative {
        -money.cents()
    } else {
        money.cents()
    })
}

/// Decimal text of cents (`-1` → `-0.01`).
pub(crate) fn cents_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let magnitude = cents.unsigned_abs();
    format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
}
