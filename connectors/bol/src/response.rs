//! What one HTTP exchange with the Retailer API came to: success, a refused token, a rate
//! limit, or a failure phrased as a [`ConnectorError`] from bol's `Problem` body. Also reads
//! the rate-limit headers (`Retry-After`, `x-ratelimit-remaining`, `x-ratelimit-reset`) and
//! decodes JSON answers with the path of the first bad field.

use std::time::Duration;

use chrono::Utc;
use orderbridge_core::retry::parse_retry_after;
use orderbridge_core::ConnectorError;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use orderbridge_http::RateHeaders;

use crate::wire::Problem;
use crate::VENDOR;

/// Header saying how many requests the current rate-limit window allows in all.
pub(crate) const RATE_LIMIT_LIMIT: &str = "x-ratelimit-limit";
/// Header saying how many requests are left in the current rate-limit window.
pub(crate) const RATE_LIMIT_REMAINING: &str = "x-ratelimit-remaining";
/// Header saying when the current rate-limit window ends (seconds from now, or a Unix time).
pub(crate) const RATE_LIMIT_RESET: &str = "x-ratelimit-reset";

/// Values above this are read as a Unix time rather than a number of seconds.
const UNIX_TIME_THRESHOLD: u64 = 1_000_000_000;

/// A 2xx answer as it came: its headers (a label names its track & trace code in one) and
/// its body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// The result of one attempt at a call.
pub(crate) enum Outcome {
    /// 2xx with this answer.
    Success(Answer),
    /// 401: the token was refused; the message says why.
    Unauthorized(String),
    /// 429, with how long bol asked to wait when it said.
    RateLimited(Option<Duration>),
    /// Anything else.
    Failed {
        /// The error to return when not retried.
        error: ConnectorError,
        /// True when bol provably did not act on the request (never sent), so even a write
        /// may be repeated.
        not_performed: bool,
    },
}

fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// The `x-ratelimit-reset` header as a wait from now.
fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
    let value: u64 = header_text(headers, RATE_LIMIT_RESET)?.parse().ok()?;
    if value < UNIX_TIME_THRESHOLD {
        return Some(Duration::from_secs(value));
    }
    let now = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
    Some(Duration::from_secs(value.saturating_sub(now)))
}

/// The three rate-limit headers of an answer, each when present and a number, as the HTTP
/// kit's adaptive budget takes them.
pub(crate) fn rate_headers(headers: &HeaderMap) -> RateHeaders {
    let number = |name: &str| header_text(headers, name)?.parse::<u32>().ok();
    RateHeaders {
        limit: number(RATE_LIMIT_LIMIT),
        remaining: number(RATE_LIMIT_REMAINING),
        reset: rate_limit_reset(headers),
    }
}

/// How long a 429 asks to wait: `Retry-After`, else `x-ratelimit-reset`.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    header_text(headers, RETRY_AFTER.as_str())
        .and_then(|v| parse_retry_after(v, Utc::now()))
        .or_else(|| rate_limit_reset(headers))
}

