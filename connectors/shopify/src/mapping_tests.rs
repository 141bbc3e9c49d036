//! Unit tests of `mapping.rs`: the `orderCreate` input Shopify receives (totals, taxes,
//! discounts, addresses, references) and the order read back (status, tracking, code, total).

use super::*;
use chrono::TimeZone;
use orderbridge_core::domain::{AddressFields, Discount, MarketplaceOrderId, Quantity, Sku};
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

fn eur(cents: i64) -> Money {
    Money::from_cents(cents, Currency::EUR).unwrap()
}

fn line(id: &str, quantity: u32, unit: i64, total: i64) -> NewOrderLine {
    NewOrderLine {
        sku: Some(Sku::parse("A-1").unwrap()),
        ean: None,
        title: "Mok".into(),
        quantity: Quantity::new(quantity).unwrap(),
        unit_price: eur(unit),
        line_total: eur(total),
        discounts: Vec::new(),
        marketplace_line_id: id.into(),
    }
}

fn new_order(lines: Vec<NewOrderLine>) -> NewOrder {
    let marketplace_order_id = MarketplaceOrderId::parse("1043946570").unwrap();
    NewOrder {
        code: OrderCode::derive("bol-shop", &marketplace_order_id),
        marketplace: "bol.com".into(),
        marketplace_order_id,
        placed_at: Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(),
        shipping: address(Some("2abc@verkopen.bol.com")),
        billing: address(None),
        pickup_point: Some("PostNL punt Jumbo".into()),
        lines,
    }
}

fn variants(order: &NewOrder) -> Vec<String> {
    (0..order.lines.len())
        .map(|i| format!("gid://shopify/ProductVariant/{i}"))
        .collect()
}

/// Shopify's total of an input with `taxesIncluded: true`: Σ price × quantity − discount.
fn shopify_total(input: &OrderCreateOrderInput) -> i64 {
    let amount = |bag: &MoneyBag| {
        Money::parse_decimal(&bag.shop_money.amount, Currency::EUR)
            .unwrap()
            .cents()
    };
    let lines: i64 = input
        .line_items
        .iter()
        .map(|l| amount(&l.price_set) * i64::from(l.quantity))
        .sum();
    let discount = input
        .discount_code
        .as_ref()
        .map_or(0, |d| amount(&d.item_fixed_discount_code.amount_set));
    lines - discount
}

#[test]
fn the_total_is_what_the_buyer_paid_with_discounts_and_odd_line_totals() {
    // 3 × 12.99 = 38.97 with 3.97 off: 35.00, which does not divide by 3.
    let mut discounted = line("L1", 3, 1299, 3500);
    discounted.discounts = vec![Discount {
        title: "Actie".into(),
        amount: eur(397),
    }];
    let order = new_order(vec![discounted, line("L2", 2, 500, 1000)]);
    let input = order_input(&order, &variants(&order), None).unwrap();
    assert!(input.taxes_included);
    assert_eq!(input.line_items.len(), 2);
    assert_eq!(input.line_items[0].price_set.shop_money.amount, "12.99");
    assert_eq!(input.line_items[0].quantity, 3);
    let discount = input.discount_code.as_ref().unwrap();
    assert_eq!(
        discount
            .item_fixed_discount_code
            .amount_set
            .shop_money
            .amount,
        "3.97"
    );
    assert_eq!(shopify_total(&input), 4500);
    assert_eq!(input.transactions[0].amount_set.shop_money.amount, "45.00");
    assert_eq!(input.transactions[0].gateway, "bol.com");
    assert_eq!(input.financial_status, "PAID");
}

#[test]
fn a_line_above_its_unit_price_is_priced_from_its_total() {
    // 10.00 for three items at a stated unit price of 3.00: 3.33 + 3.33 + 3.34.
    let order = new_order(vec![line("L1", 3, 300, 1000)]);
    let input = order_input(&order, &variants(&order), None).unwrap();
    assert!(input.discount_code.is_none());
    let parts: Vec<(u32, &str)> = input
        .line_items
        .iter()
        .map(|l| (l.quantity, l.price_set.shop_money.amount.as_str()))
        .collect();
    assert_eq!(parts, vec![(2, "3.33"), (1, "3.34")]);
    assert_eq!(shopify_total(&input), 1000);
    assert_eq!(split_line(900, 3), vec![(3, 300)]);
}

