//! Reading WooCommerce orders in bulk for the track job: the orders modified since a time, by a
//! keyset walk over `date_modified`, and several orders by id at once (`include=`).
//!
//! Why a keyset walk: the orders list sorted by `modified` is a moving target. An order the
//! merchant edits while we page moves to the end of the list, every order behind it slides one
//! place forward, and the one that slides over a page boundary is never served by a walk over
//! page numbers. So each full page is followed by a new query from the newest modification
//! time seen (`modified_after` compares strictly at whole seconds, so the query starts one
//! second below it and orders of the boundary second come again; they are merged by id). A
//! page whose orders all share one second cannot move the bound: then the walk pages on within
//! the same query. It stops at a short page (that `X-WP-TotalPages` does not contradict).
//!
//! Source: woocommerce/woocommerce
//! `plugins/woocommerce/includes/rest-api/Controllers/Version3/class-wc-rest-crud-controller.php`
//! (`get_collection_params`: `include` is a list of integer ids, `per_page` at most 100,
//! `orderby` accepts `modified` and `include`, `dates_are_gmt` makes `modified_after` compare
//! `post_modified_gmt`; `prepare_objects_query`: `include` becomes `post__in`, a `modified` sort
//! gets the id as tie-breaker).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use orderbridge_core::domain::WebshopOrderId;
use orderbridge_core::webshop::WebshopOrder;
use orderbridge_core::ConnectorResult;

use crate::client::{Reply, WooClient, PER_PAGE};
use crate::mapping::{format_gmt, order_code_from_meta, order_from_wire, parse_gmt};
use crate::wire::{WooList, WooOrder};

pub(crate) const ORDERS_PATH: &str = "wc/v3/orders";

/// At most this many list requests in one walk (100 orders each): a shop changing orders
/// faster than we read them must not hold the track job for ever. What was read is returned;
/// it is a prefix in modification order, so the watermark does not pass what was not read.
const MAX_LIST_REQUESTS: u32 = 1_000;

/// Orders seen in a walk, each in its newest copy, in the order first seen.
#[derive(Debug, Default)]
struct Seen {
    orders: Vec<WooOrder>,
    position_by_id: HashMap<u64, usize>,
}

impl Seen {
    fn merge(&mut self, page: Vec<WooOrder>) {
        for order in page {
            match self.position_by_id.get(&order.id) {
                Some(&position) => self.orders[position] = order,
                None => {
                    self.position_by_id.insert(order.id, self.orders.len());
                    self.orders.push(order);
                }
            }
        }
    }
}

fn modified_of(order: &WooOrder) -> Option<DateTime<Utc>> {
    order.date_modified_gmt.as_deref().and_then(parse_gmt)
}

impl WooClient {
    /// Every order modified after `lower` (exclusive, whole seconds), by keyset walk.
    pub(crate) async fn walk_modified_after(
        &self,
        mut lower: DateTime<Utc>,
    ) -> ConnectorResult<Vec<WooOrder>> {
        let mut seen = Seen::default();
        let mut page: u32 = 1;
        for _ in 0..MAX_LIST_REQUESTS {
            let query = [
                ("modified_after", format_gmt(lower)),
                ("dates_are_gmt", "true".to_owned()),
                ("orderby", "modified".to_owned()),
                ("order", "asc".to_owned()),
                ("per_page", PER_PAGE.to_string()),
                ("page", page.to_string()),
            ];
            let reply: Reply<WooList<WooOrder>> = self.http.get(ORDERS_PATH, &query).await?;
            let items = reply.body.0;
            // A shop may serve fewer per page than asked (a plugin or setting caps it):
            // `X-WP-TotalPages` then still says there is more.
            let more = items.len() >= PER_PAGE as usize
                || reply.total_pages.is_some_and(|total| total > page);
            let newest = items.iter().filter_map(modified_of).max();
            let empty = items.is_empty();
            seen.merge(items);
            if !more || empty {
                return Ok(seen.orders);
            }
            match newest.map(|newest| newest - Duration::seconds(1)) {
                Some(next) if next > lower => {
                    lower = next;
                    page = 1;
                }
                // The whole page is one second (or its dates are unreadable): page on.
                _ => page += 1,
            }
        }
        tracing::warn!(
            requests = MAX_LIST_REQUESTS,
            "stopped walking the changed WooCommerce orders; the rest comes next run"
        );
        Ok(seen.orders)
    }

    /// The orders with these ids that exist, read `PER_PAGE` at a time with `include=`.
    pub(crate) async fn orders_by_id(&self, numbers: &[u64]) -> ConnectorResult<Vec<WooOrder>> {
        let mut found = Vec::with_capacity(numbers.len());
        for chunk in numbers.chunks(PER_PAGE as usize) {
            let ids: Vec<String> = chunk.iter().map(u64::to_string).collect();
            let query = [
                ("include", ids.join(",")),
                ("orderby", "include".to_owned()),
                ("per_page", PER_PAGE.to_string()),
            ];
            let reply: Reply<WooList<WooOrder>> = self.http.get(ORDERS_PATH, &query).await?;
            // A shop may answer with more than was asked (a plugin filtering the query):
            // only the ids asked count.
            found.extend(reply.body.0.into_iter().filter(|o| chunk.contains(&o.id)));
        }
        Ok(found)
    }

    /// The daemon's view of `wires`, with their tracking. One order whose tracking cannot be
    /// read now does not fail the others: it is returned marked `tracking_unavailable`.
    ///
    /// # Errors
    ///
    /// When an order cannot be read, or its tracking fails for good.
    pub(crate) async fn with_tracking(
        &self,
        wires: &[WooOrder],
    ) -> ConnectorResult<Vec<WebshopOrder>> {
        let mut orders = Vec::with_capacity(wires.len());
        for wire in wires {
            let ours = order_code_from_meta(&wire.meta_data).is_some();
            let order = match self.tracking_of(wire, ours).await {
                Ok(tracking) => order_from_wire(wire, tracking)?,
                Err(error) if error.is_retryable() => {
                    tracing::warn!(
                        order_id = wire.id,
                        error = %error,
                        "tracking of a WooCommerce order unreadable for now"
                    );
                    let mut order = order_from_wire(wire, Vec::new())?;
                    order.tracking_unavailable = true;
                    order
                }
                Err(error) => return Err(error),
            };
            orders.push(order);
        }
        Ok(orders)
    }
}

/// The WooCommerce numbers of `ids`; ids that are not numbers cannot be WooCommerce orders and
/// are left out (as deleted ones are).
pub(crate) fn order_numbers(ids: &[WebshopOrderId]) -> Vec<u64> {
    ids.iter()
        .filter_map(|id| id.as_str().parse().ok())
        .collect()
}
