//! Printed marketplace labels ("Verzenden via bol"): the PDF of each bought label, kept per
//! order so an order's or a whole batch's labels download without asking the marketplace
//! again. Written before the order's label step moves to `done`, so a crash in between only
//! means the label is fetched and written once more.

use chrono::{DateTime, Utc};
use orderbridge_core::domain::{OrderCode, ShippingLabelId};
use sqlx::Row;

use super::{Store, StoreError, StoreResult};
use crate::clock::to_millis;
use crate::status::OrderStatus;

/// A stored label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLabel {
    /// The order's row id.
    pub order_id: i64,
    /// The order's code.
    pub code: OrderCode,
    /// The order's status now.
    pub status: OrderStatus,
    /// The marketplace's label id.
    pub label_id: ShippingLabelId,
    /// The label as printed (PDF).
    pub pdf: Vec<u8>,
}

fn read_label(row: &sqlx::any::AnyRow) -> StoreResult<StoredLabel> {
    let corrupt = |column: &str, reason: String| StoreError::Corrupt {
        what: format!("shipping_labels.{column}"),
        reason,
    };
    let code: String = row.try_get("code")?;
    let status: String = row.try_get("status")?;
    let label_id: String = row.try_get("label_id")?;
    Ok(StoredLabel {
        order_id: row.try_get("order_id")?,
        code: OrderCode::parse(&code).map_err(|e| corrupt("code", e.to_string()))?,
        status: status
            .parse()
            .map_err(|e| corrupt("status", format!("{e}")))?,
        label_id: ShippingLabelId::parse(&label_id)
            .map_err(|e| corrupt("label_id", e.to_string()))?,
        pdf: row.try_get("pdf")?,
    })
}

impl Store {
    /// Keeps the printed label of an order (replacing one kept before).
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn save_label(
        &self,
        order_id: i64,
        label_id: &ShippingLabelId,
        pdf: &[u8],
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO shipping_labels (order_id, label_id, pdf, fetched_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (order_id) DO UPDATE
             SET label_id = excluded.label_id, pdf = excluded.pdf, fetched_at = excluded.fetched_at",
        )
        .bind(order_id)
        .bind(label_id.as_str())
        .bind(pdf)
        .bind(to_millis(at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The kept label of one order, if it has one.
    ///
    /// # Errors
    ///
    /// On database failure or an unreadable row.
    pub async fn label_of(&self, order_id: i64) -> StoreResult<Option<StoredLabel>> {
        let row = sqlx::query(
            "SELECT l.order_id, o.code, o.status, l.label_id, l.pdf FROM shipping_labels l
             JOIN orders o ON o.id = l.order_id WHERE l.order_id = $1",
        )
        .bind(order_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(read_label).transpose()
    }

    /// The kept labels of a batch's orders, oldest order first (the order the pick & pack list
    /// packs them in).
    ///
    /// # Errors
    ///
    /// On database failure or an unreadable row.
    pub async fn batch_labels(&self, batch_id: i64) -> StoreResult<Vec<StoredLabel>> {
        let rows = sqlx::query(
            "SELECT l.order_id, o.code, o.status, l.label_id, l.pdf FROM shipping_labels l
             JOIN orders o ON o.id = l.order_id WHERE o.batch_id = $1 ORDER BY o.id",
        )
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_label).collect()
    }
}
