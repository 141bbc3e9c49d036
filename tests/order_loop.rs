//! End-to-end tests of the order loop: the real engine, built from a real connection file,
//! against the bol.com and WooCommerce simulators on a temporary SQLite file. Every assertion
//! is on the simulators' own state or the merchant-visible status.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use chrono::Duration;
use common::TestDb;
use common::{line, Harness};
use orderbridge::status::{BatchStatus, OrderStatus};
use orderbridge_bol::sim::SimOrder;

async fn each_order_is_created_once_and_shipped_once_with_the_right_transporter(db: TestDb) {
    let h = Harness::start(db, "").await;
    // A Dutch shop that adds VAT (tests/money.rs checks the amounts).
    h.woo
        .set_taxes(orderbridge_woocommerce::sim::SimTaxSettings::dutch_shop());
    let postnl = h.place(0, 1);
    let dhl = h.bol.add_order(SimOrder::be(vec![
        line(&h.products[1], 2),
        line(&h.products[2], 1),
    ]));
    let detected = h.place(3, 3);
    h.cycles(2).await;
    for id in [&postnl, &dhl, &detected] {
        assert_eq!(h.order(id).await.status, OrderStatus::NotShipped);
    }
    h.woo
        .complete_order(h.webshop_id(&postnl), Some(("PostNL", "3SABCD1234567")));
    h.woo.complete_order(
        h.webshop_id(&dhl),
        Some(("DHL Parcel", "JVGL06012345678901234567")),
    );
    h.woo
        .complete_order(h.webshop_id(&detected), Some(("", "3SXYZW7654321")));
    h.cycles(4).await;
    // Repeated runs change nothing more.
    h.cycles(2).await;

    let shipments = h.bol.shipments();
    for (id, transporter, code) in [
        (&postnl, "TNT", "3SABCD1234567"),
        (&dhl, "DHLFORYOU", "JVGL06012345678901234567"),
        (&detected, "TNT", "3SXYZW7654321"),
    ] {
        let of_order: Vec<_> = shipments.iter().filter(|s| &s.order_id == id).collect();
        assert_eq!(
            of_order.len(),
            1,
            "order {id} shipped {} times",
            of_order.len()
        );
        assert_eq!(of_order[0].transporter_code.as_deref(), Some(transporter));
        assert_eq!(of_order[0].track_and_trace.as_deref(), Some(code));
        assert_eq!(h.order(id).await.status, OrderStatus::Shipped);
        h.webshop_id(id);
    }
    let dhl_items: u32 = shipments
        .iter()
        .filter(|s| s.order_id == dhl)
        .flat_map(|s| s.items.iter().map(|(_, qty)| *qty))
        .sum();
    assert_eq!(
        dhl_items, 3,
        "both lines of the BE order are shipped with their quantities"
    );
    assert_eq!(
        h.bol.shipment_requests(),
        3,
        "no shipment was even attempted twice"
    );
    assert_eq!(
        h.woo.create_requests(),
        3,
        "no order was even attempted twice"
    );
}

async fn a_completed_order_without_tt_waits_then_ships_without_tt(db: TestDb) {
    let h = Harness::start(db, "[orders]\ntracking_wait_secs = 10800\n").await;
    let id = h.place(0, 1);
    h.cycles(2).await;
    h.woo.complete_order(h.webshop_id(&id), None);
    h.cycles(2).await;
    assert_eq!(h.order(&id).await.status, OrderStatus::Waiting);

    h.clock.advance(Duration::hours(2));
    h.cycles(2).await;
    assert_eq!(
        h.order(&id).await.status,
        OrderStatus::Waiting,
        "still inside the 3 h wait"
    );
    assert!(h.bol.shipments().is_empty());

    h.clock.advance(Duration::minutes(61));
    h.cycles(3).await;
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Shipped);
    let shipments = h.bol.shipments();
    assert_eq!(shipments.len(), 1);
    assert_eq!(shipments[0].track_and_trace, None);
}