/// A short text for an error answer: the `Problem` summary when the body is one, else the
/// start of the body, else the status.
fn problem_text(status: StatusCode, body: &[u8]) -> String {
    if let Ok(problem) = serde_json::from_slice::<Problem>(body) {
        let summary = problem.summary();
        if !summary.trim().is_empty() {
            return summary;
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("no reason given")
            .to_owned()
    } else {
        text.chars().take(300).collect()
    }
}

/// Classifies an answer.
pub(crate) async fn classify(
    response: reqwest::Response,
    location: &str,
    timeout: Duration,
) -> Outcome {
    let status = response.status();
    let headers = response.headers().clone();
    let wait = retry_after(&headers);
    let body = match response.bytes().await {
        Ok(body) => body.to_vec(),
        Err(err) => return transport_failure(&err, location, timeout),
    };
    if status.is_success() {
        return Outcome::Success(Answer { headers, body });
    }
    let reason = problem_text(status, &body);
    let code = status.as_u16();
    let error = match status {
        StatusCode::UNAUTHORIZED => {
            return Outcome::Unauthorized(format!(
                "bol refused the access token for {location}: {reason}"
            ))
        }
        StatusCode::TOO_MANY_REQUESTS => return Outcome::RateLimited(wait),
        StatusCode::FORBIDDEN => ConnectorError::Auth {
            message: format!("bol forbids {location} for these credentials: {reason}"),
        },
        StatusCode::NOT_FOUND => ConnectorError::NotFound {
            what: format!("{location} at bol ({reason})"),
        },
        StatusCode::REQUEST_TIMEOUT => ConnectorError::Transient {
            message: format!("{location}: HTTP {code}: {reason}"),
        },
        s if s.is_server_error() => ConnectorError::Transient {
            message: format!("{location}: HTTP {code}: {reason}"),
        },
        _ => ConnectorError::Rejected {
            vendor: VENDOR.to_owned(),
            message: format!("{reason} ({location}, HTTP {code})"),
        },
    };
    Outcome::Failed {
        error,
        not_performed: false,
    }
}

/// Classifies a request that got no answer.
pub(crate) fn transport_failure(
    err: &reqwest::Error,
    location: &str,
    timeout: Duration,
) -> Outcome {
    let (message, not_performed) = if err.is_connect() {
        (
            format!("{location}: {}", describe_transport_error(err)),
            true,
        )
    } else if err.is_timeout() {
        (
            format!("{location}: timed out after {}s", timeout.as_secs()),
            false,
        )
    } else {
        (
            format!("{location}: {}", describe_transport_error(err)),
            false,
        )
    };
    Outcome::Failed {
        error: ConnectorError::Transient { message },
        not_performed,
    }
}

/// A reqwest error in words, without the URL (which the caller names already).
pub(crate) fn describe_transport_error(err: &reqwest::Error) -> String {
    let mut text = if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() {
        "cannot connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// An answer that could not be read.
#[derive(Debug)]
pub(crate) struct Unreadable {
    /// `InvalidPayload` naming the endpoint (and the JSON path when the JSON itself was fine).
    pub(crate) error: ConnectorError,
    /// True when the body is not even well-formed JSON (cut off, garbled, not UTF-8): most
    /// likely damaged on the way, so reading it again may help. False when it is JSON of the
    /// wrong shape, which asking again will not change.
    pub(crate) damaged: bool,
}

/// Decodes JSON, naming the endpoint and the JSON path of the first problem. An empty body
/// reads as `{}` (bol answers empty lists that way too).
///
/// # Errors
///
/// [`Unreadable`] with an `InvalidPayload` and whether the body looks damaged.
pub(crate) fn decode_json<T: DeserializeOwned>(
    body: &[u8],
    location: &str,
) -> Result<T, Unreadable> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let damaged = !matches!(e.inner().classify(), serde_json::error::Category::Data);
        let error = ConnectorError::InvalidPayload {
            vendor: VENDOR.to_owned(),
            location: if path == "." || damaged {
                location.to_owned()
            } else {
                format!("{location} field {path}")
            },
            message: e.into_inner().to_string(),
        };
        Unreadable { error, damaged }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn rate_headers_read_each_number_that_is_there() {
        let all = headers(&[
            (RATE_LIMIT_LIMIT, "25"),
            (RATE_LIMIT_REMAINING, "0"),
            (RATE_LIMIT_RESET, "3"),
        ]);
        let read = rate_headers(&all);
        assert_eq!(read.limit, Some(25));
        assert_eq!(read.remaining, Some(0));
        assert_eq!(read.reset, Some(Duration::from_secs(3)));
        let partial = rate_headers(&headers(&[(RATE_LIMIT_REMAINING, "x")]));
        assert_eq!(partial, RateHeaders::default());
    }

    #[test]
    fn retry_after_prefers_the_header_then_the_reset() {
        let both = headers(&[("retry-after", "7"), (RATE_LIMIT_RESET, "3")]);
        assert_eq!(retry_after(&both), Some(Duration::from_secs(7)));
        let reset = headers(&[(RATE_LIMIT_RESET, "3")]);
        assert_eq!(retry_after(&reset), Some(Duration::from_secs(3)));
        let unix = (Utc::now().timestamp() + 60).to_string();
        let at = retry_after(&headers(&[(RATE_LIMIT_RESET, &unix)])).unwrap();
        assert!(
            at <= Duration::from_secs(60) && at >= Duration::from_secs(58),
            "{at:?}"
        );
    }

    #[tokio::test]
    async fn refused_connection_is_transient_and_not_performed() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let err = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap_err();
        match transport_failure(&err, "GET /", Duration::from_secs(1)) {
            Outcome::Failed {
                error: ConnectorError::Transient { .. },
                not_performed,
            } => assert!(not_performed),
            _ => panic!("expected a transient failure"),
        }
    }

    #[test]
    fn problem_text_falls_back_to_body_and_status() {
        let problem = br#"{"type":"https://api.bol.com/problems","title":"Not Found","status":404,"detail":"Order 1 not found","violations":[]}"#;
        assert_eq!(
            problem_text(StatusCode::NOT_FOUND, problem),
            "Not Found: Order 1 not found"
        );
        assert_eq!(
            problem_text(StatusCode::BAD_GATEWAY, b"upstream down"),
            "upstream down"
        );
        assert_eq!(problem_text(StatusCode::BAD_GATEWAY, b""), "Bad Gateway");
    }

    #[test]
    fn decode_errors_name_endpoint_and_path() {
        let err = decode_json::<crate::wire::ReducedOrders>(
            br#"{"orders":[{"orderId":"1","orderPlacedDateTime":"x","orderItems":[{"orderItemId":5}]}]}"#,
            "GET /retailer/orders",
        )
        .unwrap_err();
        assert!(!err.damaged);
        match err.error {
            ConnectorError::InvalidPayload {
                location, message, ..
            } => {
                assert_eq!(
                    location,
                    "GET /retailer/orders field orders[0].orderItems[0].orderItemId"
                );
                assert!(message.contains("invalid type"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
        let empty: crate::wire::ReducedOrders = decode_json(b"", "GET /retailer/orders").unwrap();
        assert!(empty.orders.is_empty());
        let empty: crate::wire::ReducedOrders = decode_json(b"{}", "GET /retailer/orders").unwrap();
        assert!(empty.orders.is_empty());
    }

    #[test]
    fn cut_off_or_garbled_bodies_count_as_damaged() {
        let full = br#"{"orders":[{"orderId":"1","orderPlacedDateTime":"x","orderItems":[]}]}"#;
        let garbled: &[u8] = b"<html>Bad gateway</html>";
        let not_utf8: &[u8] = b"\xff\xfe";
        for body in [&full[..full.len() / 2], garbled, not_utf8] {
            let err = decode_json::<crate::wire::ReducedOrders>(body, "GET /retailer/orders")
                .unwrap_err();
            assert!(err.damaged, "{body:?}");
            assert!(
                matches!(&err.error, ConnectorError::InvalidPayload { location, .. } if location == "GET /retailer/orders"),
                "{:?}",
                err.error
            );
        }
    }
}
