//! End-to-end tests of marketplace processes that end in `FAILURE` for no fault of the request
//! (bol retries a failing downstream service itself, then reports `FAILURE`): the order is read
//! again, sent again after a backoff a bounded number of times, and only then stops in `error`.
//! Time moves with the injected clock; every assertion is on the simulators' state or the
//! merchant-visible status.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use chrono::Duration;
use common::TestDb;
use common::{line, Harness};
use orderbridge::status::OrderStatus;
use orderbridge::store::OrderFilter;
use orderbridge_bol::sim::SimOrder;

/// The bound of retried failures (`MAX_PROCESS_FAILURES` in the engine).
const MAX_RETRIED_FAILURES: usize = 4;

/// An order imported, in the webshop and completed there with a T&T code; processes resolve
/// on their first status read.
async fn completed_order(h: &Harness) -> (String, String) {
    h.bol.set_process_pending_reads(0);
    let id = h.place(0, 1);
    h.cycles(1).await;
    h.woo
        .complete_order(h.webshop_id(&id), Some(("PostNL", "3SABCD1234567")));
    let item = h.bol.order(&id).unwrap().items[0].order_item_id.clone();
    (id, item)
}

async fn a_failed_shipment_process_is_sent_again_after_a_backoff_and_ships(db: TestDb) {
    let h = Harness::start(db, "").await;
    let (id, item) = completed_order(&h).await;
    h.bol.fail_processes_of(&item);
    h.engine.run_track().await.unwrap();
    h.engine.run_ship().await.unwrap(); // sent; its process failed
    h.engine.run_ship().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(
        order.status,
        OrderStatus::PendingShipment,
        "one failed process is not the merchant's problem: {:?}",
        order.error
    );
    assert_eq!(h.bol.shipment_requests(), 1);

    h.bol.clear_faults();
    h.cycles(2).await;
    assert_eq!(
        h.bol.shipment_requests(),
        1,
        "nothing is sent again before the backoff ends"
    );
    h.clock.advance(Duration::minutes(5) + Duration::seconds(1));
    h.cycles(2).await;
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Shipped, "{:?}", order.error);
    assert_eq!(h.bol.shipment_requests(), 2);
    assert_eq!(h.bol.shipments().len(), 1, "shipped once");
    let history = h.store.history(order.id).await.unwrap();
    assert!(history
        .iter()
        .any(|e| e.message.contains("sending it again in 5 minutes")));
}

async fn a_failed_shipment_of_an_order_shipped_by_hand_meanwhile_is_adopted(db: TestDb) {
    let h = Harness::start(db, "").await;
    let (id, item) = completed_order(&h).await;
    h.bol.set_process_pending_reads(1);
    h.engine.run_track().await.unwrap();
    h.engine.run_ship().await.unwrap(); // sent; its process still pending
                                        // The merchant ships it by hand meanwhile: bol fails our shipment (nothing left open).
    h.bol.ship_in_seller_dashboard(&item);
    h.cycles(2).await;
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Shipped, "{:?}", order.error);
    h.clock.advance(Duration::hours(2));
    h.cycles(2).await;
    assert_eq!(h.bol.shipment_requests(), 1, "not sent again");
    assert!(h.bol.shipments().is_empty(), "ours never applied");
}

async fn a_shipment_that_keeps_failing_ends_in_error_after_the_bounded_retries(db: TestDb) {
    let h = Harness::start(db, "").await;
    let (id, item) = completed_order(&h).await;
    h.bol.fail_processes_of(&item);
    h.cycles(2).await;
    for n_failed in 1..=MAX_RETRIED_FAILURES {
        assert_eq!(
            h.order(&id).await.status,
            OrderStatus::PendingShipment,
            "after {n_failed} failed processes"
        );
        h.clock.advance(Duration::hours(1));
        h.cycles(2).await;
    }
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Error);
    let reason = order.error.clone().unwrap_or_default();
    assert!(reason.contains("5 times"), "{reason}");
    assert!(
        reason.contains("downstream service"),
        "bol's message: {reason}"
    );
    assert_eq!(h.bol.shipment_requests(), 1 + MAX_RETRIED_FAILURES);
    h.clock.advance(Duration::hours(3));
    h.cycles(2).await;
    assert_eq!(
        h.bol.shipment_requests(),
        1 + MAX_RETRIED_FAILURES,
        "stays in error"
    );

    // The merchant resends once bol works again: shipped, once.
    h.bol.clear_faults();
    h.engine.resend_order(order.code.as_str()).await.unwrap();
    h.cycles(3).await;
    assert_eq!(h.order(&id).await.status, OrderStatus::Shipped);
    assert_eq!(h.bol.shipments().len(), 1);
}

