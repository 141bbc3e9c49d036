//! Runs each job of each connection on its interval, never overlapping with itself and
//! never on two processes at once: before a run the job's lease is taken in the database
//! (due, and not held by a live process), renewed while the run lasts, and released with the
//! next run time. Plain tokio tasks and the database do the scheduling (see
//! `docs/design-notes.md` on why not tokio-cron-scheduler).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use rand::Rng;

use crate::engine::{Engine, JobError, JobReport, RunLease};
use crate::shutdown::Shutdown;
use crate::store::{JobLease, RunOutcome, Store};
use orderbridge_core::{Marketplace, Webshop};

/// The jobs of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// Import open marketplace orders and create them in the webshop.
    Import,
    /// Watch the webshop for completed and cancelled orders.
    Track,
    /// Push shipments.
    Ship,
    /// Carry cancellations.
    Cancel,
    /// Push stock.
    Stock,
}

impl JobKind {
    /// Name in leases and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Import => "import",
            Self::Track => "track",
            Self::Ship => "ship",
            Self::Cancel => "cancel",
            Self::Stock => "stock",
        }
    }
}

/// How one job is scheduled.
#[derive(Debug, Clone, Copy)]
pub struct JobSchedule {
    /// Which job.
    pub kind: JobKind,
    /// Time between runs.
    pub interval: Duration,
    /// Up to this much is added at random to each interval.
    pub jitter: Duration,
}

impl JobSchedule {
    /// The longest a failing job waits between runs: it backs off, but never stops.
    pub const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);

    /// The wait before the next run after `failures` failed runs in a row (0: the last run
    /// succeeded): the interval, doubled per failure up to [`JobSchedule::MAX_BACKOFF`] (or the
    /// interval, if that is longer), at least what the vendor asked for, plus jitter.
    pub fn next_delay(&self, failures: i64, vendor_wait: Option<Duration>) -> Duration {
        let doublings = u32::try_from(failures.clamp(0, 16)).unwrap_or(16);
        let backed_off = self
            .interval
            .saturating_mul(1u32 << doublings)
            .min(Self::MAX_BACKOFF.max(self.interval));
        let base = vendor_wait.map_or(backed_off, |wait| wait.max(backed_off));
        let jitter = if self.jitter.is_zero() {
            Duration::ZERO
        } else {
            Duration::from_millis(rand::rng().random_range(0..=millis(self.jitter).unsigned_abs()))
        };
        base + jitter
    }
}

/// Lease settings shared by a process's job loops.
#[derive(Debug, Clone)]
pub struct LeaseSettings {
    /// This process's name in the lease table.
    pub holder: String,
    /// How long a lease lasts without renewal.
    pub lease: Duration,
}

