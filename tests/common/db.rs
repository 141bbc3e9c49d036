//! The database a test runs on: one test body, two backends. [`both_backends!`] turns a test
//! into `name::sqlite` and `name::postgres`. SQLite tests get a fresh file in a temporary
//! directory; PostgreSQL tests get their own schema on the server named by
//! `ORDERBRIDGE_TEST_POSTGRES_URL` (`.ci/run` exports it), dropped afterwards. Without that
//! variable the PostgreSQL tests print a notice and pass without running.

use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::Connection;

/// Environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "ORDERBRIDGE_TEST_POSTGRES_URL";

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A schema on the test PostgreSQL server.
    Postgres,
}

/// A database for one test.
pub struct TestDb {
    /// The backend.
    pub backend: Backend,
    /// What goes into `database.url`.
    pub url: String,
    dir: tempfile::TempDir,
    schema: Option<(String, String)>,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// Says, once per test binary, that the PostgreSQL tests are skipped. Written to the real
/// stderr, past the test harness's output capture, so it shows in a plain `cargo test`.
pub fn skip_notice() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "NOTICE: {POSTGRES_URL_VAR} is not set: the PostgreSQL variants of these tests \
             are skipped (the SQLite ones run). `.ci/run` sets it to the local server."
        );
    });
}

impl TestDb {
    /// A database on `backend`; `None` (after a printed notice) for PostgreSQL when no server
    /// is configured.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            Backend::Sqlite => {
                let url = dir.path().join("state.db").to_string_lossy().into_owned();
                Some(TestDb {
                    backend,
                    url,
                    dir,
                    schema: None,
                })
            }
            Backend::Postgres => {
                let Ok(base) = std::env::var(POSTGRES_URL_VAR) else {
                    skip_notice();
                    return None;
                };
                let schema = format!(
                    "ob_test_{}_{}_{}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed),
                    rand::random::<u32>()
                );
                let mut admin = sqlx::PgConnection::connect(&base)
                    .await
                    .unwrap_or_else(|e| panic!("cannot reach {POSTGRES_URL_VAR}: {e}"));
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                Some(TestDb {
                    backend,
                    url,
                    dir,
                    schema: Some((base, schema)),
                })
            }
        }
    }

    /// A SQLite database (always available).
    pub async fn sqlite() -> TestDb {
        Self::new(Backend::Sqlite).await.unwrap()
    }

    /// A scratch directory that lives as long as the database.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The `database.url` line of an `orderbridge.toml`.
    pub fn toml(&self) -> String {
        format!("[database]\nurl = {:?}\n", self.url)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((base, schema)) = self.schema.take() else {
            return;
        };
        // Dropped on a thread of its own: the test's runtime may be shutting down.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&base).await {
                    // Never hang a test run on a session that still holds locks.
                    let _ = sqlx::query("SET lock_timeout = 10000")
                        .execute(&mut admin)
                        .await;
                    let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                        .execute(&mut admin)
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// Runs test bodies on both backends: for each `async fn name(db: TestDb)` named, the tests
/// `name::sqlite` and `name::postgres` (the body stays an ordinary, formatted function).
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::common::db::TestDb::sqlite().await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(db) =
                        $crate::common::db::TestDb::new($crate::common::db::Backend::Postgres)
                            .await
                    {
                        super::$name(db).await;
                    }
                }
            }
        )+
    };
}

/// Runs `sql` on the test database directly, behind the store's back: a hand edit, another
/// build, or the state an older orderbridge left.
pub async fn tamper(db: &TestDb, sql: &str) {
    match db.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.url))
                .await
                .unwrap();
            sqlx::query(sql).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query(sql).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }
    }
}
