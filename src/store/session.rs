//! Settings every new database connection gets before the store uses it.
//!
//! SQLite: write-ahead log, `synchronous=NORMAL`, a busy timeout and foreign keys.
//!
//! PostgreSQL: a process paused or cut off inside a transaction (SIGSTOP, a frozen VM, a
//! partition) must not keep rows locked for the other instances. The server ends a session that
//! sits idle inside a transaction (the transaction rolls back: nothing half-written), and a
//! statement waiting for a row lock gives up instead of waiting for ever (the job run fails and
//! is retried). The store never holds a transaction open across an HTTP call, so a healthy
//! process is idle in one for milliseconds at most.

use sqlx::{AnyConnection, Executor};

/// Statements run on each new SQLite connection.
pub(super) const SQLITE_PRAGMAS: &[&str] = &[
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 30000",
    "PRAGMA foreign_keys = ON",
];

/// Statements run on each new PostgreSQL connection (milliseconds).
pub(super) const POSTGRES_SETTINGS: &[&str] = &[
    "SET idle_in_transaction_session_timeout = 5000",
    "SET lock_timeout = 5000",
];

/// Runs `statements` on a new connection.
pub(super) async fn prepare(
    conn: &mut AnyConnection,
    statements: &'static [&'static str],
) -> Result<(), sqlx::Error> {
    for statement in statements {
        conn.execute(*statement).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use sqlx::Connection;

    use crate::store::Store;

    /// A fresh schema on the test server, or `None` (with a notice) without one.
    async fn postgres_schema() -> Option<(String, String)> {
        let Ok(base) = std::env::var("ORDERBRIDGE_TEST_POSTGRES_URL") else {
            use std::io::Write;
            // Past the test harness's output capture, so it shows in a plain `cargo test`.
            let _ = writeln!(
                std::io::stderr(),
                "NOTICE: ORDERBRIDGE_TEST_POSTGRES_URL is not set; skipping a PostgreSQL test"
            );
            return None;
        };
        let schema = format!("ob_unit_{}_{}", std::process::id(), rand::random::<u32>());
        let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        Some((
            format!("{base}{sep}options=-c%20search_path%3D{schema}"),
            schema,
        ))
    }

    async fn drop_schema(schema: &str) {
        let base = std::env::var("ORDERBRIDGE_TEST_POSTGRES_URL").unwrap();
        let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&mut admin)
            .await
            .unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_session_paused_inside_a_transaction_does_not_block_the_others() {
        let Some((url, schema)) = postgres_schema().await else {
            return;
        };
        let paused = Store::open(&url).await.unwrap();
        let other = Store::open(&url).await.unwrap();
        for name in ["c", "d"] {
            other
                .ensure_connection(name, "bol", "woocommerce", 0)
                .await
                .unwrap();
        }

        // An instance locks the connection row and then sleeps inside its transaction (still
        // busy, not idle): the other's write gives up after the lock timeout.
        let mut busy = paused.pool.acquire().await.unwrap();
        sqlx::query("BEGIN").execute(&mut *busy).await.unwrap();
        sqlx::query("UPDATE connections SET webshop_watermark = 1 WHERE name = 'c'")
            .execute(&mut *busy)
            .await
            .unwrap();
        let sleeping = tokio::spawn(async move {
            let _ = sqlx::query("SELECT pg_sleep(12)").execute(&mut *busy).await;
        });
        let waited = tokio::time::timeout(
            Duration::from_secs(10),
            other.advance_webshop_watermark("c", 5, None),
        )
        .await
        .expect("a locked row is not waited for until its holder is done");
        assert!(waited.is_err(), "the write gave up on the lock");
        sleeping.abort();

        // An instance locks the row and then goes quiet inside its transaction (paused): the
        // server ends its session and the other's write goes through.
        let mut quiet = paused.pool.acquire().await.unwrap();
        sqlx::query("BEGIN").execute(&mut *quiet).await.unwrap();
        sqlx::query("UPDATE connections SET webshop_watermark = 2 WHERE name = 'd'")
            .execute(&mut *quiet)
            .await
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let attempt = tokio::time::timeout(
                Duration::from_secs(10),
                other.advance_webshop_watermark("d", 7, None),
            )
            .await;
            if matches!(attempt, Ok(Ok(()))) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the paused session kept its lock"
            );
        }
        assert_eq!(other.webshop_watermark("d").await.unwrap(), Some(7));
        assert!(
            sqlx::query("COMMIT").execute(&mut *quiet).await.is_err(),
            "the paused session was ended and its change rolled back"
        );
        drop(quiet);
        paused.close().await;
        other.close().await;
        drop_schema(&schema).await;
    }
}
