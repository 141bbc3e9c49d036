//! The daemon's state: connections and their watermarks, orders with their lines, batches,
//! the append-only history of each order, stock last pushed, and job leases — in SQLite (one
//! file, the embedded default) or PostgreSQL (several processes on several machines sharing the
//! work), chosen by the database URL. Both backends run the same statements (numbered `$n`
//! placeholders, standard SQL) through sqlx's `Any` driver; only lease taking and the
//! transaction start differ ([`Backend`]).
//!
//! Every write is a short transaction that never spans an HTTP call: the engine records an
//! intent, commits, calls the vendor, then records the outcome. Updates of an order are
//! guarded ([`Transition`]): they only apply while the order is still in the state the caller
//! read (and, for a job run, while its lease is held), so two jobs or two processes cannot both
//! act on the same step.

mod batches;
mod column;
mod copy;
mod events;
mod import;
mod labels;
mod leases;
mod orders;
mod params;
mod schema;
mod session;
mod sessions;
mod stock;
mod text;
mod transition;

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Transaction};

pub use batches::{BatchSummary, OrderCounts};
pub use column::Column;
pub use copy::CopyReport;
pub use events::{EventKind, OrderEvent};
pub use import::ImportedOrder;
pub use labels::StoredLabel;
pub use leases::{JobLease, LeaseState, RunOutcome};
pub use orders::{OrderFilter, OrderLine, OrderRecord};
use params::Params;
pub use schema::{MigrationPolicy, SchemaVersion};
use session::{POSTGRES_SETTINGS, SQLITE_PRAGMAS};
pub use sessions::StoredSession;
pub use stock::PushedStock;
pub use transition::{Transition, Value};

/// How many times [`Store::close`] closes the pool before it gives up waiting (10 ms apart).
const CLOSE_ROUNDS: usize = 500;

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
    /// The database cannot be opened (bad location, server down, refused login).
    #[error("cannot open the database {location}: {reason}")]
    Location {
        /// The configured location.
        location: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// The database has migrations this orderbridge does not know (a newer version wrote it).
    #[error(
        "the database schema is at version {found}, newer than this orderbridge knows \
         ({known}); run the newer orderbridge, or restore a backup"
    )]
    SchemaTooNew {
        /// Newest migration applied to the database.
        found: i64,
        /// Newest migration this binary carries.
        known: i64,
    },
    /// The database lacks migrations and the configuration does not allow applying them.
    #[error(
        "the database schema is at version {found}, this orderbridge needs {known}: run \
         `orderbridge migrate`, or set `database.auto_migrate = true`"
    )]
    SchemaBehind {
        /// Newest migration applied to the database.
        found: i64,
        /// Newest migration this binary carries.
        known: i64,
    },
    /// A migration failed half-way (`success` is false in `_sqlx_migrations`).
    #[error(
        "database migration {version} failed half-way; restore a backup (or repair it by hand) \
         before running orderbridge on this database"
    )]
    SchemaDirty {
        /// The failed migration.
        version: i64,
    },
    /// An applied migration differs from this binary's migration of the same version.
    #[error(
        "database migration {version} differs from the one this orderbridge carries (checksum); \
         this database was migrated by a different build"
    )]
    SchemaChanged {
        /// The migration.
        version: i64,
    },
    /// Copying a SQLite state into PostgreSQL was refused.
    #[error("cannot copy the state: {0}")]
    Copy(String),
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// Which database engine holds the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One SQLite file (one machine).
    Sqlite,
    /// A PostgreSQL database (several processes may share it).
    Postgres,
}

