//! Domain types shared by the daemon and every connector. Each newtype parses its input once
//! in a fallible constructor and is valid from then on (no setters, private fields).

mod address;
mod ids;
mod money;
mod order;
mod product;
mod quantity;
mod tracking;

pub use address::{Address, AddressFields, CountryCode};
pub use ids::{
    LabelOfferId, MarketplaceOrderId, OfferId, OrderCode, OrderLineId, ProcessId, ShippingLabelId,
    WebshopOrderId,
};
pub use money::{Currency, Money};
pub use order::{Discount, MarketplaceOrder, MarketplaceOrderLine, OpenOrder, OpenOrderLine};
pub use product::{Ean, Sku};
pub use quantity::Quantity;
pub use tracking::{Carrier, TrackingCode};

/// Why a value could not become a domain type: which type and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind}: {reason}")]
pub struct DomainError {
    /// The domain type, e.g. `EAN`.
    pub kind: &'static str,
    /// What is wrong with the input.
    pub reason: String,
}

impl DomainError {
    pub(crate) fn new(kind: &'static str, reason: impl Into<String>) -> Self {
        Self {
            kind,
            reason: reason.into(),
        }
    }
}

/// Checks an identifier-like string: trimmed, non-empty, at most `max_len` characters and free
/// of control characters. Returns the trimmed string.
pub(crate) fn parse_identifier(
    kind: &'static str,
    raw: &str,
    max_len: usize,
) -> Result<String, DomainError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(DomainError::new(kind, "is empty"));
    }
    if trimmed.chars().count() > max_len {
        return Err(DomainError::new(
            kind,
            format!("is longer than {max_len} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(DomainError::new(kind, "contains control characters"));
    }
    Ok(trimmed.to_owned())
}
