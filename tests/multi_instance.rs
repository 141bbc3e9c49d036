//! Several instances sharing the work: three `orderbridge run` processes on one PostgreSQL
//! database carry 1,000 orders through while one of them is SIGKILLed and another SIGSTOPped
//! (and resumed after its leases expired). At the end the chaos test's invariants hold (every
//! order in the webshop exactly once, shipped at most once, none lost), the surviving process
//! took the jobs over within the lease time, and the work was spread over the processes.
//!
//! PostgreSQL only (`ORDERBRIDGE_TEST_POSTGRES_URL`; skipped with a notice without it). The
//! order count can be changed with `ORDERBRIDGE_MULTI_ORDERS`, and
//! `ORDERBRIDGE_MULTI_FAULTS=0.2` adds the chaos test's faults on 20% of all requests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use std::collections::BTreeMap;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use common::db::Backend;
use common::world::{check_invariants, World};
use common::{
    connection_toml, signal, sigterm, simulators, spawn_instance, write_config, TestDb,
    FAST_SCHEDULE,
};
use orderbridge::store::Store;
use rand::rngs::StdRng;
use rand::SeedableRng;

const LEASE_SECS: u64 = 5;
const INSTANCES: [&str; 3] = ["alpha", "bravo", "charlie"];

/// The daemon processes; whatever happens to the test, they are resumed and killed when it
/// ends (a stopped process would keep its database sessions open).
struct Instances(Vec<Child>);

