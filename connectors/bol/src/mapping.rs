//! Translation between bol's wire types ([`crate::wire`]) and the core domain types the daemon
//! speaks. Reading errors name the order, item and field (`order 123 item 456: unitPrice -1 is
//! negative`); requests bol would refuse anyway are refused here, before anything is sent.

use chrono::{DateTime, NaiveDateTime, Utc};
use orderbridge_core::domain::{
    Address, AddressFields, Currency, Ean, MarketplaceOrder, MarketplaceOrderId,
    MarketplaceOrderLine, Money, OfferId, OpenOrder, OpenOrderLine, OrderLineId, ProcessId,
    Quantity, Sku,
};
use orderbridge_core::marketplace::{
    CancelReason, Cancellation, Process, ProcessKind, ProcessState, Shipment,
};
use orderbridge_core::ConnectorError;

use crate::transporter::{transporter_code, OTHER_TRANSPORTER_CODE};
use crate::wire::{
    self, BillingDetails, CancellationReasonCode, CancellationRequest, EventType, FulfilmentMethod,
    Order, OrderItem, OrderItemCancellation, OrderOrderItem, ProcessStatus, ProcessStatusValue,
    ReducedOrder, ShipmentDetails, ShipmentRequest, TransportInstruction,
};
use crate::VENDOR;

fn invalid(location: &str, message: String) -> ConnectorError {
    ConnectorError::InvalidPayload {
        vendor: VENDOR.to_owned(),
        location: location.to_owned(),
        message,
    }
}

fn refused(message: String) -> ConnectorError {
    ConnectorError::Rejected {
        vendor: VENDOR.to_owned(),
        message: format!("{message} (refused before sending)"),
    }
}

/// Reads an ISO 8601 date-time with offset; one without offset is taken as UTC.
pub(crate) fn parse_timestamp(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    DateTime::parse_from_rfc3339(raw)
        .map(|at| at.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|naive| naive.and_utc())
        })
}

fn placed_at(
    order_id: &str,
    raw: Option<&str>,
    location: &str,
) -> Result<DateTime<Utc>, ConnectorError> {
    let raw = raw.ok_or_else(|| {
        invalid(
            location,
            format!("order {order_id}: orderPlacedDateTime is missing"),
        )
    })?;
    parse_timestamp(raw).ok_or_else(|| {
        invalid(
            location,
            format!("order {order_id}: orderPlacedDateTime {raw:?} is not an ISO 8601 date-time"),
        )
    })
}

/// An order of the orders list as the daemon's [`OpenOrder`].
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] naming the order, item and field that is wrong.
pub(crate) fn open_order(order: ReducedOrder, location: &str) -> Result<OpenOrder, ConnectorError> {
    let order_id = order.order_id;
    let id = MarketplaceOrderId::parse(&order_id)
        .map_err(|e| invalid(location, format!("orderId {order_id:?}: {}", e.reason)))?;
    let placed_at = placed_at(&order_id, Some(&order.order_placed_date_time), location)?;
    let lines = order
        .order_items
        .into_iter()
        .map(|item| {
            let context = format!("order {order_id} item {}", item.order_item_id);
            Ok(OpenOrderLine {
                line_id: OrderLineId::parse(&item.order_item_id).map_err(|e| {
                    invalid(location, format!("{context}: orderItemId {}", e.reason))
                })?,
                quantity: Quantity::new(item.quantity)
                    .map_err(|e| invalid(location, format!("{context}: quantity {}", e.reason)))?,
                quantity_shipped: item.quantity_shipped,
                quantity_cancelled: item.quantity_cancelled,
                cancellation_requested: item.cancellation_request,
                fulfilled_by_marketplace: item.fulfilment_method == FulfilmentMethod::Fbb,
            })
        })
        .collect::<Result<Vec<_>, ConnectorError>>()?;
    Ok(OpenOrder {
        id,
        placed_at,
        lines,
    })
}

fn shipping_fields(details: ShipmentDetails) -> AddressFields {
    AddressFields {
        first_name: details.first_name,
        surname: details.surname,
        company: details.company,
        street_name: details.street_name,
        house_number: details.house_number,
        house_number_extension: details.house_number_extension,
        extra_address_information: details.extra_address_information,
        zip_code: details.zip_code,
        city: details.city,
        country_code: details.country_code,
        email: details.email,
        phone: details.delivery_phone_number,
    }
}

fn billing_fields(details: BillingDetails) -> AddressFields {
    AddressFields {
        first_name: details.first_name,
        surname: details.surname,
        company: details.company,
        street_name: details.street_name,
        house_number: details.house_number,
        house_number_extension: details.house_number_extension,
        extra_address_information: details.extra_address_information,
        zip_code: details.zip_code,
        city: details.city,
        country_code: details.country_code,
        email: details.email,
        phone: None,
    }
}

