//! A marketplace process of a shipment or cancellation that ended in `FAILURE`.
//!
//! bol's `FAILURE` is often transient: bol itself retries a downstream service that answers
//! unexpectedly "5 times every 5 minutes" and reports `FAILURE` when all of them failed
//! (<https://api.bol.com/retailer/public/Retailer-API/v4/functional/process-status.html>,
//! "Process overview"), and asks us to "use the explanation in the FAILURE error message to
//! adjust the request, if necessary" (<http://partnerplatform.bol.com/en/idp/api-process-status>).
//! So a failed process is not the end: the order is read again from the marketplace. Lines
//! already shipped (or cancelled) there are adopted; lines still open as we left them are sent
//! again after a backoff (5 minutes, doubled per failure), up to [`MAX_PROCESS_FAILURES`]
//! times, through the `requested` step, so the lookup before a second write still runs. Only
//! then, or when the order changed on the marketplace in a way we did not ask for, does it go
//! to `error` with the marketplace's message.

use orderbridge_core::domain::MarketplaceOrder;
use orderbridge_core::{ConnectorError, Marketplace, Webshop};

use super::lines::MarketplaceLines;
use super::{Engine, JobError};
use crate::store::{OrderLine, OrderRecord};

/// Failed processes of one shipment (or cancellation) sent again before the order goes to
/// `error`.
pub(super) const MAX_PROCESS_FAILURES: i64 = 4;

/// The wait before the first resend after a failed process: bol's own retry interval.
const FIRST_BACKOFF_MILLIS: i64 = 5 * 60 * 1000;

/// The wait before sending again after the `n_failed_before`-th earlier failure (0 for the
/// first): 5, 10, 20, 40 minutes.
pub(super) fn backoff_millis(n_failed_before: i64) -> i64 {
    FIRST_BACKOFF_MILLIS << n_failed_before.clamp(0, 16)
}

/// What the marketplace shows of the order's own lines after a failed process.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum OwnLinesNow {
    /// Every own line is shipped or cancelled: the step's work is done (by an earlier attempt
    /// or by the merchant in the seller dashboard).
    Done,
    /// Some own lines are still open and nothing was shipped that we do not know of: the
    /// request may be sent again.
    StillOpen,
    /// Something was shipped on the marketplace that our records do not show: sending the
    /// same request again would be wrong.
    ChangedElsewhere,
}

/// Compares the marketplace's order with the stored lines (only the merchant's own lines).
pub(super) fn own_lines_now(
    order: &OrderRecord,
    stored: &[OrderLine],
    details: &MarketplaceOrder,
) -> OwnLinesNow {
    let marketplace_lines = MarketplaceLines::of(order);
    let own: Vec<_> = details
        .lines
        .iter()
        .filter(|l| !l.fulfilled_by_marketplace && marketplace_lines.is_own(l.line_id.as_str()))
        .collect();
    if own
        .iter()
        .all(|l| l.quantity_shipped + l.quantity_cancelled >= l.quantity.get())
    {
        return OwnLinesNow::Done;
    }
    let shipped_elsewhere = own.iter().any(|line| {
        let known = stored
            .iter()
            .find(|s| s.line_id == line.line_id.as_str())
            .map_or(0, |s| s.quantity_shipped);
        i64::from(line.quantity_shipped) > known
    });
    if shipped_elsewhere {
        OwnLinesNow::ChangedElsewhere
    } else {
        OwnLinesNow::StillOpen
    }
}

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    /// Reads the order afresh after a failed process.
    pub(super) async fn reread_after_failure(
        &self,
        order: &OrderRecord,
    ) -> Result<MarketplaceOrder, ConnectorError> {
        self.marketplace.order(&order.marketplace_order_id).await
    }

    /// When the resend after `n_failed_before` failures is due (ms).
    pub(super) fn resend_at(&self, n_failed_before: i64) -> i64 {
        self.now_millis() + backoff_millis(n_failed_before)
    }

    /// Defers handling a failed process when the order could not be read again: the process
    /// stays failed at the marketplace and is read again next run.
    pub(super) async fn defer_failure(
        &self,
        order: &OrderRecord,
        error: &ConnectorError,
    ) -> Result<bool, JobError> {
        self.defer(
            order,
            "reading the order again after a failed process",
            error,
        )
        .await?;
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_five_minutes() {
        let minutes: Vec<i64> = (0..MAX_PROCESS_FAILURES)
            .map(|n| backoff_millis(n) / 60_000)
            .collect();
        assert_eq!(minutes, vec![5, 10, 20, 40]);
    }
}
