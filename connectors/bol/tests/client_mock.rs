//! `BolClient` against a mock server: the shape of every request (media types, Basic auth on
//! the token endpoint, bearer on the API, bodies as the spec names them), token caching and
//! refresh, and pagination. Failure handling is in `client_mock_failures.rs`.

mod support;

use orderbridge_bol::wire::{CSV_MEDIA_TYPE, JSON_MEDIA_TYPE};
use orderbridge_core::domain::{
    Carrier, MarketplaceOrderId, OfferId, OrderLineId, ProcessId, Quantity, TrackingCode,
};
use orderbridge_core::marketplace::{
    CancelReason, Cancellation, LineQuantity, ProcessKind, ProcessState, Shipment,
};
use orderbridge_core::{ConnectorError, Marketplace};
use serde_json::json;
use support::*;
use wiremock::matchers::{
    basic_auth, bearer_token, body_json, body_string, header, method, path, query_param,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn order_id(raw: &str) -> MarketplaceOrderId {
    MarketplaceOrderId::parse(raw).expect("valid test fixture")
}

#[tokio::test]
async fn token_uses_basic_auth_and_is_cached_across_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
        .and(basic_auth(CLIENT_ID, CLIENT_SECRET))
        .respond_with(token_answer(TOKEN))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders/1043946570"))
        .and(header("accept", JSON_MEDIA_TYPE))
        .and(bearer_token(TOKEN))
        .respond_with(bol_json(200, full_order("1043946570")))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&config(&server));
    for _ in 0..2 {
        let order = client.order(&order_id("1043946570")).await.unwrap();
        assert_eq!(order.lines[0].unit_price.cents(), 1299);
    }
    server.verify().await;
}

#[tokio::test]
async fn refused_token_is_refreshed_once_and_the_call_repeated() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_answer("stale"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_answer("fresh"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(bearer_token("stale"))
        .respond_with(problem(401, "Unauthorized"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders/1"))
        .and(bearer_token("fresh"))
        .respond_with(bol_json(200, full_order("1")))
        .expect(1)
        .mount(&server)
        .await;
    let order = client(&config(&server))
        .order(&order_id("1"))
        .await
        .unwrap();
    assert_eq!(order.id.as_str(), "1");
    server.verify().await;
}

#[tokio::test]
async fn second_refusal_is_an_auth_error_without_secret_or_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_answer(TOKEN))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(problem(401, "Token expired"))
        .expect(2)
        .mount(&server)
        .await;
    let err = client(&config(&server))
        .order(&order_id("1"))
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectorError::Auth { .. }), "{err:?}");
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains(CLIENT_SECRET) && !text.contains(TOKEN),
        "{text}"
    );
    server.verify().await;
}

#[tokio::test]
async fn refused_credentials_are_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({ "error": "invalid_client" })),
        )
        .mount(&server)
        .await;
    let err = client(&config(&server)).open_orders().await.unwrap_err();
    match err {
        ConnectorError::Auth { message } => {
            assert!(message.contains("invalid_client"), "{message}");
            assert!(!message.contains(CLIENT_SECRET));
        }
        other => panic!("expected Auth, got {other:?}"),
    }
}

