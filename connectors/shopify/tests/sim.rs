//! The Shopify connector against its simulator: orders created exactly once whatever answer is
//! lost, with the total the buyer paid and no mail to the buyer, found again by our code, read
//! back with tracking and carrier, walked by change over cursor pages, cancelled both ways,
//! stock per SKU, Shopify's cost bucket honoured, every error class, and the
//! client-credentials token.

mod common;

use std::time::Duration;

use chrono::Utc;
use common::{client, eur, fast, line, order, shop, since};
use orderbridge_core::domain::{Discount, Sku, WebshopOrderId};
use orderbridge_core::webshop::{StockLevel, WebshopStatus};
use orderbridge_core::{ConnectorError, Webshop};
use orderbridge_shopify::sim::{ShopifyFault, ShopifyOperation};
use orderbridge_shopify::ShopifyClient;

#[tokio::test]
async fn an_order_is_created_once_with_what_the_buyer_paid_and_no_mail() {
    let (sim, shop) = shop().await;
    // 3 × 12.99 with 3.97 off: 35.00 (not a multiple of 3); 2 posters at 5.00.
    let mut mugs = line("MUG-1", 3, 1299, 3500);
    mugs.discounts = vec![Discount {
        title: "Actie".into(),
        amount: eur(397),
    }];
    let new = order("1001", vec![mugs, line("POSTER", 2, 500, 1000)]);
    let created = shop.create_order(&new).await.unwrap();
    assert_eq!(created.total, Some(eur(4500)), "the total the buyer paid");
    let orders = sim.orders_with_code(new.code.as_str());
    assert_eq!(orders.len(), 1);
    let placed = &orders[0];
    assert_eq!(placed.id, created.id.as_str());
    assert_eq!(placed.total_cents, 4500);
    assert_eq!(placed.discount_cents, 397);
    assert!(placed.taxes_included);
    assert_eq!(placed.financial_status, "PAID");
    assert_eq!(placed.source_identifier.as_deref(), Some(new.code.as_str()));
    // No mail to the marketplace's buyer: both options sent explicitly as false.
    assert_eq!(placed.send_receipt, Some(false));
    assert_eq!(placed.send_fulfillment_receipt, Some(false));
    assert_eq!(placed.shipping_address["address1"], "Kerkstraat 23-II");
    assert_eq!(placed.shipping_address["countryCode"], "NL");
    // Stock taken from the tracked mug.
    assert_eq!(sim.variants()[0].available, 7);
    let read = shop.order(&created.id).await.unwrap();
    assert_eq!(read.code, Some(new.code.clone()));
    assert_eq!(read.status, WebshopStatus::Open);
    assert_eq!(
        shop.find_order(&new.code, since()).await.unwrap(),
        Some(created.id)
    );
}

#[tokio::test]
async fn vat_lines_stay_inside_the_paid_total() {
    let (sim, _) = shop().await;
    let mut config = fast(sim.config());
    config.vat_rate_percent = Some(21);
    let shop = client(&config);
    let new = order("1002", vec![line("MUG-1", 1, 1210, 1210)]);
    let created = shop.create_order(&new).await.unwrap();
    assert_eq!(created.total, Some(eur(1210)));
    let placed = &sim.orders_with_code(new.code.as_str())[0];
    assert_eq!(placed.lines[0].tax_cents, 210);
}

#[tokio::test]
async fn a_lost_or_unreadable_answer_never_creates_twice() {
    let (sim, shop) = shop().await;
    let start = Utc::now();
    for (idx, fault) in [
        ShopifyFault::LoseReplyAfterActing,
        ShopifyFault::TruncatedBody,
    ]
    .into_iter()
    .enumerate()
    {
        let new = order(&format!("200{idx}"), vec![line("MUG-1", 1, 1299, 1299)]);
        let before = sim.requests(ShopifyOperation::OrderCreate);
        sim.inject_fault(ShopifyOperation::OrderCreate, fault.clone(), 1);
        let err = shop.create_order(&new).await.unwrap_err();
        assert!(
            matches!(err, ConnectorError::Transient { .. }),
            "{fault:?}: {err:?}"
        );
        // Not sent again by the connector.
        assert_eq!(sim.requests(ShopifyOperation::OrderCreate), before + 1);
        // The engine looks it up before any second create, and finds it.
        let found = shop.find_order(&new.code, start).await.unwrap().unwrap();
        let orders = sim.orders_with_code(new.code.as_str());
        assert_eq!(orders.len(), 1);
        assert_eq!(orders[0].id, found.as_str());
    }
    // An order never created is not found, and another order's code does not match.
    let never = order("2999", vec![line("MUG-1", 1, 1299, 1299)]);
    assert_eq!(shop.find_order(&never.code, start).await.unwrap(), None);
    // Our code is a custom id, read directly: found whatever the window.
    let first = order("2000", Vec::new());
    let later = Utc::now() + chrono::Duration::hours(3);
    assert!(shop.find_order(&first.code, later).await.unwrap().is_some());
}