async fn a_cancellation_that_keeps_failing_is_retried_then_errors(db: TestDb) {
    let h = Harness::start(db, "").await;
    h.bol.set_process_pending_reads(0);
    let id = h.place(0, 1);
    h.cycles(1).await;
    let item = h.bol.order(&id).unwrap().items[0].order_item_id.clone();
    h.bol.fail_processes_of(&item);
    h.woo.cancel_order(h.webshop_id(&id));
    h.cycles(2).await;
    assert_eq!(
        h.order(&id).await.status,
        OrderStatus::PendingCancellation,
        "retried, not in error"
    );
    for _ in 0..MAX_RETRIED_FAILURES {
        h.clock.advance(Duration::hours(1));
        h.cycles(2).await;
    }
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Error);
    assert_eq!(h.bol.cancellation_requests(), 1 + MAX_RETRIED_FAILURES);
    assert!(h.bol.cancellations().is_empty());
}

async fn under_a_ten_percent_process_failure_rate_200_orders_end_without_the_merchant(db: TestDb) {
    let h = Harness::start(db, "").await;
    h.bol.set_process_pending_reads(0);
    h.bol.set_chaos(0.0, 7);
    h.bol.fail_processes_at_rate(0.10);
    let n_orders = 200;
    let ids: Vec<String> = (0..n_orders)
        .map(|idx| {
            h.bol.add_order(SimOrder::nl(vec![line(
                &h.products[idx % h.products.len()],
                1 + (idx % 2) as u32,
            )]))
        })
        .collect();
    h.cycles(2).await;
    // Every fifth order the merchant cancels in the webshop, the others ship with a code.
    for (idx, id) in ids.iter().enumerate() {
        let webshop_id = h.webshop_id(id);
        if idx % 5 == 0 {
            h.woo.cancel_order(webshop_id);
        } else {
            let code = format!("3SFAIL{idx:07}");
            h.woo.complete_order(webshop_id, Some(("PostNL", &code)));
        }
    }
    h.engine.run_track().await.unwrap();
    for _ in 0..24 {
        h.cycle().await;
        h.clock.advance(Duration::minutes(10));
    }

    let orders = h.store.orders(&OrderFilter::default()).await.unwrap();
    let in_error: Vec<_> = orders
        .iter()
        .filter(|o| o.status == OrderStatus::Error)
        .map(|o| (o.marketplace_order_id.clone(), o.error.clone()))
        .collect();
    assert!(in_error.is_empty(), "needed the merchant: {in_error:?}");
    let n_failed_processes = h
        .bol
        .fault_counts()
        .into_iter()
        .find(|(kind, _)| kind == "process_failure")
        .map_or(0, |(_, n)| n);
    assert!(
        n_failed_processes >= 10,
        "{n_failed_processes} processes failed"
    );
    let shipments = h.bol.shipments();
    for (idx, id) in ids.iter().enumerate() {
        let expected = if idx % 5 == 0 {
            OrderStatus::Cancelled
        } else {
            OrderStatus::Shipped
        };
        let order = orders
            .iter()
            .find(|o| o.marketplace_order_id.as_str() == id.as_str())
            .unwrap();
        assert_eq!(order.status, expected, "order {id}: {:?}", order.error);
        let n_shipments = shipments.iter().filter(|s| &s.order_id == id).count();
        assert_eq!(n_shipments, usize::from(idx % 5 != 0), "order {id}");
    }
}

both_backends!(
    a_failed_shipment_process_is_sent_again_after_a_backoff_and_ships,
    a_failed_shipment_of_an_order_shipped_by_hand_meanwhile_is_adopted,
    a_shipment_that_keeps_failing_ends_in_error_after_the_bounded_retries,
    a_cancellation_that_keeps_failing_is_retried_then_errors,
    under_a_ten_percent_process_failure_rate_200_orders_end_without_the_merchant
);
