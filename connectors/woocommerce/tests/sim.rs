//! The real `WooClient` against the WooCommerce simulator: creating orders exactly once (also
//! when a reply is lost), following changes over many pages, tracking from meta and from the
//! plugin's endpoint, cancelling, stock, and rate limits.

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use orderbridge_core::domain::{Sku, WebshopOrderId};
use orderbridge_core::webshop::{StockLevel, TrackingEntry, WebshopStatus};
use orderbridge_core::{ConnectorError, Webshop};
use orderbridge_woocommerce::sim::{WooEndpoint, WooFault, WooSim};
use orderbridge_woocommerce::WooClient;

const EAN: &str = "8712345678906";

async fn shop() -> (WooSim, WooClient) {
    let sim = WooSim::start().await.expect("loopback port");
    sim.add_product("MUG-1", Some(EAN), "Mok", 1299, Some(10));
    let client = common::client(
        &sim.base_url(),
        WooSim::CONSUMER_KEY,
        WooSim::CONSUMER_SECRET,
    );
    (sim, client)
}

fn id_number(id: &WebshopOrderId) -> u64 {
    id.as_str().parse().expect("numeric WooCommerce id")
}

#[tokio::test]
async fn created_orders_are_found_by_their_code() {
    let (sim, client) = shop().await;
    let started = Utc::now();
    let order = common::order("1001", vec![common::line(Some("MUG-1"), None, 2, 1299)]);

    let id = client.create_order(&order).await.unwrap().id;
    let found = client.find_order(&order.code, started).await.unwrap();

    assert_eq!(found, Some(id.clone()));
    let stored = sim.orders_with_code(order.code.as_str());
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, id_number(&id));
    assert_eq!(stored[0].status, "processing");
    assert_eq!(stored[0].line_items[0].sku, "MUG-1");
    assert_eq!(stored[0].line_items[0].total, "25.98");
    assert_eq!(stored[0].shipping["address_1"], "Kerkstraat 23-II");
    assert_eq!(
        stored[0].meta_str("_shipping_house_number_suffix"),
        Some("II")
    );
    assert_eq!(sim.orders_with_marketplace_order("1001").len(), 1);
    let other = common::order("1002", vec![common::line(Some("MUG-1"), None, 1, 1299)]);
    assert_eq!(client.find_order(&other.code, started).await.unwrap(), None);
}

#[tokio::test]
async fn a_lost_reply_leaves_one_order_that_find_order_finds() {
    let (sim, client) = shop().await;
    let started = Utc::now();
    sim.inject_fault(WooEndpoint::CreateOrder, WooFault::LostReply, 1);
    let order = common::order("2001", vec![common::line(Some("MUG-1"), None, 1, 1299)]);

    let err = client.create_order(&order).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Transient { .. }), "{err:?}");
    let found = client.find_order(&order.code, started).await.unwrap();

    let stored = sim.orders_with_code(order.code.as_str());
    assert_eq!(stored.len(), 1);
    assert_eq!(found.map(|id| id_number(&id)), Some(stored[0].id));
    assert_eq!(sim.create_requests(), 1);
}

#[tokio::test]
async fn changed_orders_walks_every_page() {
    let (sim, client) = shop().await;
    let started = Utc::now();
    for n in 0..250 {
        let order = common::order(
            &format!("3{n:03}"),
            vec![common::line(Some("MUG-1"), None, 1, 100)],
        );
        client.create_order(&order).await.unwrap();
    }

    let changed = client.changed_orders(started).await.unwrap();

    assert_eq!(changed.len(), 250);
    assert!(changed
        .iter()
        .all(|o| o.code.is_some() && o.status == WebshopStatus::Open));
    let mut ids: Vec<&str> = changed.iter().map(|o| o.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 250);
    assert!(changed
        .windows(2)
        .all(|w| w[0].modified_at <= w[1].modified_at));

    let completed_id = sim.orders()[17].id;
    let before_completion = Utc::now();
    sim.complete_order(completed_id, None);
    let later = client.changed_orders(before_completion).await.unwrap();
    let completed = later
        .iter()
        .find(|o| id_number(&o.id) == completed_id)
        .unwrap();
    assert_eq!(completed.status, WebshopStatus::Completed);
    assert!(completed.completed_at.is_some());
}

