//! Shared fixtures of the integration tests: a marketplace order to create, client
//! configurations with fast retries, and (in [`mock`]) wiremock helpers.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use orderbridge_core::domain::{
    Address, AddressFields, Currency, Ean, MarketplaceOrderId, Money, OrderCode, Quantity, Sku,
};
use orderbridge_core::webshop::{NewOrder, NewOrderLine};
use orderbridge_core::{RateLimit, RetryPolicy, Secret, SecretSource};
use orderbridge_woocommerce::sim::WooSim;
use orderbridge_woocommerce::{WooClient, WooConfig};

/// A Dutch address with a house number extension.
pub fn address(street: &str, extension: Option<&str>) -> Address {
    Address::parse(
        "shipping address",
        AddressFields {
            first_name: Some("Jan".into()),
            surname: Some("Jansen".into()),
            street_name: Some(street.into()),
            house_number: Some("23".into()),
            house_number_extension: extension.map(str::to_owned),
            zip_code: Some("1017 GC".into()),
            city: Some("Amsterdam".into()),
            country_code: Some("NL".into()),
            email: Some("jan@example.nl".into()),
            phone: Some("0612345678".into()),
            ..AddressFields::default()
        },
    )
    .expect("valid test fixture")
}

/// One order line.
pub fn line(sku: Option<&str>, ean: Option<&str>, quantity: u32, unit_cents: i64) -> NewOrderLine {
    NewOrderLine {
        sku: sku.map(|s| Sku::parse(s).expect("valid test fixture")),
        ean: ean.map(|e| Ean::parse(e).expect("valid test fixture")),
        title: "Mok 'Goedemorgen'".into(),
        quantity: Quantity::new(quantity).expect("valid test fixture"),
        unit_price: Money::from_cents(unit_cents, Currency::EUR).expect("valid test fixture"),
        line_total: Money::from_cents(unit_cents * i64::from(quantity), Currency::EUR)
            .expect("valid test fixture"),
        discounts: Vec::new(),
        marketplace_line_id: format!("line-{}", sku.or(ean).unwrap_or("x")),
    }
}

/// A bol.com order with the given lines.
pub fn order(marketplace_order_id: &str, lines: Vec<NewOrderLine>) -> NewOrder {
    let marketplace_order_id =
        MarketplaceOrderId::parse(marketplace_order_id).expect("valid test fixture");
    NewOrder {
        code: OrderCode::derive("bol-test", &marketplace_order_id),
        marketplace: "bol.com".into(),
        marketplace_order_id,
        placed_at: Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(),
        shipping: address("Kerkstraat", Some("II")),
        billing: address("Kerkstraat", Some("II")),
        pickup_point: None,
        lines,
    }
}

/// Retries quick enough for tests: 3 attempts, 10 ms apart.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff_ms: 10,
        max_backoff_ms: 50,
        max_retry_after_secs: 5,
    }
}

/// A configuration for the shop at `base_url` with fast retries and a rate budget too large to
/// slow a test down (tests of the budget set their own).
pub fn config(base_url: &str, key: &str, secret: &str) -> WooConfig {
    let mut config = WooConfig::new(
        base_url.parse().expect("valid test fixture"),
        key,
        SecretSource::Inline(secret.into()),
    );
    config.retry = fast_retry();
    config.timeout_secs = 5;
    config.rate_limit = RateLimit::per_second(10_000);
    config
}

/// A client for the shop at `base_url`.
pub fn client(base_url: &str, key: &str, secret: &str) -> WooClient {
    WooClient::new(&config(base_url, key, secret), Secret::new(secret)).expect("valid test fixture")
}

/// A client for the simulated shop `sim` with `timeout_secs` and `max_attempts`.
pub fn sim_client(sim: &WooSim, timeout_secs: u64, max_attempts: u32) -> WooClient {
    let mut config = config(
        &sim.base_url(),
        WooSim::CONSUMER_KEY,
        WooSim::CONSUMER_SECRET,
    );
    config.timeout_secs = timeout_secs;
    config.retry.max_attempts = max_attempts;
    WooClient::new(&config, Secret::new(WooSim::CONSUMER_SECRET)).expect("valid test fixture")
}

/// Wiremock helpers: WooCommerce-shaped replies and a look at what the client posted.
pub mod mock {
    use serde_json::{json, Value};
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    /// Consumer key the mock tests use.
    pub const KEY: &str = "ck_test";
    /// Consumer secret the mock tests use.
    pub const SECRET: &str = "cs_test";

    /// An order of ours as `GET orders` returns it.
    pub fn order_json(id: u64, status: &str, modified: &str) -> Value {
        json!({
            "id": id, "status": status,
            "date_created_gmt": "2026-11-22T10:00:00", "date_modified_gmt": modified,
            "date_completed_gmt": null, "line_items": [],
            "meta_data": [{"id": 1, "key": "_orderbridge_order_code", "value": "OB0123456789"}]
        })
    }

    /// Answers `GET products?sku={sku}` with one simple product.
    pub async fn mock_product(server: &MockServer, sku: &str, product_id: u64) {
        let products = json!([
            {"id": product_id, "type": "simple", "sku": sku, "manage_stock": false}
        ]);
        Mock::given(method("GET"))
            .and(path("/wp-json/wc/v3/products"))
            .and(query_param("sku", sku))
            .respond_with(ResponseTemplate::new(200).set_body_json(products.clone()))
            .mount(server)
            .await;
        // The product index lists the whole shop (no `sku` filter): this one product.
        Mock::given(method("GET"))
            .and(path("/wp-json/wc/v3/products"))
            .respond_with(ResponseTemplate::new(200).set_body_json(products))
            .with_priority(10)
            .mount(server)
            .await;
    }

    /// Answers `GET settings/general` and `GET settings/tax` as a shop that calculates no
    /// taxes (`woocommerce_calc_taxes` = `no`, WooCommerce's default).
    pub async fn mock_shop_without_taxes(server: &MockServer) {
        Mock::given(method("GET"))
            .and(path("/wp-json/wc/v3/settings/general"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([
                {"id": "woocommerce_default_country", "value": "NL"},
                {"id": "woocommerce_calc_taxes", "value": "no"}
            ])))
            .mount(server)
            .await;
        Mock::given(method("GET"))
            .and(path("/wp-json/wc/v3/settings/tax"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([
                {"id": "woocommerce_prices_include_tax", "value": "no"}
            ])))
            .mount(server)
            .await;
    }

    /// The bodies of the `POST orders` requests among `requests`.
    pub fn posted_orders(requests: &[Request]) -> Vec<Value> {
        requests
            .iter()
            .filter(|r| r.method.as_str() == "POST" && r.url.path() == "/wp-json/wc/v3/orders")
            .map(|r| serde_json::from_slice(&r.body).expect("JSON body"))
            .collect()
    }
}
