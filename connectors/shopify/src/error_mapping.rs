//! What Shopify's refusals mean for the caller, in three places:
//!
//! - HTTP errors (read by the shared kit through [`ShopifyClassify`]): the body is
//!   `{"errors": "…"}` or `{"errors": [{"message": …}]}`. 401/403 are credentials; 402 (shop
//!   frozen: unpaid bill) and 423 (shop locked) are refusals the merchant must resolve with
//!   Shopify; a 404 from the GraphQL endpoint means the shop domain or the pinned API version
//!   is wrong — never that an order is gone, so it is a refusal, not "not found" (orders that
//!   do not exist come back as `null` in `data`).
//! - Top-level GraphQL `errors` in a 200 reply, by `extensions.code`: `THROTTLED` is handled
//!   by `envelope.rs`; `ACCESS_DENIED` is credentials (a missing scope);
//!   `INTERNAL_SERVER_ERROR` is temporary; anything else (a bad query, `MAX_COST_EXCEEDED`) is
//!   a refusal naming the messages.
//! - A mutation's `userErrors`: a refusal naming each field path and message (an `orderCreate`
//!   refused because our code is taken is read in `webshop.rs` first).

use orderbridge_core::ConnectorError;
use orderbridge_http::{Classify, VendorError};
use reqwest::StatusCode;
use serde_json::Value;

use crate::wire::UserError;

/// Vendor name used in errors.
pub(crate) const VENDOR: &str = "shopify";

/// Reads Shopify's HTTP error bodies.
pub(crate) struct ShopifyClassify;

/// The messages in an `errors` value: a string, a list of `{message}` or an object of lists.
pub(crate) fn error_messages(errors: &Value) -> Vec<String> {
    match errors {
        Value::String(text) => vec![text.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(text) => Some(text.clone()),
                other => other["message"].as_str().map(str::to_owned),
            })
            .collect(),
        Value::Object(fields) => fields
            .iter()
            .map(|(field, value)| format!("{field}: {}", error_messages(value).join(", ")))
            .collect(),
        _ => Vec::new(),
    }
}

impl Classify for ShopifyClassify {
    fn vendor_error(&self, body: &[u8]) -> Option<VendorError> {
        let body: Value = serde_json::from_slice(body).ok()?;
        let messages = error_messages(body.get("errors")?);
        (!messages.is_empty()).then(|| VendorError {
            code: None,
            message: messages.join("; "),
        })
    }

    fn special(
        &self,
        endpoint: &str,
        status: StatusCode,
        error: Option<&VendorError>,
    ) -> Option<ConnectorError> {
        let said = error.map_or_else(String::new, |e| format!(": {}", e.message));
        let token_endpoint = endpoint.contains("oauth/access_token");
        match status.as_u16() {
            // The token endpoint refuses a wrong client id or secret with 400.
            400 | 404 if token_endpoint => Some(ConnectorError::Auth {
                message: format!(
                    "{endpoint} refused the client credentials (HTTP {}){said}",
                    status.as_u16()
                ),
            }),
            402 => Some(rejected(format!(
                "the Shopify store is frozen (HTTP 402: its bill is unpaid); the merchant must \
                 settle it in the Shopify admin{said}"
            ))),
            423 => Some(rejected(format!(
                "the Shopify store is locked (HTTP 423); the merchant must contact Shopify \
                 support{said}"
            ))),
            404 => Some(rejected(format!(
                "{endpoint} answered 404: check shop_domain and that Shopify still supports API \
                 version {}{said}",
                crate::API_VERSION
            ))),
            _ => None,
        }
    }
}

/// The caller's reading of top-level GraphQL `errors` other than `THROTTLED`.
pub(crate) fn graphql_error(operation: &str, errors: &Value) -> ConnectorError {
    let codes: Vec<&str> = match errors {
        Value::Array(items) => items
            .iter()
            .filter_map(|e| e["extensions"]["code"].as_str())
            .collect(),
        _ => Vec::new(),
    };
    let messages = error_messages(errors).join("; ");
    let described = if codes.is_empty() {
        format!("{operation}: {messages}")
    } else {
        format!("{operation}: {messages} ({})", codes.join(", "))
    };
    if codes.contains(&"ACCESS_DENIED") {
        ConnectorError::Auth {
            message: format!("{described}; give the app the scopes listed in VENDOR.md"),
        }
    } else if codes.contains(&"INTERNAL_SERVER_ERROR") {
        ConnectorError::Transient { message: described }
    } else {
        rejected(described)
    }
}

