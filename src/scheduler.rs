//! Runs each job of each connection on its interval, never overlapping with itself and
//! never on two processes at once: before a run the job's lease is taken in the database
//! (due, and not held by a live process), renewed while the run lasts, and released with the
//! next run time. Plain tokio tasks and the database do the scheduling (see ARCHITECTURE.md on
//! why not tokio-cron-scheduler).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use rand::Rng;

use crate::engine::{Engine, JobError, JobReport};
use crate::shutdown::Shutdown;
use crate::store::Store;
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
                    let run = run_job(&engine, schedule.kind);
                    tokio::pin!(run);
                    let renew_every = leases.lease / 3;
                    loop {
                        tokio::select! {
                            result = &mut run => break Some(result),
                            _ = tokio::time::sleep(renew_every) => {
                                let now = Utc::now().timestamp_millis();
                                match store.renew_lease(&lease, now, millis(leases.lease)).await {
                                    Ok(true) => {}
                                    Ok(false) => {
                                        tracing::warn!(connection = %connection, job, "lease lost to another process; abandoning this run");
                                        break None;
                                    }
                                    Err(error) => tracing::warn!(connection = %connection, job, "renewing lease failed: {error}"),
                                }
                            }
                        }
                    }
                };
                let jitter_ms = if schedule.jitter.is_zero() {
                    0
                } else {
                    rand::rng().random_range(0..=millis(schedule.jitter))
                };
                let finished = Utc::now().timestamp_millis();
                let next = finished + millis(schedule.interval) + jitter_ms;
                let error = match &outcome {
                    Some(Ok(report)) => {
                        tracing::debug!(
                            connection = %connection, job,
                            n_progressed = report.n_progressed, n_failed = report.n_failed,
                            elapsed_ms = started.elapsed().as_millis() as u64,
                            "job run finished"
                        );
                        None
                    }
                    Some(Err(error)) => {
                        tracing::warn!(connection = %connection, job, "job run failed: {error}");
                        Some(error.to_string())
                    }
                    None => Some("lease lost during the run".to_owned()),
                };
                if outcome.is_some() {
                    if let Err(error) = store
                        .finish_lease(&lease, finished, next, error.as_deref())
                        .await
                    {
                        tracing::warn!(connection = %connection, job, "releasing lease failed: {error}");
                    }
                }
            }
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(connection = %connection, job, "taking lease failed: {error}")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = shutdown.wait() => {}
        }
    }
    tracing::debug!(connection = %connection, job, "job loop stopped");
}
