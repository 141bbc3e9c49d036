//! The Magento connector against its simulator: orders placed exactly once whatever reply is
//! lost at whichever step of the quote flow, found again by our code, read back with tracking
//! and carrier, walked by change over several pages, cancelled both ways, stock per SKU, and
//! every error class.

use chrono::{Duration, Utc};
use orderbridge_core::domain::{OrderCode, Sku, WebshopOrderId};
use orderbridge_core::webshop::{NewOrder, WebshopStatus};
use orderbridge_core::{ConnectorError, RateLimit, Secret, Webshop};
use orderbridge_magento::sim::{MagentoEndpoint, MagentoFault, MagentoSim};
use orderbridge_magento::{MagentoClient, MagentoConfig};

/// Marketplace order `id`: `quantity` × `sku` for `total` cents (the test kit's NL buyer).
fn order(id: &str, sku: &str, quantity: u32, total: i64) -> NewOrder {
    orderbridge_testkit::fixtures::order("bol-magento", id, sku, quantity, total)
}

fn fast(mut config: MagentoConfig) -> MagentoConfig {
    config.retry.initial_backoff_ms = 1;
    config.retry.max_backoff_ms = 2;
    config.rate_limit = RateLimit::per_second(10_000);
    config
}

fn client(config: &MagentoConfig) -> MagentoClient {
    MagentoClient::new(config, Secret::new(MagentoSim::ACCESS_TOKEN)).expect("valid test fixture")
}

async fn shop() -> (MagentoSim, MagentoClient) {
    let sim = MagentoSim::start().await.expect("valid test fixture");
    sim.add_product("MUG-1", 1299, 100, true);
    sim.add_product("POSTER", 500, 0, false);
    let client = client(&fast(sim.config()));
    (sim, client)
}

fn guest_email(code: &OrderCode) -> String {
    format!("{}@example.com", code.as_str().to_lowercase())
}

fn entity(id: &WebshopOrderId) -> u64 {
    id.as_str().parse().expect("Magento ids are numbers")
}

#[tokio::test]
async fn an_order_is_placed_once_at_the_shops_prices_with_our_code() {
    let (sim, shop) = shop().await;
    let since = Utc::now();
    let new = order("1001", "MUG-1", 2, 2598);
    let created = shop.create_order(&new).await.unwrap();
    assert_eq!(created.total.unwrap().cents(), 2598);
    let orders = sim.orders();
    assert_eq!(orders.len(), 1);
    let placed = &orders[0];
    assert_eq!(placed.entity_id.to_string(), created.id.as_str());
    assert_eq!(placed.ext_order_id.as_deref(), Some(new.code.as_str()));
    assert_eq!(placed.customer_email, guest_email(&new.code));
    assert_eq!(placed.payment_method, "checkmo");
    assert_eq!(
        placed.shipping_address["email"], "2abc@verkopen.bol.com",
        "the buyer's e-mail stays on the delivery address"
    );
    assert_eq!(placed.shipping_address["street"][1], "23-II");
    assert_eq!(sim.products()[0].reserved, 2, "MSI reserves the items");
    assert_eq!(
        shop.find_order(&new.code, since).await.unwrap(),
        Some(created.id.clone())
    );
    let read = shop.order(&created.id).await.unwrap();
    assert_eq!(read.code, Some(new.code.clone()));
    assert_eq!(read.status, WebshopStatus::Open);

    // Magento prices from its catalog: a marketplace discount cannot be carried over, and the
    // total reported is the shop's, for the daemon's total check to catch.
    let discounted = order("1002", "MUG-1", 1, 999);
    let created = shop.create_order(&discounted).await.unwrap();
    assert_eq!(created.total.unwrap().cents(), 1299);
    // A paid shipping method is on the total too.
    let mut config = fast(sim.config());
    config.shipping_carrier_code = "flatrate".into();
    config.shipping_method_code = "flatrate".into();
    let flat = client(&config)
        .create_order(&order("1003", "MUG-1", 1, 1299))
        .await
        .unwrap();
    assert_eq!(flat.total.unwrap().cents(), 1799);
}

/// Creates `new` with `fault` queued on `endpoint`, then acts as the engine does: look up
/// before any second create. Returns the number of orders with the code afterwards.
async fn create_through(
    sim: &MagentoSim,
    shop: &MagentoClient,
    new: &NewOrder,
    endpoint: MagentoEndpoint,
    fault: MagentoFault,
) -> (Result<(), ConnectorError>, Option<WebshopOrderId>) {
    let since = Utc::now();
    sim.inject_fault(endpoint, fault, 1);
    let first = shop.create_order(new).await.map(|_| ());
    let found = shop
        .find_order(&new.code, since)
        .await
        .expect("the lookup works");
    if found.is_none() {
        shop.create_order(new)
            .await
            .expect("the second attempt creates");
    }
    (first, found)
}

