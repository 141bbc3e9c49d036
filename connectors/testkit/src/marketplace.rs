//! The marketplace conformance suite. Every marketplace connector runs it against its
//! simulator (`tests/conformance.rs` in its crate), on its real client —
//!
//! - open orders are listed over several pages to the end, each once;
//! - an order reads back with its lines (SKU, quantity, price, what was paid);
//! - a partial shipment ships one line and leaves the other open, then the rest ships;
//! - a cancellation cancels the line, and the order leaves the open list;
//! - offers are listed and a stock update reaches the marketplace;
//! - error classes: a temporary server error, a rate limit and a damaged body on a read are
//!   retried (a body that stays damaged is unreadable), a wrong secret is an auth failure, an
//!   unknown order is not found.
//!
//! A write may apply at once or through a process the marketplace finishes later
//! ([`WriteOutcome`]); the suite follows processes to their end, as the engine does.

use std::future::Future;
use std::time::Duration;

use orderbridge_core::domain::{MarketplaceOrderId, OfferId, OrderLineId, Quantity};
use orderbridge_core::marketplace::{
    CancelReason, Cancellation, LineQuantity, ProcessState, Shipment, WriteOutcome,
};
use orderbridge_core::{ConnectorError, Marketplace};

use crate::ReadFault;

/// A line of an order the suite places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedLine {
    /// The merchant's reference (SKU).
    pub sku: String,
    /// The product's EAN.
    pub ean: String,
    /// Items.
    pub quantity: u32,
    /// Price of one item, VAT included.
    pub unit_price_cents: i64,
}

/// A connector's simulator as the suite drives it.
pub trait MarketplaceFixture: Sized + Send + Sync {
    /// The connector's client.
    type Client: Marketplace;

    /// The kind's name, in failure messages.
    const KIND: &'static str;

    /// A fresh marketplace account, retries fast enough for tests.
    fn start() -> impl Future<Output = Self> + Send;

    /// The connector, configured for this account, making 3 attempts at a call.
    fn client(&self) -> Self::Client;

    /// The connector with a wrong secret and no retries.
    fn client_with_wrong_secret(&self) -> Self::Client;

    /// A buyer places an order with these lines (NL address); its id.
    fn place_order(&self, lines: &[PlacedLine]) -> String;

    /// An offer of the merchant with `stock` items; its id.
    fn add_offer(&self, sku: &str, ean: &str, stock: u32) -> String;

    /// The stock the marketplace has for an offer.
    fn offer_stock(&self, offer_id: &str) -> Option<u32>;

    /// The next `times` reads of one order get `fault`.
    fn fail_next_reads(&self, fault: ReadFault, times: u32);
}

fn line(sku: &str, ean: &str, quantity: u32, unit_price_cents: i64) -> PlacedLine {
    PlacedLine {
        sku: sku.to_owned(),
        ean: ean.to_owned(),
        quantity,
        unit_price_cents,
    }
}

/// Waits for a write to be applied: at once, or when its process has ended.
async fn settle<M: Marketplace>(kind: &str, market: &M, outcome: WriteOutcome) {
    let WriteOutcome::Pending(process) = outcome else {
        return;
    };
    for _ in 0..200 {
        let processes = market
            .processes(std::slice::from_ref(&process.id))
            .await
            .unwrap_or_else(|e| panic!("{kind}: reading a process: {e}"));
        match processes.first().map(|p| &p.state) {
            Some(ProcessState::Succeeded) => return,
            Some(ProcessState::Pending) | None => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Some(other) => panic!("{kind}: process {} ended {other:?}", process.id),
        }
    }
    panic!("{kind}: process {} never ended", process.id);
}

