//! The simulator's writes: shipment (with the merchant's transport or a bol label),
//! cancellation, stock update and offer export. Each checks the request as bol does (400
//! `Problem` naming the field), then answers 202 with a `PENDING` process whose effect applies
//! later (see `processes.rs`). Buying a label is in `labels_api.rs`.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::http::{admit, bad_request, json_response, problem, read_body, Refusal};
use super::labels::LabelUse;
use super::processes::Effect;
use super::{with_state, SharedState};
use crate::transporter::is_known_transporter_code;
use crate::wire::{
    CancellationRequest, CreateOfferExportRequest, EventType, ShipmentRequest,
    UpdateOfferStockRequest, Violation, CSV_MEDIA_TYPE, JSON_MEDIA_TYPE,
    MAX_CANCELLATION_ORDER_ITEMS, MAX_OFFER_STOCK_AMOUNT, MAX_SHIPMENT_ORDER_ITEMS,
    MAX_SHIPMENT_REFERENCE_CHARS,
};

/// The refusal of a shipment or cancellation of an item bol fulfils (FBB). bol ships and
/// handles FBB items itself ("all the FBB orders will be handled by bol",
/// https://api.bol.com/retailer/public/Retailer-API/v10/functional/retailer-api/orders-best-practices.html);
/// its exact answer to a merchant's write on one is not documented, so the simulator refuses
/// it at once, naming the item: as strict as bol can be, and a client that sends one fails.
fn refuse_fbb(field: &str, order_item_id: &str, what: &str) -> Refusal {
    bad_request(
        &format!("{field}.orderItemId"),
        format!(
            "order item {order_item_id} is fulfilled by bol (FBB) and cannot be {what} by the retailer"
        ),
    )
}

/// The refusal of a merchant's own transport for a "Verzenden via bol" item: its
/// `distributionParty` `BOL` says it "requires shipment through bol"
/// (https://api.bol.com/retailer/public/Retailer-API/v8/functional/retailer-api/verzenden-via-bol.html),
/// i.e. with a purchased label (`shippingLabelId` of the spec's `ShipmentRequest`).
fn refuse_transport_via_bol(order_item_id: &str) -> Refusal {
    bad_request(
        "transport",
        format!(
            "order item {order_item_id} is shipped via bol (Verzenden via bol): ship it with a shippingLabelId, not a transport"
        ),
    )
}

/// The refusal of a shipment naming both a bought label and a transport of its own. The
/// spec's `POST /retailer/shipments`: with a purchased label "you should add the
/// shippingLabelId to this message and leave the transport element empty", and for one's own
/// transport "omit the shippingLabelId entirely". bol's exact answer to both at once is not
/// documented; the simulator refuses it at once (400, detail naming the conflict), as strict
/// as bol can be, so a client that sends both fails here first.
fn refuse_conflicting_transport() -> Refusal {
    Refusal::Problem {
        status: StatusCode::BAD_REQUEST,
        detail: "Conflicting transport method: a shipment is sent with either a shippingLabelId \
                 or a transport, not both."
            .to_owned(),
        violations: vec![Violation {
            name: "transport".to_owned(),
            reason: "must be empty when a shippingLabelId is given".to_owned(),
        }],
    }
}

