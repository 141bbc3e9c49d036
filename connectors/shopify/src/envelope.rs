//! Reading one GraphQL reply. Shopify answers GraphQL-level failures with HTTP 200: the body
//! holds `errors` next to (or instead of) `data`, and `extensions.cost` reports the cost bucket.
//! This is the decoder the shared kit runs on every 2xx body:
//!
//! - the bucket is updated from `extensions.cost` (also on errors: a throttled reply reports
//!   it too);
//! - `THROTTLED` is a rate limit: nothing ran. For a read it is a
//!   [`ConnectorError::RateLimited`] failure marked `unsent` with the wait the restore rate
//!   implies, so the kit waits and sends it again. For a creating write the kit would read any
//!   refused body as "acted, unreadable", so the reply is handed back as
//!   [`Reply::Throttled`] and the client waits and sends again itself;
//! - other `errors` are read by `error_mapping.rs`; for a creating write they come back as
//!   [`Reply::Refused`] (the kit must not turn a refusal into "maybe created");
//! - `data` is decoded into the operation's type, with the JSON path of the first bad field.

use std::time::{Duration, Instant};

use orderbridge_core::ConnectorError;
use orderbridge_http::{decode_json, Failure, Raw};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::error_mapping::{graphql_error, VENDOR};
use crate::queries::Operation;
use crate::throttle::{throttled_wait, CostBucket};
use crate::wire::QueryCost;

/// A readable reply.
#[derive(Debug)]
pub(crate) enum Reply<T> {
    /// The operation's `data`.
    Data(T),
    /// `THROTTLED` (creating writes only): nothing ran; wait this long and send it again.
    Throttled(Duration),
    /// Top-level `errors` (creating writes only).
    Refused(ConnectorError),
}

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    errors: Option<Value>,
    #[serde(default)]
    extensions: Option<Extensions>,
}

#[derive(Debug, Deserialize)]
struct Extensions {
    #[serde(default)]
    cost: Option<Value>,
}

fn has_errors(errors: Option<&Value>) -> bool {
    match errors {
        None | Some(Value::Null) => false,
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    }
}

fn is_throttled(errors: &Value) -> bool {
    errors.as_array().is_some_and(|items| {
        items
            .iter()
            .any(|e| e["extensions"]["code"].as_str() == Some("THROTTLED"))
    })
}

/// Reads the 2xx reply `raw` of `operation` (sent as `endpoint`).
///
/// # Errors
///
/// A [`Failure`] the kit's replay rule reads: a damaged body, an unexpected shape, `THROTTLED`
/// or other GraphQL errors of a read.
pub(crate) fn read_reply<T: DeserializeOwned>(
    raw: &Raw,
    operation: &Operation,
    endpoint: &str,
    creating: bool,
    bucket: &CostBucket,
) -> Result<Reply<T>, Failure> {
    let envelope: Envelope = decode_json(VENDOR, endpoint, raw.status, &raw.body)?;
    let cost: Option<QueryCost> = envelope
        .extensions
        .and_then(|e| e.cost)
        .and_then(|cost| serde_json::from_value(cost).ok());
    if let Some(cost) = &cost {
        bucket.observe(operation.name, cost, Instant::now());
    }
    if let Some(errors) = envelope.errors.as_ref().filter(|e| has_errors(Some(e))) {
        if is_throttled(errors) {
            let wait = throttled_wait(
                cost.as_ref()
                    .and_then(|c| c.requested_query_cost)
                    .or(Some(operation.cost_guess)),
                cost.as_ref().map(|c| &c.throttle_status),
            );
            tracing::debug!(
                operation = operation.name,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "Shopify throttled the query"
            );
            if creating {
                return Ok(Reply::Throttled(wait));
            }
            return Err(Failure {
                error: ConnectorError::RateLimited {
                    retry_after: Some(wait),
                },
                unsent: true,
                status: Some(raw.status),
                vendor_code: Some("THROTTLED".to_owned()),
                damaged_body: false,
            });
        }
        let error = graphql_error(operation.name, errors);
        if creating {
            return Ok(Reply::Refused(error));
        }
        return Err(Failure {
            error,
            unsent: false,
            status: Some(raw.status),
            vendor_code: None,
            damaged_body: false,
        });
    }
    let data = envelope.data.unwrap_or(Value::Null);
    let bytes = serde_json::to_vec(&data).map_err(|e| Failure {
        error: crate::error_mapping::invalid(endpoint, e.to_string()),
        unsent: false,
        status: Some(raw.status),
        vendor_code: None,
        damaged_body: false,
    })?;
    decode_json(VENDOR, &format!("{endpoint} data"), raw.status, &bytes).map(Reply::Data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;
    use reqwest::StatusCode;

    const OP: Operation = crate::queries::ORDER;

    fn raw(body: &str) -> Raw {
        Raw {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    const THROTTLED: &str = r#"{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}],
        "extensions":{"cost":{"requestedQueryCost":110,"actualQueryCost":null,
        "throttleStatus":{"maximumAvailable":1000.0,"currentlyAvailable":10.0,"restoreRate":50.0}}}}"#;

    #[test]
    fn throttled_reads_wait_for_the_restore_rate_and_count_as_unsent() {
        let bucket = CostBucket::default();
        let failure = read_reply::<Value>(&raw(THROTTLED), &OP, "e", false, &bucket).unwrap_err();
        assert_eq!(
            failure.error,
            ConnectorError::RateLimited {
                retry_after: Some(Duration::from_secs(2))
            }
        );
        assert!(failure.unsent);
        // The bucket learnt the requested cost.
        assert_eq!(bucket.estimate(OP.name, 1.0), 110.0);
        // A creating write hears it as a reply, not as a failure the kit would call "acted".
        let created = read_reply::<Value>(&raw(THROTTLED), &OP, "e", true, &bucket).unwrap();
        assert!(matches!(created, Reply::Throttled(wait) if wait == Duration::from_secs(2)));
    }

    #[test]
    fn other_errors_data_and_damage() {
        let bucket = CostBucket::default();
        let denied =
            r#"{"errors":[{"message":"Access denied","extensions":{"code":"ACCESS_DENIED"}}]}"#;
        let read = read_reply::<Value>(&raw(denied), &OP, "e", false, &bucket).unwrap_err();
        assert!(matches!(read.error, ConnectorError::Auth { .. }));
        let created = read_reply::<Value>(&raw(denied), &OP, "e", true, &bucket).unwrap();
        assert!(matches!(
            created,
            Reply::Refused(ConnectorError::Auth { .. })
        ));

        #[derive(Debug, Deserialize)]
        struct Data {
            #[allow(dead_code)]
            order: Option<u64>,
        }
        let shape = read_reply::<Data>(&raw(r#"{"data":{"order":"x"}}"#), &OP, "e", false, &bucket)
            .unwrap_err();
        assert!(
            matches!(&shape.error, ConnectorError::InvalidPayload { location, .. } if location == "e data order"),
            "{shape:?}"
        );
        assert!(!shape.damaged_body);
        let cut =
            read_reply::<Data>(&raw(r#"{"data":{"ord"#), &OP, "e", false, &bucket).unwrap_err();
        assert!(cut.damaged_body);
        let ok = read_reply::<Data>(
            &raw(r#"{"data":{"order":null},"errors":[]}"#),
            &OP,
            "e",
            false,
            &bucket,
        )
        .unwrap();
        assert!(matches!(ok, Reply::Data(Data { order: None })));
    }
}
