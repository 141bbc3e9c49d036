//! [`SimQuirks`] applied to the simulator's answers just before they are sent: valid JSON
//! that a careless client would still trip over (values the spec does not list, optional
//! fields left out, `{}` for an empty list).

use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::faults::SimQuirks;
use super::http::json_response;
use crate::wire::{
    FulfilmentMethod, Order, ProcessStatus, ProcessStatusValue, ReducedOrder, TokenResponse,
};

/// The orders list's fulfilment method under `unknown_enum_values`.
const UNKNOWN_FULFILMENT_METHOD: &str = "FBX";

/// An orders-list entry.
pub(crate) fn reduced_order(order: &mut ReducedOrder, quirks: SimQuirks) {
    if quirks.unknown_enum_values {
        for item in &mut order.order_items {
            item.fulfilment_method = FulfilmentMethod::Unknown(UNKNOWN_FULFILMENT_METHOD.into());
        }
    }
}

/// A full order.
pub(crate) fn order(order: &mut Order, quirks: SimQuirks) {
    if quirks.unknown_enum_values {
        if let Some(details) = &mut order.shipment_details {
            details.salutation = Some("X".to_owned());
        }
        if let Some(details) = &mut order.billing_details {
            details.salutation = Some("X".to_owned());
        }
        for fulfilment in order
            .order_items
            .iter_mut()
            .filter_map(|i| i.fulfilment.as_mut())
        {
            fulfilment.distribution_party = Some("OTHER".to_owned());
            fulfilment.time_frame_type = Some("MOONLIGHT".to_owned());
        }
    }
    if quirks.omit_optional_fields {
        order.order_placed_date_time = None;
        order.billing_details = None;
        if let Some(details) = &mut order.shipment_details {
            details.pickup_point_name = None;
            details.house_number_extension = None;
            details.extra_address_information = None;
            details.email = None;
            details.company = None;
            details.delivery_phone_number = None;
            details.language = None;
        }
        for item in &mut order.order_items {
            item.fulfilment = None;
            item.offer = None;
            item.product = None;
            item.additional_services.clear();
        }
    }
}

/// A process status. `keep_entity` keeps `entityId` under `omit_optional_fields` (a finished
/// offer export, whose file cannot be found otherwise).
pub(crate) fn process(status: &mut ProcessStatus, quirks: SimQuirks, keep_entity: bool) {
    if quirks.unknown_enum_values {
        status.event_type = format!("{}_V2", status.event_type);
        if status.status == ProcessStatusValue::Pending {
            status.status = ProcessStatusValue::Unknown("QUEUED".to_owned());
        }
    }
    if quirks.omit_optional_fields {
        status.process_status_id = None;
        status.error_message = None;
        if !keep_entity {
            status.entity_id = None;
        }
    }
}

/// The token answer.
pub(crate) fn token(answer: &mut TokenResponse, quirks: SimQuirks) {
    if quirks.omit_optional_fields {
        answer.token_type = None;
        answer.scope = None;
    }
}

/// A 200 answer of a list endpoint: `{}` for an empty list under `empty_list_as_object`.
pub(crate) fn list_response(is_empty: bool, body: &impl Serialize, quirks: SimQuirks) -> Response {
    if is_empty && quirks.empty_list_as_object {
        json_response(StatusCode::OK, &serde_json::json!({}))
    } else {
        json_response(StatusCode::OK, body)
    }
}
