//! Unit tests of [`super`]: delivery options in, label offers out; label headers; request
//! bodies built from lines.

use chrono::{TimeZone, Utc};
use orderbridge_core::domain::{Currency, Money, OrderLineId, Quantity};
use serde_json::{json, Value};

use super::*;

const LOCATION: &str = "POST /retailer/shipping-labels/delivery-options";

fn option_json(transporter: &str, total_price: Value) -> Value {
    json!({
        "shippingLabelOfferId": "32c4a88c-3c64-41ad-83a1-24450b341747",
        "recommended": true,
        "validUntilDate": "2026-11-21",
        "transporterCode": transporter,
        "labelType": "PARCEL",
        "labelDisplayName": "PostNL & bol.com - Pakket",
        "labelPrice": { "totalPrice": total_price },
        "packageRestrictions": { "maxWeight": "10 kg", "maxDimensions": "100 x 50 x 50 cm" },
        "handoverDetails": {
            "meetsCustomerExpectation": true,
            "latestHandoverDateTime": "2026-11-20T19:00:00+01:00",
            "collectionMethod": "DROP_OFF"
        }
    })
}

fn offers_from(options: Vec<Value>) -> Result<Vec<LabelOffer>, ConnectorError> {
    let answer = serde_json::from_value(json!({ "deliveryOptions": options })).unwrap();
    label_offers(answer, LOCATION)
}

fn eur(cents: i64) -> Money {
    Money::from_cents(cents, Currency::EUR).unwrap()
}

fn line(id: &str, quantity: u32) -> LineQuantity {
    LineQuantity {
        line_id: OrderLineId::parse(id).unwrap(),
        quantity: Quantity::new(quantity).unwrap(),
    }
}

#[test]
fn a_delivery_option_becomes_a_label_offer() {
    let offers = offers_from(vec![option_json("TNT", json!(4.41))]).unwrap();
    assert_eq!(
        offers,
        vec![LabelOffer {
            offer_id: LabelOfferId::parse("32c4a88c-3c64-41ad-83a1-24450b341747").unwrap(),
            carrier: Carrier::PostNl,
            name: "PostNL & bol.com - Pakket".to_owned(),
            kind: "PARCEL".to_owned(),
            price: eur(441),
            recommended: true,
            latest_handover: Some(Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap()),
        }]
    );
}

#[test]
fn prices_are_exact_to_the_cent() {
    for (total_price, cents) in [
        (json!(4.41), 441),
        (json!(2.88), 288),
        (json!(0.29), 29),
        (json!(12.1), 1210),
        (json!(6), 600),
        (json!(1.005e1), 1005),
    ] {
        let offers = offers_from(vec![option_json("TNT", total_price.clone())]).unwrap();
        assert_eq!(offers[0].price, eur(cents), "{total_price}");
    }
}

#[test]
fn transporters_map_to_carriers_and_unknown_ones_to_other() {
    let offers = offers_from(vec![
        option_json("DHLFORYOU", json!(4.65)),
        option_json("BUDBEE", json!(3.1)),
        option_json("LABELDROID", json!(2.5)),
    ])
    .unwrap();
    let carriers: Vec<Carrier> = offers.into_iter().map(|offer| offer.carrier).collect();
    assert_eq!(
        carriers,
        vec![
            Carrier::DhlParcel,
            Carrier::Other("BUDBEE".to_owned()),
            Carrier::Other("LABELDROID".to_owned()),
        ]
    );
}

#[test]
fn an_unreadable_option_is_left_out_and_only_unreadable_ones_fail_naming_the_field() {
    let mut no_price = option_json("TNT", json!(1.0));
    no_price["labelPrice"] = json!({});
    let offers = offers_from(vec![
        option_json("TNT", json!(4.415)),
        no_price.clone(),
        option_json("DHLFORYOU", json!(4.65)),
    ])
    .unwrap();
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].carrier, Carrier::DhlParcel);

    match offers_from(vec![no_price]).unwrap_err() {
        ConnectorError::InvalidPayload {
            location, message, ..
        } => {
            assert_eq!(location, LOCATION);
            assert!(
                message.contains("deliveryOptions[0]: labelPrice.totalPrice is missing"),
                "{message}"
            );
        }
        other => panic!("expected InvalidPayload, got {other:?}"),
    }
    let mut bad_handover = option_json("TNT", json!(4.41));
    bad_handover["handoverDetails"]["latestHandoverDateTime"] = json!("tomorrow");
    let err = offers_from(vec![bad_handover]).unwrap_err();
    assert!(err.to_string().contains("latestHandoverDateTime"), "{err}");
    assert!(offers_from(Vec::new()).unwrap().is_empty());
}

#[test]
fn optional_parts_may_be_missing() {
    let mut bare = option_json("TNT", json!(3.33));
    let object = bare.as_object_mut().unwrap();
    for field in [
        "recommended",
        "labelDisplayName",
        "handoverDetails",
        "validUntilDate",
        "packageRestrictions",
    ] {
        object.remove(field);
    }
    let offer = offers_from(vec![bare]).unwrap().remove(0);
    assert!(!offer.recommended);
    assert_eq!(offer.name, "TNT PARCEL");
    assert_eq!(offer.latest_handover, None);
}

#[test]
fn label_headers_map_to_tracking_and_carrier() {
    let location = "GET /retailer/shipping-labels/abc";
    assert_eq!(
        label_tracking(Some("3SBOLC0000001"), location).unwrap(),
        Some(TrackingCode::parse("3SBOLC0000001").unwrap())
    );
    assert_eq!(label_tracking(None, location).unwrap(), None);
    assert_eq!(label_tracking(Some("  "), location).unwrap(), None);
    match label_tracking(Some("not a code!"), location).unwrap_err() {
        ConnectorError::InvalidPayload { location, .. } => {
            assert_eq!(
                location,
                "GET /retailer/shipping-labels/abc header X-Track-And-Trace-Code"
            )
        }
        other => panic!("expected InvalidPayload, got {other:?}"),
    }
    assert_eq!(label_carrier(Some("TNT")), Some(Carrier::PostNl));
    assert_eq!(
        label_carrier(Some("NEWCO")),
        Some(Carrier::Other("NEWCO".to_owned()))
    );
    assert_eq!(label_carrier(None), None);
}

#[test]
fn requests_carry_each_line_once_with_its_quantity() {
    let offer = LabelOfferId::parse("offer-1").unwrap();
    let request = shipping_label_request(&[line("11", 2), line("12", 1)], &offer).unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "orderItems": [
                { "orderItemId": "11", "quantity": 2 },
                { "orderItemId": "12", "quantity": 1 }
            ],
            "shippingLabelOfferId": "offer-1"
        })
    );
    assert!(matches!(
        delivery_options_request(&[]),
        Err(ConnectorError::Rejected { .. })
    ));
    assert!(matches!(
        delivery_options_request(&[line("11", 1), line("11", 1)]),
        Err(ConnectorError::Rejected { .. })
    ));
}