#[tokio::test]
async fn throttled_and_rate_limited_creates_are_sent_again_and_created_once() {
    let (sim, shop) = shop().await;
    let new = order("2100", vec![line("MUG-1", 1, 1299, 1299)]);
    sim.inject_fault(ShopifyOperation::OrderCreate, ShopifyFault::Throttled, 1);
    sim.inject_fault(
        ShopifyOperation::OrderCreate,
        ShopifyFault::RateLimited(0),
        1,
    );
    shop.create_order(&new).await.unwrap();
    assert_eq!(sim.requests(ShopifyOperation::OrderCreate), 3);
    assert_eq!(sim.orders_with_code(new.code.as_str()).len(), 1);
    // A 5xx to a create is "maybe created": never sent again by the connector.
    let other = order("2101", vec![line("MUG-1", 1, 1299, 1299)]);
    sim.inject_fault(ShopifyOperation::OrderCreate, ShopifyFault::Status(502), 1);
    let err = shop.create_order(&other).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Transient { .. }), "{err:?}");
    assert_eq!(sim.requests(ShopifyOperation::OrderCreate), 4);
}

#[tokio::test]
async fn tracking_and_the_merchant_s_carrier_are_read_back() {
    let (sim, shop) = shop().await;
    let new = order("3001", vec![line("MUG-1", 1, 1299, 1299)]);
    let created = shop.create_order(&new).await.unwrap();
    sim.fulfil(created.id.as_str(), Some("PostNL"), "3SABCD1234567")
        .unwrap();
    let read = shop.order(&created.id).await.unwrap();
    assert_eq!(read.status, WebshopStatus::Completed);
    assert!(read.completed_at.is_some());
    assert_eq!(read.tracking.len(), 1);
    assert_eq!(read.tracking[0].code, "3SABCD1234567");
    assert_eq!(read.tracking[0].carrier.as_deref(), Some("PostNL"));
    // By id in a batch: a deleted (unknown) id is left out.
    let gone = WebshopOrderId::parse("gid://shopify/Order/1").unwrap();
    let batch = shop.orders(&[created.id.clone(), gone]).await.unwrap();
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].tracking, read.tracking);
}

#[tokio::test]
async fn changed_orders_are_walked_over_every_cursor_page() {
    let (sim, shop) = shop().await;
    let start = Utc::now() - chrono::Duration::seconds(2);
    let mut ids = Vec::new();
    for n in 0..105 {
        let new = order(&format!("4{n:03}"), vec![line("POSTER", 1, 500, 500)]);
        ids.push(shop.create_order(&new).await.unwrap().id);
    }
    // The first order changes last.
    sim.touch(ids[0].as_str());
    let changed = shop.changed_orders(start).await.unwrap();
    assert_eq!(changed.len(), 105);
    assert_eq!(
        sim.requests(ShopifyOperation::ChangedOrders),
        3,
        "pages of 50"
    );
    assert_eq!(changed.last().unwrap().id, ids[0], "oldest change first");
    assert!(changed
        .windows(2)
        .all(|w| w[0].modified_at <= w[1].modified_at));
    let none = shop
        .changed_orders(Utc::now() + chrono::Duration::hours(1))
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn cancellations_go_both_ways_and_fulfilled_orders_are_refused() {
    let (sim, shop) = shop().await;
    let ours = shop
        .create_order(&order("5001", vec![line("MUG-1", 2, 1299, 2598)]))
        .await
        .unwrap();
    assert_eq!(sim.variants()[0].available, 8);
    shop.cancel_order(&ours.id).await.unwrap();
    // Shopify cancels in a job; the order reads cancelled once it ran.
    let read = shop.order(&ours.id).await.unwrap();
    assert_eq!(read.status, WebshopStatus::Cancelled);
    let placed = &sim.orders_with_code(read.code.unwrap().as_str())[0];
    let arguments = placed.cancel_arguments.clone().unwrap();
    assert_eq!(arguments["notifyCustomer"], false);
    assert_eq!(arguments["restock"], true);
    assert_eq!(sim.variants()[0].available, 10, "restocked");
    // Cancelling again is done already, without a second orderCancel.
    let cancels = sim.requests(ShopifyOperation::OrderCancel);
    shop.cancel_order(&ours.id).await.unwrap();
    assert_eq!(sim.requests(ShopifyOperation::OrderCancel), cancels);

    // The merchant cancels in Shopify: read as cancelled, also among changed orders.
    let theirs = shop
        .create_order(&order("5002", vec![line("POSTER", 1, 500, 500)]))
        .await
        .unwrap();
    sim.cancel_as_merchant(theirs.id.as_str()).unwrap();
    assert_eq!(
        shop.order(&theirs.id).await.unwrap().status,
        WebshopStatus::Cancelled
    );
    let changed = shop.changed_orders(since()).await.unwrap();
    assert!(changed
        .iter()
        .any(|o| o.id == theirs.id && o.status == WebshopStatus::Cancelled));

    // A fulfilled order cannot be cancelled, by us or by the merchant.
    let shipped = shop
        .create_order(&order("5003", vec![line("POSTER", 1, 500, 500)]))
        .await
        .unwrap();
    sim.fulfil(shipped.id.as_str(), Some("DHL"), "JVGL05738391")
        .unwrap();
    let err = shop.cancel_order(&shipped.id).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Rejected { message, .. } if message.contains("fulfilled")),
        "{err:?}"
    );
    assert!(sim.cancel_as_merchant(shipped.id.as_str()).is_err());
    assert_eq!(
        shop.order(&shipped.id).await.unwrap().status,
        WebshopStatus::Completed
    );
}

