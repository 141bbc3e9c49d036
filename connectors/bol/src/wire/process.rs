//! Asynchronous process statuses (the shared API), bol's `Problem` error body and the OAuth2
//! token answer.

use serde::{Deserialize, Serialize};

use super::ProcessStatusValue;

/// Answer of the OAuth2 token endpoint (snake case, as OAuth2 names it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The bearer token.
    pub access_token: String,
    /// Always `Bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// Seconds the token stays valid.
    pub expires_in: u64,
    /// Granted scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// The state of an asynchronous process, as answered by every write and by
/// `GET /shared/process-status/{process-status-id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessStatus {
    /// The process id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_status_id: Option<String>,
    /// What the process is about (an order item id for shipments and cancellations, an offer
    /// id for stock, a report id for a finished offer export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// What kind of write (`CREATE_SHIPMENT`, `CANCEL_ORDER`, ...).
    pub event_type: String,
    /// Human description.
    #[serde(default)]
    pub description: String,
    /// Where it stands.
    pub status: ProcessStatusValue,
    /// Why it failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// ISO 8601 date-time the process was created.
    #[serde(default)]
    pub create_timestamp: String,
    /// Related actions.
    #[serde(default)]
    pub links: Vec<Link>,
}

/// The event types this connector creates and looks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// A shipment.
    CreateShipment,
    /// A cancellation of an order item.
    CancelOrder,
    /// A stock update of an offer.
    UpdateOfferStock,
    /// An offer export file.
    CreateOfferExport,
    /// A shipping label bought (its `entityId` names the label once it succeeded).
    CreateShippingLabel,
}

impl EventType {
    /// The event type as bol spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreateShipment => "CREATE_SHIPMENT",
            Self::CancelOrder => "CANCEL_ORDER",
            Self::UpdateOfferStock => "UPDATE_OFFER_STOCK",
            Self::CreateOfferExport => "CREATE_OFFER_EXPORT",
            Self::CreateShippingLabel => "CREATE_SHIPPING_LABEL",
        }
    }

    /// Reads an event type as bol spells it.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::CreateShipment,
            Self::CancelOrder,
            Self::UpdateOfferStock,
            Self::CreateOfferExport,
            Self::CreateShippingLabel,
        ]
        .into_iter()
        .find(|event| event.as_str() == raw)
    }
}

/// A hypermedia link of a process status.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Link {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hreflang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub link_type: Option<String>,
}

/// Answer of the process-status list endpoints (by entity, bulk).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessStatusResponse {
    /// The processes.
    #[serde(default)]
    pub process_statuses: Vec<ProcessStatus>,
}

/// Body of `POST /shared/process-status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkProcessStatusRequest {
    /// The ids asked for (1 to 1000).
    pub process_status_queries: Vec<ProcessStatusId>,
}

/// One id of a bulk process-status request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessStatusId {
    /// The process id.
    pub process_status_id: String,
}

/// bol's error body (RFC 7807 style).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// Problem type URI.
    #[serde(rename = "type", default)]
    pub problem_type: String,
    /// Short title.
    #[serde(default)]
    pub title: String,
    /// HTTP status.
    #[serde(default)]
    pub status: u16,
    /// What went wrong, in detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Server instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Field-level validation errors.
    #[serde(default)]
    pub violations: Vec<Violation>,
}

/// A field-level validation error in a [`Problem`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// The field or parameter.
    pub name: String,
    /// What is wrong with it.
    pub reason: String,
}

impl Problem {
    /// The problem type URI bol uses for all problems.
    pub const TYPE: &'static str = "https://api.bol.com/problems";

    /// A problem with only a title, status and detail.
    pub fn new(status: u16, title: &str, detail: impl Into<String>) -> Self {
        Self {
            problem_type: Self::TYPE.to_owned(),
            title: title.to_owned(),
            status,
            detail: Some(detail.into()),
            ..Self::default()
        }
    }

    /// One line for an error message: the detail (or title) and every violation.
    pub fn summary(&self) -> String {
        let mut text = match self.detail.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(detail) if !self.title.is_empty() && detail != self.title => {
                format!("{}: {detail}", self.title)
            }
            Some(detail) => detail.to_owned(),
            None => self.title.clone(),
        };
        for violation in &self.violations {
            text.push_str(&format!("; {}: {}", violation.name, violation.reason));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_summary_names_detail_and_violations() {
        let problem: Problem = serde_json::from_value(serde_json::json!({
            "type": "https://api.bol.com/problems",
            "title": "Error validating request",
            "status": 400,
            "detail": "Bad request",
            "violations": [{ "name": "orderItems[0].orderItemId", "reason": "Unknown order item" }]
        }))
        .unwrap();
        assert_eq!(
            problem.summary(),
            "Error validating request: Bad request; orderItems[0].orderItemId: Unknown order item"
        );
    }

    #[test]
    fn empty_process_status_list_reads_as_empty() {
        let answer: ProcessStatusResponse = serde_json::from_str("{}").unwrap();
        assert!(answer.process_statuses.is_empty());
        assert_eq!(
            EventType::parse("CANCEL_ORDER"),
            Some(EventType::CancelOrder)
        );
        assert_eq!(
            EventType::parse("CREATE_SHIPPING_LABEL"),
            Some(EventType::CreateShippingLabel)
        );
        assert_eq!(EventType::parse("CONFIRM_SHIPMENT"), None);
    }
}
