//! One logical call of the Retailer API as [`crate::BolClient`] sends it: method, endpoint
//! name (for rate budgets and errors), path, query, body, media type, and whether it may be
//! repeated after a failure of unknown effect ([`CallKind`]).

use orderbridge_core::ConnectorError;
use reqwest::Method;
use serde::Serialize;

use crate::budget::RateGroup;
use crate::wire::JSON_MEDIA_TYPE;
use crate::VENDOR;

/// Whether a call may be repeated after a failure whose effect is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// Has no effect (GET, bulk status POST, export request, delivery options): retried on
    /// temporary failures.
    Read,
    /// Changes something at bol: retried only when it provably had no effect.
    Write,
}

/// One logical API call: what to send and how it may be retried.
pub(crate) struct ApiCall {
    pub(crate) method: Method,
    /// Names the endpoint for rate-limit bookkeeping, e.g. `GET /retailer/orders/{order-id}`.
    pub(crate) endpoint: &'static str,
    /// The client-side rate budget the call draws from.
    pub(crate) group: RateGroup,
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) accept: &'static str,
    pub(crate) kind: CallKind,
}

impl ApiCall {
    /// A call of `endpoint` on the path made of `segments` (each percent-encoded as needed).
    pub(crate) fn new(
        method: Method,
        endpoint: &'static str,
        segments: &[&str],
        kind: CallKind,
    ) -> Self {
        Self {
            group: RateGroup::of(&method, endpoint),
            method,
            endpoint,
            segments: segments.iter().map(|s| (*s).to_owned()).collect(),
            query: Vec::new(),
            body: None,
            accept: JSON_MEDIA_TYPE,
            kind,
        }
    }

    /// Adds a query parameter.
    pub(crate) fn query(mut self, name: &'static str, value: impl ToString) -> Self {
        self.query.push((name, value.to_string()));
        self
    }

    /// Sets the JSON body.
    ///
    /// # Errors
    ///
    /// `Rejected` when the body cannot be serialised (it always can for the wire types).
    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self, ConnectorError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ConnectorError::Rejected {
            vendor: VENDOR.to_owned(),
            message: format!("cannot encode request body for {}: {e}", self.endpoint),
        })?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// Asks for another media type than v10 JSON (the CSV export, a PDF label).
    pub(crate) fn accept(mut self, media_type: &'static str) -> Self {
        self.accept = media_type;
        self
    }
}
