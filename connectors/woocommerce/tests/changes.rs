//! The real `WooClient` against the simulator, on the ways tracking arrives late or out of
//! order: an order changed while the changed-orders list is walked (a walk by page number
//! misses an order, the keyset walk does not), a code saved later on classic (posts) storage
//! (invisible to `modified_after`, found by reading the orders by id), and the plugin's
//! tracking route asked at most once per order change.

mod common;

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use orderbridge_core::domain::WebshopOrderId;
use orderbridge_core::webshop::WebshopStatus;
use orderbridge_core::Webshop;
use orderbridge_woocommerce::sim::WooSim;
use orderbridge_woocommerce::WooClient;
use serde_json::Value;

async fn shop() -> (WooSim, WooClient) {
    let sim = WooSim::start().await.expect("loopback port");
    sim.add_product("MUG-1", None, "Mok", 1299, None);
    let client = common::client(
        &sim.base_url(),
        WooSim::CONSUMER_KEY,
        WooSim::CONSUMER_SECRET,
    );
    (sim, client)
}

/// Creates `n` orders of ours, one shop-second apart; returns their ids, oldest first, and a
/// time just before the first.
async fn orders_a_second_apart(
    sim: &WooSim,
    client: &WooClient,
    n: usize,
) -> (Vec<u64>, DateTime<Utc>) {
    let before = Utc::now() - Duration::seconds(2);
    let mut ids = Vec::with_capacity(n);
    for idx in 0..n {
        sim.advance_clock(Duration::seconds(1));
        let order = common::order(
            &format!("7{idx:04}"),
            vec![common::line(Some("MUG-1"), None, 1, 1299)],
        );
        let id = client.create_order(&order).await.expect("created").id;
        ids.push(id.as_str().parse().expect("numeric id"));
    }
    (ids, before)
}

/// The changed orders as a walk over page numbers reads them (what the client did before).
async fn ids_by_page_number_walk(sim: &WooSim, since: DateTime<Utc>) -> HashSet<u64> {
    let http = reqwest::Client::new();
    let mut ids = HashSet::new();
    for page in 1.. {
        let reply = http
            .get(format!("{}/wp-json/wc/v3/orders", sim.base_url()))
            .basic_auth(WooSim::CONSUMER_KEY, Some(WooSim::CONSUMER_SECRET))
            .query(&[
                (
                    "modified_after",
                    since.format("%Y-%m-%dT%H:%M:%S").to_string(),
                ),
                ("dates_are_gmt", "true".into()),
                ("orderby", "modified".into()),
                ("order", "asc".into()),
                ("per_page", "100".into()),
                ("page", page.to_string()),
            ])
            .send()
            .await
            .expect("list answered");
        let items: Vec<Value> = reply.json().await.expect("a JSON list");
        ids.extend(items.iter().filter_map(|o| o["id"].as_u64()));
        if items.len() < 100 {
            break;
        }
    }
    ids
}

#[tokio::test]
async fn an_order_changed_during_the_walk_makes_a_page_walk_miss_one_but_not_the_keyset_walk() {
    let (sim, client) = shop().await;
    let (ids, since) = orders_a_second_apart(&sim, &client, 150).await;
    let all: HashSet<u64> = ids.iter().copied().collect();

    // The merchant edits the oldest order right after the first page is served: it moves to
    // the end, and the 101st order slides onto page one, already read.
    sim.change_during_next_list_page(ids[0]);
    let by_page = ids_by_page_number_walk(&sim, since).await;
    let missed: Vec<&u64> = all.difference(&by_page).collect();
    assert_eq!(
        missed,
        [&ids[100]],
        "the page walk skips the order that slid"
    );

    sim.change_during_next_list_page(ids[1]);
    let changed = client.changed_orders(since).await.unwrap();
    let found: HashSet<u64> = changed
        .iter()
        .map(|o| o.id.as_str().parse().unwrap())
        .collect();
    assert_eq!(found, all, "the keyset walk finds every order");
    assert_eq!(changed.len(), 150, "each order once");
    assert!(changed
        .windows(2)
        .all(|w| w[0].modified_at <= w[1].modified_at));
}

#[tokio::test]
async fn more_than_a_page_in_one_second_is_paged_within_it() {
    let (sim, client) = shop().await;
    let since = Utc::now() - Duration::seconds(2);
    // All in the same shop second: the bound cannot move, so the walk pages on.
    sim.freeze_clock(true);
    for idx in 0..230 {
        let order = common::order(
            &format!("8{idx:04}"),
            vec![common::line(Some("MUG-1"), None, 1, 1299)],
        );
        client.create_order(&order).await.unwrap();
    }
    let seconds: HashSet<_> = sim.orders().iter().map(|o| o.modified_at).collect();
    assert_eq!(seconds.len(), 1);

    let changed = client.changed_orders(since).await.unwrap();

    let distinct: HashSet<&str> = changed.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(distinct.len(), 230);
    assert_eq!(changed.len(), 230);
}

