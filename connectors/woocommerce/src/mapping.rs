//! Translation between orderbridge's domain types and WooCommerce's JSON: a [`NewOrder`] becomes
//! the body of `POST orders` (addresses in NL/BE style, prices as exact decimal text, our
//! references in meta data), and an order read back becomes a [`WebshopOrder`] (status, naive
//! GMT dates, our order code).

use chrono::{DateTime, NaiveDateTime, Utc};
use orderbridge_core::domain::{Address, Currency, Money, OrderCode, WebshopOrderId};
use orderbridge_core::webshop::{NewOrder, TrackingEntry, WebshopOrder, WebshopStatus};
use orderbridge_core::{ConnectorError, ConnectorResult};

use crate::error_mapping::VENDOR;
use crate::tax::ProductTax;
use crate::wire::{NewWooLineItem, NewWooOrder, WooAddress, WooMeta, WooOrder};

/// Order meta holding our order code; how [`crate::WooClient`] recognises its own orders.
pub const ORDER_CODE_META: &str = "_orderbridge_order_code";
/// Order meta holding the marketplace's name.
pub const MARKETPLACE_META: &str = "_orderbridge_marketplace";
/// Order meta holding the marketplace's order id.
pub const MARKETPLACE_ORDER_META: &str = "_orderbridge_marketplace_order_id";
/// Line item meta holding the marketplace's line id.
pub const MARKETPLACE_LINE_META: &str = "_orderbridge_marketplace_line_id";

/// The WooCommerce product a line was resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResolvedProduct {
    /// The product; for a variation, its parent.
    pub product_id: u64,
    /// The variation, when there is one.
    pub variation_id: Option<u64>,
    /// How the ordered product (the variation, when there is one) is taxed.
    pub tax: ProductTax,
}

fn rejected(message: String) -> ConnectorError {
    ConnectorError::Rejected {
        vendor: VENDOR.to_owned(),
        message,
    }
}

/// Builds the body of `POST orders` for `order`, whose lines resolved to `products` (same
/// order, same length).
///
/// # Errors
///
/// [`ConnectorError::Rejected`] when the order has no lines, mixes currencies, or a line total
/// overflows.
pub(crate) fn order_to_wire(
    order: &NewOrder,
    products: &[ResolvedProduct],
    status: &str,
    set_paid: bool,
) -> ConnectorResult<NewWooOrder> {
    let first_line = order
        .lines
        .first()
        .ok_or_else(|| rejected(format!("order {} has no lines", order.code)))?;
    let currency = first_line.unit_price.currency();
    let mut line_items = Vec::with_capacity(order.lines.len());
    for (line, product) in order.lines.iter().zip(products) {
        if line.unit_price.currency() != currency {
            return Err(rejected(format!(
                "order {} mixes currencies {} and {}",
                order.code,
                currency,
                line.unit_price.currency()
            )));
        }
        // `subtotal` is the line before discounts, `total` what the buyer paid for it, so the
        // shop shows the discount as the difference (WooCommerce's own line fields).
        let before_discounts = line
            .unit_price
            .times(line.quantity.get())
            .map_err(|e| rejected(format!("line {}: {e}", line.marketplace_line_id)))?;
        let subtotal = if line.line_total.cents() > before_discounts.cents() {
            line.line_total
        } else {
            before_discounts
        }
        .to_decimal_string();
        let total = line.line_total.to_decimal_string();
        line_items.push(NewWooLineItem {
            product_id: product.product_id,
            variation_id: product.variation_id,
            quantity: line.quantity.get(),
            subtotal,
            total,
            meta_data: vec![WooMeta::text(
                MARKETPLACE_LINE_META,
                line.marketplace_line_id.clone(),
            )],
        });
    }
    let marketplace_reference = format!("{} {}", order.marketplace, order.marketplace_order_id);
    let mut meta_data = vec![
        WooMeta::text(ORDER_CODE_META, order.code.as_str()),
        WooMeta::text(MARKETPLACE_META, order.marketplace.clone()),
        WooMeta::text(MARKETPLACE_ORDER_META, order.marketplace_order_id.as_str()),
        WooMeta::text("Marketplace order", marketplace_reference.clone()),
        WooMeta::text("Order code", order.code.as_str()),
    ];
    meta_data.extend(house_number_meta("_billing", &order.billing));
    meta_data.extend(house_number_meta("_shipping", &order.shipping));
    let mut customer_note = format!(
        "{} order {} (orderbridge {})",
        order.marketplace, order.marketplace_order_id, order.code
    );
    if let Some(pickup_point) = &order.pickup_point {
        meta_data.push(WooMeta::text("Pickup point", pickup_point.clone()));
        customer_note.push_str(&format!("\nPickup point: {pickup_point}"));
    }
    let mut shipping = address_to_wire(&order.shipping, false);
    if let Some(pickup_point) = &order.pickup_point {
        // The pickup point's name goes on the label: label plugins print `shipping.company`.
        shipping.company = if shipping.company.trim().is_empty() {
            pickup_point.clone()
        } else {
            format!("{pickup_point} ({})", shipping.company)
        };
    }
    Ok(NewWooOrder {
        status: status.to_owned(),
        set_paid,
        currency: currency.as_str().to_owned(),
        billing: address_to_wire(&order.billing, true),
        shipping,
        customer_note,
        line_items,
        fee_lines: Vec::new(),
        meta_data,
    })
}

