//! Buying marketplace labels ("Verzenden via bol") for orders whose lines must ship with one.
//!
//! Once such an order is in the webshop (so the merchant can pick and pack it) the engine asks
//! the marketplace which labels it sells for the lines (bol: delivery options), picks one by the
//! connection's [`LabelChoice`], buys it, follows the purchase process and keeps the printed
//! label; the shipment later names the label instead of a transport. The steps:
//!
//! - `ready` → `requested`: the intent is committed before the purchase call, because a label
//!   is charged and cannot be undone.
//! - `requested` → `pending`: bol accepted the purchase (a process id).
//! - `pending` → `done`: the process succeeded; its `entityId` names the label, which is
//!   recorded at once (so a label known to be bought is never forgotten), then fetched (PDF,
//!   T&T code, carrier) and kept. A download that keeps failing stops in `error` with the label
//!   id; a resend downloads again, never buys again.
//!
//! A purchase whose outcome is unknown (the call timed out, the process crashed after the
//! intent, bol gave up on the process with `TIMEOUT`, or forgot it) cannot be looked up: bol
//! offers no search of labels by order line, and a process is found only by its id. Buying
//! again could charge twice, so such an order goes to `error` with a reason that says so and
//! its step back to `ready`: only the merchant's resend (after checking the bol seller
//! dashboard) makes it `not_shipped` again, and only then does this job buy. A purchase bol
//! refused, or that failed there, charged nothing: the order goes to `error` with bol's
//! message, the same way.
//!
//! Whether an order needs a label is decided in the same transition that records it as
//! created (`label_plan`), so no crash can leave it unplanned.

use orderbridge_core::domain::{OrderLineId, Quantity, ShippingLabelId};
use orderbridge_core::marketplace::{LabelOffer, LineQuantity, Process, WriteOutcome};
use orderbridge_core::{ConnectorError, Marketplace, Webshop};
use serde::Deserialize;

use super::lines::{label_required_reason, MarketplaceLines};
use super::rules::waits;
use super::{Engine, Failpoint, JobError, JobReport};
use crate::status::{OrderStatus, Step};
use crate::store::{Column, EventKind, OrderLine, OrderRecord, Transition};

/// Failed downloads of a bought label before the order goes to `error` (a resend tries again).
pub(super) const MAX_LABEL_DOWNLOADS: i64 = 5;

/// Statuses in which an order's label is bought and followed: it is still to ship.
const TO_SHIP: [OrderStatus; 2] = [OrderStatus::NotShipped, OrderStatus::Waiting];

/// Which of the labels the marketplace sells for an order to buy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelChoice {
    /// The one the marketplace recommends for the lines; the cheapest when it recommends none.
    #[default]
    Recommended,
    /// The cheapest (the recommended one among equally cheap ones).
    Cheapest,
}

impl LabelChoice {
    /// The offer to buy among `offers`, if any.
    pub fn pick(self, offers: &[LabelOffer]) -> Option<&LabelOffer> {
        let cheapest = offers
            .iter()
            .min_by_key(|o| (o.price.cents(), !o.recommended));
        match self {
            Self::Recommended => offers.iter().find(|o| o.recommended).or(cheapest),
            Self::Cheapest => cheapest,
        }
    }
}

/// Whether the engine buys marketplace labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelPolicy {
    /// It does not: orders needing one go to `manual` (the merchant ships them from the
    /// marketplace's seller dashboard).
    #[default]
    Off,
    /// It buys the one `LabelChoice` picks.
    Buy(LabelChoice),
}

/// What an order's open lines need.
enum LabelNeed {
    /// No open own line needs a marketplace label.
    None,
    /// These lines (all the open own lines) ship with one label.
    Lines(Vec<LineQuantity>),
    /// Some open own lines need a label and others do not: one parcel cannot be both.
    Mixed(Vec<String>),
}