async fn a_tt_code_arriving_during_the_wait_ships_with_it(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = h.place(1, 1);
    h.cycles(2).await;
    let webshop_id = h.webshop_id(&id);
    h.woo.complete_order(webshop_id, None);
    h.cycles(1).await;
    assert_eq!(h.order(&id).await.status, OrderStatus::Waiting);
    h.clock.advance(Duration::minutes(30));
    h.woo
        .add_tracking(webshop_id, "DHL Parcel", "JVGL06012345678901234567");
    h.cycles(3).await;
    let shipments = h.bol.shipments();
    assert_eq!(shipments.len(), 1);
    assert_eq!(
        shipments[0].track_and_trace.as_deref(),
        Some("JVGL06012345678901234567")
    );
    assert_eq!(shipments[0].transporter_code.as_deref(), Some("DHLFORYOU"));
}

async fn an_order_the_buyer_cancels_before_import_never_reaches_the_webshop(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = h.place(0, 2);
    h.bol.request_cancellation(&id);
    h.cycles(3).await;
    assert!(h.woo.orders_with_marketplace_order(&id).is_empty());
    assert_eq!(h.order(&id).await.status, OrderStatus::Cancelled);
    let cancellations = h.bol.cancellations();
    assert_eq!(cancellations.len(), 1);
    assert_eq!(cancellations[0].reason_code, "REQUESTED_BY_CUSTOMER");
}

async fn a_buyer_cancellation_after_creation_cancels_the_webshop_order_and_is_confirmed(
    db: TestDb,
) {
    let h = Harness::start(db, "").await;
    let id = h.place(2, 1);
    h.cycles(1).await;
    let webshop_id = h.webshop_id(&id);
    h.bol.request_cancellation(&id);
    h.cycles(3).await;
    let webshop_order = h
        .woo
        .orders()
        .into_iter()
        .find(|o| o.id == webshop_id)
        .unwrap();
    assert_eq!(webshop_order.status, "cancelled");
    assert_eq!(h.order(&id).await.status, OrderStatus::Cancelled);
    assert_eq!(h.bol.cancellations().len(), 1);
    assert!(h.bol.shipments().is_empty());
}

async fn an_order_cancelled_by_bol_cancels_the_webshop_order(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = h.place(2, 1);
    h.cycles(1).await;
    let webshop_id = h.webshop_id(&id);
    h.bol.cancel_by_bol(&id);
    h.cycles(2).await;
    let webshop_order = h
        .woo
        .orders()
        .into_iter()
        .find(|o| o.id == webshop_id)
        .unwrap();
    assert_eq!(webshop_order.status, "cancelled");
    assert_eq!(h.order(&id).await.status, OrderStatus::Cancelled);
    assert!(
        h.bol.cancellations().is_empty(),
        "bol cancelled it; nothing to confirm"
    );
}

async fn a_webshop_cancellation_cancels_on_the_marketplace(db: TestDb) {
    let h = Harness::start(db, "").await;
    let keep = h.place(0, 1);
    let cancel = h.place(1, 2);
    h.cycles(1).await;
    h.woo.cancel_order(h.webshop_id(&cancel));
    h.cycles(1).await;
    assert!(matches!(
        h.order(&cancel).await.status,
        OrderStatus::PendingCancellation | OrderStatus::Cancelled
    ));
    h.cycles(2).await;
    assert_eq!(h.order(&cancel).await.status, OrderStatus::Cancelled);
    let cancellations = h.bol.cancellations();
    assert_eq!(cancellations.len(), 1);
    assert_eq!(cancellations[0].order_id, cancel);
    assert_eq!(h.order(&keep).await.status, OrderStatus::NotShipped);
    let view = h.bol.order(&cancel).unwrap();
    assert_eq!(view.items[0].quantity_cancelled, 2);
}

