//! The lease a job run holds. The scheduler runs each job inside [`with_lease`]; every order
//! change the run makes is then fenced by that lease (it applies only while the lease's holder
//! and fence number are unchanged), and before each vendor write the run renews the lease, so
//! a run that lost its lease (paused, partitioned, too slow) stops instead of acting beside the
//! newer holder. Runs outside the scheduler (tests, the demo's single process, merchant
//! actions) hold no lease and are not fenced.

use std::future::Future;

use crate::clock::to_millis;
use crate::store::{JobLease, Store, StoreError};

/// The lease of the current run and how long a renewal extends it.
#[derive(Debug, Clone)]
pub struct RunLease {
    /// The lease taken for this run.
    pub lease: JobLease,
    /// Lease length in milliseconds.
    pub lease_millis: i64,
}

tokio::task_local! {
    static RUN_LEASE: RunLease;
}

/// Runs `run` (one job run) fenced by `lease`.
pub async fn with_lease<F: Future>(lease: RunLease, run: F) -> F::Output {
    RUN_LEASE.scope(lease, run).await
}

/// The lease of the run on this task, if any.
pub(super) fn current() -> Option<JobLease> {
    RUN_LEASE.try_with(|run| run.lease.clone()).ok()
}

/// Renews the current run's lease before a vendor write. Returns false when the lease was
/// lost: the write must not be made. Without a lease (not a scheduled run) always true.
pub(super) async fn still_held(store: &Store) -> Result<bool, StoreError> {
    let Ok(run) = RUN_LEASE.try_with(Clone::clone) else {
        return Ok(true);
    };
    let now = to_millis(chrono::Utc::now());
    store.renew_lease(&run.lease, now, run.lease_millis).await
}
