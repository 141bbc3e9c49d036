//! The error every connector call returns. Each variant tells the caller what to do next:
//! retry later ([`ConnectorError::Transient`], [`ConnectorError::RateLimited`]), fix credentials
//! ([`ConnectorError::Auth`]), or stop and show the vendor's reason ([`ConnectorError::Rejected`],
//! [`ConnectorError::InvalidPayload`]).

use std::time::Duration;

/// Result of a connector call.
pub type ConnectorResult<T> = Result<T, ConnectorError>;

/// What went wrong talking to a vendor API, phrased as what the caller should do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorError {
    /// Network failure, timeout or 5xx: the call may or may not have taken effect; retry later
    /// (after checking for an earlier effect when the call was a write).
    #[error("temporary failure: {message}")]
    Transient {
        /// What happened, without secrets.
        message: String,
    },
    /// The vendor answered 429; wait at least `retry_after` (when it said) before the next call.
    #[error("rate limited{}", retry_after.map(|d| format!(", retry after {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// The vendor's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// Credentials were refused (401/403 after a token refresh).
    #[error("authentication failed: {message}")]
    Auth {
        /// The vendor's reason, without secrets.
        message: String,
    },
    /// The vendor refused the request for good (4xx with a reason); retrying the same request
    /// will not help.
    #[error("rejected by {vendor}: {message}")]
    Rejected {
        /// Which API refused, e.g. `bol` or `woocommerce`.
        vendor: String,
        /// The vendor's own message (e.g. the `Problem.detail` of bol).
        message: String,
    },
    /// The thing asked for does not exist at the vendor (404, unknown SKU).
    #[error("not found: {what}")]
    NotFound {
        /// What was looked up, e.g. `SKU 123 in webshop`.
        what: String,
    },
    /// The vendor's answer could not be understood.
    #[error("invalid payload from {vendor} at {location}: {message}")]
    InvalidPayload {
        /// Which API sent it.
        vendor: String,
        /// Where in the answer (endpoint and field).
        location: String,
        /// What is wrong.
        message: String,
    },
}

impl ConnectorError {
    /// True when the same call may succeed later without any change by a person.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Transient { .. } | Self::RateLimited { .. })
    }
}
