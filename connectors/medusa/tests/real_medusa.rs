//! The Medusa connector against a real Medusa 2 server: the one started from npm on the local
//! PostgreSQL by `scripts/medusa/run.sh`, which writes the ids it seeded to `seed.json`
//! (`.ci/run` starts it and points `ORDERBRIDGE_TEST_MEDUSA_SEED` at that file). Without the
//! variable the test prints a notice and checks nothing — unless `ORDERBRIDGE_TEST_REQUIRE_TOOLS`
//! is set, as in CI, where a missing server fails it.
//!
//! The steps are the ones the simulator is trusted for, so a Medusa release that behaves
//! differently fails here: placing an order as a converted draft, VAT on top unless EUR
//! prices include it, stock reserved and checked, a draft left by an interrupted creation
//! found and converted, tracking read back from a shipment's labels, changed orders,
//! cancelling (twice, and refused once shipped), and the error classes.

use std::time::Duration as StdDuration;

use base64::Engine;
use chrono::{Duration, Utc};
use orderbridge_core::domain::{Sku, WebshopOrderId};
use orderbridge_core::webshop::{NewOrder, WebshopStatus};
use orderbridge_core::{ConnectorError, RetryPolicy, Secret, Webshop};
use orderbridge_medusa::{MedusaClient, MedusaConfig};
use serde_json::{json, Value};

/// The seeded store.
struct Seed {
    raw: Value,
}

impl Seed {
    fn load() -> Option<Seed> {
        let Some(path) = std::env::var_os("ORDERBRIDGE_TEST_MEDUSA_SEED") else {
            assert!(
                std::env::var_os("ORDERBRIDGE_TEST_REQUIRE_TOOLS").is_none(),
                "a real Medusa server is required here: run scripts/medusa/run.sh and set \
                 ORDERBRIDGE_TEST_MEDUSA_SEED to its seed.json"
            );
            eprintln!(
                "NOTICE: ORDERBRIDGE_TEST_MEDUSA_SEED not set (scripts/medusa/run.sh starts a \
                 real Medusa 2); the connector is not checked against a real server"
            );
            return None;
        };
        let text = std::fs::read_to_string(&path).expect("seed.json readable");
        Some(Seed {
            raw: serde_json::from_str(&text).expect("seed.json is JSON"),
        })
    }

    fn text(&self, pointer: &str) -> String {
        self.raw
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("seed.json has no {pointer}"))
            .to_owned()
    }

    fn config(&self) -> MedusaConfig {
        let mut config = MedusaConfig::new(
            self.text("/base_url").parse().expect("base_url"),
            orderbridge_core::SecretSource::Inline(self.text("/api_key/token")),
            self.text("/region_id"),
            self.text("/sales_channel_id"),
            self.text("/shipping_option_id"),
        );
        config.stock_location_id = Some(self.text("/stock_location_id"));
        config.retry = RetryPolicy {
            max_attempts: 2,
            initial_backoff_ms: 100,
            max_backoff_ms: 200,
            max_retry_after_secs: 5,
        };
        config
    }

    fn client(&self) -> MedusaClient {
        MedusaClient::new(&self.config(), Secret::new(self.text("/api_key/token"))).expect("client")
    }

    /// The merchant's side: a plain Admin API call with the secret key.
    async fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let key = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:", self.text("/api_key/token")));
        let mut request = reqwest::Client::new()
            .request(method, format!("{}{path}", self.text("/base_url")))
            .header("authorization", format!("Basic {key}"))
            .timeout(StdDuration::from_secs(30));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("admin call sent");
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {value}");
        value
    }
}

/// An order with one line; a run's orders get fresh ids from `run` so reruns on one server
/// never meet an earlier run's orders.
fn order(run: &str, n: u32, sku: &str, quantity: u32, total: i64) -> NewOrder {
    orderbridge_testkit::fixtures::order("real-medusa", &format!("{run}{n}"), sku, quantity, total)
}

async fn available(shop: &MedusaClient, sku: &str) -> Option<i64> {
    let levels = shop
        .stock_levels(&[Sku::parse(sku).expect("valid test fixture")])
        .await
        .expect("stock read");
    levels.first().and_then(|l| l.quantity)
}

/// Sets whether EUR prices include VAT (the currency price preference).
async fn eur_prices_include_tax(seed: &Seed, include: bool) {
    let found = seed
        .admin(
            reqwest::Method::GET,
            "/admin/price-preferences?attribute=currency_code&value=eur",
            None,
        )
        .await;
    let id = found["price_preferences"][0]["id"]
        .as_str()
        .expect("an EUR price preference")
        .to_owned();
    seed.admin(
        reqwest::Method::POST,
        &format!("/admin/price-preferences/{id}"),
        Some(json!({ "is_tax_inclusive": include })),
    )
    .await;
}

