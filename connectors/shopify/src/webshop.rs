//! `impl Webshop for ShopifyClient`.
//!
//! - Create: the lines' variants are resolved, then one `orderCreate` (sent again only when
//!   Shopify provably did not run it). Our code is the order's custom id
//!   `orderbridge.order_code` (type `id`, unique; `custom_id.rs`) and its `sourceIdentifier`.
//!   A refused creation is first looked up by that custom id: Shopify refuses a second order
//!   carrying a code that is taken, and that order is the one an earlier attempt made, so it
//!   is the answer (never a second order).
//! - Find: `orderByIdentifier` by the custom id, a direct read that does not wait for the
//!   search index. Only when it finds nothing, the search
//!   `orders(query: "source_identifier:\"CODE\" AND created_at:>='…'")` for orders created by
//!   connector versions before the custom id, every hit checked on the order itself (the
//!   search is an index, and an unknown filter would be ignored rather than refused). See
//!   `VENDOR.md` §Finding an order again.
//! - Changed orders: `orders(sortKey: UPDATED_AT, query: "updated_at:>='…'")` with cursor
//!   paging to the last page, from `since` minus [`INDEX_LAG_OVERLAP`]: the search is an index
//!   too, and a change indexed late would otherwise fall behind the caller's watermark.
//! - Cancel: nothing to do when `cancelledAt` is set; refused for a fulfilled order (Shopify
//!   cannot cancel one); else `orderCancel` without a mail to the buyer, restocking, the
//!   payment marked refunded (the marketplace refunds the buyer). Shopify cancels in a job: the
//!   order reads as cancelled once the job ran.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use orderbridge_core::domain::{OrderCode, Sku, WebshopOrderId};
use orderbridge_core::webshop::{CreatedOrder, NewOrder, StockLevel, WebshopOrder, WebshopStatus};
use orderbridge_core::{ConnectorError, ConnectorResult, Webshop};
use orderbridge_http::Replay;
use serde_json::json;

use crate::client::ShopifyClient;
use crate::error_mapping::{describe, rejected, user_errors};
use crate::mapping::{code_of, create_options, order_from_wire, order_input};
use crate::queries::{
    search_value, Operation, CHANGED_ORDERS, FIND_ORDERS, IDS_PER_REQUEST, ORDER, ORDERS,
    ORDER_CANCEL, ORDER_CREATE, ORDER_PAGE,
};
use crate::wire::{self, NodesData, OrderCancelData, OrderCreateData, OrderData, OrdersData};

/// Longest walk of an order list, in pages.
const MAX_PAGES: u32 = 1_000;

/// How far before `since` the changed orders are searched. `orders(query: "updated_at:>=…")`
/// reads Shopify's search index, which takes a moment to catch up with a change
/// (`VENDOR.md` §Finding an order again): a change indexed after a later change was already
/// seen would otherwise fall behind the caller's watermark and never be read. Orders changed
/// before `since` come back more than once; the engine applies a state it already applied as
/// nothing new (`src/engine/track.rs`: guarded transitions, a watermark that only moves on).
pub(crate) const INDEX_LAG_OVERLAP: chrono::Duration = chrono::Duration::minutes(5);

fn iso(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl ShopifyClient {
    /// Every order of a search, page after page, oldest first by the operation's sort key.
    async fn walk(&self, operation: &Operation, query: &str) -> ConnectorResult<Vec<wire::Order>> {
        let mut orders = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let data: OrdersData = self
                .core
                .run(
                    operation,
                    json!({ "query": query, "first": ORDER_PAGE, "after": after }),
                    Replay::Safe,
                )
                .await?;
            let page = data.orders;
            orders.extend(page.nodes);
            match page.page_info.end_cursor {
                Some(cursor) if page.page_info.has_next_page => after = Some(cursor),
                _ => return Ok(orders),
            }
        }
        tracing::warn!(
            operation = operation.name,
            "stopped walking Shopify orders at the page limit"
        );
        Ok(orders)
    }
}

