//! `orderCreate` as the simulated shop runs it, as strict as Shopify where the connector
//! depends on it: an input field the schema does not define is a top-level GraphQL error;
//! amounts are decimal strings; no line items, an unknown variant or a shipping address
//! without street, postal code, city, country or last name are `userErrors`; only one kind of
//! discount code; metafields are checked against their definitions (`definitions.rs`: a value
//! a unique definition already has is refused). The total is Shopify's: Σ price × quantity − discount, plus the tax lines
//! unless `taxesIncluded`. Stock is taken (`DECREMENT_IGNORING_POLICY`) from tracked variants.

use orderbridge_core::domain::{Currency, Money};
use serde_json::{json, Map, Value};

use super::model::{SimLine, SimOrder};
use super::state::{user_error, SimState};

/// Fields of `OrderCreateOrderInput` (`VENDOR.md`).
const ORDER_FIELDS: &[&str] = &[
    "billingAddress",
    "buyerAcceptsMarketing",
    "closedAt",
    "companyLocationId",
    "currency",
    "customAttributes",
    "customer",
    "discountCode",
    "email",
    "financialStatus",
    "fulfillment",
    "fulfillmentStatus",
    "lineItems",
    "metafields",
    "name",
    "note",
    "phone",
    "poNumber",
    "presentmentCurrency",
    "processedAt",
    "referringSite",
    "shippingAddress",
    "shippingLines",
    "sourceIdentifier",
    "sourceName",
    "sourceUrl",
    "tags",
    "taxesIncluded",
    "taxLines",
    "test",
    "transactions",
    "userId",
    "customerId",
];

/// Fields of `OrderCreateOptionsInput`.
const OPTION_FIELDS: &[&str] = &[
    "inventoryBehaviour",
    "sendFulfillmentReceipt",
    "sendReceipt",
];

/// Fields of `MailingAddressInput`.
const ADDRESS_FIELDS: &[&str] = &[
    "address1",
    "address2",
    "city",
    "company",
    "countryCode",
    "firstName",
    "lastName",
    "phone",
    "provinceCode",
    "zip",
];

/// A top-level GraphQL error (the whole request refused): its message and
/// `extensions.code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TopLevelError {
    pub message: String,
    pub code: &'static str,
}

impl TopLevelError {
    /// A variable the schema does not accept.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: "INVALID_VARIABLE",
        }
    }
}

fn unknown_field(
    input: &Map<String, Value>,
    allowed: &[&str],
    type_name: &str,
) -> Result<(), TopLevelError> {
    match input.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => Err(TopLevelError::invalid(format!(
            "Variable $order of type OrderCreateOrderInput! was provided invalid value for \
             {key} (Field is not defined on {type_name})"
        ))),
        None => Ok(()),
    }
}

/// Cents of a `MoneyBagInput`, `None` when absent or not a decimal string.
fn bag_cents(bag: &Value) -> Option<i64> {
    let amount = bag["shopMoney"]["amount"].as_str()?;
    Money::parse_decimal(amount, Currency::EUR)
        .ok()
        .map(|m| m.cents())
}

fn invalid_amount(field: &str) -> TopLevelError {
    TopLevelError::invalid(format!(
        "Variable $order of type OrderCreateOrderInput! was provided invalid value for {field} \
         (expected a decimal amount)"
    ))
}

