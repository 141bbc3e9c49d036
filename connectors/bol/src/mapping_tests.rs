//! Unit tests of [`super`]: bol JSON in, domain types out, and requests built from domain types.

use orderbridge_core::domain::{Carrier, ShippingLabelId, TrackingCode};
use orderbridge_core::marketplace::{
    CancelReason, Cancellation, LineQuantity, ProcessState, Shipment,
};
use serde_json::json;

use super::*;
use crate::wire::{CancellationReasonCode, ProcessStatus};

const LOCATION: &str = "GET /retailer/orders/1043946570";

fn order_json() -> serde_json::Value {
    json!({
        "orderId": "1043946570",
        "pickupPoint": false,
        "orderPlacedDateTime": "2026-11-20T10:15:00+01:00",
        "shipmentDetails": {
            "salutation": "MALE",
            "firstName": "Jan",
            "surname": "Jansen",
            "streetName": "Kerkstraat",
            "houseNumber": "23",
            "houseNumberExtension": "II",
            "zipCode": "1017 GC",
            "city": "Amsterdam",
            "countryCode": "NL",
            "email": "2abc@verkopen.bol.com",
            "language": "nl"
        },
        "billingDetails": {
            "salutation": "FEMALE",
            "firstName": "Els",
            "surname": "Peeters",
            "streetName": "Rue Haute",
            "houseNumber": "17",
            "houseNumberExtension": "bte 1",
            "zipCode": "1000",
            "city": "Brussel",
            "countryCode": "BE",
            "email": "3def@verkopen.bol.com"
        },
        "orderItems": [{
            "orderItemId": "6107434013",
            "cancellationRequest": false,
            "fulfilment": { "method": "FBR", "timeFrameType": "REGULAR" },
            "offer": { "offerId": "6ff736b5-cdd0-4150-8c67-78269ee986f5", "reference": "SKU-1" },
            "product": { "ean": "8712345678906", "title": "Koffiemok" },
            "quantity": 2,
            "quantityShipped": 0,
            "quantityCancelled": 0,
            "unitPrice": 19.99,
            "totalPrice": 39.98,
            "discounts": [],
            "commission": 3.5
        }]
    })
}

fn order_from(value: serde_json::Value) -> Result<MarketplaceOrder, ConnectorError> {
    marketplace_order(serde_json::from_value(value).unwrap(), LOCATION)
}

fn error_message(err: ConnectorError) -> String {
    match err {
        ConnectorError::InvalidPayload {
            message, location, ..
        } => {
            assert_eq!(location, LOCATION);
            message
        }
        other => panic!("expected InvalidPayload, got {other:?}"),
    }
}

#[test]
fn maps_addresses_keeping_house_number_extensions() {
    let order = order_from(order_json()).unwrap();
    assert_eq!(order.id.as_str(), "1043946570");
    assert_eq!(order.shipping.house_number(), "23");
    assert_eq!(order.shipping.house_number_extension(), Some("II"));
    assert_eq!(order.shipping.country_code().as_str(), "NL");
    assert_eq!(order.billing.house_number_extension(), Some("bte 1"));
    assert_eq!(order.billing.country_code().as_str(), "BE");
    assert_eq!(order.placed_at.to_rfc3339(), "2026-11-20T09:15:00+00:00");
    assert_eq!(order.pickup_point, None);
}

#[test]
fn maps_lines_with_price_in_cents_sku_and_ean() {
    let order = order_from(order_json()).unwrap();
    let line = &order.lines[0];
    assert_eq!(line.line_id.as_str(), "6107434013");
    assert_eq!(line.unit_price.cents(), 1999);
    assert_eq!(line.sku.as_ref().map(|s| s.as_str()), Some("SKU-1"));
    assert_eq!(line.ean.as_ref().map(|e| e.as_str()), Some("8712345678906"));
    assert_eq!(line.quantity.get(), 2);
    assert_eq!(line.title, "Koffiemok");
    assert!(!line.fulfilled_by_marketplace);
}

#[test]
fn missing_surname_or_street_is_an_error_naming_the_field() {
    let mut value = order_json();
    value["shipmentDetails"]["surname"] = json!(null);
    let message = error_message(order_from(value).unwrap_err());
    assert!(
        message.contains("order 1043946570") && message.contains("surname"),
        "{message}"
    );

    let mut value = order_json();
    value["shipmentDetails"]
        .as_object_mut()
        .unwrap()
        .remove("streetName");
    let message = error_message(order_from(value).unwrap_err());
    assert!(message.contains("streetName is missing"), "{message}");
}

