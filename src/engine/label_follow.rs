//! Following a label purchase to its end: the process read until bol names the label (whose
//! id is recorded at once), the label downloaded and kept, and every way it can stop for the
//! merchant — refused (nothing bought), outcome unknown (maybe bought; never bought again
//! without the merchant's resend), download failing (bought; downloaded again, never bought
//! again), or no longer fitting the order (handed over). See `label.rs` for the steps.

use chrono::Duration;
use orderbridge_core::domain::ShippingLabelId;
use orderbridge_core::marketplace::{Process, ProcessState};
use orderbridge_core::{ConnectorError, Marketplace, Webshop};

use super::label::{LabelPlan, MAX_LABEL_DOWNLOADS};
use super::{Engine, JobError, PROCESS_STALE_MILLIS};
use crate::status::Step;
use crate::store::{Column, EventKind, OrderLine, OrderRecord, Transition};

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    /// Follows label purchases the marketplace accepted; downloads labels known to be bought.
    pub(super) async fn follow_labels(&self, pending: &[OrderRecord]) -> Result<usize, JobError> {
        let mut progressed = 0;
        let (bought, following): (Vec<&OrderRecord>, Vec<&OrderRecord>) =
            pending.iter().partition(|o| o.label_id.is_some());
        for order in bought {
            if let Some(label_id) = &order.label_id {
                if self.fetch_label(order, label_id).await? {
                    progressed += 1;
                }
            }
        }
        let ids: Vec<_> = following
            .iter()
            .filter_map(|o| o.label.process_ids.first().cloned())
            .collect();
        if ids.is_empty() {
            return Ok(progressed);
        }
        let processes = match self.marketplace.processes(&ids).await {
            Ok(processes) => processes,
            Err(error) => {
                for order in following {
                    self.defer(order, "reading the label purchase", &error)
                        .await?;
                }
                return Ok(progressed);
            }
        };
        for order in following {
            let Some(id) = order.label.process_ids.first() else {
                continue;
            };
            let process = processes.iter().find(|p| &p.id == id);
            let moved = match process.map(|p| &p.state) {
                Some(ProcessState::Succeeded) => match process.and_then(Process::bought_label) {
                    Some(label_id) => self.label_bought(order, &label_id).await?,
                    None => {
                        self.label_outcome_unknown(
                            order,
                            "the marketplace reported the purchase done without naming the label",
                        )
                        .await?
                    }
                },
                Some(ProcessState::Failed { message }) => {
                    let reason = format!("the marketplace refused the label: {message}");
                    self.label_refused(order, Step::Pending, &reason).await?
                }
                // bol gave up on it; nothing says it did nothing.
                Some(ProcessState::TimedOut) => {
                    self.label_outcome_unknown(order, "the marketplace gave up on the purchase")
                        .await?
                }
                Some(ProcessState::Pending) | None => {
                    let since = order.label.intent_at.unwrap_or(order.updated_at);
                    if self.now() - since > Duration::milliseconds(PROCESS_STALE_MILLIS) {
                        self.label_outcome_unknown(
                            order,
                            "the marketplace has not finished the purchase for hours",
                        )
                        .await?
                    } else {
                        false
                    }
                }
            };
            if moved {
                progressed += 1;
            }
        }
        Ok(progressed)
    }

    /// The purchase succeeded: the label's id is recorded at once (it is paid for), then the
    /// label is fetched.
    async fn label_bought(
        &self,
        order: &OrderRecord,
        label_id: &ShippingLabelId,
    ) -> Result<bool, JobError> {
        let recorded = self
            .transition(
                order,
                Transition::of(order.id)
                    .when(Column::LabelStep, Step::Pending)
                    .when(Column::LabelId, Option::<String>::None)
                    .set(Column::LabelId, label_id.as_str())
                    .event(
                        EventKind::Info,
                        format!("the marketplace sold label {label_id}"),
                    ),
            )
            .await?;
        if !recorded {
            return Ok(false);
        }
        self.fetch_label(order, label_id).await?;
        Ok(true)
    }

    /// A marketplace that sells labels at once (no process): the label's id is recorded with
    /// the step, then the label is fetched.
    pub(super) async fn label_sold_at_once(
        &self,
        order: &OrderRecord,
        label_id: &ShippingLabelId,
    ) -> Result<bool, JobError> {
        let recorded = self
            .transition(
                order,
                Transition::of(order.id)
                    .when(Column::LabelStep, Step::Requested)
                    .set(Column::LabelStep, Step::Pending)
                    .set(Column::LabelId, label_id.as_str())
                    .set(Column::RetryAt, Option::<i64>::None)
                    .event(
                        EventKind::Info,
                        format!("the marketplace sold label {label_id}"),
                    ),
            )
            .await?;
        if !recorded {
            return Ok(false);
        }
        let mut bought = order.clone();
        bought.label.step = Step::Pending;
        bought.label_id = Some(label_id.clone());
        self.fetch_label(&bought, label_id).await?;
        Ok(true)
    }

    /// Fetches a bought label, keeps it, and records what it says.
    async fn fetch_label(
        &self,
        order: &OrderRecord,
        label_id: &ShippingLabelId,
    ) -> Result<bool, JobError> {
        let label = match self.marketplace.label(label_id).await {
            Ok(label) => label,
            Err(error) => return self.download_failed(order, label_id, &error).await,
        };
        self.store
            .save_label(order.id, label_id, &label.pdf, self.now())
            .await?;
        let carrier = label.carrier.as_ref().map(|c| c.name().to_owned());
        Ok(self
            .transition(
                order,
                Transition::of(order.id)
                    .when(Column::LabelStep, Step::Pending)
                    .when(Column::LabelId, label_id.as_str())
                    .set(Column::LabelStep, Step::Done)
                    .set(
                        Column::TrackingCode,
                        label.tracking.as_ref().map(|c| c.as_str().to_owned()),
                    )
                    .set(Column::Carrier, carrier.clone())
                    .set(Column::LabelFailures, 0)
                    .set(Column::RetryAt, Option::<i64>::None)
                    .event(
                        EventKind::Info,
                        format!(
                            "label {label_id} kept: T&T {}, carrier {}; print it with the batch's labels",
                            label.tracking.as_ref().map_or("none", |c| c.as_str()),
                            carrier.as_deref().unwrap_or("unknown")
                        ),
                    ),
            )
            .await?)
    }

    /// A bought label could not be downloaded: read it again later; after a few failures the
    /// order waits in `error` (a resend downloads again; nothing is bought again).
    async fn download_failed(
        &self,
        order: &OrderRecord,
        label_id: &ShippingLabelId,
        error: &ConnectorError,
    ) -> Result<bool, JobError> {
        let failures = order.label.failures + 1;
        let mut transition = Transition::of(order.id)
            .when(Column::LabelStep, Step::Pending)
            .when(Column::LabelFailures, order.label.failures)
            .set(Column::LabelFailures, failures)
            .set(Column::RetryAt, self.retry_at());
        if failures >= MAX_LABEL_DOWNLOADS && !error.is_retryable() {
            let reason = format!(
                "{} label {label_id} is bought but could not be downloaded: {error}. Resend \
                 downloads it again (it is not bought again)",
                self.settings.marketplace_label
            );
            transition = transition
                .when(Column::Status, order.status)
                .into_error(&reason);
        } else {
            transition = transition.event(
                EventKind::Error,
                format!("downloading label {label_id} failed, will retry: {error}"),
            );
        }
        self.transition(order, transition).await?;
        Ok(false)
    }

    /// Hands a planned order to the merchant after all: labels were switched off, or its lines
    /// changed so that no one label fits.
    pub(super) async fn hold_planned(
        &self,
        order: &OrderRecord,
        lines: &[OrderLine],
    ) -> Result<bool, JobError> {
        let reason = match self.label_plan(order, lines) {
            LabelPlan::Hold(reason) => reason,
            _ => format!(
                "no one {marketplace} label fits the order's open lines any more: buy the label \
                 and ship the order in the {marketplace} seller dashboard",
                marketplace = self.settings.marketplace_label
            ),
        };
        let transition = Transition::of(order.id).when(Column::LabelStep, Step::Ready);
        Ok(self
            .transition(
                order,
                self.with_label_plan(transition, order, &LabelPlan::Hold(reason)),
            )
            .await?)
    }

    /// Nothing was bought: the order waits in `error` with the reason; a resend buys again.
    pub(super) async fn label_refused(
        &self,
        order: &OrderRecord,
        from: Step,
        reason: &str,
    ) -> Result<bool, JobError> {
        let reason = format!(
            "no {} label bought: {reason}. Resend to try again, or ship it in the seller \
             dashboard and handle it manually",
            self.settings.marketplace_label
        );
        self.stop_for_merchant(order, from, &reason).await
    }

    /// A purchase that may have charged a label we cannot find: stop, and let the merchant
    /// decide (only a resend, after checking the seller dashboard, buys again).
    pub(super) async fn label_outcome_unknown(
        &self,
        order: &OrderRecord,
        why: &str,
    ) -> Result<bool, JobError> {
        let reason = format!(
            "a {} label may have been bought ({why}) and cannot be looked up. Check the order \
             in the seller dashboard: if it has a label, ship it there and handle this order \
             manually; if not, Resend buys one",
            self.settings.marketplace_label
        );
        self.stop_for_merchant(order, order.label.step, &reason)
            .await
    }

    /// The order waits in `error` with `reason`, its label step back at `ready`: the label job
    /// leaves orders in `error` alone, so only the merchant's resend (which makes it
    /// `not_shipped` again) lets it buy.
    async fn stop_for_merchant(
        &self,
        order: &OrderRecord,
        from: Step,
        reason: &str,
    ) -> Result<bool, JobError> {
        self.transition(
            order,
            Transition::of(order.id)
                .when(Column::LabelStep, from)
                .when(Column::Status, order.status)
                .set(Column::LabelStep, Step::Ready)
                .set(Column::LabelProcessId, Option::<String>::None)
                .into_error(reason),
        )
        .await?;
        Ok(false)
    }
}
