//! Translation between orderbridge's domain types and Magento's JSON: a [`NewOrder`] becomes
//! the cart items and the shipping information of a guest quote (NL/BE addresses in the
//! store's street lines, our code in the guest e-mail), and an order read back becomes a
//! [`WebshopOrder`] (status from its `state` and its items' shipped quantities, tracking and
//! carrier from its shipments' tracks, our order code from `ext_order_id`).

use chrono::{DateTime, NaiveDateTime, Utc};
use orderbridge_core::domain::{Address, Currency, Money, OrderCode, WebshopOrderId};
use orderbridge_core::webshop::{NewOrder, TrackingEntry, WebshopOrder, WebshopStatus};
use orderbridge_core::{ConnectorError, ConnectorResult};

use crate::config::CODE_PLACEHOLDER;
use crate::error_mapping::invalid;
use crate::wire::{
    AddressInformation, MagentoAddress, MagentoOrder, MagentoShipment, MagentoTrack,
    ShippingInformationBody,
};

/// Magento's time format in REST answers and search filters: UTC without a zone.
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The telephone sent when the marketplace gave none: Magento's default address settings
/// require one, and a dash says plainly there is none.
const NO_PHONE: &str = "-";

/// How a created order is placed: what [`shipping_information`] needs from the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placement {
    /// `guest_email` with `{code}` in it.
    pub guest_email: String,
    /// 1, 2 or 3.
    pub street_lines: u8,
    /// Shipping carrier code.
    pub carrier_code: String,
    /// Shipping method code.
    pub method_code: String,
}

/// The guest e-mail of the order with `code`: the template with `{code}` replaced (lower
/// case, as e-mail addresses are usually written; Magento's search compares without case).
pub(crate) fn guest_email(template: &str, code: &OrderCode) -> String {
    template.replace(CODE_PLACEHOLDER, &code.as_str().to_ascii_lowercase())
}

/// The cart items of `order`: `(SKU, quantity)` per line. Magento finds products by SKU only
/// (it has no standard EAN attribute).
///
/// # Errors
///
/// [`ConnectorError::NotFound`] naming the line when it has no SKU; [`ConnectorError::Rejected`]
/// when the order has no lines.
pub(crate) fn cart_items(order: &NewOrder) -> ConnectorResult<Vec<(String, u32)>> {
    if order.lines.is_empty() {
        return Err(crate::error_mapping::rejected(format!(
            "order {} has no lines",
            order.code
        )));
    }
    order
        .lines
        .iter()
        .map(|line| match &line.sku {
            Some(sku) => Ok((sku.as_str().to_owned(), line.quantity.get())),
            None => Err(ConnectorError::NotFound {
                what: format!(
                    "Magento product for line {} ({}, EAN {}): Magento finds products by SKU \
                     and the marketplace gave none",
                    line.marketplace_line_id,
                    line.title,
                    line.ean.as_ref().map_or("(none)", |e| e.as_str())
                ),
            }),
        })
        .collect()
}

/// The shipping information of `order`'s quote. The billing address carries the guest
/// e-mail (it becomes the order's `customer_email`, which Magento mails and which finds the
/// order again); the delivery address keeps the buyer's own e-mail, and the pickup point's
/// name as its company (label tools print it).
pub(crate) fn shipping_information(
    order: &NewOrder,
    placement: &Placement,
) -> ShippingInformationBody {
    let buyer_email = order
        .shipping
        .email()
        .or(order.billing.email())
        .map(str::trim)
        .filter(|e| e.contains('@'))
        .map_or_else(|| placement.guest_email.clone(), str::to_owned);
    let mut shipping_address = address_to_wire(&order.shipping, placement.street_lines);
    shipping_address.email = Some(buyer_email);
    if let Some(pickup_point) = &order.pickup_point {
        shipping_address.company = Some(pickup_point.clone());
    }
    let mut billing_address = address_to_wire(&order.billing, placement.street_lines);
    billing_address.email = Some(placement.guest_email.clone());
    ShippingInformationBody {
        address_information: AddressInformation {
            shipping_address,
            billing_address,
            shipping_carrier_code: placement.carrier_code.clone(),
            shipping_method_code: placement.method_code.clone(),
        },
    }
}

