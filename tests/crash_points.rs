//! Deterministic crash points: a run stopped exactly between "intent recorded" and "call
//! made", and between "call made" and "outcome recorded", for webshop creation, shipment and
//! marketplace cancellation. After a restart (store re-opened, engine rebuilt) the effect
//! happens exactly once: never repeated, never dropped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::TestDb;
use common::{line, Harness};
use orderbridge::engine::{Failpoint, JobError};
use orderbridge::status::OrderStatus;
use orderbridge_bol::sim::SimOrder;

fn stopped_at(result: Result<orderbridge::engine::JobReport, JobError>, point: Failpoint) {
    match result {
        Err(JobError::Failpoint(hit)) => assert_eq!(hit, point),
        other => panic!("expected the run to stop at {point:?}, got {other:?}"),
    }
}

async fn created_once_after_a_crash_at(
    db: TestDb,
    point: Failpoint,
    created_before_restart: usize,
) {
    let mut h = Harness::start(db, "").await;
    let id = h.place(0, 1);
    h.engine.failpoints().arm(point);
    stopped_at(h.engine.run_import().await, point);
    assert_eq!(h.woo.orders().len(), created_before_restart);
    assert_eq!(
        h.order(&id).await.webshop_order_id,
        None,
        "outcome not recorded"
    );

    h.restart().await;
    h.cycles(2).await;
    let webshop_id = h.webshop_id(&id);
    assert_eq!(h.woo.create_requests(), 1, "never sent twice");
    assert_eq!(
        h.order(&id).await.webshop_order_id.map(|id| id.to_string()),
        Some(webshop_id.to_string())
    );
}

async fn create_between_intent_and_call(db: TestDb) {
    created_once_after_a_crash_at(db, Failpoint::CreateAfterIntent, 0).await;
}

async fn create_between_call_and_outcome(db: TestDb) {
    created_once_after_a_crash_at(db, Failpoint::CreateAfterCall, 1).await;
}

async fn shipped_once_after_a_crash_at(db: TestDb, point: Failpoint, sent_before_restart: usize) {
    let mut h = Harness::start(db, "").await;
    h.bol.set_process_pending_reads(0);
    let id = h.place(1, 2);
    h.cycles(1).await;
    h.woo
        .complete_order(h.webshop_id(&id), Some(("PostNL", "3SABCD1234567")));
    h.engine.run_track().await.unwrap();
    h.engine.failpoints().arm(point);
    stopped_at(h.engine.run_ship().await, point);
    assert_eq!(h.bol.shipment_requests(), sent_before_restart);

    h.restart().await;
    h.cycles(3).await;
    assert_eq!(h.bol.shipment_requests(), 1, "never sent twice");
    let shipments = h.bol.shipments();
    assert_eq!(shipments.len(), 1);
    assert_eq!(shipments[0].items.iter().map(|(_, q)| q).sum::<u32>(), 2);
    assert_eq!(h.order(&id).await.status, OrderStatus::Shipped);
}

async fn ship_between_intent_and_call(db: TestDb) {
    shipped_once_after_a_crash_at(db, Failpoint::ShipAfterIntent, 0).await;
}

async fn ship_between_call_and_outcome(db: TestDb) {
    shipped_once_after_a_crash_at(db, Failpoint::ShipAfterCall, 1).await;
}

async fn cancelled_once_after_a_crash_at(db: TestDb, point: Failpoint, sent_before_restart: usize) {
    let mut h = Harness::start(db, "").await;
    h.bol.set_process_pending_reads(0);
    let id = h.bol.add_order(SimOrder::nl(vec![
        line(&h.products[0], 1),
        line(&h.products[1], 3),
    ]));
    h.cycles(1).await;
    h.woo.cancel_order(h.webshop_id(&id));
    h.engine.run_track().await.unwrap();
    assert_eq!(h.order(&id).await.status, OrderStatus::PendingCancellation);
    h.engine.failpoints().arm(point);
    stopped_at(h.engine.run_cancel().await, point);
    assert_eq!(h.bol.cancellation_requests(), sent_before_restart);

    h.restart().await;
    h.cycles(3).await;
    assert_eq!(
        h.bol.cancellation_requests(),
        2,
        "each of the two lines sent exactly once"
    );
    assert_eq!(h.bol.cancellations().len(), 2);
    let view = h.bol.order(&id).unwrap();
    assert!(view
        .items
        .iter()
        .all(|item| item.quantity_cancelled == item.quantity));
    assert_eq!(h.order(&id).await.status, OrderStatus::Cancelled);
}

async fn cancel_between_intent_and_call(db: TestDb) {
    cancelled_once_after_a_crash_at(db, Failpoint::CancelAfterIntent, 0).await;
}

async fn cancel_between_call_and_outcome(db: TestDb) {
    cancelled_once_after_a_crash_at(db, Failpoint::CancelAfterCall, 1).await;
}

both_backends!(
    create_between_intent_and_call,
    create_between_call_and_outcome,
    ship_between_intent_and_call,
    ship_between_call_and_outcome,
    cancel_between_intent_and_call,
    cancel_between_call_and_outcome
);
