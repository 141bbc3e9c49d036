//! Translation between orderbridge's domain types and Shopify's JSON.
//!
//! A [`NewOrder`] becomes the `orderCreate` input: each line at the marketplace's unit price
//! (VAT included, `taxesIncluded: true`, with an optional VAT tax line that is part of the
//! price, never on top), the marketplace's discounts together as one fixed-amount discount
//! code, so Shopify's total is exactly what the buyer paid: Σ unit × quantity − discount. A
//! line whose total is above unit × quantity (it should not happen) is priced from its total
//! instead, split into two prices one cent apart when it does not divide by its quantity.
//! Payment: one successful `SALE` transaction of the paid total through the marketplace's
//! gateway, financial status `PAID`. Our order code goes into `sourceIdentifier` and into the
//! metafield `orderbridge.order_code` of type `id`: a custom id, unique per order, that Shopify
//! looks up directly (`custom_id.rs`).
//!
//! An order read back becomes a [`WebshopOrder`]: cancelled when `cancelledAt` is set,
//! completed when `displayFulfillmentStatus` is `FULFILLED`, tracking from the live
//! fulfillments' `trackingInfo` with the carrier the merchant chose (`company`), the total
//! from `totalPriceSet` parsed exactly.

use chrono::{DateTime, Utc};
use orderbridge_core::domain::{Address, Currency, Money, OrderCode, WebshopOrderId};
use orderbridge_core::webshop::{NewOrder, TrackingEntry, WebshopOrder, WebshopStatus};
use orderbridge_core::ConnectorResult;

use crate::error_mapping::{invalid, rejected};
use crate::wire::{self, MoneyBag, MoneyV2};
use crate::wire_input::{
    AttributeInput, DiscountCodeInput, FixedDiscountInput, LineItemInput, MailingAddressInput,
    MetafieldInput, OrderCreateOptionsInput, OrderCreateOrderInput, TaxLineInput, TransactionInput,
};

/// Namespace of our metafields on orders.
pub const METAFIELD_NAMESPACE: &str = "orderbridge";
/// Key of the metafield holding our order code as a custom id (`orderbridge.order_code`, type
/// `id`). Not `code`: connector versions before custom ids wrote a text metafield
/// `orderbridge.code` on orders, and Shopify enables unique values only on a definition that
/// has no metafields yet (`VENDOR.md` §Finding an order again).
pub const CODE_KEY: &str = "order_code";
/// The metafield type of a custom id.
pub(crate) const CUSTOM_ID_TYPE: &str = "id";
/// Key of the metafield holding the marketplace's order id.
pub const ORDER_ID_KEY: &str = "marketplace_order_id";

/// Money as Shopify's `MoneyBagInput`.
pub(crate) fn money_bag(money: Money) -> MoneyBag {
    MoneyBag {
        shop_money: MoneyV2 {
            amount: money.to_decimal_string(),
            currency_code: money.currency().as_str().to_owned(),
        },
    }
}

fn cents(amount: i64, currency: Currency, what: &str) -> ConnectorResult<Money> {
    Money::from_cents(amount, currency).map_err(|e| rejected(format!("{what}: {e}")))
}

/// The VAT in `total` cents at `rate` percent, total including it, rounded half up.
pub(crate) fn included_vat(total: i64, rate: u8) -> i64 {
    let rate = i64::from(rate);
    (2 * total * rate + 100 + rate).div_euclid(2 * (100 + rate))
}

/// `(quantity, unit cents)` items adding up to `total` cents for `quantity` items: one price
/// when the total divides, else two prices one cent apart.
pub(crate) fn split_line(total: i64, quantity: u32) -> Vec<(u32, i64)> {
    let q = i64::from(quantity.max(1));
    let base = total.div_euclid(q);
    let extra = u32::try_from(total.rem_euclid(q)).unwrap_or(0);
    let mut parts = Vec::with_capacity(2);
    if quantity > extra {
        parts.push((quantity - extra, base));
    }
    if extra > 0 {
        parts.push((extra, base + 1));
    }
    parts
}

