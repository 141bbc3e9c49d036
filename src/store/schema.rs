//! The schema's version: the migrations each backend carries (`migrations/sqlite`,
//! `migrations/postgres`, the same versions with the same meaning), applying them, and refusing
//! a database written by a newer orderbridge.

use serde::Serialize;
use sqlx::migrate::Migrator;
use sqlx::Connection;

use super::{Backend, Store, StoreError, StoreResult};

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// What opening a store does with migrations the database lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationPolicy {
    /// Apply them.
    Apply,
    /// Refuse to open ([`StoreError::SchemaBehind`]).
    Refuse,
    /// Open anyway (for `orderbridge migrate`, which applies them next). A schema newer than
    /// this binary knows is still refused.
    Skip,
}

/// The schema version of a database against the one this binary knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SchemaVersion {
    /// Newest migration applied to the database (0: none).
    pub found: i64,
    /// Newest migration this binary carries.
    pub known: i64,
}

impl Backend {
    fn migrator(self) -> &'static Migrator {
        match self {
            Self::Sqlite => &SQLITE,
            Self::Postgres => &POSTGRES,
        }
    }
}

impl Store {
    /// The database's schema version and the newest this binary knows.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn schema_version(&self) -> StoreResult<SchemaVersion> {
        let known = self
            .backend
            .migrator()
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0);
        let exists = match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master
                 WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
            }
        };
        let n: i64 = sqlx::query_scalar(exists).fetch_one(&self.pool).await?;
        let found = if n == 0 {
            0
        } else {
            // Every row counts, a failed one too: a half-applied newer migration is still
            // newer than this binary.
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
                .fetch_one(&self.pool)
                .await?
        };
        Ok(SchemaVersion { found, known })
    }

    /// Applies the migrations the database lacks (concurrent callers on PostgreSQL wait for
    /// each other). Returns the version before and after.
    ///
    /// # Errors
    ///
    /// When the schema is newer than this binary knows, or a migration fails.
    pub async fn migrate(&self) -> StoreResult<(SchemaVersion, SchemaVersion)> {
        self.migrate_from(self.schema_version().await?).await
    }

    /// [`Store::migrate`] from the version `before` just read.
    async fn migrate_from(
        &self,
        before: SchemaVersion,
    ) -> StoreResult<(SchemaVersion, SchemaVersion)> {
        if before.found > before.known {
            return Err(StoreError::SchemaTooNew {
                found: before.found,
                known: before.known,
            });
        }
        // On a connection of its own: PostgreSQL sessions give up on locks after a few
        // seconds, but a second `migrate` must wait for the first one's advisory lock however
        // long its migrations take.
        let mut conn = self.pool.acquire().await?.detach();
        if self.backend == Backend::Postgres {
            sqlx::query("SET lock_timeout = 0")
                .execute(&mut conn)
                .await?;
        }
        let migrated = self.backend.migrator().run(&mut conn).await;
        conn.close().await?;
        migrated?;
        Ok((before, self.schema_version().await?))
    }

    /// Refuses a database whose applied migrations do not match this binary's: one that failed
    /// half-way, or one whose text differs from the migration of the same version here.
    async fn check_applied(&self) -> StoreResult<()> {
        let rows: Vec<(i64, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT version, CASE WHEN success THEN 1 ELSE 0 END, checksum
             FROM _sqlx_migrations ORDER BY version",
        )
        .fetch_all(&self.pool)
        .await?;
        for (version, success, checksum) in rows {
            if success == 0 {
                return Err(StoreError::SchemaDirty { version });
            }
            let known = self
                .backend
                .migrator()
                .iter()
                .find(|m| m.version == version);
            if known.is_some_and(|m| *m.checksum != *checksum) {
                return Err(StoreError::SchemaChanged { version });
            }
        }
        Ok(())
    }

    pub(super) async fn check_schema(&self, policy: MigrationPolicy) -> StoreResult<()> {
        let version = self.schema_version().await?;
        if version.found > 0 {
            self.check_applied().await?;
        }
        if version.found > version.known {
            return Err(StoreError::SchemaTooNew {
                found: version.found,
                known: version.known,
            });
        }
        if version.found < version.known {
            match policy {
                MigrationPolicy::Apply => {
                    self.migrate_from(version).await?;
                }
                MigrationPolicy::Skip => {}
                MigrationPolicy::Refuse => {
                    return Err(StoreError::SchemaBehind {
                        found: version.found,
                        known: version.known,
                    })
                }
            }
        }
        Ok(())
    }
}