#[test]
fn negative_price_is_an_error_naming_order_item_and_field() {
    let mut value = order_json();
    value["orderItems"][0]["unitPrice"] = json!(-1);
    let message = error_message(order_from(value).unwrap_err());
    assert_eq!(
        message,
        "order 1043946570 item 6107434013: unitPrice -1 is negative"
    );
}

#[test]
fn billing_falls_back_to_shipping_when_absent_or_incomplete() {
    let mut value = order_json();
    value.as_object_mut().unwrap().remove("billingDetails");
    let order = order_from(value).unwrap();
    assert_eq!(order.billing, order.shipping);

    let mut value = order_json();
    value["billingDetails"]["city"] = json!("");
    let order = order_from(value).unwrap();
    assert_eq!(order.billing, order.shipping);
}

#[test]
fn pickup_point_and_fbb_flags() {
    let mut value = order_json();
    value["pickupPoint"] = json!(true);
    value["shipmentDetails"]["pickupPointName"] = json!("Primera Centrum");
    value["orderItems"][0]["fulfilment"]["method"] = json!("FBB");
    let order = order_from(value).unwrap();
    assert_eq!(order.pickup_point.as_deref(), Some("Primera Centrum"));
    assert!(order.lines[0].fulfilled_by_marketplace);
}

#[test]
fn open_order_marks_fbb_lines() {
    let reduced: ReducedOrder = serde_json::from_value(json!({
        "orderId": "A1",
        "orderPlacedDateTime": "2026-11-20T10:15:00+01:00",
        "orderItems": [
            { "orderItemId": "1", "ean": "8712345678906", "fulfilmentMethod": "FBR",
              "fulfilmentStatus": "OPEN", "quantity": 1, "quantityShipped": 0,
              "quantityCancelled": 0, "cancellationRequest": true,
              "latestChangedDateTime": "2026-11-20T10:15:00+01:00" },
            { "orderItemId": "2", "ean": "8712345678906", "fulfilmentMethod": "FBB",
              "fulfilmentStatus": "OPEN", "quantity": 3, "quantityShipped": 1,
              "quantityCancelled": 0, "cancellationRequest": false,
              "latestChangedDateTime": "2026-11-20T10:15:00+01:00" }
        ]
    }))
    .unwrap();
    let open = open_order(reduced, "GET /retailer/orders").unwrap();
    assert!(!open.lines[0].fulfilled_by_marketplace);
    assert!(open.lines[0].cancellation_requested);
    assert!(open.lines[1].fulfilled_by_marketplace);
    assert_eq!(open.lines[1].quantity_shipped, 1);
}

#[test]
fn failed_process_carries_the_error_message() {
    let status: ProcessStatus = serde_json::from_value(json!({
        "processStatusId": "1234567",
        "entityId": "6107434013",
        "eventType": "CREATE_SHIPMENT",
        "description": "Ship order item",
        "status": "FAILURE",
        "errorMessage": "Order item already shipped",
        "createTimestamp": "2026-11-20T10:15:00+01:00",
        "links": []
    }))
    .unwrap();
    let process = process(status, "GET /shared/process-status/1234567").unwrap();
    assert_eq!(process.id.as_str(), "1234567");
    assert_eq!(process.entity_id.as_deref(), Some("6107434013"));
    assert_eq!(
        process.state,
        ProcessState::Failed {
            message: "Order item already shipped".into()
        }
    );
    assert!(process.created_at.is_some());
}

fn shipment(carrier: Option<Carrier>, tracking: Option<&str>, n_lines: usize) -> Shipment {
    Shipment {
        order_id: MarketplaceOrderId::parse("1043946570").unwrap(),
        lines: (0..n_lines)
            .map(|idx| LineQuantity {
                line_id: OrderLineId::parse(&format!("61074340{idx:02}")).unwrap(),
                quantity: Quantity::new(1).unwrap(),
            })
            .collect(),
        reference: "OB0123456789".into(),
        carrier,
        tracking: tracking.map(|t| TrackingCode::parse(t).unwrap()),
        label: None,
    }
}

