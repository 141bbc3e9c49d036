//! Translation between orderbridge's domain types and Medusa's JSON: a [`NewOrder`] becomes
//! the body of `POST /admin/draft-orders` (NL/BE addresses, what the buyer paid per line as
//! item prices in the currency's main unit, our references in metadata), and an order read
//! back becomes a [`WebshopOrder`] (status from its own and its fulfilments', tracking from
//! the fulfilments' labels, our order code from its metadata).

use chrono::{DateTime, Utc};
use orderbridge_core::domain::{Address, Currency, Money, OrderCode, WebshopOrderId};
use orderbridge_core::webshop::{NewOrder, TrackingEntry, WebshopOrder, WebshopStatus};
use orderbridge_core::{ConnectorError, ConnectorResult};
use serde_json::{Map, Value};

use crate::error_mapping::{rejected, VENDOR};
use crate::wire::{
    MedusaAddress, MedusaFulfillment, MedusaOrder, NewDraftItem, NewDraftOrder, NewShippingMethod,
};

/// Order metadata key holding our order code; how [`crate::MedusaClient`] recognises its
/// own orders (metadata cannot be filtered on: see `webshop.rs`).
pub const ORDER_CODE_KEY: &str = "orderbridge_code";
/// Order metadata key holding the marketplace's name.
pub const MARKETPLACE_KEY: &str = "orderbridge_marketplace";
/// Order metadata key holding the marketplace's order id.
pub const MARKETPLACE_ORDER_KEY: &str = "orderbridge_marketplace_order_id";
/// Item metadata key holding the marketplace's line id.
pub const MARKETPLACE_LINE_KEY: &str = "orderbridge_marketplace_line_id";

/// The e-mail address a created order gets: the buyer's (bol's relay address) or, when the
/// marketplace gave none, one at the reserved `.invalid` domain that can never receive mail
/// (Medusa requires an e-mail). Either way it is the same on every attempt, so a lost
/// creation is found again by it.
pub(crate) fn order_email(order: &NewOrder) -> String {
    order
        .shipping
        .email()
        .or(order.billing.email())
        .map(str::trim)
        .filter(|e| e.contains('@'))
        .map_or_else(
            || format!("{}@orderbridge.invalid", order.code.as_str().to_lowercase()),
            str::to_owned,
        )
}

fn text(value: impl Into<String>) -> Value {
    Value::String(value.into())
}

/// Cents as Medusa's main-unit number (`1999` → `19.99`).
pub(crate) fn main_unit(cents: i64) -> f64 {
    // Exact for every amount below 2^53 cents; Medusa reads the number's decimal text.
    cents as f64 / 100.0
}