async fn stock_is_pushed_only_when_it_changed_minus_the_buffer(db: TestDb) {
    let h = Harness::start(db, "[stock]\nbuffer = 2\n").await;
    h.bol.set_process_pending_reads(0);
    let offer_0 = h.bol.add_offer(&h.products[0].sku, &h.products[0].ean, 3);
    let offer_1 = h.bol.add_offer(&h.products[1].sku, &h.products[1].ean, 8);
    // Each run also reads the processes of the previous run's pushes, which applies them.
    h.engine.run_stock().await.unwrap();
    h.engine.run_stock().await.unwrap();
    // Webshop stock is 10 for both; minus the buffer 8: only offer 0 differs from bol.
    let updates = h.bol.stock_updates();
    assert_eq!(updates, vec![(offer_0.clone(), 8)]);
    h.engine.run_stock().await.unwrap();
    assert_eq!(
        h.bol.stock_updates().len(),
        1,
        "unchanged stock is not pushed again"
    );

    h.woo.set_stock(&h.products[1].sku, Some(1));
    h.engine.run_stock().await.unwrap();
    h.engine.run_stock().await.unwrap();
    assert_eq!(
        h.bol.stock_updates().last(),
        Some(&(offer_1.clone(), 0)),
        "never below zero"
    );
    assert_eq!(h.bol.stock_updates().len(), 2);
    assert_eq!(h.bol.offer_stock(&offer_1), Some(0));
    assert_eq!(
        h.bol.offer_export_requests(),
        1,
        "seven stock runs export the offer list once, then use the cached list"
    );
}

/// A product without managed stock has only a stock status: out of stock must reach bol as 0
/// (before, such products were skipped and bol kept selling them); in stock leaves bol alone.
async fn unmanaged_stock_out_of_stock_is_zero_on_bol_and_in_stock_is_left_alone(db: TestDb) {
    let h = Harness::start(db, "[stock]\nbuffer = 1\n").await;
    h.bol.set_process_pending_reads(0);
    let sold_out = &h.products[2].sku;
    let available = &h.products[3].sku;
    h.woo.set_stock(sold_out, None);
    h.woo.set_unmanaged_stock_status(sold_out, "outofstock");
    h.woo.set_stock(available, None);
    let sold_out_offer = h.bol.add_offer(sold_out, &h.products[2].ean, 5);
    let available_offer = h.bol.add_offer(available, &h.products[3].ean, 6);

    h.engine.run_stock().await.unwrap();
    h.engine.run_stock().await.unwrap();

    assert_eq!(h.bol.offer_stock(&sold_out_offer), Some(0));
    assert_eq!(h.bol.offer_stock(&available_offer), Some(6));
    assert_eq!(h.bol.stock_updates(), vec![(sold_out_offer.clone(), 0)]);

    // Back in stock, still unmanaged: bol's stock is the merchant's to set again.
    h.woo.set_unmanaged_stock_status(sold_out, "instock");
    h.engine.run_stock().await.unwrap();
    assert_eq!(h.bol.stock_updates().len(), 1);
}

/// The offer list is cached; an offer the merchant deleted on bol is only noticed when bol
/// refuses a stock update for it (the simulator answers 404): the list is then exported anew
/// and the deleted offer is left alone.
async fn a_stock_update_for_a_deleted_offer_lists_the_offers_anew(db: TestDb) {
    let h = Harness::start(db, "").await;
    h.bol.set_process_pending_reads(0);
    let kept = h.bol.add_offer(&h.products[0].sku, &h.products[0].ean, 10);
    let deleted = h.bol.add_offer(&h.products[1].sku, &h.products[1].ean, 10);
    h.engine.run_stock().await.unwrap();
    assert_eq!(h.bol.offer_export_requests(), 1);

    h.bol.remove_offer(&deleted);
    h.woo.set_stock(&h.products[1].sku, Some(3));
    let report = h.engine.run_stock().await.unwrap();
    assert_eq!(report.n_failed, 1, "pushed to the cached offer, refused");
    h.engine.run_stock().await.unwrap();
    assert_eq!(
        h.bol.offer_export_requests(),
        2,
        "the refusal made it list anew"
    );
    h.engine.run_stock().await.unwrap();
    assert_eq!(
        h.bol.stock_update_requests(),
        1,
        "the deleted offer is left alone"
    );
    assert_eq!(h.bol.offer_export_requests(), 2);
    assert_eq!(h.bol.offer_stock(&kept), Some(10));

    // Deleted while bol was still processing a push: the process fails, which also makes
    // the next run list anew.
    h.bol.set_process_pending_reads(1);
    h.woo.set_stock(&h.products[0].sku, Some(4));
    h.engine.run_stock().await.unwrap();
    h.bol.remove_offer(&kept);
    h.engine.run_stock().await.unwrap();
    assert_eq!(
        h.bol.offer_export_requests(),
        2,
        "bol still processing the push"
    );
    h.engine.run_stock().await.unwrap();
    assert_eq!(h.bol.offer_export_requests(), 3);
    assert!(h.bol.stock_updates().is_empty());
}