#[test]
fn shipment_request_carries_transporter_and_track_and_trace() {
    let request =
        shipment_request(&shipment(Some(Carrier::PostNl), Some("3S ABCD 1234567"), 1)).unwrap();
    let transport = request.transport.unwrap();
    assert_eq!(transport.transporter_code, "TNT");
    assert_eq!(transport.track_and_trace.as_deref(), Some("3SABCD1234567"));
    assert_eq!(request.shipment_reference.as_deref(), Some("OB0123456789"));
    assert_eq!(request.order_items[0].quantity, Some(1));

    let bare = shipment_request(&shipment(None, None, 1)).unwrap();
    let transport = bare.transport.unwrap();
    assert_eq!(transport.transporter_code, "OTHER");
    assert_eq!(transport.track_and_trace, None);
}

#[test]
fn shipment_with_a_bol_label_names_the_label_and_no_transport() {
    let mut labelled = shipment(Some(Carrier::PostNl), Some("3SABCD1234567"), 1);
    labelled.label = Some(ShippingLabelId::parse("d4c50077-0c19-435f-9bee-1b30b9f4ba1a").unwrap());
    let request = shipment_request(&labelled).unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "orderItems": [{ "orderItemId": "6107434000", "quantity": 1 }],
            "shipmentReference": "OB0123456789",
            "shippingLabelId": "d4c50077-0c19-435f-9bee-1b30b9f4ba1a"
        })
    );
}

#[test]
fn shipment_request_refuses_what_bol_would_refuse() {
    assert!(matches!(
        shipment_request(&shipment(None, None, 101)),
        Err(ConnectorError::Rejected { .. })
    ));
    assert!(shipment_request(&shipment(None, None, 0)).is_err());
    let mut long_reference = shipment(None, None, 1);
    long_reference.reference = "x".repeat(91);
    assert!(shipment_request(&long_reference).is_err());
}

#[test]
fn cancellation_request_takes_exactly_one_line() {
    let line = |id: &str| OrderLineId::parse(id).unwrap();
    let single = Cancellation {
        order_id: MarketplaceOrderId::parse("1").unwrap(),
        lines: vec![line("11")],
        reason: CancelReason::RequestedByCustomer,
    };
    let request = cancellation_request(&single).unwrap();
    assert_eq!(
        request.order_items[0].reason_code,
        CancellationReasonCode::RequestedByCustomer
    );
    let double = Cancellation {
        lines: vec![line("11"), line("12")],
        ..single
    };
    assert!(matches!(
        cancellation_request(&double),
        Err(ConnectorError::Rejected { .. })
    ));
}

#[test]
fn unknown_fulfilment_method_in_details_is_refused_naming_it() {
    let mut value = order_json();
    value["orderItems"][0]["fulfilment"]["method"] = json!("FBX");
    let message = error_message(order_from(value).unwrap_err());
    assert!(
        message.starts_with("order 1043946570 item 6107434013: fulfilment method \"FBX\""),
        "{message}"
    );
}

#[test]
fn unknown_values_the_connector_does_not_act_on_are_accepted() {
    let mut value = order_json();
    value["shipmentDetails"]["salutation"] = json!("X");
    value["shipmentDetails"]["language"] = json!("de");
    value["orderItems"][0]["fulfilment"]["distributionParty"] = json!("OTHER");
    value["orderItems"][0]["fulfilment"]["timeFrameType"] = json!("MOONLIGHT");
    let order = order_from(value).unwrap();
    assert!(!order.lines[0].fulfilled_by_marketplace);
    assert_eq!(order.shipping.surname(), "Jansen");
}

#[test]
fn missing_fulfilment_reads_as_merchant_fulfilled() {
    let mut value = order_json();
    value["orderItems"][0]
        .as_object_mut()
        .unwrap()
        .remove("fulfilment");
    assert!(!order_from(value).unwrap().lines[0].fulfilled_by_marketplace);
}

#[test]
fn missing_placed_date_falls_back_to_the_earliest_item_change() {
    let mut value = order_json();
    value.as_object_mut().unwrap().remove("orderPlacedDateTime");
    value["orderItems"][0]["latestChangedDateTime"] = json!("2026-11-20T11:00:00+01:00");
    let order = order_from(value.clone()).unwrap();
    assert_eq!(order.placed_at.to_rfc3339(), "2026-11-20T10:00:00+00:00");

    value["orderItems"][0]
        .as_object_mut()
        .unwrap()
        .remove("latestChangedDateTime");
    let message = error_message(order_from(value).unwrap_err());
    assert!(
        message.contains("orderPlacedDateTime is missing"),
        "{message}"
    );
}

