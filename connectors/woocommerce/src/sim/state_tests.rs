//! Unit tests of the simulated shop's behaviour (`state.rs`).

use super::*;

fn product(product_type: &str, parent_id: u64, sku: &str, stock: Option<i64>) -> SimProduct {
    SimProduct {
        id: 0,
        parent_id,
        product_type: product_type.into(),
        name: sku.into(),
        sku: sku.into(),
        global_unique_id: String::new(),
        price_cents: 1299,
        stock,
        tax_status: "taxable".into(),
        tax_class: String::new(),
        unmanaged_status: "instock".into(),
        meta: Vec::new(),
        modified_at: now_to_the_second(),
    }
}

fn order_body(product_id: u64, variation_id: Option<u64>, status: &str) -> Value {
    let mut line = json!({"product_id": product_id, "quantity": 2, "total": "25.98"});
    if let Some(variation) = variation_id {
        line["variation_id"] = json!(variation);
    }
    json!({
        "status": status,
        "set_paid": true,
        "line_items": [line],
        "meta_data": [{"key": "_orderbridge_order_code", "value": "OB0123456789"}],
    })
}

#[test]
fn paid_orders_become_processing_and_take_stock_until_cancelled() {
    let mut state = SimState::default();
    let mug = state.add_product(product("simple", 0, "MUG", Some(5)));
    let id = state
        .create_order(&order_body(mug, None, "on-hold"))
        .unwrap();
    let order = &state.orders[&id];
    assert_eq!(order.status, "processing");
    assert!(order.paid_at.is_some());
    assert_eq!(
        order.meta_str("_orderbridge_order_code"),
        Some("OB0123456789")
    );
    assert_eq!(order.line_items[0].sku, "MUG");
    assert_eq!(state.product(mug).unwrap().stock, Some(3));
    assert!(state.set_status(id, "cancelled"));
    assert_eq!(state.product(mug).unwrap().stock, Some(5));
    assert!(state.set_status(id, "cancelled"));
    assert_eq!(
        state.product(mug).unwrap().stock,
        Some(5),
        "cancelling twice restocks once"
    );
}

#[test]
fn variations_must_belong_to_the_product() {
    let mut state = SimState::default();
    let parent = state.add_product(product("variable", 0, "SHIRT", None));
    let small = state.add_product(product("variation", parent, "SHIRT-S", Some(1)));
    let other = state.add_product(product("simple", 0, "CAP", None));
    let id = state
        .create_order(&order_body(parent, Some(small), "processing"))
        .unwrap();
    assert_eq!(state.orders[&id].line_items[0].sku, "SHIRT-S");
    assert_eq!(state.product(small).unwrap().stock, Some(-1));
    let err = state
        .create_order(&order_body(other, Some(small), "processing"))
        .unwrap_err();
    assert_eq!(err.code, "woocommerce_rest_invalid_variation_id");
    let err = state
        .create_order(&order_body(999, None, "processing"))
        .unwrap_err();
    assert_eq!(
        (err.status, err.code),
        (400, "woocommerce_rest_invalid_product_id")
    );
    let err = state
        .create_order(&order_body(other, None, "shipped"))
        .unwrap_err();
    assert_eq!(err.code, "rest_invalid_param");
}

#[test]
fn completing_with_tracking_stores_plugin_items() {
    let mut state = SimState::default();
    let mug = state.add_product(product("simple", 0, "MUG", None));
    let id = state
        .create_order(&order_body(mug, None, "processing"))
        .unwrap();
    assert!(state.complete_order(id, Some(("DHL Parcel", "JVGL0123456789"))));
    let order = &state.orders[&id];
    assert_eq!(order.status, "completed");
    assert!(order.completed_at.is_some());
    let items = order
        .meta_value(TRACKING_META_KEY)
        .unwrap()
        .as_array()
        .unwrap();
    assert_eq!(items[0]["tracking_provider"], "dhl-parcel");
    assert_eq!(items[0]["tracking_number"], "JVGL0123456789");
    assert!(state.add_tracking(id, "PostNL", "3SABCD1234567"));
    let items = state.orders[&id]
        .meta_value(TRACKING_META_KEY)
        .unwrap()
        .as_array()
        .unwrap();
    assert_eq!(items.len(), 2);
    assert!(!state.complete_order(12345, None));
}

#[test]
fn updates_change_status_and_meta() {
    let mut state = SimState::default();
    let mug = state.add_product(product("simple", 0, "MUG", None));
    let id = state
        .create_order(&order_body(mug, None, "processing"))
        .unwrap();
    state
        .update_order(
            id,
            &json!({"status": "cancelled", "meta_data": [{"key": "note", "value": "x"}]}),
        )
        .unwrap();
    assert_eq!(state.orders[&id].status, "cancelled");
    assert_eq!(state.orders[&id].meta_str("note"), Some("x"));
    assert_eq!(
        state.update_order(999, &json!({})),
        Err(SimError::invalid_order())
    );
}