impl SimState {
    /// Runs `orderCreate`: the payload (order or user errors), or a top-level error.
    pub(crate) fn order_create(
        &mut self,
        variables: &Value,
    ) -> Result<(Option<String>, Value), TopLevelError> {
        let empty = Map::new();
        let input = variables["order"].as_object().ok_or_else(|| {
            TopLevelError::invalid(
                "Variable $order of type OrderCreateOrderInput! was provided invalid value",
            )
        })?;
        unknown_field(input, ORDER_FIELDS, "OrderCreateOrderInput")?;
        let options = variables["options"].as_object().unwrap_or(&empty);
        unknown_field(options, OPTION_FIELDS, "OrderCreateOptionsInput")?;
        for key in ["shippingAddress", "billingAddress"] {
            if let Some(address) = input.get(key).and_then(Value::as_object) {
                unknown_field(address, ADDRESS_FIELDS, "MailingAddressInput")?;
            }
        }
        let mut errors = Vec::new();
        let items = input
            .get("lineItems")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if items.is_empty() {
            errors.push(user_error(
                &["order", "lineItems"],
                "Line items can't be empty",
            ));
        }
        let taxes_included = input
            .get("taxesIncluded")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut lines = Vec::new();
        for (idx, item) in items.iter().enumerate() {
            let idx_text = idx.to_string();
            let variant_id = item["variantId"].as_str().unwrap_or_default();
            let Some(variant) = self.variants.iter().find(|v| v.id == variant_id) else {
                errors.push(user_error(
                    &["order", "lineItems", &idx_text, "variantId"],
                    format!("Variant {variant_id} does not exist"),
                ));
                continue;
            };
            if !variant.sellable {
                errors.push(user_error(
                    &["order", "lineItems", &idx_text, "variantId"],
                    format!("Variant {variant_id} is not available for sale"),
                ));
                continue;
            }
            let price = match item.get("priceSet") {
                Some(bag) => bag_cents(bag).ok_or_else(|| invalid_amount("lineItems.priceSet"))?,
                None => variant.price_cents,
            };
            let mut tax = 0;
            for tax_line in item["taxLines"].as_array().into_iter().flatten() {
                tax += bag_cents(&tax_line["priceSet"])
                    .ok_or_else(|| invalid_amount("lineItems.taxLines.priceSet"))?;
            }
            lines.push(SimLine {
                variant_id: variant.id.clone(),
                sku: variant.sku.clone(),
                quantity: item["quantity"].as_i64().unwrap_or(0),
                price_cents: price,
                tax_cents: tax,
            });
        }
        let shipping = input.get("shippingAddress").cloned().unwrap_or(Value::Null);
        for field in ["lastName", "address1", "zip", "city", "countryCode"] {
            if shipping[field].as_str().is_none_or(|v| v.trim().is_empty()) {
                errors.push(user_error(
                    &["order", "shippingAddress", field],
                    "can't be blank",
                ));
            }
        }
        let discount = match input.get("discountCode").and_then(Value::as_object) {
            None => 0,
            Some(kinds) if kinds.len() != 1 => {
                errors.push(user_error(
                    &["order", "discountCode"],
                    "Only one discount code type can be applied",
                ));
                0
            }
            Some(kinds) => kinds
                .get("itemFixedDiscountCode")
                .map(|fixed| {
                    bag_cents(&fixed["amountSet"]).ok_or_else(|| invalid_amount("discountCode"))
                })
                .transpose()?
                .unwrap_or(0),
        };
        let metafield_inputs: Vec<Value> = input
            .get("metafields")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        errors.extend(self.order_metafield_errors(&metafield_inputs));
        if !errors.is_empty() {
            return Ok((None, json!({ "order": null, "userErrors": errors })));
        }
        let subtotal: i64 = lines.iter().map(|l| l.price_cents * l.quantity).sum();
        let taxes: i64 = lines.iter().map(|l| l.tax_cents).sum();
        let total = subtotal - discount + if taxes_included { 0 } else { taxes };
        for line in &lines {
            if let Some(v) = self
                .variants
                .iter_mut()
                .find(|v| v.id == line.variant_id && v.tracked)
            {
                v.available -= line.quantity;
            }
        }
        let number = self.id();
        let time = self.tick();
        let text = |key: &str| input.get(key).and_then(Value::as_str).map(str::to_owned);
        let metafields = metafield_inputs
            .iter()
            .filter_map(|m| {
                Some((
                    m["namespace"].as_str()?.to_owned(),
                    m["key"].as_str()?.to_owned(),
                    m["value"].as_str()?.to_owned(),
                ))
            })
            .collect();
        let paid = input
            .get("transactions")
            .and_then(Value::as_array)
            .is_some_and(|t| {
                t.iter()
                    .any(|t| t["kind"] == "SALE" && t["status"] == "SUCCESS")
            });
        let order = SimOrder {
            id: format!("gid://shopify/Order/{number}"),
            name: format!("#{}", 1000 + self.orders.len() + 1),
            created_at: time,
            updated_at: time,
            cancelled_at: None,
            source_identifier: text("sourceIdentifier"),
            metafields,
            email: text("email"),
            lines,
            discount_cents: discount,
            taxes_included,
            total_cents: total,
            currency: text("currency").unwrap_or_else(|| "EUR".into()),
            financial_status: text("financialStatus").unwrap_or_else(|| {
                if paid {
                    "PAID".into()
                } else {
                    "PENDING".into()
                }
            }),
            send_receipt: options.get("sendReceipt").and_then(Value::as_bool),
            send_fulfillment_receipt: options
                .get("sendFulfillmentReceipt")
                .and_then(Value::as_bool),
            shipping_address: shipping,
            tags: input
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect(),
            fulfillments: Vec::new(),
            cancel_arguments: None,
        };
        let id = order.id.clone();
        self.orders.push(order);
        self.reindex(&id);
        Ok((Some(id), json!({ "userErrors": [] })))
    }
}
