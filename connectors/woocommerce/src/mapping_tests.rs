//! Unit tests of `mapping.rs`: the order body WooCommerce receives and the order read back.

use super::*;
use chrono::TimeZone;
use orderbridge_core::domain::{AddressFields, Currency, MarketplaceOrderId, Money, Quantity, Sku};
use orderbridge_core::webshop::NewOrderLine;
use serde_json::json;

fn address(extension: Option<&str>, street: &str) -> Address {
    Address::parse(
        "shipping address",
        AddressFields {
            first_name: Some("Jan".into()),
            surname: Some("Jansen".into()),
            company: Some("Jansen BV".into()),
            street_name: Some(street.into()),
            house_number: Some("23".into()),
            house_number_extension: extension.map(str::to_owned),
            extra_address_information: Some("3e verdieping".into()),
            zip_code: Some("1017 GC".into()),
            city: Some("Amsterdam".into()),
            country_code: Some("NL".into()),
            email: Some("jan@example.nl".into()),
            phone: Some("0612345678".into()),
        },
    )
    .unwrap()
}

fn new_order(pickup_point: Option<&str>) -> NewOrder {
    let marketplace_order_id = MarketplaceOrderId::parse("1043946570").unwrap();
    NewOrder {
        code: OrderCode::derive("bol-shop", &marketplace_order_id),
        marketplace: "bol.com".into(),
        marketplace_order_id,
        placed_at: Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(),
        shipping: address(Some("II"), "Kerkstraat"),
        billing: address(None, "Dorpsweg"),
        pickup_point: pickup_point.map(str::to_owned),
        lines: vec![NewOrderLine {
            sku: Some(Sku::parse("A-1").unwrap()),
            ean: None,
            title: "Mok".into(),
            quantity: Quantity::new(2).unwrap(),
            unit_price: Money::from_cents(1299, Currency::EUR).unwrap(),
            line_total: Money::from_cents(2598, Currency::EUR).unwrap(),
            discounts: Vec::new(),
            marketplace_line_id: "line-1".into(),
        }],
    }
}

fn meta_value<'a>(meta: &'a [WooMeta], key: &str) -> Option<&'a str> {
    meta.iter()
        .find(|m| m.key == key)
        .and_then(|m| m.value.as_str())
}

#[test]
fn street_line_goes_to_address_1_and_house_number_parts_to_meta() {
    let order = new_order(None);
    let product = ResolvedProduct {
        product_id: 10,
        variation_id: Some(11),
        tax: ProductTax::default(),
    };
    let wire = order_to_wire(&order, &[product], "processing", true).unwrap();
    assert_eq!(wire.shipping.address_1, "Kerkstraat 23-II");
    assert_eq!(wire.billing.address_1, "Dorpsweg 23");
    assert_eq!(wire.shipping.address_2, "3e verdieping");
    assert_eq!(wire.shipping.postcode, "1017 GC");
    assert_eq!(wire.shipping.country, "NL");
    assert_eq!(wire.billing.email.as_deref(), Some("jan@example.nl"));
    assert_eq!(wire.shipping.email, None);
    assert_eq!(
        meta_value(&wire.meta_data, "_shipping_house_number"),
        Some("23")
    );
    assert_eq!(
        meta_value(&wire.meta_data, "_shipping_house_number_suffix"),
        Some("II")
    );
    assert_eq!(
        meta_value(&wire.meta_data, "_shipping_street_name"),
        Some("Kerkstraat")
    );
    assert_eq!(
        meta_value(&wire.meta_data, "_billing_house_number"),
        Some("23")
    );
    assert_eq!(
        meta_value(&wire.meta_data, "_billing_house_number_suffix"),
        None
    );
}

#[test]
fn belgian_box_number_is_written_with_a_space() {
    let mut order = new_order(None);
    order.shipping = address(Some("bte 1"), "Rue Haute");
    let product = ResolvedProduct {
        product_id: 10,
        variation_id: None,
        tax: ProductTax::default(),
    };
    let wire = order_to_wire(&order, &[product], "processing", true).unwrap();
    assert_eq!(wire.shipping.address_1, "Rue Haute 23 bte 1");
    assert_eq!(
        meta_value(&wire.meta_data, "_shipping_house_number_suffix"),
        Some("bte 1")
    );
}