#[tokio::test]
async fn a_lost_reply_at_any_step_never_places_twice() {
    let (sim, shop) = shop().await;
    // (step, whether the first attempt fails, whether an order exists after it)
    let steps = [
        (MagentoEndpoint::CreateCart, true, false),
        (MagentoEndpoint::AddItem, true, false),
        // Idempotent: sent again by the client itself.
        (MagentoEndpoint::ShippingInformation, false, true),
        (MagentoEndpoint::PlaceOrder, true, true),
        // Idempotent too; and once the order is placed nothing invites a second one.
        (MagentoEndpoint::UpdateOrder, false, true),
    ];
    for (idx, (endpoint, fails, placed)) in steps.into_iter().enumerate() {
        let new = order(&format!("200{idx}"), "MUG-1", 1, 1299);
        let (first, found) = create_through(
            &sim,
            &shop,
            &new,
            endpoint,
            MagentoFault::LoseReplyAfterActing,
        )
        .await;
        match first {
            Err(ConnectorError::Transient { .. }) => assert!(fails, "{endpoint:?}"),
            other => assert!(!fails && other.is_ok(), "{endpoint:?}: {other:?}"),
        }
        assert_eq!(found.is_some(), placed, "{endpoint:?}");
        let with_code = sim.orders_with_email(&guest_email(&new.code));
        assert_eq!(with_code.len(), 1, "{endpoint:?}: placed exactly once");
        assert_eq!(
            with_code[0].ext_order_id.as_deref(),
            Some(new.code.as_str()),
            "{endpoint:?}: our code is written, also to an order found by its e-mail"
        );
    }
    // Each lost cart step left a cart that never became an order; the next attempt used a
    // new one.
    let carts = sim.carts();
    assert_eq!(carts.iter().filter(|c| !c.active).count(), 5);
    assert_eq!(carts.len(), 7);

    // A placement whose reply is cut short: the shop acted.
    let cut = order("2010", "MUG-1", 1, 1299);
    let (first, found) = create_through(
        &sim,
        &shop,
        &cut,
        MagentoEndpoint::PlaceOrder,
        MagentoFault::TruncatedBody,
    )
    .await;
    assert!(
        matches!(&first, Err(ConnectorError::Transient { message }) if message.contains("accepted")),
        "{first:?}"
    );
    assert!(found.is_some());
    assert_eq!(sim.orders_with_email(&guest_email(&cut.code)).len(), 1);

    // Nothing created: nothing found.
    let never = order("2011", "MUG-1", 1, 1299);
    assert_eq!(
        shop.find_order(&never.code, Utc::now()).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn a_crash_before_our_code_is_written_still_finds_the_order_by_its_email() {
    let (sim, shop) = shop().await;
    let since = Utc::now();
    let new = order("3001", "MUG-1", 1, 1299);
    // Writing `ext_order_id` fails on every attempt (as a crash right after placing would
    // leave it): the order exists, so the creation reports it rather than inviting a second.
    sim.inject_fault(MagentoEndpoint::UpdateOrder, MagentoFault::Status(500), 4);
    let created = shop.create_order(&new).await.unwrap();
    assert_eq!(sim.requests(MagentoEndpoint::UpdateOrder), 4);
    assert_eq!(sim.orders()[0].ext_order_id, None);
    // Read back, it is ours by its guest e-mail (the track job matches changes by code).
    assert_eq!(
        shop.order(&created.id).await.unwrap().code,
        Some(new.code.clone())
    );
    // Looked up after a restart: found by the e-mail and marked.
    let fresh = client(&fast(sim.config()));
    assert_eq!(
        fresh.find_order(&new.code, since).await.unwrap(),
        Some(created.id.clone())
    );
    assert_eq!(
        sim.orders()[0].ext_order_id.as_deref(),
        Some(new.code.as_str())
    );
    assert_eq!(sim.orders().len(), 1);
    // An order of someone else (another e-mail, no code) is never taken for ours.
    let other = order("3002", "MUG-1", 1, 1299);
    assert_eq!(fresh.find_order(&other.code, since).await.unwrap(), None);
    // Outside the lookup window (the intent is later than the order): not ours to adopt.
    let mut narrow = fast(sim.config());
    narrow.lookup_margin_secs = 0;
    let later = Utc::now() + Duration::hours(2);
    assert_eq!(
        client(&narrow).find_order(&new.code, later).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn shipments_come_back_with_tracking_and_carrier() {
    let (sim, shop) = shop().await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let new = order(&format!("400{n}"), "MUG-1", 1, 1299);
        ids.push(shop.create_order(&new).await.unwrap().id);
    }
    sim.ship(entity(&ids[0]), "custom", "PostNL", "3SABCD1234567")
        .unwrap();
    sim.ship_without_invoice(entity(&ids[1]), "dhl", "", "JVGL0123456789")
        .unwrap();
    let shipped = shop.order(&ids[0]).await.unwrap();
    assert_eq!(shipped.status, WebshopStatus::Completed);
    assert_eq!(shipped.tracking.len(), 1);
    assert_eq!(shipped.tracking[0].code, "3SABCD1234567");
    assert_eq!(shipped.tracking[0].carrier.as_deref(), Some("PostNL"));
    assert!(shipped.completed_at.is_some());
    // Shipped but not invoiced: Magento says `processing`, the items say shipped.
    let uninvoiced = shop.order(&ids[1]).await.unwrap();
    assert_eq!(uninvoiced.status, WebshopStatus::Completed);
    assert_eq!(uninvoiced.tracking[0].carrier.as_deref(), Some("dhl"));
    let open = shop.order(&ids[2]).await.unwrap();
    assert_eq!((open.status, open.tracking.len()), (WebshopStatus::Open, 0));

    // In batches; an id Magento does not have is missing from the answer.
    let mut batch = ids.clone();
    batch.push(WebshopOrderId::parse("99999").unwrap());
    let read = shop.orders(&batch).await.unwrap();
    assert_eq!(read.len(), 3);
    // Shipments that cannot be read mark the tracking unknown instead of failing the read.
    sim.inject_fault(MagentoEndpoint::Shipments, MagentoFault::Status(503), 10);
    let read = shop.orders(&ids).await.unwrap();
    let first = read.iter().find(|o| o.id == ids[0]).unwrap();
    assert!(first.tracking_unavailable);
    assert!(first.tracking.is_empty());
    let missing = shop.order(&WebshopOrderId::parse("99999").unwrap()).await;
    assert!(
        matches!(missing, Err(ConnectorError::NotFound { .. })),
        "{missing:?}"
    );
}

#[tokio::test]
async fn changed_orders_are_walked_over_several_pages() {
    let (sim, shop) = shop().await;
    let before = Utc::now() - Duration::seconds(1);
    let mut ids = Vec::new();
    // 230 orders, most within the same second: pages of 100 within one second are paged
    // on, and the walk ends by the count although Magento answers past the end.
    for n in 0..230 {
        let new = order(&format!("5{n:04}"), "POSTER", 1, 500);
        ids.push(shop.create_order(&new).await.unwrap().id);
    }
    let changed = shop.changed_orders(before).await.unwrap();
    assert_eq!(changed.len(), 230);
    let mut seen: Vec<_> = changed.iter().map(|o| o.id.clone()).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 230);
    assert!(changed.iter().all(|o| o.code.is_some()));
    let requests = sim.requests(MagentoEndpoint::ListOrders);
    assert!(
        requests <= 6,
        "the walk stops by total_count ({requests} requests)"
    );

    // A change later: only that order, with its tracking.
    sim.advance_clock(Duration::seconds(5));
    sim.ship(entity(&ids[7]), "custom", "PostNL", "3SABCD7654321")
        .unwrap();
    let since = Utc::now() + Duration::seconds(3);
    let changed = shop.changed_orders(since).await.unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].id, ids[7]);
    assert_eq!(changed[0].tracking[0].code, "3SABCD7654321");
}