/// An address in Magento's fields, the street over `street_lines` lines; extra address
/// information goes after the house number on the last line.
pub(crate) fn address_to_wire(address: &Address, street_lines: u8) -> MagentoAddress {
    let number = match address.house_number_extension() {
        Some(extension) => format!("{}-{extension}", address.house_number()),
        None => address.house_number().to_owned(),
    };
    let mut street = match street_lines {
        1 => vec![address.street_line()],
        2 => vec![address.street_name().to_owned(), number],
        _ => {
            let mut lines = vec![
                address.street_name().to_owned(),
                address.house_number().to_owned(),
            ];
            if let Some(extension) = address.house_number_extension() {
                lines.push(extension.to_owned());
            }
            lines
        }
    };
    if let Some(extra) = address.extra_address_information() {
        if let Some(last) = street.last_mut() {
            last.push_str(", ");
            last.push_str(extra);
        }
    }
    MagentoAddress {
        firstname: address.first_name().to_owned(),
        lastname: address.surname().to_owned(),
        company: address.company().map(str::to_owned),
        street,
        city: address.city().to_owned(),
        postcode: address.zip_code().to_owned(),
        country_id: address.country_code().as_str().to_owned(),
        telephone: address.phone().unwrap_or(NO_PHONE).to_owned(),
        email: None,
    }
}

/// A time as Magento's filters take it (UTC, `Y-m-d H:i:s`).
pub(crate) fn format_time(time: DateTime<Utc>) -> String {
    time.format(TIME_FORMAT).to_string()
}

/// Reads a time Magento sent (UTC `Y-m-d H:i:s`; ISO 8601 accepted too).
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] at `location` when it is not a time.
pub(crate) fn parse_time(
    raw: Option<&str>,
    location: impl Fn() -> String,
) -> ConnectorResult<Option<DateTime<Utc>>> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if let Ok(naive) = NaiveDateTime::parse_from_str(raw, TIME_FORMAT) {
        return Ok(Some(naive.and_utc()));
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|e| invalid(location(), format!("{raw:?} is not a time: {e}")))
}

/// Our order code on an order: its `ext_order_id`, or — for an order whose creation was
/// interrupted before that was written — the code in its guest e-mail (`template`, the
/// `guest_email` setting).
pub(crate) fn code_of(order: &MagentoOrder, template: &str) -> Option<OrderCode> {
    if let Some(code) = order
        .ext_order_id
        .as_deref()
        .and_then(|raw| OrderCode::parse(raw).ok())
    {
        return Some(code);
    }
    code_in_email(order.customer_email.as_deref()?, template)
}

/// The code in `email` when it is `template` with `{code}` filled in (without case).
pub(crate) fn code_in_email(email: &str, template: &str) -> Option<OrderCode> {
    let (prefix, suffix) = template.split_once(CODE_PLACEHOLDER)?;
    let email = email.trim().to_ascii_lowercase();
    let middle = email
        .strip_prefix(&prefix.to_ascii_lowercase())?
        .strip_suffix(&suffix.to_ascii_lowercase())?;
    OrderCode::parse(middle).ok()
}

/// The order's id as the daemon keeps it.
pub(crate) fn order_id(entity_id: u64) -> ConnectorResult<WebshopOrderId> {
    WebshopOrderId::parse(&entity_id.to_string())
        .map_err(|e| invalid(format!("order {entity_id} entity_id"), e.to_string()))
}

