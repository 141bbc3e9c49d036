//! The real `BolClient` against `BolSim`: buyer and bol cancellations, merchant cancellations
//! through their processes, offer export and stock updates, and injected faults (429 waited
//! out, 500 on a read retried, 503 on a write not retried, a write that times out after it
//! took effect).

mod support;

use std::time::{Duration, Instant};

use orderbridge_bol::sim::{BolSim, SimEndpoint, SimFault, SimLine, SimOrder};
use orderbridge_core::domain::{MarketplaceOrderId, OfferId, OrderLineId};
use orderbridge_core::marketplace::{
    CancelReason, Cancellation, ProcessKind, ProcessState, Shipment,
};
use orderbridge_core::{ConnectorError, Marketplace};
use support::sim_client;

fn line(reference: &str, quantity: u32) -> SimLine {
    SimLine {
        ean: "8712345678906".to_owned(),
        reference: Some(reference.to_owned()),
        title: format!("Product {reference}"),
        quantity,
        unit_price_cents: 1250,
    }
}

fn first_item(sim: &BolSim, order_id: &str) -> String {
    support::sim_item(sim, order_id, 0)
}

fn shipment_of(order_id: &str, item_id: &str) -> Shipment {
    support::item_shipment(order_id, item_id, 1, None, None)
}

#[tokio::test]
async fn buyer_cancellation_request_is_confirmed_through_a_process() {
    let sim = BolSim::start().await.unwrap();
    let order_id = sim.add_order(SimOrder::nl(vec![line("A", 2)]));
    let item_id = first_item(&sim, &order_id);
    let client = sim_client(&sim, false);
    sim.request_cancellation(&order_id);

    let open = client.open_orders().await.unwrap();
    assert!(open[0].lines[0].cancellation_requested);

    let cancellation = Cancellation {
        order_id: MarketplaceOrderId::parse(&order_id).unwrap(),
        lines: vec![OrderLineId::parse(&item_id).unwrap()],
        reason: CancelReason::RequestedByCustomer,
    };
    let process = client.cancel(&cancellation).await.unwrap();
    assert_eq!(process.entity_id.as_deref(), Some(item_id.as_str()));
    assert!(sim.cancellations().is_empty());
    let found = client
        .find_processes(&item_id, ProcessKind::Cancellation)
        .await
        .unwrap();
    assert_eq!(found[0].state, ProcessState::Pending);
    let resolved = client.processes(&[process.id]).await.unwrap();
    assert_eq!(resolved[0].state, ProcessState::Succeeded);

    let cancellations = sim.cancellations();
    assert_eq!(cancellations.len(), 1);
    assert_eq!(cancellations[0].order_item_id, item_id);
    assert_eq!(cancellations[0].reason_code, "REQUESTED_BY_CUSTOMER");
    assert_eq!(sim.cancellation_requests(), 1);
    assert_eq!(sim.order(&order_id).unwrap().items[0].quantity_cancelled, 2);
    assert!(client.open_orders().await.unwrap().is_empty());
}

#[tokio::test]
async fn cancelling_a_line_bol_already_cancelled_fails() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let order_id = sim.add_order(SimOrder::be(vec![line("A", 1)]));
    let item_id = first_item(&sim, &order_id);
    let client = sim_client(&sim, false);
    sim.cancel_by_bol(&order_id);
    assert!(client.open_orders().await.unwrap().is_empty());

    let cancellation = Cancellation {
        order_id: MarketplaceOrderId::parse(&order_id).unwrap(),
        lines: vec![OrderLineId::parse(&item_id).unwrap()],
        reason: CancelReason::OutOfStock,
    };
    let process = client.cancel(&cancellation).await.unwrap();
    let resolved = client.processes(&[process.id]).await.unwrap();
    assert!(
        matches!(resolved[0].state, ProcessState::Failed { .. }),
        "{:?}",
        resolved[0].state
    );
    assert!(sim.cancellations().is_empty());
}

#[tokio::test]
async fn offers_export_and_stock_update() {
    let sim = BolSim::start().await.unwrap();
    let mug = sim.add_offer("SKU-MUG", "8712345678906", 3);
    let cup = sim.add_offer("SKU-CUP", "96385074", 0);
    let client = sim_client(&sim, false);

    let mut offers = client.offers().await.unwrap();
    offers.sort_by(|a, b| a.sku.cmp(&b.sku));
    assert_eq!(offers.len(), 2);
    assert_eq!(offers[0].offer_id.as_str(), cup);
    assert_eq!(offers[0].ean.as_ref().map(|e| e.as_str()), Some("96385074"));
    assert_eq!(offers[1].sku.as_ref().map(|s| s.as_str()), Some("SKU-MUG"));
    assert_eq!(offers[1].stock, Some(3));

    let offer_id = OfferId::parse(&mug).unwrap();
    let process = client.update_stock(&offer_id, 7).await.unwrap();
    assert_eq!(sim.offer_stock(&mug), Some(3));
    client
        .processes(std::slice::from_ref(&process.id))
        .await
        .unwrap();
    let resolved = client.processes(&[process.id]).await.unwrap();
    assert_eq!(resolved[0].state, ProcessState::Succeeded);
    assert_eq!(sim.offer_stock(&mug), Some(7));
    assert_eq!(sim.stock_updates(), vec![(mug.clone(), 7)]);
    let found = client
        .find_processes(&mug, ProcessKind::StockUpdate)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
}