impl Backend {
    /// The backend a configured location names: `postgres://` / `postgresql://` URLs are
    /// PostgreSQL; `sqlite:` URLs and plain file paths are SQLite.
    pub fn of(location: &str) -> Self {
        if location.starts_with("postgres://") || location.starts_with("postgresql://") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    /// Display name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// The state store; cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// A SQLite file's sqlx URL (its last close needs it; a PostgreSQL URL, which may hold a
    /// password, is not kept).
    sqlite_url: Option<String>,
}

/// The sqlx URL of a configured location: a SQLite file path becomes a `sqlite://` URL that
/// creates the file when missing.
fn connect_url(location: &str) -> String {
    if location.contains("://") || location.starts_with("sqlite:") {
        return location.to_owned();
    }
    // sqlx percent-decodes the file name, so `%`, `?` and `#` in a path are encoded.
    let mut path = String::with_capacity(location.len());
    for c in location.chars() {
        match c {
            '%' => path.push_str("%25"),
            '?' => path.push_str("%3F"),
            '#' => path.push_str("%23"),
            c => path.push(c),
        }
    }
    format!("sqlite://{path}?mode=rwc")
}

impl Store {
    /// Opens the database at `location` and applies pending migrations (tests, the demo and
    /// `orderbridge migrate`).
    ///
    /// # Errors
    ///
    /// When the database cannot be reached or a migration fails.
    pub async fn open(location: &str) -> StoreResult<Self> {
        Self::connect(location, MigrationPolicy::Apply).await
    }

    /// Opens the database at `location` — a SQLite file path or `sqlite:` URL (WAL,
    /// `synchronous=NORMAL`, a busy timeout; created when missing), or a `postgres://` URL — and
    /// checks its schema: a schema newer than this binary knows is always refused; pending
    /// migrations are applied or refused as `policy` says.
    ///
    /// # Errors
    ///
    /// When the database cannot be reached, or its schema does not fit `policy`.
    pub async fn connect(location: &str, policy: MigrationPolicy) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(location);
        let url = connect_url(location);
        let unusable = |e: sqlx::Error| StoreError::Location {
            location: redact_location(location),
            reason: e.to_string(),
        };
        // One connection first: a pool hides why it cannot connect (server down, login
        // refused, not a database file) behind its own timeout.
        let statements = match backend {
            Backend::Sqlite => SQLITE_PRAGMAS,
            Backend::Postgres => POSTGRES_SETTINGS,
        };
        let mut probe = AnyConnection::connect(&url).await.map_err(unusable)?;
        session::prepare(&mut probe, statements)
            .await
            .map_err(unusable)?;
        probe.close().await.map_err(unusable)?;
        let mut options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        options = match backend {
            Backend::Sqlite => options
                .max_connections(4)
                .after_connect(|conn, _| Box::pin(session::prepare(conn, SQLITE_PRAGMAS))),
            Backend::Postgres => options
                .max_connections(8)
                .after_connect(|conn, _| Box::pin(session::prepare(conn, POSTGRES_SETTINGS))),
        };
        let pool = options.connect(&url).await.map_err(unusable)?;
        let sqlite_url = (backend == Backend::Sqlite).then(|| url.clone());
        let store = Self {
            pool,
            backend,
            sqlite_url,
        };
        store.check_schema(policy).await?;
        Ok(store)
    }

