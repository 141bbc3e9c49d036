//! Unit tests of `mapping.rs`: the quote Magento receives and the order read back.

use super::*;
use chrono::TimeZone;
use orderbridge_core::domain::{AddressFields, MarketplaceOrderId, Quantity, Sku};
use orderbridge_core::webshop::NewOrderLine;
use serde_json::json;

use crate::wire::MagentoOrderItem;

fn address(email: Option<&str>, extension: Option<&str>) -> Address {
    Address::parse(
        "shipping address",
        AddressFields {
            first_name: Some("Jan".into()),
            surname: Some("Jansen".into()),
            street_name: Some("Kerkstraat".into()),
            house_number: Some("23".into()),
            house_number_extension: extension.map(str::to_owned),
            extra_address_information: Some("3e verdieping".into()),
            zip_code: Some("1017 GC".into()),
            city: Some("Amsterdam".into()),
            country_code: Some("NL".into()),
            email: email.map(str::to_owned),
            ..AddressFields::default()
        },
    )
    .expect("valid test fixture")
}

fn new_order(email: Option<&str>, sku: Option<&str>) -> NewOrder {
    let marketplace_order_id = MarketplaceOrderId::parse("1043946570").expect("valid test fixture");
    NewOrder {
        code: OrderCode::derive("bol-shop", &marketplace_order_id),
        marketplace: "bol.com".into(),
        marketplace_order_id,
        placed_at: Utc
            .with_ymd_and_hms(2026, 11, 22, 9, 0, 0)
            .single()
            .expect("valid test fixture"),
        shipping: address(email, Some("II")),
        billing: address(None, Some("II")),
        pickup_point: Some("PostNL punt Jumbo".into()),
        lines: vec![NewOrderLine {
            sku: sku.map(|s| Sku::parse(s).expect("valid test fixture")),
            ean: None,
            title: "Mok".into(),
            quantity: Quantity::new(2).expect("valid test fixture"),
            unit_price: Money::from_cents(1299, Currency::EUR).expect("valid test fixture"),
            line_total: Money::from_cents(2598, Currency::EUR).expect("valid test fixture"),
            discounts: Vec::new(),
            marketplace_line_id: "l1".into(),
        }],
    }
}

fn placement(code: &OrderCode, street_lines: u8) -> Placement {
    Placement {
        guest_email: guest_email("bol+{code}@shop.nl", code),
        street_lines,
        carrier_code: "freeshipping".into(),
        method_code: "freeshipping".into(),
    }
}

#[test]
fn the_quote_carries_our_code_in_the_guest_email_and_the_buyer_on_the_delivery() {
    let order = new_order(Some("2abc@verkopen.bol.com"), Some("MUG-1"));
    let info = shipping_information(&order, &placement(&order.code, 2)).address_information;
    let expected = format!("bol+{}@shop.nl", order.code.as_str().to_lowercase());
    assert_eq!(
        info.billing_address.email.as_deref(),
        Some(expected.as_str())
    );
    assert_eq!(
        info.shipping_address.email.as_deref(),
        Some("2abc@verkopen.bol.com")
    );
    assert_eq!(
        info.shipping_address.street,
        vec!["Kerkstraat", "23-II, 3e verdieping"]
    );
    assert_eq!(
        info.shipping_address.company.as_deref(),
        Some("PostNL punt Jumbo")
    );
    assert_eq!(info.billing_address.company, None);
    assert_eq!(info.shipping_address.country_id, "NL");
    assert_eq!(info.shipping_address.telephone, "-");
    assert_eq!(info.shipping_carrier_code, "freeshipping");
    assert_eq!(cart_items(&order).unwrap(), vec![("MUG-1".to_owned(), 2)]);
    // Read back: the code in the e-mail is ours, whatever the case.
    assert_eq!(
        code_in_email(&expected.to_uppercase(), "bol+{code}@shop.nl"),
        Some(order.code.clone())
    );
    assert_eq!(code_in_email("other@shop.nl", "bol+{code}@shop.nl"), None);
}

#[test]
fn street_lines_follow_the_store_setting() {
    let plain = address(None, None);
    assert_eq!(
        address_to_wire(&plain, 1).street,
        vec!["Kerkstraat 23, 3e verdieping"]
    );
    let split = address(None, Some("A"));
    assert_eq!(
        address_to_wire(&split, 3).street,
        vec!["Kerkstraat", "23", "A, 3e verdieping"]
    );
}

#[test]
fn a_line_without_sku_names_itself() {
    let order = new_order(None, None);
    let err = cart_items(&order).unwrap_err();
    assert!(
        matches!(&err, ConnectorError::NotFound { what } if what.contains("l1") && what.contains("SKU")),
        "{err:?}"
    );
}

