//! The daemon's state in SQLite: connections and their watermarks, orders with their lines,
//! batches, the append-only history of each order, stock last pushed, and job leases.
//!
//! Every write is a short transaction (`BEGIN IMMEDIATE`) that never spans an HTTP call: the
//! engine records an intent, commits, calls the vendor, then records the outcome. Updates of an
//! order are guarded ([`Transition`]): they only apply while the order is still in the state the
//! caller read, so two jobs (or two processes) cannot both act on the same step.

mod batches;
mod events;
mod import;
mod leases;
mod orders;
mod stock;
mod transition;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

pub use batches::{BatchSummary, OrderCounts};
pub use events::{EventKind, OrderEvent};
pub use import::ImportedOrder;
pub use leases::{JobLease, LeaseState, RunOutcome};
pub use orders::{OrderFilter, OrderLine, OrderRecord};
pub use stock::PushedStock;
pub use transition::{Transition, Value};

/// A failure of the state store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations could not be applied.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value cannot be read back (hand-edited or corrupted row).
    #[error("stored {what} is unreadable: {reason}")]
    Corrupt {
        /// Which value.
        what: String,
        /// Why.
        reason: String,
    },
    /// The database location is not usable.
    #[error("invalid database location {location:?}: {reason}")]
    Location {
        /// The configured location.
        location: String,
        /// Why it cannot be used.
        reason: String,
    },
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// The state store; cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

impl Store {
    /// Opens (creating if missing) the SQLite database at `location` — a file path or a
    /// `sqlite://` URL — with WAL, `synchronous=NORMAL` and a busy timeout, and applies pending
    /// migrations.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened or a migration fails.
    pub async fn open(location: &str) -> StoreResult<Self> {
        let options = if location.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(location).map_err(|e| StoreError::Location {
                location: location.to_owned(),
                reason: e.to_string(),
            })?
        } else {
            SqliteConnectOptions::new().filename(Path::new(location))
        }
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(30))
        .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    /// A write transaction that takes the database's write lock up front, so it cannot fail
    /// half-way on a lock upgrade.
    async fn write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Registers a connection (idempotent).
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn ensure_connection(
        &self,
        name: &str,
        marketplace: &str,
        webshop: &str,
        now_millis: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO connections (name, marketplace, webshop, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET marketplace = excluded.marketplace,
                                              webshop = excluded.webshop",
        )
        .bind(name)
        .bind(marketplace)
        .bind(webshop)
        .bind(now_millis)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The webshop watermark of a connection: newest modification time processed.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn webshop_watermark(&self, connection: &str) -> StoreResult<Option<i64>> {
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT webshop_watermark FROM connections WHERE name = ?")
                .bind(connection)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(w,)| w))
    }

    /// Moves the webshop watermark forward (never backward).
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn advance_webshop_watermark(&self, connection: &str, to: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE connections SET webshop_watermark = ?
             WHERE name = ? AND (webshop_watermark IS NULL OR webshop_watermark < ?)",
        )
        .bind(to)
        .bind(connection)
        .bind(to)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Names of the registered connections.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn connection_names(&self) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT name FROM connections ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    /// Closes the pool (waits for connections to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