/// A domain address as WooCommerce's billing (`with_email`) or shipping address: street,
/// number and extension on `address_1` the NL/BE way (`Kerkstraat 23-II`).
pub(crate) fn address_to_wire(address: &Address, with_email: bool) -> WooAddress {
    WooAddress {
        first_name: address.first_name().to_owned(),
        last_name: address.surname().to_owned(),
        company: address.company().unwrap_or_default().to_owned(),
        address_1: address.street_line(),
        address_2: address
            .extra_address_information()
            .unwrap_or_default()
            .to_owned(),
        city: address.city().to_owned(),
        state: String::new(),
        postcode: address.zip_code().to_owned(),
        country: address.country_code().as_str().to_owned(),
        email: if with_email {
            address.email().map(str::to_owned)
        } else {
            None
        },
        phone: address.phone().unwrap_or_default().to_owned(),
    }
}

/// The split street / number / extension as the common Dutch address plugins store it
/// (`_shipping_street_name`, `_shipping_house_number`, `_shipping_house_number_suffix`), so
/// label printers read the house number exactly as the marketplace sent it.
pub(crate) fn house_number_meta(prefix: &str, address: &Address) -> Vec<WooMeta> {
    let mut meta = vec![
        WooMeta::text(&format!("{prefix}_street_name"), address.street_name()),
        WooMeta::text(&format!("{prefix}_house_number"), address.house_number()),
    ];
    if let Some(extension) = address.house_number_extension() {
        meta.push(WooMeta::text(
            &format!("{prefix}_house_number_suffix"),
            extension,
        ));
    }
    meta
}

/// Reads a WooCommerce `*_gmt` date: naive UTC (`2026-11-22T10:00:00`), also with fractions,
/// a space instead of `T`, or an explicit offset.
pub(crate) fn parse_gmt(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(text) {
        return Some(with_offset.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| naive.and_utc())
}

/// Formats a time the way list filters want it with `dates_are_gmt=true`: naive UTC to the
/// second. An explicit offset would be shifted into the site's time zone by WordPress's date
/// query before being compared with the GMT column.
pub(crate) fn format_gmt(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// A WooCommerce status slug in the daemon's terms.
///
/// WordPress stores statuses as `wc-processing`; the API strips the prefix, but plugin
/// statuses sometimes leak with it, so a `wc-` prefix is ignored. The `shipped`/`delivered`
/// statuses that shipment plugins add count as completed. Any other status we do not know
/// (`packed`, `awaiting-pickup`, `custom-packed`, ...) is one the merchant registered for a step
/// of their own fulfilment: the order is still being handled, so it counts as open. That is
/// also the only safe reading: open makes the daemon wait for a known closing status, while
/// completed would ship it on the marketplace (without tracking) and cancelled would cancel
/// it there, neither of which can be taken back.
pub(crate) fn status_from_wire(status: &str) -> WebshopStatus {
    let status = status.trim();
    let status = status.strip_prefix("wc-").unwrap_or(status);
    match status {
        "completed" | "shipped" | "delivered" => WebshopStatus::Completed,
        "cancelled" | "refunded" | "failed" | "trash" => WebshopStatus::Cancelled,
        _ => WebshopStatus::Open,
    }
}

/// Our order code in an order's meta data, when it is one of ours.
pub(crate) fn order_code_from_meta(meta: &[WooMeta]) -> Option<OrderCode> {
    meta.iter()
        .find(|m| m.key == ORDER_CODE_META)
        .and_then(|m| m.value.as_str())
        .and_then(|code| OrderCode::parse(code).ok())
}

/// The grand total of an order as the shop calculated it, when it is readable.
pub(crate) fn order_total(order: &WooOrder) -> Option<Money> {
    let currency = Currency::parse(order.currency.as_deref()?).ok()?;
    Money::parse_decimal(order.total.as_deref()?, currency).ok()
}

/// An order read from WooCommerce in the daemon's terms, with the tracking found for it.
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] when the id is not usable.
pub(crate) fn order_from_wire(
    order: &WooOrder,
    tracking: Vec<TrackingEntry>,
) -> ConnectorResult<WebshopOrder> {
    let id = WebshopOrderId::parse(&order.id.to_string()).map_err(|e| {
        ConnectorError::InvalidPayload {
            vendor: VENDOR.to_owned(),
            location: "order id".to_owned(),
            message: e.to_string(),
        }
    })?;
    let date = |field: &Option<String>| field.as_deref().and_then(parse_gmt);
    Ok(WebshopOrder {
        id,
        code: order_code_from_meta(&order.meta_data),
        status: status_from_wire(&order.status),
        created_at: date(&order.date_created_gmt),
        modified_at: date(&order.date_modified_gmt),
        completed_at: date(&order.date_completed_gmt),
        total: order_total(order),
        tracking,
        tracking_unavailable: false,
    })
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