#[tokio::test]
async fn the_connector_against_a_real_medusa_2() {
    let Some(seed) = Seed::load() else { return };
    let shop = seed.client();
    let run = Utc::now().timestamp_millis().to_string();
    let since = Utc::now() - Duration::minutes(1);

    // Stock per SKU, an unknown SKU left out.
    let start_1 = available(&shop, "SKU-1").await.expect("SKU-1 is managed");
    let start_2 = available(&shop, "SKU-2").await.expect("SKU-2 is managed");
    let unknown = shop
        .stock_levels(&[Sku::parse("NO-SUCH-SKU").unwrap()])
        .await
        .unwrap();
    assert!(unknown.is_empty(), "{unknown:?}");

    // A fresh store adds VAT on top: what the daemon's total check sees.
    eur_prices_include_tax(&seed, false).await;
    let taxed = shop
        .create_order(&order(&run, 1, "SKU-1", 2, 2420))
        .await
        .unwrap();
    assert_eq!(taxed.total.unwrap().cents(), 2928, "24.20 + 21 % VAT");
    // With tax-inclusive EUR prices, what the buyer paid — also when cents do not divide.
    eur_prices_include_tax(&seed, true).await;
    let paid = order(&run, 2, "SKU-1", 3, 1000);
    let created = shop.create_order(&paid).await.unwrap();
    assert_eq!(created.total.unwrap().cents(), 1000);
    assert_eq!(
        available(&shop, "SKU-1").await,
        Some(start_1 - 5),
        "reserved"
    );

    // Found again by our code; read back as ours and open.
    assert_eq!(
        shop.find_order(&paid.code, Utc::now()).await.unwrap(),
        Some(created.id.clone())
    );
    let read = shop.order(&created.id).await.unwrap();
    assert_eq!(read.code, Some(paid.code.clone()));
    assert_eq!(read.status, WebshopStatus::Open);

    // Too little stock: refused at the draft, the lines named.
    let err = shop
        .create_order(&order(
            &run,
            3,
            "SKU-2",
            u32::try_from(start_2 + 1).unwrap(),
            900,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Rejected { message, .. } if message.contains("required inventory")),
        "{err:?}"
    );

    // A draft left by an interrupted creation is found and converted.
    let left = order(&run, 4, "SKU-2", 1, 550);
    let variant = seed.text("/variants/SKU-2/variant_id");
    seed.admin(
        reqwest::Method::POST,
        "/admin/draft-orders",
        Some(json!({
            "email": "2abc@verkopen.bol.com",
            "region_id": seed.text("/region_id"),
            "sales_channel_id": seed.text("/sales_channel_id"),
            "items": [{"variant_id": variant, "quantity": 1, "unit_price": 5.5}],
            "shipping_methods": [{"shipping_option_id": seed.text("/shipping_option_id"), "name": "x", "amount": 0}],
            "metadata": {"orderbridge_code": left.code.as_str()},
            "no_notification_order": true,
        })),
    )
    .await;
    let converted = shop.find_order(&left.code, since).await.unwrap().unwrap();
    assert_eq!(
        shop.order(&converted).await.unwrap().status,
        WebshopStatus::Open
    );
    assert_eq!(
        shop.find_order(&left.code, since).await.unwrap(),
        Some(converted.clone()),
        "found as an order now, not converted twice"
    );

    // The merchant fulfils and ships with a track & trace code: read back completed.
    let placed = seed
        .admin(
            reqwest::Method::GET,
            &format!("/admin/orders/{}?fields=id,*items", taxed.id.as_str()),
            None,
        )
        .await;
    let items: Vec<Value> = placed["order"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({"id": i["id"], "quantity": i["quantity"]}))
        .collect();
    seed.admin(
        reqwest::Method::POST,
        &format!("/admin/orders/{}/fulfillments", taxed.id.as_str()),
        Some(json!({ "items": items })),
    )
    .await;
    let with_fulfillment = seed
        .admin(
            reqwest::Method::GET,
            &format!(
                "/admin/orders/{}?fields=id,*fulfillments",
                taxed.id.as_str()
            ),
            None,
        )
        .await;
    let fulfillment = with_fulfillment["order"]["fulfillments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before_ship = shop.order(&taxed.id).await.unwrap();
    assert_eq!(
        before_ship.status,
        WebshopStatus::Open,
        "fulfilled, not shipped"
    );
    seed.admin(
        reqwest::Method::POST,
        &format!(
            "/admin/orders/{}/fulfillments/{fulfillment}/shipments",
            taxed.id.as_str()
        ),
        Some(json!({
            "items": items,
            "labels": [{"tracking_number": "3SABCD1234567", "tracking_url": "", "label_url": ""}],
        })),
    )
    .await;
    let shipped = shop.order(&taxed.id).await.unwrap();
    assert_eq!(shipped.status, WebshopStatus::Completed);
    assert_eq!(shipped.tracking.len(), 1);
    assert_eq!(shipped.tracking[0].code, "3SABCD1234567");
    assert!(shipped.completed_at.is_some());
    let changed = shop
        .changed_orders(before_ship.modified_at.unwrap())
        .await
        .unwrap();
    assert!(changed.iter().any(|o| o.id == taxed.id), "{changed:?}");
    let both = shop
        .orders(&[created.id.clone(), taxed.id.clone()])
        .await
        .unwrap();
    assert_eq!(both.len(), 2);

    // Cancelling: done, done again (Medusa refuses the second; the connector sees it is
    // cancelled), and refused once shipped.
    shop.cancel_order(&created.id).await.unwrap();
    shop.cancel_order(&created.id).await.unwrap();
    assert_eq!(
        shop.order(&created.id).await.unwrap().status,
        WebshopStatus::Cancelled
    );
    let err = shop.cancel_order(&taxed.id).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Rejected { message, .. } if message.contains("fulfillments")),
        "{err:?}"
    );

    // Error classes.
    let missing = shop
        .order(&WebshopOrderId::parse("order_DOESNOTEXIST").unwrap())
        .await;
    assert!(
        matches!(missing, Err(ConnectorError::NotFound { .. })),
        "{missing:?}"
    );
    let stranger = MedusaClient::new(&seed.config(), Secret::new("sk_wrong")).unwrap();
    let err = stranger.order(&taxed.id).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth { .. }), "{err:?}");
    eur_prices_include_tax(&seed, false).await;
}
