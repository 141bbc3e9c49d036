//! Recording an import run: the new orders, their lines and their batch, in one transaction,
//! so an order is never half-recorded and never recorded twice.

use std::collections::HashSet;

use orderbridge_core::domain::MarketplaceOrder;

use sqlx::{Any, Transaction};

use super::events::{append, EventKind};
use super::orders::OrderLine;
use super::text::storable;
use super::{Params, Store, StoreError, StoreResult};
use crate::status::{OrderStatus, Step};

impl OrderLine {
    /// The lines of a marketplace order.
    pub fn from_order(order: &MarketplaceOrder) -> Vec<OrderLine> {
        order
            .lines
            .iter()
            .map(|line| OrderLine {
                line_id: line.line_id.to_string(),
                sku: line.sku.as_ref().map(ToString::to_string),
                ean: line.ean.as_ref().map(ToString::to_string),
                title: line.title.clone(),
                quantity: i64::from(line.quantity.get()),
                quantity_shipped: i64::from(line.quantity_shipped),
                quantity_cancelled: i64::from(line.quantity_cancelled),
                unit_price_cents: line.unit_price.cents(),
                currency: line.unit_price.currency().to_string(),
            })
            .collect()
    }
}

/// Writes a line; an existing line (same order and line id) is overwritten.
async fn upsert_line(
    tx: &mut Transaction<'static, Any>,
    order_id: i64,
    line: &OrderLine,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO order_lines (order_id, line_id, sku, ean, title, quantity,
             quantity_shipped, quantity_cancelled, unit_price_cents, currency)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (order_id, line_id) DO UPDATE SET sku = excluded.sku,
             ean = excluded.ean, title = excluded.title, quantity = excluded.quantity,
             quantity_shipped = excluded.quantity_shipped,
             quantity_cancelled = excluded.quantity_cancelled,
             unit_price_cents = excluded.unit_price_cents, currency = excluded.currency",
    )
    .bind(order_id)
    .bind(&line.line_id)
    .bind(line.sku.as_deref().map(|t| storable(t).into_owned()))
    .bind(line.ean.as_deref().map(|t| storable(t).into_owned()))
    .bind(storable(&line.title).into_owned())
    .bind(line.quantity)
    .bind(line.quantity_shipped)
    .bind(line.quantity_cancelled)
    .bind(line.unit_price_cents)
    .bind(&line.currency)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An order found by an import run.
#[derive(Debug, Clone)]
pub struct ImportedOrder {
    /// Our order code.
    pub code: String,
    /// The marketplace's order id.
    pub marketplace_order_id: String,
    /// When it was placed (ms).
    pub placed_at: i64,
    /// The full order, when it could be fetched and read.
    pub details: Option<MarketplaceOrder>,
    /// Its lines.
    pub lines: Vec<OrderLine>,
    /// Initial status.
    pub status: OrderStatus,
    /// Why it starts in `error`.
    pub error: Option<String>,
    /// Initial webshop creation step.
    pub create_step: Step,
    /// Initial cancellation step.
    pub cancel_step: Step,
    /// Who cancelled, when it starts cancelled.
    pub cancel_origin: Option<String>,
    /// First history entry.
    pub note: String,
    /// A test order the merchant made: never sent to a marketplace.
    pub is_test: bool,
}

impl Store {
    /// Which of `ids` are already recorded for the connection.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn known_marketplace_ids(
        &self,
        connection: &str,
        ids: &[String],
    ) -> StoreResult<HashSet<String>> {
        let mut known = HashSet::new();
        for chunk in ids.chunks(200) {
            let marks = Params::from(2).list(chunk.len());
            let sql = format!(
                "SELECT marketplace_order_id FROM orders
                 WHERE connection = $1 AND marketplace_order_id IN ({marks})"
            );
            let mut query = sqlx::query_as::<_, (String,)>(&sql).bind(connection);
            for id in chunk {
                query = query.bind(id.clone());
            }
            known.extend(
                query
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(|(id,)| id),
            );
        }
        Ok(known)
    }

    /// Records orders of one import run in its batch: a new batch when `batch` is `None`, else
    /// the run's batch so far. Orders recorded meanwhile (by another process) are skipped; when
    /// none is left, nothing is written. Returns the batch id and the row ids recorded.
    ///
    /// # Errors
    ///
    /// On database failure; nothing is recorded then.
    pub async fn record_import(
        &self,
        connection: &str,
        orders: &[ImportedOrder],
        batch: Option<i64>,
        now_millis: i64,
    ) -> StoreResult<Option<(i64, Vec<i64>)>> {
        if orders.is_empty() {
            return Ok(None);
        }
        let mut tx = self.write().await?;
        let batch_id: i64 = match batch {
            Some(batch_id) => batch_id,
            None => {
                sqlx::query_scalar(
                    "INSERT INTO batches (connection, created_at, n_orders) VALUES ($1, $2, 0)
                     RETURNING id",
                )
                .bind(connection)
                .bind(now_millis)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        let mut order_ids = Vec::with_capacity(orders.len());
        for order in orders {
            let details = order
                .details
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| StoreError::Corrupt {
                    what: format!("order {} details", order.marketplace_order_id),
                    reason: e.to_string(),
                })?;
            let inserted: Option<i64> = sqlx::query_scalar(
                "INSERT INTO orders (code, connection, marketplace_order_id, batch_id, status,
                     error, placed_at, details, create_step, cancel_step, cancel_origin,
                     created_at, updated_at, is_test)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                 ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(&order.code)
            .bind(connection)
            .bind(&order.marketplace_order_id)
            .bind(batch_id)
            .bind(order.status.as_str())
            .bind(order.error.as_deref().map(|t| storable(t).into_owned()))
            .bind(order.placed_at)
            .bind(details)
            .bind(order.create_step.as_str())
            .bind(order.cancel_step.as_str())
            .bind(&order.cancel_origin)
            .bind(now_millis)
            .bind(now_millis)
            .bind(i64::from(order.is_test))
            .fetch_optional(&mut *tx)
            .await?;
            let Some(order_id) = inserted else {
                continue;
            };
            for line in &order.lines {
                upsert_line(&mut tx, order_id, line).await?;
            }
            append(
                &mut tx,
                order_id,
                now_millis,
                EventKind::Status,
                &order.note,
            )
            .await?;
            order_ids.push(order_id);
        }
        if order_ids.is_empty() {
            tx.rollback().await?;
            return Ok(None);
        }
        sqlx::query("UPDATE batches SET n_orders = n_orders + $1 WHERE id = $2")
            .bind(order_ids.len() as i64)
            .bind(batch_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some((batch_id, order_ids)))
    }

    /// Replaces the stored details and lines of an order (after a re-fetch) with what the
    /// marketplace says now, and adds a history entry. Not guarded: it records facts, no step.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn replace_details(
        &self,
        order_id: i64,
        details: &MarketplaceOrder,
        now_millis: i64,
        note: &str,
    ) -> StoreResult<()> {
        let json = serde_json::to_string(details).map_err(|e| StoreError::Corrupt {
            what: format!("order {order_id} details"),
            reason: e.to_string(),
        })?;
        let mut tx = self.write().await?;
        sqlx::query("UPDATE orders SET details = $1, updated_at = $2 WHERE id = $3")
            .bind(json)
            .bind(now_millis)
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
        for line in OrderLine::from_order(details) {
            upsert_line(&mut tx, order_id, &line).await?;
        }
        append(&mut tx, order_id, now_millis, EventKind::Info, note).await?;
        tx.commit().await?;
        Ok(())
    }
}