async fn run_job<M: Marketplace, W: Webshop>(
    engine: &Engine<M, W>,
    kind: JobKind,
) -> Result<JobReport, JobError> {
    match kind {
        JobKind::Import => engine.run_import().await,
        JobKind::Track => engine.run_track().await,
        JobKind::Ship => engine.run_ship().await,
        JobKind::Cancel => engine.run_cancel().await,
        JobKind::Stock => engine.run_stock().await,
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Records a finished run in its lease row and metrics, and schedules the next one (backing
/// off after failures).
async fn finish_run(
    store: &Store,
    lease: &JobLease,
    schedule: &JobSchedule,
    result: Result<JobReport, JobError>,
    started: std::time::Instant,
) {
    let (connection, job) = (lease.connection.as_str(), lease.job.as_str());
    let finished = Utc::now().timestamp_millis();
    let (failures, delay, message) = match &result {
        Ok(report) => {
            tracing::debug!(
                connection,
                job,
                n_progressed = report.n_progressed,
                n_failed = report.n_failed,
                elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                "job run finished"
            );
            (0, schedule.next_delay(0, None), None)
        }
        Err(error) => {
            let failures = store.job_failures(connection, job).await.unwrap_or(0) + 1;
            let delay = schedule.next_delay(failures, error.retry_after());
            tracing::warn!(
                connection,
                job,
                kind = error.kind(),
                failures,
                next_run_in_secs = delay.as_secs(),
                "job run failed: {error}"
            );
            (failures, delay, Some(error.to_string()))
        }
    };
    let outcome = match (&result, &message) {
        (Err(error), Some(message)) => RunOutcome::Failed {
            kind: error.kind(),
            message,
        },
        _ => RunOutcome::Ok,
    };
    let kind = result.as_ref().err().map_or("ok", JobError::kind);
    crate::metrics::job_run(connection, job, kind, failures);
    let next = finished + millis(delay);
    if let Err(error) = store.finish_lease(lease, finished, next, outcome).await {
        tracing::warn!(connection, job, "releasing lease failed: {error}");
    }
}

/// Runs one job of one connection until shutdown.
pub async fn job_loop<M: Marketplace, W: Webshop>(
    engine: Arc<Engine<M, W>>,
    schedule: JobSchedule,
    leases: LeaseSettings,
    mut shutdown: Shutdown,
) {
    let store: Store = engine.store().clone();
    let connection = engine.connection().to_owned();
    let job = schedule.kind.as_str();
    let tick = schedule
        .interval
        .clamp(Duration::from_millis(200), Duration::from_secs(5));
    while !shutdown.is_triggered() {
        let now = Utc::now().timestamp_millis();
        match store
            .acquire_lease(&connection, job, &leases.holder, now, millis(leases.lease))
            .await
        {
            Ok(Some(lease)) => {
                let started = std::time::Instant::now();
                let outcome = {
                    let run = crate::engine::with_lease(
                        RunLease {
                            lease: lease.clone(),
                            lease_millis: millis(leases.lease),
                        },
                        run_job(&engine, schedule.kind),
                    );
                    tokio::pin!(run);
                    let renew_every = leases.lease / 3;
                    let mut held_until = now + millis(leases.lease);
                    loop {
                        tokio::select! {
                            result = &mut run => break Some(result),
                            _ = tokio::time::sleep(renew_every) => {
                                let now = Utc::now().timestamp_millis();
                                match store.renew_lease(&lease, now, millis(leases.lease)).await {
                                    Ok(true) => held_until = now + millis(leases.lease),
                                    Ok(false) => {
                                        tracing::warn!(connection = %connection, job, "lease lost to another process; abandoning this run");
                                        break None;
                                    }
                                    // Past the lease another process may run the job: stop
                                    // here, as a crash would, rather than run beside it.
                                    Err(error) if now + millis(renew_every) >= held_until => {
                                        tracing::warn!(connection = %connection, job, "cannot renew the lease before it ends ({error}); abandoning this run");
                                        break None;
                                    }
                                    Err(error) => tracing::warn!(connection = %connection, job, "renewing lease failed, will retry: {error}"),
                                }
                            }
                        }
                    }
                };
                if let Some(result) = outcome {
                    finish_run(&store, &lease, &schedule, result, started).await;
                }
            }
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(connection = %connection, job, "taking lease failed: {error}")
            }
        }
        // Each process looks at a random moment within the tick, so when several processes
        // share a database the one that takes a due job changes from run to run instead of
        // the same process winning every time.
        let pause = tick.mul_f64(rand::rng().random_range(0.5..=1.0));
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.wait() => {}
        }
    }
    tracing::debug!(connection = %connection, job, "job loop stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failing_jobs_back_off_but_never_stop() {
        let schedule = JobSchedule {
            kind: JobKind::Import,
            interval: Duration::from_secs(300),
            jitter: Duration::ZERO,
        };
        assert_eq!(schedule.next_delay(0, None), Duration::from_secs(300));
        assert_eq!(schedule.next_delay(1, None), Duration::from_secs(600));
        assert_eq!(schedule.next_delay(2, None), Duration::from_secs(900));
        assert_eq!(schedule.next_delay(40, None), JobSchedule::MAX_BACKOFF);
        assert_eq!(
            schedule.next_delay(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(3600),
            "a vendor's longer Retry-After wins"
        );
        let fast = JobSchedule {
            interval: Duration::from_secs(1),
            ..schedule
        };
        assert_eq!(fast.next_delay(3, None), Duration::from_secs(8));
    }
}
