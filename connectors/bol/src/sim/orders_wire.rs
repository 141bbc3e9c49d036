//! Simulated orders as bol's wire types: the orders-list filter (`fulfilment-method`,
//! `status`), [`ReducedOrder`]s for the list and full [`Order`]s.

use std::collections::HashMap;

use chrono::{DateTime, Days, SecondsFormat, Utc};

use super::http::{bad_request, Refusal};
use super::state::{ItemRecord, OfferRecord, OrderRecord};
use crate::wire::{
    BillingDetails, Discount, FulfilmentMethod, Order, OrderFulfilment, OrderOffer, OrderOrderItem,
    OrderProduct, ReducedOrder, ReducedOrderItem, ShipmentDetails,
};

/// Which orders and items the orders list shows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListFilter {
    fbr: bool,
    fbb: bool,
    status: StatusFilter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatusFilter {
    Open,
    Shipped,
    All,
}

impl ListFilter {
    /// Reads `fulfilment-method` (default FBR) and `status` (default OPEN); `Err` is the 400.
    pub(crate) fn from_params(params: &HashMap<String, String>) -> Result<Self, Refusal> {
        let (fbr, fbb) = match params.get("fulfilment-method").map(String::as_str) {
            None | Some("FBR") => (true, false),
            Some("FBB") => (false, true),
            Some("ALL") => (true, true),
            Some(other) => {
                return Err(bad_request(
                    "fulfilment-method",
                    format!("{other:?} is not FBR, FBB or ALL"),
                ))
            }
        };
        let status = match params.get("status").map(String::as_str) {
            None | Some("OPEN") => StatusFilter::Open,
            Some("SHIPPED") => StatusFilter::Shipped,
            Some("ALL") => StatusFilter::All,
            Some(other) => {
                return Err(bad_request(
                    "status",
                    format!("{other:?} is not OPEN, SHIPPED or ALL"),
                ))
            }
        };
        Ok(Self { fbr, fbb, status })
    }

    /// The order with only the items the filter selects (as for a simulated order), or `None`
    /// when it selects none. For raw orders, whose list entry is all there is.
    pub(crate) fn select_items(self, order: &ReducedOrder) -> Option<ReducedOrder> {
        let items: Vec<ReducedOrderItem> = order
            .order_items
            .iter()
            .filter(|item| {
                let method_ok = if item.fulfilment_method == FulfilmentMethod::Fbb {
                    self.fbb
                } else {
                    self.fbr
                };
                let open = item.quantity > item.quantity_shipped + item.quantity_cancelled;
                method_ok
                    && match self.status {
                        StatusFilter::Open => open,
                        StatusFilter::Shipped => item.quantity_shipped > 0,
                        StatusFilter::All => true,
                    }
            })
            .cloned()
            .collect();
        (!items.is_empty()).then(|| ReducedOrder {
            order_items: items,
            ..order.clone()
        })
    }

    /// Whether the list shows this item: bol filters order items, not whole orders, by
    /// fulfilment method, so a mixed order shows only its FBR items under `FBR` (see
    /// https://api.bol.com/retailer/public/Retailer-API/v10/functional/retailer-api/orders-shipments.html,
    /// "Filtering order items by fulfilment method").
    fn item_matches(self, item: &ItemRecord) -> bool {
        let method_ok = if item.fulfilled_by_bol {
            self.fbb
        } else {
            self.fbr
        };
        method_ok
            && match self.status {
                StatusFilter::Open => item.open_quantity() > 0,
                StatusFilter::Shipped => item.quantity_shipped > 0,
                StatusFilter::All => true,
            }
    }
}