/// A full bol order as the daemon's [`MarketplaceOrder`]. The billing address falls back to
/// the shipping address when bol sends none or an incomplete one.
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] naming the order, item and field that is wrong (missing
/// surname or street, negative price, zero quantity, ...).
pub(crate) fn marketplace_order(
    order: Order,
    location: &str,
) -> Result<MarketplaceOrder, ConnectorError> {
    let order_id = order.order_id.clone();
    let id = MarketplaceOrderId::parse(&order_id)
        .map_err(|e| invalid(location, format!("orderId {order_id:?}: {}", e.reason)))?;
    let placed_at = placed_at(&order_id, order.order_placed_date_time.as_deref(), location)?;
    let details = order.shipment_details.ok_or_else(|| {
        invalid(
            location,
            format!("order {order_id}: shipmentDetails is missing"),
        )
    })?;
    let pickup_point_name = details
        .pickup_point_name
        .clone()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty());
    let shipping = Address::parse("shipping address", shipping_fields(details))
        .map_err(|e| invalid(location, format!("order {order_id}: {e}")))?;
    let billing = order
        .billing_details
        .and_then(|details| Address::parse("billing address", billing_fields(details)).ok())
        .unwrap_or_else(|| shipping.clone());
    let pickup_point = order
        .pickup_point
        .then(|| pickup_point_name.unwrap_or_else(|| "pickup point (name not given)".to_owned()));
    let lines = order
        .order_items
        .into_iter()
        .map(|item| order_line(&order_id, item, location))
        .collect::<Result<Vec<_>, ConnectorError>>()?;
    Ok(MarketplaceOrder {
        id,
        placed_at,
        shipping,
        billing,
        pickup_point,
        lines,
    })
}

fn order_line(
    order_id: &str,
    item: OrderOrderItem,
    location: &str,
) -> Result<MarketplaceOrderLine, ConnectorError> {
    let context = format!("order {order_id} item {}", item.order_item_id);
    let fail = |message: String| invalid(location, format!("{context}: {message}"));
    let line_id = OrderLineId::parse(&item.order_item_id)
        .map_err(|e| fail(format!("orderItemId {}", e.reason)))?;
    let unit_price = match item.unit_price {
        None => return Err(fail("unitPrice is missing".to_owned())),
        Some(price) if price < 0.0 => return Err(fail(format!("unitPrice {price} is negative"))),
        Some(price) => Money::from_json_number(price, Currency::EUR)
            .map_err(|e| fail(format!("unitPrice {price}: {}", e.reason)))?,
    };
    let offer = item.offer.unwrap_or_default();
    let product = item.product.unwrap_or_default();
    let sku = match offer
        .reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(reference) => {
            Some(Sku::parse(reference).map_err(|e| fail(format!("offer.reference {}", e.reason)))?)
        }
        None => None,
    };
    // An EAN bol sends but that fails its check digit does not stop the order: the SKU is what
    // the webshop matches on; the line just carries no EAN.
    let ean = product.ean.as_deref().and_then(|raw| Ean::parse(raw).ok());
    let offer_id = offer
        .offer_id
        .as_deref()
        .and_then(|raw| OfferId::parse(raw).ok());
    Ok(MarketplaceOrderLine {
        line_id,
        sku,
        ean,
        offer_id,
        title: product.title.unwrap_or_default(),
        quantity: Quantity::new(item.quantity)
            .map_err(|e| fail(format!("quantity {}", e.reason)))?,
        quantity_shipped: item.quantity_shipped,
        quantity_cancelled: item.quantity_cancelled,
        unit_price,
        cancellation_requested: item.cancellation_request,
        fulfilled_by_marketplace: item
            .fulfilment
            .is_some_and(|f| f.method.eq_ignore_ascii_case("FBB")),
    })
}

/// A bol process status as the daemon's [`Process`].
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] when the process has no usable `processStatusId`.
pub(crate) fn process(status: ProcessStatus, location: &str) -> Result<Process, ConnectorError> {
    let raw_id = status.process_status_id.ok_or_else(|| {
        invalid(
            location,
            "process status: processStatusId is missing".to_owned(),
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

/// The body of `POST /retailer/shipments` for a shipment. Without a carrier the transport
/// says `OTHER`; without a track & trace code it carries only the transporter.
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
    let transporter = shipment
        .carrier
        .as_ref()
        .map_or(OTHER_TRANSPORTER_CODE, transporter_code);
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
        shipping_label_id: None,
        transport: Some(TransportInstruction {
            transporter_code: transporter.to_owned(),
            track_and_trace: shipment.tracking.as_ref().map(|t| t.as_str().to_owned()),
        }),
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

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
