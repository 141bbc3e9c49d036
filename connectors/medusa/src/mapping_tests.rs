//! Unit tests of `mapping.rs`: the draft order Medusa receives and the order read back.

use super::*;
use chrono::TimeZone;
use orderbridge_core::domain::{AddressFields, Currency, MarketplaceOrderId, Money, Quantity, Sku};
use orderbridge_core::webshop::NewOrderLine;
use serde_json::json;

fn address(email: Option<&str>) -> Address {
    Address::parse(
        "shipping address",
        AddressFields {
            first_name: Some("Jan".into()),
            surname: Some("Jansen".into()),
            company: None,
            street_name: Some("Kerkstraat".into()),
            house_number: Some("23".into()),
            house_number_extension: Some("II".into()),
            extra_address_information: Some("3e verdieping".into()),
            zip_code: Some("1017 GC".into()),
            city: Some("Amsterdam".into()),
            country_code: Some("NL".into()),
            email: email.map(str::to_owned),
            phone: Some("0612345678".into()),
        },
    )
    .unwrap()
}

fn line(id: &str, quantity: u32, unit: i64, total: i64) -> NewOrderLine {
    NewOrderLine {
        sku: Some(Sku::parse("A-1").unwrap()),
        ean: None,
        title: "Mok".into(),
        quantity: Quantity::new(quantity).unwrap(),
        unit_price: Money::from_cents(unit, Currency::EUR).unwrap(),
        line_total: Money::from_cents(total, Currency::EUR).unwrap(),
        discounts: Vec::new(),
        marketplace_line_id: id.into(),
    }
}

fn new_order(email: Option<&str>, lines: Vec<NewOrderLine>) -> NewOrder {
    let marketplace_order_id = MarketplaceOrderId::parse("1043946570").unwrap();
    NewOrder {
        code: OrderCode::derive("bol-shop", &marketplace_order_id),
        marketplace: "bol.com".into(),
        marketplace_order_id,
        placed_at: Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(),
        shipping: address(email),
        billing: address(None),
        pickup_point: Some("PostNL punt Jumbo".into()),
        lines,
    }
}

fn wire(order: &NewOrder) -> NewDraftOrder {
    let variants: Vec<String> = order.lines.iter().map(|_| "variant_1".to_owned()).collect();
    order_to_wire(order, &variants, "reg_1", "sc_1", "so_1").unwrap()
}

#[test]
fn a_draft_carries_our_code_the_addresses_and_no_notification() {
    let order = new_order(
        Some("2abc@verkopen.bol.com"),
        vec![line("l1", 2, 1299, 2598)],
    );
    let draft = wire(&order);
    assert_eq!(draft.email, "2abc@verkopen.bol.com");
    assert!(draft.no_notification_order);
    assert_eq!(draft.metadata[ORDER_CODE_KEY], json!(order.code.as_str()));
    assert_eq!(draft.metadata[MARKETPLACE_ORDER_KEY], json!("1043946570"));
    assert_eq!(
        draft.shipping_address.address_1.as_deref(),
        Some("Kerkstraat 23-II")
    );
    assert_eq!(
        draft.shipping_address.address_2.as_deref(),
        Some("3e verdieping")
    );
    assert_eq!(draft.shipping_address.country_code.as_deref(), Some("nl"));
    assert_eq!(
        draft.shipping_address.company.as_deref(),
        Some("PostNL punt Jumbo")
    );
    assert_eq!(draft.billing_address.company, None);
    let meta = draft.shipping_address.metadata.as_ref().unwrap();
    assert_eq!(meta["house_number_extension"], json!("II"));
    assert_eq!(draft.shipping_methods[0].shipping_option_id, "so_1");
    assert_eq!(draft.shipping_methods[0].amount, 0.0);
    assert_eq!(draft.shipping_methods[0].name, "bol.com delivery");
    assert_eq!(draft.items.len(), 1);
    assert_eq!(draft.items[0].unit_price, 12.99);
    assert_eq!(draft.items[0].metadata[MARKETPLACE_LINE_KEY], json!("l1"));

    // Without a buyer address: one that never receives mail, the same every time.
    let anonymous = new_order(None, vec![line("l1", 1, 500, 500)]);
    let email = wire(&anonymous).email;
    assert!(email.ends_with("@orderbridge.invalid"), "{email}");
    assert_eq!(email, wire(&anonymous).email);
}