#[test]
fn vat_is_a_tax_line_inside_the_price() {
    let order = new_order(vec![line("L1", 1, 1210, 1210), line("L2", 3, 1299, 3500)]);
    let input = order_input(&order, &variants(&order), Some(21)).unwrap();
    let tax = &input.line_items[0].tax_lines[0];
    assert_eq!(tax.price_set.shop_money.amount, "2.10");
    assert_eq!(tax.title, "BTW 21%");
    assert!((tax.rate - 0.21).abs() < 1e-9);
    // VAT of what was paid for the line (35.00 → 6.07), not of the undiscounted price.
    assert_eq!(
        input.line_items[1].tax_lines[0].price_set.shop_money.amount,
        "6.07"
    );
    assert_eq!(shopify_total(&input), 4710);
    assert_eq!(included_vat(1000, 9), 83);
    assert_eq!(included_vat(0, 21), 0);
}

#[test]
fn references_addresses_and_no_mail() {
    let order = new_order(vec![line("L1", 1, 500, 500)]);
    let input = order_input(&order, &variants(&order), None).unwrap();
    let value = serde_json::to_value(&input).unwrap();
    assert_eq!(value["sourceIdentifier"], json!(order.code.as_str()));
    assert_eq!(
        value["metafields"][0],
        json!({"namespace": "orderbridge", "key": "order_code",
               "type": "id", "value": order.code.as_str()})
    );
    assert_eq!(value["email"], json!("2abc@verkopen.bol.com"));
    assert_eq!(value["processedAt"], json!("2026-11-22T09:00:00+00:00"));
    let shipping = &value["shippingAddress"];
    assert_eq!(shipping["address1"], json!("Kerkstraat 23-II"));
    assert_eq!(shipping["address2"], json!("3e verdieping"));
    assert_eq!(shipping["zip"], json!("1017 GC"));
    assert_eq!(shipping["countryCode"], json!("NL"));
    assert_eq!(shipping["company"], json!("PostNL punt Jumbo"));
    assert_eq!(value["billingAddress"].get("company"), None);
    // No `null`s: Shopify refuses unknown or null-where-absent fields alike.
    assert!(!value.to_string().contains("null"));
    let options = serde_json::to_value(create_options()).unwrap();
    assert_eq!(options["sendReceipt"], json!(false));
    assert_eq!(options["sendFulfillmentReceipt"], json!(false));
    assert!(order_input(&new_order(Vec::new()), &[], None).is_err());
}

fn wire_order(value: serde_json::Value) -> wire::Order {
    serde_json::from_value(value).unwrap()
}

#[test]
fn an_order_reads_back_with_status_tracking_code_and_exact_total() {
    let code = OrderCode::derive("c", &MarketplaceOrderId::parse("1").unwrap());
    let order = wire_order(json!({
        "id": "gid://shopify/Order/1", "name": "#1001",
        "createdAt": "2026-12-01T10:00:00Z", "updatedAt": "2026-12-02T10:00:00Z",
        "cancelledAt": null, "displayFulfillmentStatus": "FULFILLED",
        "sourceIdentifier": code.as_str(), "metafield": null,
        "totalPriceSet": {"shopMoney": {"amount": "35.0", "currencyCode": "EUR"}},
        "fulfillments": [
            {"status": "CANCELLED", "createdAt": "2026-12-01T11:00:00Z",
             "trackingInfo": [{"company": "DHL", "number": "JVGL0000", "url": null}]},
            {"status": "SUCCESS", "createdAt": "2026-12-02T09:00:00Z",
             "trackingInfo": [{"company": "PostNL", "number": " 3SABCD1234567 ", "url": "https://x"}]}
        ]
    }));
    let read = order_from_wire(&order).unwrap();
    assert_eq!(read.status, WebshopStatus::Completed);
    assert_eq!(read.code, Some(code));
    assert_eq!(read.total, Some(eur(3500)));
    assert_eq!(
        read.tracking,
        vec![TrackingEntry {
            code: "3SABCD1234567".into(),
            carrier: Some("PostNL".into())
        }]
    );
    assert_eq!(
        read.completed_at,
        Some(Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap())
    );

    let mut open = order.clone();
    open.display_fulfillment_status = "PARTIALLY_FULFILLED".into();
    assert_eq!(status_of(&open), WebshopStatus::Open);
    let mut cancelled = order.clone();
    cancelled.cancelled_at = Some("2026-12-03T00:00:00Z".into());
    assert_eq!(status_of(&cancelled), WebshopStatus::Cancelled);

    let mut bad = order.clone();
    bad.total_price_set.shop_money.amount = "35.001".into();
    let err = order_from_wire(&bad).unwrap_err();
    assert!(
        matches!(&err, orderbridge_core::ConnectorError::InvalidPayload { location, .. }
            if location == "order gid://shopify/Order/1 totalPriceSet"),
        "{err:?}"
    );
    let mut foreign = order;
    foreign.source_identifier = Some("web-123".into());
    assert_eq!(order_from_wire(&foreign).unwrap().code, None);
}
