//! One failed attempt: the [`ConnectorError`] the caller hears plus what the retry rule needs
//! to know — whether the request provably never reached the vendor (so even a creating write
//! may be sent again) and whether a 2xx body was damaged (not JSON at all, or cut short: it may
//! read fine next time) rather than JSON of an unexpected shape (it will not).
//!
//! Statuses map the same way for every vendor: 401/403 auth, 404/410 not found, 429 rate
//! limited (never acted, `Retry-After` read), 3xx a redirect to fix in the configuration,
//! 408/5xx transient, any other 4xx rejected. A vendor's [`Classify`] reads its error body and
//! may read a status differently first (bol's 404 for an order it never had is still "not
//! found", but Medusa's 400 `not_allowed` on an order already cancelled is its own answer).

use std::time::Duration;

use chrono::Utc;
use orderbridge_core::retry::parse_retry_after;
use orderbridge_core::ConnectorError;
use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::StatusCode;

use crate::redact::without_query;
use crate::RateHeaders;

/// A vendor's error body, read by its [`Classify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorError {
    /// The vendor's error code (`woocommerce_rest_shop_order_invalid_id`, `not_allowed`).
    pub code: Option<String>,
    /// The vendor's message for people.
    pub message: String,
}

/// How one vendor's replies are read: its error bodies, the statuses it means differently, and
/// the rate budget its answers tell.
pub trait Classify: Send + Sync {
    /// The vendor's error body in `body`, when it has the vendor's usual shape.
    fn vendor_error(&self, body: &[u8]) -> Option<VendorError>;

    /// A reading of a non-2xx reply that differs from the common one, when this vendor has
    /// one for it.
    fn special(
        &self,
        _endpoint: &str,
        _status: StatusCode,
        _error: Option<&VendorError>,
    ) -> Option<ConnectorError> {
        None
    }

    /// What the headers of an answer (any status) say about its endpoint's rate budget, for
    /// a vendor that tells it (bol's `x-ratelimit-limit`/`-remaining`/`-reset`). The kit then
    /// keeps each endpoint within what the vendor allows ([`crate::AdaptiveBudget`]) instead
    /// of the configured budget. `None`: the vendor tells nothing.
    fn rate_headers(&self, _headers: &HeaderMap) -> Option<RateHeaders> {
        None
    }
}

/// A vendor whose error bodies carry nothing worth reading.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainClassify;

impl Classify for PlainClassify {
    fn vendor_error(&self, _body: &[u8]) -> Option<VendorError> {
        None
    }
}

/// One failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What the caller should hear.
    pub error: ConnectorError,
    /// True when the request never reached the vendor (connection refused, DNS) or the vendor
    /// refused to act (429): safe to send again even when it is not idempotent.
    pub unsent: bool,
    /// The HTTP status, when there was a reply.
    pub status: Option<StatusCode>,
    /// The vendor's error code, when the reply had the vendor's error body.
    pub vendor_code: Option<String>,
    /// True when a 2xx body was not JSON or ended early: reading it again may work.
    pub damaged_body: bool,
}

impl Failure {
    /// A failure of our own making before anything was sent (a bad path, a body that cannot
    /// be encoded).
    pub fn unsent(error: ConnectorError) -> Self {
        Self {
            error,
            unsent: true,
            status: None,
            vendor_code: None,
            damaged_body: false,
        }
    }

