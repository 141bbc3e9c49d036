//! The money check after a creation: the total the webshop calculated (taxes included) must be
//! what the buyer paid at the marketplace, to the cent. A difference is never silent.

use crate::store::Column;
use orderbridge_core::domain::MarketplaceOrder;
use orderbridge_core::domain::Money;
use orderbridge_core::{Marketplace, Webshop};

use super::{Engine, JobError};
use crate::status::{OrderStatus, Step};
use crate::store::{EventKind, OrderRecord, Transition};

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    /// Compares the total the webshop calculated with what the buyer paid. A difference is
    /// never silent: the order (which exists now) goes to `error` with both amounts, so the
    /// merchant corrects it in the webshop and resends it. A webshop that did not say its
    /// total is noted in the history.
    pub(super) async fn check_total(
        &self,
        order: &OrderRecord,
        paid: Option<Money>,
        webshop_total: Option<Money>,
    ) -> Result<(), JobError> {
        let mismatch = match (paid, webshop_total) {
            (Some(paid), Some(total)) if paid == total => return Ok(()),
            (Some(paid), Some(total)) => format!(
                "the webshop order totals {total} but the buyer paid {paid} at {}; correct the \
                 order in the webshop (tax settings, prices), then resend it",
                self.settings.marketplace_label
            ),
            _ => {
                self.note(
                    order,
                    EventKind::Info,
                    "the webshop did not say the created order's total; not checked",
                )
                .await?;
                return Ok(());
            }
        };
        let marked = self
            .transition(
                order,
                Transition::of(order.id)
                    .when(Column::CreateStep, Step::Done)
                    .when(Column::Status, OrderStatus::NotShipped)
                    .into_error(&mismatch),
            )
            .await?;
        if !marked {
            // The order moved on meanwhile (a cancellation, the merchant took over): the
            // difference still goes into its history.
            self.note(order, EventKind::Error, mismatch).await?;
        }
        Ok(())
    }
}

/// What the buyer paid for the lines the webshop order holds (the merchant's own lines), or
/// `None` when it cannot be added up.
pub(super) fn paid_for_own_lines(details: &MarketplaceOrder) -> Option<Money> {
    let mut totals = details
        .lines
        .iter()
        .filter(|line| !line.fulfilled_by_marketplace)
        .map(|line| line.paid_total().ok());
    let first = totals.next()??;
    totals.try_fold(first, |sum, line| sum.plus(line?).ok())
}
