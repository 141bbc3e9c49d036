//! Translation between bol's wire types ([`crate::wire`]) and the core domain types the daemon
//! speaks. Reading errors name the order, item and field (`order 123 item 456: unitPrice -1 is
//! negative`); requests bol would refuse anyway are refused here, before anything is sent.
//! Orders are mapped here; processes and write requests in `mapping_process.rs`, re-exported;
//! shipping labels in `mapping_labels.rs`.
//!
//! Who ships a line decides whether it is imported, so an unknown fulfilment method is never
//! guessed: in the open-orders list it counts as merchant-fulfilled (the order is then fetched
//! rather than silently skipped; with the default `fulfilment-method=FBR` filter bol itself
//! vouches for that), and in the order details it makes the order unreadable with a reason
//! the merchant sees, so the order lands in `error` for a person to look at instead of being
//! imported (the merchant might ship what bol ships) or dropped (nobody would ship it).

use chrono::{DateTime, NaiveDateTime, Utc};
use orderbridge_core::domain::{
    Address, AddressFields, Currency, Discount, Ean, MarketplaceOrder, MarketplaceOrderId,
    MarketplaceOrderLine, Money, OfferId, OpenOrder, OpenOrderLine, OrderLineId, Quantity, Sku,
};
use orderbridge_core::ConnectorError;

use crate::wire::{
    BillingDetails, FulfilmentMethod, Order, OrderOrderItem, ReducedOrder, ShipmentDetails,
};
use crate::VENDOR;

pub(crate) use crate::mapping_process::{
    cancellation_request, event_type, process, shipment_request,
};

pub(crate) fn invalid(location: &str, message: String) -> ConnectorError {
    ConnectorError::InvalidPayload {
        vendor: VENDOR.to_owned(),
        location: location.to_owned(),
        message,
    }
}

pub(crate) fn refused(message: String) -> ConnectorError {
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
                // Kept as sent: the list only says whether the order is new or open; the
                // details are checked strictly, so a bad quantity lands the order in `error`
                // instead of dropping it from the list.
                quantity: item.quantity,
                quantity_shipped: item.quantity_shipped,
                quantity_cancelled: item.quantity_cancelled,
                cancellation_requested: item.cancellation_request,
                // Unknown methods count as the merchant's here: the details decide (module docs).
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
    // `orderPlacedDateTime` is optional in the details (required in the list); without it the
    // earliest item change is the closest bol says about when the order came in.
    let earliest_change = order
        .order_items
        .iter()
        .filter_map(|item| item.latest_changed_date_time.as_deref())
        .filter_map(parse_timestamp)
        .min();
    let placed_at = match (order.order_placed_date_time.as_deref(), earliest_change) {
        (None, Some(earliest)) => earliest,
        (raw, _) => placed_at(&order_id, raw, location)?,
    };
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
    if order.order_items.is_empty() {
        return Err(invalid(
            location,
            format!("order {order_id}: orderItems is empty"),
        ));
    }
    let mut seen_items = std::collections::HashSet::new();
    if let Some(twice) = order
        .order_items
        .iter()
        .find(|item| !seen_items.insert(item.order_item_id.as_str()))
    {
        return Err(invalid(
            location,
            format!(
                "order {order_id}: orderItemId {} appears twice",
                twice.order_item_id
            ),
        ));
    }
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
    let fulfilled_by_marketplace = fulfilled_by_bol(&item).map_err(fail)?;
    let unit_price = price("unitPrice", item.unit_price).map_err(&fail)?;
    // What the buyer paid for the line, discounts taken off: the amount the webshop line must
    // come to (the spec: "the price the customer paid for the entirety of this item").
    let line_total = price("totalPrice", item.total_price).map_err(&fail)?;
    let discounts = item
        .discounts
        .iter()
        .enumerate()
        .map(|(discount_idx, discount)| {
            let field = format!("discounts[{discount_idx}].amount");
            Ok(Discount {
                title: discount.title.trim().to_owned(),
                amount: price(&field, Some(discount.amount))?,
            })
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(&fail)?;
    let marketplace_label_required = item
        .fulfilment
        .as_ref()
        .and_then(|f| f.distribution_party.as_deref())
        .is_some_and(|party| party.trim().eq_ignore_ascii_case("BOL"));
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
        line_total: Some(line_total),
        discounts,
        cancellation_requested: item.cancellation_request,
        fulfilled_by_marketplace,
        marketplace_label_required,
    })
}

/// A euro amount bol sends as a JSON number (`unitPrice`, `totalPrice`, a discount's
/// `amount`, a label's `labelPrice.totalPrice`): present, not negative, at most two decimals,
/// read from its shortest decimal text so `4.41` is exactly 441 cents.
pub(crate) fn price(field: &str, value: Option<f64>) -> Result<Money, String> {
    match value {
        None => Err(format!("{field} is missing")),
        Some(amount) if amount < 0.0 => Err(format!("{field} {amount} is negative")),
        Some(amount) => Money::from_json_number(amount, Currency::EUR)
            .map_err(|e| format!("{field} {amount}: {}", e.reason)),
    }
}

/// Whether bol ships the item itself. No `fulfilment` at all (the spec lets bol leave it out)
/// reads as merchant-fulfilled, as the list it came from already said; an unknown method is
/// refused rather than guessed (see the module docs).
fn fulfilled_by_bol(item: &OrderOrderItem) -> Result<bool, String> {
    match item.fulfilment.as_ref().map(|f| &f.method) {
        None | Some(FulfilmentMethod::Fbr) => Ok(false),
        Some(FulfilmentMethod::Fbb) => Ok(true),
        Some(FulfilmentMethod::Unknown(raw)) => Err(format!(
            "fulfilment method {raw:?} is unknown to this connector, so it cannot tell whether \
             bol ships this item itself; not imported automatically (check the order in the bol \
             seller dashboard and handle it by hand)"
        )),
    }
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