#[test]
fn unknown_fulfilment_method_in_the_list_is_not_skipped_as_bol_fulfilled() {
    let reduced: ReducedOrder = serde_json::from_value(json!({
        "orderId": "A1",
        "orderPlacedDateTime": "2026-11-20T10:15:00+01:00",
        "orderItems": [
            { "orderItemId": "1", "ean": "8712345678906", "fulfilmentMethod": "FBX",
              "fulfilmentStatus": "SOMEWHERE", "quantity": 1, "quantityShipped": 0,
              "quantityCancelled": 0, "cancellationRequest": false,
              "latestChangedDateTime": "2026-11-20T10:15:00+01:00" }
        ]
    }))
    .unwrap();
    let open = open_order(reduced, "GET /retailer/orders").unwrap();
    assert!(!open.lines[0].fulfilled_by_marketplace);
}

#[test]
fn unknown_process_status_is_pending_and_the_id_may_come_from_the_self_link() {
    let status: ProcessStatus = serde_json::from_value(json!({
        "eventType": "SOMETHING_NEW",
        "description": "A process bol added",
        "status": "QUEUED",
        "createTimestamp": "2026-11-20T10:15:00+01:00",
        "links": [{
            "rel": "self",
            "href": "https://api.bol.com/shared/process-status/987654321",
            "method": "GET"
        }]
    }))
    .unwrap();
    let queued = process(status, "POST /retailer/shipments").unwrap();
    assert_eq!(queued.id.as_str(), "987654321");
    assert_eq!(queued.state, ProcessState::Pending);
    assert_eq!(queued.entity_id, None);

    let without_any_id: ProcessStatus = serde_json::from_value(json!({
        "eventType": "CREATE_SHIPMENT", "description": "", "status": "PENDING",
        "createTimestamp": "", "links": []
    }))
    .unwrap();
    let err = process(without_any_id, "POST /retailer/shipments").unwrap_err();
    assert!(
        matches!(err, ConnectorError::InvalidPayload { .. }),
        "{err:?}"
    );
}

#[test]
fn line_total_is_what_the_buyer_paid_with_its_discounts() {
    let mut value = order_json();
    value["orderItems"][0]["totalPrice"] = json!(34.98);
    value["orderItems"][0]["discounts"] = json!([{ "title": " 2e halve prijs ", "amount": 5.0 }]);
    let line = order_from(value).unwrap().lines.remove(0);
    assert_eq!(line.unit_price.cents(), 1999);
    assert_eq!(line.line_total.map(|t| t.cents()), Some(3498));
    assert_eq!(line.paid_total().unwrap().cents(), 3498);
    assert_eq!(line.discounts.len(), 1);
    assert_eq!(line.discounts[0].title, "2e halve prijs");
    assert_eq!(line.discounts[0].amount.cents(), 500);
}

#[test]
fn missing_or_bad_total_price_is_an_error_naming_the_field() {
    let mut value = order_json();
    value["orderItems"][0]
        .as_object_mut()
        .unwrap()
        .remove("totalPrice");
    let message = error_message(order_from(value).unwrap_err());
    assert!(
        message.contains("item 6107434013: totalPrice is missing"),
        "{message}"
    );
    let mut value = order_json();
    value["orderItems"][0]["discounts"] = json!([{ "title": "x", "amount": 1.005 }]);
    let message = error_message(order_from(value).unwrap_err());
    assert!(message.contains("discounts[0].amount 1.005"), "{message}");
}

#[test]
fn lines_bol_distributes_need_a_bol_label() {
    let order = order_from(order_json()).unwrap();
    assert!(!order.lines[0].marketplace_label_required);
    let mut value = order_json();
    value["orderItems"][0]["fulfilment"]["distributionParty"] = json!("BOL");
    assert!(order_from(value).unwrap().lines[0].marketplace_label_required);
    let mut value = order_json();
    value["orderItems"][0]["fulfilment"]["distributionParty"] = json!("RETAILER");
    assert!(!order_from(value).unwrap().lines[0].marketplace_label_required);
}
