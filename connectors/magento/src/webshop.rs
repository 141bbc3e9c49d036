//! `impl Webshop for MagentoClient`: orders are placed through a guest quote (`checkout.rs`)
//! and found again by our code in `ext_order_id` or in the guest e-mail; orders are read
//! with their shipments' tracks (`tracking.rs`); changed orders are walked by `updated_at`
//! with a moving cursor (an order that changes during the walk moves to its end instead of
//! shifting the pages under us; Magento's times have whole seconds, so a page that ends
//! where it began pages on within that second); cancellation goes through
//! `POST orders/{id}/cancel`, which answers `false` when Magento will not cancel.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use orderbridge_core::domain::{OrderCode, Sku, WebshopOrderId};
use orderbridge_core::webshop::{CreatedOrder, NewOrder, StockLevel, WebshopOrder, WebshopStatus};
use orderbridge_core::{ConnectorError, ConnectorResult, Webshop};
use orderbridge_http::Replay;
use reqwest::Method;

use crate::client::{MagentoClient, PAGE};
use crate::error_mapping::{rejected, VENDOR};
use crate::mapping::{code_of, format_time, order_id, parse_time, status_of};
use crate::search::Search;
use crate::wire::{MagentoOrder, OrderPage};

/// Orders asked for by id in one request.
const IDS_PER_REQUEST: usize = 50;

/// Longest walk of changed orders, in requests.
const MAX_CHANGE_REQUESTS: u32 = 1_000;

/// Magento's `entity_id` of a daemon order id, when it is one (ids are numbers).
fn entity_id(id: &WebshopOrderId) -> Option<u64> {
    id.as_str().parse().ok()
}

impl MagentoClient {
    async fn order_by_entity(&self, id: &WebshopOrderId) -> ConnectorResult<MagentoOrder> {
        let Some(entity) = entity_id(id) else {
            return Err(ConnectorError::NotFound {
                what: format!("Magento order {id} (Magento's order ids are numbers)"),
            });
        };
        self.http
            .get(&format!("orders/{entity}"), "orders/{id}", &[])
            .await
    }

    /// Orders matching `search`, all pages.
    async fn search_orders(&self, search: &Search) -> ConnectorResult<Vec<MagentoOrder>> {
        let mut found = Vec::new();
        self.http
            .walk(
                "orders",
                search,
                |page: OrderPage| (page.items, page.total_count),
                |orders| found.extend(orders),
            )
            .await?;
        Ok(found)
    }
}

impl Webshop for MagentoClient {
    async fn create_order(&self, order: &NewOrder) -> ConnectorResult<CreatedOrder> {
        self.place(order).await
    }

    async fn find_order(
        &self,
        code: &OrderCode,
        created_since: DateTime<Utc>,
    ) -> ConnectorResult<Option<WebshopOrderId>> {
        let since = created_since - self.lookup_margin;
        // One filter group ORs its filters: our code written, or only in the guest e-mail
        // (the creation stopped before `ext_order_id` was written).
        let mut search = Search::new()
            .filter("created_at", "gteq", format_time(since))
            .ascending("created_at")
            .ascending("entity_id");
        search = search.any_of(&[
            ("ext_order_id", "eq", code.as_str().to_owned()),
            ("customer_email", "eq", self.guest_email(code)),
        ]);
        let found: Vec<MagentoOrder> = self
            .search_orders(&search)
            .await?
            .into_iter()
            .filter(|o| code_of(o, &self.guest_email_template).as_ref() == Some(code))
            .collect();
        let Some(order) = found.first() else {
            return Ok(None);
        };
        if found.len() > 1 {
            tracing::warn!(
                code = %code,
                orders = found.len(),
                "several Magento orders carry one order code; the oldest is ours"
            );
        }
        if order.ext_order_id.as_deref() != Some(code.as_str()) {
            tracing::info!(code = %code, order = order.entity_id, "found an order left by an interrupted creation; writing our code to it");
            if let Err(error) = self.mark(order.entity_id, code).await {
                tracing::warn!(code = %code, order = order.entity_id, error = %error, "could not write our order code to ext_order_id");
            }
        }
        Ok(Some(order_id(order.entity_id)?))
    }

