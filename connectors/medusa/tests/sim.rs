//! The Medusa connector against its simulator: orders created exactly once whatever answer
//! is lost, found again by our code, read back with tracking, walked by change, cancelled
//! both ways, stock per SKU, and every error class.

use chrono::{Duration, Utc};
use orderbridge_core::domain::{Sku, WebshopOrderId};
use orderbridge_core::webshop::{NewOrder, WebshopStatus};
use orderbridge_core::{ConnectorError, RateLimit, Secret, Webshop};
use orderbridge_medusa::sim::{MedusaEndpoint, MedusaFault, MedusaSim};
use orderbridge_medusa::MedusaClient;

/// Marketplace order `id`: `quantity` × `sku` for `total` cents.
fn order(id: &str, sku: &str, quantity: u32, total: i64) -> NewOrder {
    orderbridge_testkit::fixtures::order("bol-medusa", id, sku, quantity, total)
}

async fn store() -> (MedusaSim, MedusaClient) {
    let sim = MedusaSim::start().await.expect("valid test fixture");
    sim.add_variant("MUG-1", Some("8712345678906"), 1299, Some(10));
    sim.add_variant("POSTER", None, 500, None);
    let mut config = sim.config();
    config.retry.initial_backoff_ms = 1;
    config.retry.max_backoff_ms = 2;
    config.rate_limit = RateLimit::per_second(10_000);
    let client =
        MedusaClient::new(&config, Secret::new(MedusaSim::API_KEY)).expect("valid test fixture");
    (sim, client)
}

#[tokio::test]
async fn an_order_is_created_as_a_converted_draft_with_what_the_buyer_paid() {
    let (sim, shop) = store().await;
    // A fresh Medusa store adds 21 % VAT on top of item prices, custom ones too: the total it
    // reports is what the daemon's total check compares with what the buyer paid.
    let taxed = shop
        .create_order(&order("1000", "MUG-1", 1, 1000))
        .await
        .unwrap();
    assert_eq!(taxed.total.unwrap().cents(), 1210);
    // With tax-inclusive EUR prices (the setup the README asks for) it is what was paid.
    sim.set_prices_include_tax(true);
    let new = order("1001", "MUG-1", 3, 3000);
    let created = shop.create_order(&new).await.unwrap();
    assert_eq!(created.total.unwrap().cents(), 3000);
    let orders = sim.orders_with_code(new.code.as_str());
    assert_eq!(orders.len(), 1);
    let placed = &orders[0];
    assert_eq!(placed.id, created.id.as_str());
    assert_eq!(placed.status, "pending");
    assert!(
        !placed.notifications,
        "Medusa must not mail the marketplace's buyer"
    );
    // Stock is reserved by the placed order.
    let mug = &sim.variants()[0];
    assert_eq!(mug.reserved, 4);

    let read = shop.order(&created.id).await.unwrap();
    assert_eq!(read.code, Some(new.code.clone()));
    assert_eq!(read.status, WebshopStatus::Open);
    assert_eq!(
        shop.find_order(&new.code, Utc::now() - Duration::minutes(5))
            .await
            .unwrap(),
        Some(created.id)
    );
}

#[tokio::test]
async fn a_lost_answer_never_creates_twice() {
    let (sim, shop) = store().await;
    // The draft is created but its answer is lost: the create fails as transient and is not
    // sent again by the client.
    let first = order("2001", "MUG-1", 1, 1299);
    sim.inject_fault(
        MedusaEndpoint::CreateDraft,
        MedusaFault::LoseReplyAfterActing,
        1,
    );
    let since = Utc::now();
    let err = shop.create_order(&first).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Transient { .. }), "{err:?}");
    assert_eq!(sim.requests(MedusaEndpoint::CreateDraft), 1);
    // Looked up before any second create: the draft is found and converted.
    let found = shop.find_order(&first.code, since).await.unwrap().unwrap();
    let orders = sim.orders_with_code(first.code.as_str());
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].id, found.as_str());
    assert_eq!(orders[0].status, "pending");

    // The conversion's answer is lost (the order exists): found as an order.
    let second = order("2002", "MUG-1", 1, 1299);
    sim.inject_fault(
        MedusaEndpoint::Convert,
        MedusaFault::LoseReplyAfterActing,
        1,
    );
    assert!(shop.create_order(&second).await.is_err());
    let found = shop.find_order(&second.code, since).await.unwrap().unwrap();
    assert_eq!(sim.orders_with_code(second.code.as_str()).len(), 1);
    assert_eq!(
        shop.order(&found).await.unwrap().code,
        Some(second.code.clone())
    );

    // A reply cut short after the draft was made is "acted, unreadable": transient.
    let third = order("2003", "MUG-1", 1, 1299);
    sim.inject_fault(MedusaEndpoint::CreateDraft, MedusaFault::TruncatedBody, 1);
    let err = shop.create_order(&third).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Transient { message } if message.contains("accepted")),
        "{err:?}"
    );
    assert!(shop.find_order(&third.code, since).await.unwrap().is_some());
    assert_eq!(sim.orders_with_code(third.code.as_str()).len(), 1);

    // Nothing created: nothing found.
    let never = order("2004", "MUG-1", 1, 1299);
    assert_eq!(shop.find_order(&never.code, since).await.unwrap(), None);
}

