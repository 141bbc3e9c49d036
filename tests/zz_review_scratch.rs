//! SCRATCH (review): demonstrations of engine bugs. Delete after the review.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use common::Harness;
use orderbridge::config::Config;
use orderbridge::connectors::{AnyMarketplace, AnyWebshop};
use orderbridge::daemon::build_engine;
use orderbridge::engine::{Engine, EngineSettings};
use orderbridge::status::{OrderStatus, Step};
use orderbridge::store::Store;
use orderbridge_bol::sim::{SimEndpoint, SimFault};
use orderbridge_core::domain::{OrderCode, Sku, WebshopOrderId};
use orderbridge_core::webshop::{NewOrder, StockLevel, WebshopOrder};
use orderbridge_core::{ConnectorError, ConnectorResult, Webshop};
use orderbridge_woocommerce::sim::{WooEndpoint, WooFault};

fn config(h: &Harness) -> Config {
    Config::load(&h.dir.path().join("orderbridge.toml")).unwrap()
}

/// `orderbridge orders sync <code>` in a second process while the daemon's import job is
/// creating the same order: the CLI runs `run_create` without the job lease.
#[tokio::test]
async fn cli_sync_during_a_daemon_create_creates_the_order_twice() {
    let h = Harness::start("").await;
    let id = h.place(0, 1);
    let config = config(&h);
    let cli_store = Store::open(&config.database_location()).await.unwrap();
    let cli = build_engine(
        &config.connections[0],
        &cli_store,
        Arc::new(h.clock.clone()),
    )
    .unwrap();
    // The daemon's product lookup (made after the create intent is committed, before the POST)
    // is slow.
    h.woo.inject_fault(
        WooEndpoint::Products,
        WooFault::Delay(StdDuration::from_millis(1500)),
        1,
    );
    let daemon = h.engine.run_import();
    let merchant = async {
        tokio::time::sleep(StdDuration::from_millis(500)).await;
        let code = h.order(&id).await.code;
        cli.sync_order(&code).await
    };
    let (a, b) = tokio::join!(daemon, merchant);
    a.unwrap();
    b.unwrap();
    assert_eq!(
        h.woo.orders_with_marketplace_order(&id).len(),
        2,
        "created twice"
    );
}

/// The merchant hands an order over (`manual`) while a ship run that already read it is busy
/// with an earlier order: the run still ships it and overwrites `manual`.
#[tokio::test]
async fn manual_is_overwritten_by_a_ship_run_in_flight() {
    let h = Harness::start("").await;
    let a = h.place(0, 1);
    let m = h.place(1, 1);
    h.engine.run_import().await.unwrap();
    h.woo
        .complete_order(h.webshop_id(&a), Some(("PostNL", "3SABCD1234567")));
    h.woo
        .complete_order(h.webshop_id(&m), Some(("PostNL", "3SABCD7654321")));
    h.engine.run_track().await.unwrap();
    let config = config(&h);
    let cli_store = Store::open(&config.database_location()).await.unwrap();
    let cli = build_engine(
        &config.connections[0],
        &cli_store,
        Arc::new(h.clock.clone()),
    )
    .unwrap();
    let m_code = h.order(&m).await.code;
    h.bol.inject_fault(
        SimEndpoint::CreateShipment,
        SimFault::Delay(StdDuration::from_millis(1000)),
        1,
    );
    let (ship, manual) = tokio::join!(h.engine.run_ship(), async {
        tokio::time::sleep(StdDuration::from_millis(300)).await;
        cli.handle_manually(&m_code).await
    });
    ship.unwrap();
    assert_eq!(manual.unwrap().status, OrderStatus::Manual);
    let after = h.order(&m).await;
    assert_eq!(
        after.status,
        OrderStatus::PendingShipment,
        "manual was overwritten"
    );
    assert_eq!(h.bol.shipment_requests(), 2, "the manual order was shipped");
}

/// A buyer's cancellation request noticed by the import job (from a snapshot read before the
/// ship intent) lands between the ship intent and the ship reply: the order ends in
/// `pending_shipment` with `cancel_step = ready`, which no job selects again.
#[tokio::test]
async fn cancellation_racing_a_shipment_leaves_the_order_stuck() {
    let h = Harness::start("").await;
    let a = h.place(0, 1);
    let b = h.place(1, 1);
    h.engine.run_import().await.unwrap();
    h.woo
        .complete_order(h.webshop_id(&a), Some(("PostNL", "3SABCD1234567")));
    h.engine.run_track().await.unwrap();
    assert_eq!(h.order(&a).await.ship_step, Step::Ready);
    h.bol.request_cancellation(&a);
    h.bol.cancel_by_bol(&b);
    // Reading B (which left the open list) is slow; the shipment reply is slower.
    h.bol.inject_fault(
        SimEndpoint::GetOrder,
        SimFault::Delay(StdDuration::from_millis(1000)),
        1,
    );
    h.bol.inject_fault(
        SimEndpoint::CreateShipment,
        SimFault::Delay(StdDuration::from_millis(2000)),
        1,
    );
    let (import, ship) = tokio::join!(h.engine.run_import(), async {
        tokio::time::sleep(StdDuration::from_millis(300)).await;
        h.engine.run_ship().await
    });
    import.unwrap();
    ship.unwrap();
    for _ in 0..5 {
        h.clock.advance(chrono::Duration::minutes(5));
        h.cycle().await;
    }
    let order = h.order(&a).await;
    eprintln!(
        "status={} ship_step={:?} cancel_step={:?} webshop_cancelled={}",
        order.status, order.ship_step, order.cancel_step, order.webshop_cancelled
    );
    assert_eq!(order.status, OrderStatus::PendingShipment);
    assert_eq!(order.cancel_step, Step::Ready);
    assert_eq!(order.ship_step, Step::Pending, "never followed to shipped");
}

