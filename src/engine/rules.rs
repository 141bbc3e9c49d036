//! Rules the jobs share: which failures wait for a later run, what status an order's steps mean, who started a cancellation, and
//! what a buyer's cancellation request covers.

use orderbridge_core::ConnectorError;

use crate::status::{OrderStatus, Step};
use crate::store::OrderRecord;

/// Whether a failed call is tried again later with the order as it is (temporary, rate
/// limited, or credentials the merchant is fixing) rather than stopping it for the merchant.
pub(super) fn waits(error: &ConnectorError) -> bool {
    error.is_retryable() || matches!(error, ConnectorError::Auth { .. })
}

/// What a buyer's cancellation request covers, judged on the open lines (`(requested, open)`
/// per line). Only a request for the whole order is carried out automatically: cancelling a
/// whole order for a request about one line would cancel what the buyer still wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuyerRequest {
    /// No open line is asked to be cancelled.
    None,
    /// Every open line is.
    WholeOrder,
    /// Some open lines are, others not.
    SomeLines,
}

impl BuyerRequest {
    /// Judges lines given as `(cancellation requested, has open items)`.
    pub fn of(lines: impl IntoIterator<Item = (bool, bool)>) -> Self {
        let (mut n_requested, mut n_open) = (0, 0);
        for (requested, open) in lines {
            if open {
                n_open += 1;
                if requested {
                    n_requested += 1;
                }
            }
        }
        match n_requested {
            0 => Self::None,
            n if n == n_open => Self::WholeOrder,
            _ => Self::SomeLines,
        }
    }
}

/// The note for a request about some lines only.
pub(super) const PARTIAL_REQUEST_NOTE: &str = "the buyer asked to cancel some lines of this \
    order; orderbridge only carries out requests for whole orders: cancel those lines in the \
    marketplace's seller dashboard, or ship them (which denies the request)";

/// Whether the merchant may cancel an order now: it is not shipped, no shipment was ever
/// sent for it (one whose answer was lost may have reached the marketplace, even with the
/// order back at `ready` in `error`), it is not being cancelled already, not handled by hand,
/// and its marketplace details are known (which lines are the merchant's own).
pub fn merchant_may_cancel(order: &OrderRecord) -> bool {
    matches!(
        order.status,
        OrderStatus::NotShipped | OrderStatus::Waiting | OrderStatus::Error
    ) && order.cancel.step == Step::None
        && matches!(order.ship.step, Step::None | Step::Ready)
        && order.ship.attempts == 0
        && order.details.is_some()
}

/// The status an order should show given its steps (used after a resend or a sync).
pub fn derived_status(order: &OrderRecord) -> OrderStatus {
    match order.cancel.step {
        Step::Done => return OrderStatus::Cancelled,
        Step::Ready | Step::Requested | Step::Pending => {
            return if matches!(
                order.cancel_origin,
                Some(CancelOrigin::Webshop | CancelOrigin::Merchant)
            ) {
                OrderStatus::PendingCancellation
            } else {
                OrderStatus::CancellationRequest
            };
        }
        Step::None | Step::Skipped => {}
    }
    match order.ship.step {
        Step::Done => OrderStatus::Shipped,
        Step::Pending | Step::Requested => OrderStatus::PendingShipment,
        Step::Ready => OrderStatus::NotShipped,
        Step::None | Step::Skipped if order.completed_at.is_some() => OrderStatus::Waiting,
        Step::None | Step::Skipped => OrderStatus::NotShipped,
    }
}

pub use crate::status::CancelOrigin;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_requests_for_every_open_line_are_whole_order_requests() {
        assert_eq!(
            BuyerRequest::of([(false, true), (false, true)]),
            BuyerRequest::None
        );
        assert_eq!(
            BuyerRequest::of([(true, true), (true, true)]),
            BuyerRequest::WholeOrder
        );
        assert_eq!(
            BuyerRequest::of([(true, true), (false, false)]),
            BuyerRequest::WholeOrder,
            "a line already shipped does not count"
        );
        assert_eq!(
            BuyerRequest::of([(true, true), (false, true)]),
            BuyerRequest::SomeLines
        );
        assert_eq!(
            BuyerRequest::of([(true, false)]),
            BuyerRequest::None,
            "a request on a line with nothing open"
        );
    }
}