#[tokio::test]
async fn open_orders_follow_pages_until_a_short_page() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    for page in 1..=3u32 {
        let orders: Vec<_> = if page < 3 {
            (0..50)
                .map(|idx| reduced_order(&format!("{page}{idx:03}")))
                .collect()
        } else {
            Vec::new()
        };
        let body = if orders.is_empty() {
            json!({})
        } else {
            json!({ "orders": orders })
        };
        Mock::given(method("GET"))
            .and(path("/retailer/orders"))
            .and(query_param("fulfilment-method", "FBR"))
            .and(query_param("status", "OPEN"))
            .and(query_param("page", page.to_string()))
            .respond_with(bol_json(200, body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let orders = client(&config(&server)).open_orders().await.unwrap();
    assert_eq!(orders.len(), 100);
    assert_eq!(orders[0].id.as_str(), "1000");
    assert_eq!(orders[99].id.as_str(), "2049");
    server.verify().await;
}

/// A server that ignores `page` answers the same page again; reading on would never end.
#[tokio::test]
async fn a_list_that_repeats_its_page_is_refused_not_read_for_ever() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders"))
        .respond_with(bol_json(200, json!({ "orders": [reduced_order("7")] })))
        .expect(2)
        .mount(&server)
        .await;
    match client(&config(&server)).open_orders().await {
        Err(ConnectorError::InvalidPayload { message, .. }) => {
            assert!(message.contains("page 2"), "{message}")
        }
        other => panic!("expected a refused list, got {other:?}"),
    }
    server.verify().await;
}

#[tokio::test]
async fn include_fbb_asks_for_all_fulfilment_methods() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders"))
        .and(query_param("fulfilment-method", "ALL"))
        .and(query_param("page", "1"))
        .respond_with(bol_json(200, json!({ "orders": [reduced_order("7")] })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders"))
        .and(query_param("fulfilment-method", "ALL"))
        .and(query_param("page", "2"))
        .respond_with(bol_json(200, json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let mut config = config(&server);
    config.include_fbb = true;
    assert_eq!(client(&config).open_orders().await.unwrap().len(), 1);
    server.verify().await;
}

#[tokio::test]
async fn shipment_is_posted_with_spec_media_types_and_body() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    Mock::given(method("POST"))
        .and(path("/retailer/shipments"))
        .and(header("accept", JSON_MEDIA_TYPE))
        .and(header("content-type", JSON_MEDIA_TYPE))
        .and(bearer_token(TOKEN))
        .and(body_json(json!({
            "orderItems": [{ "orderItemId": "11", "quantity": 2 }],
            "shipmentReference": "OB0123456789",
            "transport": { "transporterCode": "DHLFORYOU", "trackAndTrace": "JVGL0123456789" }
        })))
        .respond_with(bol_json(
            202,
            process_status("555", "11", "CREATE_SHIPMENT", "PENDING"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let shipment = Shipment {
        order_id: order_id("1"),
        lines: vec![LineQuantity {
            line_id: OrderLineId::parse("11").unwrap(),
            quantity: Quantity::new(2).unwrap(),
        }],
        reference: "OB0123456789".to_owned(),
        carrier: Some(Carrier::DhlParcel),
        tracking: Some(TrackingCode::parse("JVGL 0123 456789").unwrap()),
        label: None,
    };
    let process = client(&config(&server)).ship(&shipment).await.unwrap();
    assert_eq!(process.id.as_str(), "555");
    assert_eq!(process.entity_id.as_deref(), Some("11"));
    assert_eq!(process.state, ProcessState::Pending);
    server.verify().await;
}

#[tokio::test]
async fn cancellation_and_stock_bodies_follow_the_spec() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    Mock::given(method("PUT"))
        .and(path("/retailer/orders/cancellation"))
        .and(header("content-type", JSON_MEDIA_TYPE))
        .and(body_json(json!({
            "orderItems": [{ "orderItemId": "11", "reasonCode": "REQUESTED_BY_CUSTOMER" }]
        })))
        .respond_with(bol_json(
            202,
            process_status("1", "11", "CANCEL_ORDER", "PENDING"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/retailer/offers/o-1/stock"))
        .and(body_json(
            json!({ "amount": 999, "managedByRetailer": true }),
        ))
        .respond_with(bol_json(
            202,
            process_status("2", "o-1", "UPDATE_OFFER_STOCK", "PENDING"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&config(&server));
    let cancellation = Cancellation {
        order_id: order_id("1"),
        lines: vec![OrderLineId::parse("11").unwrap()],
        reason: CancelReason::RequestedByCustomer,
    };
    assert_eq!(client.cancel(&cancellation).await.unwrap().id.as_str(), "1");
    // bol takes at most 999; a larger webshop stock is sent as 999.
    let offer = OfferId::parse("o-1").unwrap();
    assert_eq!(
        client.update_stock(&offer, 5000).await.unwrap().id.as_str(),
        "2"
    );
    server.verify().await;
}

#[tokio::test]
async fn process_statuses_single_bulk_in_chunks_and_by_entity() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    Mock::given(method("GET"))
        .and(path("/shared/process-status/9"))
        .respond_with(bol_json(
            200,
            process_status("9", "11", "CREATE_SHIPMENT", "SUCCESS"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/shared/process-status"))
        .and(header("content-type", JSON_MEDIA_TYPE))
        .respond_with(bol_json(
            200,
            json!({ "processStatuses": [
            process_status("1", "11", "CREATE_SHIPMENT", "PENDING")
        ] }),
        ))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/shared/process-status"))
        .and(query_param("entity-id", "11"))
        .and(query_param("event-type", "CANCEL_ORDER"))
        .and(query_param("page", "1"))
        .respond_with(bol_json(
            200,
            json!({ "processStatuses": [
            process_status("3", "11", "CANCEL_ORDER", "FAILURE")
        ] }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&config(&server));
    let single = client
        .processes(&[ProcessId::parse("9").unwrap()])
        .await
        .unwrap();
    assert_eq!(single[0].state, ProcessState::Succeeded);
    // 1001 ids exceed bol's bulk limit of 1000: two requests.
    let ids: Vec<ProcessId> = (0..1001)
        .map(|n| ProcessId::parse(&n.to_string()).unwrap())
        .collect();
    assert_eq!(client.processes(&ids).await.unwrap().len(), 2);
    let found = client
        .find_processes("11", ProcessKind::Cancellation)
        .await
        .unwrap();
    assert!(matches!(found[0].state, ProcessState::Failed { .. }));
    server.verify().await;
}

#[tokio::test]
async fn offers_come_from_the_csv_export() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    Mock::given(method("POST"))
        .and(path("/retailer/offers/export"))
        .and(body_json(json!({ "format": "CSV" })))
        .respond_with(bol_json(202, json!({
            "processStatusId": "77", "eventType": "CREATE_OFFER_EXPORT", "description": "export",
            "status": "PENDING", "createTimestamp": "2026-11-20T10:15:00+01:00", "links": []
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/shared/process-status/77"))
        .respond_with(bol_json(
            200,
            process_status("77", "report-1", "CREATE_OFFER_EXPORT", "SUCCESS"),
        ))
        .mount(&server)
        .await;
    let csv = "offerId,ean,conditionName,stockAmount,fulfilmentType,referenceCode\r\n\
               o-1,8712345678906,NEW,4,FBR,SKU-1\r\n";
    Mock::given(method("GET"))
        .and(path("/retailer/offers/export/report-1"))
        .and(header("accept", CSV_MEDIA_TYPE))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(csv.as_bytes().to_vec(), CSV_MEDIA_TYPE),
        )
        .expect(1)
        .mount(&server)
        .await;
    let offers = client(&config(&server)).offers().await.unwrap();
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].offer_id.as_str(), "o-1");
    assert_eq!(offers[0].sku.as_ref().map(|s| s.as_str()), Some("SKU-1"));
    assert_eq!(offers[0].stock, Some(4));
    server.verify().await;
}
