//! The real `WooClient` against a simulator giving valid-but-unexpected answers (plugin
//! statuses and product types, odd meta data, optional fields left out, `{}` for an empty
//! list), and against seeded chaos: orders, changes and stock still map, and under chaos every
//! call ends well or with an error the daemon retries.

mod common;

use chrono::{Duration, Utc};
use orderbridge_core::domain::{Sku, WebshopOrderId};
use orderbridge_core::webshop::{StockLevel, TrackingEntry, WebshopStatus};
use orderbridge_core::{ConnectorError, Webshop};
use orderbridge_woocommerce::sim::{WooQuirks, WooSim};
use orderbridge_woocommerce::WooClient;
use serde_json::Value;

async fn shop() -> (WooSim, WooClient) {
    let sim = WooSim::start().await.expect("loopback port");
    sim.add_product("MUG-1", None, "Mok", 1299, Some(10));
    let client = common::sim_client(&sim, 5, 3);
    (sim, client)
}

async fn place(client: &WooClient, marketplace_order_id: &str) -> WebshopOrderId {
    let order = common::order(
        marketplace_order_id,
        vec![common::line(Some("MUG-1"), None, 1, 1299)],
    );
    client.create_order(&order).await.expect("created").id
}

fn number(id: &WebshopOrderId) -> u64 {
    id.as_str().parse().expect("numeric WooCommerce id")
}

/// What the simulator sends for `GET {path}`, to check a quirk is really on the wire.
async fn raw(sim: &WooSim, path: &str) -> Value {
    reqwest::Client::new()
        .get(format!("{}/wp-json/wc/v3/{path}", sim.base_url()))
        .basic_auth(WooSim::CONSUMER_KEY, Some(WooSim::CONSUMER_SECRET))
        .send()
        .await
        .expect("simulator answers")
        .json()
        .await
        .expect("JSON answer")
}

fn mug_stock(quantity: i64) -> Vec<StockLevel> {
    vec![StockLevel {
        sku: Sku::parse("MUG-1").expect("valid test fixture"),
        quantity: Some(quantity),
        in_stock: quantity > 0,
    }]
}

#[tokio::test]
async fn unknown_statuses_types_and_meta_shapes_still_map() {
    let (sim, client) = shop().await;
    let started = Utc::now();
    sim.set_quirks(WooQuirks {
        unknown_enum_values: true,
        ..WooQuirks::default()
    });
    let open = place(&client, "1001").await;
    let done = place(&client, "1002").await;
    sim.complete_order(number(&done), Some(("PostNL", "3SABCD1234567")));
    let wire = raw(&sim, &format!("orders/{open}")).await;
    assert_eq!(wire["status"], "wc-custom-packed");
    assert_eq!(raw(&sim, "products").await[0]["type"], "bundle");

    let changed = client.changed_orders(started).await.unwrap();
    let order = client.order(&open).await.unwrap();
    let levels = client.stock_levels(&[Sku::parse("MUG-1").unwrap()]).await;

    assert_eq!(changed.len(), 2);
    let changed_open = changed.iter().find(|o| o.id == open).unwrap();
    assert_eq!(changed_open.status, WebshopStatus::Open);
    assert!(changed_open.code.is_some());
    let changed_done = changed.iter().find(|o| o.id == done).unwrap();
    assert_eq!(changed_done.status, WebshopStatus::Completed);
    assert_eq!(changed_done.tracking[0].code, "3SABCD1234567");
    assert_eq!(order.status, WebshopStatus::Open);
    assert_eq!(levels, Ok(mug_stock(8)));
}

