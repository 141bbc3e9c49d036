//! How the simulated shop renders what it holds as Magento's REST JSON: orders
//! (`sales-data-order-interface`: times `Y-m-d H:i:s` UTC, amounts in the main unit, null
//! fields such as an unset `ext_order_id` left out) and the order columns `searchCriteria` can
//! filter and sort on.

use serde_json::{json, Value};

use super::model::SimOrder;

pub(crate) fn time(t: chrono::DateTime<chrono::Utc>) -> Value {
    json!(t.format("%Y-%m-%d %H:%M:%S").to_string())
}

pub(crate) fn amount(cents: i64) -> Value {
    json!(cents as f64 / 100.0)
}

pub(crate) fn render_order(order: &SimOrder) -> Value {
    let items: Vec<Value> = order
        .items
        .iter()
        .map(|i| {
            json!({
                "item_id": i.item_id, "order_id": order.entity_id, "sku": i.sku, "name": i.sku,
                "product_type": "simple", "price": amount(i.price_cents),
                "row_total": amount(i.price_cents * i.qty_ordered),
                "qty_ordered": i.qty_ordered, "qty_invoiced": i.qty_invoiced,
                "qty_shipped": i.qty_shipped, "qty_canceled": i.qty_canceled, "qty_refunded": 0,
            })
        })
        .collect();
    let subtotal: i64 = order
        .items
        .iter()
        .map(|i| i.price_cents * i.qty_ordered)
        .sum();
    let mut rendered = json!({
        "entity_id": order.entity_id,
        "increment_id": order.increment_id,
        "state": order.state,
        "status": order.status,
        "customer_email": order.customer_email,
        "customer_is_guest": 1,
        "created_at": time(order.created_at),
        "updated_at": time(order.updated_at),
        "base_currency_code": "EUR",
        "order_currency_code": "EUR",
        "subtotal_incl_tax": amount(subtotal),
        "shipping_incl_tax": amount(order.shipping_cents),
        "grand_total": amount(order.grand_total_cents()),
        "shipping_description": order.shipping_method,
        "items": items,
        "billing_address": order.billing_address,
        "payment": {"method": order.payment_method},
        "extension_attributes": {"shipping_assignments": [{
            "shipping": {"address": order.shipping_address, "method": order.shipping_method},
        }]},
    });
    if let Some(ext) = &order.ext_order_id {
        rendered["ext_order_id"] = json!(ext);
    }
    rendered
}

/// Order columns the simulator can filter and sort on.
pub(crate) const ORDER_COLUMNS: [&str; 8] = [
    "entity_id",
    "increment_id",
    "ext_order_id",
    "customer_email",
    "created_at",
    "updated_at",
    "state",
    "status",
];

pub(crate) fn order_column(order: &SimOrder, name: &str) -> Option<String> {
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%S").to_string();
    match name {
        "entity_id" => Some(order.entity_id.to_string()),
        "increment_id" => Some(order.increment_id.clone()),
        "ext_order_id" => order.ext_order_id.clone(),
        "customer_email" => Some(order.customer_email.clone()),
        "created_at" => Some(fmt(order.created_at)),
        "updated_at" => Some(fmt(order.updated_at)),
        "state" => Some(order.state.clone()),
        "status" => Some(order.status.clone()),
        _ => None,
    }
}
