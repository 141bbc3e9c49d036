//! The statuses a merchant sees on an order and a batch, exactly as PRODUCT.md names them,
//! and the internal steps that drive each job.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The status of an order as the merchant sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Imported; not yet shipped (being created in the webshop, or open there).
    NotShipped,
    /// Completed in the webshop without a T&T code; waiting for one until the wait ends.
    Waiting,
    /// Shipment sent to the marketplace; it is processing it.
    PendingShipment,
    /// Shipment confirmed by the marketplace.
    Shipped,
    /// The buyer asked to cancel; being carried out.
    CancellationRequest,
    /// Cancelled in the webshop; the marketplace is processing the cancellation.
    PendingCancellation,
    /// Cancelled on both sides.
    Cancelled,
    /// The merchant handles it by hand; the daemon no longer touches it.
    Manual,
    /// Stopped on an error that needs the merchant (the reason is stored with it).
    Error,
}

impl OrderStatus {
    /// Every status, in the order a merchant reads them.
    pub const ALL: [OrderStatus; 9] = [
        Self::NotShipped,
        Self::Waiting,
        Self::PendingShipment,
        Self::Shipped,
        Self::CancellationRequest,
        Self::PendingCancellation,
        Self::Cancelled,
        Self::Manual,
        Self::Error,
    ];

    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotShipped => "not_shipped",
            Self::Waiting => "waiting",
            Self::PendingShipment => "pending_shipment",
            Self::Shipped => "shipped",
            Self::CancellationRequest => "cancellation_request",
            Self::PendingCancellation => "pending_cancellation",
            Self::Cancelled => "cancelled",
            Self::Manual => "manual",
            Self::Error => "error",
        }
    }

    /// Whether the daemon is done with an order in this status.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Shipped | Self::Cancelled | Self::Manual)
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name that is not one of [`OrderStatus::ALL`].
#[derive(Debug, thiserror::Error)]
#[error("unknown order status {0:?} (expected one of not_shipped, waiting, pending_shipment, shipped, cancellation_request, pending_cancellation, cancelled, manual, error)")]
pub struct UnknownStatus(pub String);

impl FromStr for OrderStatus {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, UnknownStatus> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// The status of a batch, derived from its orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// Some orders are still being created in the webshop.
    Processing,
    /// Some order failed to be created.
    Failed,
    /// Every order is in the webshop (or was cancelled before it got there, or is handled by
    /// hand).
    Completed,
}

impl BatchStatus {
    /// The name shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Processing => "processing",
            Self::Failed => "failed",
            Self::Completed => "completed",
        }
    }
}

impl fmt::Display for BatchStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Progress of one external effect (webshop creation, shipment, cancellation). The intent is
/// committed (`Requested`) before the call; a retry from `Requested` first looks for what the
/// earlier attempt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Nothing to do (yet).
    None,
    /// To be done.
    Ready,
    /// Intent committed; a call may or may not have happened.
    Requested,
    /// The call was accepted; waiting for the vendor's process.
    Pending,
    /// Done.
    Done,
    /// Not needed any more (e.g. creation of an order cancelled before it reached the webshop).
    Skipped,
}

impl Step {
    /// The name stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Ready => "ready",
            Self::Requested => "requested",
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Skipped => "skipped",
        }
    }

    /// Reads a stored step; unknown text reads as `None` after a warning-worthy corruption.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::None,
            Self::Ready,
            Self::Requested,
            Self::Pending,
            Self::Done,
            Self::Skipped,
        ]
        .into_iter()
        .find(|step| step.as_str() == s)
    }
}

/// Who started a cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOrigin {
    /// The buyer asked; the webshop order is cancelled and the request confirmed.
    BuyerRequest,
    /// The marketplace cancelled; only the webshop order is cancelled.
    Marketplace,
    /// The merchant cancelled in the webshop; the marketplace is told.
    Webshop,
    /// The merchant cancelled on orderbridge's dashboard or CLI (cannot deliver): the webshop
    /// order is cancelled (or never created) and the marketplace told, reason out of stock.
    Merchant,
}

impl CancelOrigin {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BuyerRequest => "buyer_request",
            Self::Marketplace => "marketplace",
            Self::Webshop => "webshop",
            Self::Merchant => "merchant",
        }
    }

    /// The origin of a stored name.
    pub fn parse(s: Option<&str>) -> Option<Self> {
        match s? {
            "buyer_request" => Some(Self::BuyerRequest),
            "marketplace" => Some(Self::Marketplace),
            "webshop" => Some(Self::Webshop),
            "merchant" => Some(Self::Merchant),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_by_name() {
        for status in OrderStatus::ALL {
            assert_eq!(status.as_str().parse::<OrderStatus>().unwrap(), status);
        }
        assert!("shipping".parse::<OrderStatus>().is_err());
        assert_eq!(Step::parse("requested"), Some(Step::Requested));
        assert_eq!(Step::parse("bogus"), None);
    }
}
