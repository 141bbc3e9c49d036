//! The webshop conformance suite. Every webshop connector runs it against its simulator
//! (`tests/conformance.rs` in its crate): the behaviours the engine relies on, whatever the
//! vendor, each checked on the connector's real client —
//!
//! - an order is created once and found again by our code; after an ambiguous failure (the
//!   shop acted, the answer was lost) the connector reports a transient error, does not send
//!   the creation again by itself, and `find_order` finds the order;
//! - nothing is found for a code never created;
//! - an unknown SKU fails as not found, naming the SKU, and creates nothing;
//! - a shipment made by the merchant reads back as completed with its T&T code;
//! - changed orders are walked to the end over several pages, each once;
//! - an order cancelled through the connector, or by the merchant, reads back as cancelled,
//!   and cancelling again succeeds;
//! - stock is read per SKU, an unknown SKU left out;
//! - error classes: a temporary server error and a rate limit on a read are retried, a
//!   damaged body on a read is read again (and is unreadable when it stays damaged), a
//!   refused creation is rejected, a wrong key is an auth failure, a deleted order is not
//!   found.

use std::future::Future;

use chrono::{Duration, Utc};
use orderbridge_core::domain::{OrderCode, Sku, WebshopOrderId};
use orderbridge_core::webshop::WebshopStatus;
use orderbridge_core::{ConnectorError, Webshop};

use crate::fixtures::order;

/// SKUs the suite's shop sells (10 of each, price €12.99), besides one it does not.
pub const SKUS: [&str; 2] = ["KIT-MUG", "KIT-TEA"];

/// A fault for the next reads of an order by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFault {
    /// HTTP 503.
    ServerError,
    /// HTTP 429 with a `Retry-After` of 0 or 1 second.
    RateLimited,
    /// A 2xx whose body is cut short.
    Damaged,
}

/// A connector's simulator as the suite drives it.
pub trait WebshopFixture: Sized + Send + Sync {
    /// The connector's client.
    type Client: Webshop;

    /// The kind's name, in failure messages.
    const KIND: &'static str;

    /// A fresh shop selling [`SKUS`], 10 of each at €12.99, configured so an order totals
    /// what the buyer paid (e.g. prices including VAT), with retries fast enough for tests.
    fn start() -> impl Future<Output = Self> + Send;

    /// The connector, configured for this shop, making 3 attempts at a call.
    fn client(&self) -> Self::Client;

    /// The connector with a wrong secret and no retries.
    fn client_with_wrong_secret(&self) -> Self::Client;

    /// The merchant ships the order with this T&T code.
    fn ship(&self, id: &WebshopOrderId, code: &str);

    /// The merchant cancels the order in the shop.
    fn cancel_as_merchant(&self, id: &WebshopOrderId);

    /// Sets the stock of a SKU.
    fn set_stock(&self, sku: &str, stock: i64);

    /// The shop acts on the next order creation, then its answer is lost.
    fn lose_next_create_reply(&self);

    /// The next `times` reads of an order by id get `fault`.
    fn fail_next_reads(&self, fault: ReadFault, times: u32);

    /// The shop refuses the next order creation (HTTP 400 with its error body), creating
    /// nothing.
    fn refuse_next_create(&self);

    /// Order creations the shop was asked for (the first step of a creation, where a
    /// vendor needs several).
    fn create_requests(&self) -> usize;

    /// Orders in the shop carrying our code.
    fn orders_with_code(&self, code: &OrderCode) -> usize;
}

