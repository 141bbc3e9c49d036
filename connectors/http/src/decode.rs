//! Reading a 2xx reply: JSON decoded with the path of the first bad field in the message, a
//! damaged body (not JSON, cut short) told apart from JSON of an unexpected shape, and the rule
//! for creating writes whose reply cannot be read.

use orderbridge_core::ConnectorError;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::Failure;

/// Decodes the 2xx (`status`) JSON body of `endpoint`.
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] naming the endpoint and the JSON path of the first bad
/// field, marked as [`Failure::damaged_body`] when the body is not JSON at all or ends early.
pub fn decode_json<T: DeserializeOwned>(
    vendor: &str,
    endpoint: &str,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Failure> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let damaged = matches!(
            err.inner().classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        );
        Failure {
            error: ConnectorError::InvalidPayload {
                vendor: vendor.to_owned(),
                location: if path == "." {
                    endpoint.to_owned()
                } else {
                    format!("{endpoint} {path}")
                },
                message: err.into_inner().to_string(),
            },
            unsent: false,
            status: Some(status),
            vendor_code: None,
            damaged_body: damaged,
        }
    })
}

/// A creating write the vendor accepted (2xx) whose reply could not be read: the vendor acted
/// but we do not know the result, so it is [`ConnectorError::Transient`] (look for the effect
/// before trying again), never retried by the connector itself.
pub fn acted_but_unreadable(endpoint: &str, failure: Failure) -> Failure {
    let status = failure.status.map_or(0, |s| s.as_u16());
    Failure {
        error: ConnectorError::Transient {
            message: format!(
                "{endpoint} was accepted (HTTP {status}) but its reply could not be read, so it \
                 may have taken effect: {}",
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

    #[test]
    fn damaged_bodies_are_told_apart_from_unexpected_shapes() {
        let read = |body: &[u8]| decode_json::<Vec<u64>>("v", "GET x", StatusCode::OK, body);
        assert!(read(b"<br />\n[1]").unwrap_err().damaged_body);
        assert!(read(b"[1, 2").unwrap_err().damaged_body);
        let shape = read(br#"["a"]"#).unwrap_err();
        assert!(!shape.damaged_body);
        assert!(matches!(shape.error, ConnectorError::InvalidPayload { .. }));
    }

    #[test]
    fn bad_json_names_endpoint_and_field() {
        #[derive(Debug, serde::Deserialize)]
        struct Order {
            #[allow(dead_code)]
            id: u64,
        }
        let err = decode_json::<Vec<Order>>(
            "shop",
            "GET orders",
            StatusCode::OK,
            br#"[{"id": 1}, {"id": "x"}]"#,
        )
        .unwrap_err()
        .error;
        assert!(
            matches!(&err, ConnectorError::InvalidPayload { vendor, location, .. }
                if vendor == "shop" && location == "GET orders [1].id"),
            "{err:?}"
        );
    }

    #[test]
    fn an_unreadable_creation_reply_is_transient_and_never_unsent() {
        let created = decode_json::<u64>("v", "POST o", StatusCode::CREATED, b"{\"id\"");
        let ambiguous = acted_but_unreadable("POST o", created.unwrap_err());
        assert!(
            matches!(&ambiguous.error, ConnectorError::Transient { message }
                if message.contains("HTTP 201") && message.contains("POST o")),
            "{ambiguous:?}"
        );
        assert!(!ambiguous.unsent);
    }
}
