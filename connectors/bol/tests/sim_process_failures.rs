//! The real `BolClient` against `BolSim` when bol's processes fail for no fault of the request
//! (bol retries a failing downstream service itself, then reports `FAILURE`): nothing is
//! applied, the error message is there, and the same request sent again can succeed.

mod support;

use orderbridge_bol::sim::{BolSim, SimLine, SimOrder};
use orderbridge_core::domain::{Carrier, MarketplaceOrderId, OrderLineId};
use orderbridge_core::marketplace::{CancelReason, Cancellation, ProcessState, Shipment};
use orderbridge_core::Marketplace;
use support::sim_client;

fn order(sim: &BolSim) -> (String, String) {
    let order_id = sim.add_order(SimOrder::nl(vec![SimLine {
        ean: "8712345678906".to_owned(),
        reference: Some("A".to_owned()),
        title: "Product A".to_owned(),
        quantity: 1,
        unit_price_cents: 1250,
    }]));
    let item_id = sim.order(&order_id).expect("placed above").items[0]
        .order_item_id
        .clone();
    (order_id, item_id)
}

fn shipment(order_id: &str, item_id: &str) -> Shipment {
    support::item_shipment(
        order_id,
        item_id,
        1,
        Some(Carrier::PostNl),
        Some("3SABCD1234567"),
    )
}

#[tokio::test]
async fn a_failed_process_applies_nothing_and_the_same_shipment_sent_again_succeeds() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let (order_id, item_id) = order(&sim);
    let client = sim_client(&sim, false);
    sim.fail_processes_at_rate(1.0);
    let process = client.ship(&shipment(&order_id, &item_id)).await.unwrap();
    let resolved = client.processes(&[process.id]).await.unwrap();
    match &resolved[0].state {
        ProcessState::Failed { message } => assert!(message.contains("try again"), "{message}"),
        other => panic!("expected FAILURE, got {other:?}"),
    }
    assert!(sim.shipments().is_empty());
    assert_eq!(sim.order(&order_id).unwrap().items[0].quantity_shipped, 0);
    assert!(sim
        .fault_counts()
        .contains(&("process_failure".to_owned(), 1)));

    sim.clear_faults();
    let process = client.ship(&shipment(&order_id, &item_id)).await.unwrap();
    let resolved = client.processes(&[process.id]).await.unwrap();
    assert_eq!(resolved[0].state, ProcessState::Succeeded);
    assert_eq!(sim.order(&order_id).unwrap().items[0].quantity_shipped, 1);
}

#[tokio::test]
async fn a_line_that_keeps_failing_fails_every_time_and_other_lines_do_not() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let (stubborn_order, stubborn_item) = order(&sim);
    let (other_order, other_item) = order(&sim);
    let client = sim_client(&sim, false);
    sim.fail_processes_of(&stubborn_item);
    for _ in 0..3 {
        let cancellation = Cancellation {
            order_id: MarketplaceOrderId::parse(&stubborn_order).unwrap(),
            lines: vec![OrderLineId::parse(&stubborn_item).unwrap()],
            reason: CancelReason::OutOfStock,
        };
        let process = client.cancel(&cancellation).await.unwrap();
        let resolved = client.processes(&[process.id]).await.unwrap();
        assert!(matches!(resolved[0].state, ProcessState::Failed { .. }));
    }
    let process = client
        .ship(&shipment(&other_order, &other_item))
        .await
        .unwrap();
    let resolved = client.processes(&[process.id]).await.unwrap();
    assert_eq!(resolved[0].state, ProcessState::Succeeded);
    assert!(sim.cancellations().is_empty());
}