/// Runs the whole suite on a fresh account of `F`.
///
/// # Panics
///
/// On the first behaviour the connector gets wrong, naming the kind and the check.
pub async fn conformance<F: MarketplaceFixture>() {
    let fixture = F::start().await;
    let market = fixture.client();
    let kind = F::KIND;
    let mug = ("KIT-MUG", "8712345678906");
    let tea = ("KIT-TEA", "8712345678913");

    // Open orders over several pages, each once.
    let mut placed = Vec::new();
    for _ in 0..120 {
        placed.push(fixture.place_order(&[line(mug.0, mug.1, 1, 1299)]));
    }
    let open = market
        .open_orders()
        .await
        .unwrap_or_else(|e| panic!("{kind}: open orders: {e}"));
    for id in &placed {
        let times = open.iter().filter(|o| o.id.as_str() == id).count();
        assert_eq!(times, 1, "{kind}: open order {id} listed {times} times");
    }

    // An order reads back with its lines.
    let two_lines = fixture.place_order(&[line(mug.0, mug.1, 2, 1299), line(tea.0, tea.1, 1, 450)]);
    let order_id = MarketplaceOrderId::parse(&two_lines).expect("an order id");
    let order = market
        .order(&order_id)
        .await
        .unwrap_or_else(|e| panic!("{kind}: order: {e}"));
    assert_eq!(order.lines.len(), 2, "{kind}: both lines");
    let first = &order.lines[0];
    assert_eq!(
        first.sku.as_ref().map(|s| s.as_str()),
        Some(mug.0),
        "{kind}: SKU"
    );
    assert_eq!(first.quantity.get(), 2, "{kind}: quantity");
    assert_eq!(first.unit_price.cents(), 1299, "{kind}: unit price");
    if let Some(total) = first.line_total {
        assert_eq!(total.cents(), 2598, "{kind}: what was paid for the line");
    }

    // A partial shipment: the mugs now, the tea later.
    let ship = |lines: Vec<(OrderLineId, u32)>, code: &str| Shipment {
        order_id: order_id.clone(),
        lines: lines
            .into_iter()
            .map(|(line_id, quantity)| LineQuantity {
                line_id,
                quantity: Quantity::new(quantity).expect("a quantity"),
            })
            .collect(),
        reference: "OBKIT0000001".to_owned(),
        carrier: Some(orderbridge_core::domain::Carrier::PostNl),
        tracking: Some(orderbridge_core::domain::TrackingCode::parse(code).expect("a code")),
        label: None,
    };
    let outcome = market
        .ship(&ship(vec![(first.line_id.clone(), 2)], "3SKIT0000001"))
        .await
        .unwrap_or_else(|e| panic!("{kind}: ship one line: {e}"));
    settle(kind, &market, outcome).await;
    let after = market.order(&order_id).await.expect("order");
    assert_eq!(
        after.lines[0].quantity_shipped, 2,
        "{kind}: the mugs shipped"
    );
    assert_eq!(
        after.lines[1].quantity_shipped, 0,
        "{kind}: the tea not yet"
    );
    let open = market.open_orders().await.expect("open orders");
    assert!(
        open.iter().any(|o| o.id == order_id),
        "{kind}: a partly shipped order stays open"
    );
    let outcome = market
        .ship(&ship(
            vec![(after.lines[1].line_id.clone(), 1)],
            "3SKIT0000002",
        ))
        .await
        .unwrap_or_else(|e| panic!("{kind}: ship the rest: {e}"));
    settle(kind, &market, outcome).await;
    let open = market.open_orders().await.expect("open orders");
    assert!(
        !open.iter().any(|o| o.id == order_id),
        "{kind}: a shipped order leaves the open list"
    );

    // A cancellation.
    let to_cancel = fixture.place_order(&[line(tea.0, tea.1, 3, 450)]);
    let cancel_id = MarketplaceOrderId::parse(&to_cancel).expect("an order id");
    let cancel_line = market.order(&cancel_id).await.expect("order").lines[0]
        .line_id
        .clone();
    let outcome = market
        .cancel(&Cancellation {
            order_id: cancel_id.clone(),
            lines: vec![cancel_line],
            reason: CancelReason::OutOfStock,
        })
        .await
        .unwrap_or_else(|e| panic!("{kind}: cancel: {e}"));
    settle(kind, &market, outcome).await;
    let cancelled = market.order(&cancel_id).await.expect("order");
    assert_eq!(
        cancelled.lines[0].quantity_cancelled, 3,
        "{kind}: cancelled whole"
    );
    let open = market.open_orders().await.expect("open orders");
    assert!(
        !open.iter().any(|o| o.id == cancel_id),
        "{kind}: a cancelled order leaves the open list"
    );

    // Offers and stock.
    let offer = fixture.add_offer(mug.0, mug.1, 3);
    let offers = market
        .offers()
        .await
        .unwrap_or_else(|e| panic!("{kind}: offers: {e}"));
    let listed = offers
        .iter()
        .find(|o| o.offer_id.as_str() == offer)
        .unwrap_or_else(|| panic!("{kind}: offer {offer} listed: {offers:?}"));
    assert_eq!(listed.sku.as_ref().map(|s| s.as_str()), Some(mug.0));
    let outcome = market
        .update_stock(&OfferId::parse(&offer).expect("an offer id"), 7)
        .await
        .unwrap_or_else(|e| panic!("{kind}: stock update: {e}"));
    settle(kind, &market, outcome).await;
    assert_eq!(
        fixture.offer_stock(&offer),
        Some(7),
        "{kind}: stock reached the marketplace"
    );

    // Error classes.
    for fault in [
        ReadFault::ServerError,
        ReadFault::RateLimited,
        ReadFault::Damaged,
    ] {
        fixture.fail_next_reads(fault, 1);
        let read = market.order(&order_id).await;
        assert!(
            read.is_ok(),
            "{kind}: a read is retried after {fault:?}: {read:?}"
        );
    }
    fixture.fail_next_reads(ReadFault::Damaged, 3);
    let err = market
        .order(&order_id)
        .await
        .expect_err("damaged three times");
    assert!(
        matches!(err, ConnectorError::InvalidPayload { .. }),
        "{kind}: a body that stays damaged is unreadable: {err:?}"
    );
    let stranger = fixture.client_with_wrong_secret();
    let err = stranger.order(&order_id).await.expect_err("wrong secret");
    assert!(
        matches!(err, ConnectorError::Auth { .. }),
        "{kind}: a wrong secret is an auth failure: {err:?}"
    );
    let unknown = MarketplaceOrderId::parse("9999999999").expect("an order id");
    let err = market.order(&unknown).await.expect_err("no such order");
    assert!(
        matches!(err, ConnectorError::NotFound { .. }),
        "{kind}: an unknown order is not found: {err:?}"
    );
}