/// Whether Shopify's `userErrors` say a value is taken. `OrderCreateUserErrorCode` has no code
/// for it (shopify.dev/docs/api/admin-graphql/latest/enums/OrderCreateUserErrorCode: `INVALID`,
/// `PROCESSED_AT_INVALID`, …; `TAKEN` is "The input value is already taken." in
/// `MetafieldsSetUserErrorCode`), so the message is read too. Only the wording of the refusal
/// depends on it: the lookup by custom id decides.
fn says_code_taken(errors: &[wire::UserError]) -> bool {
    errors.iter().any(|e| {
        e.code.as_deref() == Some("TAKEN") || e.message.to_ascii_lowercase().contains("taken")
    })
}

impl ShopifyClient {
    /// `orderCreate` answered `userErrors`. When an order already carries our code, Shopify
    /// refused a second one (the custom id is unique): an earlier attempt created it, and it is
    /// the answer. Otherwise the refusal stands.
    async fn refused_create(
        &self,
        code: &OrderCode,
        errors: &[wire::UserError],
    ) -> ConnectorResult<CreatedOrder> {
        if let Some(existing) = self.order_by_code(code).await? {
            tracing::warn!(
                code = %code,
                order = %existing.id,
                "Shopify refused a second order with our code; the order an earlier attempt \
                 created is ours"
            );
            return created(Some(&existing));
        }
        if says_code_taken(errors) {
            return Err(rejected(format!(
                "orderCreate refused our order code {code} as taken, but no order readable by \
                 this app carries it (Shopify shows apps only the last 60 days of orders \
                 without read_all_orders): not created again; look for the order in the \
                 Shopify admin ({})",
                describe(errors)
            )));
        }
        Err(user_errors("orderCreate", errors))
    }
}

/// A created order's answer, read after Shopify acted: what cannot be read is "created, but
/// unknown", never a refusal (the engine then looks the order up before anything else).
fn created(order: Option<&wire::Order>) -> ConnectorResult<CreatedOrder> {
    let acted = |detail: String| ConnectorError::Transient {
        message: format!("orderCreate ran but its answer could not be read: {detail}"),
    };
    let order = order.ok_or_else(|| acted("no order and no userErrors".into()))?;
    let read = order_from_wire(order).map_err(|e| acted(e.to_string()))?;
    Ok(CreatedOrder {
        id: read.id,
        total: read.total,
    })
}

impl Webshop for ShopifyClient {
    async fn create_order(&self, order: &NewOrder) -> ConnectorResult<CreatedOrder> {
        self.ensure_code_definition().await?;
        let variant_ids = self.resolve_variants(&order.lines).await?;
        let input = order_input(order, &variant_ids, self.vat_rate_percent)?;
        let data: OrderCreateData = self
            .core
            .run(
                &ORDER_CREATE,
                json!({ "order": input, "options": create_options() }),
                Replay::OnlyIfUnsent,
            )
            .await?;
        let payload = data.order_create;
        if !payload.user_errors.is_empty() {
            return self.refused_create(&order.code, &payload.user_errors).await;
        }
        created(payload.order.as_ref())
    }

    async fn find_order(
        &self,
        code: &OrderCode,
        created_since: DateTime<Utc>,
    ) -> ConnectorResult<Option<WebshopOrderId>> {
        if let Some(order) = self.order_by_code(code).await? {
            return order_from_wire(&order).map(|read| Some(read.id));
        }
        // Orders created before the custom id carry the code only as source identifier.
        let since = created_since - self.lookup_margin;
        let query = format!(
            "source_identifier:{} AND created_at:>='{}'",
            search_value(code.as_str()),
            iso(since)
        );
        let found: Vec<wire::Order> = self
            .walk(&FIND_ORDERS, &query)
            .await?
            .into_iter()
            .filter(|o| code_of(o).as_ref() == Some(code))
            .collect();
        if found.len() > 1 {
            tracing::warn!(
                code = %code,
                orders = found.len(),
                "several Shopify orders carry one order code; the oldest is ours"
            );
        }
        found
            .first()
            .map(|o| order_from_wire(o).map(|read| read.id))
            .transpose()
    }