#[tokio::test]
async fn the_simulator_answers_past_the_end_with_the_last_page() {
    let (sim, shop) = shop().await;
    for n in 0..3 {
        shop.create_order(&order(&format!("600{n}"), "POSTER", 1, 500))
            .await
            .unwrap();
    }
    let http = reqwest::Client::new();
    let page = |current: u32| {
        http.get(format!("{}/rest/default/V1/orders", sim.base_url()))
            .bearer_auth(MagentoSim::ACCESS_TOKEN)
            .query(&[
                ("searchCriteria[pageSize]", "2".to_owned()),
                ("searchCriteria[currentPage]", current.to_string()),
            ])
            .send()
    };
    let last: serde_json::Value = page(2).await.unwrap().json().await.unwrap();
    let past: serde_json::Value = page(9).await.unwrap().json().await.unwrap();
    assert_eq!(past["total_count"], 3);
    assert_eq!(past["items"], last["items"]);
    assert_eq!(past["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_simulator_keeps_the_quote_flow_in_order() {
    let (sim, _shop) = shop().await;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}/rest/default/V1/{path}", sim.base_url());
    let cart: String = http
        .post(url("guest-carts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let place = http
        .put(url(&format!("guest-carts/{cart}/order")))
        .json(&serde_json::json!({"paymentMethod": {"method": "checkmo"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(place.status(), 400);
    let body: serde_json::Value = place.json().await.unwrap();
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("The shipping method is missing"));
    let empty = http
        .post(url(&format!("guest-carts/{cart}/shipping-information")))
        .json(&serde_json::json!({"addressInformation": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 400);
    assert!(sim.orders().is_empty());
}

#[tokio::test]
async fn cancellation_both_ways_and_refused_once_shipped() {
    let (sim, shop) = shop().await;
    let ours = shop
        .create_order(&order("7001", "MUG-1", 2, 2598))
        .await
        .unwrap()
        .id;
    shop.cancel_order(&ours).await.unwrap();
    assert_eq!(
        shop.order(&ours).await.unwrap().status,
        WebshopStatus::Cancelled
    );
    assert_eq!(sim.products()[0].reserved, 0, "the reservation is released");
    // Idempotent: Magento answers `false` now, and the order is read.
    shop.cancel_order(&ours).await.unwrap();

    // The merchant cancels in the admin: read as cancelled.
    let theirs = shop
        .create_order(&order("7002", "MUG-1", 1, 1299))
        .await
        .unwrap()
        .id;
    sim.cancel(entity(&theirs)).unwrap();
    assert_eq!(
        shop.order(&theirs).await.unwrap().status,
        WebshopStatus::Cancelled
    );

    // Invoiced and shipped: Magento refuses (`false`), and says why.
    let complete = shop
        .create_order(&order("7003", "MUG-1", 1, 1299))
        .await
        .unwrap()
        .id;
    sim.ship(entity(&complete), "custom", "PostNL", "3SABCD0000001")
        .unwrap();
    let err = shop.cancel_order(&complete).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Rejected { message, .. } if message.contains("shipped")),
        "{err:?}"
    );
    // Shipped without invoice Magento would cancel what it can; we never do.
    let shipped = shop
        .create_order(&order("7004", "MUG-1", 1, 1299))
        .await
        .unwrap()
        .id;
    sim.ship_without_invoice(entity(&shipped), "custom", "PostNL", "3SABCD0000002")
        .unwrap();
    let cancels = sim.requests(MagentoEndpoint::Cancel);
    assert!(matches!(
        shop.cancel_order(&shipped).await,
        Err(ConnectorError::Rejected { .. })
    ));
    assert_eq!(sim.requests(MagentoEndpoint::Cancel), cancels);
    let stored = sim.orders();
    let stored = stored
        .iter()
        .find(|o| o.entity_id == entity(&shipped))
        .unwrap();
    assert_eq!(stored.state, "processing");
    // A lost reply to a cancel is sent again (cancelling is idempotent in effect).
    let lost = shop
        .create_order(&order("7005", "MUG-1", 1, 1299))
        .await
        .unwrap()
        .id;
    sim.inject_fault(
        MagentoEndpoint::Cancel,
        MagentoFault::LoseReplyAfterActing,
        1,
    );
    shop.cancel_order(&lost).await.unwrap();
    assert_eq!(
        shop.order(&lost).await.unwrap().status,
        WebshopStatus::Cancelled
    );
}

#[tokio::test]
async fn stock_per_sku_salable_unmanaged_and_unknown() {
    let (sim, shop) = shop().await;
    sim.set_stock("MUG-1", 7);
    sim.add_product("GONE", 100, 0, true);
    shop.create_order(&order("8001", "MUG-1", 2, 2598))
        .await
        .unwrap();
    let levels = shop
        .stock_levels(&[
            Sku::parse("MUG-1").unwrap(),
            Sku::parse("POSTER").unwrap(),
            Sku::parse("NOPE").unwrap(),
            Sku::parse("GONE").unwrap(),
        ])
        .await
        .unwrap();
    assert_eq!(levels.len(), 3, "{levels:?}");
    let find = |sku: &str| levels.iter().find(|l| l.sku.as_str() == sku).unwrap();
    let mug = find("MUG-1");
    assert_eq!(
        (mug.quantity, mug.in_stock),
        (Some(5), true),
        "7 on hand − 2 reserved"
    );
    let poster = find("POSTER");
    assert_eq!((poster.quantity, poster.in_stock), (None, true));
    let gone = find("GONE");
    assert_eq!((gone.quantity, gone.in_stock), (Some(0), false));
    assert_eq!(sim.requests(MagentoEndpoint::SalableQuantity), 2);
}

#[tokio::test]
async fn an_unknown_sku_names_itself_and_places_nothing() {
    let (sim, shop) = shop().await;
    let err = shop
        .create_order(&order("9001", "NOPE-42", 1, 100))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::NotFound { what }
            if what.contains("NOPE-42") && what.contains("doesn't exist")),
        "{err:?}"
    );
    assert_eq!(sim.requests(MagentoEndpoint::PlaceOrder), 0);
    assert!(sim.orders().is_empty());
}

#[tokio::test]
async fn error_classes() {
    let (sim, shop) = shop().await;
    let created = shop
        .create_order(&order("9101", "MUG-1", 1, 1299))
        .await
        .unwrap()
        .id;
    // Transient failures of reads are retried; a 429 waits its Retry-After.
    sim.inject_fault(MagentoEndpoint::GetOrder, MagentoFault::Status(503), 2);
    sim.inject_fault(MagentoEndpoint::ListOrders, MagentoFault::RateLimited(0), 1);
    let before = sim.requests(MagentoEndpoint::GetOrder);
    shop.order(&created).await.unwrap();
    assert_eq!(sim.requests(MagentoEndpoint::GetOrder), before + 3);
    assert_eq!(
        shop.orders(std::slice::from_ref(&created))
            .await
            .unwrap()
            .len(),
        1
    );
    // A 429 on a creating write is sent again: Magento did not act.
    sim.inject_fault(MagentoEndpoint::PlaceOrder, MagentoFault::RateLimited(0), 1);
    shop.create_order(&order("9102", "MUG-1", 1, 1299))
        .await
        .unwrap();
    // A read that stays broken ends transient.
    // (as many as the client's attempts: 4 by default)
    sim.inject_fault(MagentoEndpoint::GetOrder, MagentoFault::Status(502), 4);
    let err = shop.order(&created).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Transient { .. }), "{err:?}");
    // A damaged body of a read is read again; one that stays damaged is unreadable.
    let fresh = client(&fast(sim.config()));
    sim.inject_fault(MagentoEndpoint::StockItem, MagentoFault::TruncatedBody, 1);
    assert_eq!(
        fresh
            .stock_levels(&[Sku::parse("MUG-1").unwrap()])
            .await
            .unwrap()
            .len(),
        1
    );
    sim.inject_fault(MagentoEndpoint::StockItem, MagentoFault::TruncatedBody, 10);
    let err = fresh
        .stock_levels(&[Sku::parse("MUG-1").unwrap()])
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConnectorError::InvalidPayload { .. }),
        "{err:?}"
    );
    // A placement that fails with a 500 is never sent again by the client.
    let placements = sim.requests(MagentoEndpoint::PlaceOrder);
    sim.inject_fault(MagentoEndpoint::PlaceOrder, MagentoFault::Status(500), 1);
    let err = shop
        .create_order(&order("9103", "MUG-1", 1, 1299))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Transient { message } if message.contains("HTTP 500")),
        "{err:?}"
    );
    assert_eq!(sim.requests(MagentoEndpoint::PlaceOrder), placements + 1);

    // A wrong token is an auth failure naming the resource.
    let mut config = fast(sim.config());
    config.retry.max_attempts = 1;
    let stranger = MagentoClient::new(&config, Secret::new("wrong")).unwrap();
    let err = stranger.order(&created).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Auth { message } if message.contains("Magento_Sales::actions_view")),
        "{err:?}"
    );
    // A shipping method the shop does not have: refused with Magento's reason, filled in.
    let mut config = fast(sim.config());
    config.shipping_carrier_code = "tablerate".into();
    config.shipping_method_code = "bestway".into();
    let err = client(&config)
        .create_order(&order("9104", "MUG-1", 1, 1299))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Rejected { vendor, message }
            if vendor == "magento" && message.contains("Carrier with such method not found: tablerate, bestway")),
        "{err:?}"
    );
    // Not found.
    let err = shop
        .order(&WebshopOrderId::parse("424242").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectorError::NotFound { .. }), "{err:?}");
    // A store view the shop does not have.
    let mut config = fast(sim.config());
    config.store_code = "fr".into();
    let err = client(&config).order(&created).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::NotFound { what } if what.contains("store")),
        "{err:?}"
    );
}
