//! The real `WooClient` against a misbehaving simulator: what each fault looks like on the wire,
//! one-off faults on reads are retried away, a hanging shop ends as a transient time-out, a
//! body that stays damaged is an invalid payload naming the endpoint, an ambiguous order
//! creation is transient and never sent twice, a cancel whose reply is lost is sent again
//! (idempotently), and a 429 without `Retry-After` is retried. Quirks and chaos are in
//! `quirks_chaos.rs`.

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use orderbridge_core::domain::{Sku, WebshopOrderId};
use orderbridge_core::webshop::WebshopStatus;
use orderbridge_core::{ConnectorError, Webshop};
use orderbridge_woocommerce::sim::{WooEndpoint, WooFault, WooSim};
use orderbridge_woocommerce::WooClient;

/// A shop with one product (stock 10) and a client with `timeout_secs` and `max_attempts`.
async fn shop(timeout_secs: u64, max_attempts: u32) -> (WooSim, WooClient) {
    let sim = WooSim::start().await.expect("loopback port");
    sim.add_product("MUG-1", None, "Mok", 1299, Some(10));
    let client = common::sim_client(&sim, timeout_secs, max_attempts);
    (sim, client)
}

async fn place(client: &WooClient, marketplace_order_id: &str) -> WebshopOrderId {
    let order = common::order(
        marketplace_order_id,
        vec![common::line(Some("MUG-1"), None, 3, 1299)],
    );
    client.create_order(&order).await.expect("created").id
}

fn served(sim: &WooSim, label: &str) -> u64 {
    sim.fault_counts()
        .into_iter()
        .find(|(l, _)| l == label)
        .map_or(0, |(_, n)| n)
}

fn stock(sim: &WooSim) -> Option<i64> {
    sim.products().iter().find(|p| p.sku == "MUG-1")?.stock
}

#[tokio::test]
async fn each_fault_looks_as_documented_on_the_wire() {
    let (sim, client) = shop(5, 3).await;
    let id = place(&client, "1001").await;
    let http = reqwest::Client::new();
    let get = || {
        http.get(format!("{}/wp-json/wc/v3/orders/{id}", sim.base_url()))
            .basic_auth(WooSim::CONSUMER_KEY, Some(WooSim::CONSUMER_SECRET))
            .send()
    };
    let normal = get().await.unwrap().bytes().await.unwrap();

    sim.inject_fault(WooEndpoint::GetOrder, WooFault::ConnectionReset, 1);
    let reset = get().await;
    assert!(reset.is_err(), "expected no HTTP answer: {reset:?}");

    sim.inject_fault(WooEndpoint::GetOrder, WooFault::GarbageBody, 1);
    let garbage = get().await.unwrap();
    assert_eq!(garbage.status(), reqwest::StatusCode::OK);
    let content_type = garbage.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body = garbage.bytes().await.unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());

    sim.inject_fault(WooEndpoint::GetOrder, WooFault::TruncatedBody, 1);
    let truncated = get().await.unwrap();
    assert_eq!(truncated.status(), reqwest::StatusCode::OK);
    let body = truncated.bytes().await.unwrap();
    assert_eq!(body, normal.slice(..normal.len() / 2));

    sim.inject_fault(
        WooEndpoint::GetOrder,
        WooFault::RateLimited {
            retry_after_secs: None,
        },
        1,
    );
    let limited = get().await.unwrap();
    assert_eq!(limited.status(), reqwest::StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().get("retry-after").is_none());

    assert_eq!(
        sim.fault_counts(),
        vec![
            ("connection_reset".to_owned(), 1),
            ("garbage_body".to_owned(), 1),
            ("rate_limited".to_owned(), 1),
            ("truncated_body".to_owned(), 1),
        ]
    );
}

#[tokio::test]
async fn one_off_faults_on_reads_are_retried_away() {
    let (sim, client) = shop(5, 3).await;
    let started = Utc::now();
    let id = place(&client, "2001").await;
    let mug = [Sku::parse("MUG-1").unwrap()];
    let faults = [
        WooFault::Status(500),
        WooFault::Status(502),
        WooFault::Status(503),
        WooFault::ConnectionReset,
        WooFault::GarbageBody,
        WooFault::TruncatedBody,
        WooFault::RateLimited {
            retry_after_secs: None,
        },
    ];
    for fault in faults {
        sim.inject_fault(WooEndpoint::GetOrder, fault, 1);
        let order = client.order(&id).await;
        assert_eq!(
            order.map(|o| o.status),
            Ok(WebshopStatus::Open),
            "{fault:?}"
        );

        sim.inject_fault(WooEndpoint::ListOrders, fault, 1);
        let changed = client.changed_orders(started).await;
        assert_eq!(changed.map(|c| c.len()), Ok(1), "{fault:?}");

        sim.inject_fault(WooEndpoint::Products, fault, 1);
        let levels = client.stock_levels(&mug).await;
        assert_eq!(levels.map(|l| l[0].quantity), Ok(Some(7)), "{fault:?}");

        assert_eq!(served(&sim, &fault.label()), 3, "{fault:?}");
    }
}

#[tokio::test]
async fn a_hanging_shop_is_a_transient_timeout() {
    let (sim, client) = shop(1, 1).await;
    let id = place(&client, "3001").await;
    sim.inject_fault(WooEndpoint::GetOrder, WooFault::Hang, 1);
    let started = Instant::now();

    let err = client.order(&id).await.unwrap_err();

    assert!(
        matches!(&err, ConnectorError::Transient { message } if message.contains("timeout")),
        "{err:?}"
    );
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(started.elapsed() < Duration::from_secs(10));

    let patient = common::sim_client(&sim, 1, 2);
    sim.inject_fault(WooEndpoint::GetOrder, WooFault::Hang, 1);
    assert!(patient.order(&id).await.is_ok());
    assert_eq!(served(&sim, "hang"), 2);
}

