//! Job leases: one row per (connection, job) says which process runs the job now, until when,
//! and when it runs next. A process runs a job only after taking the lease; every later write
//! about the lease is fenced by the lease's `fence` number, so a process that lost its lease
//! (paused, too slow) cannot overwrite the newer holder's bookkeeping.

use serde::Serialize;
use sqlx::Row;

use super::{Backend, Params, Store, StoreResult};

/// The condition that `lease` is still held (nobody took the job over since), for a write's
/// `WHERE`, its values numbered from `params`; bind them with [`bind_fence`] at that point.
///
/// On PostgreSQL the lease row is share-locked until the write commits: a takeover (which
/// skips locked rows) cannot slip in between the check and the commit, so a write is either
/// committed before the new holder starts or refused. On SQLite the transaction's write lock
/// already orders them.
pub(super) fn fence_condition(params: &mut Params, backend: Backend) -> String {
    let lock = match backend {
        Backend::Postgres => " FOR SHARE",
        Backend::Sqlite => "",
    };
    format!(
        "EXISTS (SELECT 1 FROM job_leases
                 WHERE connection = {} AND job = {} AND holder = {} AND fence = {}{lock})",
        params.next(),
        params.next(),
        params.next(),
        params.next()
    )
}

/// Binds the values of a [`fence_condition`].
pub(super) fn bind_fence<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    lease: &JobLease,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(lease.connection.clone())
        .bind(lease.job.clone())
        .bind(lease.holder.clone())
        .bind(lease.fence)
}

/// A lease held on a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLease {
    /// Connection.
    pub connection: String,
    /// Job name.
    pub job: String,
    /// This process's id.
    pub holder: String,
    /// Increases with every acquisition.
    pub fence: i64,
}

/// A job's lease row, for status displays.
#[derive(Debug, Clone, Serialize)]
pub struct LeaseState {
    /// Connection.
    pub connection: String,
    /// Job name.
    pub job: String,
    /// Who runs it now.
    pub holder: Option<String>,
    /// When it runs next (ms).
    pub next_run_at: i64,
    /// Last run (ms).
    pub last_run_at: Option<i64>,
    /// Last successful run (ms).
    pub last_ok_at: Option<i64>,
    /// Last failure.
    pub last_error: Option<String>,
    /// Kind of the last failure (`auth`, `rate_limited`, `transient`, ...).
    pub last_error_kind: Option<String>,
    /// Failed runs in a row (0 after a successful run).
    pub failures: i64,
}

/// How a job run ended, as recorded in its lease row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome<'a> {
    /// The run succeeded.
    Ok,
    /// The run failed.
    Failed {
        /// Kind of failure (`auth`, `transient`, ...).
        kind: &'a str,
        /// What happened.
        message: &'a str,
    },
}

