//! HTTP helpers of the simulator: the checks every API request passes after the fault gate
//! (bearer token, `Accept` and `Content-Type` media types), and answers in bol's shape (v10
//! JSON, `Problem` bodies, rate-limit headers).

use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{with_state, SharedState};
use crate::response::{RATE_LIMIT_REMAINING, RATE_LIMIT_RESET};
use crate::wire::{Problem, Violation, JSON_MEDIA_TYPE};

/// A v10 JSON answer.
pub(crate) fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(CONTENT_TYPE, JSON_MEDIA_TYPE)], bytes).into_response(),
        Err(e) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot encode answer: {e}"),
        ),
    }
}

/// Why the simulator refuses a request: small enough to pass around in a `Result`, turned
/// into bol's answer (`Problem` body, rate-limit headers) at the end.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// A `Problem` answer.
    Problem {
        status: StatusCode,
        detail: String,
        violations: Vec<Violation>,
    },
    /// A 429 answer.
    RateLimited { retry_after_secs: Option<u64> },
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Problem {
                status,
                detail,
                violations,
            } => {
                let mut body = Problem::new(
                    status.as_u16(),
                    status.canonical_reason().unwrap_or("Error"),
                    detail,
                );
                body.violations = violations;
                let bytes = serde_json::to_vec(&body).unwrap_or_default();
                (status, [(CONTENT_TYPE, JSON_MEDIA_TYPE)], bytes).into_response()
            }
            Refusal::RateLimited { retry_after_secs } => {
                let mut response = problem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many requests, retry later.",
                );
                if let Some(secs) = retry_after_secs {
                    let headers = response.headers_mut();
                    let value = HeaderValue::from(secs);
                    headers.insert(RETRY_AFTER, value.clone());
                    headers.insert(RATE_LIMIT_RESET, value);
                    headers.insert(RATE_LIMIT_REMAINING, HeaderValue::from(0u64));
                }
                response
            }
        }
    }
}

/// A refusal with `status` and `detail`.
pub(crate) fn refusal(status: StatusCode, detail: impl Into<String>) -> Refusal {
    Refusal::Problem {
        status,
        detail: detail.into(),
        violations: Vec::new(),
    }
}

/// A `Problem` answer with `status` and `detail`.
pub(crate) fn problem(status: StatusCode, detail: impl Into<String>) -> Response {
    refusal(status, detail).into_response()
}

/// A 400 refusal naming the offending field.
pub(crate) fn bad_request(field: &str, reason: impl Into<String>) -> Refusal {
    Refusal::Problem {
        status: StatusCode::BAD_REQUEST,
        detail: "Bad request".to_owned(),
        violations: vec![Violation {
            name: field.to_owned(),
            reason: reason.into(),
        }],
    }
}

fn accepts(headers: &HeaderMap, media_type: &str) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case(media_type)
        })
}

/// The check of every API request after the fault gate (`gate.rs`): bearer token, then
/// `Accept`.
pub(crate) fn admit(state: &SharedState, headers: &HeaderMap, accept: &str) -> Result<(), Refusal> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let authorized = token.is_some_and(|token| with_state(state, |s| s.token_is_valid(token)));
    if !authorized {
        return Err(refusal(
            StatusCode::UNAUTHORIZED,
            "Missing, invalid or expired access token.",
        ));
    }
    if !accepts(headers, accept) {
        return Err(refusal(
            StatusCode::NOT_ACCEPTABLE,
            format!("Accept header must be {accept}."),
        ));
    }
    Ok(())
}

/// Reads a v10 JSON body; `Err` is the 415 or 400 answer.
pub(crate) fn read_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Refusal> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .unwrap_or("");
    if !content_type.eq_ignore_ascii_case(JSON_MEDIA_TYPE) {
        return Err(refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Content-Type must be {JSON_MEDIA_TYPE}, got {content_type:?}."),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| bad_request(&e.path().to_string(), e.into_inner().to_string()))
}
