//! The rest of the bad-input requirement, next to the corpus in `bad_input.rs`: orders in
//! `error` complete after the merchant fixes the cause and resends them, an order listed twice
//! across pages is imported once, and an order that changes at the marketplace while it is
//! being imported is created once, or not at all when the buyer cancelled it meanwhile.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use chrono::Duration;
use common::TestDb;
use common::{bad_order, ean13, Harness};
use orderbridge::engine::ManageError;
use orderbridge::status::{BatchStatus, OrderStatus};
use orderbridge::store::OrderFilter;
use orderbridge_woocommerce::sim::{WooEndpoint, WooFault};
use serde_json::{json, Value};

/// The corpus file as JSON, to correct or change it.
fn fixture_json(file: &str) -> (String, Value) {
    let (order_id, body) = bad_order(file);
    (order_id, serde_json::from_slice(&body).unwrap())
}

fn bytes(order: &Value) -> Vec<u8> {
    serde_json::to_vec(order).unwrap()
}

async fn orders_in_error_complete_after_the_cause_is_fixed_and_they_are_resent(db: TestDb) {
    let h = Harness::start(db, "").await;
    let (no_number, mut no_number_body) = fixture_json("012-missing-house-number.json");
    let (unknown_sku, unknown_sku_body) = fixture_json("073-unknown-sku-and-ean.json");
    let (bad_price, mut bad_price_body) = fixture_json("100-unit-price-three-decimals.json");
    for (id, body) in [
        (&no_number, &no_number_body),
        (&unknown_sku, &unknown_sku_body),
        (&bad_price, &bad_price_body),
    ] {
        h.bol.add_raw_order(id, bytes(body));
    }
    let good = h.place(0, 1);
    h.cycles(3).await;
    h.webshop_id(&good);
    let mut codes = Vec::new();
    for id in [&no_number, &unknown_sku, &bad_price] {
        let order = h.order(id).await;
        assert_eq!(order.status, OrderStatus::Error, "{id}");
        let batch = h
            .store
            .batch(order.batch_id.unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(batch.status, BatchStatus::Failed, "{id}");
        codes.push(order.code.to_string());
    }

    // A resend before the cause is fixed reads the order again and stops it in error again.
    h.engine.resend_order(&codes[0]).await.unwrap();
    h.cycles(1).await;
    let still = h.order(&no_number).await;
    assert_eq!(still.status, OrderStatus::Error);
    assert!(still.error.unwrap().contains("houseNumber is missing"));
    assert!(h.woo.orders_with_marketplace_order(&no_number).is_empty());

    // The merchant has bol correct the address and the price, and adds the product to the shop.
    no_number_body["shipmentDetails"]["houseNumber"] = json!("12");
    h.bol.replace_raw_order(&no_number, bytes(&no_number_body));
    bad_price_body["orderItems"][0]["unitPrice"] = json!(12.35);
    bad_price_body["orderItems"][0]["totalPrice"] = json!(12.35);
    h.bol.replace_raw_order(&bad_price, bytes(&bad_price_body));
    let gone_ean = ean13("871999999073");
    h.woo.add_product(
        "SKU-GONE",
        Some(&gone_ean),
        "Uit het assortiment",
        999,
        Some(3),
    );
    // Fixing alone changes nothing: orders in error wait for the merchant's resend.
    h.cycles(1).await;
    assert_eq!(h.order(&unknown_sku).await.status, OrderStatus::Error);

    for code in &codes {
        let resent = h.engine.resend_order(code).await.unwrap();
        assert_eq!(resent.status, OrderStatus::NotShipped);
        assert_eq!(resent.error, None);
    }
    h.cycles(2).await;
    for id in [&no_number, &unknown_sku, &bad_price] {
        let order = h.order(id).await;
        assert_eq!(order.status, OrderStatus::NotShipped, "{id}");
        assert_eq!(
            order.webshop_order_id.map(|w| w.to_string()),
            Some(h.webshop_id(id).to_string())
        );
        let batch = h
            .store
            .batch(order.batch_id.unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(batch.status, BatchStatus::Completed, "{id}");
    }
    let created = |id: &str| h.woo.orders_with_marketplace_order(id).remove(0);
    assert_eq!(
        created(&no_number).meta_str("_shipping_house_number"),
        Some("12")
    );
    assert_eq!(created(&bad_price).line_items[0].total, "12.35");
    assert_eq!(created(&unknown_sku).line_items[0].sku, "SKU-GONE");
    // A completed order is not resent again.
    assert!(matches!(
        h.engine.resend_order(&codes[1]).await,
        Err(ManageError::NotApplicable { .. })
    ));
}

async fn an_order_listed_twice_across_pages_is_imported_and_created_once(db: TestDb) {
    let h = Harness::start(db, "").await;
    // 55 orders: bol's pages hold 50, so the list has a second page.
    let placed: Vec<String> = (0..55).map(|idx| h.place(idx % 5, 1)).collect();
    let (handled, body) = bad_order("015-house-number-23-II.json");
    h.bol.add_raw_order(&handled, body);
    let (broken, body) = bad_order("012-missing-house-number.json");
    h.bol.add_raw_order(&broken, body);
    // Shown again at the start of page 2, and (no page after theirs) at the end of the list.
    for id in [&placed[7], &placed[49], &handled, &broken] {
        h.bol.list_order_twice(id);
    }
    h.cycles(3).await;

    for id in placed.iter().chain([&handled]) {
        h.webshop_id(id);
    }
    assert_eq!(h.woo.create_requests(), 56, "one create per order");
    let recorded = h.store.orders(&OrderFilter::default()).await.unwrap();
    assert_eq!(recorded.len(), 57, "each order recorded once");
    let batch_id = h.order(&placed[7]).await.batch_id.unwrap();
    let batch = h.store.batch(batch_id).await.unwrap().unwrap();
    assert_eq!(
        batch.counts.total, 56,
        "the first batch: every readable order once"
    );
    let broken = h.order(&broken).await;
    assert_eq!(broken.status, OrderStatus::Error);
    assert!(broken.error.unwrap().contains("houseNumber is missing"));
}

/// The buyer asks to cancel while the webshop creation is failing: the order is recorded with
/// its creation `requested` (the shop answered 503: it may exist), the import notices the
/// request, the create job looks the order up, finds nothing and never creates it, and the
/// request is confirmed at bol. No webshop order for an order cancelled before it got there.
async fn an_order_the_buyer_cancels_while_its_creation_fails_never_reaches_the_webshop(db: TestDb) {
    let h = Harness::start(db, "").await;
    h.woo
        .inject_fault(WooEndpoint::CreateOrder, WooFault::Status(503), 1);
    let id = h.place(1, 2);
    let other = h.place(2, 1);
    h.engine.run_import().await.unwrap();
    assert_eq!(
        h.order(&id).await.webshop_order_id,
        None,
        "the creation failed"
    );
    h.webshop_id(&other);

    h.bol.request_cancellation(&id);
    h.clock.advance(Duration::minutes(5));
    h.cycles(3).await;

    assert!(h.woo.orders_with_marketplace_order(&id).is_empty());
    assert_eq!(
        h.woo.create_requests(),
        2,
        "the failed attempt and the other order"
    );
    assert_eq!(h.order(&id).await.status, OrderStatus::Cancelled);
    let cancellations = h.bol.cancellations();
    assert_eq!(cancellations.len(), 1);
    assert_eq!(cancellations[0].order_id, id);
    assert_eq!(cancellations[0].reason_code, "REQUESTED_BY_CUSTOMER");
}

/// The details change at bol after the import read them, while the webshop creation is failing
/// (here: a second item appears). The order is created once, as recorded at import: the
/// details read then are what the batch, the pick list and the webshop order are built from;
/// a later change neither creates a second webshop order nor alters the first. (bol does not
/// add items to a placed order; cancellations, which it does make, are the test above.)
async fn an_order_changing_while_its_creation_fails_is_created_once_as_imported(db: TestDb) {
    let h = Harness::start(db, "").await;
    h.woo
        .inject_fault(WooEndpoint::CreateOrder, WooFault::Status(503), 1);
    let (id, mut order) = fixture_json("015-house-number-23-II.json");
    h.bol.add_raw_order(&id, bytes(&order));
    h.engine.run_import().await.unwrap();
    assert_eq!(h.woo.create_requests(), 1);
    assert!(h.woo.orders_with_marketplace_order(&id).is_empty());

    let mut second = order["orderItems"][0].clone();
    second["orderItemId"] = json!("2000015002");
    second["offer"]["reference"] = json!("SKU-4");
    second["product"]["ean"] = json!(h.products[4].ean);
    order["orderItems"].as_array_mut().unwrap().push(second);
    h.bol.replace_raw_order(&id, bytes(&order));
    h.clock.advance(Duration::minutes(5));
    h.cycles(3).await;

    let webshop_id = h.webshop_id(&id);
    let created = h
        .woo
        .orders()
        .into_iter()
        .find(|o| o.id == webshop_id)
        .unwrap();
    let skus: Vec<&str> = created.line_items.iter().map(|l| l.sku.as_str()).collect();
    assert_eq!(skus, ["SKU-1"]);
    assert_eq!(h.order(&id).await.status, OrderStatus::NotShipped);
}

/// An order whose details are unreadable, corrected at bol before the third run in a row: it
/// is imported normally, never shown in `error`.
async fn an_unreadable_order_fixed_at_the_marketplace_in_time_is_imported_normally(db: TestDb) {
    let h = Harness::start(db, "").await;
    let (id, truncated) = bad_order("132-truncated-json.json");
    h.bol.add_raw_order(&id, truncated);
    h.cycles(2).await;
    let recorded = h.store.orders(&OrderFilter::default()).await.unwrap();
    assert!(
        recorded.is_empty(),
        "not recorded while it may still be a glitch"
    );

    let (_, mut order) = fixture_json("015-house-number-23-II.json");
    order["orderId"] = json!(id);
    h.bol.replace_raw_order(&id, bytes(&order));
    h.cycles(2).await;
    let imported = h.order(&id).await;
    assert_eq!(imported.status, OrderStatus::NotShipped);
    assert_eq!(imported.error, None);
    let created = h.woo.orders_with_marketplace_order(&id).remove(0);
    assert_eq!(
        created.shipping["address_1"],
        "Tweede Jan Steenstraat 23-II"
    );
}

both_backends!(
    orders_in_error_complete_after_the_cause_is_fixed_and_they_are_resent,
    an_order_listed_twice_across_pages_is_imported_and_created_once,
    an_order_the_buyer_cancels_while_its_creation_fails_never_reaches_the_webshop,
    an_order_changing_while_its_creation_fails_is_created_once_as_imported,
    an_unreadable_order_fixed_at_the_marketplace_in_time_is_imported_normally
);
