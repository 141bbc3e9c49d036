//! `orderbridge migrate`, through the real binary: moving a SQLite state made by the real
//! engine into PostgreSQL without losing an order or a line of history, and the schema version
//! policy of `run`, `status` and `migrate` (an older schema waits for `migrate` unless
//! `auto_migrate`; a newer one is refused by all three) on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::db::Backend;
use common::{connection_toml, write_config, Harness, TestDb};
use orderbridge::config::Config;
use orderbridge::daemon::build_engine;
use orderbridge::status::OrderStatus;
use orderbridge::store::{EventKind, LeaseState, OrderFilter, RunOutcome, Store};
use sqlx::Connection;

/// Runs the `orderbridge` binary on `config` with `args`; fails the test when it does not
/// exit within a minute (a `run` that was meant to be refused would otherwise run for ever).
fn orderbridge(config: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orderbridge"))
        .arg("--config")
        .arg(config)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the orderbridge binary starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("orderbridge {args:?} did not exit within a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The rows `migrate --from-sqlite` reports for `table`.
fn reported_rows(stdout: &str, table: &str) -> u64 {
    stdout
        .lines()
        .find_map(|line| {
            let mut cells = line.split_whitespace();
            (cells.next() == Some(table)).then(|| cells.next().unwrap().parse().unwrap())
        })
        .unwrap_or_else(|| panic!("no row count for {table} in:\n{stdout}"))
}

/// A lease row without its holder, for comparing across the move.
fn schedule(lease: &LeaseState) -> String {
    format!(
        "{} {} next={} last_run={:?} last_ok={:?} failures={} kind={:?} error={:?}",
        lease.connection,
        lease.job,
        lease.next_run_at,
        lease.last_run_at,
        lease.last_ok_at,
        lease.failures,
        lease.last_error_kind,
        lease.last_error
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_state_moves_into_postgresql_with_its_ids_and_whole_history() {
    let Some(pg) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let h = Harness::start(TestDb::sqlite().await, "[labels]\nbuy = true\n").await;

    // Two import batches (the second with a "Verzenden via bol" order whose label is bought); two orders shipped with T&T, one cancelled in the webshop, the
    // rest waiting; stock pushed; a lease held at the moment of the move.
    let first: Vec<String> = (0..4).map(|idx| h.place(idx, 1 + idx as u32)).collect();
    h.cycles(2).await;
    let second: Vec<String> = (0..3).map(|idx| h.place(idx + 1, 2)).collect();
    let labelled = h.bol.add_order(
        orderbridge_bol::sim::SimOrder::nl(vec![common::line(&h.products[0], 1)])
            .with_line_shipped_via_bol(0),
    );
    h.cycles(2).await;
    h.woo
        .complete_order(h.webshop_id(&first[0]), Some(("PostNL", "3SABCD1234567")));
    h.woo.complete_order(
        h.webshop_id(&second[1]),
        Some(("DHL Parcel", "JVGL06012345678901234567")),
    );
    h.woo.cancel_order(h.webshop_id(&first[2]));
    h.cycles(4).await;
    h.bol.add_offer(&h.products[0].sku, &h.products[0].ean, 3);
    h.engine.run_stock().await.unwrap();
    let held = h
        .store
        .acquire_lease(
            "shop",
            "import",
            "old-host:4242",
            chrono::Utc::now().timestamp_millis(),
            60_000,
        )
        .await
        .unwrap();
    assert!(held.is_some());
    assert_eq!(h.order(&first[0]).await.status, OrderStatus::Shipped);
    assert_eq!(h.order(&second[1]).await.status, OrderStatus::Shipped);
    assert_eq!(h.order(&first[2]).await.status, OrderStatus::Cancelled);
    // A long history (more rows than one copy chunk), with text that must survive as is.
    let chatty = h.order(&first[3]).await;
    for idx in 0..1234 {
        let message = format!("sync {idx}: it's \"ok\" — ünïcødé, tab\there; ₂₀₂₆ 🚚");
        h.store
            .add_event(
                chatty.id,
                1_700_000_000_000 + idx,
                EventKind::Info,
                &message,
            )
            .await
            .unwrap();
    }
    let sqlite_file = Path::new(&h.db.url).to_owned();

    // The move, by the binary, into a fresh PostgreSQL database.
    let config = write_config(
        pg.dir(),
        &pg,
        "shop",
        "",
        &connection_toml(&h.bol, &h.woo, ""),
    );
    let file_arg = sqlite_file.to_str().unwrap();
    // A daemon still runs a job on the file: refused, nothing copied.
    assert_refused(
        &orderbridge(&config, &["migrate", "--from-sqlite", file_arg]),
        "stop it first",
        "a copy from a file a daemon is running on",
    );
    // The daemon stops (its run finishes and lets go of the job).
    let finished = h
        .store
        .finish_lease(
            held.as_ref().unwrap(),
            chrono::Utc::now().timestamp_millis(),
            0,
            RunOutcome::Ok,
        )
        .await
        .unwrap();
    assert!(finished);
    h.store.close().await;
    // Closing folds the write-ahead log into the file and removes it: the file alone is the
    // state the copy must leave alone (a log left behind would be folded in by whoever opens
    // it next).
    let wal = PathBuf::from(format!("{}-wal", sqlite_file.display()));
    assert!(
        !wal.exists(),
        "the store's close leaves the write-ahead log"
    );
    let file_before = std::fs::read(&sqlite_file).unwrap();
    let moved = orderbridge(&config, &["migrate", "--from-sqlite", file_arg]);
    let stdout = text(&moved.stdout);
    assert!(
        moved.status.success(),
        "migrate --from-sqlite failed:\n{stdout}\n{}",
        text(&moved.stderr)
    );
    assert!(stdout.contains("can be archived"), "{stdout}");
    assert_eq!(
        std::fs::read(&sqlite_file).unwrap(),
        file_before,
        "the SQLite file is left as it was"
    );

    // Everything is there, with the same ids.
    let sqlite = Store::open(&h.db.url).await.unwrap();
    let store = Store::open(&pg.url).await.unwrap();
    let old_orders = sqlite.orders(&OrderFilter::default()).await.unwrap();
    let new_orders = store.orders(&OrderFilter::default()).await.unwrap();
    assert_eq!(old_orders.len(), 8);
    assert_eq!(reported_rows(&stdout, "orders"), 8);
    // The kept label, byte for byte.
    let labelled = old_orders
        .iter()
        .find(|o| o.marketplace_order_id.as_str() == labelled)
        .unwrap();
    assert_eq!(labelled.label.step, orderbridge::status::Step::Done);
    let old_label = sqlite.label_of(labelled.id).await.unwrap().unwrap();
    assert_eq!(store.label_of(labelled.id).await.unwrap(), Some(old_label));
    assert_eq!(reported_rows(&stdout, "shipping_labels"), 1);
    // Every column of every order (code, status, steps, webshop id, tracking, details, ...).
    assert_eq!(format!("{new_orders:#?}"), format!("{old_orders:#?}"));
    assert!(new_orders
        .iter()
        .any(
            |o| o.tracking_code.as_ref().map(|c| c.as_str()) == Some("3SABCD1234567")
                && o.webshop_order_id.is_some()
        ));
    let mut n_events = 0;
    let mut n_lines = 0;
    for order in &old_orders {
        let old_lines = sqlite.lines(order.id).await.unwrap();
        assert!(!old_lines.is_empty());
        assert_eq!(store.lines(order.id).await.unwrap(), old_lines);
        n_lines += old_lines.len() as u64;
        let old_history = sqlite.history(order.id).await.unwrap();
        assert!(old_history.len() >= 2, "{} has a history", order.code);
        assert_eq!(
            format!("{:?}", store.history(order.id).await.unwrap()),
            format!("{old_history:?}"),
            "history of {}",
            order.code
        );
        n_events += old_history.len() as u64;
    }
    assert_eq!(reported_rows(&stdout, "order_lines"), n_lines);
    assert_eq!(reported_rows(&stdout, "order_events"), n_events);
    assert!(n_events > 1234);
    let old_batches = sqlite.batches(100).await.unwrap();
    assert_eq!(old_batches.len(), 2);
    assert_eq!(reported_rows(&stdout, "batches"), 2);
    assert_eq!(
        format!("{:?}", store.batches(100).await.unwrap()),
        format!("{old_batches:?}")
    );
    assert_eq!(
        store.connection_names().await.unwrap(),
        sqlite.connection_names().await.unwrap()
    );
    assert_eq!(
        store.webshop_watermark("shop").await.unwrap(),
        sqlite.webshop_watermark("shop").await.unwrap()
    );
    assert!(reported_rows(&stdout, "offer_stock") > 0);

    // Job schedules move; no process holds a lease after the move.
    let old_leases = sqlite.lease_states().await.unwrap();
    assert!(!old_leases.is_empty());
    let new_leases = store.lease_states().await.unwrap();
    assert_eq!(
        new_leases.iter().map(schedule).collect::<Vec<_>>(),
        old_leases.iter().map(schedule).collect::<Vec<_>>()
    );
    let mut pg_conn = sqlx::PgConnection::connect(&pg.url).await.unwrap();
    let still_held: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM job_leases WHERE holder IS NOT NULL OR lease_until <> 0",
    )
    .fetch_one(&mut pg_conn)
    .await
    .unwrap();
    assert_eq!(still_held, 0);
    let pushed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offer_stock")
        .fetch_one(&mut pg_conn)
        .await
        .unwrap();
    assert_eq!(pushed as u64, reported_rows(&stdout, "offer_stock"));

    // A second copy is refused and changes nothing.
    let again = orderbridge(&config, &["migrate", "--from-sqlite", file_arg]);
    let stderr = text(&again.stderr);
    assert!(!again.status.success());
    assert!(stderr.contains("already holds state"), "{stderr}");
    assert!(
        stderr.contains(file_arg),
        "the error names the file: {stderr}"
    );
    assert_eq!(
        format!(
            "{:#?}",
            store.orders(&OrderFilter::default()).await.unwrap()
        ),
        format!("{new_orders:#?}")
    );
    assert_eq!(store.batches(100).await.unwrap().len(), 2);

    // The engine carries on on PostgreSQL: a new order gets fresh ids everywhere.
    let loaded = Config::load(&config).unwrap();
    let engine = build_engine(&loaded.connections[0], &store, Arc::new(h.clock.clone())).unwrap();
    let fresh = h.place(4, 1);
    engine.run_import().await.unwrap();
    let after = store.orders(&OrderFilter::default()).await.unwrap();
    assert_eq!(after.len(), 9);
    let recorded = after
        .iter()
        .find(|o| o.marketplace_order_id.as_str() == fresh)
        .unwrap();
    let max_old_id = old_orders.iter().map(|o| o.id).max().unwrap();
    assert_eq!(recorded.id, max_old_id + 1);
    let max_old_batch = old_batches.iter().map(|b| b.id).max().unwrap();
    assert_eq!(recorded.batch_id, Some(max_old_batch + 1));
    assert!(!store.history(recorded.id).await.unwrap().is_empty());
    let max_event_id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM order_events")
        .fetch_one(&mut pg_conn)
        .await
        .unwrap();
    assert!(max_event_id > n_events as i64);
    pg_conn.close().await.unwrap();
    sqlite.close().await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_needs_a_postgresql_target_and_an_existing_sqlite_file() {
    let db = TestDb::sqlite().await;
    let config = write_config(db.dir(), &db, "shop", "", "");
    std::fs::remove_file(db.dir().join("connections").join("shop.toml")).unwrap();
    let missing = db.dir().join("no-such-state.db");
    let missing_arg = missing.to_str().unwrap();

    assert_refused(
        &orderbridge(&config, &["migrate", "--from-sqlite", missing_arg]),
        "not a postgres:// URL",
        "a copy into SQLite",
    );

    let Some(pg) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let config = write_config(pg.dir(), &pg, "shop", "", "");
    std::fs::remove_file(pg.dir().join("connections").join("shop.toml")).unwrap();
    let refused = orderbridge(&config, &["migrate", "--from-sqlite", missing_arg]);
    assert_refused(&refused, missing_arg, "a copy from a missing file");
    assert_refused(&refused, "no such file", "a copy from a missing file");
    assert!(!missing.exists(), "no SQLite file is created");

    let not_sqlite = pg.dir().join("orders.csv");
    std::fs::write(&not_sqlite, "").unwrap();
    assert_refused(
        &orderbridge(
            &config,
            &["migrate", "--from-sqlite", not_sqlite.to_str().unwrap()],
        ),
        "is not a SQLite database file",
        "a copy from a file that is not SQLite",
    );
    assert_eq!(
        std::fs::read(&not_sqlite).unwrap(),
        b"",
        "the file is left as it was"
    );
}

/// Adds a migration row from a newer orderbridge.
async fn pretend_a_newer_orderbridge_migrated(db: &TestDb) {
    let checksum = match db.backend {
        Backend::Sqlite => "X'00'",
        Backend::Postgres => "decode('00', 'hex')",
    };
    common::db::tamper(
        db,
        &format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (9999, 'from the future', TRUE, {checksum}, 0)"
        ),
    )
    .await;
}

async fn a_failed_or_different_migration_is_refused(db: TestDb) {
    std::fs::create_dir_all(db.dir().join("connections")).unwrap();
    let config = db.dir().join("orderbridge.toml");
    std::fs::write(&config, db.toml()).unwrap();
    assert!(orderbridge(&config, &["migrate"]).status.success());

    common::db::tamper(
        &db,
        "UPDATE _sqlx_migrations SET success = FALSE WHERE version = 2",
    )
    .await;
    for command in [&["status"][..], &["run"][..], &["migrate"][..]] {
        assert_refused(
            &orderbridge(&config, command),
            "failed half-way",
            &format!("{command:?} after a failed migration"),
        );
    }
    common::db::tamper(
        &db,
        "UPDATE _sqlx_migrations SET success = TRUE WHERE version = 2",
    )
    .await;
    let checksum = match db.backend {
        Backend::Sqlite => "X'0102'",
        Backend::Postgres => "decode('0102', 'hex')",
    };
    common::db::tamper(
        &db,
        &format!("UPDATE _sqlx_migrations SET checksum = {checksum} WHERE version = 1"),
    )
    .await;
    for command in [&["status"][..], &["run"][..]] {
        assert_refused(
            &orderbridge(&config, command),
            "differs from the one this orderbridge carries",
            &format!("{command:?} on a differently migrated database"),
        );
    }
}

/// Asserts that the binary refused with a message containing `needle`.
fn assert_refused(output: &Output, needle: &str, what: &str) {
    let stderr = text(&output.stderr);
    assert!(
        !output.status.success(),
        "{what} should be refused:\n{}\n{stderr}",
        text(&output.stdout)
    );
    assert!(stderr.contains(needle), "{what}: {stderr}");
}

#[test]
fn an_unreachable_server_or_a_file_that_is_no_database_is_named_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("connections")).unwrap();
    let config = dir.path().join("orderbridge.toml");
    std::fs::write(dir.path().join("notes.db"), "not a database").unwrap();
    for (url, needles) in [
        // Nothing listens on port 1.
        (
            "postgres://ob:hunter2@127.0.0.1:1/ob",
            &[
                "cannot open the database postgres://ob:***@127.0.0.1:1/ob",
                "refused",
            ][..],
        ),
        (
            "notes.db",
            &["cannot open the database", "notes.db", "not a database"][..],
        ),
    ] {
        std::fs::write(&config, format!("[database]\nurl = {url:?}\n")).unwrap();
        for command in [&["status"][..], &["migrate"][..], &["run"][..]] {
            let started = Instant::now();
            let output = orderbridge(&config, command);
            for needle in needles {
                assert_refused(&output, needle, &format!("{command:?} on {url}"));
            }
            assert!(
                !text(&output.stderr).contains("hunter2"),
                "the password is never shown"
            );
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{command:?} on {url} waited for a pool timeout"
            );
        }
    }
}