#[tokio::test]
async fn a_body_that_stays_damaged_is_an_invalid_payload_naming_the_endpoint() {
    let (sim, client) = shop(5, 3).await;
    let id = place(&client, "4001").await;
    for fault in [WooFault::GarbageBody, WooFault::TruncatedBody] {
        sim.inject_fault(WooEndpoint::GetOrder, fault, 3);

        let err = client.order(&id).await.unwrap_err();

        match err {
            ConnectorError::InvalidPayload { location, .. } => {
                // A cut body also names the field it was cut in.
                let endpoint = format!("GET wc/v3/orders/{id}");
                assert!(location.starts_with(&endpoint), "{fault:?}: {location}");
            }
            other => panic!("{fault:?}: unexpected {other:?}"),
        }
        assert_eq!(served(&sim, &fault.label()), 3, "read again each attempt");
    }
}

#[tokio::test]
async fn an_ambiguous_create_is_transient_sent_once_and_found_when_it_acted() {
    let (sim, client) = shop(1, 3).await;
    let started = Utc::now();
    let cases = [
        (WooFault::LostReply, 1),
        (WooFault::GarbageBody, 1),
        (WooFault::TruncatedBody, 1),
        (WooFault::Delay(Duration::from_millis(1500)), 1),
        (WooFault::ConnectionReset, 0),
        (WooFault::Hang, 0),
        (WooFault::Status(502), 0),
    ];
    for (case_idx, (fault, n_created)) in cases.into_iter().enumerate() {
        let order = common::order(
            &format!("50{case_idx:02}"),
            vec![common::line(Some("MUG-1"), None, 1, 1299)],
        );
        sim.inject_fault(WooEndpoint::CreateOrder, fault, 1);
        let requests_before = sim.create_requests();

        let err = client.create_order(&order).await.unwrap_err();

        assert!(
            matches!(err, ConnectorError::Transient { .. }),
            "{fault:?}: {err:?}"
        );
        assert_eq!(sim.create_requests(), requests_before + 1, "{fault:?}");
        let stored = sim.orders_with_code(order.code.as_str());
        assert_eq!(stored.len(), n_created, "{fault:?}");
        let found = client.find_order(&order.code, started).await.unwrap();
        assert_eq!(
            found.map(|id| id.as_str().to_owned()),
            stored.first().map(|o| o.id.to_string()),
            "{fault:?}"
        );
    }
}

#[tokio::test]
async fn a_cancel_whose_reply_is_lost_is_sent_again_and_cancels_once() {
    let (sim, client) = shop(5, 3).await;
    for (case_idx, fault) in [
        WooFault::LostReply,
        WooFault::ConnectionReset,
        WooFault::GarbageBody,
        WooFault::TruncatedBody,
        WooFault::Status(503),
    ]
    .into_iter()
    .enumerate()
    {
        let id = place(&client, &format!("60{case_idx:02}")).await;
        assert_eq!(stock(&sim), Some(7));
        sim.inject_fault(WooEndpoint::UpdateOrder, fault, 1);

        client.cancel_order(&id).await.unwrap();

        assert_eq!(
            client.order(&id).await.map(|o| o.status),
            Ok(WebshopStatus::Cancelled)
        );
        assert_eq!(stock(&sim), Some(10), "{fault:?}: restocked exactly once");
        assert_eq!(served(&sim, &fault.label()), 1, "{fault:?}");
    }
}

#[tokio::test]
async fn a_429_without_retry_after_is_retried_after_a_backoff() {
    let (sim, client) = shop(5, 3).await;
    let started = Utc::now();
    let limited = WooFault::RateLimited {
        retry_after_secs: None,
    };
    sim.inject_fault(WooEndpoint::CreateOrder, limited, 1);
    let id = place(&client, "7001").await;
    assert_eq!(sim.create_requests(), 2, "the shop refused the first one");
    assert_eq!(sim.orders().len(), 1);

    sim.inject_fault(WooEndpoint::ListOrders, limited, 2);
    let changed = client.changed_orders(started).await.unwrap();

    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].id, id);
    assert_eq!(served(&sim, "rate_limited"), 3);
}

#[tokio::test]
async fn an_unreadable_tracking_marks_the_order_instead_of_failing_the_list() {
    let (sim, client) = shop(5, 2).await;
    sim.set_tracking_meta_visible(false);
    let first = place(&client, "1001").await;
    let second = place(&client, "1002").await;
    let number = |id: &WebshopOrderId| id.as_str().parse::<u64>().expect("numeric id");
    sim.complete_order(number(&first), Some(("PostNL", "3SABCD1234567")));
    sim.complete_order(number(&second), Some(("PostNL", "3SABCD7654321")));
    // Every tracking read fails for a while: more failures than the client's attempts.
    sim.inject_fault(WooEndpoint::ShipmentTrackings, WooFault::Status(503), 2);
    let since = Utc::now() - chrono::Duration::hours(1);
    let changed = client
        .changed_orders(since)
        .await
        .expect("the list itself is fine");
    assert_eq!(changed.len(), 2);
    let marked: Vec<_> = changed.iter().filter(|o| o.tracking_unavailable).collect();
    assert_eq!(
        marked.len(),
        1,
        "only the order whose tracking failed is marked"
    );
    assert!(marked[0].tracking.is_empty());
    let read: Vec<_> = changed.iter().filter(|o| !o.tracking_unavailable).collect();
    assert_eq!(read[0].tracking.len(), 1);
}
