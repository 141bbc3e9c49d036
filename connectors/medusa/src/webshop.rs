//! `impl Webshop for MedusaClient`: an order is created as a draft order and converted to an
//! order (Medusa's admin way of placing an order for someone else); our code goes into its
//! metadata. Metadata cannot be filtered on, so an order that may have been created (a lost
//! answer, a crash) is found again among the orders and drafts of our sales channel created
//! since the attempt, matched on that metadata; a draft found that way is converted then.
//! Changed orders are walked by `updated_at` with a moving cursor (an order that changes
//! during the walk moves to its end instead of shifting the pages under us).

use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat, Utc};
use orderbridge_core::domain::{OrderCode, Sku, WebshopOrderId};
use orderbridge_core::webshop::{CreatedOrder, NewOrder, StockLevel, WebshopOrder, WebshopStatus};
use orderbridge_core::{ConnectorError, ConnectorResult, Webshop};
use orderbridge_http::Replay;

use crate::client::{MedusaClient, PAGE};
use crate::mapping::{code_of, order_from_wire, order_to_wire};
use crate::wire::{DraftOrderReply, MedusaOrder, OrderPage, OrderReply};

/// Fields an order is read with: what [`order_from_wire`] needs, fulfilments and their labels
/// included.
pub(crate) const ORDER_FIELDS: &str = "id,display_id,status,fulfillment_status,email,\
currency_code,metadata,created_at,updated_at,canceled_at,total,\
*fulfillments,*fulfillments.labels";

/// Orders asked for by id in one request.
const IDS_PER_REQUEST: usize = 50;

/// Longest walk of changed orders, in requests.
const MAX_CHANGE_REQUESTS: u32 = 1_000;