#[test]
fn prices_are_exact_decimal_text_of_the_line_total() {
    let mut order = new_order(None);
    order.lines[0].unit_price = Money::from_cents(1999, Currency::EUR).unwrap();
    order.lines[0].line_total = Money::from_cents(5997, Currency::EUR).unwrap();
    order.lines[0].quantity = Quantity::new(3).unwrap();
    let product = ResolvedProduct {
        product_id: 10,
        variation_id: None,
        tax: ProductTax::default(),
    };
    let wire = order_to_wire(&order, std::slice::from_ref(&product), "processing", true).unwrap();
    assert_eq!(wire.line_items[0].total, "59.97");
    assert_eq!(wire.line_items[0].subtotal, "59.97");
    assert_eq!(wire.line_items[0].quantity, 3);
    assert_eq!(wire.currency, "EUR");
    let body = serde_json::to_value(&wire).unwrap();
    assert_eq!(body["line_items"][0]["total"], json!("59.97"));
    assert_eq!(body["line_items"][0].get("variation_id"), None);

    order.lines[0].unit_price = Money::from_cents(5, Currency::EUR).unwrap();
    order.lines[0].line_total = Money::from_cents(5, Currency::EUR).unwrap();
    order.lines[0].quantity = Quantity::new(1).unwrap();
    let wire = order_to_wire(&order, &[product], "processing", true).unwrap();
    assert_eq!(wire.line_items[0].total, "0.05");
}

#[test]
fn a_discounted_line_totals_what_the_buyer_paid_and_shows_the_discount() {
    // bol: unitPrice 12.99, quantity 2, a promotion of 3.00 → totalPrice 22.98.
    let mut order = new_order(None);
    order.lines[0].line_total = Money::from_cents(2298, Currency::EUR).unwrap();
    let product = ResolvedProduct {
        product_id: 10,
        variation_id: None,
        tax: ProductTax::default(),
    };
    let wire = order_to_wire(&order, &[product], "processing", true).unwrap();
    assert_eq!(wire.line_items[0].subtotal, "25.98");
    assert_eq!(wire.line_items[0].total, "22.98");
}

#[test]
fn references_go_to_meta_and_note() {
    let order = new_order(Some("PostNL punt Albert Heijn"));
    let product = ResolvedProduct {
        product_id: 10,
        variation_id: None,
        tax: ProductTax::default(),
    };
    let wire = order_to_wire(&order, &[product], "on-hold", false).unwrap();
    assert_eq!(wire.status, "on-hold");
    assert!(!wire.set_paid);
    let code = order.code.as_str();
    assert_eq!(meta_value(&wire.meta_data, ORDER_CODE_META), Some(code));
    assert_eq!(
        meta_value(&wire.meta_data, MARKETPLACE_META),
        Some("bol.com")
    );
    assert_eq!(
        meta_value(&wire.meta_data, MARKETPLACE_ORDER_META),
        Some("1043946570")
    );
    assert_eq!(
        meta_value(&wire.meta_data, "Marketplace order"),
        Some("bol.com 1043946570")
    );
    assert_eq!(meta_value(&wire.meta_data, "Order code"), Some(code));
    assert_eq!(
        meta_value(&wire.meta_data, "Pickup point"),
        Some("PostNL punt Albert Heijn")
    );
    assert!(wire.customer_note.contains("1043946570"));
    assert!(wire.customer_note.contains("PostNL punt Albert Heijn"));
    // On the label: the pickup point's name in the shipping company, the buyer's company after.
    assert_eq!(
        wire.shipping.company,
        "PostNL punt Albert Heijn (Jansen BV)"
    );
    assert_eq!(wire.billing.company, "Jansen BV");
    assert_eq!(
        meta_value(&wire.line_items[0].meta_data, MARKETPLACE_LINE_META),
        Some("line-1")
    );
}

#[test]
fn a_pickup_point_fills_an_empty_shipping_company() {
    let mut order = new_order(Some("DHL ServicePoint Primera"));
    let mut fields = AddressFields {
        first_name: Some("Jan".into()),
        surname: Some("Jansen".into()),
        street_name: Some("Kerkstraat".into()),
        house_number: Some("23".into()),
        zip_code: Some("1017 GC".into()),
        city: Some("Amsterdam".into()),
        country_code: Some("NL".into()),
        ..AddressFields::default()
    };
    order.shipping = Address::parse("shipping address", fields.clone()).unwrap();
    let product = ResolvedProduct {
        product_id: 10,
        variation_id: None,
        tax: ProductTax::default(),
    };
    let wire = order_to_wire(&order, std::slice::from_ref(&product), "processing", true).unwrap();
    assert_eq!(wire.shipping.company, "DHL ServicePoint Primera");
    order.pickup_point = None;
    fields.company = Some("Jansen BV".into());
    order.shipping = Address::parse("shipping address", fields).unwrap();
    let wire = order_to_wire(&order, &[product], "processing", true).unwrap();
    assert_eq!(wire.shipping.company, "Jansen BV");
}