fn label_need(order: &OrderRecord, lines: &[OrderLine]) -> Result<LabelNeed, String> {
    let marketplace_lines = MarketplaceLines::of(order);
    let label_lines = marketplace_lines.label_required_open(lines);
    if label_lines.is_empty() {
        return Ok(LabelNeed::None);
    }
    let open_own: Vec<&OrderLine> = lines
        .iter()
        .filter(|l| marketplace_lines.is_own(&l.line_id))
        .filter(|l| l.quantity - l.quantity_shipped - l.quantity_cancelled > 0)
        .collect();
    if open_own.len() != label_lines.len() {
        return Ok(LabelNeed::Mixed(
            label_lines.iter().map(|id| (*id).to_owned()).collect(),
        ));
    }
    open_own
        .iter()
        .map(|line| {
            let open = line.quantity - line.quantity_shipped - line.quantity_cancelled;
            Ok(LineQuantity {
                line_id: OrderLineId::parse(&line.line_id).map_err(|e| e.to_string())?,
                quantity: u32::try_from(open)
                    .map_err(|e| e.to_string())
                    .and_then(|n| Quantity::new(n).map_err(|e| e.to_string()))?,
            })
        })
        .collect::<Result<Vec<_>, String>>()
        .map(LabelNeed::Lines)
}

