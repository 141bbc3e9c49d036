//! How the simulator's shop looks on the wire: orders, products, Shipment Tracking items and
//! error bodies rendered with WooCommerce's field names and formats (naive dates, decimal text
//! prices, `meta_data` as `{id, key, value}`), with the configured quirks applied.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use super::items::cents_text;
use super::model::{SimError, SimItemTax, SimProduct, SimWooOrder};
use super::quirks::{self, WooQuirks};
use super::state::SimState;
use crate::tracking::TRACKING_META_KEY;

/// `{code, message, data: {status}}`.
pub(crate) fn error_body(error: &SimError) -> Value {
    json!({"code": error.code, "message": error.message, "data": {"status": error.status}})
}

fn naive(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn naive_or_null(time: Option<DateTime<Utc>>) -> Value {
    time.map_or(Value::Null, |t| Value::String(naive(t)))
}

/// An amount at four decimals as the API shows it with `dp` 2: rounded half up to cents.
fn e4_text(value_e4: i64) -> String {
    let cents = if value_e4 >= 0 {
        (value_e4 + 50) / 100
    } else {
        -((-value_e4 + 50) / 100)
    };
    cents_text(cents)
}

/// An amount at four decimals, unrounded (`4.3365`), as stored in an item's `taxes`.
fn e4_raw(value_e4: i64) -> String {
    let sign = if value_e4 < 0 { "-" } else { "" };
    let magnitude = value_e4.unsigned_abs();
    format!("{sign}{}.{:04}", magnitude / 10_000, magnitude % 10_000)
}

/// A percentage as core's float (`21`, `5.5`), written from its exact decimal text.
fn percent_json(percent_e4: i64) -> Value {
    let text = format!("{}.{:04}", percent_e4 / 10_000, percent_e4 % 10_000);
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    serde_json::from_str(trimmed).unwrap_or(Value::Null)
}

fn item_taxes(taxes: &[SimItemTax], with_subtotal: bool) -> Vec<Value> {
    taxes
        .iter()
        .map(|tax| {
            let mut rendered = json!({"id": tax.rate_id, "total": e4_raw(tax.total_e4)});
            if with_subtotal {
                rendered["subtotal"] = json!(e4_raw(tax.subtotal_e4));
            }
            rendered
        })
        .collect()
}

/// A stored address with every field WooCommerce returns.
fn address_json(stored: &Value, with_email: bool) -> Value {
    let mut address = Map::new();
    let mut keys = vec![
        "first_name",
        "last_name",
        "company",
        "address_1",
        "address_2",
        "city",
        "state",
        "postcode",
        "country",
        "phone",
    ];
    if with_email {
        keys.push("email");
    }
    for key in keys {
        let value = stored.get(key).and_then(Value::as_str).unwrap_or_default();
        address.insert(key.to_owned(), json!(value));
    }
    Value::Object(address)
}

/// An order as `GET orders/{id}` returns it.
pub(crate) fn order_json(order: &SimWooOrder, state: &SimState) -> Value {
    let line_items: Vec<Value> = order
        .line_items
        .iter()
        .enumerate()
        .map(|(idx, line)| {
            let shown = if line.variation_id != 0 {
                line.variation_id
            } else {
                line.product_id
            };
            let name = state
                .product(shown)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            json!({
                "id": order.id * 100 + idx as u64 + 1,
                "name": name,
                "product_id": line.product_id,
                "variation_id": line.variation_id,
                "quantity": line.quantity,
                "tax_class": line.tax_class,
                "subtotal": cents_text(line.subtotal_cents),
                "subtotal_tax": e4_text(line.subtotal_tax_e4),
                "total": cents_text(line.total_cents),
                "total_tax": e4_text(line.total_tax_e4),
                "taxes": item_taxes(&line.taxes, true),
                "meta_data": [],
                "sku": line.sku,
            })
        })
        .collect();
    let fee_lines: Vec<Value> = order
        .fee_lines
        .iter()
        .enumerate()
        .map(|(idx, fee)| {
            json!({
                "id": order.id * 100 + 50 + idx as u64,
                "name": fee.name,
                "tax_class": fee.tax_class,
                "tax_status": fee.tax_status,
                "amount": cents_text(fee.total_cents),
                "total": cents_text(fee.total_cents),
                "total_tax": e4_text(fee.total_tax_e4),
                "taxes": item_taxes(&fee.taxes, false),
                "meta_data": [],
            })
        })
        .collect();
    let tax_lines: Vec<Value> = order
        .tax_lines
        .iter()
        .enumerate()
        .map(|(idx, tax)| {
            json!({
                "id": order.id * 100 + 80 + idx as u64,
                "rate_code": tax.rate_code,
                "rate_id": tax.rate_id,
                "label": tax.label,
                "compound": tax.compound,
                "tax_total": e4_text(tax.tax_total_e4),
                "shipping_tax_total": "0.00",
                "rate_percent": percent_json(tax.rate_percent_e4),
                "meta_data": [],
            })
        })
        .collect();
    let meta_data: Vec<Value> = order
        .meta
        .iter()
        .enumerate()
        .filter(|(_, (key, _))| state.tracking_meta_visible || key != TRACKING_META_KEY)
        .map(|(idx, (key, value))| {
            json!({"id": order.id * 1000 + idx as u64 + 1, "key": key, "value": value})
        })
        .collect();
    let mut rendered = json!({
        "id": order.id,
        "parent_id": 0,
        "number": order.id.to_string(),
        "order_key": format!("wc_order_sim{}", order.id),
        "created_via": "rest-api",
        "status": order.status,
        "currency": order.currency,
        "date_created": naive(order.created_at),
        "date_created_gmt": naive(order.created_at),
        "date_modified": naive(order.modified_at),
        "date_modified_gmt": naive(order.modified_at),
        "discount_total": cents_text(order.discount_total_cents),
        "discount_tax": cents_text(order.discount_tax_cents),
        "shipping_total": "0.00",
        "shipping_tax": "0.00",
        "cart_tax": cents_text(order.total_tax_cents),
        "total": cents_text(order.total_cents),
        "total_tax": cents_text(order.total_tax_cents),
        "prices_include_tax": order.prices_include_tax,
        "customer_id": 0,
        "billing": address_json(&order.billing, true),
        "shipping": address_json(&order.shipping, false),
        "payment_method": "",
        "payment_method_title": "",
        "transaction_id": "",
        "customer_note": order.customer_note,
        "date_completed": naive_or_null(order.completed_at),
        "date_completed_gmt": naive_or_null(order.completed_at),
        "date_paid": naive_or_null(order.paid_at),
        "date_paid_gmt": naive_or_null(order.paid_at),
        "meta_data": meta_data,
        "line_items": line_items,
        "tax_lines": tax_lines,
        "shipping_lines": [],
        "fee_lines": fee_lines,
        "coupon_lines": [],
        "refunds": [],
    });
    quirks::order(&mut rendered, &state.quirks);
    rendered
}

/// A product or variation as `GET products` returns it.
pub(crate) fn product_json(product: &SimProduct, all: &[SimProduct], quirks: &WooQuirks) -> Value {
    let variations: Vec<u64> = all
        .iter()
        .filter(|v| v.parent_id == product.id && v.product_type == "variation")
        .map(|v| v.id)
        .collect();
    let stock_status = match product.stock {
        Some(stock) if stock > 0 => "instock",
        Some(_) => "outofstock",
        None => product.unmanaged_status.as_str(),
    };
    // Plugin meta (`_alg_ean`, ...) is in `meta_data`: only WooCommerce's own internal keys
    // are left out (woocommerce/woocommerce, abstract-wc-data.php `get_meta_data`).
    let meta_data: Vec<Value> = product
        .meta
        .iter()
        .enumerate()
        .map(|(idx, (key, value))| json!({"id": idx + 1, "key": key, "value": value}))
        .collect();
    let mut rendered = json!({
        "id": product.id,
        "name": product.name,
        "slug": product.name.to_lowercase().replace(' ', "-"),
        "type": product.product_type,
        "status": "publish",
        "sku": product.sku,
        "global_unique_id": product.global_unique_id,
        "price": cents_text(product.price_cents),
        "regular_price": cents_text(product.price_cents),
        "sale_price": "",
        "tax_status": product.tax_status,
        "tax_class": product.tax_class,
        "manage_stock": product.stock.is_some(),
        "stock_quantity": product.stock,
        "stock_status": stock_status,
        "date_modified_gmt": product.modified_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        "meta_data": meta_data,
        "parent_id": product.parent_id,
        "variations": variations,
    });
    quirks::product(&mut rendered, quirks);
    rendered
}

/// The Shipment Tracking plugin's items of `order`, as its endpoint returns them (a list page).
pub(crate) fn trackings_json(order: &SimWooOrder, state: &SimState) -> Value {
    let items = order
        .meta_value(TRACKING_META_KEY)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let rendered: Vec<Value> = items
        .iter()
        .map(|item| {
            let text = |key: &str| item.get(key).and_then(Value::as_str).unwrap_or_default();
            let tracking_id = text("tracking_id");
            let provider = state
                .provider_names
                .get(tracking_id)
                .cloned()
                .unwrap_or_else(|| text("tracking_provider").to_owned());
            let shipped = text("date_shipped")
                .parse::<i64>()
                .ok()
                .and_then(|secs| DateTime::<Utc>::from_timestamp(secs, 0))
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            let mut item = json!({
                "tracking_id": tracking_id,
                "tracking_provider": provider,
                "tracking_link": "",
                "tracking_number": text("tracking_number"),
                "date_shipped": shipped,
            });
            quirks::tracking_item(&mut item, &state.quirks);
            item
        })
        .collect();
    quirks::list(rendered, &state.quirks)
}
