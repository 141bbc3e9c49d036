//! Answers that are valid but unexpected, as real shops send them: plugin statuses and product
//! types, meta data of odd shapes, optional fields left out, and PHP's `{}` for an empty list.
//! Applied to the JSON `render.rs` produces, just before it is sent.

use serde_json::{json, Map, Value};

/// Which unexpected-but-valid answers the simulator gives (all off by default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WooQuirks {
    /// Values no client knows: open orders get the plugin status `wc-custom-packed`, orders
    /// carry meta data whose values are objects, arrays, booleans, null or missing, simple
    /// products have the plugin type `bundle` and the stock status `onrequest`.
    pub unknown_enum_values: bool,
    /// Optional fields are left out: an order's `meta_data`, `date_completed(_gmt)`,
    /// `date_paid(_gmt)`, `customer_note`, `shipping.company`, `shipping.phone`,
    /// `billing.phone`, `billing.company`, its lines' `sku` and `meta_data`; a product's
    /// `global_unique_id`, `variations` and `stock_status`; a tracking item's `tracking_link`
    /// and `date_shipped`.
    pub omit_optional_fields: bool,
    /// An empty list page (orders, products, variations, tracking items) is `{}` instead of
    /// `[]`, as PHP's `json_encode` writes an empty associative array.
    pub empty_list_as_object: bool,
}

/// The status shown instead of an open one under `unknown_enum_values`.
pub(crate) const CUSTOM_STATUS: &str = "wc-custom-packed";

/// The product type shown instead of `simple` under `unknown_enum_values`.
pub(crate) const CUSTOM_PRODUCT_TYPE: &str = "bundle";

fn remove_keys(value: &mut Value, keys: &[&str]) {
    if let Some(object) = value.as_object_mut() {
        for key in keys {
            object.remove(*key);
        }
    }
}

/// Meta data of shapes plugins store: nested objects, lists, booleans, null, no value at all.
fn odd_meta(order_id: u64) -> Vec<Value> {
    let id = |n: u64| order_id * 1000 + 900 + n;
    vec![
        json!({"id": id(1), "key": "_wcpdf_invoice_number_data",
               "value": {"number": 12, "formatted_number": "INV-0012", "prefix": null}}),
        json!({"id": id(2), "key": "_ppcp_paypal_fees", "value": [1.5, {"currency": "EUR"}]}),
        json!({"id": id(3), "key": "is_vat_exempt", "value": false}),
        json!({"id": id(4), "key": "_billing_nif", "value": null}),
        json!({"id": id(5), "key": "_orphaned_meta"}),
    ]
}

/// Applies `quirks` to an order as `render::order_json` made it.
pub(crate) fn order(order: &mut Value, quirks: &WooQuirks) {
    if quirks.unknown_enum_values {
        let id = order.get("id").and_then(Value::as_u64).unwrap_or(0);
        let open = matches!(
            order.get("status").and_then(Value::as_str),
            Some("pending" | "processing" | "on-hold")
        );
        if open {
            order["status"] = json!(CUSTOM_STATUS);
        }
        if let Some(meta) = order.get_mut("meta_data").and_then(Value::as_array_mut) {
            meta.extend(odd_meta(id));
        }
        if let Some(lines) = order.get_mut("line_items").and_then(Value::as_array_mut) {
            for line in lines {
                line["meta_data"] = json!([{"id": 1, "key": "_reduced_stock", "value": "1",
                    "display_key": "_reduced_stock", "display_value": {"html": true}}]);
            }
        }
    }
    if quirks.omit_optional_fields {
        remove_keys(
            order,
            &[
                "meta_data",
                "date_completed",
                "date_completed_gmt",
                "date_paid",
                "date_paid_gmt",
                "customer_note",
            ],
        );
        if let Some(shipping) = order.get_mut("shipping") {
            remove_keys(shipping, &["company", "phone"]);
        }
        if let Some(billing) = order.get_mut("billing") {
            remove_keys(billing, &["company", "phone"]);
        }
        if let Some(lines) = order.get_mut("line_items").and_then(Value::as_array_mut) {
            for line in lines {
                remove_keys(line, &["sku", "meta_data"]);
            }
        }
    }
}

