//! What Magento's failed replies say: `{"message": "…", "parameters": …}` read for the shared
//! HTTP kit, with the message's placeholders filled in. Magento's webapi renders a
//! `LocalizedException` as its phrase text with the arguments apart
//! (`Magento\Framework\Webapi\ErrorProcessor::maskException`, `Rest\Response::prepareResponse`):
//! `%1`, `%2` … for positional arguments (`parameters` is a list) and `%name` for named ones
//! (`parameters` is an object), e.g. 401 `"The consumer isn't authorized to access
//! %resources."` with `{"resources": "Magento_Sales::actions_view"}`. Statuses follow the
//! exception class: `AuthorizationException` 401, `NoSuchEntityException` 404,
//! `InputException`/`LocalizedException` 400, anything else 500 ("Internal Error. Details are
//! available in Magento log file. Report ID: …") — the kit's common reading fits all of them.

use orderbridge_core::ConnectorError;
use orderbridge_http::{Classify, VendorError};

use crate::wire::MagentoErrorBody;

/// Vendor name used in errors.
pub(crate) const VENDOR: &str = "magento";

/// Reads Magento's error bodies.
pub(crate) struct MagentoClassify;

impl Classify for MagentoClassify {
    fn vendor_error(&self, body: &[u8]) -> Option<VendorError> {
        let body: MagentoErrorBody = serde_json::from_slice(body).ok()?;
        Some(VendorError {
            code: None,
            message: fill_placeholders(&body.message, body.parameters.as_ref()),
        })
    }
}

/// Magento's message with its `%1` / `%name` placeholders replaced by `parameters`.
pub(crate) fn fill_placeholders(message: &str, parameters: Option<&serde_json::Value>) -> String {
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut named: Vec<(String, String)> = match parameters {
        Some(serde_json::Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(idx, value)| (format!("%{}", idx + 1), text(value)))
            .collect(),
        Some(serde_json::Value::Object(map)) => map
            .iter()
            .map(|(name, value)| (format!("%{name}"), text(value)))
            .collect(),
        _ => Vec::new(),
    };
    // Longest first, so `%10` is not read as `%1` followed by `0`.
    named.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    let mut filled = message.to_owned();
    for (name, value) in named {
        filled = filled.replace(&name, &value);
    }
    filled
}

/// A refusal of ours, before anything is sent.
pub(crate) fn rejected(message: impl Into<String>) -> ConnectorError {
    ConnectorError::Rejected {
        vendor: VENDOR.to_owned(),
        message: message.into(),
    }
}

/// An answer we cannot read, at `location`.
pub(crate) fn invalid(location: impl Into<String>, message: impl Into<String>) -> ConnectorError {
    ConnectorError::InvalidPayload {
        vendor: VENDOR.to_owned(),
        location: location.into(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderbridge_http::Failure;
    use reqwest::header::HeaderMap;
    use reqwest::StatusCode;

    fn read(status: u16, body: &str) -> Failure {
        Failure::from_status(
            VENDOR,
            &MagentoClassify,
            "POST guest-carts/{id}/items",
            StatusCode::from_u16(status).expect("a valid test status"),
            &HeaderMap::new(),
            body.as_bytes(),
        )
    }

    #[test]
    fn placeholders_are_filled_positionally_and_by_name() {
        assert_eq!(
            fill_placeholders(
                "No such entity with %fieldName = %fieldValue",
                Some(&serde_json::json!({"fieldName": "cartId", "fieldValue": "abc"}))
            ),
            "No such entity with cartId = abc"
        );
        assert_eq!(
            fill_placeholders(
                "Carrier with such method not found: %1, %2",
                Some(&serde_json::json!(["flatrate", 5]))
            ),
            "Carrier with such method not found: flatrate, 5"
        );
        assert_eq!(fill_placeholders("plain", None), "plain");
    }

    #[test]
    fn statuses_become_what_the_caller_should_do() {
        let auth = read(
            401,
            r#"{"message":"The consumer isn't authorized to access %resources.","parameters":{"resources":"Magento_Sales::actions_view"}}"#,
        );
        assert!(
            matches!(&auth.error, ConnectorError::Auth { message }
                if message.contains("access Magento_Sales::actions_view.")),
            "{auth:?}"
        );
        let missing = read(
            404,
            r#"{"message":"The product that was requested doesn't exist. Verify the product and try again."}"#,
        );
        assert!(matches!(missing.error, ConnectorError::NotFound { .. }));
        let invalid = read(
            400,
            r#"{"message":"The shipping method is missing. Select the shipping method and try again."}"#,
        );
        assert!(
            matches!(&invalid.error, ConnectorError::Rejected { message, .. }
                if message.starts_with("The shipping method is missing")),
            "{invalid:?}"
        );
        let internal = read(
            500,
            r#"{"message":"Internal Error. Details are available in Magento log file. Report ID: webapi-1"}"#,
        );
        assert!(matches!(internal.error, ConnectorError::Transient { .. }));
    }
}
