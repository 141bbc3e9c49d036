//! End-to-end tests of lines that are not the merchant's to ship as it likes: the FBB line of
//! a mixed bol order (bol ships and cancels it; the simulator refuses our writes on it, as bol
//! does) and "Verzenden via bol" lines (only a bol label will do; the simulator refuses our own
//! transport). Every assertion is on the simulators' state or the merchant-visible status.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::TestDb;
use common::{line, Harness};
use orderbridge::status::OrderStatus;
use orderbridge_bol::sim::SimOrder;

/// A mixed order: line 0 is the merchant's (FBR), line 1 bol's (FBB).
fn mixed_order(h: &Harness) -> String {
    h.bol.add_order(
        SimOrder::nl(vec![line(&h.products[0], 1), line(&h.products[1], 2)])
            .with_line_fulfilled_by_bol(1),
    )
}

async fn a_mixed_order_ships_only_its_own_line_and_ends_shipped(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = mixed_order(&h);
    h.cycles(2).await;
    assert_eq!(h.order(&id).await.status, OrderStatus::NotShipped);
    let in_shop = h.woo.orders_with_marketplace_order(&id);
    assert_eq!(
        in_shop[0].line_items.len(),
        1,
        "the FBB line is not in the shop"
    );
    h.woo
        .complete_order(h.webshop_id(&id), Some(("PostNL", "3SABCD1234567")));
    h.cycles(4).await;

    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Shipped, "{:?}", order.error);
    let view = h.bol.order(&id).unwrap();
    let shipments = h.bol.shipments();
    assert_eq!(shipments.len(), 1);
    assert_eq!(
        shipments[0].items,
        vec![(view.items[0].order_item_id.clone(), 1)],
        "only our own line is shipped"
    );
    assert_eq!(view.items[1].quantity_shipped, 0, "bol ships its own line");
    assert_eq!(h.bol.shipment_requests(), 1, "nothing was refused");
    let lines = h.store.lines(order.id).await.unwrap();
    assert_eq!(
        (lines[0].quantity_shipped, lines[1].quantity_shipped),
        (1, 0),
        "the FBB line is not recorded as shipped by us"
    );
}

async fn a_mixed_order_cancelled_in_the_webshop_cancels_only_its_own_line(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = mixed_order(&h);
    h.cycles(1).await;
    h.woo.cancel_order(h.webshop_id(&id));
    h.cycles(4).await;

    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Cancelled, "{:?}", order.error);
    let view = h.bol.order(&id).unwrap();
    let cancellations = h.bol.cancellations();
    assert_eq!(cancellations.len(), 1);
    assert_eq!(cancellations[0].order_item_id, view.items[0].order_item_id);
    assert_eq!(view.items[1].quantity_cancelled, 0, "bol's line is bol's");
    assert_eq!(h.bol.cancellation_requests(), 1, "nothing was refused");
}

async fn a_buyer_request_on_a_mixed_order_cancels_only_its_own_line(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = mixed_order(&h);
    h.cycles(1).await;
    h.bol.request_cancellation(&id);
    h.cycles(4).await;

    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Cancelled, "{:?}", order.error);
    let view = h.bol.order(&id).unwrap();
    assert_eq!(view.items[0].quantity_cancelled, 1);
    assert_eq!(view.items[1].quantity_cancelled, 0);
    assert_eq!(h.bol.cancellation_requests(), 1, "nothing was refused");
}

async fn a_mixed_order_whose_own_line_was_shipped_by_hand_is_shipped(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = mixed_order(&h);
    h.cycles(1).await;
    let own_item = h.bol.order(&id).unwrap().items[0].order_item_id.clone();
    // The merchant ships our line in the seller dashboard; bol's FBB line is still open, but
    // the order left the merchant's (FBR) open list.
    h.bol.ship_in_seller_dashboard(&own_item);
    h.cycles(2).await;
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Shipped, "{:?}", order.error);
    assert_eq!(h.bol.shipment_requests(), 0);
}

