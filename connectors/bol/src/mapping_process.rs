//! Translation of bol's asynchronous processes (the answer of every write and of the
//! process-status endpoints) into core [`Process`]es, and the request bodies of the writes:
//! a shipment and a cancellation. Part of `mapping`, which re-exports everything here.

use orderbridge_core::domain::ProcessId;
use orderbridge_core::marketplace::{
    CancelReason, Cancellation, Process, ProcessKind, ProcessState, Shipment,
};
use orderbridge_core::ConnectorError;

use crate::mapping::{invalid, parse_timestamp, refused};
use crate::transporter::{transporter_code, OTHER_TRANSPORTER_CODE};
use crate::wire::{
    self, CancellationReasonCode, CancellationRequest, EventType, Link, OrderItem,
    OrderItemCancellation, ProcessStatus, ProcessStatusValue, ShipmentRequest,
    TransportInstruction,
};

/// The process id from the `self` link (`.../shared/process-status/{id}`), for answers that
/// leave out the optional `processStatusId`.
fn id_from_links(links: &[Link]) -> Option<String> {
    links
        .iter()
        .filter(|link| link.rel.as_deref().is_none_or(|rel| rel == "self"))
        .filter_map(|link| link.href.as_deref())
        .find_map(|href| {
            let (_, tail) = href.split_once("/process-status/")?;
            let id = tail.split(['/', '?', '#']).next()?.trim();
            (!id.is_empty()).then(|| id.to_owned())
        })
}

/// A bol process status as the daemon's [`Process`]. Without a `processStatusId` the id is
/// read from the `self` link. A status the spec does not list is taken as still pending: the
/// write is neither assumed done nor failed, and the next status read decides.
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] when the process has no usable id at all.
pub(crate) fn process(status: ProcessStatus, location: &str) -> Result<Process, ConnectorError> {
    let raw_id = status
        .process_status_id
        .clone()
        .or_else(|| id_from_links(&status.links))
        .ok_or_else(|| {
            invalid(
                location,
                "process status: processStatusId is missing and no self link names it".to_owned(),
            )
        })?;
    let id = ProcessId::parse(&raw_id).map_err(|e| {
        invalid(
            location,
            format!("process status: processStatusId {}", e.reason),
        )
    })?;
    let state = match status.status {
        ProcessStatusValue::Pending => ProcessState::Pending,
        ProcessStatusValue::Unknown(raw) => {
            tracing::warn!(
                process_id = %id,
                status = %raw,
                "bol process status unknown to this connector; treating it as pending"
            );
            ProcessState::Pending
        }
        ProcessStatusValue::Success => ProcessState::Succeeded,
        ProcessStatusValue::Failure => ProcessState::Failed {
            message: status
                .error_message
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| {
                    format!("{} failed without an error message", status.event_type)
                }),
        },
        ProcessStatusValue::Timeout => ProcessState::TimedOut,
    };
    Ok(Process {
        id,
        entity_id: status.entity_id,
        state,
        created_at: parse_timestamp(&status.create_timestamp),
    })
}

/// The bol event type of a kind of process.
pub(crate) fn event_type(kind: ProcessKind) -> EventType {
    match kind {
        ProcessKind::Shipment => EventType::CreateShipment,
        ProcessKind::Cancellation => EventType::CancelOrder,
        ProcessKind::StockUpdate => EventType::UpdateOfferStock,
    }
}

/// The body of `POST /retailer/shipments` for a shipment. With a bol label it names the
/// label and no transport; else without a carrier the transport says `OTHER`, and without a
/// track & trace code it carries only the transporter.
///
/// # Errors
///
/// [`ConnectorError::Rejected`] when the shipment has no lines, more than bol takes in one
/// request, or a reference longer than bol accepts.
pub(crate) fn shipment_request(shipment: &Shipment) -> Result<ShipmentRequest, ConnectorError> {
    let n_lines = shipment.lines.len();
    if n_lines == 0 {
        return Err(refused(format!(
            "shipment of order {} has no lines",
            shipment.order_id
        )));
    }
    if n_lines > wire::MAX_SHIPMENT_ORDER_ITEMS {
        return Err(refused(format!(
            "shipment of order {} has {n_lines} lines; bol takes at most {} per shipment",
            shipment.order_id,
            wire::MAX_SHIPMENT_ORDER_ITEMS
        )));
    }
    let reference = shipment.reference.trim();
    if reference.chars().count() > wire::MAX_SHIPMENT_REFERENCE_CHARS {
        return Err(refused(format!(
            "shipmentReference {reference:?} is longer than {} characters",
            wire::MAX_SHIPMENT_REFERENCE_CHARS
        )));
    }
    // A bought label names transporter and code itself: the spec's `ShipmentRequest` wants
    // the `shippingLabelId` "and leave the transport element empty", and bol refuses a
    // transport next to a label, so the shipment's own carrier and code are not sent.
    let (shipping_label_id, transport) = match &shipment.label {
        Some(label) => (Some(label.as_str().to_owned()), None),
        None => {
            let transporter = shipment
                .carrier
                .as_ref()
                .map_or(OTHER_TRANSPORTER_CODE, transporter_code);
            let transport = TransportInstruction {
                transporter_code: transporter.to_owned(),
                track_and_trace: shipment.tracking.as_ref().map(|t| t.as_str().to_owned()),
            };
            (None, Some(transport))
        }
    };
    Ok(ShipmentRequest {
        order_items: shipment
            .lines
            .iter()
            .map(|line| OrderItem {
                order_item_id: line.line_id.as_str().to_owned(),
                quantity: Some(line.quantity.get()),
            })
            .collect(),
        shipment_reference: (!reference.is_empty()).then(|| reference.to_owned()),
        shipping_label_id,
        transport,
    })
}

/// The body of `PUT /retailer/orders/cancellation`.
///
/// # Errors
///
/// [`ConnectorError::Rejected`] unless the cancellation names exactly one line: bol cancels
/// one order item per request, so the caller cancels line by line.
pub(crate) fn cancellation_request(
    cancellation: &Cancellation,
) -> Result<CancellationRequest, ConnectorError> {
    let [line] = cancellation.lines.as_slice() else {
        return Err(refused(format!(
            "cancellation of order {} names {} lines; bol cancels exactly {} order item per request",
            cancellation.order_id,
            cancellation.lines.len(),
            wire::MAX_CANCELLATION_ORDER_ITEMS
        )));
    };
    let reason_code = match cancellation.reason {
        CancelReason::RequestedByCustomer => CancellationReasonCode::RequestedByCustomer,
        CancelReason::OutOfStock => CancellationReasonCode::OutOfStock,
        CancelReason::Other => CancellationReasonCode::Other,
    };
    Ok(CancellationRequest {
        order_items: vec![OrderItemCancellation {
            order_item_id: line.as_str().to_owned(),
            reason_code,
        }],
    })
}
