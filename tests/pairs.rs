//! The order loop for every marketplace × webshop pair (bol.com with WooCommerce and with
//! Medusa), on both backends: each order created exactly once (also when the shop's answer is
//! lost), shipped once with the right transporter (named by the shop or detected from the
//! code), cancelled both ways, and stock carried to the marketplace. A new webshop connector
//! joins by adding its simulator to `common/pair.rs` and its kind to `every_pair!`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use chrono::Duration;
use common::pair::Pair;
use common::TestDb;
use orderbridge::status::OrderStatus;

async fn each_order_is_created_once_and_shipped_once_with_the_right_transporter(
    db: TestDb,
    webshop: &str,
) {
    let p = Pair::start(db, webshop, "").await;
    let postnl = p.place(0, 1);
    let dhl = p.place(1, 2);
    p.cycles(2).await;
    for id in [&postnl, &dhl] {
        assert_eq!(p.order(id).await.status, OrderStatus::NotShipped);
    }
    p.shop
        .ship(&p.shop.order_of(&postnl), "PostNL", "3SABCD1234567");
    p.shop.ship(
        &p.shop.order_of(&dhl),
        "DHL Parcel",
        "JVGL06012345678901234567",
    );
    p.cycles(4).await;
    p.cycles(2).await;
    let shipments = p.bol.shipments();
    for (id, transporter, code) in [
        (&postnl, "TNT", "3SABCD1234567"),
        (&dhl, "DHLFORYOU", "JVGL06012345678901234567"),
    ] {
        let of_order: Vec<_> = shipments.iter().filter(|s| &s.order_id == id).collect();
        assert_eq!(
            of_order.len(),
            1,
            "{webshop}: order {id} shipped {} times",
            of_order.len()
        );
        assert_eq!(
            of_order[0].transporter_code.as_deref(),
            Some(transporter),
            "{webshop}"
        );
        assert_eq!(of_order[0].track_and_trace.as_deref(), Some(code));
        assert_eq!(p.order(id).await.status, OrderStatus::Shipped);
        p.shop.order_of(id);
    }
    assert_eq!(
        p.bol.shipment_requests(),
        2,
        "no shipment was even attempted twice"
    );
    assert_eq!(
        p.shop.create_requests(),
        2,
        "no order was even attempted twice"
    );
}

async fn a_lost_create_reply_does_not_create_the_order_twice(db: TestDb, webshop: &str) {
    let p = Pair::start(db, webshop, "").await;
    p.shop.lose_next_create_reply();
    let id = p.place(0, 1);
    p.engine.run_import().await.unwrap();
    let order = p.order(&id).await;
    assert_eq!(
        order.webshop_order_id, None,
        "{webshop}: the reply was lost"
    );
    p.clock.advance(Duration::minutes(5));
    p.cycles(2).await;
    assert_eq!(
        p.shop.create_requests(),
        1,
        "{webshop}: found by its code, not created again"
    );
    let order = p.order(&id).await;
    assert_eq!(
        order.webshop_order_id.map(|id| id.to_string()),
        Some(p.shop.order_of(&id))
    );
    assert_eq!(order.status, OrderStatus::NotShipped);
}

async fn a_buyer_cancellation_cancels_the_webshop_order_and_is_confirmed(
    db: TestDb,
    webshop: &str,
) {
    let p = Pair::start(db, webshop, "").await;
    let id = p.place(2, 1);
    p.cycles(1).await;
    let webshop_id = p.shop.order_of(&id);
    p.bol.request_cancellation(&id);
    p.cycles(3).await;
    assert!(p.shop.is_cancelled(&webshop_id), "{webshop}");
    assert_eq!(p.order(&id).await.status, OrderStatus::Cancelled);
    assert_eq!(p.bol.cancellations().len(), 1);
    assert!(p.bol.shipments().is_empty());
}

async fn a_webshop_cancellation_cancels_on_the_marketplace(db: TestDb, webshop: &str) {
    let p = Pair::start(db, webshop, "").await;
    let keep = p.place(0, 1);
    let cancel = p.place(1, 2);
    p.cycles(1).await;
    p.shop.cancel(&p.shop.order_of(&cancel));
    p.cycles(3).await;
    assert_eq!(
        p.order(&cancel).await.status,
        OrderStatus::Cancelled,
        "{webshop}"
    );
    let cancellations = p.bol.cancellations();
    assert_eq!(cancellations.len(), 1);
    assert_eq!(cancellations[0].order_id, cancel);
    assert_eq!(p.order(&keep).await.status, OrderStatus::NotShipped);
    assert_eq!(p.bol.order(&cancel).unwrap().items[0].quantity_cancelled, 2);
}

async fn stock_reaches_the_marketplace_minus_the_buffer(db: TestDb, webshop: &str) {
    let p = Pair::start(db, webshop, "[stock]\nbuffer = 2\n").await;
    p.bol.set_process_pending_reads(0);
    let offer_0 = p.bol.add_offer(&p.products[0].sku, &p.products[0].ean, 3);
    let offer_1 = p.bol.add_offer(&p.products[1].sku, &p.products[1].ean, 8);
    p.engine.run_stock().await.unwrap();
    p.engine.run_stock().await.unwrap();
    // 10 in the shop minus the buffer: only offer 0 differs from bol.
    assert_eq!(
        p.bol.stock_updates(),
        vec![(offer_0.clone(), 8)],
        "{webshop}"
    );
    p.shop.set_stock(&p.products[1].sku, 5);
    p.engine.run_stock().await.unwrap();
    p.engine.run_stock().await.unwrap();
    assert_eq!(p.bol.offer_stock(&offer_1), Some(3), "{webshop}");
    // An order placed in the shop lowers what may be offered (Medusa reserves it).
    let id = p.place(1, 2);
    p.cycles(1).await;
    p.shop.order_of(&id);
    p.engine.run_stock().await.unwrap();
    p.engine.run_stock().await.unwrap();
    assert_eq!(p.bol.offer_stock(&offer_1), Some(1), "{webshop}");
}

every_pair!(
    each_order_is_created_once_and_shipped_once_with_the_right_transporter,
    a_lost_create_reply_does_not_create_the_order_twice,
    a_buyer_cancellation_cancels_the_webshop_order_and_is_confirmed,
    a_webshop_cancellation_cancels_on_the_marketplace,
    stock_reaches_the_marketplace_minus_the_buffer,
);