/// Checks a shipment request against the orders; `Err` is the 400 answer.
fn check_shipment(state: &SharedState, request: &ShipmentRequest) -> Result<String, Refusal> {
    let n_items = request.order_items.len();
    if n_items == 0 || n_items > MAX_SHIPMENT_ORDER_ITEMS {
        return Err(bad_request(
            "orderItems",
            format!("must hold 1 to {MAX_SHIPMENT_ORDER_ITEMS} items"),
        ));
    }
    if let Some(reference) = &request.shipment_reference {
        if reference.is_empty() || reference.chars().count() > MAX_SHIPMENT_REFERENCE_CHARS {
            return Err(bad_request(
                "shipmentReference",
                format!("must be 1 to {MAX_SHIPMENT_REFERENCE_CHARS} characters"),
            ));
        }
    }
    match (&request.transport, &request.shipping_label_id) {
        (None, None) => {
            return Err(bad_request(
                "transport",
                "transport or shippingLabelId is required",
            ))
        }
        (Some(_), Some(_)) => return Err(refuse_conflicting_transport()),
        (Some(transport), _) if !is_known_transporter_code(&transport.transporter_code) => {
            return Err(bad_request(
                "transport.transporterCode",
                format!(
                    "{:?} is not a known transporter code",
                    transport.transporter_code
                ),
            ))
        }
        _ => {}
    }
    let mut seen = HashSet::new();
    let mut order_id: Option<String> = None;
    for (idx, item) in request.order_items.iter().enumerate() {
        let field = format!("orderItems[{idx}]");
        if !seen.insert(item.order_item_id.as_str()) {
            return Err(bad_request(
                &format!("{field}.orderItemId"),
                "appears twice",
            ));
        }
        if item.quantity == Some(0) {
            return Err(bad_request(
                &format!("{field}.quantity"),
                "must be at least 1",
            ));
        }
        let found = with_state(state, |s| {
            s.find_item(&item.order_item_id)
                .map(|(order_idx, item_idx)| {
                    let record = &s.orders[order_idx].items[item_idx];
                    (
                        s.orders[order_idx].order_id.clone(),
                        record.fulfilled_by_bol,
                        record.via_bol,
                    )
                })
        });
        let Some((owner, fulfilled_by_bol, via_bol)) = found else {
            return Err(bad_request(
                &format!("{field}.orderItemId"),
                format!("order item {} does not exist", item.order_item_id),
            ));
        };
        if fulfilled_by_bol {
            return Err(refuse_fbb(&field, &item.order_item_id, "shipped"));
        }
        if via_bol && request.transport.is_some() {
            return Err(refuse_transport_via_bol(&item.order_item_id));
        }
        match &order_id {
            Some(first) if *first != owner => {
                return Err(bad_request(
                    &format!("{field}.orderItemId"),
                    "all order items must belong to one order",
                ))
            }
            _ => order_id = Some(owner),
        }
    }
    order_id.ok_or_else(|| bad_request("orderItems", "is empty"))
}

pub(crate) async fn create_shipment(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, JSON_MEDIA_TYPE) {
        return refusal.into_response();
    }
    with_state(&state, |s| s.shipment_requests += 1);
    match read_body::<ShipmentRequest>(&headers, &body)
        .and_then(|request| check_shipment(&state, &request).map(|order_id| (order_id, request)))
    {
        Err(refusal) => refusal.into_response(),
        Ok((order_id, request)) => {
            let first_item = request.order_items[0].order_item_id.clone();
            let items: Vec<(String, Option<u32>)> = request
                .order_items
                .iter()
                .map(|item| (item.order_item_id.clone(), item.quantity))
                .collect();
            let label_id = request.shipping_label_id.clone();
            // The label is checked and taken in the same lock as the process starts, so two
            // shipments cannot both use one label.
            let started = with_state(&state, |s| -> Result<_, Refusal> {
                if let Some(label_id) = &label_id {
                    s.check_label_for_shipment(label_id, &order_id, &items)?;
                }
                let effect = Effect::Shipment {
                    order_id,
                    items,
                    transporter_code: request
                        .transport
                        .as_ref()
                        .map(|t| t.transporter_code.clone()),
                    track_and_trace: request.transport.and_then(|t| t.track_and_trace),
                    shipping_label_id: label_id.clone(),
                };
                let status = s.start_process(
                    EventType::CreateShipment,
                    Some(first_item.clone()),
                    format!("Create shipment for order item {first_item}."),
                    effect,
                );
                if let Some(label_id) = &label_id {
                    s.set_label_use(label_id, LabelUse::Pending);
                }
                Ok(status)
            });
            match started {
                Ok(status) => json_response(StatusCode::ACCEPTED, &status),
                Err(refusal) => refusal.into_response(),
            }
        }
    }
}