fn item(ordered: f64, shipped: f64) -> MagentoOrderItem {
    MagentoOrderItem {
        sku: Some("A".into()),
        parent_item_id: None,
        product_type: Some("simple".into()),
        qty_ordered: ordered,
        qty_shipped: shipped,
        qty_canceled: 0.0,
        qty_refunded: 0.0,
    }
}

fn magento_order(value: serde_json::Value) -> MagentoOrder {
    serde_json::from_value(value).expect("valid test fixture")
}

#[test]
fn status_comes_from_state_and_shipped_items() {
    let mut order = magento_order(json!({"entity_id": 1, "state": "processing"}));
    order.items = vec![item(2.0, 1.0)];
    assert_eq!(status_of(&order), WebshopStatus::Open);
    order.items = vec![item(2.0, 2.0)];
    assert_eq!(
        status_of(&order),
        WebshopStatus::Completed,
        "shipped, not invoiced"
    );
    order.state = Some("complete".into());
    order.items.clear();
    assert_eq!(status_of(&order), WebshopStatus::Completed);
    for cancelled in ["canceled", "closed"] {
        order.state = Some(cancelled.into());
        assert_eq!(status_of(&order), WebshopStatus::Cancelled);
    }
    // A merchant's own status does not hide the state.
    let custom = magento_order(json!({"entity_id": 2, "state": "new", "status": "bol_new"}));
    assert_eq!(status_of(&custom), WebshopStatus::Open);
}

#[test]
fn orders_read_back_with_code_tracking_carrier_and_total() {
    let code = OrderCode::derive("bol-shop", &MarketplaceOrderId::parse("1").unwrap());
    let order = magento_order(json!({
        "entity_id": 12, "increment_id": "000000012", "state": "complete",
        "ext_order_id": code.as_str(), "customer_email": "x@example.com",
        "created_at": "2026-12-01 10:00:00", "updated_at": "2026-12-01 12:00:00",
        "grand_total": 25.98, "order_currency_code": "EUR",
    }));
    let shipment: MagentoShipment = serde_json::from_value(json!({
        "entity_id": 5, "order_id": 12, "created_at": "2026-12-01 11:30:00",
        "tracks": [
            {"track_number": " 3SABCD1234567 ", "title": "PostNL", "carrier_code": "custom"},
            {"track_number": "1Z999", "title": "", "carrier_code": "ups"},
            {"track_number": "X1", "title": " ", "carrier_code": "custom"},
            {"track_number": "", "title": "DHL", "carrier_code": "dhl"}
        ]
    }))
    .unwrap();
    let read = order_from_wire(&order, Some(&[&shipment]), "{code}@example.com").unwrap();
    assert_eq!(read.id.as_str(), "12");
    assert_eq!(read.code, Some(code));
    assert_eq!(read.status, WebshopStatus::Completed);
    assert_eq!(read.total.unwrap().cents(), 2598);
    let carriers: Vec<(&str, Option<&str>)> = read
        .tracking
        .iter()
        .map(|t| (t.code.as_str(), t.carrier.as_deref()))
        .collect();
    assert_eq!(
        carriers,
        vec![
            ("3SABCD1234567", Some("PostNL")),
            ("1Z999", Some("ups")),
            ("X1", None)
        ]
    );
    assert_eq!(
        read.completed_at.unwrap().to_rfc3339(),
        "2026-12-01T11:30:00+00:00"
    );
    assert!(!read.tracking_unavailable);
    // Shipments not read: tracking unknown, not empty.
    let unknown = order_from_wire(&order, None, "{code}@example.com").unwrap();
    assert!(unknown.tracking_unavailable);
}

#[test]
fn an_unmarked_order_is_known_by_its_guest_email() {
    let code = OrderCode::derive("bol-shop", &MarketplaceOrderId::parse("7").unwrap());
    let email = guest_email("{code}@example.com", &code);
    let order = magento_order(json!({"entity_id": 3, "customer_email": email}));
    assert_eq!(code_of(&order, "{code}@example.com"), Some(code));
    let foreign = magento_order(
        json!({"entity_id": 4, "ext_order_id": "AMAZON-1", "customer_email": "a@b.nl"}),
    );
    assert_eq!(code_of(&foreign, "{code}@example.com"), None);
}

#[test]
fn bad_times_and_totals_name_the_order_and_field() {
    let bad = magento_order(json!({"entity_id": 9, "updated_at": "yesterday"}));
    let err = order_from_wire(&bad, Some(&[]), "{code}@example.com").unwrap_err();
    assert!(
        matches!(&err, ConnectorError::InvalidPayload { location, .. } if location == "order 9 updated_at"),
        "{err:?}"
    );
    assert_eq!(money(12.3967, "eur", || "x".into()).unwrap().cents(), 1240);
    assert!(money(1.0, "euro", || "order x grand_total".into()).is_err());
    assert_eq!(
        format_time(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()),
        "2026-01-02 03:04:05"
    );
}
