//! Raw orders for bad-input tests: details served byte for byte as given (even invalid JSON or
//! UTF-8), listed in the open-orders list with whatever can be read from them, plus the
//! open-orders list as a whole (simulated orders, raw orders, and orders listed twice).

use chrono::{SecondsFormat, Utc};
use serde_json::Value;

use super::orders_wire::{order_matches, reduced_order, ListFilter};
use super::state::State;
use crate::mapping::parse_timestamp;
use crate::wire::{FulfilmentMethod, ReducedOrder, ReducedOrderItem, PAGE_SIZE};

/// An order whose details are served verbatim.
pub(crate) struct RawOrder {
    pub order_id: String,
    pub body: Vec<u8>,
    /// How the open-orders list shows it.
    pub listed: ReducedOrder,
}

impl RawOrder {
    pub(crate) fn new(order_id: &str, body: Vec<u8>) -> Self {
        Self {
            order_id: order_id.to_owned(),
            listed: listed_from_raw(order_id, &body),
            body,
        }
    }
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A list entry that always reads: the details, not the list, are what a test makes bad.
fn listed_from_raw(order_id: &str, body: &[u8]) -> ReducedOrder {
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, false);
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let placed = text(value.get("orderPlacedDateTime"))
        .filter(|raw| parse_timestamp(raw).is_some())
        .unwrap_or_else(|| now.clone());
    let mut items: Vec<ReducedOrderItem> = value
        .get("orderItems")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(idx, item)| ReducedOrderItem {
            order_item_id: text(item.get("orderItemId"))
                .unwrap_or_else(|| format!("{order_id}-{}", idx + 1)),
            ean: text(item.pointer("/product/ean")).unwrap_or_default(),
            fulfilment_method: text(item.pointer("/fulfilment/method"))
                .map_or(FulfilmentMethod::Fbr, |raw| FulfilmentMethod::parse(&raw)),
            fulfilment_status: "OPEN".to_owned(),
            quantity: item
                .get("quantity")
                .and_then(Value::as_u64)
                .and_then(|q| u32::try_from(q).ok())
                .unwrap_or(1)
                .max(1),
            quantity_shipped: 0,
            quantity_cancelled: 0,
            cancellation_request: item
                .get("cancellationRequest")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            latest_changed_date_time: now.clone(),
        })
        .collect();
    if items.is_empty() {
        items.push(ReducedOrderItem {
            order_item_id: format!("{order_id}-1"),
            ean: String::new(),
            fulfilment_method: FulfilmentMethod::Fbr,
            fulfilment_status: "OPEN".to_owned(),
            quantity: 1,
            quantity_shipped: 0,
            quantity_cancelled: 0,
            cancellation_request: false,
            latest_changed_date_time: now,
        });
    }
    ReducedOrder {
        order_id: order_id.to_owned(),
        order_placed_date_time: placed,
        order_items: items,
    }
}

/// The open-orders list for `filter` cut into bol's pages: simulated orders, then raw orders,
/// [`PAGE_SIZE`] *items* a page (the spec's `page` parameter of `GET /retailer/orders`: "a page
/// size of 50 items"), an order never split, so an order of several items counts several and a
/// full page may hold fewer than 50 orders. A second copy of each order listed twice opens the
/// page after its own (or closes the list when there is no later page). Past the last page
/// bol answers an empty page.
pub(crate) fn listed_pages(state: &State, filter: ListFilter) -> Vec<Vec<ReducedOrder>> {
    let mut listed: Vec<ReducedOrder> = state
        .orders
        .iter()
        .filter(|order| order_matches(order, filter))
        .map(|order| reduced_order(order, filter))
        .collect();
    listed.extend(
        state
            .raw_orders
            .iter()
            .filter_map(|raw| filter.select_items(&raw.listed)),
    );
    let mut pages = pages_of_items(listed);
    for order_id in &state.listed_twice {
        let found = pages.iter().enumerate().find_map(|(page_idx, page)| {
            page.iter()
                .find(|o| o.order_id == *order_id)
                .map(|o| (page_idx, o.clone()))
        });
        if let Some((page_idx, copy)) = found {
            match pages.get_mut(page_idx + 1) {
                Some(next) => next.insert(0, copy),
                None => pages[page_idx].push(copy),
            }
        }
    }
    pages
}

/// Whole orders into pages of at most [`PAGE_SIZE`] items (an order of more items alone).
fn pages_of_items(orders: Vec<ReducedOrder>) -> Vec<Vec<ReducedOrder>> {
    let mut pages: Vec<Vec<ReducedOrder>> = Vec::new();
    let mut items_on_page = 0;
    for order in orders {
        let n_items = order.order_items.len();
        match pages.last_mut() {
            Some(page) if items_on_page + n_items <= PAGE_SIZE => {
                items_on_page += n_items;
                page.push(order);
            }
            _ => {
                items_on_page = n_items;
                pages.push(vec![order]);
            }
        }
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order_of(order_id: &str, n_items: usize) -> ReducedOrder {
        let mut order = listed_from_raw(order_id, b"{}");
        let item = order.order_items[0].clone();
        order.order_items = vec![item; n_items];
        order
    }

    #[test]
    fn pages_hold_fifty_items_and_never_split_an_order() {
        let orders: Vec<ReducedOrder> = (0..30).map(|i| order_of(&i.to_string(), 2)).collect();
        let pages = pages_of_items(orders);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].len(), 25);
        assert_eq!(pages[1].len(), 5);
        let big = pages_of_items(vec![order_of("a", 49), order_of("b", 2), order_of("c", 60)]);
        let sizes: Vec<usize> = big.iter().map(Vec::len).collect();
        assert_eq!(sizes, [1, 1, 1]);
    }

    #[test]
    fn readable_parts_of_a_raw_order_are_listed() {
        let body = br#"{"orderId":"X1","orderPlacedDateTime":"2026-11-20T10:15:00+01:00",
            "orderItems":[{"orderItemId":77,"quantity":0,"fulfilment":{"method":"FBB"},
            "product":{"ean":"8712345678906"},"cancellationRequest":true}]}"#;
        let listed = listed_from_raw("X1", body);
        assert_eq!(listed.order_placed_date_time, "2026-11-20T10:15:00+01:00");
        let item = &listed.order_items[0];
        assert_eq!(item.order_item_id, "77");
        assert_eq!(item.quantity, 1);
        assert_eq!(item.fulfilment_method, FulfilmentMethod::Fbb);
        assert!(item.cancellation_request);
    }

    #[test]
    fn unreadable_raw_order_is_listed_with_one_fbr_item() {
        let listed = listed_from_raw("X2", b"\xff not json");
        assert_eq!(listed.order_id, "X2");
        assert_eq!(listed.order_items.len(), 1);
        let item = &listed.order_items[0];
        assert_eq!(item.order_item_id, "X2-1");
        assert_eq!(item.quantity, 1);
        assert_eq!(item.fulfilment_method, FulfilmentMethod::Fbr);
        assert_eq!(item.fulfilment_status, "OPEN");
    }
}
