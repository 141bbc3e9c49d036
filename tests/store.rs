//! The state store on both backends (one test body, `name::sqlite` and `name::postgres`):
//! guarded and fenced transitions, leases taken by one holder at a time (also under a race of
//! many takers), import recording that never records an order twice, derived batch status,
//! filters, watermarks and stock bookkeeping.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use orderbridge::store::Column;
use std::collections::HashSet;

use common::TestDb;
use orderbridge::status::{BatchStatus, OrderStatus, Step};
use orderbridge::store::{
    EventKind, ImportedOrder, JobLease, OrderFilter, RunOutcome, Store, Transition,
};

async fn store(db: &TestDb) -> Store {
    let store = Store::open(&db.url).await.unwrap();
    store
        .ensure_connection("c", "bol", "woocommerce", 0)
        .await
        .unwrap();
    store
}

/// Order `n` with one line.
fn imported(n: usize) -> ImportedOrder {
    common::orders::imported(n, 1)
}

/// Takes `job`'s lease as `holder` at `now` for 500 ms, which must succeed.
async fn take(store: &Store, job: &str, holder: &str, now: i64) -> JobLease {
    store
        .acquire_lease("c", job, holder, now, 500)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{holder} takes {job} at {now}"))
}

async fn guards_hold_and_manual_is_never_overwritten_by_a_job(db: TestDb) {
    let store = store(&db).await;
    let (_, ids) = store
        .record_import("c", &[imported(1)], None, 1)
        .await
        .unwrap()
        .unwrap();
    let id = ids[0];
    let stale = Transition::of(id)
        .when(Column::CreateStep, Step::Requested)
        .set(Column::Status, OrderStatus::Error);
    assert!(
        !store.apply(&stale, None, 2).await.unwrap(),
        "guard not met: nothing written"
    );
    let null_guard = Transition::of(id)
        .when(Column::WebshopOrderId, Option::<String>::None)
        .set(Column::WebshopOrderId, "17")
        .set(Column::RetryAt, Option::<i64>::None);
    assert!(store.apply(&null_guard, None, 3).await.unwrap());
    assert!(
        !store.apply(&null_guard, None, 3).await.unwrap(),
        "a NULL guard no longer holds once the column is set"
    );
    let manual = Transition::of(id).set(Column::Status, OrderStatus::Manual);
    assert!(store.apply(&manual, None, 4).await.unwrap());
    let late_outcome = Transition::of(id)
        .set(Column::Status, OrderStatus::PendingShipment)
        .set(Column::ShipStep, Step::Pending)
        .event(EventKind::Status, "accepted");
    assert!(store.apply(&late_outcome, None, 5).await.unwrap());
    let now = store.order(id).await.unwrap().unwrap();
    assert_eq!(now.status, OrderStatus::Manual, "manual stays manual");
    assert_eq!(
        now.ship.step,
        Step::Pending,
        "the outcome itself is recorded"
    );
    assert_eq!(
        now.webshop_order_id.as_ref().map(|id| id.as_str()),
        Some("17")
    );
    assert_eq!(now.updated_at.timestamp_millis(), 5);
    let history = store.history(id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].message, "accepted");
}

async fn a_job_runs_on_one_holder_at_a_time_and_a_lost_lease_is_fenced(db: TestDb) {
    let store = store(&db).await;
    let a = take(&store, "import", "a", 1_000).await;
    assert!(store
        .acquire_lease("c", "import", "b", 1_100, 500)
        .await
        .unwrap()
        .is_none());
    assert!(
        store
            .acquire_lease("c", "import", "a", 1_100, 500)
            .await
            .unwrap()
            .is_none(),
        "not even a holder of the same name takes a live lease"
    );
    assert!(
        store
            .acquire_lease("c", "ship", "b", 1_100, 500)
            .await
            .unwrap()
            .is_some(),
        "other jobs are free"
    );
    // a stalls past its lease; b takes over.
    let b = take(&store, "import", "b", 1_600).await;
    assert!(b.fence > a.fence);
    assert!(
        !store.renew_lease(&a, 1_700, 500).await.unwrap(),
        "a cannot renew a lost lease"
    );
    assert!(
        !store
            .finish_lease(&a, 1_700, 9_000, RunOutcome::Ok)
            .await
            .unwrap(),
        "nor reschedule the job"
    );
    let failed = RunOutcome::Failed {
        kind: "auth",
        message: "refused",
    };
    assert!(store.finish_lease(&b, 1_700, 5_000, failed).await.unwrap());
    assert_eq!(store.job_failures("c", "import").await.unwrap(), 1);
    assert!(
        store
            .acquire_lease("c", "import", "a", 4_000, 500)
            .await
            .unwrap()
            .is_none(),
        "not due yet"
    );
    assert!(store
        .acquire_lease("c", "import", "a", 5_000, 500)
        .await
        .unwrap()
        .is_some());
    // a shuts down with its run abandoned: the lease ends at 5_300, not 5_500.
    assert_eq!(store.release_leases("a", 5_300).await.unwrap(), 1);
    assert!(store
        .acquire_lease("c", "import", "b", 5_200, 500)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .acquire_lease("c", "import", "b", 5_300, 500)
        .await
        .unwrap()
        .is_some());
}

