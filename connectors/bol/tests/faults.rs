//! The real `BolClient` against `BolSim` when the wire misbehaves: every fault kind on a read
//! (what one attempt reports, and that retrying gets through), hangs running into the client
//! timeout, 429 without `Retry-After`, writes whose answer is lost after bol acted, and a
//! seeded chaos run. Quirks and raw orders are in `quirks.rs`.

mod support;

use std::time::{Duration, Instant};

use orderbridge_bol::sim::{BolSim, SimEndpoint, SimFault, SimLine, SimOrder};
use orderbridge_bol::BolClient;
use orderbridge_core::domain::MarketplaceOrderId;
use orderbridge_core::marketplace::{ProcessKind, ProcessState, Shipment};
use orderbridge_core::{ConnectorError, Marketplace};
use support::{sim_client, sim_client_with, sim_config};

fn line(reference: &str) -> SimLine {
    SimLine {
        ean: "8712345678906".to_owned(),
        reference: Some(reference.to_owned()),
        title: format!("Product {reference}"),
        quantity: 1,
        unit_price_cents: 1299,
    }
}

fn order_id(raw: &str) -> MarketplaceOrderId {
    MarketplaceOrderId::parse(raw).expect("valid test fixture")
}

fn first_item(sim: &BolSim, order_id: &str) -> String {
    support::sim_item(sim, order_id, 0)
}

fn shipment_of(order_id: &str, item_id: &str) -> Shipment {
    support::item_shipment(order_id, item_id, 1, None, None)
}

/// A client that tries each call once (to see what one faulty answer is reported as).
fn single_attempt_client(sim: &BolSim) -> BolClient {
    let mut config = sim_config(sim);
    config.retry.max_attempts = 1;
    sim_client_with(&config)
}

fn count_of(sim: &BolSim, kind: &str) -> u64 {
    sim.fault_counts()
        .into_iter()
        .find(|(name, _)| name == kind)
        .map_or(0, |(_, n)| n)
}

/// What a single attempt must report for a fault.
type ErrorCheck = fn(&ConnectorError) -> bool;

#[tokio::test]
async fn each_fault_on_a_read_is_classified_and_retried_through() {
    let sim = BolSim::start().await.unwrap();
    let id = sim.add_order(SimOrder::nl(vec![line("A")]));
    let once = single_attempt_client(&sim);
    let retrying = sim_client(&sim, false);
    let cases: [(SimFault, &str, ErrorCheck); 8] = [
        (SimFault::Status(500), "status_500", |e| {
            matches!(e, ConnectorError::Transient { .. })
        }),
        (SimFault::Status(502), "status_502", |e| {
            matches!(e, ConnectorError::Transient { .. })
        }),
        (SimFault::Status(503), "status_503", |e| {
            matches!(e, ConnectorError::Transient { .. })
        }),
        // No HTTP answer at all: a transport error, not a status.
        (
            SimFault::ConnectionReset,
            "connection_reset",
            |e| matches!(e, ConnectorError::Transient { message } if !message.contains("HTTP")),
        ),
        (
            SimFault::GarbageBody,
            "garbage_body",
            |e| matches!(e, ConnectorError::InvalidPayload { location, .. } if location.starts_with("GET /retailer/orders/")),
        ),
        (
            SimFault::TruncatedBody,
            "truncated_body",
            |e| matches!(e, ConnectorError::InvalidPayload { location, .. } if location.starts_with("GET /retailer/orders/")),
        ),
        (SimFault::AppliedButLost, "applied_but_lost", |e| {
            matches!(e, ConnectorError::Transient { .. })
        }),
        (
            SimFault::RateLimited {
                retry_after_secs: None,
            },
            "rate_limited_without_retry_after",
            |e| matches!(e, ConnectorError::RateLimited { retry_after: None }),
        ),
    ];
    for (fault, kind, expected) in cases {
        sim.inject_fault(SimEndpoint::GetOrder, fault.clone(), 1);
        let err = once.order(&order_id(&id)).await.unwrap_err();
        assert!(expected(&err), "{fault:?} gave {err:?}");

        sim.inject_fault(SimEndpoint::GetOrder, fault.clone(), 1);
        let order = retrying.order(&order_id(&id)).await;
        assert!(
            order.is_ok(),
            "{fault:?} was not retried through: {order:?}"
        );
        assert_eq!(count_of(&sim, kind), 2, "{fault:?}");
    }
}

#[tokio::test]
async fn a_damaged_token_answer_is_temporary_and_retried() {
    let sim = BolSim::start().await.unwrap();
    sim.add_order(SimOrder::nl(vec![line("A")]));
    for fault in [SimFault::GarbageBody, SimFault::TruncatedBody] {
        sim.inject_fault(SimEndpoint::Token, fault.clone(), 1);
        let err = single_attempt_client(&sim).open_orders().await.unwrap_err();
        assert!(
            matches!(err, ConnectorError::Transient { .. }),
            "{fault:?}: {err:?}"
        );

        sim.inject_fault(SimEndpoint::Token, fault.clone(), 1);
        let orders = sim_client(&sim, false).open_orders().await;
        assert_eq!(orders.map(|o| o.len()), Ok(1), "{fault:?}");
    }
    assert_eq!(count_of(&sim, "garbage_body"), 2);
    assert_eq!(count_of(&sim, "truncated_body"), 2);
}