async fn only_migrate_moves_an_older_schema_and_nothing_runs_on_a_newer_one(db: TestDb) {
    // Written by hand: no `auto_migrate`.
    std::fs::create_dir_all(db.dir().join("connections")).unwrap();
    let config = db.dir().join("orderbridge.toml");
    std::fs::write(&config, db.toml()).unwrap();

    // A fresh database counts as older: `run` and `status` wait for `orderbridge migrate`.
    let run = orderbridge(&config, &["run"]);
    assert_refused(&run, "orderbridge migrate", "run on an empty database");
    assert_refused(
        &orderbridge(&config, &["status"]),
        "orderbridge migrate",
        "status on an empty database",
    );

    let migrated = orderbridge(&config, &["migrate"]);
    assert!(migrated.status.success(), "{}", text(&migrated.stderr));
    assert!(
        text(&migrated.stdout).contains("migrated from version 0 to"),
        "{}",
        text(&migrated.stdout)
    );
    let status = orderbridge(&config, &["status"]);
    assert!(status.status.success(), "{}", text(&status.stderr));
    let again = orderbridge(&config, &["migrate"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("already at version"));

    // A newer schema is refused by all three, `migrate` included.
    pretend_a_newer_orderbridge_migrated(&db).await;
    for command in ["status", "migrate", "run"] {
        let output = orderbridge(&config, &[command]);
        assert_refused(&output, "newer", command);
        assert!(
            text(&output.stderr).contains("9999"),
            "{}",
            text(&output.stderr)
        );
    }
}

both_backends!(
    only_migrate_moves_an_older_schema_and_nothing_runs_on_a_newer_one,
    a_failed_or_different_migration_is_refused,
);
