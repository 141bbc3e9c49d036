//! The daemon as it runs in production, in-process: scheduled jobs with leases on a SQLite
//! file, against the simulators, until a shutdown signal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::TestDb;
use common::{connection_toml, line, simulators, wait_for, write_config, FAST_SCHEDULE};
use orderbridge::clock::SystemClock;
use orderbridge::config::Config;
use orderbridge::daemon::Daemon;
use orderbridge::status::OrderStatus;
use orderbridge::store::{OrderFilter, Store};
use orderbridge_bol::sim::SimOrder;

async fn scheduled_jobs_carry_orders_through_and_stop_on_shutdown(db: TestDb) {
    let (bol, woo, products) = simulators(Some(7)).await;
    let offer = bol.add_offer(&products[0].sku, &products[0].ean, 1);
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        &db,
        "shop",
        "",
        &connection_toml(&bol, &woo, FAST_SCHEDULE),
    );
    let config = Config::load(&path).unwrap();
    let daemon = Daemon::start(&config, Arc::new(SystemClock)).await.unwrap();
    let (trigger, shutdown) = orderbridge::shutdown::channel();
    let running = tokio::spawn(daemon.run(shutdown));

    let ids: Vec<String> = (0..3)
        .map(|idx| bol.add_order(SimOrder::nl(vec![line(&products[idx], 1)])))
        .collect();
    wait_for("orders in the webshop", || woo.orders().len() == 3).await;
    for order in woo.orders() {
        woo.complete_order(
            order.id,
            Some(("PostNL", &format!("3SDAEM{:07}", order.id))),
        );
    }
    wait_for("shipments", || bol.shipments().len() == 3).await;
    // 7 in the webshop, minus the one the first order took.
    wait_for("stock", || bol.offer_stock(&offer) == Some(6)).await;

    trigger.trigger();
    tokio::time::timeout(Duration::from_secs(30), running)
        .await
        .expect("the daemon stops after shutdown")
        .unwrap();

    let store = Store::open(&config.database_location()).await.unwrap();
    let orders = store.orders(&OrderFilter::default()).await.unwrap();
    assert_eq!(orders.len(), 3);
    // The shipment process may still be confirming when shutdown came; at least the shipment
    // reached bol for all of them.
    assert!(orders.iter().all(|o| matches!(
        o.status,
        OrderStatus::Shipped | OrderStatus::PendingShipment
    )));
    for id in &ids {
        assert_eq!(woo.orders_with_marketplace_order(id).len(), 1);
    }
    let leases = store.lease_states().await.unwrap();
    let jobs: Vec<&str> = leases.iter().map(|l| l.job.as_str()).collect();
    for job in ["import", "track", "ship", "cancel", "stock"] {
        assert!(jobs.contains(&job), "job {job} ran under a lease");
    }
    assert!(
        leases.iter().all(|l| l.holder.is_none()),
        "leases are released on shutdown"
    );
    assert!(
        common::capture::assert_no_secrets() > 100,
        "the trace log was captured and scanned"
    );
}

async fn refused_credentials_back_off_and_show_while_other_connections_keep_working(db: TestDb) {
    let (bol, woo, products) = simulators(Some(5)).await;
    let dir = tempfile::tempdir().unwrap();
    let admin = "[admin]\nlisten = \"127.0.0.1:0\"\ntoken = \"admin-token-for-tests\"\n";
    let path = write_config(
        dir.path(),
        &db,
        "good",
        admin,
        &connection_toml(&bol, &woo, FAST_SCHEDULE),
    );
    let refused = connection_toml(&bol, &woo, FAST_SCHEDULE).replace(
        &format!(
            "client_secret = \"{}\"",
            orderbridge_bol::sim::BolSim::CLIENT_SECRET
        ),
        "client_secret = \"revoked-secret\"",
    );
    std::fs::write(dir.path().join("connections/refused.toml"), refused).unwrap();
    let config = Config::load(&path).unwrap();
    let daemon = Daemon::start(&config, Arc::new(SystemClock)).await.unwrap();
    let admin_addr = daemon.admin_addr().expect("admin listener runs");
    let store = daemon.store().clone();
    let (trigger, shutdown) = orderbridge::shutdown::channel();
    let running = tokio::spawn(daemon.run(shutdown));

    let id = bol.add_order(SimOrder::nl(vec![line(&products[0], 1)]));
    wait_for("the good connection imports", || {
        woo.orders_with_marketplace_order(&id).len() == 1
    })
    .await;
    let mut refused_import = None;
    let deadline = Instant::now() + Duration::from_secs(30);
    while refused_import.is_none() && Instant::now() < deadline {
        refused_import = store
            .lease_states()
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.connection == "refused" && l.job == "import" && l.failures >= 1);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let refused_import = refused_import.expect("the refused connection's import failed");
    assert_eq!(refused_import.last_error_kind.as_deref(), Some("auth"));
    assert!(
        !refused_import
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("revoked-secret"),
        "the secret is not in the error"
    );
    assert!(
        refused_import.next_run_at - refused_import.last_run_at.unwrap() >= 2_000,
        "a failing job backs off beyond its 1 s interval"
    );

    let http = reqwest::Client::new();
    let base = format!("http://{admin_addr}");
    let health = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let anonymous = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401, "admin requests need the token");
    let wrong = http
        .get(format!("{base}/status"))
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let metrics = http
        .get(format!("{base}/metrics"))
        .bearer_auth("admin-token-for-tests")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("orderbridge_connection_auth_error")
                && l.contains("connection=\"refused\"")
                && l.ends_with(" 1")),
        "auth error visible in metrics:\n{metrics}"
    );
    assert!(metrics.contains("orderbridge_orders{"), "{metrics}");
    let status: serde_json::Value = http
        .get(format!("{base}/status"))
        .bearer_auth("admin-token-for-tests")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(status["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|j| j["connection"] == "refused" && j["last_error_kind"] == "auth"));

    trigger.trigger();
    tokio::time::timeout(Duration::from_secs(30), running)
        .await
        .unwrap()
        .unwrap();
}

both_backends!(
    scheduled_jobs_carry_orders_through_and_stop_on_shutdown,
    refused_credentials_back_off_and_show_while_other_connections_keep_working
);