/// A webshop that creates the order but answers with a body that does not decode (a PHP
/// notice before the JSON, a plugin's output): InvalidPayload.
struct Garbling {
    inner: AnyWebshop,
    garble_next_create: AtomicBool,
}

impl Webshop for Garbling {
    async fn create_order(&self, order: &NewOrder) -> ConnectorResult<WebshopOrderId> {
        let id = self.inner.create_order(order).await?;
        if self.garble_next_create.swap(false, Ordering::SeqCst) {
            return Err(ConnectorError::InvalidPayload {
                vendor: "woocommerce".into(),
                location: "POST wc/v3/orders".into(),
                message: "expected value at line 1 column 1".into(),
            });
        }
        Ok(id)
    }
    async fn find_order(
        &self,
        code: &OrderCode,
        created_since: DateTime<Utc>,
    ) -> ConnectorResult<Option<WebshopOrderId>> {
        self.inner.find_order(code, created_since).await
    }
    async fn order(&self, id: &WebshopOrderId) -> ConnectorResult<WebshopOrder> {
        self.inner.order(id).await
    }
    async fn changed_orders(&self, since: DateTime<Utc>) -> ConnectorResult<Vec<WebshopOrder>> {
        self.inner.changed_orders(since).await
    }
    async fn cancel_order(&self, id: &WebshopOrderId) -> ConnectorResult<()> {
        self.inner.cancel_order(id).await
    }
    async fn stock_levels(&self, skus: &[Sku]) -> ConnectorResult<Vec<StockLevel>> {
        self.inner.stock_levels(skus).await
    }
}

#[tokio::test]
async fn an_undecodable_create_reply_then_resend_creates_twice_and_freezes_the_watermark() {
    let h = Harness::start("").await;
    let config = config(&h);
    let conn = &config.connections[0];
    let marketplace = AnyMarketplace::build(&conn.marketplace, None).unwrap();
    let webshop = Garbling {
        inner: AnyWebshop::build(&conn.webshop, None).unwrap(),
        garble_next_create: AtomicBool::new(true),
    };
    let engine = Engine::new(
        EngineSettings {
            connection: "shop".into(),
            marketplace_label: "bol.com".into(),
            tracking_wait: StdDuration::from_secs(3 * 3600),
            stock_buffer: 0,
            carrier_rules: conn.carrier_rules.clone(),
            retry_delay: StdDuration::from_secs(60),
            batch_limit: 200,
        },
        h.store.clone(),
        marketplace,
        webshop,
        Arc::new(h.clock.clone()),
    );
    let id = h.place(0, 1);
    engine.run_import().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Error);
    assert_eq!(
        order.create_step,
        Step::Pending,
        "back to pending: no lookup next time"
    );
    assert_eq!(
        h.woo.orders_with_marketplace_order(&id).len(),
        1,
        "it IS in the shop"
    );

    // The watermark can never pass that order's creation any more.
    let other = h.place(1, 1);
    engine.run_import().await.unwrap();
    tokio::time::sleep(StdDuration::from_millis(2100)).await;
    h.woo
        .complete_order(h.webshop_id(&other), Some(("PostNL", "3SABCD1234567")));
    engine.run_track().await.unwrap();
    engine.run_track().await.unwrap();
    let stuck = h.woo.orders_with_marketplace_order(&id)[0].clone();
    let watermark = h.store.webshop_watermark("shop").await.unwrap().unwrap();
    eprintln!("watermark={watermark} garbled order={stuck:?}");

    // The merchant resends it: created a second time.
    engine.resend_order(&order.code).await.unwrap();
    assert_eq!(
        h.woo.orders_with_marketplace_order(&id).len(),
        2,
        "created twice"
    );
}

/// A refused marketplace cancellation is not recorded (the guard compares with the snapshot's
/// `ready`, the row is `requested`): no error shown, and the next run sends it again.
#[tokio::test]
async fn a_refused_cancellation_is_not_recorded_and_is_sent_again() {
    let h = Harness::start("").await;
    let id = h.place(1, 2);
    h.engine.run_import().await.unwrap();
    h.woo.cancel_order(h.webshop_id(&id));
    h.engine.run_track().await.unwrap();
    assert_eq!(h.order(&id).await.status, OrderStatus::PendingCancellation);
    h.bol
        .inject_fault(SimEndpoint::Cancellation, SimFault::Status(400), 1);
    h.engine.run_cancel().await.unwrap();
    let order = h.order(&id).await;
    eprintln!(
        "after refusal: status={} cancel_step={:?} error={:?}",
        order.status, order.cancel_step, order.error
    );
    assert_eq!(
        order.status,
        OrderStatus::PendingCancellation,
        "refusal not recorded"
    );
    assert_eq!(order.cancel_step, Step::Requested);
    assert_eq!(order.error, None);
}
