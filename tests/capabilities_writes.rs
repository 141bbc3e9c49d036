//! The engine's writes follow what the connectors can do: a marketplace that cancels whole
//! orders only gets one cancellation with every line, or none when part of the order is not
//! the merchant's to cancel; one that takes whole-order shipments only is never sent a partial
//! one; a webshop that cannot cancel orders through its API leaves that to the merchant and
//! carries on once the order is cancelled there; one that cannot list its changed orders has
//! the orders still open on our side read by id.
//!
//! The marketplace here is a test double over the bol simulator that cancels at once and
//! records what it was asked (as a marketplace with synchronous whole-order cancellation, such
//! as Mirakl's `OR29`, would); everything else goes to the simulator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use std::sync::{Arc, Mutex};

use common::{line, Harness, TestDb};
use orderbridge::connectors::{AnyMarketplace, AnyWebshop};
use orderbridge::engine::{Engine, EngineSettings};
use orderbridge::status::{OrderStatus, Step};
use orderbridge_bol::sim::SimOrder;
use orderbridge_core::domain::{
    LabelOfferId, MarketplaceOrder, MarketplaceOrderId, OfferId, OpenOrder, ProcessId,
    ShippingLabelId,
};
use orderbridge_core::marketplace::{
    Cancellation, Label, LabelOffer, LineQuantity, Offer, Process, ProcessKind, Shipment,
    WriteOutcome,
};
use orderbridge_core::{ConnectorResult, Marketplace};

/// The bol simulator's connector, except that cancellations are applied at once and recorded.
struct CancelsAtOnce {
    inner: AnyMarketplace,
    asked: Arc<Mutex<Vec<Cancellation>>>,
}

impl Marketplace for CancelsAtOnce {
    async fn open_orders(&self) -> ConnectorResult<Vec<OpenOrder>> {
        self.inner.open_orders().await
    }
    async fn order(&self, id: &MarketplaceOrderId) -> ConnectorResult<MarketplaceOrder> {
        self.inner.order(id).await
    }
    async fn ship(&self, shipment: &Shipment) -> ConnectorResult<WriteOutcome> {
        self.inner.ship(shipment).await
    }
    async fn cancel(&self, cancellation: &Cancellation) -> ConnectorResult<WriteOutcome> {
        self.asked.lock().unwrap().push(cancellation.clone());
        Ok(WriteOutcome::Applied { entity_id: None })
    }
    async fn processes(&self, ids: &[ProcessId]) -> ConnectorResult<Vec<Process>> {
        self.inner.processes(ids).await
    }
    async fn find_processes(
        &self,
        entity_id: &str,
        kind: ProcessKind,
    ) -> ConnectorResult<Vec<Process>> {
        self.inner.find_processes(entity_id, kind).await
    }
    async fn offers(&self) -> ConnectorResult<Vec<Offer>> {
        self.inner.offers().await
    }
    async fn update_stock(&self, offer_id: &OfferId, amount: u32) -> ConnectorResult<WriteOutcome> {
        self.inner.update_stock(offer_id, amount).await
    }
    async fn label_offers(&self, lines: &[LineQuantity]) -> ConnectorResult<Vec<LabelOffer>> {
        self.inner.label_offers(lines).await
    }
    async fn buy_label(
        &self,
        lines: &[LineQuantity],
        offer: &LabelOfferId,
    ) -> ConnectorResult<WriteOutcome> {
        self.inner.buy_label(lines, offer).await
    }
    async fn label(&self, id: &ShippingLabelId) -> ConnectorResult<Label> {
        Marketplace::label(&self.inner, id).await
    }
    fn refresh_offers(&self) {
        self.inner.refresh_offers();
    }
}

/// The connection's engine over [`CancelsAtOnce`], its settings changed by `adjust`, and what
/// the marketplace was asked to cancel.
fn engine_with(
    h: &Harness,
    adjust: impl FnOnce(&mut EngineSettings),
) -> (
    Engine<CancelsAtOnce, AnyWebshop>,
    Arc<Mutex<Vec<Cancellation>>>,
) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let marketplace = CancelsAtOnce {
        inner: h.marketplace(),
        asked: asked.clone(),
    };
    let engine = h.engine_over(marketplace, adjust);
    (engine, asked)
}

/// A two-line order in the webshop whose buyer asked to cancel it.
async fn cancel_requested(h: &Harness, order: SimOrder) -> String {
    let id = h.bol.add_order(order);
    h.cycles(1).await;
    h.bol.request_cancellation(&id);
    h.engine.run_import().await.unwrap();
    assert_eq!(h.order(&id).await.status, OrderStatus::CancellationRequest);
    id
}

fn two_lines(h: &Harness) -> SimOrder {
    SimOrder::nl(vec![line(&h.products[0], 1), line(&h.products[1], 2)])
}

fn error_of(order: &orderbridge::store::OrderRecord) -> &str {
    order.error.as_deref().unwrap_or("")
}

