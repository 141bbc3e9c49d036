//! `WooClient` against a mock HTTP server: the shape of the requests WooCommerce receives,
//! pagination, and how error replies (error bodies, 401, bad JSON, a missing plugin) turn into
//! results. Retries and time-outs are in `client_retries.rs`.

mod common;

use common::mock::{mock_product, order_json, posted_orders, KEY, SECRET};
use orderbridge_core::domain::WebshopOrderId;
use orderbridge_core::webshop::WebshopStatus;
use orderbridge_core::{ConnectorError, Webshop};
use serde_json::{json, Value};
use wiremock::matchers::{basic_auth, body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn create_order_sends_basic_auth_and_the_order_body() {
    let server = MockServer::start().await;
    mock_product(&server, "MUG-1", 10).await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wc/v3/orders"))
        .and(basic_auth(KEY, SECRET))
        .respond_with(ResponseTemplate::new(201).set_body_json(order_json(
            4711,
            "processing",
            "2026-11-22T10:00:00",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), KEY, SECRET);
    let order = common::order(
        "1043946570",
        vec![common::line(Some("MUG-1"), None, 2, 1299)],
    );

    let id = client.create_order(&order).await.unwrap().id;

    assert_eq!(id.as_str(), "4711");
    let bodies = posted_orders(&server.received_requests().await.unwrap());
    let body = &bodies[0];
    assert_eq!(body["status"], "processing");
    assert_eq!(body["set_paid"], true);
    assert_eq!(body["line_items"][0]["product_id"], 10);
    assert_eq!(body["line_items"][0]["quantity"], 2);
    assert_eq!(body["line_items"][0]["total"], "25.98");
    assert_eq!(body["shipping"]["address_1"], "Kerkstraat 23-II");
    assert_eq!(body["shipping"]["postcode"], "1017 GC");
    // No customer e-mails by default: the address is in meta, not in billing.
    assert_eq!(body["billing"].get("email"), None);
    let meta_keys: Vec<&str> = body["meta_data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    for key in [
        "_orderbridge_order_code",
        "_orderbridge_marketplace",
        "_orderbridge_marketplace_order_id",
        "Marketplace order",
        "Order code",
        "_orderbridge_buyer_email",
        "_shipping_house_number",
        "_shipping_house_number_suffix",
    ] {
        assert!(meta_keys.contains(&key), "{key} missing from {meta_keys:?}");
    }
}

#[tokio::test]
async fn lists_follow_x_wp_total_pages() {
    let server = MockServer::start().await;
    for (page, ids) in [("1", vec![1, 2]), ("2", vec![3])] {
        let orders: Vec<Value> = ids
            .iter()
            .map(|id| order_json(*id, "processing", &format!("2026-11-22T10:00:0{id}")))
            .collect();
        Mock::given(method("GET"))
            .and(path("/wp-json/wc/v3/orders"))
            .and(query_param("page", page))
            .and(query_param("per_page", "100"))
            .and(query_param("modified_after", "2026-11-22T09:59:59"))
            .and(query_param("dates_are_gmt", "true"))
            .and(query_param("orderby", "modified"))
            .and(query_param("order", "asc"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("X-WP-Total", "3")
                    .insert_header("X-WP-TotalPages", "2")
                    .set_body_json(orders),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = common::client(&server.uri(), KEY, SECRET);
    let since = "2026-11-22T10:00:00Z".parse().unwrap();

    let changed = client.changed_orders(since).await.unwrap();

    let ids: Vec<&str> = changed.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
}

#[tokio::test]
async fn an_error_body_becomes_rejected_with_its_message() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/wp-json/wc/v3/orders/5"))
        .and(body_partial_json(json!({"status": "cancelled"})))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "code": "woocommerce_rest_cannot_edit",
            "message": "Order is locked by the fulfilment plugin.",
            "data": {"status": 400}
        })))
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), KEY, SECRET);

    let err = client
        .cancel_order(&WebshopOrderId::parse("5").unwrap())
        .await
        .unwrap_err();

    match err {
        ConnectorError::Rejected { vendor, message } => {
            assert_eq!(vendor, "woocommerce");
            assert!(
                message.contains("Order is locked by the fulfilment plugin."),
                "{message}"
            );
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
}

#[tokio::test]
async fn refused_credentials_are_auth_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "code": "woocommerce_rest_authentication_error",
            "message": "Consumer secret is invalid.",
            "data": {"status": 401}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), KEY, SECRET);

    let err = client
        .order(&WebshopOrderId::parse("5").unwrap())
        .await
        .unwrap_err();

    assert!(
        matches!(&err, ConnectorError::Auth { message } if message.contains("Consumer secret is invalid"))
    );
    assert!(!format!("{err} {err:?}").contains(SECRET));
}

#[tokio::test]
async fn an_unknown_sku_is_not_found_naming_sku_and_ean() {
    let server = MockServer::start().await;
    // An old shop ignores `global_unique_id` and lists unrelated products: still no match.
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/products"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 3, "type": "simple", "sku": "SOMETHING-ELSE", "global_unique_id": ""}
        ])))
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), KEY, SECRET);
    let order = common::order(
        "1043946570",
        vec![common::line(Some("123"), Some("8712345678906"), 1, 500)],
    );

    let err = client.create_order(&order).await.unwrap_err();

    assert_eq!(
        err,
        ConnectorError::NotFound {
            what: "SKU 123 (EAN 8712345678906) in webshop".into()
        }
    );
    let requests = server.received_requests().await.unwrap();
    let filters: Vec<String> = requests
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect();
    assert!(filters.iter().any(|q| q.contains("sku=123")), "{filters:?}");
    assert!(
        filters.iter().any(|q| q.contains("sku=8712345678906")),
        "{filters:?}"
    );
    assert!(
        filters
            .iter()
            .any(|q| q.contains("global_unique_id=8712345678906")),
        "{filters:?}"
    );
    assert!(posted_orders(&requests).is_empty());
}

#[tokio::test]
async fn bad_json_is_an_invalid_payload_naming_the_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/orders/5"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "five", "status": "processing"})),
        )
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), KEY, SECRET);

    let err = client
        .order(&WebshopOrderId::parse("5").unwrap())
        .await
        .unwrap_err();

    assert!(
        matches!(&err, ConnectorError::InvalidPayload { location, .. } if location == "GET wc/v3/orders/5 id"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_shop_without_the_tracking_plugin_is_asked_once() {
    let server = MockServer::start().await;
    let mut completed = order_json(7, "completed", "2026-11-22T12:00:00");
    completed["date_completed_gmt"] = json!("2026-11-22T12:00:00");
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/orders/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completed))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/wp-json/wc-shipment-tracking/v3/orders/7/shipment-trackings",
        ))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "code": "rest_no_route",
            "message": "No route was found matching the URL and request method.",
            "data": {"status": 404}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), KEY, SECRET);
    let id = WebshopOrderId::parse("7").unwrap();

    for _ in 0..2 {
        let order = client.order(&id).await.unwrap();
        assert_eq!(order.status, WebshopStatus::Completed);
        assert!(order.tracking.is_empty());
    }
}