async fn a_transition_fenced_by_a_lost_lease_changes_nothing(db: TestDb) {
    let store = store(&db).await;
    let (_, ids) = store
        .record_import("c", &[imported(1)], None, 1)
        .await
        .unwrap()
        .unwrap();
    let a = take(&store, "import", "a", 1_000).await;
    let intent = Transition::of(ids[0])
        .when(Column::CreateStep, Step::Pending)
        .set(Column::CreateStep, Step::Requested)
        .event(EventKind::Call, "creating");
    // a paused past its lease; b took the job over.
    let b = take(&store, "import", "b", 2_000).await;
    assert!(!store.apply(&intent, Some(&a), 2_100).await.unwrap());
    let order = store.order(ids[0]).await.unwrap().unwrap();
    assert_eq!(order.create.step, Step::Pending, "a's intent was refused");
    assert_eq!(store.history(ids[0]).await.unwrap().len(), 1);
    assert!(store.apply(&intent, Some(&b), 2_200).await.unwrap());
    assert_eq!(
        store.order(ids[0]).await.unwrap().unwrap().create.step,
        Step::Requested
    );
}

async fn many_racing_takers_get_a_lease_exactly_once(db: TestDb) {
    let store = store(&db).await;
    for round in 0..5_i64 {
        let takers: Vec<_> = (0..12)
            .map(|n| {
                let store = Store::clone(&store);
                tokio::spawn(async move {
                    store
                        .acquire_lease("c", "track", &format!("p{n}"), round * 10_000, 1_000)
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut winners = Vec::new();
        for taker in takers {
            if let Some(lease) = taker.await.unwrap() {
                winners.push(lease);
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
    }
}

async fn an_import_recorded_twice_at_once_records_each_order_once(db: TestDb) {
    let first = store(&db).await;
    let second = Store::open(&db.url).await.unwrap();
    let orders: Vec<ImportedOrder> = (0..60).map(imported).collect();
    let (a, b) = tokio::join!(
        first.record_import("c", &orders, None, 10),
        second.record_import("c", &orders, None, 10)
    );
    let recorded: usize = [a.unwrap(), b.unwrap()]
        .into_iter()
        .flatten()
        .map(|(_, ids)| ids.len())
        .sum();
    assert_eq!(recorded, 60);
    let all = first.orders(&OrderFilter::default()).await.unwrap();
    assert_eq!(all.len(), 60);
    let ids: Vec<String> = all
        .iter()
        .map(|o| o.marketplace_order_id.to_string())
        .collect();
    assert_eq!(
        first.known_marketplace_ids("c", &ids).await.unwrap().len(),
        60
    );
    assert_eq!(
        first
            .known_marketplace_ids("c", &["999".to_owned()])
            .await
            .unwrap(),
        HashSet::new()
    );
    assert!(
        first
            .record_import("c", &orders, None, 11)
            .await
            .unwrap()
            .is_none(),
        "a third recording finds nothing new and writes no batch"
    );
    assert_eq!(first.lines(all[0].id).await.unwrap().len(), 1);
}

async fn batches_filters_and_steps_read_back_what_was_written(db: TestDb) {
    let store = store(&db).await;
    let (batch, ids) = store
        .record_import("c", &[imported(1), imported(2), imported(3)], None, 100)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.batch(batch).await.unwrap().unwrap().status,
        BatchStatus::Processing
    );
    for id in &ids[..2] {
        let done = Transition::of(*id).set(Column::CreateStep, Step::Done);
        assert!(store.apply(&done, None, 101).await.unwrap());
    }
    let failed = Transition::of(ids[2]).set(Column::Status, OrderStatus::Error);
    assert!(store.apply(&failed, None, 101).await.unwrap());
    let summary = store.batch(batch).await.unwrap().unwrap();
    assert_eq!(summary.status, BatchStatus::Failed);
    assert_eq!(
        (
            summary.counts.total,
            summary.counts.done,
            summary.counts.failed
        ),
        (3, 2, 1)
    );
    assert_eq!(store.batches(10).await.unwrap().len(), 1);

    let errors = store
        .orders(&OrderFilter {
            connection: Some("c".into()),
            statuses: vec![OrderStatus::Error, OrderStatus::Cancelled],
            batch_id: Some(batch),
            limit: Some(10),
            ..OrderFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].id, ids[2]);
    let delayed = Transition::of(ids[0])
        .set(Column::CreateStep, Step::Requested)
        .set(Column::RetryAt, 500_i64);
    assert!(store.apply(&delayed, None, 102).await.unwrap());
    let at_step = |now| {
        let store = store.clone();
        async move {
            store
                .orders_at_step(
                    "c",
                    Column::CreateStep,
                    &[Step::Pending, Step::Requested],
                    &[OrderStatus::NotShipped],
                    now,
                    10,
                )
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(at_step(200).await, 0, "waiting out its retry delay");
    assert_eq!(at_step(600).await, 1);
    let codes = vec![imported(2).code, "OB9999999999".to_owned()];
    assert_eq!(store.orders_by_codes("c", &codes).await.unwrap().len(), 1);
    assert_eq!(
        store
            .order_by_code(&imported(3).code)
            .await
            .unwrap()
            .unwrap()
            .id,
        ids[2]
    );
    let counts = store.status_counts().await.unwrap();
    assert!(counts.contains(&("c".into(), "error".into(), 1)));
    assert!(counts.contains(&("c".into(), "not_shipped".into(), 2)));
}

async fn watermarks_only_move_forward_and_stock_is_remembered(db: TestDb) {
    let store = store(&db).await;
    assert_eq!(store.webshop_watermark("c").await.unwrap(), None);
    store
        .advance_webshop_watermark("c", 50, None)
        .await
        .unwrap();
    store
        .advance_webshop_watermark("c", 40, None)
        .await
        .unwrap();
    assert_eq!(store.webshop_watermark("c").await.unwrap(), Some(50));
    let stale = take(&store, "track", "a", 1_000).await;
    let current = take(&store, "track", "b", 2_000).await;
    store
        .advance_webshop_watermark("c", 90, Some(&stale))
        .await
        .unwrap();
    assert_eq!(
        store.webshop_watermark("c").await.unwrap(),
        Some(50),
        "a run that lost its lease does not move the watermark"
    );
    store
        .advance_webshop_watermark("c", 90, Some(&current))
        .await
        .unwrap();
    assert_eq!(store.webshop_watermark("c").await.unwrap(), Some(90));
    store
        .record_pushed_stock("c", "offer-1", "SKU-1", 7, Some("proc-1"), 10)
        .await
        .unwrap();
    let pushed = store.pushed_stock("c").await.unwrap();
    assert_eq!(pushed["offer-1"].amount, 7);
    assert_eq!(pushed["offer-1"].process_id.as_deref(), Some("proc-1"));
    store.stock_push_confirmed("c", "offer-1").await.unwrap();
    assert_eq!(
        store.pushed_stock("c").await.unwrap()["offer-1"].process_id,
        None
    );
    store.forget_pushed_stock("c", "offer-1").await.unwrap();
    assert!(store.pushed_stock("c").await.unwrap().is_empty());
    assert_eq!(
        store.connection_names().await.unwrap(),
        vec!["c".to_owned()]
    );
}

async fn a_nul_in_vendor_text_is_stored_on_both_backends(db: TestDb) {
    let store = store(&db).await;
    let mut order = imported(1);
    order.lines[0].title = "Mug\0 with a NUL".into();
    let (_, ids) = store
        .record_import("c", &[order], None, 1)
        .await
        .unwrap()
        .unwrap();
    let failed = Transition::of(ids[0])
        .set(Column::Status, OrderStatus::Error)
        .set(Column::Error, "vendor said \0 no")
        .event(EventKind::Error, "vendor said \0 no");
    assert!(store.apply(&failed, None, 2).await.unwrap());
    let lines = store.lines(ids[0]).await.unwrap();
    assert_eq!(lines[0].title, "Mug\u{FFFD} with a NUL");
    let order = store.order(ids[0]).await.unwrap().unwrap();
    assert_eq!(order.error.as_deref(), Some("vendor said \u{FFFD} no"));
    let history = store.history(ids[0]).await.unwrap();
    assert_eq!(history[1].message, "vendor said \u{FFFD} no");
}

async fn an_unreadable_row_is_left_out_of_lists_and_named_when_read_alone(db: TestDb) {
    let store = store(&db).await;
    let (_, ids) = store
        .record_import("c", &[imported(1), imported(2), imported(3)], None, 1)
        .await
        .unwrap()
        .unwrap();
    // A carrier name no version writes (empty), as a hand edit might leave.
    let broken = Transition::of(ids[1]).set(Column::Carrier, "");
    assert!(store.apply(&broken, None, 2).await.unwrap());
    let listed = store.orders(&OrderFilter::default()).await.unwrap();
    assert_eq!(listed.len(), 2, "the two readable orders are still listed");
    assert!(listed.iter().all(|o| o.id != ids[1]));
    let at_step = store
        .orders_at_step(
            "c",
            Column::CreateStep,
            &[Step::Pending],
            &[OrderStatus::NotShipped],
            10,
            10,
        )
        .await
        .unwrap();
    assert_eq!(at_step.len(), 2, "the jobs go on with the others");
    let alone = store.order(ids[1]).await.unwrap_err().to_string();
    assert!(alone.contains("orders.carrier"), "{alone}");
}

both_backends!(
    an_unreadable_row_is_left_out_of_lists_and_named_when_read_alone,
    a_nul_in_vendor_text_is_stored_on_both_backends,
    guards_hold_and_manual_is_never_overwritten_by_a_job,
    a_job_runs_on_one_holder_at_a_time_and_a_lost_lease_is_fenced,
    a_transition_fenced_by_a_lost_lease_changes_nothing,
    many_racing_takers_get_a_lease_exactly_once,
    an_import_recorded_twice_at_once_records_each_order_once,
    batches_filters_and_steps_read_back_what_was_written,
    watermarks_only_move_forward_and_stock_is_remembered,
);