/// A mutation's `userErrors` as a refusal naming each field and message.
pub(crate) fn user_errors(operation: &str, errors: &[UserError]) -> ConnectorError {
    rejected(format!("{operation} refused: {}", describe(errors)))
}

/// `userErrors` as text: each field path, message and code.
pub(crate) fn describe(errors: &[UserError]) -> String {
    let described: Vec<String> = errors
        .iter()
        .map(|e| {
            let field = e.field.as_ref().map(|path| path.join("."));
            match (field, &e.code) {
                (Some(field), Some(code)) => format!("{field}: {} ({code})", e.message),
                (Some(field), None) => format!("{field}: {}", e.message),
                (None, Some(code)) => format!("{} ({code})", e.message),
                (None, None) => e.message.clone(),
            }
        })
        .collect();
    described.join("; ")
}

/// A refusal of ours or Shopify's.
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
    use serde_json::json;

    fn read(endpoint: &str, status: u16, body: &str) -> Failure {
        Failure::from_status(
            VENDOR,
            &ShopifyClassify,
            endpoint,
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            body.as_bytes(),
        )
    }

    #[test]
    fn http_errors_say_what_to_do() {
        let gql = "POST graphql.json OrderbridgeOrder";
        let bad_token = read(
            gql,
            401,
            r#"{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}"#,
        );
        assert!(
            matches!(&bad_token.error, ConnectorError::Auth { message } if message.contains("Invalid API key"))
        );
        let frozen = read(gql, 402, r#"{"errors":"Unavailable Shop"}"#).error;
        assert!(
            matches!(&frozen, ConnectorError::Rejected { message, .. } if message.contains("frozen") && message.contains("Unavailable Shop"))
        );
        assert!(matches!(
            read(gql, 423, "").error,
            ConnectorError::Rejected { message, .. } if message.contains("locked")
        ));
        // A 404 of the endpoint is never "the order is gone".
        assert!(matches!(
            read(gql, 404, r#"{"errors":"Not Found"}"#).error,
            ConnectorError::Rejected { message, .. } if message.contains(crate::API_VERSION)
        ));
        assert!(matches!(
            read(
                "POST admin/oauth/access_token",
                400,
                r#"{"error":"invalid_client"}"#
            )
            .error,
            ConnectorError::Auth { .. }
        ));
        assert!(matches!(
            read(gql, 503, "<html>").error,
            ConnectorError::Transient { .. }
        ));
    }

    #[test]
    fn graphql_errors_by_code_and_user_errors_by_field() {
        let denied = json!([{"message": "Access denied for orders field.",
            "extensions": {"code": "ACCESS_DENIED"}}]);
        assert!(matches!(
            graphql_error("Q", &denied),
            ConnectorError::Auth { .. }
        ));
        let internal =
            json!([{"message": "Internal error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]);
        assert!(matches!(
            graphql_error("Q", &internal),
            ConnectorError::Transient { .. }
        ));
        let syntax = json!([{"message": "Field 'x' doesn't exist on type 'Order'"}]);
        assert!(matches!(
            graphql_error("Q", &syntax),
            ConnectorError::Rejected { message, .. } if message.contains("Field 'x'")
        ));
        let refused = user_errors(
            "orderCreate",
            &[UserError {
                field: Some(vec!["order".into(), "lineItems".into(), "0".into()]),
                message: "is invalid".into(),
                code: Some("INVALID".into()),
            }],
        );
        assert!(matches!(
            refused,
            ConnectorError::Rejected { message, .. }
                if message == "orderCreate refused: order.lineItems.0: is invalid (INVALID)"
        ));
        assert_eq!(
            error_messages(&json!({"order": ["is bad"]})),
            vec!["order: is bad".to_owned()]
        );
    }
}
