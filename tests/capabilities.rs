//! The engine reads what the connectors of a connection can do (their kinds' capabilities)
//! instead of assuming bol.com's and WooCommerce's abilities: a job a connector cannot serve
//! is not run, and an interrupted creation in a webshop that cannot find orders by our code
//! is never created again without the merchant.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use chrono::Duration;
use common::{Harness, TestDb};
use orderbridge::connectors::{AnyMarketplace, AnyWebshop};
use orderbridge::daemon::engine_settings;
use orderbridge::engine::{Engine, EngineSettings, Failpoint};
use orderbridge::status::OrderStatus;
use orderbridge_woocommerce::sim::{WooEndpoint, WooFault};

/// The connection's engine, its settings changed by `adjust` first.
fn engine_with(
    h: &Harness,
    adjust: impl FnOnce(&mut EngineSettings),
) -> Engine<AnyMarketplace, AnyWebshop> {
    h.engine_over(h.marketplace(), adjust)
}

async fn the_capabilities_come_from_the_connectors_kinds(db: TestDb) {
    let h = Harness::start(db, "").await;
    let settings = engine_settings(&h.config.connections[0], "bol.com");
    assert!(settings.marketplace_capabilities.stock && settings.webshop_capabilities.stock);
    assert!(settings.webshop_capabilities.lookup_by_reference);
}

async fn stock_is_not_carried_when_a_connector_has_none(db: TestDb) {
    let h = Harness::start(db, "").await;
    h.bol.add_offer(&h.products[0].sku, &h.products[0].ean, 3);
    let engine = engine_with(&h, |s| s.webshop_capabilities.stock = false);
    assert_eq!(engine.run_stock().await.unwrap().n_progressed, 0);
    assert_eq!(engine.run_stock().await.unwrap().n_progressed, 0);
    assert_eq!(h.bol.offer_export_requests(), 0, "offers are not even read");
    let engine = engine_with(&h, |s| s.marketplace_capabilities.stock = false);
    assert_eq!(engine.run_stock().await.unwrap().n_progressed, 0);
    assert_eq!(h.bol.offer_export_requests(), 0);
    // The same connection with stock on both sides carries it (10 in the shop, 3 on bol).
    assert_eq!(h.engine.run_stock().await.unwrap().n_progressed, 1);
    assert_eq!(h.bol.offer_export_requests(), 1);
}

async fn an_interrupted_create_without_lookup_waits_for_the_merchant(db: TestDb) {
    let h = Harness::start(db, "").await;
    let engine = engine_with(&h, |s| s.webshop_capabilities.lookup_by_reference = false);
    // The shop fails the creation in a way that leaves its outcome unknown.
    h.woo
        .inject_fault(WooEndpoint::CreateOrder, WooFault::Status(503), 1);
    let id = h.place(0, 1);
    engine.run_import().await.unwrap();
    assert_eq!(h.woo.create_requests(), 1);
    h.clock.advance(Duration::minutes(10));
    engine.run_import().await.unwrap();
    engine.run_import().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Error);
    assert!(
        order
            .error
            .as_deref()
            .unwrap_or("")
            .contains("check whether order"),
        "{:?}",
        order.error
    );
    assert_eq!(h.woo.create_requests(), 1, "never created again by itself");
    assert!(h.woo.orders_with_marketplace_order(&id).is_empty());

    // The merchant checked the shop (nothing there) and resends: created, once.
    engine.resend_order(order.code.as_str()).await.unwrap();
    engine.run_import().await.unwrap();
    assert_eq!(h.woo.orders_with_marketplace_order(&id).len(), 1);
    assert_eq!(h.order(&id).await.status, OrderStatus::NotShipped);
    assert_eq!(h.woo.create_requests(), 2);
}

async fn an_interrupted_shipment_without_process_lookup_waits_for_the_merchant(db: TestDb) {
    let h = Harness::start(db, "").await;
    let engine = engine_with(&h, |s| s.marketplace_capabilities.process_lookup = false);
    let id = h.place(0, 1);
    engine.run_import().await.unwrap();
    h.woo
        .complete_order(h.webshop_id(&id), Some(("PostNL", "3SABCD1234567")));
    engine.run_track().await.unwrap();
    // The run stops between recording the intent and hearing bol's answer.
    engine.failpoints().arm(Failpoint::ShipAfterIntent);
    assert!(engine.run_ship().await.is_err());
    engine.run_ship().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Error);
    assert!(
        order
            .error
            .as_deref()
            .unwrap_or("")
            .contains("seller dashboard"),
        "{:?}",
        order.error
    );
    engine.run_ship().await.unwrap();
    assert_eq!(h.bol.shipment_requests(), 0, "never sent again by itself");

    // The merchant checked bol (not shipped) and resends: reported once.
    engine.resend_order(order.code.as_str()).await.unwrap();
    engine.run_ship().await.unwrap();
    engine.run_ship().await.unwrap();
    engine.run_ship().await.unwrap();
    assert_eq!(h.bol.shipment_requests(), 1);
    assert_eq!(h.bol.shipments().len(), 1);
    assert_eq!(h.order(&id).await.status, OrderStatus::Shipped);
}

async fn an_interrupted_cancellation_without_process_lookup_waits_for_the_merchant(db: TestDb) {
    let h = Harness::start(db, "").await;
    let engine = engine_with(&h, |s| s.marketplace_capabilities.process_lookup = false);
    let id = h.place(1, 2);
    engine.run_import().await.unwrap();
    h.woo.cancel_order(h.webshop_id(&id));
    engine.failpoints().arm(Failpoint::CancelAfterIntent);
    engine.run_track().await.ok();
    engine.run_cancel().await.ok();
    engine.run_cancel().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Error, "{:?}", order.error);
    assert!(h.bol.cancellations().is_empty(), "never sent by itself");

    engine.resend_order(order.code.as_str()).await.unwrap();
    for _ in 0..3 {
        engine.run_cancel().await.unwrap();
    }
    assert_eq!(h.bol.cancellations().len(), 1);
    assert_eq!(h.order(&id).await.status, OrderStatus::Cancelled);
}

both_backends!(
    an_interrupted_shipment_without_process_lookup_waits_for_the_merchant,
    an_interrupted_cancellation_without_process_lookup_waits_for_the_merchant,
    the_capabilities_come_from_the_connectors_kinds,
    stock_is_not_carried_when_a_connector_has_none,
    an_interrupted_create_without_lookup_waits_for_the_merchant,
);