/// Whether the list shows this order.
pub(crate) fn order_matches(order: &OrderRecord, filter: ListFilter) -> bool {
    order.items.iter().any(|item| filter.item_matches(item))
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn fulfilment_method(item: &ItemRecord) -> FulfilmentMethod {
    if item.fulfilled_by_bol {
        FulfilmentMethod::Fbb
    } else {
        FulfilmentMethod::Fbr
    }
}

/// An order as the list shows it: only the items the filter selects.
pub(crate) fn reduced_order(order: &OrderRecord, filter: ListFilter) -> ReducedOrder {
    ReducedOrder {
        order_id: order.order_id.clone(),
        order_placed_date_time: timestamp(order.placed_at),
        order_items: order
            .items
            .iter()
            .filter(|item| filter.item_matches(item))
            .map(|item| ReducedOrderItem {
                order_item_id: item.order_item_id.clone(),
                ean: item.ean.clone(),
                fulfilment_method: fulfilment_method(item),
                fulfilment_status: if item.open_quantity() > 0 {
                    "OPEN"
                } else {
                    "HANDLED"
                }
                .to_owned(),
                quantity: item.quantity,
                quantity_shipped: item.quantity_shipped,
                quantity_cancelled: item.quantity_cancelled,
                cancellation_request: item.cancellation_request,
                latest_changed_date_time: timestamp(item.latest_change),
            })
            .collect(),
    }
}

/// Euro cents as the JSON number bol sends (`12.99`).
pub(crate) fn euros(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// A full order with addresses, offers and prices.
pub(crate) fn wire_order(order: &OrderRecord, offers: &[OfferRecord]) -> Order {
    let address = &order.order.address;
    let belgian = address.country_code == "BE";
    let non_empty = |value: &str| (!value.is_empty()).then(|| value.to_owned());
    let email = format!("{}@verkopen.test2.bol.com", order.order_id);
    let shipment_details = ShipmentDetails {
        pickup_point_name: order.order.pickup_point_name.clone(),
        salutation: Some("UNKNOWN".to_owned()),
        first_name: non_empty(&address.first_name),
        surname: non_empty(&address.surname),
        street_name: non_empty(&address.street_name),
        house_number: non_empty(&address.house_number),
        house_number_extension: address.house_number_extension.clone(),
        extra_address_information: None,
        zip_code: non_empty(&address.zip_code),
        city: non_empty(&address.city),
        country_code: Some(address.country_code.to_owned()),
        email: Some(email.clone()),
        company: None,
        delivery_phone_number: None,
        language: Some(if belgian { "nl-BE" } else { "nl" }.to_owned()),
    };
    let billing_details = BillingDetails {
        salutation: Some("UNKNOWN".to_owned()),
        first_name: shipment_details.first_name.clone(),
        surname: shipment_details.surname.clone(),
        street_name: shipment_details.street_name.clone(),
        house_number: shipment_details.house_number.clone(),
        house_number_extension: shipment_details.house_number_extension.clone(),
        extra_address_information: None,
        zip_code: shipment_details.zip_code.clone(),
        city: shipment_details.city.clone(),
        country_code: shipment_details.country_code.clone(),
        email: Some(email),
        ..BillingDetails::default()
    };
    let latest_delivery = order
        .placed_at
        .checked_add_days(Days::new(2))
        .unwrap_or(order.placed_at)
        .format("%Y-%m-%d")
        .to_string();
    let order_items = order
        .items
        .iter()
        .enumerate()
        .map(|(item_idx, item)| {
            let offer = offers
                .iter()
                .find(|o| Some(&o.reference) == item.reference.as_ref() || o.ean == item.ean);
            let discounts: Vec<Discount> = order
                .order
                .discounts
                .iter()
                .filter(|(line_idx, _, _)| *line_idx == item_idx)
                .map(|(_, title, cents)| Discount {
                    title: title.clone(),
                    amount: euros(*cents),
                })
                .collect();
            let discounted: i64 = order
                .order
                .discounts
                .iter()
                .filter(|(line_idx, _, _)| *line_idx == item_idx)
                .map(|(_, _, cents)| cents)
                .sum();
            // totalPrice: what the buyer paid for the item, VAT included, discounts off.
            let total_cents = item.unit_price_cents * i64::from(item.quantity) - discounted;
            OrderOrderItem {
                order_item_id: item.order_item_id.clone(),
                cancellation_request: item.cancellation_request,
                fulfilment: Some(OrderFulfilment {
                    method: fulfilment_method(item),
                    // bol distributes FBB items and "Verzenden via bol" items alike; the
                    // field tells the merchant which items need a bol label (see
                    // https://api.bol.com/retailer/public/Retailer-API/v8/functional/retailer-api/verzenden-via-bol.html,
                    // "Retrieve your Orders").
                    distribution_party: Some(
                        if item.fulfilled_by_bol || item.via_bol {
                            "BOL"
                        } else {
                            "RETAILER"
                        }
                        .to_owned(),
                    ),
                    latest_delivery_date: Some(latest_delivery.clone()),
                    exact_delivery_date: None,
                    expiry_date: None,
                    time_frame_type: Some("REGULAR".to_owned()),
                }),
                offer: Some(OrderOffer {
                    offer_id: offer.map(|o| o.offer_id.clone()),
                    reference: item.reference.clone(),
                }),
                product: Some(OrderProduct {
                    ean: Some(item.ean.clone()),
                    title: Some(item.title.clone()),
                }),
                quantity: item.quantity,
                quantity_shipped: item.quantity_shipped,
                quantity_cancelled: item.quantity_cancelled,
                unit_price: Some(euros(item.unit_price_cents)),
                total_price: Some(euros(total_cents)),
                discounts,
                commission: Some(euros(total_cents / 10)),
                additional_services: Vec::new(),
                latest_changed_date_time: Some(timestamp(item.latest_change)),
            }
        })
        .collect();
    Order {
        order_id: order.order_id.clone(),
        pickup_point: order.order.pickup_point_name.is_some(),
        order_placed_date_time: Some(timestamp(order.placed_at)),
        shipment_details: Some(shipment_details),
        billing_details: Some(billing_details),
        order_items,
    }
}