/// bol asks clients to send only changes rather than export and resend everything
/// (v10 functional docs, "Offers process and considerations"): the offer list is exported
/// once and then served from the cache; a pushed offer's stock becomes unknown, and a refused
/// update makes the next listing export again.
#[tokio::test]
async fn the_offer_list_is_exported_once_and_then_cached() {
    let sim = BolSim::start().await.unwrap();
    let mug = sim.add_offer("SKU-MUG", "8712345678906", 3);
    let client = sim_client(&sim, false);
    for _ in 0..5 {
        let offers = client.offers().await.unwrap();
        assert_eq!(offers.len(), 1);
        assert_eq!(offers[0].stock, Some(3));
    }
    assert_eq!(sim.offer_export_requests(), 1);

    let offer_id = OfferId::parse(&mug).unwrap();
    client.update_stock(&offer_id, 7).await.unwrap();
    let offers = client.offers().await.unwrap();
    assert_eq!(
        offers[0].stock, None,
        "pushed stock is unknown until bol applied it"
    );
    assert_eq!(sim.offer_export_requests(), 1);

    client.refresh_offers();
    let offers = client.offers().await.unwrap();
    assert_eq!(sim.offer_export_requests(), 2);
    assert_eq!(offers.len(), 1);
}

#[tokio::test]
async fn injected_rate_limit_is_waited_out() {
    let sim = BolSim::start().await.unwrap();
    sim.add_order(SimOrder::nl(vec![line("A", 1)]));
    let client = sim_client(&sim, false);
    sim.inject_fault(
        SimEndpoint::ListOrders,
        SimFault::RateLimited {
            retry_after_secs: Some(1),
        },
        1,
    );
    let started = Instant::now();
    assert_eq!(client.open_orders().await.unwrap().len(), 1);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn server_errors_on_the_orders_list_are_retried() {
    let sim = BolSim::start().await.unwrap();
    sim.add_order(SimOrder::nl(vec![line("A", 1)]));
    sim.inject_fault(SimEndpoint::ListOrders, SimFault::Status(500), 2);
    assert_eq!(
        sim_client(&sim, false).open_orders().await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn server_error_on_a_shipment_is_returned_and_nothing_was_shipped() {
    let sim = BolSim::start().await.unwrap();
    let order_id = sim.add_order(SimOrder::nl(vec![line("A", 1)]));
    let item_id = first_item(&sim, &order_id);
    let client = sim_client(&sim, false);
    sim.inject_fault(SimEndpoint::CreateShipment, SimFault::Status(503), 1);

    let err = client
        .ship(&shipment_of(&order_id, &item_id))
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectorError::Transient { .. }), "{err:?}");
    assert_eq!(sim.shipment_requests(), 0);
    assert!(client
        .find_processes(&item_id, ProcessKind::Shipment)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn shipment_that_times_out_after_bol_acted_is_found_by_entity() {
    let sim = BolSim::start().await.unwrap();
    let order_id = sim.add_order(SimOrder::nl(vec![line("A", 1)]));
    let item_id = first_item(&sim, &order_id);
    let mut config = orderbridge_bol::BolConfig {
        client_id: BolSim::CLIENT_ID.to_owned(),
        client_secret: orderbridge_core::SecretSource::Inline(BolSim::CLIENT_SECRET.to_owned()),
        api_base_url: sim.api_base_url().parse().unwrap(),
        token_url: sim.token_url().parse().unwrap(),
        timeout_secs: 1,
        retry: support::fast_retry(),
        include_fbb: false,
        rate_limits: support::unthrottled(),
        order_page: None,
    };
    config.retry.max_attempts = 3;
    let client = orderbridge_bol::BolClient::new(
        &config,
        orderbridge_core::Secret::new(BolSim::CLIENT_SECRET),
    )
    .unwrap();
    sim.inject_fault(
        SimEndpoint::CreateShipment,
        SimFault::Delay(Duration::from_secs(3)),
        1,
    );

    let err = client
        .ship(&shipment_of(&order_id, &item_id))
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectorError::Transient { .. }), "{err:?}");
    assert_eq!(
        sim.shipment_requests(),
        1,
        "a timed-out write must not be repeated"
    );
    let found = client
        .find_processes(&item_id, ProcessKind::Shipment)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
}