fn iso(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl MedusaClient {
    fn created(order: &MedusaOrder) -> ConnectorResult<CreatedOrder> {
        let read = order_from_wire(order)?;
        Ok(CreatedOrder {
            id: read.id,
            total: read.total,
        })
    }

    /// Turns draft `draft_id` into an order.
    async fn convert(&self, draft_id: &str) -> ConnectorResult<CreatedOrder> {
        let path = format!("draft-orders/{draft_id}/convert-to-order");
        let reply: OrderReply = self
            .http
            .post(
                &path,
                "draft-orders/{id}/convert-to-order",
                &[("fields", ORDER_FIELDS.to_owned())],
                &serde_json::json!({}),
                Replay::OnlyIfUnsent,
            )
            .await?;
        Self::created(&reply.order)
    }

    /// Orders (or drafts: `draft-orders`) of our sales channel created since `since` that
    /// carry `code`.
    async fn with_code(
        &self,
        list: &str,
        code: &OrderCode,
        since: DateTime<Utc>,
    ) -> ConnectorResult<Vec<MedusaOrder>> {
        let mut found = Vec::new();
        self.http
            .walk(
                list,
                list,
                &[
                    ("sales_channel_id[]", self.sales_channel_id.clone()),
                    ("created_at[$gte]", iso(since)),
                    ("order", "created_at".to_owned()),
                    ("fields", ORDER_FIELDS.to_owned()),
                ],
                |page: OrderPage| (page.orders, page.count),
                |orders| {
                    found.extend(
                        orders
                            .into_iter()
                            .filter(|o| code_of(o).as_ref() == Some(code)),
                    );
                },
            )
            .await?;
        Ok(found)
    }
}

impl Webshop for MedusaClient {
    async fn create_order(&self, order: &NewOrder) -> ConnectorResult<CreatedOrder> {
        let mut variant_ids = Vec::with_capacity(order.lines.len());
        for line in &order.lines {
            let variant = self
                .resolve_variant(line.sku.as_ref(), line.ean.as_ref())
                .await?;
            variant_ids.push(variant.id);
        }
        let body = order_to_wire(
            order,
            &variant_ids,
            &self.region_id,
            &self.sales_channel_id,
            &self.shipping_option_id,
        )?;
        let draft: DraftOrderReply = match self
            .http
            .post(
                "draft-orders",
                "draft-orders",
                &[("fields", "id".to_owned())],
                &body,
                Replay::OnlyIfUnsent,
            )
            .await
        {
            Err(ConnectorError::NotFound { what }) => {
                // A variant deleted since it was resolved: resolve afresh next time.
                self.variants.clear();
                return Err(ConnectorError::NotFound { what });
            }
            // Medusa checks stock when the draft is made and does not say which variant is
            // short (`scripts/medusa/FACTS.md` §b): name the order's lines for the merchant.
            Err(ConnectorError::Rejected { vendor, message })
                if message.contains("required inventory") =>
            {
                let lines: Vec<String> = order
                    .lines
                    .iter()
                    .map(|l| {
                        format!(
                            "{} × {}",
                            l.quantity.get(),
                            l.sku.as_ref().map_or(l.title.as_str(), Sku::as_str)
                        )
                    })
                    .collect();
                return Err(ConnectorError::Rejected {
                    vendor,
                    message: format!(
                        "Medusa has too little stock for this order ({}): raise the stock or                          allow backorders for the variant, then resend ({message})",
                        lines.join(", ")
                    ),
                });
            }
            other => other?,
        };
        self.convert(&draft.draft_order.id).await
    }

    async fn find_order(
        &self,
        code: &OrderCode,
        created_since: DateTime<Utc>,
    ) -> ConnectorResult<Option<WebshopOrderId>> {
        let since = created_since - self.lookup_margin;
        let orders = self.with_code("orders", code, since).await?;
        if let Some(order) = orders.first() {
            if orders.len() > 1 {
                tracing::warn!(
                    code = %code,
                    orders = orders.len(),
                    "several Medusa orders carry one order code; the oldest is ours"
                );
            }
            return Ok(Some(order_from_wire(order)?.id));
        }
        // Created as a draft but never converted (the answer to the conversion was lost, or
        // the daemon stopped between the two calls): convert it now.
        let drafts = self.with_code("draft-orders", code, since).await?;
        match drafts.iter().find(|d| d.status.as_deref() == Some("draft")) {
            Some(draft) => {
                tracing::info!(code = %code, draft = %draft.id, "converting a draft order left by an interrupted creation");
                Ok(Some(self.convert(&draft.id).await?.id))
            }
            None => Ok(None),
        }
    }

    async fn order(&self, id: &WebshopOrderId) -> ConnectorResult<WebshopOrder> {
        let reply: OrderReply = self
            .http
            .get(
                &format!("orders/{}", id.as_str()),
                "orders/{id}",
                &[("fields", ORDER_FIELDS.to_owned())],
            )
            .await?;
        order_from_wire(&reply.order)
    }

    async fn orders(&self, ids: &[WebshopOrderId]) -> ConnectorResult<Vec<WebshopOrder>> {
        let mut orders = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_REQUEST) {
            let mut query: Vec<(&str, String)> = chunk
                .iter()
                .map(|id| ("id[]", id.as_str().to_owned()))
                .collect();
            query.push(("fields", ORDER_FIELDS.to_owned()));
            let mut page = Vec::new();
            self.http
                .walk(
                    "orders",
                    "orders",
                    &query,
                    |reply: OrderPage| (reply.orders, reply.count),
                    |found| page.extend(found),
                )
                .await?;
            for order in &page {
                orders.push(order_from_wire(order)?);
            }
        }
        Ok(orders)
    }

    async fn changed_orders(&self, since: DateTime<Utc>) -> ConnectorResult<Vec<WebshopOrder>> {
        let mut seen = HashSet::new();
        let mut changed = Vec::new();
        let mut cursor = since;
        // Orders already passed at the cursor's exact time (more than a page of them).
        let mut offset: u64 = 0;
        for _ in 0..MAX_CHANGE_REQUESTS {
            let page: OrderPage = self
                .http
                .get(
                    "orders",
                    "orders",
                    &[
                        ("updated_at[$gte]", iso(cursor)),
                        ("order", "updated_at".to_owned()),
                        ("limit", PAGE.to_string()),
                        ("offset", offset.to_string()),
                        ("fields", ORDER_FIELDS.to_owned()),
                    ],
                )
                .await?;
            let full = page.orders.len() as u64 >= PAGE;
            let mut last = None;
            for order in &page.orders {
                let mapped = order_from_wire(order)?;
                last = mapped.modified_at.or(last);
                if seen.insert(order.id.clone()) {
                    changed.push(mapped);
                }
            }
            if !full {
                changed.sort_by_key(|o| o.modified_at);
                return Ok(changed);
            }
            match last {
                Some(last) if last > cursor => {
                    cursor = last;
                    offset = 0;
                }
                // A whole page at one time: page on within it.
                _ => offset += PAGE,
            }
        }
        tracing::warn!("stopped walking changed Medusa orders at the request limit");
        changed.sort_by_key(|o| o.modified_at);
        Ok(changed)
    }

    async fn cancel_order(&self, id: &WebshopOrderId) -> ConnectorResult<()> {
        if self.order(id).await?.status == WebshopStatus::Cancelled {
            return Ok(());
        }
        let path = format!("orders/{}/cancel", id.as_str());
        let sent: ConnectorResult<OrderReply> = self
            .http
            .post(
                &path,
                "orders/{id}/cancel",
                &[("fields", ORDER_FIELDS.to_owned())],
                &serde_json::json!({}),
                Replay::Safe,
            )
            .await;
        match sent {
            Ok(_) => Ok(()),
            // A retried cancel that had already worked is refused as not allowed: look.
            Err(refused @ ConnectorError::Rejected { .. }) => match self.order(id).await?.status {
                WebshopStatus::Cancelled => Ok(()),
                _ => Err(refused),
            },
            Err(other) => Err(other),
        }
    }

    async fn stock_levels(&self, skus: &[Sku]) -> ConnectorResult<Vec<StockLevel>> {
        self.stock_of(skus).await
    }
}
