//! `BolClient`'s client-side rate budget against a mock server: calls beyond a group's budget
//! wait their turn, and a budget that cannot work is refused at construction.

mod support;

use std::time::{Duration, Instant};

use orderbridge_bol::BolClient;
use orderbridge_core::domain::MarketplaceOrderId;
use orderbridge_core::{ConnectorError, Marketplace, RateLimit, Secret};
use support::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

#[tokio::test]
async fn calls_beyond_the_budget_wait_their_turn() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    Mock::given(method("GET"))
        .and(path("/retailer/orders/1"))
        .respond_with(bol_json(200, full_order("1")))
        .expect(5)
        .mount(&server)
        .await;
    let mut config = config(&server);
    // Bursts of 2, then one request per 100 ms.
    config.rate_limits.order_detail = RateLimit {
        requests: 2,
        per_secs: 0.2,
    };
    let client = client(&config);
    let id = MarketplaceOrderId::parse("1").expect("valid test fixture");

    let started = Instant::now();
    for _ in 0..5 {
        client.order(&id).await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(290),
        "{:?}",
        started.elapsed()
    );
    server.verify().await;
}

#[tokio::test]
async fn a_budget_of_no_requests_is_refused() {
    let server = MockServer::start().await;
    let mut config = config(&server);
    config.rate_limits.shipments = RateLimit {
        requests: 0,
        per_secs: 60.0,
    };
    match BolClient::new(&config, Secret::new(CLIENT_SECRET)) {
        Err(ConnectorError::Rejected { message, .. }) => {
            assert!(message.contains("rate_limits.shipments"), "{message}")
        }
        other => panic!("expected a refused configuration, got {other:?}"),
    }
}