/// Where an order stands. Its `state` says what a merchant's own status means: `canceled`
/// and `closed` (refunded) are cancelled, `complete` (invoiced and shipped) is completed.
/// An order shipped but not invoiced stays `processing` in Magento (`Sales\Model\
/// ResourceModel\Order\Handler\State::check`), and a marketplace order is paid at the
/// marketplace, not in the shop: so an order whose every shippable item has shipped is
/// completed too.
pub(crate) fn status_of(order: &MagentoOrder) -> WebshopStatus {
    match order.state.as_deref().or(order.status.as_deref()) {
        Some("canceled" | "closed") => return WebshopStatus::Cancelled,
        Some("complete") => return WebshopStatus::Completed,
        _ => {}
    }
    let shippable: Vec<_> = order
        .items
        .iter()
        .filter(|item| item.parent_item_id.is_none())
        .filter(|item| {
            !matches!(
                item.product_type.as_deref(),
                Some("virtual" | "downloadable")
            )
        })
        .collect();
    let shipped_any = shippable.iter().any(|item| item.qty_shipped > 0.0);
    let all_shipped = shippable
        .iter()
        .all(|item| item.qty_shipped + item.qty_canceled + item.qty_refunded >= item.qty_ordered);
    if shipped_any && all_shipped {
        WebshopStatus::Completed
    } else {
        WebshopStatus::Open
    }
}

/// A track as a tracking entry: the code trimmed; the carrier the title the merchant typed or
/// chose ("PostNL"), else the carrier code unless it is Magento's `custom`.
pub(crate) fn tracking_entry(track: &MagentoTrack) -> Option<TrackingEntry> {
    let code = track.track_number.as_deref().map(str::trim)?;
    if code.is_empty() {
        return None;
    }
    let named = |raw: Option<&str>| {
        raw.map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
    };
    let carrier = named(track.title.as_deref()).or_else(|| {
        named(track.carrier_code.as_deref()).filter(|code| !code.eq_ignore_ascii_case("custom"))
    });
    Some(TrackingEntry {
        code: code.to_owned(),
        carrier,
    })
}

/// An order as the daemon sees it, with the tracks of `shipments` (its own; `None` when they
/// could not be read this time, which marks the tracking unavailable); `email_template` is the
/// `guest_email` setting.
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] naming the order and field when a time or the total
/// cannot be read.
pub(crate) fn order_from_wire(
    order: &MagentoOrder,
    shipments: Option<&[&MagentoShipment]>,
    email_template: &str,
) -> ConnectorResult<WebshopOrder> {
    let at = |field: &str| format!("order {} {field}", order.entity_id);
    let status = status_of(order);
    let modified_at = parse_time(order.updated_at.as_deref(), || at("updated_at"))?;
    let mut tracking = Vec::new();
    let mut shipped_at = None;
    for shipment in shipments.into_iter().flatten() {
        let created = parse_time(shipment.created_at.as_deref(), || {
            at(&format!("shipment {} created_at", shipment.entity_id))
        })?;
        shipped_at = shipped_at.max(created);
        tracking.extend(shipment.tracks.iter().filter_map(tracking_entry));
    }
    let completed_at = match status {
        WebshopStatus::Completed => shipped_at.or(modified_at),
        _ => None,
    };
    let total = match (order.grand_total, order.order_currency_code.as_deref()) {
        (Some(total), Some(currency)) => Some(money(total, currency, || at("grand_total"))?),
        _ => None,
    };
    Ok(WebshopOrder {
        id: order_id(order.entity_id)?,
        code: code_of(order, email_template),
        status,
        created_at: parse_time(order.created_at.as_deref(), || at("created_at"))?,
        modified_at,
        completed_at,
        total,
        tracking,
        tracking_unavailable: shipments.is_none(),
    })
}

/// A main-unit amount as [`Money`], rounded to cents (Magento keeps four decimals).
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] at `location` for an unknown currency or an amount out
/// of range.
pub(crate) fn money(
    amount: f64,
    currency: &str,
    location: impl Fn() -> String,
) -> ConnectorResult<Money> {
    let currency = Currency::parse(&currency.to_ascii_uppercase())
        .map_err(|e| invalid(location(), e.to_string()))?;
    if !amount.is_finite() || amount.abs() > 9.0e12 {
        return Err(invalid(location(), format!("{amount} is not an amount")));
    }
    let cents = (amount * 100.0).round() as i64;
    Money::from_cents(cents, currency).map_err(|e| invalid(location(), e.to_string()))
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
