//! What Medusa's failed replies say: `{"type", "message"}` read for the shared HTTP kit (a 401
//! has only `message`). Medusa answers an unknown variant in a draft order with 400
//! `invalid_data` "Variants … do not exist or belong to a product that is not published"
//! (`scripts/medusa/FACTS.md` §h): that is "not found" here, so a product deleted since it was
//! resolved names itself instead of reading as a refused order.

use orderbridge_core::ConnectorError;
use orderbridge_http::{Classify, VendorError};
use reqwest::StatusCode;

use crate::wire::MedusaErrorBody;

/// Vendor name used in errors.
pub(crate) const VENDOR: &str = "medusa";

/// Reads Medusa's error bodies.
pub(crate) struct MedusaClassify;

impl Classify for MedusaClassify {
    fn vendor_error(&self, body: &[u8]) -> Option<VendorError> {
        let body: MedusaErrorBody = serde_json::from_slice(body).ok()?;
        Some(VendorError {
            code: body.kind,
            message: body.message,
        })
    }

    fn special(
        &self,
        endpoint: &str,
        status: StatusCode,
        error: Option<&VendorError>,
    ) -> Option<ConnectorError> {
        let error = error?;
        let unknown_variant =
            error.message.starts_with("Variants ") && error.message.contains("do not exist");
        (status == StatusCode::BAD_REQUEST && unknown_variant).then(|| ConnectorError::NotFound {
            what: format!("{endpoint}: {}", error.message),
        })
    }
}

/// A refusal of ours, before anything is sent.
pub(crate) fn rejected(message: impl Into<String>) -> ConnectorError {
    ConnectorError::Rejected {
        vendor: VENDOR.to_owned(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderbridge_http::Failure;
    use reqwest::header::HeaderMap;

    fn read(status: u16, body: &str) -> Failure {
        Failure::from_status(
            VENDOR,
            &MedusaClassify,
            "POST admin/draft-orders",
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            body.as_bytes(),
        )
    }

    #[test]
    fn medusa_bodies_name_type_and_message() {
        let invalid = read(
            400,
            r#"{"type":"invalid_data","message":"Invalid request: Field 'email' is required"}"#,
        );
        assert_eq!(invalid.vendor_code.as_deref(), Some("invalid_data"));
        assert!(
            matches!(&invalid.error, ConnectorError::Rejected { message, .. }
            if message.contains("Field 'email' is required"))
        );
        let unknown = read(
            400,
            r#"{"type":"not_found","message":"Variants with IDs variant_x do not exist"}"#,
        );
        assert!(
            matches!(&unknown.error, ConnectorError::NotFound { what } if what.contains("variant_x"))
        );
        let auth = read(401, r#"{"message":"Unauthorized"}"#);
        assert!(matches!(auth.error, ConnectorError::Auth { .. }));
    }
}