#[tokio::test]
async fn stock_per_sku_untracked_and_unknown() {
    let (sim, shop) = shop().await;
    sim.add_variant("EMPTY", None, 100, Some(0));
    sim.set_stock("MUG-1", 7);
    let skus: Vec<Sku> = ["MUG-1", "POSTER", "EMPTY", "GHOST"]
        .iter()
        .map(|s| Sku::parse(s).unwrap())
        .collect();
    let levels = shop.stock_levels(&skus).await.unwrap();
    assert_eq!(
        levels,
        vec![
            StockLevel {
                sku: skus[0].clone(),
                quantity: Some(7),
                in_stock: true
            },
            StockLevel {
                sku: skus[1].clone(),
                quantity: None,
                in_stock: true
            },
            StockLevel {
                sku: skus[2].clone(),
                quantity: Some(0),
                in_stock: false
            },
        ]
    );
}

#[tokio::test]
async fn the_cost_bucket_is_waited_for_instead_of_provoking_throttled() {
    let (sim, shop) = shop().await;
    // A stock query asks 302 points: two in a row do not fit a bucket of 400 points.
    sim.set_bucket(400.0, 2_000.0);
    let skus = vec![Sku::parse("MUG-1").unwrap()];
    for _ in 0..3 {
        assert_eq!(shop.stock_levels(&skus).await.unwrap().len(), 1);
    }
    assert_eq!(sim.requests(ShopifyOperation::Stock), 3);
    assert_eq!(sim.throttled(), 0, "the connector waited for the points");
}

