//! End-to-end tests of track & trace that arrives late or out of order, against the simulators
//! with the real engine on both store backends: a code saved after completion on classic
//! (posts table) storage, where it does not move the order's `date_modified`, is found by the
//! track job's re-read of waiting orders; and the tracking route is not asked again and again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use chrono::Duration;
use common::Harness;
use common::TestDb;
use orderbridge::status::OrderStatus;

async fn a_code_saved_later_on_classic_storage_ships_with_it(db: TestDb) {
    let h = Harness::start(db, "").await;
    h.woo.set_classic_storage(true);
    let late = h.place(0, 1);
    let other = h.place(1, 1);
    h.cycles(2).await;
    let late_webshop_id = h.webshop_id(&late);
    h.woo.complete_order(late_webshop_id, None);
    h.cycles(1).await;
    assert_eq!(h.order(&late).await.status, OrderStatus::Waiting);

    // Ten minutes on, another order is completed: the watermark moves past the first one.
    h.woo.advance_clock(Duration::minutes(10));
    h.clock.advance(Duration::minutes(10));
    h.woo
        .complete_order(h.webshop_id(&other), Some(("PostNL", "3SABCD1234567")));
    h.cycles(2).await;
    assert_eq!(h.order(&other).await.status, OrderStatus::Shipped);
    assert_eq!(h.order(&late).await.status, OrderStatus::Waiting);

    // The merchant adds the code; on classic storage the order's date_modified stays.
    h.woo.advance_clock(Duration::minutes(5));
    h.clock.advance(Duration::minutes(5));
    h.woo
        .add_tracking(late_webshop_id, "DHL Parcel", "JVGL06012345678901234567");
    h.cycles(2).await;

    let shipments: Vec<_> = h
        .bol
        .shipments()
        .into_iter()
        .filter(|s| s.order_id == late)
        .collect();
    assert_eq!(shipments.len(), 1, "shipped once, with the late code");
    assert_eq!(
        shipments[0].track_and_trace.as_deref(),
        Some("JVGL06012345678901234567")
    );
    assert_eq!(shipments[0].transporter_code.as_deref(), Some("DHLFORYOU"));
    assert_eq!(h.order(&late).await.status, OrderStatus::Shipped);
}

async fn waiting_orders_ask_the_tracking_route_once_per_change(db: TestDb) {
    let h = Harness::start(db, "").await;
    // The shop hides the tracking meta from the REST output: only the route can tell.
    h.woo.set_tracking_meta_visible(false);
    let ids: Vec<String> = (0..3).map(|idx| h.place(idx, 1)).collect();
    h.cycles(2).await;
    for id in &ids {
        h.woo.complete_order(h.webshop_id(id), None);
    }
    h.cycles(1).await;
    let after_first_read = h.woo.tracking_route_requests();
    assert_eq!(after_first_read, 3, "each completed order asked once");
    h.clock.advance(Duration::minutes(1));
    h.cycles(5).await;
    for id in &ids {
        assert_eq!(h.order(id).await.status, OrderStatus::Waiting);
    }
    assert_eq!(
        h.woo.tracking_route_requests(),
        after_first_read,
        "nothing changed, nothing asked again"
    );

    // A code added to one order (HPOS: it moves date_modified) is asked for once and shipped.
    h.woo.advance_clock(Duration::seconds(5));
    let tracked = h.webshop_id(&ids[1]);
    h.woo.add_tracking(tracked, "PostNL", "3SABCD1234567");
    h.cycles(3).await;
    assert_eq!(h.woo.tracking_route_requests(), after_first_read + 1);
    assert_eq!(h.order(&ids[1]).await.status, OrderStatus::Shipped);
}

both_backends!(
    a_code_saved_later_on_classic_storage_ships_with_it,
    waiting_orders_ask_the_tracking_route_once_per_change
);