#[tokio::test]
async fn a_hang_runs_into_the_timeout_and_is_transient() {
    let sim = BolSim::start().await.unwrap();
    let id = sim.add_order(SimOrder::nl(vec![line("A")]));
    let mut config = sim_config(&sim);
    config.timeout_secs = 1;
    config.retry.max_attempts = 1;
    let client = sim_client_with(&config);
    sim.inject_fault(SimEndpoint::GetOrder, SimFault::Hang, 1);
    let started = Instant::now();
    let err = client.order(&order_id(&id)).await.unwrap_err();
    let elapsed = started.elapsed();
    match &err {
        ConnectorError::Transient { message } => {
            assert!(message.contains("timed out"), "{message}")
        }
        other => panic!("expected a transient timeout, got {other:?}"),
    }
    assert!(
        elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );

    // With a second attempt the same hang costs one timeout and the read gets through.
    config.retry.max_attempts = 2;
    sim.inject_fault(SimEndpoint::GetOrder, SimFault::Hang, 1);
    assert!(sim_client_with(&config).order(&order_id(&id)).await.is_ok());
    assert_eq!(count_of(&sim, "hang"), 2);
}

#[tokio::test]
async fn rate_limit_without_retry_after_backs_off_exponentially() {
    let sim = BolSim::start().await.unwrap();
    sim.add_order(SimOrder::nl(vec![line("A")]));
    let mut config = sim_config(&sim);
    config.retry.initial_backoff_ms = 200;
    config.retry.max_backoff_ms = 1000;
    let client = sim_client_with(&config);
    let no_wait = SimFault::RateLimited {
        retry_after_secs: None,
    };
    sim.inject_fault(SimEndpoint::ListOrders, no_wait, 2);
    let started = Instant::now();
    assert_eq!(client.open_orders().await.unwrap().len(), 1);
    // 200 ms then 400 ms, each shortened by at most 25% jitter.
    assert!(
        started.elapsed() >= Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(count_of(&sim, "rate_limited_without_retry_after"), 2);
}

#[tokio::test]
async fn a_shipment_whose_answer_is_lost_is_transient_and_found_by_entity() {
    let sim = BolSim::start().await.unwrap();
    let client = sim_client(&sim, false);
    // The first lost answer is a 502, the second a reset connection.
    for n_lost in 1..=2 {
        let order = sim.add_order(SimOrder::nl(vec![line("A")]));
        let item = first_item(&sim, &order);
        sim.inject_fault(SimEndpoint::CreateShipment, SimFault::AppliedButLost, 1);

        let err = client.ship(&shipment_of(&order, &item)).await.unwrap_err();
        assert!(matches!(err, ConnectorError::Transient { .. }), "{err:?}");
        assert_eq!(
            sim.shipment_requests(),
            n_lost,
            "the write was not repeated"
        );

        let found = client
            .find_processes(&item, ProcessKind::Shipment)
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "bol accepted the shipment");
        let resolved = client
            .processes(std::slice::from_ref(&found[0].id))
            .await
            .unwrap();
        assert_eq!(resolved[0].state, ProcessState::Succeeded);
        assert_eq!(sim.shipments().len(), n_lost);
    }
}

#[tokio::test]
async fn a_reset_before_a_write_is_not_retried() {
    let sim = BolSim::start().await.unwrap();
    let order = sim.add_order(SimOrder::nl(vec![line("A")]));
    let item = first_item(&sim, &order);
    let client = sim_client(&sim, false);
    sim.inject_fault(SimEndpoint::CreateShipment, SimFault::ConnectionReset, 1);

    // Had the client repeated the request, the second one would have gone through.
    let err = client.ship(&shipment_of(&order, &item)).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Transient { message } if !message.contains("HTTP")),
        "{err:?}"
    );
    assert_eq!(sim.shipment_requests(), 0);
    assert_eq!(count_of(&sim, "connection_reset"), 1);
}

#[tokio::test]
async fn chaos_never_breaks_the_client() {
    let sim = BolSim::start().await.unwrap();
    for seed in 0..3 {
        sim.add_order(SimOrder::sample(seed, &[]));
    }
    let mut config = sim_config(&sim);
    config.timeout_secs = 2;
    let client = sim_client_with(&config);
    sim.set_chaos(0.3, 20_261_122);

    let mut n_ok = 0;
    for call_idx in 0..50 {
        match client.open_orders().await {
            Ok(orders) => {
                assert_eq!(orders.len(), 3, "call {call_idx}");
                n_ok += 1;
            }
            Err(error) => assert!(
                error.is_retryable() || matches!(error, ConnectorError::InvalidPayload { .. }),
                "call {call_idx}: {error:?}"
            ),
        }
    }
    assert!(n_ok >= 1);
    let n_faults: u64 = sim.fault_counts().iter().map(|(_, n)| n).sum();
    assert!(n_faults >= 10, "{:?}", sim.fault_counts());

    sim.clear_faults();
    assert_eq!(client.open_orders().await.unwrap().len(), 3);
    let after: u64 = sim.fault_counts().iter().map(|(_, n)| n).sum();
    assert_eq!(after, n_faults, "no fault after clear_faults");
}