#[tokio::test]
async fn throttled_reads_wait_for_the_restore_rate_and_are_sent_again() {
    let (sim, shop) = shop().await;
    sim.set_bucket(1000.0, 5_000.0);
    sim.inject_fault(ShopifyOperation::Stock, ShopifyFault::Throttled, 2);
    let skus = vec![Sku::parse("MUG-1").unwrap()];
    assert_eq!(shop.stock_levels(&skus).await.unwrap().len(), 1);
    assert_eq!(sim.requests(ShopifyOperation::Stock), 3);
    // Throttled every time: the caller hears how long to wait.
    sim.inject_fault(ShopifyOperation::Stock, ShopifyFault::Throttled, 10);
    let err = shop.stock_levels(&skus).await.unwrap_err();
    assert!(
        matches!(
            err,
            ConnectorError::RateLimited {
                retry_after: Some(_)
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn every_error_class() {
    let (sim, shop) = shop().await;
    let created = shop
        .create_order(&order("6001", vec![line("MUG-1", 1, 1299, 1299)]))
        .await
        .unwrap();
    // Transient failures of reads are retried.
    sim.inject_fault(ShopifyOperation::Order, ShopifyFault::Status(503), 2);
    shop.order(&created.id).await.unwrap();
    assert_eq!(sim.requests(ShopifyOperation::Order), 3);
    // 429 with Retry-After is waited out.
    sim.inject_fault(ShopifyOperation::Order, ShopifyFault::RateLimited(1), 1);
    shop.order(&created.id).await.unwrap();
    // A damaged body of a read is read again; one that stays damaged is unreadable.
    sim.inject_fault(ShopifyOperation::Order, ShopifyFault::TruncatedBody, 1);
    shop.order(&created.id).await.unwrap();
    // Damaged on every one of the four attempts the retry policy allows.
    sim.inject_fault(ShopifyOperation::Order, ShopifyFault::TruncatedBody, 4);
    let err = shop.order(&created.id).await.unwrap_err();
    assert!(
        matches!(err, ConnectorError::InvalidPayload { .. }),
        "{err:?}"
    );
    // GraphQL errors by code.
    sim.inject_fault(
        ShopifyOperation::Order,
        ShopifyFault::GraphqlError("ACCESS_DENIED"),
        1,
    );
    let err = shop.order(&created.id).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth { .. }), "{err:?}");
    sim.inject_fault(
        ShopifyOperation::Order,
        ShopifyFault::GraphqlError("MAX_COST_EXCEEDED"),
        1,
    );
    let err = shop.order(&created.id).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Rejected { .. }), "{err:?}");
    // A frozen shop.
    sim.inject_fault(ShopifyOperation::Order, ShopifyFault::Status(402), 1);
    let err = shop.order(&created.id).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Rejected { message, .. } if message.contains("frozen")),
        "{err:?}"
    );
    // Not found: an order Shopify does not have; a SKU no variant has (nothing created).
    let gone = WebshopOrderId::parse("gid://shopify/Order/1").unwrap();
    assert!(matches!(
        shop.order(&gone).await.unwrap_err(),
        ConnectorError::NotFound { .. }
    ));
    let creates = sim.requests(ShopifyOperation::OrderCreate);
    let err = shop
        .create_order(&order("6002", vec![line("NOPE", 1, 100, 100)]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::NotFound { what } if what.contains("NOPE")),
        "{err:?}"
    );
    assert_eq!(sim.requests(ShopifyOperation::OrderCreate), creates);
    // userErrors: refused, naming the field.
    sim.make_unsellable("POSTER");
    let err = shop
        .create_order(&order("6003", vec![line("POSTER", 1, 500, 500)]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Rejected { message, .. }
            if message.contains("order.lineItems.0.variantId") && message.contains("not available")),
        "{err:?}"
    );
    // A wrong token.
    let wrong = ShopifyClient::with_access_token(
        &fast(sim.config()),
        orderbridge_core::Secret::new("shpat_wrong"),
    )
    .unwrap();
    let err = wrong.order(&created.id).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Auth { message } if message.contains("Invalid API key")),
        "{err:?}"
    );
    // The endpoint itself missing (wrong shop or API version): never "order not found".
    let mut elsewhere = fast(sim.config());
    elsewhere.api_base = Some(format!("{}elsewhere/", sim.base_url()).parse().unwrap());
    let err = client(&elsewhere).order(&created.id).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Rejected { .. }), "{err:?}");
}

#[tokio::test]
async fn client_credentials_tokens_are_fetched_reused_and_renewed() {
    let (sim, _) = shop().await;
    let shop = client(&fast(sim.client_credentials_config()));
    let skus = vec![Sku::parse("MUG-1").unwrap()];
    for _ in 0..3 {
        shop.stock_levels(&skus).await.unwrap();
    }
    assert_eq!(
        sim.requests(ShopifyOperation::Token),
        1,
        "fetched once, reused"
    );
    // A token refused (revoked): fetched anew once, the call succeeds.
    sim.revoke_tokens();
    shop.stock_levels(&skus).await.unwrap();
    assert_eq!(sim.requests(ShopifyOperation::Token), 2);
    // Tokens that expire within the refresh margin are replaced before use.
    sim.set_token_lifetime(Duration::from_secs(120));
    sim.revoke_tokens();
    shop.stock_levels(&skus).await.unwrap();
    let fetched = sim.requests(ShopifyOperation::Token);
    shop.stock_levels(&skus).await.unwrap();
    assert_eq!(sim.requests(ShopifyOperation::Token), fetched + 1);
    // Wrong client credentials are an authentication failure.
    let mut wrong = fast(sim.client_credentials_config());
    wrong.client_secret = Some(orderbridge_core::SecretSource::Inline("nope".into()));
    let err = client(&wrong).stock_levels(&skus).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth { .. }), "{err:?}");
}