/// Applies `quirks` to a product as `render::product_json` made it.
pub(crate) fn product(product: &mut Value, quirks: &WooQuirks) {
    if quirks.unknown_enum_values {
        if product.get("type").and_then(Value::as_str) == Some("simple") {
            product["type"] = json!(CUSTOM_PRODUCT_TYPE);
        }
        product["stock_status"] = json!("onrequest");
    }
    if quirks.omit_optional_fields {
        remove_keys(product, &["global_unique_id", "variations", "stock_status"]);
    }
}

/// Applies `quirks` to a Shipment Tracking item as `render::trackings_json` made it.
pub(crate) fn tracking_item(item: &mut Value, quirks: &WooQuirks) {
    if quirks.omit_optional_fields {
        remove_keys(item, &["tracking_link", "date_shipped"]);
    }
}

/// A list page: `[...]`, or `{}` when empty under `empty_list_as_object`.
pub(crate) fn list(items: Vec<Value>, quirks: &WooQuirks) -> Value {
    if items.is_empty() && quirks.empty_list_as_object {
        Value::Object(Map::new())
    } else {
        Value::Array(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_order(status: &str) -> Value {
        json!({
            "id": 7, "status": status, "date_completed_gmt": null, "customer_note": "",
            "billing": {"company": "", "phone": "06", "city": "Utrecht"},
            "shipping": {"company": "", "phone": "", "city": "Utrecht"},
            "meta_data": [{"id": 1, "key": "_orderbridge_order_code", "value": "OB1"}],
            "line_items": [{"id": 701, "sku": "MUG", "meta_data": []}],
        })
    }

    #[test]
    fn unknown_values_replace_open_statuses_and_add_odd_meta() {
        let quirks = WooQuirks {
            unknown_enum_values: true,
            ..WooQuirks::default()
        };
        let mut open = sample_order("processing");
        order(&mut open, &quirks);
        assert_eq!(open["status"], CUSTOM_STATUS);
        assert_eq!(open["meta_data"].as_array().map(Vec::len), Some(6));
        assert_eq!(
            open["line_items"][0]["meta_data"][0]["key"],
            "_reduced_stock"
        );
        let mut done = sample_order("completed");
        order(&mut done, &quirks);
        assert_eq!(done["status"], "completed");

        let mut simple = json!({"id": 1, "type": "simple", "stock_status": "instock"});
        let mut variation = json!({"id": 2, "type": "variation"});
        product(&mut simple, &quirks);
        product(&mut variation, &quirks);
        assert_eq!(simple["type"], CUSTOM_PRODUCT_TYPE);
        assert_eq!(variation["type"], "variation");
    }

    #[test]
    fn omitted_fields_are_gone() {
        let quirks = WooQuirks {
            omit_optional_fields: true,
            ..WooQuirks::default()
        };
        let mut omitted = sample_order("completed");
        order(&mut omitted, &quirks);
        for key in ["meta_data", "date_completed_gmt", "customer_note"] {
            assert!(omitted.get(key).is_none(), "{key}");
        }
        assert!(omitted["billing"].get("phone").is_none());
        assert!(omitted["shipping"].get("company").is_none());
        assert_eq!(omitted["billing"]["city"], "Utrecht");
        assert!(omitted["line_items"][0].get("sku").is_none());
        let mut item = json!({"tracking_number": "3S", "tracking_link": "", "date_shipped": ""});
        tracking_item(&mut item, &quirks);
        assert_eq!(item, json!({"tracking_number": "3S"}));
    }

    #[test]
    fn empty_lists_become_objects_only_when_asked() {
        let asked = WooQuirks {
            empty_list_as_object: true,
            ..WooQuirks::default()
        };
        assert_eq!(list(vec![], &asked), json!({}));
        assert_eq!(list(vec![json!(1)], &asked), json!([1]));
        assert_eq!(list(vec![], &WooQuirks::default()), json!([]));
    }
}
