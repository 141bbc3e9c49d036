//! Shipping labels bought from bol ("Verzenden via bol", and bol's regular labels) as
//! [`BolClient`] calls them: the delivery options of a parcel's lines, buying one, and the
//! label itself. The [`orderbridge_core::Marketplace`] methods in `marketplace.rs` call these.
//!
//! Retry rules (`client.rs`): asking for delivery options changes nothing at bol, so that POST
//! is retried like a read. Buying a label is charged: it is a write, repeated only when bol
//! provably never got it (429, refused connection, refused token); a timeout, a 5xx or a lost
//! answer after sending is `Transient` at once, since the label may have been bought, and bol
//! offers no way to look a label purchase up by order item. Reading a label is a read, and a
//! label answer that is not a whole PDF (cut off, garbled) counts as damaged and is asked for
//! again.

use orderbridge_core::domain::{LabelOfferId, ShippingLabelId};
use orderbridge_core::marketplace::{Label, LabelOffer, LineQuantity, Process};
use orderbridge_core::{ConnectorError, ConnectorResult};
use reqwest::Method;

use crate::call::{ApiCall, CallKind};
use crate::mapping_labels::{
    delivery_options_request, label_carrier, label_offers, label_tracking, shipping_label_request,
};
use crate::response::{Answer, Unreadable};
use crate::wire::{
    DeliveryOptionsResponse, PDF_MEDIA_TYPE, TRACK_AND_TRACE_HEADER, TRANSPORTER_HEADER,
};
use crate::{BolClient, VENDOR};

const DELIVERY_OPTIONS: &str = "POST /retailer/shipping-labels/delivery-options";
const BUY_LABEL: &str = "POST /retailer/shipping-labels";
const GET_LABEL: &str = "GET /retailer/shipping-labels/{shipping-label-id}";

/// How a PDF document starts.
const PDF_HEADER: &[u8] = b"%PDF-";
/// How a PDF document ends (its last `%%EOF` sits in the last bytes, a line end may follow).
const PDF_END: &[u8] = b"%%EOF";
/// How far from the end of a PDF its `%%EOF` may be.
const PDF_END_WINDOW: usize = 1024;

impl BolClient {
    /// The delivery options bol sells a label for, for these lines of one order.
    pub(crate) async fn delivery_options(
        &self,
        lines: &[LineQuantity],
    ) -> ConnectorResult<Vec<LabelOffer>> {
        let body = delivery_options_request(lines)?;
        let call = ApiCall::new(
            Method::POST,
            DELIVERY_OPTIONS,
            &["retailer", "shipping-labels", "delivery-options"],
            CallKind::Read,
        )
        .json(&body)?;
        let answer: DeliveryOptionsResponse = self.call_json(call).await?;
        label_offers(answer, DELIVERY_OPTIONS)
    }

    /// Buys the label of delivery option `offer` for `lines`; returns the
    /// `CREATE_SHIPPING_LABEL` process, whose `entityId` names the label once it succeeded.
    pub(crate) async fn purchase_label(
        &self,
        lines: &[LineQuantity],
        offer: &LabelOfferId,
    ) -> ConnectorResult<Process> {
        let body = shipping_label_request(lines, offer)?;
        let call = ApiCall::new(
            Method::POST,
            BUY_LABEL,
            &["retailer", "shipping-labels"],
            CallKind::Write,
        )
        .json(&body)?;
        self.write_process(call, BUY_LABEL).await
    }

    /// A bought label: the PDF, and the track & trace code and carrier bol names in the
    /// answer's headers.
    pub(crate) async fn shipping_label(&self, id: &ShippingLabelId) -> ConnectorResult<Label> {
        let call = ApiCall::new(
            Method::GET,
            GET_LABEL,
            &["retailer", "shipping-labels", id.as_str()],
            CallKind::Read,
        )
        .accept(PDF_MEDIA_TYPE);
        match self
            .call_answer(call, |answer, location| read_label(id, answer, location))
            .await
        {
            Err(ConnectorError::NotFound { .. }) => Err(ConnectorError::NotFound {
                what: format!("bol shipping label {id}"),
            }),
            other => other,
        }
    }
}

/// Reads a label answer.
///
/// # Errors
///
/// [`Unreadable`]: damaged when the body is not a whole PDF; not damaged when the track &
/// trace header holds no code (asking again gives the same).
fn read_label(id: &ShippingLabelId, answer: &Answer, location: &str) -> Result<Label, Unreadable> {
    if !is_whole_pdf(&answer.body) {
        return Err(Unreadable {
            error: ConnectorError::InvalidPayload {
                vendor: VENDOR.to_owned(),
                location: location.to_owned(),
                message: format!(
                    "the label is not a whole PDF document ({} bytes)",
                    answer.body.len()
                ),
            },
            damaged: true,
        });
    }
    let header = |name: &str| {
        answer
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
    };
    let tracking =
        label_tracking(header(TRACK_AND_TRACE_HEADER), location).map_err(|error| Unreadable {
            error,
            damaged: false,
        })?;
    Ok(Label {
        id: id.clone(),
        tracking,
        carrier: label_carrier(header(TRANSPORTER_HEADER)),
        pdf: answer.body.clone(),
    })
}

/// Whether `body` starts like a PDF and ends like one (a cut-off or garbled answer does not).
fn is_whole_pdf(body: &[u8]) -> bool {
    let tail = &body[body.len().saturating_sub(PDF_END_WINDOW)..];
    body.starts_with(PDF_HEADER) && tail.windows(PDF_END.len()).any(|w| w == PDF_END)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_whole_pdf_counts_as_one() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n".to_vec();
        assert!(is_whole_pdf(&pdf));
        assert!(!is_whole_pdf(&pdf[..pdf.len() / 2]));
        assert!(!is_whole_pdf(b"<html>Bad gateway</html>"));
        assert!(!is_whole_pdf(b""));
    }
}