#[tokio::test]
async fn completion_with_and_without_tracking_shows_in_order() {
    let (sim, client) = shop().await;
    let with = client
        .create_order(&common::order(
            "4001",
            vec![common::line(Some("MUG-1"), None, 1, 100)],
        ))
        .await
        .unwrap()
        .id;
    let without = client
        .create_order(&common::order(
            "4002",
            vec![common::line(Some("MUG-1"), None, 1, 100)],
        ))
        .await
        .unwrap()
        .id;
    sim.complete_order(id_number(&with), Some(("PostNL", "3SABCD1234567")));
    sim.complete_order(id_number(&without), None);

    let tracked = client.order(&with).await.unwrap();
    let untracked = client.order(&without).await.unwrap();

    assert_eq!(tracked.status, WebshopStatus::Completed);
    assert_eq!(
        tracked.tracking,
        vec![TrackingEntry {
            code: "3SABCD1234567".into(),
            carrier: Some("postnl".into())
        }]
    );
    assert_eq!(untracked.status, WebshopStatus::Completed);
    assert!(untracked.tracking.is_empty());

    sim.add_tracking(id_number(&without), "DHL Parcel", "JVGL0123456789");
    let late = client.order(&without).await.unwrap();
    assert_eq!(late.tracking[0].code, "JVGL0123456789");
}

#[tokio::test]
async fn tracking_comes_from_the_plugin_endpoint_when_meta_is_hidden() {
    let (sim, client) = shop().await;
    sim.set_tracking_meta_visible(false);
    let id = client
        .create_order(&common::order(
            "5001",
            vec![common::line(Some("MUG-1"), None, 1, 100)],
        ))
        .await
        .unwrap()
        .id;
    sim.complete_order(id_number(&id), Some(("PostNL", "3SABCD1234567")));

    let order = client.order(&id).await.unwrap();

    assert_eq!(
        order.tracking,
        vec![TrackingEntry {
            code: "3SABCD1234567".into(),
            carrier: Some("PostNL".into())
        }]
    );

    sim.set_tracking_plugin_installed(false);
    let without_plugin = common::client(
        &sim.base_url(),
        WooSim::CONSUMER_KEY,
        WooSim::CONSUMER_SECRET,
    );
    let order = without_plugin.order(&id).await.unwrap();
    assert_eq!(order.status, WebshopStatus::Completed);
    assert!(order.tracking.is_empty());
}

#[tokio::test]
async fn cancelling_is_idempotent() {
    let (sim, client) = shop().await;
    let id = client
        .create_order(&common::order(
            "6001",
            vec![common::line(Some("MUG-1"), None, 3, 100)],
        ))
        .await
        .unwrap()
        .id;

    client.cancel_order(&id).await.unwrap();
    client.cancel_order(&id).await.unwrap();

    assert_eq!(sim.orders()[0].status, "cancelled");
    assert_eq!(
        client.order(&id).await.unwrap().status,
        WebshopStatus::Cancelled
    );
    let missing = client
        .cancel_order(&WebshopOrderId::parse("999999").unwrap())
        .await;
    assert!(
        matches!(missing, Err(ConnectorError::NotFound { .. })),
        "{missing:?}"
    );
}

#[tokio::test]
async fn stock_levels_cover_managed_unmanaged_and_variations() {
    let (sim, client) = shop().await;
    sim.add_product("POSTER", None, "Poster", 500, None);
    sim.add_product("CARD", None, "Card", 300, None);
    sim.set_unmanaged_stock_status("CARD", "outofstock");
    let shirt = sim.add_variable_product("SHIRT", "Shirt");
    sim.add_variation(shirt, "SHIRT-M", None, "Shirt M", 1500, Some(4));
    sim.set_stock("MUG-1", Some(7));
    let skus: Vec<Sku> = ["MUG-1", "POSTER", "CARD", "SHIRT-M", "UNKNOWN"]
        .iter()
        .map(|s| Sku::parse(s).unwrap())
        .collect();

    let mut levels = client.stock_levels(&skus).await.unwrap();
    levels.sort_by(|a, b| a.sku.cmp(&b.sku));

    let level = |sku: &str, quantity, in_stock| StockLevel {
        sku: Sku::parse(sku).unwrap(),
        quantity,
        in_stock,
    };
    // Unmanaged stock: only the stock status is known (in stock: leave bol alone; out of
    // stock: the stock job sends 0).
    assert_eq!(
        levels,
        vec![
            level("CARD", None, false),
            level("MUG-1", Some(7), true),
            level("POSTER", None, true),
            level("SHIRT-M", Some(4), true)
        ]
    );
}

#[tokio::test]
async fn variations_and_eans_resolve_to_the_right_product() {
    let (sim, client) = shop().await;
    let shirt = sim.add_variable_product("SHIRT", "Shirt");
    let medium = sim.add_variation(shirt, "SHIRT-M", None, "Shirt M", 1500, Some(4));
    let order = common::order(
        "7001",
        vec![
            common::line(Some("SHIRT-M"), None, 1, 1500),
            common::line(Some("NOT-IN-SHOP"), Some(EAN), 1, 1299),
        ],
    );

    client.create_order(&order).await.unwrap();

    let lines = &sim.orders()[0].line_items;
    assert_eq!(
        (lines[0].product_id, lines[0].variation_id),
        (shirt, medium)
    );
    assert_eq!(lines[1].sku, "MUG-1");
    let unknown = common::order("7002", vec![common::line(Some("GONE"), None, 1, 100)]);
    let err = client.create_order(&unknown).await.unwrap_err();
    assert_eq!(
        err,
        ConnectorError::NotFound {
            what: "SKU GONE in webshop".into()
        }
    );
    assert_eq!(sim.create_requests(), 1);
}