#[test]
fn an_order_without_lines_is_rejected() {
    let mut order = new_order(None);
    order.lines.clear();
    assert!(matches!(
        order_to_wire(&order, &[], "processing", true),
        Err(ConnectorError::Rejected { .. })
    ));
}

#[test]
fn naive_gmt_dates_are_utc() {
    let expected = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 5).unwrap();
    assert_eq!(parse_gmt("2026-11-22T10:00:05"), Some(expected));
    assert_eq!(parse_gmt("2026-11-22 10:00:05"), Some(expected));
    assert_eq!(parse_gmt("2026-11-22T11:00:05+01:00"), Some(expected));
    assert_eq!(parse_gmt("2026-11-22T10:00:05.000"), Some(expected));
    assert_eq!(parse_gmt("yesterday"), None);
    assert_eq!(format_gmt(expected), "2026-11-22T10:00:05");
}

#[test]
fn statuses_map_to_open_completed_cancelled() {
    for open in [
        "pending",
        "processing",
        "on-hold",
        "checkout-draft",
        "my-custom",
    ] {
        assert_eq!(status_from_wire(open), WebshopStatus::Open, "{open}");
    }
    assert_eq!(status_from_wire("completed"), WebshopStatus::Completed);
    for closed in ["cancelled", "refunded", "failed"] {
        assert_eq!(
            status_from_wire(closed),
            WebshopStatus::Cancelled,
            "{closed}"
        );
    }
}

#[test]
fn unknown_and_prefixed_statuses() {
    // A plugin's own status is a step of the merchant's fulfilment: still open.
    for unknown in ["wc-custom-packed", "custom-packed", "awaiting-pickup", ""] {
        assert_eq!(status_from_wire(unknown), WebshopStatus::Open, "{unknown}");
    }
    // The `wc-` prefix WordPress stores statuses with does not hide a known status.
    assert_eq!(status_from_wire("wc-completed"), WebshopStatus::Completed);
    assert_eq!(status_from_wire(" wc-cancelled"), WebshopStatus::Cancelled);
    assert_eq!(status_from_wire("wc-shipped"), WebshopStatus::Completed);
}

#[test]
fn an_order_without_meta_data_or_lines_maps_without_code() {
    let order: WooOrder = serde_json::from_value(json!({
        "id": 9, "status": "wc-custom-packed", "date_modified_gmt": "2026-11-22T12:30:00",
        "line_items": {},
    }))
    .unwrap();
    let domain = order_from_wire(&order, Vec::new()).unwrap();
    assert_eq!(domain.code, None);
    assert_eq!(domain.status, WebshopStatus::Open);
    assert!(domain.tracking.is_empty());
    assert!(domain.modified_at.is_some());
}

#[test]
fn order_read_back_carries_code_dates_and_tracking() {
    let order: WooOrder = serde_json::from_value(json!({
        "id": 4711,
        "status": "completed",
        "date_created_gmt": "2026-11-22T10:00:00",
        "date_modified_gmt": "2026-11-22T12:30:00",
        "date_completed_gmt": "2026-11-22T12:30:00",
        "meta_data": [{"id": 1, "key": ORDER_CODE_META, "value": "OB0123456789"}],
        "line_items": []
    }))
    .unwrap();
    let tracking = vec![TrackingEntry {
        code: "3SABC123456".into(),
        carrier: None,
    }];
    let domain = order_from_wire(&order, tracking.clone()).unwrap();
    assert_eq!(domain.id.as_str(), "4711");
    assert_eq!(domain.code, Some(OrderCode::parse("OB0123456789").unwrap()));
    assert_eq!(domain.status, WebshopStatus::Completed);
    assert_eq!(
        domain.completed_at,
        Some(Utc.with_ymd_and_hms(2026, 11, 22, 12, 30, 0).unwrap())
    );
    assert_eq!(domain.tracking, tracking);

    let foreign: WooOrder = serde_json::from_value(
        json!({"id": 5, "status": "processing", "date_completed_gmt": null}),
    )
    .unwrap();
    let domain = order_from_wire(&foreign, Vec::new()).unwrap();
    assert_eq!(domain.code, None);
    assert_eq!(domain.completed_at, None);
}