async fn an_unknown_sku_errors_alone_and_a_resend_completes_its_batch(db: TestDb) {
    let h = Harness::start(db, "").await;
    let good_1 = h.place(0, 1);
    let unknown = h.bol.add_order(SimOrder::nl(vec![common::unknown_line()]));
    let good_2 = h.place(1, 1);
    h.cycles(1).await;

    let failed = h.order(&unknown).await;
    assert_eq!(failed.status, OrderStatus::Error);
    let reason = failed.error.clone().unwrap();
    assert!(
        reason.contains("SKU-NEW"),
        "the error names the SKU: {reason}"
    );
    for id in [&good_1, &good_2] {
        assert_eq!(h.order(id).await.status, OrderStatus::NotShipped);
        h.webshop_id(id);
    }
    let batch_id = failed.batch_id.unwrap();
    assert_eq!(
        h.store.batch(batch_id).await.unwrap().unwrap().status,
        BatchStatus::Failed
    );

    // Repeated runs do not retry an order in error on their own.
    h.cycles(1).await;
    assert!(h.woo.orders_with_marketplace_order(&unknown).is_empty());

    h.woo
        .add_product("SKU-NEW", None, "New product", 999, Some(4));
    let resent = h.engine.resend_order(failed.code.as_str()).await.unwrap();
    assert_eq!(resent.status, OrderStatus::NotShipped);
    h.cycles(1).await;
    h.webshop_id(&unknown);
    assert_eq!(
        h.store.batch(batch_id).await.unwrap().unwrap().status,
        BatchStatus::Completed
    );
    let history = h.store.history(failed.id).await.unwrap();
    assert!(history.iter().any(|e| e.message.contains("resent")));
}

async fn a_lost_create_reply_does_not_create_the_order_twice(db: TestDb) {
    use orderbridge_woocommerce::sim::{WooEndpoint, WooFault};
    let h = Harness::start(db, "").await;
    h.woo
        .inject_fault(WooEndpoint::CreateOrder, WooFault::LostReply, 1);
    let id = h.place(0, 1);
    h.engine.run_import().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::NotShipped);
    assert_eq!(order.webshop_order_id, None, "the reply was lost");
    h.clock.advance(Duration::minutes(5));
    h.cycles(2).await;
    assert_eq!(
        h.woo.create_requests(),
        1,
        "found by its code instead of created again"
    );
    let order = h.order(&id).await;
    assert_eq!(
        order.webshop_order_id.map(|id| id.to_string()),
        Some(h.webshop_id(&id).to_string())
    );
}

async fn manual_orders_are_left_alone_and_sync_reads_both_sides(db: TestDb) {
    let h = Harness::start(db, "").await;
    let manual = h.place(0, 1);
    let synced = h.place(1, 1);
    h.cycles(1).await;
    let manual_code = h.order(&manual).await.code.to_string();
    h.engine.handle_manually(&manual_code).await.unwrap();
    h.woo
        .complete_order(h.webshop_id(&manual), Some(("PostNL", "3SABCD1234567")));
    h.woo
        .complete_order(h.webshop_id(&synced), Some(("PostNL", "3SABCD7654321")));
    let synced_code = h.order(&synced).await.code.to_string();
    let after_sync = h.engine.sync_order(&synced_code).await.unwrap();
    assert_eq!(
        after_sync.tracking_code.as_ref().map(|c| c.as_str()),
        Some("3SABCD7654321"),
        "sync read the completion from the webshop without waiting for the track job"
    );
    assert_eq!(
        h.bol.shipment_requests(),
        0,
        "sync leaves the call to the ship job"
    );
    h.engine.run_ship().await.unwrap();
    h.engine.run_ship().await.unwrap();
    assert_eq!(h.order(&synced).await.status, OrderStatus::Shipped);
    h.cycles(3).await;
    assert_eq!(h.order(&manual).await.status, OrderStatus::Manual);
    assert!(h.bol.shipments().iter().all(|s| s.order_id != manual));
    assert_eq!(h.order(&synced).await.status, OrderStatus::Shipped);
}

