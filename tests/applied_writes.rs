//! The engine with a marketplace whose writes are applied before the call returns (as
//! Shopify's, Magento's or Medusa's are), instead of bol's processes to follow: shipments,
//! cancellations, stock and labels end in the run that sends them, with nothing pending.
//!
//! The marketplace is the bol simulator behind a wrapper that follows each of bol's processes
//! to its end before answering, so every vendor rule of the simulator still holds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use std::sync::Arc;

use common::TestDb;
use common::{line, Harness};
use orderbridge::config::MarketplaceSettings;
use orderbridge::connectors::AnyWebshop;
use orderbridge::daemon::engine_settings;
use orderbridge::engine::Engine;
use orderbridge::status::{OrderStatus, Step};
use orderbridge_bol::sim::SimOrder;
use orderbridge_bol::BolClient;
use orderbridge_core::domain::{
    LabelOfferId, MarketplaceOrder, MarketplaceOrderId, OfferId, OpenOrder, ProcessId,
    ShippingLabelId,
};
use orderbridge_core::marketplace::{
    Cancellation, Label, LabelOffer, LineQuantity, Offer, Process, ProcessKind, ProcessState,
    Shipment, WriteOutcome,
};
use orderbridge_core::{ConnectorError, ConnectorResult, Marketplace, MarketplaceKind};

/// bol, answering each write only once its process ended.
#[derive(Clone)]
struct Synchronous(BolClient);

impl Synchronous {
    async fn finish(&self, process: ConnectorResult<Process>) -> ConnectorResult<WriteOutcome> {
        let mut process = process?;
        for _ in 0..20 {
            match &process.state {
                ProcessState::Succeeded => {
                    return Ok(WriteOutcome::Applied {
                        entity_id: process.entity_id.clone(),
                    })
                }
                ProcessState::Failed { message } => {
                    return Err(ConnectorError::Rejected {
                        vendor: "bol".into(),
                        message: message.clone(),
                    })
                }
                ProcessState::TimedOut | ProcessState::Pending => {}
            }
            process = self.0.processes(&[process.id.clone()]).await?.remove(0);
        }
        panic!("process {} never ended", process.id);
    }
}

impl Marketplace for Synchronous {
    async fn open_orders(&self) -> ConnectorResult<Vec<OpenOrder>> {
        self.0.open_orders().await
    }
    async fn order(&self, id: &MarketplaceOrderId) -> ConnectorResult<MarketplaceOrder> {
        Marketplace::order(&self.0, id).await
    }
    async fn ship(&self, shipment: &Shipment) -> ConnectorResult<WriteOutcome> {
        self.finish(BolClient::ship(&self.0, shipment).await).await
    }
    async fn cancel(&self, cancellation: &Cancellation) -> ConnectorResult<WriteOutcome> {
        self.finish(BolClient::cancel(&self.0, cancellation).await)
            .await
    }
    async fn processes(&self, ids: &[ProcessId]) -> ConnectorResult<Vec<Process>> {
        self.0.processes(ids).await
    }
    async fn find_processes(
        &self,
        entity_id: &str,
        kind: ProcessKind,
    ) -> ConnectorResult<Vec<Process>> {
        self.0.find_processes(entity_id, kind).await
    }
    async fn offers(&self) -> ConnectorResult<Vec<Offer>> {
        self.0.offers().await
    }
    async fn update_stock(&self, offer_id: &OfferId, amount: u32) -> ConnectorResult<WriteOutcome> {
        self.finish(BolClient::update_stock(&self.0, offer_id, amount).await)
            .await
    }
    async fn label_offers(&self, lines: &[LineQuantity]) -> ConnectorResult<Vec<LabelOffer>> {
        self.0.label_offers(lines).await
    }
    async fn buy_label(
        &self,
        lines: &[LineQuantity],
        offer: &LabelOfferId,
    ) -> ConnectorResult<WriteOutcome> {
        self.finish(BolClient::buy_label(&self.0, lines, offer).await)
            .await
    }
    async fn label(&self, id: &ShippingLabelId) -> ConnectorResult<Label> {
        self.0.label(id).await
    }
    fn refresh_offers(&self) {
        self.0.refresh_offers();
    }
}

fn synchronous_engine(h: &Harness) -> Engine<Synchronous, AnyWebshop> {
    let connection = &h.config.connections[0];
    let MarketplaceSettings::Bol(bol) = &connection.marketplace;
    let client = <BolClient as MarketplaceKind>::build(bol, None).unwrap();
    let webshop = AnyWebshop::build(&connection.webshop, None).unwrap();
    Engine::new(
        engine_settings(connection, "bol.com"),
        h.store.clone(),
        Synchronous(client),
        webshop,
        Arc::new(h.clock.clone()),
    )
}

async fn applied_shipments_and_cancellations_end_in_the_run_that_sends_them(db: TestDb) {
    let h = Harness::start(db, "").await;
    let engine = synchronous_engine(&h);
    let shipped = h.place(0, 2);
    let cancelled = h.place(1, 1);
    engine.run_import().await.unwrap();
    h.woo
        .complete_order(h.webshop_id(&shipped), Some(("PostNL", "3SABCD1234567")));
    h.woo.cancel_order(h.webshop_id(&cancelled));
    engine.run_track().await.unwrap();

    engine.run_ship().await.unwrap();
    let order = h.order(&shipped).await;
    assert_eq!(order.status, OrderStatus::Shipped, "{:?}", order.error);
    assert_eq!(order.ship.step, Step::Done);
    assert!(order.ship.process_ids.is_empty(), "nothing to follow");
    assert_eq!(h.bol.shipments().len(), 1);

    engine.run_cancel().await.unwrap();
    let order = h.order(&cancelled).await;
    assert_eq!(order.status, OrderStatus::Cancelled, "{:?}", order.error);
    assert_eq!(h.bol.cancellations().len(), 1);
    assert!(order.cancel.process_ids.is_empty(), "nothing to follow");
    let history = h.store.history(order.id).await.unwrap();
    assert!(
        history.iter().any(|e| e
            .message
            .contains("the marketplace applied the cancellation")),
        "ended when the call returned"
    );
}

async fn applied_stock_updates_are_not_followed(db: TestDb) {
    let h = Harness::start(db, "").await;
    let engine = synchronous_engine(&h);
    h.bol.add_offer(&h.products[0].sku, &h.products[0].ean, 3);
    engine.run_stock().await.unwrap();
    let pushed = h.store.pushed_stock("shop").await.unwrap();
    assert_eq!(pushed.len(), 1);
    assert!(pushed.values().all(|p| p.process_id.is_none()), "applied");
    engine.run_stock().await.unwrap();
    assert_eq!(h.bol.stock_updates().len(), 1, "pushed once");
}

async fn a_label_sold_at_once_is_kept_in_the_same_run(db: TestDb) {
    let h = Harness::start(db, "[labels]\nbuy = true\n").await;
    let engine = synchronous_engine(&h);
    let id = h
        .bol
        .add_order(SimOrder::nl(vec![line(&h.products[0], 1)]).with_line_shipped_via_bol(0));
    engine.run_import().await.unwrap();
    let order = h.order(&id).await;
    assert_eq!(order.label.step, Step::Done, "{:?}", order.error);
    assert!(order.label_id.is_some());
    assert_eq!(h.bol.label_purchase_requests(), 1);
}

both_backends!(
    applied_shipments_and_cancellations_end_in_the_run_that_sends_them,
    applied_stock_updates_are_not_followed,
    a_label_sold_at_once_is_kept_in_the_same_run
);
