//! Unit tests of the product index (`product_index.rs`): EAN matching, and incremental
//! refreshing against the simulator, which keeps WooCommerce's dates (a variation's change
//! leaves its variable product's date alone).

use std::sync::Arc;

use orderbridge_core::Secret;
use serde_json::json;

use super::*;
use crate::sim::WooSim;
use crate::{WooClient, WooConfig};

fn product(value: serde_json::Value) -> WooProduct {
    serde_json::from_value(value).unwrap()
}

#[test]
fn eans_come_from_gtin_or_the_configured_meta_keys() {
    let index = ProductIndex::new(vec!["_alg_ean".into()], UnmanagedInStock::Leave);
    let gtin = product(json!({"id": 1, "global_unique_id": "8712345678906"}));
    let meta = product(json!({"id": 2, "meta_data": [
        {"id": 9, "key": "_alg_ean", "value": " 8712345678906 "}
    ]}));
    let number = product(json!({"id": 3, "meta_data": [
        {"id": 9, "key": "_alg_ean", "value": 8712345678906_u64}
    ]}));
    let other_key = product(json!({"id": 4, "meta_data": [
        {"id": 9, "key": "_ts_gtin", "value": "8712345678906"}
    ]}));
    for found in [&gtin, &meta, &number] {
        assert!(index.has_ean(found, "8712345678906"), "{}", found.id);
    }
    assert!(!index.has_ean(&other_key, "8712345678906"));
    assert!(!index.has_ean(&meta, "8712345678913"));
}

/// A client of `sim` whose index refreshes on every use and after every miss.
fn eager_client(sim: &WooSim) -> WooClient {
    let config = WooConfig::new(
        sim.base_url().parse().unwrap(),
        WooSim::CONSUMER_KEY,
        orderbridge_core::SecretSource::Inline(WooSim::CONSUMER_SECRET.into()),
    );
    let mut client = WooClient::new(&config, Secret::new(WooSim::CONSUMER_SECRET)).unwrap();
    let timings = IndexTimings {
        refresh_every: Duration::from_secs(3600),
        rebuild_every: Duration::from_secs(24 * 3600),
        miss_refresh_gap: Duration::ZERO,
    };
    client.products = Arc::new(ProductIndex::with_timings(
        config.ean_meta_keys.clone(),
        UnmanagedInStock::Leave,
        timings,
    ));
    client
}

#[tokio::test]
async fn a_refresh_catches_an_ean_added_to_a_variation_of_an_unchanged_parent() {
    let sim = WooSim::start().await.unwrap();
    sim.add_product("MUG", None, "Mug", 1299, Some(3));
    let shirt = sim.add_variable_product("SHIRT", "Shirt");
    let small = sim.add_variation(shirt, "SHIRT-S", None, "Shirt S", 1500, Some(4));
    // The catalogue was last edited a day ago: older than any refresh's overlap.
    sim.age_products(chrono::Duration::days(1));
    let client = eager_client(&sim);
    client.products.ensure_fresh(&client.http).await.unwrap();
    // The products page and the shirt's variations.
    assert_eq!(sim.product_list_requests(), 2);
    let modified_before = sim
        .products()
        .iter()
        .find(|p| p.id == shirt)
        .unwrap()
        .modified_at;

    // The merchant gives the variation an EAN; the shirt's own date stays.
    sim.set_product_meta(small, "_wpm_gtin_code", "8712345678906");
    let shirt_now = sim.products().into_iter().find(|p| p.id == shirt).unwrap();
    assert_eq!(shirt_now.modified_at, modified_before);
    let index = &client.products;
    assert!(index
        .select(|p| index.has_ean(p, "8712345678906"))
        .await
        .is_empty());

    assert!(index.refresh_after_miss(&client.http, false).await.unwrap());
    let found = index.select(|p| index.has_ean(p, "8712345678906")).await;
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].id, found[0].parent_id), (small, shirt));
    // Incremental: one `modified_after` page of products, one of the shirt's variations.
    assert_eq!(sim.product_list_requests(), 4);
}
