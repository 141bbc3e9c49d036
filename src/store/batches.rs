//! Batches: the orders of one import run, with a status derived from those orders
//! (`processing`, `failed`, `completed`), so a resent order completes its batch by itself.

use serde::Serialize;

use super::{Store, StoreResult};
use crate::status::BatchStatus;

/// How many orders of a batch stand where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OrderCounts {
    /// Orders in the batch.
    pub total: i64,
    /// Created in the webshop (or not needed there any more).
    pub done: i64,
    /// In `error` before reaching the webshop.
    pub failed: i64,
    /// With a bought marketplace label.
    pub labels: i64,
}

/// A batch with its derived status.
#[derive(Debug, Clone, Serialize)]
pub struct BatchSummary {
    /// Batch id.
    pub id: i64,
    /// Connection.
    pub connection: String,
    /// When the import run made it (ms).
    pub created_at: i64,
    /// Order counts.
    pub counts: OrderCounts,
    /// Derived status.
    pub status: BatchStatus,
}

impl OrderCounts {
    /// The batch status these counts mean.
    pub fn status(&self) -> BatchStatus {
        if self.failed > 0 {
            BatchStatus::Failed
        } else if self.done < self.total {
            BatchStatus::Processing
        } else {
            BatchStatus::Completed
        }
    }
}

const BATCH_QUERY: &str = "SELECT b.id, b.connection, b.created_at,
        COUNT(o.id),
        COALESCE(SUM(CASE WHEN o.create_step IN ('done', 'skipped') OR o.status = 'manual'
                          THEN 1 ELSE 0 END), 0),
        COALESCE(SUM(CASE WHEN o.status = 'error' AND o.create_step NOT IN ('done', 'skipped')
                          THEN 1 ELSE 0 END), 0),
        COALESCE(SUM(CASE WHEN o.label_step = 'done' THEN 1 ELSE 0 END), 0)
     FROM batches b LEFT JOIN orders o ON o.batch_id = b.id";

type BatchRow = (i64, String, i64, i64, i64, i64, i64);

fn summary((id, connection, created_at, total, done, failed, labels): BatchRow) -> BatchSummary {
    let counts = OrderCounts {
        total,
        done,
        failed,
        labels,
    };
    BatchSummary {
        id,
        connection,
        created_at,
        status: counts.status(),
        counts,
    }
}

impl Store {
    /// The newest batches, newest first.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn batches(&self, limit: i64) -> StoreResult<Vec<BatchSummary>> {
        let sql = format!("{BATCH_QUERY} GROUP BY b.id ORDER BY b.id DESC LIMIT $1");
        let rows: Vec<BatchRow> = sqlx::query_as(&sql)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(summary).collect())
    }

    /// One batch.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn batch(&self, batch_id: i64) -> StoreResult<Option<BatchSummary>> {
        let sql = format!("{BATCH_QUERY} WHERE b.id = $1 GROUP BY b.id");
        let row: Option<BatchRow> = sqlx::query_as(&sql)
            .bind(batch_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(summary))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_from_counts() {
        let c = |total, done, failed| OrderCounts {
            total,
            done,
            failed,
            labels: 0,
        };
        assert_eq!(c(3, 1, 0).status(), BatchStatus::Processing);
        assert_eq!(c(3, 2, 1).status(), BatchStatus::Failed);
        assert_eq!(c(3, 3, 0).status(), BatchStatus::Completed);
    }
}