/// What to do about an order's label, from its open lines and the connection's policy.
pub(super) enum LabelPlan {
    /// Nothing: no open own line needs a label, or the order is no longer to ship.
    Nothing,
    /// Buy one for this many lines.
    Buy(usize),
    /// Hand the order to the merchant (`manual`) with this reason.
    Hold(String),
}

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    /// What to do about the label of `order`, whose stored lines are `lines`.
    pub(super) fn label_plan(&self, order: &OrderRecord, lines: &[OrderLine]) -> LabelPlan {
        let to_ship = matches!(
            order.status,
            OrderStatus::NotShipped | OrderStatus::Waiting | OrderStatus::PendingShipment
        );
        if !to_ship || order.is_test {
            return LabelPlan::Nothing;
        }
        let marketplace = &self.settings.marketplace_label;
        match (label_need(order, lines), self.settings.labels) {
            (Ok(LabelNeed::None), _) => LabelPlan::Nothing,
            (Ok(LabelNeed::Mixed(ids)), _) => {
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                LabelPlan::Hold(format!(
                    "{}; the order also has lines for your own transport, and one parcel cannot \
                     carry both",
                    label_required_reason(marketplace, &ids, false)
                ))
            }
            (Ok(LabelNeed::Lines(lines)), LabelPolicy::Off) => {
                let ids: Vec<&str> = lines.iter().map(|l| l.line_id.as_str()).collect();
                LabelPlan::Hold(label_required_reason(marketplace, &ids, true))
            }
            (Ok(LabelNeed::Lines(lines)), LabelPolicy::Buy(_)) => LabelPlan::Buy(lines.len()),
            (Err(reason), _) => LabelPlan::Hold(format!(
                "the lines that must ship with a {marketplace} label cannot be read ({reason}): \
                 buy the label and ship the order in the {marketplace} seller dashboard"
            )),
        }
    }

    /// Adds `plan` to `transition` (which already guards the label step being `none`).
    pub(super) fn with_label_plan(
        &self,
        transition: Transition,
        order: &OrderRecord,
        plan: &LabelPlan,
    ) -> Transition {
        match plan {
            LabelPlan::Nothing => transition,
            LabelPlan::Buy(n_lines) => transition.set(Column::LabelStep, Step::Ready).event(
                EventKind::Info,
                format!(
                    "{n_lines} line(s) must ship with a {} label (Verzenden via bol): buying one",
                    self.settings.marketplace_label
                ),
            ),
            LabelPlan::Hold(reason) => transition
                .when(Column::Status, order.status)
                .set(Column::Status, OrderStatus::Manual)
                .set(Column::Error, reason.as_str())
                .event(EventKind::Error, reason.clone())
                .event(
                    EventKind::Status,
                    "handed over to the merchant (shipping label from the marketplace): manual",
                ),
        }
    }

    /// For an order about to ship whose label was never planned (state from before labels
    /// were bought), whose stored lines are `lines`: plans it now. Returns whether the order
    /// changed.
    pub(super) async fn plan_label(
        &self,
        order: &OrderRecord,
        lines: &[OrderLine],
    ) -> Result<bool, JobError> {
        if order.label.step != Step::None {
            return Ok(false);
        }
        let plan = self.label_plan(order, lines);
        if matches!(plan, LabelPlan::Nothing) {
            return Ok(false);
        }
        let transition = Transition::of(order.id).when(Column::LabelStep, Step::None);
        Ok(self
            .transition(order, self.with_label_plan(transition, order, &plan))
            .await?)
    }

    /// One label run (part of the create run, right after orders reach the webshop): buys the
    /// labels planned, stops on purchases with an unknown outcome, follows bought ones.
    ///
    /// # Errors
    ///
    /// On store failure; vendor failures are recorded on the orders.
    pub(super) async fn run_labels(&self) -> Result<JobReport, JobError> {
        let mut report = JobReport::default();
        let now = self.now_millis();
        let connection = &self.settings.connection;
        let limit = self.settings.batch_limit;
        let to_buy = self
            .store
            .orders_at_step(
                connection,
                Column::LabelStep,
                &[Step::Ready, Step::Requested],
                &TO_SHIP,
                now,
                limit,
            )
            .await?;
        for order in to_buy
            .iter()
            .filter(|o| o.cancel.step == Step::None && !o.is_test)
        {
            let progressed = match order.label.step {
                Step::Ready => self.buy_label(order).await?,
                _ => {
                    self.label_outcome_unknown(order, "the purchase was interrupted")
                        .await?
                }
            };
            if progressed {
                report.n_progressed += 1;
            }
        }
        // Read after buying, so a purchase made just now is followed in the same run.
        let pending = self
            .store
            .orders_at_step(
                connection,
                Column::LabelStep,
                &[Step::Pending],
                &TO_SHIP,
                self.now_millis(),
                limit,
            )
            .await?;
        report.n_progressed += self.follow_labels(&pending).await?;
        Ok(report)
    }

    async fn buy_label(&self, order: &OrderRecord) -> Result<bool, JobError> {
        let stored = self.store.lines(order.id).await?;
        let lines = match label_need(order, &stored) {
            Ok(LabelNeed::Lines(lines)) => lines,
            Ok(LabelNeed::None) => {
                return Ok(self
                    .transition(
                        order,
                        Transition::of(order.id)
                            .when(Column::LabelStep, Step::Ready)
                            .set(Column::LabelStep, Step::Skipped)
                            .event(EventKind::Info, "no line left that needs a label"),
                    )
                    .await?)
            }
            Ok(LabelNeed::Mixed(_)) | Err(_) => return self.hold_planned(order, &stored).await,
        };
        let LabelPolicy::Buy(choice) = self.settings.labels else {
            // Labels were switched off since it was planned.
            return self.hold_planned(order, &stored).await;
        };
        let offers = match self.marketplace.label_offers(&lines).await {
            Ok(offers) => offers,
            Err(error) if waits(&error) => {
                self.defer(order, "asking which labels the marketplace sells", &error)
                    .await?;
                return Ok(false);
            }
            Err(error) => {
                let reason = format!("the marketplace sells no label for it: {error}");
                return self.label_refused(order, Step::Ready, &reason).await;
            }
        };
        let Some(offer) = choice.pick(&offers) else {
            return self
                .label_refused(
                    order,
                    Step::Ready,
                    "the marketplace offers no label for these lines",
                )
                .await;
        };
        let intent = Transition::of(order.id)
            .when(Column::LabelStep, Step::Ready)
            .when(Column::CancelStep, Step::None)
            // Not once the merchant took it over (`manual`) while the options were read.
            .when(Column::Status, order.status)
            .set(Column::LabelStep, Step::Requested)
            .set(Column::LabelIntentAt, self.now_millis())
            .set(Column::LabelAttempts, order.label.attempts + 1)
            .event(
                EventKind::Call,
                format!(
                    "buying a label: {} ({}, {} {} excl. VAT{})",
                    offer.name,
                    offer.carrier.name(),
                    offer.price.currency(),
                    offer.price.to_decimal_string(),
                    offer
                        .latest_handover
                        .map(|at| format!(", hand over by {}", at.to_rfc3339()))
                        .unwrap_or_default()
                ),
            );
        if !self.transition(order, intent).await? {
            return Ok(false);
        }
        self.failpoint(Failpoint::LabelAfterIntent)?;
        self.hold_lease("buying a label").await?;
        let bought = self.marketplace.buy_label(&lines, &offer.offer_id).await;
        self.failpoint(Failpoint::LabelAfterCall)?;
        match bought {
            Ok(WriteOutcome::Pending(process)) => self.label_accepted(order, &process).await,
            Ok(WriteOutcome::Applied { entity_id }) => {
                match entity_id.as_deref().map(ShippingLabelId::parse) {
                    Some(Ok(label_id)) => self.label_sold_at_once(order, &label_id).await,
                    _ => {
                        self.label_outcome_unknown(
                            order,
                            "the marketplace sold a label without naming it",
                        )
                        .await
                    }
                }
            }
            // Refused before anything was bought (too many requests, credentials): try again.
            Err(error @ (ConnectorError::RateLimited { .. } | ConnectorError::Auth { .. })) => {
                self.transition(
                    order,
                    Transition::of(order.id)
                        .when(Column::LabelStep, Step::Requested)
                        .set(Column::LabelStep, Step::Ready)
                        .set(Column::RetryAt, self.retry_at())
                        .event(
                            EventKind::Error,
                            format!("buying a label failed, nothing bought, will retry: {error}"),
                        ),
                )
                .await?;
                Ok(false)
            }
            Err(
                error @ (ConnectorError::Transient { .. } | ConnectorError::InvalidPayload { .. }),
            ) => self.label_outcome_unknown(order, &error.to_string()).await,
            Err(error) => {
                self.label_refused(order, Step::Requested, &error.to_string())
                    .await
            }
        }
    }

    async fn label_accepted(
        &self,
        order: &OrderRecord,
        process: &Process,
    ) -> Result<bool, JobError> {
        let applied = self
            .transition(
                order,
                Transition::of(order.id)
                    .when(Column::LabelStep, Step::Requested)
                    .set(Column::LabelStep, Step::Pending)
                    .set(Column::LabelProcessId, process.id.as_str())
                    .set(Column::RetryAt, Option::<i64>::None)
                    .event(
                        EventKind::Info,
                        format!(
                            "the marketplace is buying the label (process {})",
                            process.id
                        ),
                    ),
            )
            .await?;
        Ok(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderbridge_core::domain::{Carrier, Currency, LabelOfferId, Money};

    fn offer(id: &str, cents: i64, recommended: bool) -> LabelOffer {
        LabelOffer {
            offer_id: LabelOfferId::parse(id).unwrap(),
            carrier: Carrier::PostNl,
            name: id.into(),
            kind: "PARCEL".into(),
            price: Money::from_cents(cents, Currency::parse("EUR").unwrap()).unwrap(),
            recommended,
            latest_handover: None,
        }
    }

    #[test]
    fn recommended_is_taken_and_cheapest_is_the_fallback() {
        let offers = [
            offer("a", 500, false),
            offer("b", 650, true),
            offer("c", 400, false),
        ];
        assert_eq!(LabelChoice::Recommended.pick(&offers).unwrap().name, "b");
        assert_eq!(LabelChoice::Cheapest.pick(&offers).unwrap().name, "c");
        let none_recommended = [offer("a", 500, false), offer("c", 400, false)];
        assert_eq!(
            LabelChoice::Recommended
                .pick(&none_recommended)
                .unwrap()
                .name,
            "c"
        );
        let tie = [offer("a", 400, false), offer("b", 400, true)];
        assert_eq!(LabelChoice::Cheapest.pick(&tie).unwrap().name, "b");
        assert!(LabelChoice::Cheapest.pick(&[]).is_none());
    }
}