/// The draft order for `order`, whose lines resolved to the variants `variant_ids` (same
/// order, same length).
///
/// Each line's items are priced so they add up to exactly what the buyer paid for the line
/// (VAT included, discounts taken off): when the line total does not divide by the quantity,
/// the line becomes two items of the same variant, one cent apart in unit price. The
/// marketplace's own unit price and discounts stay in the item's metadata.
///
/// # Errors
///
/// [`ConnectorError::Rejected`] when the order has no lines or mixes currencies.
pub(crate) fn order_to_wire(
    order: &NewOrder,
    variant_ids: &[String],
    region_id: &str,
    sales_channel_id: &str,
    shipping_option_id: &str,
) -> ConnectorResult<NewDraftOrder> {
    let first = order
        .lines
        .first()
        .ok_or_else(|| rejected(format!("order {} has no lines", order.code)))?;
    let currency = first.line_total.currency();
    let mut items = Vec::with_capacity(order.lines.len());
    for (line, variant_id) in order.lines.iter().zip(variant_ids) {
        if line.line_total.currency() != currency {
            return Err(rejected(format!(
                "order {} mixes currencies {} and {}",
                order.code,
                currency,
                line.line_total.currency()
            )));
        }
        let mut metadata = Map::new();
        metadata.insert(
            MARKETPLACE_LINE_KEY.into(),
            text(line.marketplace_line_id.clone()),
        );
        metadata.insert(
            "marketplace_unit_price".into(),
            text(line.unit_price.to_decimal_string()),
        );
        if !line.discounts.is_empty() {
            let discounts = serde_json::to_value(&line.discounts)
                .map_err(|e| rejected(format!("line {}: {e}", line.marketplace_line_id)))?;
            metadata.insert("marketplace_discounts".into(), discounts);
        }
        for (quantity, unit_cents) in split_line(line.line_total.cents(), line.quantity.get()) {
            items.push(NewDraftItem {
                variant_id: variant_id.clone(),
                quantity,
                unit_price: main_unit(unit_cents),
                metadata: metadata.clone(),
            });
        }
    }
    let mut metadata = Map::new();
    metadata.insert(ORDER_CODE_KEY.into(), text(order.code.as_str()));
    metadata.insert(MARKETPLACE_KEY.into(), text(order.marketplace.clone()));
    metadata.insert(
        MARKETPLACE_ORDER_KEY.into(),
        text(order.marketplace_order_id.as_str()),
    );
    metadata.insert("placed_at".into(), text(order.placed_at.to_rfc3339()));
    if let Some(pickup_point) = &order.pickup_point {
        metadata.insert("pickup_point".into(), text(pickup_point.clone()));
    }
    let mut shipping_address = address_to_wire(&order.shipping);
    if let Some(pickup_point) = &order.pickup_point {
        // The pickup point's name goes on the parcel: label tools print the company line.
        shipping_address.company = Some(match shipping_address.company.take() {
            Some(company) if !company.trim().is_empty() => format!("{pickup_point} ({company})"),
            _ => pickup_point.clone(),
        });
    }
    Ok(NewDraftOrder {
        email: order_email(order),
        region_id: region_id.to_owned(),
        sales_channel_id: sales_channel_id.to_owned(),
        shipping_address,
        billing_address: address_to_wire(&order.billing),
        items,
        shipping_methods: vec![NewShippingMethod {
            shipping_option_id: shipping_option_id.to_owned(),
            name: format!("{} delivery", order.marketplace),
            amount: 0.0,
        }],
        no_notification_order: true,
        metadata,
    })
}

/// `(quantity, unit cents)` items that add up to `total` cents for `quantity` items: one item
/// kind when the total divides, else two kinds one cent apart.
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

/// An address in Medusa's fields; the Dutch house number split kept in its metadata.
pub(crate) fn address_to_wire(address: &Address) -> MedusaAddress {
    let mut metadata = Map::new();
    metadata.insert("street_name".into(), text(address.street_name()));
    metadata.insert("house_number".into(), text(address.house_number()));
    if let Some(extension) = address.house_number_extension() {
        metadata.insert("house_number_extension".into(), text(extension));
    }
    MedusaAddress {
        first_name: Some(address.first_name().to_owned()),
        last_name: Some(address.surname().to_owned()),
        company: address.company().map(str::to_owned),
        address_1: Some(address.street_line()),
        address_2: address.extra_address_information().map(str::to_owned),
        city: Some(address.city().to_owned()),
        country_code: Some(address.country_code().as_str().to_ascii_lowercase()),
        postal_code: Some(address.zip_code().to_owned()),
        phone: address.phone().map(str::to_owned),
        metadata: Some(metadata),
    }
}

fn invalid(location: String, message: String) -> ConnectorError {
    ConnectorError::InvalidPayload {
        vendor: VENDOR.to_owned(),
        location,
        message,
    }
}

/// Reads an ISO 8601 time Medusa sent.
pub(crate) fn parse_time(
    raw: Option<&str>,
    location: impl Fn() -> String,
) -> ConnectorResult<Option<DateTime<Utc>>> {
    raw.map(|raw| {
        DateTime::parse_from_rfc3339(raw)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| invalid(location(), format!("{raw:?} is not a time: {e}")))
    })
    .transpose()
}

/// Our order code in an order's metadata, when it holds one that reads as one.
pub(crate) fn code_of(order: &MedusaOrder) -> Option<OrderCode> {
    let raw = order.metadata.as_ref()?.get(ORDER_CODE_KEY)?.as_str()?;
    OrderCode::parse(raw).ok()
}

