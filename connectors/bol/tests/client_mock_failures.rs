//! `BolClient` against a mock server when bol fails: 5xx on reads retried, 5xx on writes not,
//! 429 waited out (or handed back when too long), spent rate-limit budgets, timeouts, `Problem`
//! bodies, unknown orders, answers that are not bol JSON, and unreadable answers to writes.

mod support;

use std::time::{Duration, Instant};

use orderbridge_core::domain::{MarketplaceOrderId, OrderLineId, Quantity};
use orderbridge_core::marketplace::{LineQuantity, Shipment};
use orderbridge_core::{ConnectorError, Marketplace, RetryPolicy};
use support::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn order_id(raw: &str) -> MarketplaceOrderId {
    MarketplaceOrderId::parse(raw).expect("valid test fixture")
}

fn shipment() -> Shipment {
    Shipment {
        order_id: order_id("1"),
        lines: vec![LineQuantity {
            line_id: OrderLineId::parse("11").expect("valid test fixture"),
            quantity: Quantity::new(1).expect("valid test fixture"),
        }],
        reference: "OB0123456789".to_owned(),
        carrier: None,
        tracking: None,
        label: None,
    }
}

async fn server_with_token() -> MockServer {
    let server = MockServer::start().await;
    mount_token(&server).await;
    server
}

#[tokio::test]
async fn server_error_on_a_read_is_retried() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders/1"))
        .respond_with(problem(503, "Service unavailable"))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders/1"))
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
async fn server_error_on_a_shipment_is_not_retried() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/retailer/shipments"))
        .respond_with(problem(500, "Internal error"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&config(&server))
        .ship(&shipment())
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectorError::Transient { .. }), "{err:?}");
    server.verify().await;
}

#[tokio::test]
async fn rate_limited_read_waits_retry_after_then_succeeds() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders/1"))
        .respond_with(problem(429, "Too many requests").insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders/1"))
        .respond_with(bol_json(200, full_order("1")))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    client(&config(&server))
        .order(&order_id("1"))
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    server.verify().await;
}

#[tokio::test]
async fn rate_limited_write_is_retried_because_bol_did_not_act() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/retailer/shipments"))
        .respond_with(problem(429, "Too many requests").insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/retailer/shipments"))
        .respond_with(bol_json(
            202,
            process_status("5", "11", "CREATE_SHIPMENT", "PENDING"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let process = client(&config(&server)).ship(&shipment()).await.unwrap();
    assert_eq!(process.id.as_str(), "5");
    server.verify().await;
}

#[tokio::test]
async fn retry_after_beyond_the_policy_is_handed_back() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders"))
        .respond_with(problem(429, "Too many requests").insert_header("retry-after", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&config(&server)).open_orders().await.unwrap_err();
    assert_eq!(
        err,
        ConnectorError::RateLimited {
            retry_after: Some(Duration::from_secs(120))
        }
    );
    server.verify().await;
}

#[tokio::test]
async fn rate_limit_until_attempts_run_out_is_rate_limited() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders"))
        .respond_with(problem(429, "Too many requests"))
        .expect(3)
        .mount(&server)
        .await;
    let err = client(&config(&server)).open_orders().await.unwrap_err();
    assert_eq!(err, ConnectorError::RateLimited { retry_after: None });
    server.verify().await;
}

#[tokio::test]
async fn spent_budget_delays_the_next_call_until_reset() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders/1"))
        .respond_with(
            bol_json(200, full_order("1"))
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "1"),
        )
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&config(&server));
    client.order(&order_id("1")).await.unwrap();
    let started = Instant::now();
    client.order(&order_id("1")).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    server.verify().await;
}

#[tokio::test]
async fn slow_answer_is_a_transient_timeout() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders/1"))
        .respond_with(bol_json(200, full_order("1")).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let mut config = config(&server);
    config.timeout_secs = 1;
    config.retry = RetryPolicy {
        max_attempts: 1,
        ..fast_retry()
    };
    let err = client(&config).order(&order_id("1")).await.unwrap_err();
    match err {
        ConnectorError::Transient { message } => {
            assert!(message.contains("timed out"), "{message}")
        }
        other => panic!("expected Transient, got {other:?}"),
    }
}

#[tokio::test]
async fn problem_body_becomes_rejected_with_its_detail() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/retailer/shipments"))
        .respond_with(problem(400, "Order item 11 does not belong to you"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&config(&server))
        .ship(&shipment())
        .await
        .unwrap_err();
    match err {
        ConnectorError::Rejected { vendor, message } => {
            assert_eq!(vendor, "bol");
            assert!(
                message.contains("Order item 11 does not belong to you"),
                "{message}"
            );
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    server.verify().await;
}

#[tokio::test]
async fn unknown_order_is_not_found() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders/404"))
        .respond_with(problem(404, "Order not found"))
        .mount(&server)
        .await;
    let err = client(&config(&server))
        .order(&order_id("404"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ConnectorError::NotFound {
            what: "bol order 404".to_owned()
        }
    );
}

#[tokio::test]
async fn answer_that_is_not_bol_json_names_endpoint_and_field() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders/1"))
        .respond_with(bol_json(
            200,
            serde_json::json!({ "orderId": 1, "orderItems": [] }),
        ))
        // Well-formed JSON of the wrong shape will not change when asked again.
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&config(&server))
        .order(&order_id("1"))
        .await
        .unwrap_err();
    match err {
        ConnectorError::InvalidPayload {
            location, message, ..
        } => {
            assert_eq!(location, "GET /retailer/orders/1 field orderId");
            assert!(message.contains("invalid type"), "{message}");
        }
        other => panic!("expected InvalidPayload, got {other:?}"),
    }
    server.verify().await;
}

#[tokio::test]
async fn unreadable_answer_to_a_write_is_transient_and_not_repeated() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/retailer/shipments"))
        .respond_with(ResponseTemplate::new(202).set_body_raw(
            br#"{"processStatusId": "1"#.to_vec(),
            orderbridge_bol::wire::JSON_MEDIA_TYPE,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&config(&server))
        .ship(&shipment())
        .await
        .unwrap_err();
    match err {
        ConnectorError::Transient { message } => {
            assert!(message.contains("may have taken effect"), "{message}")
        }
        other => panic!("expected Transient, got {other:?}"),
    }
    server.verify().await;
}