    async fn order(&self, id: &WebshopOrderId) -> ConnectorResult<WebshopOrder> {
        let order = self.order_by_entity(id).await?;
        let mut read = self.with_tracking(std::slice::from_ref(&order)).await?;
        read.pop().ok_or_else(|| ConnectorError::NotFound {
            what: format!("Magento order {id}"),
        })
    }

    async fn orders(&self, ids: &[WebshopOrderId]) -> ConnectorResult<Vec<WebshopOrder>> {
        let entities: Vec<u64> = ids.iter().filter_map(entity_id).collect();
        let mut orders = Vec::with_capacity(entities.len());
        for chunk in entities.chunks(IDS_PER_REQUEST) {
            let list: Vec<String> = chunk.iter().map(u64::to_string).collect();
            let search = Search::new()
                .filter("entity_id", "in", list.join(","))
                .ascending("entity_id");
            let found = self.search_orders(&search).await?;
            orders.extend(self.with_tracking(&found).await?);
        }
        Ok(orders)
    }

    async fn changed_orders(&self, since: DateTime<Utc>) -> ConnectorResult<Vec<WebshopOrder>> {
        let mut seen = HashSet::new();
        let mut changed = Vec::new();
        let mut cursor = since;
        let mut current_page: u64 = 1;
        for _ in 0..MAX_CHANGE_REQUESTS {
            let search = Search::new()
                .filter("updated_at", "gteq", format_time(cursor))
                .ascending("updated_at")
                .ascending("entity_id");
            let page: OrderPage = self
                .http
                .get("orders", "orders", &search.query(PAGE, current_page))
                .await?;
            let mut last = None;
            let mut fresh = Vec::new();
            for order in page.items {
                let at = || format!("order {} updated_at", order.entity_id);
                last = parse_time(order.updated_at.as_deref(), at)?.or(last);
                if seen.insert(order.entity_id) {
                    fresh.push(order);
                }
            }
            changed.extend(self.with_tracking(&fresh).await?);
            // Magento answers a page past the end with the last page again: the count ends
            // the walk, not an empty page.
            if current_page.saturating_mul(PAGE) >= page.total_count {
                changed.sort_by_key(|o| o.modified_at);
                return Ok(changed);
            }
            match last {
                Some(last) if last > cursor => {
                    cursor = last;
                    current_page = 1;
                }
                // A whole page within one second: page on within it.
                _ => current_page += 1,
            }
        }
        tracing::warn!("stopped walking changed Magento orders at the request limit");
        changed.sort_by_key(|o| o.modified_at);
        Ok(changed)
    }

    async fn cancel_order(&self, id: &WebshopOrderId) -> ConnectorResult<()> {
        let before = self.order_by_entity(id).await?;
        match status_of(&before) {
            WebshopStatus::Cancelled => return Ok(()),
            // Magento would cancel what is left of an order shipped but not invoiced; a
            // shipped order is the marketplace's to settle, never cancelled here.
            WebshopStatus::Completed => {
                return Err(rejected(format!(
                    "Magento order {id} has shipped ({}); it cannot be cancelled",
                    before.state.as_deref().unwrap_or("no state")
                )))
            }
            WebshopStatus::Open => {}
        }
        let entity = before.entity_id;
        // Cancelling is idempotent in effect (a second call answers `false`, read below).
        let cancelled: bool = self
            .http
            .send(
                Method::POST,
                &format!("orders/{entity}/cancel"),
                "orders/{id}/cancel",
                &serde_json::json!({}),
                Replay::Safe,
            )
            .await?;
        if cancelled {
            return Ok(());
        }
        // `false`: Magento's `Order::canCancel` said no — or it was cancelled meanwhile.
        let after = self.order_by_entity(id).await?;
        if status_of(&after) == WebshopStatus::Cancelled {
            return Ok(());
        }
        Err(ConnectorError::Rejected {
            vendor: VENDOR.to_owned(),
            message: format!(
                "Magento refused to cancel order {id} (state {}, status {}): it is invoiced, \
                 shipped, on hold or in payment review",
                after.state.as_deref().unwrap_or("unknown"),
                after.status.as_deref().unwrap_or("unknown")
            ),
        })
    }

    async fn stock_levels(&self, skus: &[Sku]) -> ConnectorResult<Vec<StockLevel>> {
        self.stock_of(skus).await
    }
}
