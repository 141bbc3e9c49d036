//! The order engine of one connection: the import, track, ship, cancel and stock jobs, and
//! the merchant's actions on one order (synchronize, resend, handle manually).
//!
//! Every external effect follows the same shape: commit the intent (a step moves to
//! `requested`), make the call with no transaction open, record the outcome with a guarded
//! [`Transition`]. A step found in `requested` at the start of a run means an earlier attempt
//! may have acted (crash, timeout), so the engine first looks for its effect (the webshop order
//! by our code, the marketplace process by order line) before acting again.

mod cancel;
mod cancel_follow;
mod create;
pub use create::TEST_ORDER_LABEL;
mod failpoint;
mod fence;
mod import;
mod label;
mod label_follow;
pub use label::{LabelChoice, LabelPolicy};
mod lines;
mod manage;
mod process_failure;
mod rules;
mod ship;
mod ship_follow;
mod stock;
mod total_check;
mod track;
mod unresolved;

use crate::store::Column;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use orderbridge_core::carrier::CarrierRules;
use orderbridge_core::kind::{MarketplaceCapabilities, WebshopCapabilities};
use orderbridge_core::{ConnectorError, Marketplace, Webshop};

use crate::clock::{to_millis, SharedClock};
use crate::status::{OrderStatus, Step};
use crate::store::{EventKind, OrderLine, OrderRecord, Store, StoreError, Transition};

pub use failpoint::{Failpoint, Failpoints};
pub use fence::{with_lease, RunLease};
pub use manage::ManageError;
use rules::PARTIAL_REQUEST_NOTE;
pub use rules::{derived_status, merchant_may_cancel, BuyerRequest, CancelOrigin};

/// After this long without an answer about a marketplace process (the vendor forgot it), the
/// engine reads the order itself instead of waiting for the process.
const PROCESS_STALE_MILLIS: i64 = 6 * 3600 * 1000;

/// Settings of one connection's engine.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Connection name (from the connection file name).
    pub connection: String,
    /// Marketplace name as written into webshop orders (`bol.com`).
    pub marketplace_label: String,
    /// How long to wait for a T&T code after completion before shipping without one.
    pub tracking_wait: Duration,
    /// Items held back from the stock sent to the marketplace.
    pub stock_buffer: u32,
    /// Carrier mapping rules of the connection.
    pub carrier_rules: Arc<CarrierRules>,
    /// Delay before an order is retried after a temporary failure.
    pub retry_delay: Duration,
    /// Orders handled per step per run (the rest follow in the next run).
    pub batch_limit: i64,
    /// Whether marketplace labels are bought for lines that must ship with one.
    pub labels: LabelPolicy,
    /// What the marketplace connector can do (its kind's declaration): jobs a connector
    /// cannot serve are not run, instead of failing every time.
    pub marketplace_capabilities: MarketplaceCapabilities,
    /// What the webshop connector can do.
    pub webshop_capabilities: WebshopCapabilities,
}

/// Why a job run failed as a whole (per-order failures are recorded on the order instead).
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// A vendor call the whole run depends on failed.
    #[error("{action}: {source}")]
    Connector {
        /// What the job was doing.
        action: &'static str,
        /// The connector's error.
        source: ConnectorError,
    },
    /// The state store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A test's failpoint stopped the run where a crash would (never in production).
    #[error("stopped at failpoint {0:?}")]
    Failpoint(Failpoint),
    /// Another process took the job's lease over while this run was paused or too slow; the
    /// run stopped before its next vendor call.
    #[error("the job's lease was lost to another process; run stopped before {0}")]
    LeaseLost(&'static str),
}

impl JobError {
    /// A short kind for status displays and metrics: `auth`, `rate_limited`, `transient`,
    /// `rejected`, `not_found`, `invalid_payload` or `store`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Connector { source, .. } => match source {
                ConnectorError::Auth { .. } => "auth",
                ConnectorError::RateLimited { .. } => "rate_limited",
                ConnectorError::Transient { .. } => "transient",
                ConnectorError::Rejected { .. } => "rejected",
                ConnectorError::NotFound { .. } => "not_found",
                ConnectorError::InvalidPayload { .. } => "invalid_payload",
            },
            Self::Store(_) => "store",
            Self::Failpoint(_) => "failpoint",
            Self::LeaseLost(_) => "lease_lost",
        }
    }

    /// The wait a vendor asked for, when it sent one with a 429.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Connector {
                source: ConnectorError::RateLimited { retry_after },
                ..
            } => *retry_after,
            _ => None,
        }
    }

    fn connector(action: &'static str) -> impl FnOnce(ConnectorError) -> JobError {
        move |source| JobError::Connector { action, source }
    }
}

/// What a job run did, for logs and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobReport {
    /// Orders whose state moved forward.
    pub n_progressed: usize,
    /// Orders that failed (temporarily or for good) in this run.
    pub n_failed: usize,
}

