//! `WooClient` retries against a mock HTTP server: reads are retried after a 5xx, an order
//! creation is not (its effect is unknown) but is after a 429, `Retry-After` is waited out or
//! handed back when too long, a slow reply ends as a transient time-out, and requests are
//! spread by the client-side rate budget.

mod common;

use std::time::{Duration, Instant};

use common::mock::{mock_product, mock_shop_without_taxes, order_json, KEY, SECRET};
use orderbridge_core::domain::WebshopOrderId;
use orderbridge_core::webshop::WebshopStatus;
use orderbridge_core::{ConnectorError, RateLimit, Secret, Webshop};
use orderbridge_woocommerce::WooClient;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn get_is_retried_after_a_5xx() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/orders/5"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/orders/5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(order_json(
            5,
            "processing",
            "2026-11-22T10:00:00",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), KEY, SECRET);

    let order = client
        .order(&WebshopOrderId::parse("5").unwrap())
        .await
        .unwrap();

    assert_eq!(order.status, WebshopStatus::Open);
}

#[tokio::test]
async fn create_is_not_retried_after_a_5xx() {
    let server = MockServer::start().await;
    mock_product(&server, "MUG-1", 10).await;
    mock_shop_without_taxes(&server).await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wc/v3/orders"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), KEY, SECRET);
    let order = common::order(
        "1043946570",
        vec![common::line(Some("MUG-1"), None, 1, 500)],
    );

    let err = client.create_order(&order).await.unwrap_err();

    assert!(matches!(err, ConnectorError::Transient { .. }), "{err:?}");
}

#[tokio::test]
async fn create_is_retried_after_a_429() {
    let server = MockServer::start().await;
    mock_product(&server, "MUG-1", 10).await;
    mock_shop_without_taxes(&server).await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wc/v3/orders"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wc/v3/orders"))
        .respond_with(ResponseTemplate::new(201).set_body_json(order_json(
            8,
            "processing",
            "2026-11-22T10:00:00",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), KEY, SECRET);
    let order = common::order(
        "1043946570",
        vec![common::line(Some("MUG-1"), None, 1, 500)],
    );

    assert_eq!(client.create_order(&order).await.unwrap().id.as_str(), "8");
}

#[tokio::test]
async fn retry_after_is_waited_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/orders/5"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/orders/5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(order_json(
            5,
            "processing",
            "2026-11-22T10:00:00",
        )))
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), KEY, SECRET);
    let started = Instant::now();

    client
        .order(&WebshopOrderId::parse("5").unwrap())
        .await
        .unwrap();

    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_allowed_is_returned_as_rate_limited() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/orders/5"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), KEY, SECRET);

    let err = client
        .order(&WebshopOrderId::parse("5").unwrap())
        .await
        .unwrap_err();

    assert_eq!(
        err,
        ConnectorError::RateLimited {
            retry_after: Some(Duration::from_secs(3600))
        }
    );
}

#[tokio::test]
async fn a_slow_reply_is_a_transient_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/orders/5"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(3))
                .set_body_json(order_json(5, "processing", "2026-11-22T10:00:00")),
        )
        .mount(&server)
        .await;
    let mut config = common::config(&server.uri(), KEY, SECRET);
    config.timeout_secs = 1;
    config.retry.max_attempts = 1;
    let client = WooClient::new(&config, Secret::new(SECRET)).unwrap();

    let err = client
        .order(&WebshopOrderId::parse("5").unwrap())
        .await
        .unwrap_err();

    assert!(
        matches!(&err, ConnectorError::Transient { message } if message.contains("timeout")),
        "{err:?}"
    );
}

#[tokio::test]
async fn requests_are_spread_by_the_rate_budget() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/orders/5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(order_json(
            5,
            "processing",
            "2026-11-22T10:00:00",
        )))
        .expect(5)
        .mount(&server)
        .await;
    let mut config = common::config(&server.uri(), KEY, SECRET);
    config.rate_limit = RateLimit::per_second(2);
    let client = WooClient::new(&config, Secret::new(SECRET)).unwrap();
    let id = WebshopOrderId::parse("5").unwrap();
    let started = Instant::now();

    for _ in 0..5 {
        client.order(&id).await.unwrap();
    }

    // Two at once (the burst), then one every half second: the fifth leaves at 1.5 s.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(1_450), "{elapsed:?}");
}