pub(crate) async fn cancel_order_item(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, JSON_MEDIA_TYPE) {
        return refusal.into_response();
    }
    with_state(&state, |s| s.cancellation_requests += 1);
    match read_body::<CancellationRequest>(&headers, &body) {
        Err(refusal) => refusal.into_response(),
        Ok(request) if request.order_items.len() != MAX_CANCELLATION_ORDER_ITEMS => bad_request(
            "orderItems",
            format!("must hold exactly {MAX_CANCELLATION_ORDER_ITEMS} item"),
        )
        .into_response(),
        Ok(request) => {
            let item = &request.order_items[0];
            let order_item_id = item.order_item_id.clone();
            let reason_code = item.reason_code.as_str().to_owned();
            let fulfilled_by_bol = with_state(&state, |s| {
                s.find_item(&order_item_id)
                    .is_some_and(|(order_idx, item_idx)| {
                        s.orders[order_idx].items[item_idx].fulfilled_by_bol
                    })
            });
            if fulfilled_by_bol {
                return refuse_fbb("orderItems[0]", &order_item_id, "cancelled").into_response();
            }
            with_state(&state, |s| {
                let (order_idx, _) = s.find_item(&order_item_id)?;
                let effect = Effect::Cancellation {
                    order_id: s.orders[order_idx].order_id.clone(),
                    order_item_id: order_item_id.clone(),
                    reason_code,
                };
                Some(s.start_process(
                    EventType::CancelOrder,
                    Some(order_item_id.clone()),
                    format!("Cancel order item {order_item_id}."),
                    effect,
                ))
            })
            .map_or_else(
                || {
                    bad_request(
                        "orderItems[0].orderItemId",
                        format!("order item {} does not exist", item.order_item_id),
                    )
                    .into_response()
                },
                |status| json_response(StatusCode::ACCEPTED, &status),
            )
        }
    }
}

pub(crate) async fn update_offer_stock(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(offer_id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, JSON_MEDIA_TYPE) {
        return refusal.into_response();
    }
    with_state(&state, |s| s.stock_update_requests += 1);
    match read_body::<UpdateOfferStockRequest>(&headers, &body) {
        Err(refusal) => refusal.into_response(),
        Ok(request) if request.amount > MAX_OFFER_STOCK_AMOUNT => {
            bad_request("amount", format!("must be 0 to {MAX_OFFER_STOCK_AMOUNT}")).into_response()
        }
        Ok(request) => with_state(&state, |s| {
            s.offer_mut(&offer_id)?;
            Some(s.start_process(
                EventType::UpdateOfferStock,
                Some(offer_id.clone()),
                format!("Update stock of offer {offer_id}."),
                Effect::Stock {
                    offer_id: offer_id.clone(),
                    amount: request.amount,
                },
            ))
        })
        .map_or_else(
            || {
                problem(
                    StatusCode::NOT_FOUND,
                    format!("Offer {offer_id} not found."),
                )
            },
            |status| json_response(StatusCode::ACCEPTED, &status),
        ),
    }
}

pub(crate) async fn request_offer_export(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, JSON_MEDIA_TYPE) {
        return refusal.into_response();
    }
    match read_body::<CreateOfferExportRequest>(&headers, &body) {
        Err(refusal) => refusal.into_response(),
        Ok(_) => {
            let status = with_state(&state, |s| {
                s.offer_export_requests += 1;
                s.start_process(
                    EventType::CreateOfferExport,
                    None,
                    "Create offer export.".to_owned(),
                    Effect::OfferExport,
                )
            });
            json_response(StatusCode::ACCEPTED, &status)
        }
    }
}

pub(crate) async fn offer_export_file(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(report_id): Path<String>,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, CSV_MEDIA_TYPE) {
        return refusal.into_response();
    }
    match with_state(&state, |s| s.exports.get(&report_id).cloned()) {
        Some(csv) => (StatusCode::OK, [(CONTENT_TYPE, CSV_MEDIA_TYPE)], csv).into_response(),
        None => problem(
            StatusCode::NOT_FOUND,
            format!("Offer export {report_id} not found."),
        ),
    }
}
