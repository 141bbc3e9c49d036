//! The append-only history of each order: every step, call, error and status change, with
//! its time.

use serde::Serialize;
use sqlx::{Any, Transaction};

use super::text::storable;
use super::{Store, StoreResult};

/// What kind of history entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The order changed status.
    Status,
    /// A call to a vendor API and its outcome.
    Call,
    /// A failure (temporary or not).
    Error,
    /// Anything else worth knowing.
    Info,
    /// A merchant's note on the order.
    Note,
}

impl EventKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::Call => "call",
            Self::Error => "error",
            Self::Info => "info",
            Self::Note => "note",
        }
    }
}

/// One history entry.
#[derive(Debug, Clone, Serialize)]
pub struct OrderEvent {
    /// When, in milliseconds since the epoch.
    pub at: i64,
    /// Kind (`status`, `call`, `error`, `info`, `note`).
    pub kind: String,
    /// What happened.
    pub message: String,
}

pub(super) async fn append(
    tx: &mut Transaction<'static, Any>,
    order_id: i64,
    at: i64,
    kind: EventKind,
    message: &str,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO order_events (order_id, at, kind, message) VALUES ($1, $2, $3, $4)")
        .bind(order_id)
        .bind(at)
        .bind(kind.as_str())
        .bind(storable(message).into_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// Adds a history entry to an order.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn add_event(
        &self,
        order_id: i64,
        at: i64,
        kind: EventKind,
        message: &str,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        append(&mut tx, order_id, at, kind, message).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The history of an order, oldest first.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn history(&self, order_id: i64) -> StoreResult<Vec<OrderEvent>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT at, kind, message FROM order_events WHERE order_id = $1 ORDER BY id",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(at, kind, message)| OrderEvent { at, kind, message })
            .collect())
    }
}