impl Drop for Instances {
    fn drop(&mut self) {
        for child in &mut self.0 {
            if !matches!(child.try_wait(), Ok(None)) {
                continue;
            }
            signal(child, "CONT");
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Jobs each instance holds right now (a holder is the instance id plus pid and a random
/// part).
async fn held(store: &Store) -> BTreeMap<String, Vec<String>> {
    let mut held: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for lease in store.lease_states().await.unwrap() {
        if let Some(holder) = lease.holder {
            let instance = INSTANCES
                .iter()
                .find(|name| holder.starts_with(&format!("{name}-")))
                .map_or(holder.clone(), |name| (*name).to_owned());
            held.entry(instance).or_default().push(lease.job);
        }
    }
    held
}

/// What an instance's log says it did: orders it created in the webshop, and every step it
/// recorded on an order (creations, shipments, cancellations, waits, notes).
fn work_of(log: &std::path::Path) -> (usize, usize) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let created = text
        .lines()
        .filter(|l| l.contains("created in the webshop: webshop order"))
        .count();
    let steps = text
        .lines()
        .filter(|l| l.contains("\"order_code\""))
        .count();
    (created, steps)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_share_the_work_and_survive_a_kill_and_a_pause() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let n_orders: usize = std::env::var("ORDERBRIDGE_MULTI_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let fault_rate: f64 = std::env::var("ORDERBRIDGE_MULTI_FAULTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let seed = 20_261_122_u64;
    let mut rng = StdRng::seed_from_u64(seed);
    let (bol, woo, products) = simulators(None).await;
    let dir = tempfile::tempdir().unwrap();
    let extra = format!(
        "{FAST_SCHEDULE}\n[orders]\ntracking_wait_secs = 2\nretry_delay_secs = 1\nbatch_limit = 200\n\n[stock]\nenabled = false\n"
    );
    let config = write_config(
        dir.path(),
        &db,
        "multi",
        &format!("[logging]\nformat = \"json\"\nlevel = \"info\"\n\n[scheduler]\nlease_secs = {LEASE_SECS}\nshutdown_grace_secs = 5\n"),
        &connection_toml(&bol, &woo, &extra).replace("timeout_secs = 5", "timeout_secs = 2"),
    );
    if fault_rate > 0.0 {
        bol.set_chaos(fault_rate, seed);
        woo.set_chaos(fault_rate, seed.wrapping_add(1));
    }
    let migrated = Command::new(env!("CARGO_BIN_EXE_orderbridge"))
        .arg("--config")
        .arg(&config)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(migrated.status.success(), "{migrated:?}");
    let store = Store::open(&db.url).await.unwrap();

    let logs: Vec<_> = INSTANCES
        .iter()
        .map(|name| dir.path().join(format!("{name}.log")))
        .collect();
    let mut instances = Instances(
        INSTANCES
            .iter()
            .zip(&logs)
            .map(|(name, log)| spawn_instance(&config, log, Some(name)))
            .collect(),
    );
    let children = &mut instances.0;
    let mut world = World::new(&bol, &woo);
    let started = Instant::now();

    // A first wave of orders flows while all three run.
    let first_wave = n_orders * 2 / 5;
    for idx in 0..first_wave {
        world.place(&mut rng, seed, idx, &products);
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while woo.orders().len() < first_wave / 3 {
        assert!(
            Instant::now() < deadline,
            "no progress with three instances"
        );
        world.act();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Mid-run: wait until alpha and bravo both hold a lease, then SIGKILL alpha and SIGSTOP
    // bravo at once.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let held = held(&store).await;
        if held.contains_key("alpha") && held.contains_key("bravo") {
            println!("multi: at the kill and the pause, leases held: {held:?}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "alpha and bravo never held leases at the same time: {held:?}"
        );
        world.act();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    children[0].kill().unwrap();
    children[0].wait().unwrap();
    assert!(signal(&children[1], "STOP"));
    let paused_at = Instant::now();

    // Charlie alone takes every job of the killed and the paused instance over once their
    // leases end, and carries on.
    let second_wave = n_orders * 7 / 10;
    for idx in first_wave..second_wave {
        world.place(&mut rng, seed, idx, &products);
    }
    let takeover_bound = Duration::from_secs(3 * LEASE_SECS);
    let taken_over = loop {
        let held = held(&store).await;
        if !held.contains_key("alpha") && !held.contains_key("bravo") {
            break paused_at.elapsed();
        }
        assert!(
            paused_at.elapsed() < takeover_bound,
            "the leases of the killed and the paused instance were not taken over: {held:?}"
        );
        world.act();
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    println!("multi: leases taken over {taken_over:.1?} after the kill and the pause");
    // Charlie carries on alone (bravo's open transactions, if it was stopped inside one, are
    // ended by the server and do not block it), and bravo sleeps well past its leases.
    let progress = || woo.orders().len() + bol.shipments().len();
    let progress_before = progress();
    let deadline = paused_at + Duration::from_secs(60);
    while progress() <= progress_before || paused_at.elapsed() < Duration::from_secs(2 * LEASE_SECS)
    {
        assert!(
            Instant::now() < deadline,
            "charlie did not carry on alone: {progress_before} webshop orders and shipments \
             before, {} now",
            progress()
        );
        world.act();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(signal(&children[1], "CONT"));
    for idx in second_wave..n_orders {
        world.place(&mut rng, seed, idx, &products);
    }

    let bound = Duration::from_secs(600);
    let settle_started = Instant::now();
    while !world.settled() {
        if settle_started.elapsed() > bound {
            let unsettled = world.unsettled();
            panic!(
                "not settled within {bound:?}; {} unsettled, first: {:?}",
                unsettled.len(),
                unsettled.first()
            );
        }
        world.act();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let settled_after = started.elapsed();
    bol.clear_faults();
    woo.clear_faults();
    tokio::time::sleep(Duration::from_secs(3)).await;
    for child in &mut children[1..] {
        assert!(sigterm(child).success(), "SIGTERM ends the daemon with 0");
    }
    check_invariants(&world, &config);

    let work: Vec<(usize, usize)> = logs.iter().map(|log| work_of(log)).collect();
    println!(
        "multi: {n_orders} orders settled after {:.1}s; (webshop creations, order steps) per \
         instance (alpha killed, bravo paused): {:?}; {} create requests, {} shipment \
         requests; faults served (bol / webshop): {:?} / {:?}",
        settled_after.as_secs_f64(),
        INSTANCES.iter().zip(&work).collect::<Vec<_>>(),
        woo.create_requests(),
        bol.shipment_requests(),
        bol.fault_counts(),
        woo.fault_counts(),
    );
    let steps: Vec<usize> = work.iter().map(|(_, steps)| *steps).collect();
    assert!(
        steps[1] > 0 && steps[2] > 0,
        "both surviving instances worked on orders: {work:?}"
    );
    let total: usize = steps.iter().sum();
    assert!(
        steps.iter().all(|n| *n < total),
        "no single instance did all the work: {work:?}"
    );
}
