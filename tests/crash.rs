//! The crash test: the real `orderbridge run` binary as a child process, killed with SIGKILL at
//! random moments at least 20 times during a run of 200 orders and restarted each time. At the
//! end every order is in the webshop exactly once and shipped exactly once, as the simulators
//! themselves record it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::TestDb;
use common::{connection_toml, sigterm, simulators, spawn_daemon, write_config, FAST_SCHEDULE};
use orderbridge_bol::sim::SimOrder;
use orderbridge_woocommerce::sim::WooSim;
use rand::Rng;

const N_ORDERS: usize = 200;
const N_KILLS: usize = 22;

/// Completes every webshop order still processing, each with its own PostNL code.
fn complete_new_webshop_orders(woo: &WooSim, n_completed: &mut usize) {
    for order in woo
        .orders()
        .into_iter()
        .filter(|o| o.status == "processing")
    {
        *n_completed += 1;
        let code = format!("3STEST{:07}", order.id);
        woo.complete_order(order.id, Some(("PostNL", &code)));
    }
}

async fn sigkilled_daemon_creates_and_ships_every_order_exactly_once(db: TestDb) {
    let (bol, woo, products) = simulators(None).await;
    let dir = tempfile::tempdir().unwrap();
    let extra = format!(
        "{FAST_SCHEDULE}\n[orders]\nretry_delay_secs = 1\nbatch_limit = 500\n\n[stock]\nenabled = false\n"
    );
    // A fixed instance id: the restarted process may take over its own leases at once.
    let config = write_config(dir.path(), &db,
        "crash",
        "[logging]\nformat = \"json\"\nlevel = \"info\"\n\n[scheduler]\ninstance_id = \"crash-test\"\nlease_secs = 10\nshutdown_grace_secs = 10\n",
        &connection_toml(&bol, &woo, &extra),
    );
    let log = dir.path().join("daemon.log");

    let mut order_ids: Vec<String> = (0..N_ORDERS / 2)
        .map(|seed| bol.add_order(SimOrder::sample(seed as u64, &products)))
        .collect();
    let mut rng = rand::rng();
    let mut child = spawn_daemon(&config, &log);
    let mut n_completed = 0;
    for kill_idx in 0..N_KILLS {
        let alive_for = Duration::from_millis(rng.random_range(250..1400));
        let until = Instant::now() + alive_for;
        while Instant::now() < until {
            complete_new_webshop_orders(&woo, &mut n_completed);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        if kill_idx == N_KILLS / 3 {
            order_ids.extend(
                (N_ORDERS / 2..N_ORDERS)
                    .map(|seed| bol.add_order(SimOrder::sample(seed as u64, &products))),
            );
        }
        child = spawn_daemon(&config, &log);
    }

    // Let the last process finish the work.
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        complete_new_webshop_orders(&woo, &mut n_completed);
        let n_shipped = order_ids
            .iter()
            .filter(|id| {
                bol.order(id)
                    .is_some_and(|o| o.items.iter().all(|i| i.quantity_shipped == i.quantity))
            })
            .count();
        if n_shipped == N_ORDERS || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // SIGTERM once the last process is fully up: it finishes what is in flight and exits 0.
    let started = Instant::now();
    while std::fs::read_to_string(&log)
        .unwrap_or_default()
        .matches("orderbridge running")
        .count()
        < N_KILLS + 1
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the last daemon did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let exit = sigterm(&mut child);
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        exit.success(),
        "daemon exit after SIGTERM: {exit:?}\n{}",
        tail(&log_text)
    );

    assert_eq!(order_ids.len(), N_ORDERS);
    let mut shipments_per_order: HashMap<&str, Vec<_>> = HashMap::new();
    let shipments = bol.shipments();
    for shipment in &shipments {
        shipments_per_order
            .entry(shipment.order_id.as_str())
            .or_default()
            .push(shipment);
    }
    for id in &order_ids {
        let in_webshop = woo.orders_with_marketplace_order(id);
        assert_eq!(
            in_webshop.len(),
            1,
            "bol order {id} is {} times in the webshop\n{}",
            in_webshop.len(),
            tail(&log_text)
        );
        let view = bol.order(id).unwrap();
        let shipped = shipments_per_order.get(id.as_str()).map_or(0, Vec::len);
        assert_eq!(
            shipped,
            1,
            "bol order {id} was shipped {shipped} times\n{}",
            tail(&log_text)
        );
        for item in &view.items {
            assert_eq!(
                item.quantity_shipped, item.quantity,
                "order {id} item {}",
                item.order_item_id
            );
        }
    }
    assert_eq!(woo.orders().len(), N_ORDERS, "no stray webshop orders");
    println!(
        "crash test: {N_ORDERS} orders, {N_KILLS} SIGKILLs, {} webshop create requests, {} shipment requests",
        woo.create_requests(),
        bol.shipment_requests()
    );
}

fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

both_backends!(sigkilled_daemon_creates_and_ships_every_order_exactly_once);
