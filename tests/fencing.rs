//! A job run that lost its lease (the process was paused or partitioned while another took the
//! job over) changes no order and makes no vendor write; the run holding the lease does.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use chrono::Utc;
use common::{Harness, TestDb};
use orderbridge::engine::{with_lease, JobError, RunLease};
use orderbridge::status::Step;
use orderbridge::store::JobLease;

const LEASE_MILLIS: i64 = 60_000;

/// `a` takes the job's lease, then `b` takes it over (a's lease was released, as after a
/// pause past its end); returns both leases.
async fn lost_lease(h: &Harness, job: &str) -> (JobLease, JobLease) {
    let now = Utc::now().timestamp_millis();
    let a = h
        .store
        .acquire_lease("shop", job, "a", now, LEASE_MILLIS)
        .await
        .unwrap()
        .unwrap();
    h.store.release_leases("a", now).await.unwrap();
    let b = h
        .store
        .acquire_lease("shop", job, "b", now, LEASE_MILLIS)
        .await
        .unwrap()
        .unwrap();
    (a, b)
}

fn run_lease(lease: &JobLease) -> RunLease {
    RunLease {
        lease: lease.clone(),
        lease_millis: LEASE_MILLIS,
    }
}

async fn an_import_run_that_lost_its_lease_creates_nothing(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = h.place(0, 1);
    let (a, b) = lost_lease(&h, "import").await;
    with_lease(run_lease(&a), h.engine.run_import())
        .await
        .unwrap();
    assert!(
        h.woo.orders().is_empty(),
        "nothing created by the old holder"
    );
    assert_eq!(h.order(&id).await.create.step, Step::Pending);
    with_lease(run_lease(&b), h.engine.run_import())
        .await
        .unwrap();
    h.webshop_id(&id);
    assert_eq!(h.order(&id).await.create.step, Step::Done);
}

async fn a_stock_run_that_lost_its_lease_stops_before_the_update(db: TestDb) {
    let h = Harness::start(db, "").await;
    let product = &h.products[0];
    h.bol.add_offer(&product.sku, &product.ean, 0);
    let (a, b) = lost_lease(&h, "stock").await;
    let stopped = with_lease(run_lease(&a), h.engine.run_stock()).await;
    assert!(
        matches!(stopped, Err(JobError::LeaseLost(_))),
        "{stopped:?}"
    );
    assert_eq!(h.bol.stock_update_requests(), 0, "no stock sent");
    with_lease(run_lease(&b), h.engine.run_stock())
        .await
        .unwrap();
    assert_eq!(h.bol.stock_update_requests(), 1);
}

both_backends!(
    an_import_run_that_lost_its_lease_creates_nothing,
    a_stock_run_that_lost_its_lease_stops_before_the_update,
);
