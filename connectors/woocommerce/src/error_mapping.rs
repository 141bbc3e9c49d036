//! What WooCommerce's failed replies say: its error body (`{"code", "message", "data"}`) read
//! for the shared HTTP kit ([`orderbridge_http::Failure`] maps statuses, transport failures
//! and undecodable bodies the same way for every vendor). The code is kept on the failure:
//! a 404 `rest_no_route` means a plugin's route is missing, not an order.

use orderbridge_http::{Classify, VendorError};

use crate::wire::WooErrorBody;

/// Vendor name used in errors.
pub(crate) const VENDOR: &str = "woocommerce";

/// Reads WooCommerce's error bodies.
pub(crate) struct WooClassify;

impl Classify for WooClassify {
    fn vendor_error(&self, body: &[u8]) -> Option<VendorError> {
        let body: WooErrorBody = serde_json::from_slice(body).ok()?;
        Some(VendorError {
            code: Some(body.code),
            message: body.message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderbridge_core::ConnectorError;
    use orderbridge_http::Failure;
    use reqwest::header::{HeaderMap, HeaderValue, LOCATION};
    use reqwest::StatusCode;

    fn failure_from_status(
        endpoint: &str,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Failure {
        Failure::from_status(VENDOR, &WooClassify, endpoint, status, headers, body)
    }

    fn woo_error(code: &str, message: &str, status: u16) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "code": code, "message": message, "data": {"status": status}
        }))
        .unwrap()
    }

    #[test]
    fn statuses_map_to_what_the_caller_should_do() {
        let none = HeaderMap::new();
        let body = woo_error(
            "woocommerce_rest_cannot_view",
            "Sorry, you cannot list resources.",
            401,
        );
        let auth = failure_from_status("GET wc/v3/orders", StatusCode::UNAUTHORIZED, &none, &body);
        assert!(
            matches!(auth.error, ConnectorError::Auth { ref message } if message.contains("cannot list"))
        );

        let body = woo_error("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404);
        let missing =
            failure_from_status("GET wc/v3/orders/9", StatusCode::NOT_FOUND, &none, &body);
        assert!(matches!(missing.error, ConnectorError::NotFound { .. }));
        assert_eq!(
            missing.vendor_code.as_deref(),
            Some("woocommerce_rest_shop_order_invalid_id")
        );

        let body = woo_error("rest_invalid_param", "Invalid parameter(s): status", 400);
        let rejected =
            failure_from_status("POST wc/v3/orders", StatusCode::BAD_REQUEST, &none, &body);
        assert_eq!(
            rejected.error,
            ConnectorError::Rejected {
                vendor: "woocommerce".into(),
                message: "Invalid parameter(s): status (rest_invalid_param, POST wc/v3/orders)"
                    .into()
            }
        );
        assert!(!rejected.unsent);

        let mut redirect_headers = HeaderMap::new();
        redirect_headers.insert(
            LOCATION,
            HeaderValue::from_static("https://www.shop.nl/wp-json/"),
        );
        let moved = failure_from_status(
            "GET wc/v3/orders",
            StatusCode::MOVED_PERMANENTLY,
            &redirect_headers,
            b"",
        );
        assert!(
            matches!(moved.error, ConnectorError::Rejected { ref message, .. } if message.contains("https://www.shop.nl/wp-json/"))
        );
        // With query-string authentication the redirect carries the key pair along.
        redirect_headers.insert(
            LOCATION,
            HeaderValue::from_static(
                "https://www.shop.nl/wp-json/wc/v3/orders?per_page=100&consumer_key=ck_1&consumer_secret=cs_secret#x",
            ),
        );
        let moved = failure_from_status(
            "GET wc/v3/orders",
            StatusCode::MOVED_PERMANENTLY,
            &redirect_headers,
            b"",
        );
        let shown = format!("{} {:?}", moved.error, moved.error);
        assert!(
            shown.contains("https://www.shop.nl/wp-json/wc/v3/orders"),
            "{shown}"
        );
        assert!(
            !shown.contains("cs_secret") && !shown.contains("consumer_"),
            "{shown}"
        );

        let server = failure_from_status(
            "GET wc/v3/orders",
            StatusCode::BAD_GATEWAY,
            &none,
            b"<html>",
        );
        assert!(
            matches!(server.error, ConnectorError::Transient { ref message } if message.contains("HTTP 502"))
        );
    }
}