impl Store {
    /// Takes the lease of a job when it is due and nobody holds it (a lease not yet ended is
    /// never taken, not even by a holder of the same name). Returns `None` when the job is not
    /// due or its lease is held.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn acquire_lease(
        &self,
        connection: &str,
        job: &str,
        holder: &str,
        now_millis: i64,
        lease_millis: i64,
    ) -> StoreResult<Option<JobLease>> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO job_leases (connection, job) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(connection)
        .bind(job)
        .execute(&mut *tx)
        .await?;
        // PostgreSQL: a row another process is taking right now is skipped, not waited for
        // (that process gets the job). SQLite: the write lock taken by the transaction already
        // makes this the only writer.
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE job_leases SET holder = $1, lease_until = $2, fence = fence + 1
             WHERE connection = $3 AND job = $4 AND job IN (
                 SELECT job FROM job_leases
                 WHERE connection = $3 AND job = $4 AND next_run_at <= $5
                   AND (holder IS NULL OR lease_until <= $5)
                 {lock})
             RETURNING fence"
        );
        let fence: Option<i64> = sqlx::query_scalar(&sql)
            .bind(holder)
            .bind(now_millis + lease_millis)
            .bind(connection)
            .bind(job)
            .bind(now_millis)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(fence.map(|fence| JobLease {
            connection: connection.to_owned(),
            job: job.to_owned(),
            holder: holder.to_owned(),
            fence,
        }))
    }

    /// Extends a held lease. Returns false when the lease was lost.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn renew_lease(
        &self,
        lease: &JobLease,
        now_millis: i64,
        lease_millis: i64,
    ) -> StoreResult<bool> {
        let result = sqlx::query(
            "UPDATE job_leases SET lease_until = $1
             WHERE connection = $2 AND job = $3 AND holder = $4 AND fence = $5",
        )
        .bind(now_millis + lease_millis)
        .bind(&lease.connection)
        .bind(&lease.job)
        .bind(&lease.holder)
        .bind(lease.fence)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Releases a lease after a run, records its outcome and schedules the next run. Fenced:
    /// returns false (and changes nothing) when the lease was lost meanwhile.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn finish_lease(
        &self,
        lease: &JobLease,
        now_millis: i64,
        next_run_at: i64,
        outcome: RunOutcome<'_>,
    ) -> StoreResult<bool> {
        let (kind, message) = match outcome {
            RunOutcome::Ok => (None, None),
            RunOutcome::Failed { kind, message } => (Some(kind), Some(message)),
        };
        let result = sqlx::query(
            "UPDATE job_leases SET holder = NULL, lease_until = 0, next_run_at = $1,
                 last_run_at = $2,
                 last_ok_at = CASE WHEN $3 IS NULL THEN $4 ELSE last_ok_at END,
                 last_error = $5, last_error_kind = $6,
                 failures = CASE WHEN $7 IS NULL THEN 0 ELSE failures + 1 END
             WHERE connection = $8 AND job = $9 AND holder = $10 AND fence = $11",
        )
        .bind(next_run_at)
        .bind(now_millis)
        .bind(kind)
        .bind(now_millis)
        .bind(message)
        .bind(kind)
        .bind(kind)
        .bind(&lease.connection)
        .bind(&lease.job)
        .bind(&lease.holder)
        .bind(lease.fence)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Failed runs in a row of a job (0 when it last succeeded or never ran).
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn job_failures(&self, connection: &str, job: &str) -> StoreResult<i64> {
        let failures: Option<i64> = sqlx::query_scalar(
            "SELECT failures FROM job_leases WHERE connection = $1 AND job = $2",
        )
        .bind(connection)
        .bind(job)
        .fetch_optional(&self.pool)
        .await?;
        Ok(failures.unwrap_or(0))
    }

    /// Gives up every lease `holder` still holds (runs abandoned at shutdown): the leases end
    /// at `until_millis` (or earlier, where they already would), rather than at their full
    /// length, so the next process takes the jobs over soon; and their fence number moves on,
    /// so nothing the abandoned runs might still write applies. `until_millis` should leave a
    /// request the abandoned run had sent time to finish at the vendor (its timeout), so the
    /// next holder's lookup sees its effect.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn release_leases(&self, holder: &str, until_millis: i64) -> StoreResult<u64> {
        let result = sqlx::query(
            "UPDATE job_leases
             SET lease_until = CASE WHEN lease_until < $2 THEN lease_until ELSE $2 END,
                 fence = fence + 1
             WHERE holder = $1",
        )
        .bind(holder)
        .bind(until_millis)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    /// Makes every job of a connection due now (used after `orders sync` and at start-up of
    /// the demo).
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn make_jobs_due(&self, connection: &str) -> StoreResult<()> {
        sqlx::query("UPDATE job_leases SET next_run_at = 0 WHERE connection = $1")
            .bind(connection)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every lease row.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn lease_states(&self) -> StoreResult<Vec<LeaseState>> {
        let rows = sqlx::query(
            "SELECT connection, job, holder, next_run_at, last_run_at, last_ok_at, last_error,
                    last_error_kind, failures
             FROM job_leases ORDER BY connection, job",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(LeaseState {
                    connection: row.try_get("connection")?,
                    job: row.try_get("job")?,
                    holder: row.try_get("holder")?,
                    next_run_at: row.try_get("next_run_at")?,
                    last_run_at: row.try_get("last_run_at")?,
                    last_ok_at: row.try_get("last_ok_at")?,
                    last_error: row.try_get("last_error")?,
                    last_error_kind: row.try_get("last_error_kind")?,
                    failures: row.try_get("failures")?,
                })
            })
            .collect()
    }
}
