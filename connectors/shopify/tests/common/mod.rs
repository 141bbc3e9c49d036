//! What the Shopify connector's test files share: order fixtures and a simulated shop with a
//! client on it.

// Each test file uses a part of these.
#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use orderbridge_core::domain::{
    Address, Currency, MarketplaceOrderId, Money, OrderCode, Quantity, Sku,
};
use orderbridge_core::webshop::{NewOrder, NewOrderLine};
use orderbridge_core::RateLimit;
use orderbridge_shopify::sim::ShopifySim;
use orderbridge_shopify::{ShopifyClient, ShopifyConfig};

pub fn eur(cents: i64) -> Money {
    Money::from_cents(cents, Currency::EUR).expect("valid test fixture")
}

pub fn address() -> Address {
    orderbridge_testkit::fixtures::address()
}

pub fn line(sku: &str, quantity: u32, unit: i64, total: i64) -> NewOrderLine {
    NewOrderLine {
        sku: Some(Sku::parse(sku).expect("valid test fixture")),
        ean: None,
        title: "Mok".into(),
        quantity: Quantity::new(quantity).expect("valid test fixture"),
        unit_price: eur(unit),
        line_total: eur(total),
        discounts: Vec::new(),
        marketplace_line_id: format!("{sku}-line"),
    }
}

pub fn order(id: &str, lines: Vec<NewOrderLine>) -> NewOrder {
    let marketplace_order_id = MarketplaceOrderId::parse(id).expect("valid test fixture");
    NewOrder {
        code: OrderCode::derive("bol-shopify", &marketplace_order_id),
        marketplace: "bol.com".into(),
        marketplace_order_id,
        placed_at: Utc
            .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
            .single()
            .expect("valid test fixture"),
        shipping: address(),
        billing: address(),
        pickup_point: None,
        lines,
    }
}

pub fn fast(mut config: ShopifyConfig) -> ShopifyConfig {
    config.retry.initial_backoff_ms = 1;
    config.retry.max_backoff_ms = 2;
    config.rate_limit = RateLimit::per_second(10_000);
    config
}

pub fn client(config: &ShopifyConfig) -> ShopifyClient {
    ShopifyClient::from_config(config, None).expect("valid test fixture")
}

/// A shop with a mug (10 in stock), an untracked poster, and a bucket that refills at once.
pub async fn shop() -> (ShopifySim, ShopifyClient) {
    let sim = ShopifySim::start().await.expect("valid test fixture");
    sim.add_variant("MUG-1", Some("8712345678906"), 1299, Some(10));
    sim.add_variant("POSTER", None, 500, None);
    sim.set_bucket(1000.0, 1_000_000.0);
    let shop = client(&fast(sim.config()));
    (sim, shop)
}

pub fn since() -> chrono::DateTime<Utc> {
    Utc::now() - chrono::Duration::minutes(5)
}