async fn a_buyer_request_after_the_shipment_was_sent_does_not_cancel_or_stick(db: TestDb) {
    use orderbridge::engine::{Failpoint, JobError};
    let h = Harness::start(db, "").await;
    let id = h.place(0, 1);
    h.cycles(1).await;
    h.woo
        .complete_order(h.webshop_id(&id), Some(("PostNL", "3SABCD1234567")));
    h.engine.run_track().await.unwrap();
    // The shipment goes out but its outcome is not recorded yet...
    h.engine.failpoints().arm(Failpoint::ShipAfterCall);
    assert!(matches!(
        h.engine.run_ship().await,
        Err(JobError::Failpoint(_))
    ));
    // ...when the buyer asks to cancel.
    h.bol.request_cancellation(&id);
    h.cycles(4).await;
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Shipped);
    assert!(h.bol.cancellations().is_empty());
    assert_eq!(h.bol.shipments().len(), 1);
}

async fn a_refused_cancellation_is_recorded_at_once_and_resend_completes_it(db: TestDb) {
    use orderbridge_bol::sim::{SimEndpoint, SimFault};
    let h = Harness::start(db, "").await;
    let id = h.place(0, 1);
    h.cycles(1).await;
    h.woo.cancel_order(h.webshop_id(&id));
    h.engine.run_track().await.unwrap();
    h.bol
        .inject_fault(SimEndpoint::Cancellation, SimFault::Status(400), 1);
    h.engine.run_cancel().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(
        order.status,
        OrderStatus::Error,
        "recorded on the first refusal"
    );
    assert!(order
        .error
        .clone()
        .unwrap()
        .contains("refused the cancellation"));
    assert_eq!(
        h.bol.cancellations().len(),
        0,
        "the refused request did nothing"
    );
    h.cycles(2).await;
    assert_eq!(
        h.order(&id).await.status,
        OrderStatus::Error,
        "no retry on its own"
    );
    h.engine.resend_order(order.code.as_str()).await.unwrap();
    h.cycles(3).await;
    assert_eq!(h.order(&id).await.status, OrderStatus::Cancelled);
    assert_eq!(h.bol.cancellations().len(), 1);
}

async fn a_manual_order_stays_manual_when_a_call_in_flight_answers(db: TestDb) {
    use orderbridge::engine::{Failpoint, JobError};
    let h = Harness::start(db, "").await;
    let id = h.place(0, 1);
    h.cycles(1).await;
    h.woo
        .complete_order(h.webshop_id(&id), Some(("PostNL", "3SABCD1234567")));
    h.engine.run_track().await.unwrap();
    h.engine.failpoints().arm(Failpoint::ShipAfterIntent);
    assert!(matches!(
        h.engine.run_ship().await,
        Err(JobError::Failpoint(_))
    ));
    let code = h.order(&id).await.code.to_string();
    h.engine.handle_manually(&code).await.unwrap();
    h.cycles(3).await;
    assert_eq!(h.order(&id).await.status, OrderStatus::Manual);
    assert_eq!(
        h.bol.shipment_requests(),
        0,
        "the daemon no longer touches it"
    );
}

both_backends!(
    each_order_is_created_once_and_shipped_once_with_the_right_transporter,
    a_completed_order_without_tt_waits_then_ships_without_tt,
    a_tt_code_arriving_during_the_wait_ships_with_it,
    an_order_the_buyer_cancels_before_import_never_reaches_the_webshop,
    a_buyer_cancellation_after_creation_cancels_the_webshop_order_and_is_confirmed,
    an_order_cancelled_by_bol_cancels_the_webshop_order,
    a_webshop_cancellation_cancels_on_the_marketplace,
    stock_is_pushed_only_when_it_changed_minus_the_buffer,
    unmanaged_stock_out_of_stock_is_zero_on_bol_and_in_stock_is_left_alone,
    a_stock_update_for_a_deleted_offer_lists_the_offers_anew,
    an_unknown_sku_errors_alone_and_a_resend_completes_its_batch,
    a_lost_create_reply_does_not_create_the_order_twice,
    manual_orders_are_left_alone_and_sync_reads_both_sides,
    a_buyer_request_after_the_shipment_was_sent_does_not_cancel_or_stick,
    a_refused_cancellation_is_recorded_at_once_and_resend_completes_it,
    a_manual_order_stays_manual_when_a_call_in_flight_answers
);