#[tokio::test]
async fn orders_without_optional_fields_still_map() {
    let (sim, client) = shop().await;
    let started = Utc::now();
    let open = place(&client, "2001").await;
    let done = place(&client, "2002").await;
    sim.complete_order(number(&done), Some(("PostNL", "3SABCD1234567")));
    sim.set_quirks(WooQuirks {
        omit_optional_fields: true,
        ..WooQuirks::default()
    });
    let wire = raw(&sim, &format!("orders/{done}")).await;
    assert!(wire.get("meta_data").is_none() && wire.get("date_completed_gmt").is_none());

    let changed = client.changed_orders(started).await.unwrap();
    let order = client.order(&done).await.unwrap();
    let levels = client.stock_levels(&[Sku::parse("MUG-1").unwrap()]).await;

    assert_eq!(changed.len(), 2);
    // Without meta data the orders carry no code and no tracking.
    assert!(changed
        .iter()
        .all(|o| o.code.is_none() && o.tracking.is_empty()));
    let status_of = |id: &WebshopOrderId| changed.iter().find(|o| &o.id == id).map(|o| o.status);
    assert_eq!(status_of(&open), Some(WebshopStatus::Open));
    assert_eq!(status_of(&done), Some(WebshopStatus::Completed));
    assert_eq!(order.completed_at, None);
    // Asked for by id, tracking still comes from the plugin's endpoint.
    assert_eq!(
        order.tracking,
        vec![TrackingEntry {
            code: "3SABCD1234567".into(),
            carrier: Some("PostNL".into())
        }]
    );
    assert_eq!(levels, Ok(mug_stock(8)));
}

#[tokio::test]
async fn empty_lists_sent_as_objects_read_as_empty() {
    let (sim, client) = shop().await;
    let started = Utc::now();
    sim.set_quirks(WooQuirks {
        empty_list_as_object: true,
        ..WooQuirks::default()
    });
    sim.set_tracking_meta_visible(false);
    assert_eq!(raw(&sim, "orders").await, serde_json::json!({}));

    let nothing_changed = client.changed_orders(started).await;
    let unknown = client.stock_levels(&[Sku::parse("GONE").unwrap()]).await;
    let not_created = common::order("3001", vec![]).code;
    let not_found = client.find_order(&not_created, started).await;
    let id = place(&client, "3002").await;
    sim.complete_order(number(&id), None);
    let completed = client.order(&id).await.unwrap();

    assert_eq!(nothing_changed, Ok(Vec::new()));
    assert_eq!(unknown, Ok(Vec::new()));
    assert_eq!(not_found, Ok(None));
    assert_eq!(completed.status, WebshopStatus::Completed);
    assert!(completed.tracking.is_empty());
    let later = client.changed_orders(Utc::now() + Duration::hours(1)).await;
    assert_eq!(later, Ok(Vec::new()));
}

#[tokio::test]
async fn under_chaos_every_call_ends_well_or_retryable() {
    let sim = WooSim::start().await.expect("loopback port");
    sim.add_product("MUG-1", None, "Mok", 1299, Some(10));
    // A 1 s time-out: chaos delays (2.5 s) end as time-outs.
    let client = common::sim_client(&sim, 1, 3);
    let started = Utc::now();
    for n in 0..3 {
        place(&client, &format!("400{n}")).await;
    }
    let first = sim.orders()[0].id;
    sim.complete_order(first, Some(("PostNL", "3SABCD1234567")));
    sim.set_chaos(0.3, 20_261_122);

    let mut n_ok = 0;
    for _ in 0..50 {
        match client.changed_orders(started).await {
            Ok(orders) => {
                assert_eq!(orders.len(), 3);
                n_ok += 1;
            }
            Err(error) => assert!(
                error.is_retryable() || matches!(error, ConnectorError::InvalidPayload { .. }),
                "{error:?}"
            ),
        }
    }
    sim.clear_faults();

    let counts = sim.fault_counts();
    let n_faults: u64 = counts.iter().map(|(_, n)| n).sum();
    assert!(n_faults >= 10, "{counts:?}");
    // With three attempts a call only fails when all three draw a fault (about 3%); without
    // retries about 30% would.
    assert!(n_ok >= 40, "{n_ok} of 50 ok; {counts:?}");
    assert_eq!(client.changed_orders(started).await.map(|o| o.len()), Ok(3));
}