#[tokio::test]
async fn shipments_come_back_with_their_tracking_and_changes_are_walked() {
    let (sim, shop) = store().await;
    let before = Utc::now() - Duration::seconds(1);
    let mut ids = Vec::new();
    for n in 0..3 {
        let new = order(&format!("300{n}"), "MUG-1", 1, 1299);
        ids.push(shop.create_order(&new).await.unwrap().id);
    }
    sim.ship(ids[1].as_str(), &["3SABCD1234567"]).unwrap();
    let shipped = shop.order(&ids[1]).await.unwrap();
    assert_eq!(shipped.status, WebshopStatus::Completed);
    assert_eq!(shipped.tracking[0].code, "3SABCD1234567");
    assert_eq!(shipped.tracking[0].carrier, None);
    assert!(shipped.completed_at.is_some());
    // Stock left the shelf.
    assert_eq!(sim.variants()[0].stocked, 9);

    let changed = shop.changed_orders(before).await.unwrap();
    assert_eq!(changed.len(), 3);
    assert_eq!(
        changed.last().unwrap().id,
        ids[1],
        "the latest change comes last"
    );
    let since_ship = shipped.modified_at.unwrap();
    let changed = shop.changed_orders(since_ship).await.unwrap();
    assert_eq!(
        changed.iter().map(|o| o.id.clone()).collect::<Vec<_>>(),
        vec![ids[1].clone()]
    );

    let both = shop
        .orders(&[ids[0].clone(), ids[2].clone()])
        .await
        .unwrap();
    assert_eq!(both.len(), 2);
    let gone = shop
        .orders(&[WebshopOrderId::parse("order_gone").unwrap()])
        .await
        .unwrap();
    assert!(gone.is_empty());
    let missing = shop
        .order(&WebshopOrderId::parse("order_gone").unwrap())
        .await;
    assert!(matches!(missing, Err(ConnectorError::NotFound { .. })));
}

#[tokio::test]
async fn a_long_walk_of_changes_misses_nothing() {
    let (_sim, shop) = store().await;
    let before = Utc::now() - Duration::seconds(1);
    for n in 0..230 {
        shop.create_order(&order(&format!("4{n:04}"), "POSTER", 1, 500))
            .await
            .unwrap();
    }
    let changed = shop.changed_orders(before).await.unwrap();
    assert_eq!(changed.len(), 230);
    let mut ids: Vec<_> = changed.iter().map(|o| o.id.clone()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 230);
}

#[tokio::test]
async fn cancellation_both_ways() {
    let (sim, shop) = store().await;
    let ours = shop
        .create_order(&order("5001", "MUG-1", 2, 2598))
        .await
        .unwrap()
        .id;
    shop.cancel_order(&ours).await.unwrap();
    assert_eq!(
        shop.order(&ours).await.unwrap().status,
        WebshopStatus::Cancelled
    );
    assert_eq!(sim.variants()[0].reserved, 0, "the reservation is released");
    // Idempotent.
    shop.cancel_order(&ours).await.unwrap();

    // The merchant cancels in the admin: read as cancelled.
    let theirs = shop
        .create_order(&order("5002", "MUG-1", 1, 1299))
        .await
        .unwrap()
        .id;
    sim.cancel(theirs.as_str()).unwrap();
    assert_eq!(
        shop.order(&theirs).await.unwrap().status,
        WebshopStatus::Cancelled
    );

    // A shipped order cannot be cancelled: Medusa's refusal reaches the caller.
    let shipped = shop
        .create_order(&order("5003", "MUG-1", 1, 1299))
        .await
        .unwrap()
        .id;
    sim.ship(shipped.as_str(), &["3SABCD7654321"]).unwrap();
    let err = shop.cancel_order(&shipped).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Rejected { message, .. } if message.contains("fulfillments")),
        "{err:?}"
    );
}