/// An order as the daemon sees it.
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] naming the order and field when an id, a time or the
/// total cannot be read.
pub(crate) fn order_from_wire(order: &MedusaOrder) -> ConnectorResult<WebshopOrder> {
    let at = |field: &str| format!("order {} {field}", order.id);
    let id = WebshopOrderId::parse(&order.id)
        .map_err(|e| invalid(format!("order {:?} id", order.id), e.to_string()))?;
    let fulfillments: Vec<&MedusaFulfillment> = order
        .fulfillments
        .iter()
        .flatten()
        .filter(|f| f.canceled_at.is_none())
        .collect();
    let status = status_of(order);
    let completed_at = if status == WebshopStatus::Completed {
        let mut latest = None;
        for fulfillment in &fulfillments {
            let shipped = parse_time(fulfillment.shipped_at.as_deref(), || {
                at(&format!("fulfillment {} shipped_at", fulfillment.id))
            })?;
            latest = latest.max(shipped);
        }
        latest
    } else {
        None
    };
    let mut tracking = Vec::new();
    for fulfillment in &fulfillments {
        for label in fulfillment.labels.iter().flatten() {
            if let Some(code) = label
                .tracking_number
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                // Medusa's labels name no carrier: the daemon detects it from the code.
                tracking.push(TrackingEntry {
                    code: code.to_owned(),
                    carrier: None,
                });
            }
        }
    }
    let total = match (order.total, order.currency_code.as_deref()) {
        (Some(total), Some(currency)) => Some(money(total, currency, || at("total"))?),
        _ => None,
    };
    Ok(WebshopOrder {
        id,
        code: code_of(order),
        status,
        created_at: parse_time(order.created_at.as_deref(), || at("created_at"))?,
        modified_at: parse_time(order.updated_at.as_deref(), || at("updated_at"))?,
        completed_at,
        total,
        tracking,
        tracking_unavailable: false,
    })
}

/// Where an order stands: cancelled when Medusa says so (its `status`; a `canceled`
/// fulfilment status only means a fulfilment was cancelled); completed when every item has
/// shipped — read from the items' `detail`, because Medusa calls an order whose items all
/// shipped and some arrived `partially_delivered` — or the merchant completed the order;
/// otherwise open (not yet, or only partly, fulfilled and shipped).
pub(crate) fn status_of(order: &MedusaOrder) -> WebshopStatus {
    let status = order.status.as_deref().unwrap_or_default();
    if status == "canceled" || order.canceled_at.is_some() {
        return WebshopStatus::Cancelled;
    }
    if status == "completed" {
        return WebshopStatus::Completed;
    }
    let items = order.items.as_deref().unwrap_or_default();
    let details: Option<Vec<(f64, f64)>> = items
        .iter()
        .map(|item| {
            item.detail
                .as_ref()
                .map(|d| (item.quantity, d.shipped_quantity.max(d.delivered_quantity)))
        })
        .collect();
    match details {
        Some(details) if !details.is_empty() => {
            if details.iter().all(|(ordered, shipped)| shipped >= ordered) {
                WebshopStatus::Completed
            } else {
                WebshopStatus::Open
            }
        }
        // No item progress in the answer: Medusa's summary.
        _ => match order.fulfillment_status.as_deref().unwrap_or_default() {
            "shipped" | "delivered" => WebshopStatus::Completed,
            _ => WebshopStatus::Open,
        },
    }
}

/// A main-unit amount as [`Money`], rounded to cents (totals with computed taxes may carry
/// more decimals).
pub(crate) fn money(
    amount: f64,
    currency: &str,
    location: impl Fn() -> String,
) -> ConnectorResult<Money> {
    let currency = Currency::parse(&currency.to_ascii_uppercase())
        .map_err(|e| invalid(location(), e.to_string()))?;
    if !amount.is_finite() {
        return Err(invalid(location(), format!("{amount} is not an amount")));
    }
    let cents = (amount * 100.0).round();
    if cents.abs() > 9.0e15 {
        return Err(invalid(location(), format!("{amount} is out of range")));
    }
    Money::from_cents(cents as i64, currency).map_err(|e| invalid(location(), e.to_string()))
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