#[tokio::test]
async fn a_code_saved_later_on_classic_storage_is_found_by_reading_the_order_by_id() {
    let (sim, client) = shop().await;
    sim.set_classic_storage(true);
    let (ids, _) = orders_a_second_apart(&sim, &client, 3).await;
    sim.complete_order(ids[1], None);
    sim.advance_clock(Duration::minutes(10));
    let after_completion = Utc::now() + Duration::minutes(10);

    sim.add_tracking(ids[1], "PostNL", "3SABCD1234567");

    let changed = client.changed_orders(after_completion).await.unwrap();
    assert!(changed.is_empty(), "meta alone does not move date_modified");
    let asked: Vec<WebshopOrderId> = ids
        .iter()
        .map(|id| WebshopOrderId::parse(&id.to_string()).unwrap())
        .chain([WebshopOrderId::parse("999999").unwrap()])
        .collect();
    let read = client.orders(&asked).await.unwrap();
    assert_eq!(read.len(), 3, "an id the shop does not have is left out");
    let completed = read
        .iter()
        .find(|o| o.id.as_str() == ids[1].to_string())
        .unwrap();
    assert_eq!(completed.status, WebshopStatus::Completed);
    assert_eq!(completed.tracking[0].code, "3SABCD1234567");
}

#[tokio::test]
async fn the_tracking_route_is_asked_once_per_order_change() {
    let (sim, client) = shop().await;
    // The shop hides the meta from the REST output: only the route tells.
    sim.set_tracking_meta_visible(false);
    let (ids, since) = orders_a_second_apart(&sim, &client, 200).await;
    for id in &ids {
        sim.complete_order(*id, None);
    }
    let asked: Vec<WebshopOrderId> = ids
        .iter()
        .map(|id| WebshopOrderId::parse(&id.to_string()).unwrap())
        .collect();

    // Several track runs: the changed orders (the watermark overlaps) and the waiting ones.
    for _ in 0..4 {
        assert_eq!(client.changed_orders(since).await.unwrap().len(), 200);
        assert_eq!(client.orders(&asked).await.unwrap().len(), 200);
    }
    assert_eq!(
        sim.tracking_route_requests(),
        200,
        "one route call per completed order, not one per read"
    );

    // A change to one order (HPOS: the code moves date_modified) asks once more, for it only.
    sim.advance_clock(Duration::seconds(3));
    sim.add_tracking(ids[42], "PostNL", "3SABCD1234567");
    for _ in 0..3 {
        let read = client.orders(&asked[40..45]).await.unwrap();
        let tracked = read.iter().find(|o| o.id == asked[42]).unwrap();
        assert_eq!(tracked.tracking[0].code, "3SABCD1234567");
    }
    assert_eq!(sim.tracking_route_requests(), 201);
}

#[tokio::test]
async fn tracking_in_meta_needs_no_route_call() {
    let (sim, client) = shop().await;
    let (ids, since) = orders_a_second_apart(&sim, &client, 5).await;
    for id in &ids {
        sim.complete_order(*id, Some(("PostNL", "3SABCD1234567")));
    }

    let changed = client.changed_orders(since).await.unwrap();

    assert!(changed.iter().all(|o| o.tracking.len() == 1));
    assert_eq!(sim.tracking_route_requests(), 0);
}

#[tokio::test]
async fn the_control_routes_switch_storage_and_add_a_code_later() {
    let (sim, client) = shop().await;
    let http = reqwest::Client::new();
    let storage = http
        .post(format!("{}/_sim/storage", sim.base_url()))
        .body(r#"{"classic": true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(storage.status(), 204);
    let (ids, _) = orders_a_second_apart(&sim, &client, 1).await;
    sim.complete_order(ids[0], None);
    let completed_at = sim.orders()[0].modified_at;
    sim.advance_clock(Duration::minutes(3));

    let added = http
        .post(format!(
            "{}/_sim/orders/{}/tracking",
            sim.base_url(),
            ids[0]
        ))
        .body(r#"{"provider": "PostNL", "number": "3SABCD1234567"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 204);
    let unknown = http
        .post(format!("{}/_sim/orders/1/tracking", sim.base_url()))
        .body(r#"{"number": "3SABCD1234567"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    let order = &sim.orders()[0];
    assert!(order.meta_value("_wc_shipment_tracking_items").is_some());
    assert_eq!(order.modified_at, completed_at, "classic storage");
}