async fn a_verzenden_via_bol_order_goes_manual_once_in_the_webshop_and_is_never_sent(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = h
        .bol
        .add_order(SimOrder::nl(vec![line(&h.products[0], 1)]).with_line_shipped_via_bol(0));
    let ordinary = h.place(1, 1);
    h.cycles(1).await;

    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Manual);
    let reason = order.error.clone().unwrap_or_default();
    assert!(reason.contains("shipping label"), "{reason}");
    assert!(reason.contains("Verzenden via bol"), "{reason}");
    let history = h.store.history(order.id).await.unwrap();
    assert!(history.iter().any(|e| e.message.contains("shipping label")));
    h.webshop_id(&id);

    // The merchant ships it anyway and completes it in the webshop with their own carrier.
    h.woo
        .complete_order(h.webshop_id(&id), Some(("PostNL", "3SABCD1234567")));
    h.woo
        .complete_order(h.webshop_id(&ordinary), Some(("PostNL", "3SABCD7654321")));
    h.cycles(4).await;
    assert_eq!(h.order(&id).await.status, OrderStatus::Manual);
    assert_eq!(h.order(&ordinary).await.status, OrderStatus::Shipped);
    let shipments = h.bol.shipments();
    assert_eq!(shipments.len(), 1);
    assert_eq!(shipments[0].order_id, ordinary, "others go on");
    assert_eq!(
        h.bol.shipment_requests(),
        1,
        "nothing was sent for the label-only order"
    );
}

async fn a_verzenden_via_bol_order_the_buyer_cancels_while_its_creation_is_unresolved_is_cancelled(
    db: TestDb,
) {
    use orderbridge::engine::{Failpoint, JobError};
    let mut h = Harness::start(db, "").await;
    let id = h
        .bol
        .add_order(SimOrder::nl(vec![line(&h.products[0], 1)]).with_line_shipped_via_bol(0));
    // Created in the webshop, the answer lost (a crash); meanwhile the buyer cancels.
    h.engine.failpoints().arm(Failpoint::CreateAfterCall);
    assert!(matches!(
        h.engine.run_import().await,
        Err(JobError::Failpoint(_))
    ));
    h.restart().await;
    h.bol.request_cancellation(&id);
    h.cycles(4).await;
    let order = h.order(&id).await;
    assert_eq!(
        order.status,
        OrderStatus::Cancelled,
        "the cancellation goes on: {:?}",
        order.error
    );
    assert_eq!(h.bol.cancellations().len(), 1);
    assert_eq!(h.woo.orders()[0].status, "cancelled");
}

async fn a_verzenden_via_bol_order_that_reaches_the_ship_job_is_not_sent_either(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = h
        .bol
        .add_order(SimOrder::nl(vec![line(&h.products[0], 1)]).with_line_shipped_via_bol(0));
    h.cycles(1).await;
    // As an orderbridge from before the label hold left it: created and `not_shipped`.
    common::db::tamper(
        &h.db,
        &format!(
            "UPDATE orders SET status = 'not_shipped', error = NULL \
             WHERE marketplace_order_id = '{id}'"
        ),
    )
    .await;
    assert_eq!(h.order(&id).await.status, OrderStatus::NotShipped);
    h.woo
        .complete_order(h.webshop_id(&id), Some(("PostNL", "3SABCD1234567")));
    h.cycles(4).await;
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Manual, "{:?}", order.error);
    assert!(order.error.unwrap_or_default().contains("shipping label"));
    assert_eq!(
        h.bol.shipment_requests(),
        0,
        "nothing sent with our transport"
    );
}

both_backends!(
    a_mixed_order_ships_only_its_own_line_and_ends_shipped,
    a_mixed_order_cancelled_in_the_webshop_cancels_only_its_own_line,
    a_buyer_request_on_a_mixed_order_cancels_only_its_own_line,
    a_mixed_order_whose_own_line_was_shipped_by_hand_is_shipped,
    a_verzenden_via_bol_order_goes_manual_once_in_the_webshop_and_is_never_sent,
    a_verzenden_via_bol_order_that_reaches_the_ship_job_is_not_sent_either,
    a_verzenden_via_bol_order_the_buyer_cancels_while_its_creation_is_unresolved_is_cancelled
);