    /// Reads a non-2xx reply of `endpoint` (e.g. `GET wc/v3/orders/12`).
    pub fn from_status(
        vendor: &str,
        classify: &dyn Classify,
        endpoint: &str,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Self {
        let vendor_error = classify.vendor_error(body);
        let vendor_code = vendor_error.as_ref().and_then(|e| e.code.clone());
        let reason = match &vendor_error {
            Some(VendorError {
                code: Some(code),
                message,
            }) => format!("{message} ({code})"),
            Some(VendorError {
                code: None,
                message,
            }) => message.clone(),
            None => format!("HTTP {}", status.as_u16()),
        };
        let mut unsent = false;
        let special = classify.special(endpoint, status, vendor_error.as_ref());
        let error = special.unwrap_or_else(|| match status.as_u16() {
            401 | 403 => ConnectorError::Auth {
                message: format!("{endpoint}: {reason}"),
            },
            404 | 410 => ConnectorError::NotFound {
                what: format!("{endpoint}: {reason}"),
            },
            429 => {
                unsent = true;
                ConnectorError::RateLimited {
                    retry_after: retry_after(headers),
                }
            }
            300..=399 => ConnectorError::Rejected {
                vendor: vendor.to_owned(),
                message: format!(
                    "{endpoint} was redirected (HTTP {}) to {}; set base_url to the final \
                     address (https, with or without www as the site uses)",
                    status.as_u16(),
                    headers
                        .get(LOCATION)
                        .and_then(|l| l.to_str().ok())
                        .map_or("an unnamed location", without_query)
                ),
            },
            408 | 500..=599 => ConnectorError::Transient {
                message: format!("HTTP {} from {endpoint}: {reason}", status.as_u16()),
            },
            _ => ConnectorError::Rejected {
                vendor: vendor.to_owned(),
                message: match &vendor_error {
                    Some(VendorError {
                        code: Some(code),
                        message,
                    }) => format!("{message} ({code}, {endpoint})"),
                    Some(VendorError {
                        code: None,
                        message,
                    }) => format!("{message} ({endpoint})"),
                    None => format!("HTTP {} from {endpoint}", status.as_u16()),
                },
            },
        });
        Self {
            error,
            unsent,
            status: Some(status),
            vendor_code,
            damaged_body: false,
        }
    }

    /// Reads a transport failure (no HTTP status) of `endpoint`. Pass the error without its
    /// URL (`reqwest::Error::without_url`) when the URL may hold a secret.
    pub fn from_transport(endpoint: &str, timeout: Duration, error: &reqwest::Error) -> Self {
        let detail = error_chain(error);
        let (message, unsent) = if error.is_connect() {
            (format!("cannot connect for {endpoint}: {detail}"), true)
        } else if error.is_timeout() {
            (
                format!(
                    "timeout after {}s waiting for {endpoint}",
                    timeout.as_secs()
                ),
                false,
            )
        } else {
            (format!("{endpoint} failed: {detail}"), false)
        };
        Self {
            error: ConnectorError::Transient { message },
            unsent,
            status: None,
            vendor_code: None,
            damaged_body: false,
        }
    }
}

/// The wait a `Retry-After` header asks for (delay seconds or an HTTP date).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, Utc::now())
}

/// An error with its causes, `a: b: c` (reqwest's own text stops at the outermost one).
pub(crate) fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    /// `{"type": …, "message": …}` bodies, as Medusa sends them.
    struct TypeMessage;

    impl Classify for TypeMessage {
        fn vendor_error(&self, body: &[u8]) -> Option<VendorError> {
            let value: serde_json::Value = serde_json::from_slice(body).ok()?;
            Some(VendorError {
                code: value["type"].as_str().map(str::to_owned),
                message: value["message"].as_str()?.to_owned(),
            })
        }

        fn special(
            &self,
            _endpoint: &str,
            status: StatusCode,
            error: Option<&VendorError>,
        ) -> Option<ConnectorError> {
            (status == StatusCode::BAD_REQUEST
                && error.and_then(|e| e.code.as_deref()) == Some("not_found"))
            .then(|| ConnectorError::NotFound {
                what: "special".into(),
            })
        }
    }

    fn read(status: u16, headers: &HeaderMap, body: &[u8]) -> Failure {
        Failure::from_status(
            "shop",
            &TypeMessage,
            "GET orders",
            StatusCode::from_u16(status).unwrap(),
            headers,
            body,
        )
    }

    #[test]
    fn statuses_map_to_what_the_caller_should_do() {
        let none = HeaderMap::new();
        let body = br#"{"type": "unauthorized", "message": "Unauthorized"}"#;
        assert!(
            matches!(read(401, &none, body).error, ConnectorError::Auth { ref message }
            if message == "GET orders: Unauthorized (unauthorized)")
        );
        assert!(matches!(
            read(404, &none, b"").error,
            ConnectorError::NotFound { .. }
        ));
        let invalid = read(
            400,
            &none,
            br#"{"type": "invalid_data", "message": "email is required"}"#,
        );
        assert_eq!(
            invalid.error,
            ConnectorError::Rejected {
                vendor: "shop".into(),
                message: "email is required (invalid_data, GET orders)".into()
            }
        );
        assert_eq!(invalid.vendor_code.as_deref(), Some("invalid_data"));
        assert!(!invalid.unsent);
        assert!(matches!(
            read(502, &none, b"<html>").error,
            ConnectorError::Transient { ref message } if message.contains("HTTP 502")
        ));
        // The vendor's own reading comes first.
        assert!(matches!(
            read(400, &none, br#"{"type": "not_found", "message": "x"}"#).error,
            ConnectorError::NotFound { ref what } if what == "special"
        ));
    }

    #[test]
    fn rate_limits_read_retry_after_and_count_as_unsent() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let limited = read(429, &headers, b"");
        assert_eq!(
            limited.error,
            ConnectorError::RateLimited {
                retry_after: Some(Duration::from_secs(7))
            }
        );
        assert!(limited.unsent);
    }

    #[test]
    fn redirects_name_their_target_without_its_query() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LOCATION,
            HeaderValue::from_static("https://www.shop.nl/api/orders?key=secret#x"),
        );
        let moved = read(301, &headers, b"");
        let shown = format!("{} {:?}", moved.error, moved.error);
        assert!(shown.contains("https://www.shop.nl/api/orders"), "{shown}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