/// The line items of `order` (resolved to `variant_ids`, same order) and the discount in
/// cents that brings their sum to what the buyer paid.
///
/// # Errors
///
/// [`orderbridge_core::ConnectorError::Rejected`] when the order has no lines, mixes
/// currencies or an amount is out of range.
pub(crate) fn priced_lines(
    order: &NewOrder,
    variant_ids: &[String],
    vat_rate: Option<u8>,
) -> ConnectorResult<(Vec<LineItemInput>, i64)> {
    let first = order
        .lines
        .first()
        .ok_or_else(|| rejected(format!("order {} has no lines", order.code)))?;
    let currency = first.line_total.currency();
    let tax_lines = |total: i64| -> ConnectorResult<Vec<TaxLineInput>> {
        vat_rate
            .map(|rate| {
                Ok(TaxLineInput {
                    title: format!("BTW {rate}%"),
                    rate: f64::from(rate) / 100.0,
                    price_set: money_bag(cents(included_vat(total, rate), currency, "VAT")?),
                })
            })
            .into_iter()
            .collect()
    };
    let mut items = Vec::with_capacity(order.lines.len());
    let mut discount: i64 = 0;
    for (line, variant_id) in order.lines.iter().zip(variant_ids) {
        let what = format!("line {}", line.marketplace_line_id);
        if line.line_total.currency() != currency || line.unit_price.currency() != currency {
            return Err(rejected(format!(
                "order {} mixes currencies ({what})",
                order.code
            )));
        }
        let gross = line
            .unit_price
            .times(line.quantity.get())
            .map_err(|e| rejected(format!("{what}: {e}")))?;
        if gross.cents() >= line.line_total.cents() {
            discount += gross.cents() - line.line_total.cents();
            items.push(LineItemInput {
                variant_id: variant_id.clone(),
                quantity: line.quantity.get(),
                price_set: money_bag(line.unit_price),
                tax_lines: tax_lines(line.line_total.cents())?,
            });
        } else {
            for (quantity, unit) in split_line(line.line_total.cents(), line.quantity.get()) {
                items.push(LineItemInput {
                    variant_id: variant_id.clone(),
                    quantity,
                    price_set: money_bag(cents(unit, currency, &what)?),
                    tax_lines: tax_lines(unit * i64::from(quantity))?,
                });
            }
        }
    }
    Ok((items, discount))
}

/// An address in Shopify's fields: street, number and extension on `address1` the way NL/BE
/// write them; the pickup point's name on the company line, where label tools print it.
pub(crate) fn address_input(address: &Address, pickup_point: Option<&str>) -> MailingAddressInput {
    let company = match (pickup_point, address.company()) {
        (Some(point), Some(company)) => Some(format!("{point} ({company})")),
        (Some(point), None) => Some(point.to_owned()),
        (None, company) => company.map(str::to_owned),
    };
    MailingAddressInput {
        first_name: address.first_name().to_owned(),
        last_name: address.surname().to_owned(),
        company,
        address1: address.street_line(),
        address2: address.extra_address_information().map(str::to_owned),
        zip: address.zip_code().to_owned(),
        city: address.city().to_owned(),
        country_code: address.country_code().as_str().to_owned(),
        phone: address.phone().map(str::to_owned),
    }
}

/// The `orderCreate` input for `order`, whose lines resolved to `variant_ids`.
///
/// # Errors
///
/// As [`priced_lines`], and when the paid total cannot be summed.
pub(crate) fn order_input(
    order: &NewOrder,
    variant_ids: &[String],
    vat_rate: Option<u8>,
) -> ConnectorResult<OrderCreateOrderInput> {
    let (line_items, discount) = priced_lines(order, variant_ids, vat_rate)?;
    let paid = order
        .paid_total()
        .map_err(|e| rejected(format!("order {}: {e}", order.code)))?;
    let currency = paid.currency();
    let discount_code = if discount > 0 {
        Some(DiscountCodeInput {
            item_fixed_discount_code: FixedDiscountInput {
                code: format!("{} discount", order.marketplace),
                amount_set: money_bag(cents(discount, currency, "discount")?),
            },
        })
    } else {
        None
    };
    let mut custom_attributes = vec![AttributeInput {
        key: format!("{} order", order.marketplace),
        value: order.marketplace_order_id.as_str().to_owned(),
    }];
    if let Some(point) = &order.pickup_point {
        custom_attributes.push(AttributeInput {
            key: "Pickup point".into(),
            value: point.clone(),
        });
    }
    let metafield = |key: &str, kind: &str, value: &str| MetafieldInput {
        namespace: METAFIELD_NAMESPACE.to_owned(),
        key: key.to_owned(),
        kind: kind.to_owned(),
        value: value.to_owned(),
    };
    Ok(OrderCreateOrderInput {
        currency: currency.as_str().to_owned(),
        email: order
            .shipping
            .email()
            .or(order.billing.email())
            .filter(|e| e.contains('@'))
            .map(str::to_owned),
        line_items,
        taxes_included: true,
        discount_code,
        financial_status: "PAID".to_owned(),
        transactions: vec![TransactionInput {
            kind: "SALE".to_owned(),
            status: "SUCCESS".to_owned(),
            gateway: order.marketplace.clone(),
            amount_set: money_bag(paid),
        }],
        shipping_address: address_input(&order.shipping, order.pickup_point.as_deref()),
        billing_address: address_input(&order.billing, None),
        source_identifier: order.code.as_str().to_owned(),
        processed_at: order.placed_at.to_rfc3339(),
        note: format!(
            "{} order {} (orderbridge {})",
            order.marketplace, order.marketplace_order_id, order.code
        ),
        tags: vec!["orderbridge".to_owned(), order.marketplace.clone()],
        metafields: vec![
            metafield(CODE_KEY, CUSTOM_ID_TYPE, order.code.as_str()),
            metafield(
                ORDER_ID_KEY,
                "single_line_text_field",
                order.marketplace_order_id.as_str(),
            ),
        ],
        custom_attributes,
    })
}