#[test]
fn items_add_up_to_what_the_buyer_paid_even_when_cents_do_not_divide() {
    // 3 items for €10.00 after a discount: 2 × 3.33 + 1 × 3.34.
    let order = new_order(
        Some("a@b.nl"),
        vec![line("l1", 3, 400, 1000), line("l2", 1, 250, 250)],
    );
    let draft = wire(&order);
    let parts: Vec<(u32, f64)> = draft
        .items
        .iter()
        .map(|i| (i.quantity, i.unit_price))
        .collect();
    assert_eq!(parts, vec![(2, 3.33), (1, 3.34), (1, 2.5)]);
    let total: i64 = draft
        .items
        .iter()
        .map(|i| i64::from(i.quantity) * (i.unit_price * 100.0).round() as i64)
        .sum();
    assert_eq!(total, 1250);
    assert_eq!(
        draft.items[0].metadata["marketplace_unit_price"],
        json!("4.00")
    );
    assert_eq!(split_line(0, 2), vec![(2, 0)]);
    assert_eq!(split_line(7, 7), vec![(7, 1)]);
}

fn medusa_order(value: serde_json::Value) -> MedusaOrder {
    serde_json::from_value(value).unwrap()
}

#[test]
fn orders_read_back_with_status_tracking_and_code() {
    let code = OrderCode::derive("bol-shop", &MarketplaceOrderId::parse("1").unwrap());
    let shipped = medusa_order(json!({
        "id": "order_01", "status": "pending", "fulfillment_status": "shipped",
        "currency_code": "eur", "total": 25.98,
        "metadata": {"orderbridge_code": code.as_str()},
        "created_at": "2026-12-01T10:00:00.000Z", "updated_at": "2026-12-01T12:00:00.000Z",
        "fulfillments": [
            {"id": "ful_old", "canceled_at": "2026-12-01T11:00:00.000Z",
             "labels": [{"tracking_number": "3SABCD0000001"}]},
            {"id": "ful_1", "shipped_at": "2026-12-01T11:30:00.000Z",
             "labels": [{"tracking_number": " 3SABCD1234567 ", "tracking_url": ""}, {"tracking_number": ""}]}
        ]
    }));
    let read = order_from_wire(&shipped).unwrap();
    assert_eq!(read.id.as_str(), "order_01");
    assert_eq!(read.code, Some(code));
    assert_eq!(read.status, WebshopStatus::Completed);
    assert_eq!(read.total.unwrap().cents(), 2598);
    assert_eq!(
        read.tracking,
        vec![TrackingEntry {
            code: "3SABCD1234567".into(),
            carrier: None
        }]
    );
    assert_eq!(
        read.completed_at.unwrap().to_rfc3339(),
        "2026-12-01T11:30:00+00:00"
    );

    let partly = medusa_order(
        json!({"id": "order_2", "status": "pending", "fulfillment_status": "partially_shipped"}),
    );
    assert_eq!(status_of(&partly), WebshopStatus::Open);
    let fulfilled = medusa_order(
        json!({"id": "order_2", "status": "pending", "fulfillment_status": "fulfilled"}),
    );
    assert_eq!(status_of(&fulfilled), WebshopStatus::Open);
    let canceled = medusa_order(
        json!({"id": "order_3", "status": "canceled", "fulfillment_status": "not_fulfilled"}),
    );
    assert_eq!(status_of(&canceled), WebshopStatus::Cancelled);
    let foreign =
        medusa_order(json!({"id": "order_4", "metadata": {"orderbridge_code": "not ours"}}));
    assert_eq!(order_from_wire(&foreign).unwrap().code, None);
}

#[test]
fn bad_times_and_totals_name_the_order_and_field() {
    let bad = medusa_order(json!({"id": "order_9", "updated_at": "yesterday"}));
    let err = order_from_wire(&bad).unwrap_err();
    assert!(
        matches!(&err, ConnectorError::InvalidPayload { location, .. } if location == "order order_9 updated_at"),
        "{err:?}"
    );
    let taxed = money(12.396_694, "eur", || "x".into()).unwrap();
    assert_eq!(taxed.cents(), 1240);
    assert!(money(1.0, "euro", || "order x total".into()).is_err());
}