    async fn order(&self, id: &WebshopOrderId) -> ConnectorResult<WebshopOrder> {
        let data: OrderData = self
            .core
            .run(&ORDER, json!({ "id": id.as_str() }), Replay::Safe)
            .await?;
        match data.order {
            Some(order) => order_from_wire(&order),
            None => Err(ConnectorError::NotFound {
                what: format!("Shopify order {id}"),
            }),
        }
    }

    async fn orders(&self, ids: &[WebshopOrderId]) -> ConnectorResult<Vec<WebshopOrder>> {
        let mut orders = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_REQUEST) {
            let ids: Vec<&str> = chunk.iter().map(WebshopOrderId::as_str).collect();
            let data: NodesData = self
                .core
                .run(&ORDERS, json!({ "ids": ids }), Replay::Safe)
                .await?;
            for order in data.nodes.iter().flatten() {
                orders.push(order_from_wire(order)?);
            }
        }
        Ok(orders)
    }

    async fn changed_orders(&self, since: DateTime<Utc>) -> ConnectorResult<Vec<WebshopOrder>> {
        let query = format!("updated_at:>='{}'", iso(since - INDEX_LAG_OVERLAP));
        // Shopify's times have whole seconds: within one, the walk's order (Shopify's own) is
        // kept. An order changed during the walk shows up again later; its later reading
        // counts, at its later place.
        let mut changed: Vec<Option<WebshopOrder>> = Vec::new();
        let mut place: HashMap<String, usize> = HashMap::new();
        for order in self.walk(&CHANGED_ORDERS, &query).await? {
            let read = order_from_wire(&order)?;
            if let Some(earlier) = place.insert(order.id, changed.len()) {
                changed[earlier] = None;
            }
            changed.push(Some(read));
        }
        let mut changed: Vec<WebshopOrder> = changed.into_iter().flatten().collect();
        changed.sort_by_key(|o| o.modified_at);
        Ok(changed)
    }

    async fn cancel_order(&self, id: &WebshopOrderId) -> ConnectorResult<()> {
        match self.order(id).await?.status {
            WebshopStatus::Cancelled => return Ok(()),
            WebshopStatus::Completed => {
                return Err(rejected(format!(
                    "Shopify order {id} is fulfilled, and Shopify cannot cancel a fulfilled \
                     order: cancel its fulfilment in the Shopify admin first"
                )))
            }
            WebshopStatus::Open => {}
        }
        let data: OrderCancelData = self
            .core
            .run(
                &ORDER_CANCEL,
                json!({
                    "orderId": id.as_str(),
                    "reason": "OTHER",
                    "refundMethod": { "originalPaymentMethodsRefund": true },
                    "restock": true,
                    "notifyCustomer": false,
                    "staffNote": "Cancelled through orderbridge: the marketplace order was cancelled.",
                }),
                // Cancelling twice does no harm: the second is refused and read below.
                Replay::Safe,
            )
            .await?;
        let payload = data.order_cancel;
        if payload.order_cancel_user_errors.is_empty() {
            if let Some(job) = &payload.job {
                tracing::info!(order = %id, job = %job.id, done = job.done, "Shopify is cancelling the order");
            }
            return Ok(());
        }
        // An earlier attempt may have cancelled it already.
        if self.order(id).await?.status == WebshopStatus::Cancelled {
            return Ok(());
        }
        Err(user_errors(
            "orderCancel",
            &payload.order_cancel_user_errors,
        ))
    }

    async fn stock_levels(&self, skus: &[Sku]) -> ConnectorResult<Vec<StockLevel>> {
        self.stock_of(skus).await
    }
}