    /// The backend holding the state.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A write transaction. On SQLite it takes the database's write lock up front, so it
    /// cannot fail half-way on a lock upgrade; on PostgreSQL rows are locked as they are
    /// written and every guarded update re-checks its condition on the newest row.
    async fn write(&self) -> StoreResult<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
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
            "INSERT INTO connections (name, marketplace, webshop, created_at) VALUES ($1, $2, $3, $4)
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
            sqlx::query_as("SELECT webshop_watermark FROM connections WHERE name = $1")
                .bind(connection)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(w,)| w))
    }

    /// Moves the webshop watermark forward (never backward). With `fence`, only while that
    /// lease is still held: a track run that lost its lease (and so could not record what it
    /// read) must not move the watermark past changes the newer holder has not seen.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn advance_webshop_watermark(
        &self,
        connection: &str,
        to: i64,
        fence: Option<&JobLease>,
    ) -> StoreResult<()> {
        let mut sql = String::from(
            "UPDATE connections SET webshop_watermark = $1
             WHERE name = $2 AND (webshop_watermark IS NULL OR webshop_watermark < $1)",
        );
        if fence.is_some() {
            sql.push_str(" AND ");
            sql.push_str(&leases::fence_condition(&mut Params::from(3), self.backend));
        }
        let mut query = sqlx::query(&sql).bind(to).bind(connection);
        if let Some(lease) = fence {
            query = leases::bind_fence(query, lease);
        }
        query.execute(&self.pool).await?;
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

    /// Closes the pool: waits for connections to be returned and closes every one; a SQLite
    /// file is left whole, its write-ahead log folded in and removed.
    ///
    /// sqlx's `close` can return while a connection that was being handed back lands in the
    /// idle queue (its permit comes back after `close` took the idle ones), and that connection
    /// then stays open until the last handle on the pool goes: closing again takes it. And
    /// SQLite removes the log only when the connection closing is the last one; connections
    /// closing at the same moment can each see the other and all leave it. One more
    /// connection, alone, folds the log in and removes it as it closes.
    pub async fn close(&self) {
        for _ in 0..CLOSE_ROUNDS {
            self.pool.close().await;
            if self.pool.size() == 0 {
                if let Some(url) = &self.sqlite_url {
                    fold_sqlite_log(url).await;
                }
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tracing::warn!(
            open = self.pool.size(),
            "the state database still has open connections after closing"
        );
    }
}

/// Folds a SQLite file's write-ahead log into it from a connection of its own, which removes
/// the log as it closes (being the last one). A failure is only logged: the log is folded
/// in by the next open anyway.
async fn fold_sqlite_log(url: &str) {
    let folded = async {
        let mut last = AnyConnection::connect(url).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut last)
            .await?;
        last.close().await
    };
    if let Err(error) = folded.await {
        tracing::warn!(%error, "the SQLite write-ahead log could not be folded in on close");
    }
}

/// A location fit for messages: a URL's password, and `password` / `sslpassword` query
/// parameters, are replaced by `***`; a URL that cannot be parsed is not shown at all (it may
/// hold a password in a form we cannot find). A SQLite path is shown as it is.
pub fn redact_location(location: &str) -> String {
    if !location.contains("://") {
        return location.to_owned();
    }
    let Ok(mut url) = url::Url::parse(location) else {
        return "<a database URL that cannot be parsed>".to_owned();
    };
    if url.password().is_some() {
        let _ = url.set_password(Some("***"));
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(key, value)| {
            let secret =
                key.eq_ignore_ascii_case("password") || key.eq_ignore_ascii_case("sslpassword");
            (
                key.into_owned(),
                if secret {
                    "***".to_owned()
                } else {
                    value.into_owned()
                },
            )
        })
        .collect();
    if !pairs.is_empty() {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_name_their_backend_and_hide_passwords() {
        assert_eq!(Backend::of("state.db"), Backend::Sqlite);
        assert_eq!(Backend::of("sqlite:///var/lib/ob.db"), Backend::Sqlite);
        assert_eq!(Backend::of("postgres://u@h/db"), Backend::Postgres);
        assert_eq!(Backend::of("postgresql://u@h/db"), Backend::Postgres);
        assert_eq!(
            connect_url("a b/s?x#.db"),
            "sqlite://a b/s%3Fx%23.db?mode=rwc"
        );
        assert_eq!(
            redact_location("postgres://ob:hunter2@db/ob"),
            "postgres://ob:***@db/ob"
        );
        assert_eq!(redact_location("state.db"), "state.db");
        assert_eq!(
            redact_location("postgres://ob@db/ob?sslmode=require&password=hunter2"),
            "postgres://ob@db/ob?sslmode=require&password=***"
        );
        assert!(!redact_location("postgres://ob:pa#ss@db/ob").contains("pa#ss"));
    }

    /// A connection handed back while the store closes is closed too, and the SQLite
    /// write-ahead log is folded into the file (sqlx's own `close` can miss it).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn closing_closes_a_connection_handed_back_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        for round in 0..40 {
            let file = dir.path().join(format!("state-{round}.db"));
            let store = Store::open(file.to_str().unwrap()).await.unwrap();
            let mut handed: Vec<_> = Vec::new();
            for _ in 0..3 {
                handed.push(store.pool.acquire().await.unwrap());
            }
            // Handed back (by a task of sqlx's) as the close starts.
            drop(handed);
            store.close().await;
            assert_eq!(
                store.pool.size(),
                0,
                "round {round}: a connection is left open"
            );
            let wal = dir.path().join(format!("state-{round}.db-wal"));
            assert!(!wal.exists(), "round {round}: the write-ahead log is left");
        }
    }
}
