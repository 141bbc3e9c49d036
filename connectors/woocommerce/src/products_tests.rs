//! Unit tests of `products.rs`: picking among candidates, stock levels (managed, unmanaged,
//! inherited), line descriptions and the resolution cache.

use super::*;
use serde_json::json;

fn product(value: serde_json::Value) -> WooProduct {
    serde_json::from_value(value).unwrap()
}

#[test]
fn variations_resolve_to_parent_and_variation() {
    let candidates = vec![
        product(json!({"id": 1, "type": "simple", "sku": "OTHER"})),
        product(json!({"id": 21, "parent_id": 20, "type": "variation", "sku": "MUG-RED"})),
    ];
    let found = pick(candidates, |p| p.sku == "MUG-RED", "SKU MUG-RED").unwrap();
    assert_eq!(
        found,
        Some(ResolvedProduct {
            product_id: 20,
            variation_id: Some(21),
            tax: ProductTax::default(),
        })
    );
}

#[test]
fn a_variable_parent_alone_is_refused() {
    let candidates = vec![product(json!({"id": 20, "type": "variable", "sku": "MUG"}))];
    let err = pick(candidates, |p| p.sku == "MUG", "SKU MUG").unwrap_err();
    assert!(
        matches!(err, ConnectorError::Rejected { ref message, .. } if message.contains("SKU MUG"))
    );
}

#[test]
fn stock_is_none_when_unmanaged_and_inherited_from_parent() {
    let managed = product(json!({"id": 1, "manage_stock": true, "stock_quantity": 7}));
    let unmanaged = product(json!({"id": 2, "manage_stock": false, "stock_quantity": null}));
    let inherited = product(json!({"id": 3, "manage_stock": "parent", "stock_quantity": 4}));
    let fractional = product(json!({"id": 4, "manage_stock": true, "stock_quantity": 2.5}));
    let managed_empty = product(json!({"id": 5, "manage_stock": true, "stock_quantity": null}));
    assert_eq!(stock_quantity(&managed), Some(7));
    assert_eq!(stock_quantity(&unmanaged), None);
    assert_eq!(stock_quantity(&inherited), Some(4));
    assert_eq!(stock_quantity(&fractional), Some(2));
    assert_eq!(stock_quantity(&managed_empty), Some(0));
}

#[test]
fn line_description_names_sku_and_ean() {
    use orderbridge_core::domain::{Currency, Ean, Money, Quantity};
    let mut line = NewOrderLine {
        sku: Some(Sku::parse("123").unwrap()),
        ean: Some(Ean::parse("8712345678906").unwrap()),
        title: "Mok".into(),
        quantity: Quantity::new(1).unwrap(),
        unit_price: Money::from_cents(100, Currency::EUR).unwrap(),
        line_total: Money::from_cents(100, Currency::EUR).unwrap(),
        discounts: Vec::new(),
        marketplace_line_id: "l1".into(),
    };
    assert_eq!(
        describe_line(&line),
        "SKU 123 (EAN 8712345678906) in webshop"
    );
    line.sku = None;
    assert_eq!(describe_line(&line), "EAN 8712345678906 in webshop");
}

#[test]
fn cache_returns_fresh_entries_only() {
    let cache = ProductCache::default();
    let product = ResolvedProduct {
        product_id: 1,
        variation_id: None,
        tax: ProductTax::default(),
    };
    assert_eq!(cache.get("sku:a"), None);
    cache.put("sku:a".into(), product.clone());
    assert_eq!(cache.get("sku:a"), Some(product));
}

#[test]
fn unmanaged_stock_reports_its_status() {
    let sku = Sku::parse("MUG").unwrap();
    let out = product(json!({"id": 1, "manage_stock": false, "stock_status": "outofstock"}));
    let in_stock = product(json!({"id": 2, "manage_stock": false, "stock_status": "instock"}));
    let backorder = product(json!({"id": 3, "manage_stock": false, "stock_status": "onbackorder"}));
    let managed_empty = product(
        json!({"id": 4, "manage_stock": true, "stock_quantity": 0, "stock_status": "outofstock"}),
    );
    let level = |p: &WooProduct, how| {
        let level = stock_level(&sku, p, how);
        (level.quantity, level.in_stock)
    };
    let leave = UnmanagedInStock::Leave;
    assert_eq!(level(&out, leave), (None, false));
    assert_eq!(level(&in_stock, leave), (None, true));
    assert_eq!(level(&backorder, leave), (None, true));
    assert_eq!(level(&managed_empty, leave), (Some(0), false));
    let five = UnmanagedInStock::Amount(5);
    assert_eq!(level(&in_stock, five), (Some(5), true));
    assert_eq!(level(&out, five), (None, false));
    assert_eq!(level(&managed_empty, five), (Some(0), false));
}
