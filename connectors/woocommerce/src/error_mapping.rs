//! Turning what went wrong on the wire into [`ConnectorError`]: HTTP statuses with WooCommerce's
//! error body, transport failures from reqwest (time-outs, resets), and reply bodies that do
//! not decode. Each failure also says whether the request provably never reached the shop,
//! which decides whether a non-idempotent call may be sent again, and whether a 2xx body was
//! damaged (not JSON at all, or cut short) rather than JSON of an unexpected shape: a damaged
//! body may read fine next time, an unexpected shape will not.

use std::time::Duration;

use chrono::Utc;
use orderbridge_core::retry::parse_retry_after;
use orderbridge_core::ConnectorError;
use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::wire::WooErrorBody;

/// Vendor name used in errors.
pub(crate) const VENDOR: &str = "woocommerce";

/// One failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttemptFailure {
    /// What the caller should hear.
    pub error: ConnectorError,
    /// True when the request never left this machine (connection refused, DNS): safe to send
    /// again even when it is not idempotent. A 429 also counts: the shop refused to act.
    pub unsent: bool,
    /// WooCommerce's error `code`, when the reply had the usual error body.
    pub woo_code: Option<String>,
    /// The HTTP status, when there was a reply.
    pub status: Option<StatusCode>,
    /// True when a 2xx body was not JSON or ended early (a PHP notice in front of it, a cut
    /// connection): reading it again may work.
    pub damaged_body: bool,
}

/// Maps a non-2xx reply of `endpoint` (e.g. `GET wc/v3/orders/12`).
pub(crate) fn failure_from_status(
    endpoint: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> AttemptFailure {
    let woo_body: Option<WooErrorBody> = serde_json::from_slice(body).ok();
    let woo_code = woo_body.as_ref().map(|b| b.code.clone());
    let reason = match &woo_body {
        Some(b) => format!("{} ({})", b.message, b.code),
        None => format!("HTTP {}", status.as_u16()),
    };
    let mut unsent = false;
    let error = match status.as_u16() {
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
            vendor: VENDOR.to_owned(),
            message: format!(
                "{endpoint} was redirected (HTTP {}) to {}; set base_url to the shop's final \
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
            vendor: VENDOR.to_owned(),
            message: match &woo_body {
                Some(b) => format!("{} ({}, {endpoint})", b.message, b.code),
                None => format!("HTTP {} from {endpoint}", status.as_u16()),
            },
        },
    };
    AttemptFailure {
        error,
        unsent,
        woo_code,
        status: Some(status),
        damaged_body: false,
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, Utc::now())
}

/// Maps a transport failure (no HTTP status) of `endpoint`.
pub(crate) fn failure_from_transport(
    endpoint: &str,
    timeout: Duration,
    error: &reqwest::Error,
) -> AttemptFailure {
    // The caller passes the error without its URL: with `query_string` authentication the URL
    // holds the secret.
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
    AttemptFailure {
        error: ConnectorError::Transient { message },
        unsent,
        woo_code: None,
        status: None,
        damaged_body: false,
    }
}

/// A redirect target without its query and fragment: a redirect keeps the request's query,
/// which holds the key pair with `query_string` authentication (WordPress's
/// `redirect_canonical`, an http → https or www rule).
fn without_query(location: &str) -> &str {
    location.split(['?', '#']).next().unwrap_or(location)
}

fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Decodes the 2xx (`status`) body of `endpoint`.
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] naming the endpoint and the JSON path of the first bad
/// field, marked as [`AttemptFailure::damaged_body`] when the body is not JSON at all or ends
/// early.
pub(crate) fn decode_body<T: DeserializeOwned>(
    endpoint: &str,
    status: StatusCode,
    body: &[u8],
) -> Result<T, AttemptFailure> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let damaged = matches!(
            err.inner().classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        );
        AttemptFailure {
            error: ConnectorError::InvalidPayload {
                vendor: VENDOR.to_owned(),
                location: if path == "." {
                    endpoint.to_owned()
                } else {
                    format!("{endpoint} {path}")
                },
                message: err.into_inner().to_string(),
            },
            unsent: false,
            woo_code: None,
            status: Some(status),
            damaged_body: damaged,
        }
    })
}

/// A creating write the shop accepted (2xx) whose reply could not be read: the shop acted but
/// we do not know the result, so it is [`ConnectorError::Transient`] (look for the effect,
/// e.g. the order by its code, before trying again), never retried by the connector itself.
pub(crate) fn acted_but_unreadable(endpoint: &str, failure: AttemptFailure) -> AttemptFailure {
    let status = failure.status.map_or(0, |s| s.as_u16());
    AttemptFailure {
        error: ConnectorError::Transient {
            message: format!(
                "{endpoint} was accepted (HTTP {status}) but its reply could not be read, so \
                 the shop has probably acted: {}",
                failure.error
            ),
        },
        unsent: false,
        damaged_body: false,
        ..failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

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
            missing.woo_code.as_deref(),
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

    #[test]
    fn rate_limit_reads_retry_after_and_counts_as_unsent() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let limited = failure_from_status("GET x", StatusCode::TOO_MANY_REQUESTS, &headers, b"");
        assert_eq!(
            limited.error,
            ConnectorError::RateLimited {
                retry_after: Some(Duration::from_secs(7))
            }
        );
        assert!(limited.unsent);
    }

    #[test]
    fn damaged_bodies_are_told_apart_from_unexpected_shapes() {
        let garbage = decode_body::<Vec<u64>>("GET x", StatusCode::OK, b"<br />\n[1]");
        let truncated = decode_body::<Vec<u64>>("GET x", StatusCode::OK, b"[1, 2");
        let shape = decode_body::<Vec<u64>>("GET x", StatusCode::OK, br#"["a"]"#);
        assert!(garbage.unwrap_err().damaged_body);
        assert!(truncated.unwrap_err().damaged_body);
        let shape = shape.unwrap_err();
        assert!(!shape.damaged_body);
        assert!(matches!(shape.error, ConnectorError::InvalidPayload { .. }));

        let created = decode_body::<u64>("POST o", StatusCode::CREATED, b"{\"id\"");
        let ambiguous = acted_but_unreadable("POST o", created.unwrap_err());
        assert!(
            matches!(&ambiguous.error, ConnectorError::Transient { message }
                if message.contains("HTTP 201") && message.contains("POST o")),
            "{ambiguous:?}"
        );
        assert!(!ambiguous.unsent);
    }

    #[test]
    fn bad_json_names_endpoint_and_field() {
        #[derive(Debug, serde::Deserialize)]
        struct Order {
            #[allow(dead_code)]
            id: u64,
        }
        let err = decode_body::<Vec<Order>>(
            "GET wc/v3/orders",
            StatusCode::OK,
            br#"[{"id": 1}, {"id": "x"}]"#,
        )
        .unwrap_err()
        .error;
        match err {
            ConnectorError::InvalidPayload {
                vendor, location, ..
            } => {
                assert_eq!(vendor, "woocommerce");
                assert_eq!(location, "GET wc/v3/orders [1].id");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