/// The options every order is created with: no mail to the buyer, stock taken whatever the
/// variant's policy (the marketplace sold it already).
pub(crate) fn create_options() -> OrderCreateOptionsInput {
    OrderCreateOptionsInput {
        send_receipt: false,
        send_fulfillment_receipt: false,
        inventory_behaviour: "DECREMENT_IGNORING_POLICY".to_owned(),
    }
}

/// Reads a time Shopify sent (ISO 8601).
pub(crate) fn parse_time(
    raw: &str,
    location: impl Fn() -> String,
) -> ConnectorResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| invalid(location(), format!("{raw:?} is not a time: {e}")))
}

/// An amount Shopify sent, exactly (decimal text, never through a float).
pub(crate) fn money(value: &MoneyV2, location: impl Fn() -> String) -> ConnectorResult<Money> {
    let currency =
        Currency::parse(&value.currency_code).map_err(|e| invalid(location(), e.to_string()))?;
    Money::parse_decimal(&value.amount, currency).map_err(|e| invalid(location(), e.to_string()))
}

/// Our order code on an order: the custom id, else the source identifier (orders created before
/// the custom id), when it reads as one.
pub(crate) fn code_of(order: &wire::Order) -> Option<OrderCode> {
    order
        .metafield
        .as_ref()
        .and_then(|m| OrderCode::parse(&m.value).ok())
        .or_else(|| {
            order
                .source_identifier
                .as_deref()
                .and_then(|s| OrderCode::parse(s).ok())
        })
}

/// Where an order stands.
pub(crate) fn status_of(order: &wire::Order) -> WebshopStatus {
    if order.cancelled_at.is_some() {
        WebshopStatus::Cancelled
    } else if order.display_fulfillment_status == "FULFILLED" {
        WebshopStatus::Completed
    } else {
        WebshopStatus::Open
    }
}

/// Fulfillment statuses that mean nothing was shipped.
fn is_dead(status: &str) -> bool {
    matches!(status, "CANCELLED" | "ERROR" | "FAILURE")
}

/// An order as the daemon sees it.
///
/// # Errors
///
/// [`orderbridge_core::ConnectorError::InvalidPayload`] naming the order and field when an
/// id, a time or the total cannot be read.
pub(crate) fn order_from_wire(order: &wire::Order) -> ConnectorResult<WebshopOrder> {
    let at = |field: &str| format!("order {} {field}", order.id);
    let id = WebshopOrderId::parse(&order.id)
        .map_err(|e| invalid(format!("order {:?} id", order.id), e.to_string()))?;
    let status = status_of(order);
    let mut tracking = Vec::new();
    let mut latest_fulfillment = None;
    for (idx, fulfillment) in order.fulfillments.iter().enumerate() {
        if is_dead(&fulfillment.status) {
            continue;
        }
        let created = parse_time(&fulfillment.created_at, || {
            at(&format!("fulfillments[{idx}].createdAt"))
        })?;
        latest_fulfillment = latest_fulfillment.max(Some(created));
        for info in &fulfillment.tracking_info {
            if let Some(code) = info
                .number
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                tracking.push(TrackingEntry {
                    code: code.to_owned(),
                    carrier: info
                        .company
                        .as_deref()
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned),
                });
            }
        }
    }
    Ok(WebshopOrder {
        id,
        code: code_of(order),
        status,
        created_at: Some(parse_time(&order.created_at, || at("createdAt"))?),
        modified_at: Some(parse_time(&order.updated_at, || at("updatedAt"))?),
        completed_at: if status == WebshopStatus::Completed {
            latest_fulfillment
        } else {
            None
        },
        total: Some(money(&order.total_price_set.shop_money, || {
            at("totalPriceSet")
        })?),
        tracking,
        tracking_unavailable: false,
    })
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
