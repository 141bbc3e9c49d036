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

/// The tests' databases (a PostgreSQL schema per test), shared with the integration tests.
#[cfg(test)]
#[allow(dead_code)]
#[path = "../../tests/common/db.rs"]
mod test_db;

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use sqlx::pool::PoolConnection;
    use sqlx::Any;

    use super::test_db::{Backend, TestDb};
    use crate::store::Store;

    /// A connection of `store` that has locked connection `name`'s row inside a transaction it
    /// leaves open.
    async fn lock_row(store: &Store, name: &str) -> PoolConnection<Any> {
        let mut conn = store.pool.acquire().await.unwrap();
        sqlx::query("BEGIN").execute(&mut *conn).await.unwrap();
        sqlx::query("UPDATE connections SET webshop_watermark = 1 WHERE name = $1")
            .bind(name)
            .execute(&mut *conn)
            .await
            .unwrap();
        conn
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_session_paused_inside_a_transaction_does_not_block_the_others() {
        let Some(db) = TestDb::new(Backend::Postgres).await else {
            return;
        };
        let paused = Store::open(&db.url).await.unwrap();
        let other = Store::open(&db.url).await.unwrap();
        for name in ["c", "d"] {
            other
                .ensure_connection(name, "bol", "woocommerce", 0)
                .await
                .unwrap();
        }

        // An instance locks the connection row and then sleeps inside its transaction (still
        // busy, not idle): the other's write gives up after the lock timeout.
        let mut busy = lock_row(&paused, "c").await;
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
        let mut quiet = lock_row(&paused, "d").await;
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
    }
}