/// Runs the whole suite on a fresh shop of `F`.
///
/// # Panics
///
/// On the first behaviour the connector gets wrong, naming the kind and the check.
pub async fn conformance<F: WebshopFixture>() {
    let fixture = F::start().await;
    let shop = fixture.client();
    let kind = F::KIND;
    let since = Utc::now() - Duration::minutes(1);

    // Created once, found again.
    let first = order(kind, "9100001", SKUS[0], 3, 3000);
    let created = shop
        .create_order(&first)
        .await
        .unwrap_or_else(|e| panic!("{kind}: create: {e}"));
    if let Some(total) = created.total {
        assert_eq!(
            total.cents(),
            3000,
            "{kind}: the order totals what the buyer paid"
        );
    }
    assert_eq!(
        fixture.orders_with_code(&first.code),
        1,
        "{kind}: created once"
    );
    assert_eq!(
        shop.find_order(&first.code, since).await.expect("find"),
        Some(created.id.clone()),
        "{kind}: found again by our code"
    );
    let read = shop.order(&created.id).await.expect("read back");
    assert_eq!(
        read.code.as_ref(),
        Some(&first.code),
        "{kind}: our code read back"
    );
    assert_eq!(
        read.status,
        WebshopStatus::Open,
        "{kind}: a new order is open"
    );
    let never = order(kind, "9100099", SKUS[0], 1, 1299);
    assert_eq!(
        shop.find_order(&never.code, since).await.expect("find"),
        None,
        "{kind}: nothing found for a code never created"
    );

    // An ambiguous failure: transient, not sent again, found by its code.
    let lost = order(kind, "9100002", SKUS[0], 1, 1299);
    fixture.lose_next_create_reply();
    let before = fixture.create_requests();
    let err = shop
        .create_order(&lost)
        .await
        .expect_err("the answer was lost");
    assert!(
        matches!(err, ConnectorError::Transient { .. }),
        "{kind}: a lost answer is transient: {err:?}"
    );
    assert_eq!(
        fixture.create_requests(),
        before + 1,
        "{kind}: a creation of unknown outcome is not sent again by the connector"
    );
    let found = shop.find_order(&lost.code, since).await.expect("find");
    assert!(found.is_some(), "{kind}: the order the shop made is found");
    assert_eq!(
        fixture.orders_with_code(&lost.code),
        1,
        "{kind}: exactly once"
    );

    // An unknown SKU names itself and creates nothing.
    let unknown = order(kind, "9100003", "KIT-NOPE", 1, 500);
    let before = fixture.create_requests();
    match shop.create_order(&unknown).await {
        Err(ConnectorError::NotFound { what }) => {
            assert!(what.contains("KIT-NOPE"), "{kind}: names the SKU: {what}");
        }
        other => panic!("{kind}: an unknown SKU is not found: {other:?}"),
    }
    assert_eq!(fixture.create_requests(), before, "{kind}: nothing created");

    // A shipment reads back completed with its code.
    fixture.ship(&created.id, "3SABCD1234567");
    let shipped = shop.order(&created.id).await.expect("read back");
    assert_eq!(
        shipped.status,
        WebshopStatus::Completed,
        "{kind}: shipped is completed"
    );
    assert!(
        shipped.tracking.iter().any(|t| t.code == "3SABCD1234567"),
        "{kind}: the T&T code is read back: {:?}",
        shipped.tracking
    );

    // Changed orders, walked over several pages to the end, each once.
    let walk_from = Utc::now() - Duration::seconds(1);
    let mut many = Vec::new();
    fixture.set_stock(SKUS[1], 1_000);
    for n in 0..205 {
        let new = order(kind, &format!("92{n:05}"), SKUS[1], 1, 100);
        many.push(shop.create_order(&new).await.expect("create").id);
    }
    let changed = shop
        .changed_orders(walk_from)
        .await
        .expect("changed orders");
    for id in &many {
        let times = changed.iter().filter(|o| &o.id == id).count();
        assert_eq!(times, 1, "{kind}: order {id} is in the walk {times} times");
    }

    // Cancellation both ways; cancelling again is fine.
    let to_cancel = shop
        .create_order(&order(kind, "9100004", SKUS[0], 1, 1299))
        .await
        .expect("create")
        .id;
    shop.cancel_order(&to_cancel).await.expect("cancel");
    shop.cancel_order(&to_cancel).await.expect("cancel again");
    assert_eq!(
        shop.order(&to_cancel).await.expect("read").status,
        WebshopStatus::Cancelled,
        "{kind}: cancelled through the connector"
    );
    let by_merchant = shop
        .create_order(&order(kind, "9100005", SKUS[0], 1, 1299))
        .await
        .expect("create")
        .id;
    fixture.cancel_as_merchant(&by_merchant);
    assert_eq!(
        shop.order(&by_merchant).await.expect("read").status,
        WebshopStatus::Cancelled,
        "{kind}: cancelled by the merchant"
    );

    // Stock per SKU; an unknown one left out.
    fixture.set_stock(SKUS[0], 7);
    let skus: Vec<Sku> = [SKUS[0], "KIT-NOPE"]
        .iter()
        .map(|s| Sku::parse(s).expect("a valid SKU"))
        .collect();
    let levels = shop.stock_levels(&skus).await.expect("stock");
    assert_eq!(
        levels.len(),
        1,
        "{kind}: unknown SKUs are left out: {levels:?}"
    );
    assert_eq!(levels[0].sku.as_str(), SKUS[0]);
    let quantity = levels[0].quantity.expect("managed stock has a quantity");
    assert!(
        (0..=7).contains(&quantity) && levels[0].in_stock == (quantity > 0),
        "{kind}: stock read as {quantity} of 7 on the shelf"
    );

    // Error classes.
    for fault in [
        ReadFault::ServerError,
        ReadFault::RateLimited,
        ReadFault::Damaged,
    ] {
        fixture.fail_next_reads(fault, 1);
        let read = shop.order(&created.id).await;
        assert!(
            read.is_ok(),
            "{kind}: a read is retried after {fault:?}: {read:?}"
        );
    }
    fixture.fail_next_reads(ReadFault::Damaged, 3);
    let err = shop
        .order(&created.id)
        .await
        .expect_err("damaged three times");
    assert!(
        matches!(err, ConnectorError::InvalidPayload { .. }),
        "{kind}: a body that stays damaged is unreadable: {err:?}"
    );
    fixture.refuse_next_create();
    let refused = order(kind, "9100006", SKUS[0], 1, 1299);
    let err = shop.create_order(&refused).await.expect_err("refused");
    assert!(
        matches!(err, ConnectorError::Rejected { .. }),
        "{kind}: a refused creation is rejected: {err:?}"
    );
    assert_eq!(
        fixture.orders_with_code(&refused.code),
        0,
        "{kind}: nothing created"
    );
    let stranger = fixture.client_with_wrong_secret();
    let err = stranger.order(&created.id).await.expect_err("wrong key");
    assert!(
        matches!(err, ConnectorError::Auth { .. }),
        "{kind}: a wrong key is an auth failure: {err:?}"
    );
    let gone = WebshopOrderId::parse("99999999").expect("an id");
    let err = shop.order(&gone).await.expect_err("no such order");
    assert!(
        matches!(err, ConnectorError::NotFound { .. }),
        "{kind}: an order that is not there is not found: {err:?}"
    );
}
