//! Store throughput on both backends: recording imported orders, guarded transitions (plain
//! and fenced by a lease), and lease cycles, as the engine and the scheduler use them. Prints a
//! table for `BENCHMARKS.md`.
//!
//! `cargo bench --bench store` runs the SQLite figures; with `ORDERBRIDGE_TEST_POSTGRES_URL`
//! set (a server where the user may create schemas) also the PostgreSQL ones, each in a schema
//! of its own. `ORDERBRIDGE_BENCH_ORDERS` changes the number of orders (default 2,000).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../tests/common/db.rs"]
mod db;
#[path = "../tests/common/orders.rs"]
mod orders;

use orderbridge::store::Column;
use std::time::Instant;

use db::{Backend, TestDb};
use orderbridge::status::Step;
use orderbridge::store::{EventKind, ImportedOrder, RunOutcome, Store, Transition};

/// Operations per second of `n` operations that took `started.elapsed()`.
fn rate(n: usize, started: Instant) -> f64 {
    n as f64 / started.elapsed().as_secs_f64()
}

async fn measure(db: &TestDb, n_orders: usize) -> [f64; 4] {
    let store = Store::open(&db.url).await.unwrap();
    store
        .ensure_connection("c", "bol", "woocommerce", 0)
        .await
        .unwrap();
    let orders: Vec<ImportedOrder> = (0..n_orders).map(|n| orders::imported(n, 2)).collect();

    let started = Instant::now();
    let mut ids = Vec::with_capacity(n_orders);
    let mut batch = None;
    for chunk in orders.chunks(20) {
        let (batch_id, chunk_ids) = store
            .record_import("c", chunk, batch, 1)
            .await
            .unwrap()
            .unwrap();
        batch = Some(batch_id);
        ids.extend(chunk_ids);
    }
    let imports = rate(n_orders, started);

    let transition = |id: i64, from: Step, to: Step| {
        Transition::of(id)
            .when(Column::CreateStep, from)
            .set(Column::CreateStep, to)
            .event(EventKind::Call, "bench")
    };
    let started = Instant::now();
    for id in &ids {
        let applied = store
            .apply(&transition(*id, Step::Pending, Step::Requested), None, 2)
            .await
            .unwrap();
        assert!(applied);
    }
    let plain = rate(n_orders, started);

    let lease = store
        .acquire_lease("c", "import", "bench", 0, i64::MAX / 2)
        .await
        .unwrap()
        .unwrap();
    let started = Instant::now();
    for id in &ids {
        let applied = store
            .apply(
                &transition(*id, Step::Requested, Step::Done),
                Some(&lease),
                3,
            )
            .await
            .unwrap();
        assert!(applied);
    }
    let fenced = rate(n_orders, started);

    let n_cycles = n_orders / 4;
    let started = Instant::now();
    for cycle in 0..n_cycles {
        let now = 10 + cycle as i64;
        let lease = store
            .acquire_lease("c", "track", "bench", now, 60_000)
            .await
            .unwrap()
            .unwrap();
        assert!(store.renew_lease(&lease, now, 60_000).await.unwrap());
        assert!(store
            .finish_lease(&lease, now, now, RunOutcome::Ok)
            .await
            .unwrap());
    }
    let leases = rate(n_cycles, started);
    store.close().await;
    [imports, plain, fenced, leases]
}

#[tokio::main]
async fn main() {
    let n_orders: usize = std::env::var("ORDERBRIDGE_BENCH_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    println!("store throughput, {n_orders} orders (2 lines each), one connection at a time\n");
    println!("| backend | orders recorded/s (chunks of 20) | transitions/s | fenced transitions/s | lease cycles/s (take, renew, release) |");
    println!("|---|---|---|---|---|");
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(db) = TestDb::new(backend).await else {
            continue;
        };
        let [imports, plain, fenced, leases] = measure(&db, n_orders).await;
        println!("| {backend:?} | {imports:.0} | {plain:.0} | {fenced:.0} | {leases:.0} |");
    }
}