/// The engine of one connection.
pub struct Engine<M, W> {
    settings: EngineSettings,
    store: Store,
    marketplace: M,
    webshop: W,
    clock: SharedClock,
    failpoints: Failpoints,
    /// New orders that could not be read, with the import runs in a row they failed.
    unreadable: std::sync::Mutex<std::collections::HashMap<String, u32>>,
}

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    /// An engine over a store and a connection's connectors.
    pub fn new(
        settings: EngineSettings,
        store: Store,
        marketplace: M,
        webshop: W,
        clock: SharedClock,
    ) -> Self {
        Self {
            settings,
            store,
            marketplace,
            webshop,
            clock,
            failpoints: Failpoints::default(),
            unreadable: std::sync::Mutex::default(),
        }
    }

    /// The engine's failpoints, for tests that stop a run where a crash would.
    pub fn failpoints(&self) -> &Failpoints {
        &self.failpoints
    }

    fn failpoint(&self, point: Failpoint) -> Result<(), JobError> {
        if self.failpoints.fire(point) {
            tracing::warn!(connection = %self.settings.connection, ?point, "stopping at failpoint");
            return Err(JobError::Failpoint(point));
        }
        Ok(())
    }

    /// The connection's name.
    pub fn connection(&self) -> &str {
        &self.settings.connection
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn now_millis(&self) -> i64 {
        to_millis(self.now())
    }

    fn retry_at(&self) -> i64 {
        self.now_millis() + i64::try_from(self.settings.retry_delay.as_millis()).unwrap_or(60_000)
    }

    /// Applies a transition to `order`, logging its events with the order's identity.
    /// Returns whether it applied.
    async fn transition(
        &self,
        order: &OrderRecord,
        transition: Transition,
    ) -> Result<bool, StoreError> {
        let lease = fence::current();
        let applied = self
            .store
            .apply(&transition, lease.as_ref(), self.now_millis())
            .await?;
        if applied {
            for (kind, message) in &transition.events {
                match kind {
                    EventKind::Error => tracing::warn!(
                        connection = %order.connection,
                        order_code = %order.code,
                        marketplace_order_id = %order.marketplace_order_id,
                        "{message}"
                    ),
                    _ => tracing::info!(
                        connection = %order.connection,
                        order_code = %order.code,
                        marketplace_order_id = %order.marketplace_order_id,
                        "{message}"
                    ),
                }
            }
        } else {
            tracing::debug!(
                connection = %order.connection,
                order_code = %order.code,
                "order moved on meanwhile; change not applied"
            );
        }
        Ok(applied)
    }

    /// Before a vendor write: renews the run's lease, or stops the run when it was lost.
    async fn hold_lease(&self, before: &'static str) -> Result<(), JobError> {
        if fence::still_held(&self.store).await? {
            Ok(())
        } else {
            tracing::warn!(connection = %self.settings.connection, "lease lost; stopping before {before}");
            Err(JobError::LeaseLost(before))
        }
    }

    /// Adds a history entry to an order (and logs it with the order's identity).
    async fn note(
        &self,
        order: &OrderRecord,
        kind: EventKind,
        message: impl Into<String>,
    ) -> Result<(), StoreError> {
        self.transition(order, Transition::of(order.id).event(kind, message))
            .await?;
        Ok(())
    }

    /// Records a temporary failure: the order keeps its step and is retried after the retry
    /// delay.
    async fn defer(
        &self,
        order: &OrderRecord,
        what: &str,
        error: &ConnectorError,
    ) -> Result<(), StoreError> {
        self.transition(
            order,
            Transition::of(order.id)
                .set(Column::RetryAt, self.retry_at())
                .event(
                    EventKind::Error,
                    format!("{what} failed, will retry: {error}"),
                ),
        )
        .await?;
        Ok(())
    }

    /// Finishes a step: `step_column` goes from `current` to `done`, the order to `status`,
    /// and each line's shipped and cancelled quantities become what `settle` says.
    async fn complete_step(
        &self,
        order: &OrderRecord,
        step_column: Column,
        current: Step,
        status: OrderStatus,
        message: &str,
        settle: impl Fn(&OrderLine) -> (i64, i64),
    ) -> Result<bool, JobError> {
        let mut transition = Transition::of(order.id).when(step_column, current);
        if order.is_test && step_column == Column::ShipStep {
            // A test order's shipment is ours alone to end: not once a cancellation started.
            transition = transition.when(Column::CancelStep, Step::None);
        }
        let applied = self
            .transition(
                order,
                transition
                    .set(step_column, Step::Done)
                    .set(Column::Status, status)
                    .set(Column::Error, Option::<String>::None)
                    .event(EventKind::Status, message),
            )
            .await?;
        if applied {
            for line in self.store.lines(order.id).await? {
                let (shipped, cancelled) = settle(&line);
                self.store
                    .update_line_quantities(order.id, &line.line_id, shipped, cancelled)
                    .await?;
            }
        }
        Ok(applied)
    }

    /// Runs every job once, in loop order; used by the demo, `orders sync` and tests.
    ///
    /// # Errors
    ///
    /// The first job error; later jobs still run.
    pub async fn run_all_once(&self) -> Result<(), JobError> {
        let results = [
            self.run_import().await.map(|_| ()),
            self.run_track().await.map(|_| ()),
            self.run_ship().await.map(|_| ()),
            self.run_cancel().await.map(|_| ()),
        ];
        results.into_iter().collect()
    }
}