#[tokio::test]
async fn stock_per_sku_and_unknown_products() {
    let (sim, shop) = store().await;
    sim.set_stock("MUG-1", 7);
    shop.create_order(&order("6001", "MUG-1", 2, 2598))
        .await
        .unwrap();
    let levels = shop
        .stock_levels(&[
            Sku::parse("MUG-1").unwrap(),
            Sku::parse("POSTER").unwrap(),
            Sku::parse("NOPE").unwrap(),
        ])
        .await
        .unwrap();
    assert_eq!(levels.len(), 2, "{levels:?}");
    let mug = levels.iter().find(|l| l.sku.as_str() == "MUG-1").unwrap();
    assert_eq!(mug.quantity, Some(5), "available = stocked − reserved");
    let poster = levels.iter().find(|l| l.sku.as_str() == "POSTER").unwrap();
    assert_eq!((poster.quantity, poster.in_stock), (None, true));

    // An unknown SKU names itself; nothing is created.
    let err = shop
        .create_order(&order("6002", "NOPE", 1, 100))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::NotFound { what } if what.contains("NOPE")),
        "{err:?}"
    );
    assert_eq!(sim.requests(MedusaEndpoint::CreateDraft), 1);
    // The EAN finds the product when the SKU does not.
    let mut by_ean = order("6003", "OTHER-SKU", 1, 1299);
    by_ean.lines[0].ean = Some(orderbridge_core::domain::Ean::parse("8712345678906").unwrap());
    shop.create_order(&by_ean).await.unwrap();
}

#[tokio::test]
async fn error_classes() {
    let (sim, shop) = store().await;
    // Transient failures of reads are retried; a 429 waits its Retry-After.
    sim.inject_fault(MedusaEndpoint::Inventory, MedusaFault::Status(503), 2);
    sim.inject_fault(MedusaEndpoint::Variants, MedusaFault::RateLimited(0), 1);
    let levels = shop
        .stock_levels(&[Sku::parse("MUG-1").unwrap()])
        .await
        .unwrap();
    assert_eq!(levels.len(), 1);
    // A read that stays broken ends transient.
    sim.inject_fault(MedusaEndpoint::GetOrder, MedusaFault::Status(502), 10);
    let err = shop
        .order(&WebshopOrderId::parse("order_x").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectorError::Transient { .. }), "{err:?}");
    // A damaged body of a read is read again.
    let created = shop
        .create_order(&order("7001", "MUG-1", 1, 1299))
        .await
        .unwrap()
        .id;
    sim.inject_fault(MedusaEndpoint::ListOrders, MedusaFault::TruncatedBody, 1);
    assert_eq!(
        shop.orders(std::slice::from_ref(&created))
            .await
            .unwrap()
            .len(),
        1
    );

    // A wrong key is an auth failure.
    let mut config = sim.config();
    config.retry.max_attempts = 1;
    let stranger = MedusaClient::new(&config, Secret::new("sk_wrong")).unwrap();
    let err = stranger.order(&created).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth { .. }), "{err:?}");
    // A region Medusa does not have fails inside it with a 500: transient, never sent twice.
    let mut config = sim.config();
    config.region_id = "reg_unknown".into();
    let misconfigured = MedusaClient::new(&config, Secret::new(MedusaSim::API_KEY)).unwrap();
    let before = sim.requests(MedusaEndpoint::CreateDraft);
    let err = misconfigured
        .create_order(&order("7002", "MUG-1", 1, 1299))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Transient { message } if message.contains("HTTP 500")),
        "{err:?}"
    );
    assert_eq!(sim.requests(MedusaEndpoint::CreateDraft), before + 1);
    // Too little stock: Medusa refuses the draft without naming the variant; we name the lines.
    let err = shop
        .create_order(&order("7003", "MUG-1", 50, 5000))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Rejected { message, .. }
            if message.contains("50 × MUG-1") && message.contains("required inventory")),
        "{err:?}"
    );
}
