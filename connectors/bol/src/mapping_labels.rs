//! Translation between bol's shipping-label wire types and the core [`LabelOffer`] and
//! [`Label`]: the request bodies of the delivery options and of a purchase (the lines of one
//! parcel), the delivery options as offers (price to the cent, transporter as a [`Carrier`]),
//! and the track & trace code and transporter a label answer names in its headers.
//!
//! One delivery option that cannot be read is left out with a warning (the others can still
//! be bought); an answer with options of which none can be read is `InvalidPayload` naming
//! the first problem.

use std::collections::HashSet;

use orderbridge_core::domain::{Carrier, LabelOfferId, TrackingCode};
use orderbridge_core::marketplace::{LabelOffer, LineQuantity};
use orderbridge_core::ConnectorError;

use crate::mapping::{invalid, parse_timestamp, price, refused};
use crate::transporter::carrier_from_transporter_code;
use crate::wire::{
    DeliveryOption, DeliveryOptionsRequest, DeliveryOptionsRequestOrderItem,
    DeliveryOptionsResponse, ShippingLabelRequest, TRACK_AND_TRACE_HEADER,
};

/// The order items of one parcel, each with its quantity.
///
/// # Errors
///
/// [`ConnectorError::Rejected`] for no lines or a line named twice: bol sells a label for one
/// set of distinct order items.
fn parcel_items(
    lines: &[LineQuantity],
) -> Result<Vec<DeliveryOptionsRequestOrderItem>, ConnectorError> {
    if lines.is_empty() {
        return Err(refused(
            "a shipping label is for one or more order lines; none given".to_owned(),
        ));
    }
    let mut seen = HashSet::new();
    lines
        .iter()
        .map(|line| {
            if !seen.insert(line.line_id.as_str()) {
                return Err(refused(format!(
                    "order line {} is named twice for one shipping label",
                    line.line_id
                )));
            }
            Ok(DeliveryOptionsRequestOrderItem {
                order_item_id: line.line_id.as_str().to_owned(),
                quantity: Some(line.quantity.get()),
            })
        })
        .collect()
}

/// The body of `POST /retailer/shipping-labels/delivery-options`.
///
/// # Errors
///
/// As [`parcel_items`].
pub(crate) fn delivery_options_request(
    lines: &[LineQuantity],
) -> Result<DeliveryOptionsRequest, ConnectorError> {
    Ok(DeliveryOptionsRequest {
        order_items: parcel_items(lines)?,
    })
}

/// The body of `POST /retailer/shipping-labels`.
///
/// # Errors
///
/// As [`parcel_items`].
pub(crate) fn shipping_label_request(
    lines: &[LineQuantity],
    offer: &LabelOfferId,
) -> Result<ShippingLabelRequest, ConnectorError> {
    Ok(ShippingLabelRequest {
        order_items: parcel_items(lines)?,
        shipping_label_offer_id: offer.as_str().to_owned(),
    })
}

/// The delivery options as label offers, in bol's order; unreadable ones left out (module
/// docs).
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] when there are options and none can be read.
pub(crate) fn label_offers(
    answer: DeliveryOptionsResponse,
    location: &str,
) -> Result<Vec<LabelOffer>, ConnectorError> {
    let n_options = answer.delivery_options.len();
    let mut offers = Vec::with_capacity(n_options);
    let mut first_error = None;
    for (option_idx, option) in answer.delivery_options.into_iter().enumerate() {
        match label_offer(option, option_idx, location) {
            Ok(offer) => offers.push(offer),
            Err(error) => {
                tracing::warn!(option_idx, %error, "skipping unreadable bol delivery option");
                first_error.get_or_insert(error);
            }
        }
    }
    match first_error {
        Some(error) if offers.is_empty() => Err(error),
        _ => Ok(offers),
    }
}

/// One delivery option as a [`LabelOffer`].
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] naming the option and the field: no usable offer id,
/// transporter, label type or price (missing, negative, more than two decimals), or a
/// latest hand-over that is not an ISO 8601 date-time.
fn label_offer(
    option: DeliveryOption,
    option_idx: usize,
    location: &str,
) -> Result<LabelOffer, ConnectorError> {
    let fail = |message: String| {
        invalid(
            location,
            format!("deliveryOptions[{option_idx}]: {message}"),
        )
    };
    let raw_offer_id = option
        .shipping_label_offer_id
        .as_deref()
        .ok_or_else(|| fail("shippingLabelOfferId is missing".to_owned()))?;
    let offer_id = LabelOfferId::parse(raw_offer_id)
        .map_err(|e| fail(format!("shippingLabelOfferId {}", e.reason)))?;
    let transporter = present(option.transporter_code.as_deref())
        .ok_or_else(|| fail("transporterCode is missing".to_owned()))?;
    let kind = present(option.label_type.as_deref())
        .ok_or_else(|| fail("labelType is missing".to_owned()))?
        .to_owned();
    let price = price(
        "labelPrice.totalPrice",
        option.label_price.and_then(|p| p.total_price),
    )
    .map_err(&fail)?;
    let latest_handover = match option
        .handover_details
        .and_then(|details| details.latest_handover_date_time)
    {
        None => None,
        Some(raw) => Some(parse_timestamp(&raw).ok_or_else(|| {
            fail(format!(
                "handoverDetails.latestHandoverDateTime {raw:?} is not an ISO 8601 date-time"
            ))
        })?),
    };
    // The display name is what a person reads; without one, transporter and type say enough.
    let name = present(option.label_display_name.as_deref())
        .map_or_else(|| format!("{transporter} {kind}"), str::to_owned);
    Ok(LabelOffer {
        offer_id,
        carrier: carrier_from_transporter_code(transporter),
        name,
        kind,
        price,
        recommended: option.recommended.unwrap_or(false),
        latest_handover,
    })
}

/// A text value that is there and not blank, trimmed.
fn present(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|text| !text.is_empty())
}

/// The track & trace code a label answer names in [`TRACK_AND_TRACE_HEADER`]; `None` when
/// the header is absent or blank.
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] naming the header when its value is no track & trace
/// code.
pub(crate) fn label_tracking(
    raw: Option<&str>,
    location: &str,
) -> Result<Option<TrackingCode>, ConnectorError> {
    present(raw)
        .map(|code| {
            TrackingCode::parse(code).map_err(|e| {
                invalid(
                    &format!("{location} header {TRACK_AND_TRACE_HEADER}"),
                    e.reason,
                )
            })
        })
        .transpose()
}

/// The carrier a label answer names in its transporter header; `None` when absent or blank,
/// [`Carrier::Other`] with bol's spelling for a code without a named carrier.
pub(crate) fn label_carrier(raw: Option<&str>) -> Option<Carrier> {
    present(raw).map(carrier_from_transporter_code)
}

#[cfg(test)]
#[path = "mapping_labels_tests.rs"]
mod tests;
