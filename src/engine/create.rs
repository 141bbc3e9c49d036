//! Creating imported orders in the webshop exactly once: commit the intent, look for an order
//! an earlier attempt may have created, only then create, and record the webshop's id.

use crate::store::Column;
use chrono::Duration;
use orderbridge_core::webshop::{NewOrder, NewOrderLine};
use orderbridge_core::{ConnectorError, Marketplace, Webshop};

use super::total_check::paid_for_own_lines;
use super::{Engine, Failpoint, JobError, JobReport};
use crate::status::{OrderStatus, Step};
use crate::store::{EventKind, OrderRecord, Transition};

/// How far before the recorded intent the webshop is searched for an earlier attempt's order
/// (clock differences between this machine and the webshop).
const LOOKUP_MARGIN_MINUTES: i64 = 15;

/// Attempts whose answer could not be read before an order is stopped in `error`.
const UNREADABLE_CREATE_ATTEMPTS: i64 = 3;

/// What a test order names as its marketplace in the webshop (order note and meta), so the
/// person who opens it there sees at once that it is a test.
pub const TEST_ORDER_LABEL: &str = "TEST ORDER by orderbridge (not from a marketplace)";

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    /// Creates pending orders in the webshop. An order whose creation may have happened
    /// before (intent recorded, outcome not) is looked up first.
    ///
    /// # Errors
    ///
    /// On store failure; vendor failures are recorded on the order.
    pub async fn run_create(&self) -> Result<JobReport, JobError> {
        let mut report = JobReport::default();
        let now = self.now_millis();
        let fresh = self
            .store
            .orders_at_step(
                &self.settings.connection,
                Column::CreateStep,
                &[Step::Pending],
                &[OrderStatus::NotShipped],
                now,
                self.settings.batch_limit,
            )
            .await?;
        // An interrupted attempt is resolved whatever the order's status now is (a buyer may
        // have asked to cancel, the merchant may have taken over): only this job resolves it,
        // and it only creates the order while it is still `not_shipped`. An order in `error`
        // waits for the merchant's resend.
        let interrupted = self
            .store
            .orders_at_step(
                &self.settings.connection,
                Column::CreateStep,
                &[Step::Requested],
                &[
                    OrderStatus::NotShipped,
                    OrderStatus::CancellationRequest,
                    OrderStatus::PendingCancellation,
                    OrderStatus::Cancelled,
                    OrderStatus::Shipped,
                    OrderStatus::Manual,
                ],
                now,
                self.settings.batch_limit,
            )
            .await?;
        for order in interrupted.iter().chain(fresh.iter()) {
            match self.create_one(order).await? {
                Outcome::Progressed => report.n_progressed += 1,
                Outcome::Failed => report.n_failed += 1,
                Outcome::Nothing => {}
            }
        }
        let labels = self.run_labels().await?;
        report.n_progressed += labels.n_progressed;
        Ok(report)
    }

    async fn create_one(&self, order: &OrderRecord) -> Result<Outcome, JobError> {
        let mut order = order.clone();
        if order.details.is_none() {
            match self.refetch_details(&order).await? {
                Some(refreshed) => order = refreshed,
                None => return Ok(Outcome::Failed),
            }
        }
        let Some(details) = order.details.clone() else {
            return Ok(Outcome::Failed);
        };
        let code = order.code.clone();
        if order.create.step == Step::Pending {
            let now = self.now();
            let intent = Transition::of(order.id)
                .when(Column::CreateStep, Step::Pending)
                .when(Column::Status, OrderStatus::NotShipped)
                .set(Column::CreateStep, Step::Requested)
                .set(
                    Column::CreateIntentAt,
                    order.create.intent_at.unwrap_or(now),
                )
                .set(Column::CreateAttempts, order.create.attempts + 1)
                .event(
                    EventKind::Call,
                    format!(
                        "creating the order in the webshop (attempt {})",
                        order.create.attempts + 1
                    ),
                );
            if !self.transition(&order, intent).await? {
                return Ok(Outcome::Nothing);
            }
            order.create.intent_at = Some(order.create.intent_at.unwrap_or(now));
            order.create.step = Step::Requested;
            self.failpoint(Failpoint::CreateAfterIntent)?;
        } else if !self.settings.webshop_capabilities.lookup_by_reference {
            // An earlier attempt may have created it and this webshop cannot find orders by
            // our code: creating again could make a second order. The merchant looks.
            return self.unresolved_without_lookup(&order).await;
        } else {
            // An earlier attempt may have created it: look before creating again.
            let since = order.create.intent_at.unwrap_or(order.created_at)
                - Duration::minutes(LOOKUP_MARGIN_MINUTES);
            match self.webshop.find_order(&code, since).await {
                Ok(Some(webshop_id)) => {
                    let outcome = self
                        .record_created(
                            &order,
                            webshop_id.as_str(),
                            "found the order an earlier attempt created",
                        )
                        .await?;
                    // The lost reply held the total: read the order for it (a failed read
                    // leaves the total unchecked, and says so in the history).
                    let total = match self.webshop.order(&webshop_id).await {
                        Ok(found) => found.total,
                        Err(error) => {
                            tracing::warn!(
                                order_code = %order.code,
                                error = %error,
                                "the found webshop order could not be read for its total"
                            );
                            None
                        }
                    };
                    self.check_total(&order, paid_for_own_lines(&details), total)
                        .await?;
                    return Ok(outcome);
                }
                Ok(None) if order.status != OrderStatus::NotShipped => {}
                Ok(None) => {
                    let claimed = self
                        .transition(
                        &order,
                        Transition::of(order.id)
                            .when(Column::CreateStep, Step::Requested)
                            .when(Column::CreateAttempts, order.create.attempts)
                            .when(Column::Status, OrderStatus::NotShipped)
                            .set(Column::CreateAttempts, order.create.attempts + 1)
                            .event(
                                EventKind::Call,
                                format!(
                                    "no webshop order from an earlier attempt; creating it (attempt {})",
                                    order.create.attempts + 1
                                ),
                            ),
                    )
                    .await?;
                    if !claimed {
                        return Ok(Outcome::Nothing);
                    }
                }
                Err(error) => {
                    self.defer(&order, "looking up an earlier webshop order", &error)
                        .await?;
                    return Ok(Outcome::Failed);
                }
            }
        }
        if order.status != OrderStatus::NotShipped {
            // Cancelled or taken over while the attempt was unresolved, and nothing was
            // created: never create it now.
            let applied = self
                .transition(
                    &order,
                    Transition::of(order.id)
                        .when(Column::CreateStep, Step::Requested)
                        .set(Column::CreateStep, Step::Skipped)
                        .event(
                            EventKind::Info,
                            "cancelled before it reached the webshop; not created",
                        ),
                )
                .await?;
            return Ok(if applied {
                Outcome::Progressed
            } else {
                Outcome::Nothing
            });
        }
        let mut new_order = NewOrder {
            code,
            marketplace: if order.is_test {
                TEST_ORDER_LABEL.to_owned()
            } else {
                self.settings.marketplace_label.clone()
            },
            marketplace_order_id: details.id.clone(),
            placed_at: details.placed_at,
            shipping: details.shipping.clone(),
            billing: details.billing.clone(),
            pickup_point: details.pickup_point.clone(),
            lines: Vec::new(),
        };
        for line in details.lines.iter().filter(|l| !l.fulfilled_by_marketplace) {
            let line_total = match line.paid_total() {
                Ok(total) => total,
                Err(e) => {
                    return self
                        .fail_create(&order, &format!("line {}: {e}", line.line_id))
                        .await
                }
            };
            new_order.lines.push(NewOrderLine {
                sku: line.sku.clone(),
                ean: line.ean.clone(),
                title: line.title.clone(),
                quantity: line.quantity,
                unit_price: line.unit_price,
                line_total,
                discounts: line.discounts.clone(),
                marketplace_line_id: line.line_id.to_string(),
            });
        }
        self.hold_lease("creating the webshop order").await?;
        let created = self.webshop.create_order(&new_order).await;
        self.failpoint(Failpoint::CreateAfterCall)?;
        match created {
            Ok(created) => {
                let outcome = self
                    .record_created(&order, created.id.as_str(), "created in the webshop")
                    .await?;
                self.check_total(&order, new_order.paid_total().ok(), created.total)
                    .await?;
                Ok(outcome)
            }
            Err(error) if error.is_retryable() => {
                self.defer(&order, "creating the webshop order", &error)
                    .await?;
                Ok(Outcome::Failed)
            }
            Err(ConnectorError::Auth { message }) => {
                self.defer(
                    &order,
                    "creating the webshop order",
                    &ConnectorError::Auth {
                        message: message.clone(),
                    },
                )
                .await?;
                Err(JobError::Connector {
                    action: "creating a webshop order",
                    source: ConnectorError::Auth { message },
                })
            }
            // An unreadable answer may be a passing glitch (a proxy page, a cut-off body) or
            // a broken shop: retried, with a lookup first, a few times before the merchant is
            // asked to look.
            Err(error @ ConnectorError::InvalidPayload { .. })
                if order.create.attempts + 1 < UNREADABLE_CREATE_ATTEMPTS =>
            {
                self.defer(&order, "creating the webshop order", &error)
                    .await?;
                Ok(Outcome::Failed)
            }
            Err(error @ ConnectorError::InvalidPayload { .. }) => {
                self.fail_create_unknown(&order, &error.to_string()).await
            }
            Err(error) => self.fail_create(&order, &error.to_string()).await,
        }
    }

    async fn record_created(
        &self,
        order: &OrderRecord,
        webshop_id: &str,
        how: &str,
    ) -> Result<Outcome, JobError> {
        // In the webshop now (to pick and pack): an order needing a marketplace label gets one
        // planned, or goes to the merchant before anyone ships it, in the same transition, so
        // no crash leaves it unplanned (see `label.rs`).
        let lines = self.store.lines(order.id).await?;
        let plan = self.label_plan(order, &lines);
        let transition = Transition::of(order.id)
            .when(Column::CreateStep, Step::Requested)
            .when(Column::LabelStep, Step::None)
            .set(Column::CreateStep, Step::Done)
            .set(Column::WebshopOrderId, webshop_id)
            .set(Column::RetryAt, Option::<i64>::None)
            .set(Column::Error, Option::<String>::None)
            .event(
                EventKind::Call,
                format!("{how}: webshop order {webshop_id}"),
            );
        let applied = self
            .transition(order, self.with_label_plan(transition, order, &plan))
            .await?;
        Ok(if applied {
            Outcome::Progressed
        } else {
            Outcome::Nothing
        })
    }

    /// A permanent refusal: nothing was created, so the step goes back to `pending` and the
    /// order waits in `error` for the merchant (resend after fixing the cause).
    async fn fail_create(&self, order: &OrderRecord, reason: &str) -> Result<Outcome, JobError> {
        self.transition(
            order,
            Transition::of(order.id)
                .when(Column::CreateStep, order.create.step)
                .set(Column::CreateStep, Step::Pending)
                .set(Column::Status, OrderStatus::Error)
                .set(Column::Error, reason)
                .event(
                    EventKind::Error,
                    format!("webshop refused the order: {reason}"),
                )
                .event(EventKind::Status, "error"),
        )
        .await?;
        Ok(Outcome::Failed)
    }

    /// An interrupted creation in a webshop that cannot look orders up by our code: stop in
    /// `error` for the merchant instead of risking a second order.
    async fn unresolved_without_lookup(&self, order: &OrderRecord) -> Result<Outcome, JobError> {
        let message = format!(
            "an earlier attempt to create this order may have reached the webshop, and this \
             webshop cannot look orders up by our code: check whether order {} (marketplace \
             order {}) is in the webshop; resend it only if it is not",
            order.code, order.marketplace_order_id
        );
        self.stop_unresolved(order, Column::CreateStep, &message)
            .await?;
        Ok(Outcome::Failed)
    }

    /// The webshop answered, but unreadably: the order may exist. The step stays `requested`,
    /// so the resend that gets it out of `error` looks it up before creating it again.
    async fn fail_create_unknown(
        &self,
        order: &OrderRecord,
        reason: &str,
    ) -> Result<Outcome, JobError> {
        let message = format!(
            "the webshop's answer to creating the order could not be read (it may exist; a resend looks for it first): {reason}"
        );
        self.transition(
            order,
            Transition::of(order.id)
                .when(Column::CreateStep, Step::Requested)
                .into_error(&message),
        )
        .await?;
        Ok(Outcome::Failed)
    }

    /// Fetches the marketplace order again (it could not be read at import). Returns the
    /// refreshed record, or `None` when it still cannot be read (recorded on the order).
    pub(super) async fn refetch_details(
        &self,
        order: &OrderRecord,
    ) -> Result<Option<OrderRecord>, JobError> {
        let id = order.marketplace_order_id.clone();
        match self.marketplace.order(&id).await {
            Ok(details) => {
                self.store
                    .replace_details(
                        order.id,
                        &details,
                        self.now_millis(),
                        "order re-read from the marketplace",
                    )
                    .await?;
                Ok(self.store.order(order.id).await?)
            }
            Err(error) if error.is_retryable() => {
                self.defer(order, "reading the marketplace order", &error)
                    .await?;
                Ok(None)
            }
            Err(error) => {
                self.fail_create(
                    order,
                    &format!("order cannot be read from the marketplace: {error}"),
                )
                .await?;
                Ok(None)
            }
        }
    }
}

/// What one attempt did.
enum Outcome {
    Progressed,
    Failed,
    Nothing,
}