/// Dutch shops keep EANs in plugin meta ("EAN for WooCommerce": `_alg_ean`), also on
/// variations, where neither the `sku` nor the `global_unique_id` filter reaches them.
#[tokio::test]
async fn an_ean_in_plugin_meta_on_a_variation_is_found() {
    let (sim, client) = shop().await;
    let shirt = sim.add_variable_product("SHIRT", "Shirt");
    sim.add_variation(shirt, "SHIRT-S", None, "Shirt S", 1500, Some(4));
    let large = sim.add_variation(shirt, "SHIRT-L", None, "Shirt L", 1500, Some(2));
    sim.set_product_meta(large, "_alg_ean", "8719876543215");
    let poster = sim.add_product("POSTER", None, "Poster", 500, None);
    sim.set_product_meta(poster, "_ts_gtin", "8711111111111");
    let order = common::order(
        "7101",
        vec![
            common::line(Some("BOL-REF-1"), Some("8719876543215"), 1, 1500),
            common::line(None, Some("8711111111111"), 1, 500),
        ],
    );

    client.create_order(&order).await.unwrap();

    let lines = &sim.orders()[0].line_items;
    assert_eq!((lines[0].product_id, lines[0].variation_id), (shirt, large));
    assert_eq!((lines[1].product_id, lines[1].variation_id), (poster, 0));

    // The merchant moves the EAN to another variation: the index still has the old one, but
    // a hit is read again before use, so the next order gets the new one.
    let small = sim
        .products()
        .iter()
        .find(|p| p.sku == "SHIRT-S")
        .unwrap()
        .id;
    sim.set_product_meta(large, "_alg_ean", "");
    sim.set_product_meta(small, "_alg_ean", "8719876543215");
    let again = common::order(
        "7102",
        vec![common::line(None, Some("8719876543215"), 1, 1500)],
    );
    client.create_order(&again).await.unwrap();
    let lines = &sim.orders()[1].line_items;
    assert_eq!((lines[0].product_id, lines[0].variation_id), (shirt, small));
}

#[tokio::test]
async fn rate_limits_are_honoured() {
    let (sim, client) = shop().await;
    sim.inject_fault(
        WooEndpoint::Products,
        WooFault::RateLimited {
            retry_after_secs: Some(1),
        },
        1,
    );
    let started = Instant::now();

    let id = client
        .create_order(&common::order(
            "8001",
            vec![common::line(Some("MUG-1"), None, 1, 100)],
        ))
        .await
        .unwrap()
        .id;

    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sim.orders()[0].id, id_number(&id));
}

#[tokio::test]
async fn wrong_credentials_are_refused() {
    let (sim, _) = shop().await;
    let client = common::client(&sim.base_url(), WooSim::CONSUMER_KEY, "cs_wrong");

    let err = client
        .order(&WebshopOrderId::parse("100").unwrap())
        .await
        .unwrap_err();

    assert!(
        matches!(&err, ConnectorError::Auth { message } if message.contains("Consumer secret is invalid")),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_control_routes_play_the_merchant() {
    let (sim, client) = shop().await;
    let id = client
        .create_order(&common::order(
            "9001",
            vec![common::line(Some("MUG-1"), None, 1, 100)],
        ))
        .await
        .unwrap()
        .id;
    let other = client
        .create_order(&common::order(
            "9002",
            vec![common::line(Some("MUG-1"), None, 1, 100)],
        ))
        .await
        .unwrap()
        .id;
    let http = reqwest::Client::new();
    let control = |path: String| format!("{}/_sim/{path}", sim.base_url());

    let completed = http
        .post(control(format!("orders/{id}/complete")))
        .json(&serde_json::json!({"provider": "DPD", "number": "05212345678901"}))
        .send()
        .await
        .unwrap();
    let cancelled = http
        .post(control(format!("orders/{other}/cancel")))
        .send()
        .await
        .unwrap();
    let unknown = http
        .post(control("orders/1/cancel".into()))
        .send()
        .await
        .unwrap();
    let state: serde_json::Value = http
        .get(control("state".into()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert!(completed.status().is_success() && cancelled.status().is_success());
    assert_eq!(unknown.status(), reqwest::StatusCode::NOT_FOUND);
    let tracked = client.order(&id).await.unwrap();
    assert_eq!(tracked.status, WebshopStatus::Completed);
    assert_eq!(
        tracked.tracking,
        vec![TrackingEntry {
            code: "05212345678901".into(),
            carrier: Some("dpd".into())
        }]
    );
    assert_eq!(
        client.order(&other).await.unwrap().status,
        WebshopStatus::Cancelled
    );
    assert_eq!(state["orders"].as_array().unwrap().len(), 2);
    assert_eq!(state["create_requests"], 2);
}
