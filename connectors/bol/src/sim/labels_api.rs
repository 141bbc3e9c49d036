//! The simulator's shipping-label endpoints: delivery options
//! (`POST /retailer/shipping-labels/delivery-options`, 200), buying a label
//! (`POST /retailer/shipping-labels`, 202 with a `CREATE_SHIPPING_LABEL` process) and the label
//! (`GET /retailer/shipping-labels/{shipping-label-id}`, the PDF with the
//! `X-Track-And-Trace-Code` and `X-Transporter-Code` headers; axum answers `HEAD`, which the
//! spec offers for the headers alone, from the same route).
//!
//! A purchase is checked in two steps. What the spec's schema refuses (no items, no offer id,
//! JSON of the wrong shape) is a 400 at once. Whether the offer exists, is still valid and
//! was quoted for exactly these items is decided by the process, which ends in `FAILURE`
//! with an `errorMessage` when it was not: bol documents no synchronous refusal for either,
//! its v10 demo answers a purchase with a `PENDING` process before anything else
//! (https://api.bol.com/retailer/public/Retailer-API/demo/v10-SHIPPING_LABELS.html), and all
//! its writes are queued before they are processed
//! (https://api.bol.com/retailer/public/Retailer-API/best-practices.html). A client must
//! therefore follow the process to know whether it bought a label, as it must in production.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::http::{admit, bad_request, json_response, problem, read_body};
use super::label_pdf::{label_pdf, LabelLine};
use super::labels::LabelRecord;
use super::processes::Effect;
use super::state::State as SimState;
use super::{quirks, with_state, SharedState};
use crate::transporter::carrier_from_transporter_code;
use crate::wire::{
    DeliveryOptionsRequest, DeliveryOptionsResponse, EventType, ShippingLabelRequest,
    JSON_MEDIA_TYPE, PDF_MEDIA_TYPE, TRACK_AND_TRACE_HEADER, TRANSPORTER_HEADER,
};

pub(crate) async fn delivery_options(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, JSON_MEDIA_TYPE) {
        return refusal.into_response();
    }
    let request = match read_body::<DeliveryOptionsRequest>(&headers, &body) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    let quoted = with_state(&state, |s| {
        s.quote_delivery_options(&request.order_items)
            .map(|options| (options, s.quirks))
    });
    match quoted {
        Ok((delivery_options, quirks)) => {
            let answer = DeliveryOptionsResponse { delivery_options };
            quirks::list_response(answer.delivery_options.is_empty(), &answer, quirks)
        }
        Err(refusal) => refusal.into_response(),
    }
}

pub(crate) async fn create_shipping_label(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, JSON_MEDIA_TYPE) {
        return refusal.into_response();
    }
    with_state(&state, |s| s.label_purchase_requests += 1);
    let request = match read_body::<ShippingLabelRequest>(&headers, &body) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    if request.order_items.is_empty() {
        return bad_request("orderItems", "must hold at least 1 item").into_response();
    }
    if request.shipping_label_offer_id.trim().is_empty() {
        return bad_request("shippingLabelOfferId", "must not be empty").into_response();
    }
    let status = with_state(&state, |s| {
        let outcome = s.buy_label(&request);
        s.start_process(
            EventType::CreateShippingLabel,
            None,
            format!(
                "Create shipping label with shipping label offer id {}.",
                request.shipping_label_offer_id
            ),
            Effect::ShippingLabel { outcome },
        )
    });
    json_response(StatusCode::ACCEPTED, &status)
}

pub(crate) async fn shipping_label(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(label_id): Path<String>,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, PDF_MEDIA_TYPE) {
        return refusal.into_response();
    }
    let printed = with_state(&state, |s| {
        s.label(&label_id).map(|label| {
            let headers = (label.track_and_trace.clone(), label.transporter_code);
            (headers, label_pdf(&label_lines(s, label)))
        })
    });
    let Some(((track_and_trace, transporter_code), pdf)) = printed else {
        // The spec names the Problem of a 404 here under the PDF media type.
        let mut answer = problem(
            StatusCode::NOT_FOUND,
            format!("Shipping label {label_id} not found."),
        );
        answer
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(PDF_MEDIA_TYPE));
        return answer;
    };
    (
        StatusCode::OK,
        [
            (CONTENT_TYPE.as_str(), PDF_MEDIA_TYPE.to_owned()),
            (TRACK_AND_TRACE_HEADER, track_and_trace),
            (TRANSPORTER_HEADER, transporter_code.to_owned()),
        ],
        pdf,
    )
        .into_response()
}

/// What the label says: bol, the transporter, the track & trace code, the order and its
/// items, and where the parcel goes.
fn label_lines(state: &SimState, label: &LabelRecord) -> Vec<LabelLine> {
    let carrier = carrier_from_transporter_code(label.transporter_code);
    let mut lines = vec![
        LabelLine::new("bol - Verzenden via bol", 11, true),
        LabelLine::new(
            format!(
                "{} ({}) - {}",
                carrier.name(),
                label.transporter_code,
                label.label_type
            ),
            14,
            true,
        ),
        LabelLine::new("Track & trace", 9, false),
        LabelLine::new(label.track_and_trace.clone(), 18, true),
        LabelLine::new(format!("bol order {}", label.order_id), 11, false),
    ];
    let items: Vec<String> = label
        .items
        .iter()
        .map(|(id, quantity)| format!("{id} x {quantity}"))
        .collect();
    lines.push(LabelLine::new(
        format!("Items: {}", items.join(", ")),
        9,
        false,
    ));
    if let Some(order) = state.orders.iter().find(|o| o.order_id == label.order_id) {
        let address = &order.order.address;
        let number = match &address.house_number_extension {
            Some(extension) => format!("{} {extension}", address.house_number),
            None => address.house_number.clone(),
        };
        lines.push(LabelLine::new("To", 9, false));
        for text in [
            format!("{} {}", address.first_name, address.surname),
            format!("{} {number}", address.street_name),
            format!(
                "{} {} {}",
                address.zip_code, address.city, address.country_code
            ),
        ] {
            lines.push(LabelLine::new(text, 11, false));
        }
    }
    lines.push(LabelLine::new(
        format!("Label {}", label.label_id),
        7,
        false,
    ));
    lines
}