async fn a_whole_order_marketplace_gets_one_cancellation_with_every_line(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = cancel_requested(&h, two_lines(&h)).await;
    let (engine, asked) = engine_with(&h, |s| {
        s.marketplace_capabilities.per_line_cancellation = false
    });
    engine.run_cancel().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Cancelled, "{:?}", order.error);
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1, "one cancellation: {asked:?}");
    assert_eq!(asked[0].lines.len(), 2, "with both lines");

    // A marketplace that cancels line by line gets one per line.
    let id = cancel_requested(&h, two_lines(&h)).await;
    let (engine, asked) = engine_with(&h, |_| {});
    engine.run_cancel().await.unwrap();
    assert_eq!(h.order(&id).await.status, OrderStatus::Cancelled);
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 2);
    assert!(asked.iter().all(|c| c.lines.len() == 1));
}

async fn a_whole_order_marketplace_is_not_asked_to_cancel_part_of_an_order(db: TestDb) {
    let h = Harness::start(db, "").await;
    // Line 1 is bol's own (FBB): a whole-order cancellation would cancel it too.
    let id = cancel_requested(&h, two_lines(&h).with_line_fulfilled_by_bol(1)).await;
    let (engine, asked) = engine_with(&h, |s| {
        s.marketplace_capabilities.per_line_cancellation = false
    });
    engine.run_cancel().await.unwrap();
    engine.run_cancel().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Error);
    assert!(
        error_of(&order).contains("cancels whole orders only"),
        "{:?}",
        order.error
    );
    assert!(asked.lock().unwrap().is_empty(), "nothing sent");
}

async fn a_whole_order_marketplace_is_never_sent_a_partial_shipment(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = h.bol.add_order(two_lines(&h).with_line_fulfilled_by_bol(1));
    h.cycles(1).await;
    h.woo
        .complete_order(h.webshop_id(&id), Some(("PostNL", "3SABCD1234567")));
    let (engine, _) = engine_with(&h, |s| s.marketplace_capabilities.partial_shipment = false);
    engine.run_track().await.unwrap();
    engine.run_ship().await.unwrap();
    engine.run_ship().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Error);
    assert!(
        error_of(&order).contains("whole-order shipments only"),
        "{:?}",
        order.error
    );
    assert_eq!(h.bol.shipment_requests(), 0, "nothing sent");
}

async fn a_webshop_that_cannot_cancel_leaves_it_to_the_merchant_then_carries_on(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = cancel_requested(&h, two_lines(&h)).await;
    let (engine, asked) = engine_with(&h, |s| s.webshop_capabilities.cancellation = false);
    engine.run_cancel().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Error);
    assert!(
        error_of(&order).contains("cannot cancel orders through its API"),
        "{:?}",
        order.error
    );
    assert_eq!(
        h.woo.orders_with_marketplace_order(&id)[0].status,
        "processing",
        "not cancelled in the shop by us"
    );
    assert!(asked.lock().unwrap().is_empty(), "not confirmed yet");

    // A resend before the merchant cancelled it in the shop stops again.
    engine.resend_order(order.code.as_str()).await.unwrap();
    engine.run_cancel().await.unwrap();
    assert_eq!(h.order(&id).await.status, OrderStatus::Error);
    assert!(asked.lock().unwrap().is_empty());

    // The merchant cancels it in the shop and resends: the buyer's request is confirmed.
    h.woo.cancel_order(h.webshop_id(&id));
    engine.resend_order(order.code.as_str()).await.unwrap();
    engine.run_cancel().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Cancelled, "{:?}", order.error);
    assert_eq!(asked.lock().unwrap().len(), 2, "both lines confirmed");
}

async fn a_webshop_that_cannot_list_changes_has_its_open_orders_read_by_id(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = h.place(0, 1);
    h.cycles(1).await;
    // Whatever a changed-orders list would say after this mark, nothing before it: only a
    // read by id sees the completion below.
    let ahead = (chrono::Utc::now() + chrono::Duration::days(30)).timestamp_millis();
    h.store
        .advance_webshop_watermark("shop", ahead, None)
        .await
        .unwrap();
    h.woo
        .complete_order(h.webshop_id(&id), Some(("PostNL", "3SABCD1234567")));
    let (engine, _) = engine_with(&h, |s| s.webshop_capabilities.changed_orders = false);
    engine.run_track().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(order.ship.step, Step::Ready, "{:?}", order.error);
    assert_eq!(
        order.tracking_code.as_ref().map(|c| c.as_str()),
        Some("3SABCD1234567")
    );
}

both_backends!(
    a_webshop_that_cannot_list_changes_has_its_open_orders_read_by_id,
    a_whole_order_marketplace_gets_one_cancellation_with_every_line,
    a_whole_order_marketplace_is_not_asked_to_cancel_part_of_an_order,
    a_whole_order_marketplace_is_never_sent_a_partial_shipment,
    a_webshop_that_cannot_cancel_leaves_it_to_the_merchant_then_carries_on,
);
