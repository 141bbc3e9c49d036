//! Stock last pushed per marketplace offer, so a stock level is only sent when it changed.

use std::collections::{HashMap, HashSet};

use super::{Store, StoreResult};

/// The stock last pushed for an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedStock {
    /// Amount sent.
    pub amount: i64,
    /// When (ms).
    pub pushed_at: i64,
    /// The marketplace process applying it, until it is known to have succeeded.
    pub process_id: Option<String>,
}

impl Store {
    /// Stock last pushed per offer id for a connection.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn pushed_stock(
        &self,
        connection: &str,
    ) -> StoreResult<HashMap<String, PushedStock>> {
        let rows: Vec<(String, i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT offer_id, last_pushed, pushed_at, process_id FROM offer_stock
             WHERE connection = $1",
        )
        .bind(connection)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(offer, amount, pushed_at, process_id)| {
                (
                    offer,
                    PushedStock {
                        amount,
                        pushed_at,
                        process_id,
                    },
                )
            })
            .collect())
    }

    /// Records a stock level sent to an offer, with the process applying it (`None`: applied
    /// already).
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn record_pushed_stock(
        &self,
        connection: &str,
        offer_id: &str,
        sku: &str,
        amount: i64,
        process_id: Option<&str>,
        now_millis: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO offer_stock (connection, offer_id, sku, last_pushed, pushed_at, process_id)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (connection, offer_id) DO UPDATE SET sku = excluded.sku,
                 last_pushed = excluded.last_pushed, pushed_at = excluded.pushed_at,
                 process_id = excluded.process_id",
        )
        .bind(connection)
        .bind(offer_id)
        .bind(sku)
        .bind(amount)
        .bind(now_millis)
        .bind(process_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Marks the last push of an offer as applied by the marketplace.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn stock_push_confirmed(&self, connection: &str, offer_id: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE offer_stock SET process_id = NULL WHERE connection = $1 AND offer_id = $2",
        )
        .bind(connection)
        .bind(offer_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets the last push of an offer (the marketplace refused it), so the next run
    /// compares with the marketplace's own stock and pushes again.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn forget_pushed_stock(&self, connection: &str, offer_id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM offer_stock WHERE connection = $1 AND offer_id = $2")
            .bind(connection)
            .bind(offer_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The SKUs of the connection's open test orders (not shipped or cancelled): the shop has
    /// set their items aside for a test, which the marketplace must not see as sold.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn open_test_skus(&self, connection: &str) -> StoreResult<HashSet<String>> {
        let skus: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT l.sku FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.connection = $1 AND o.is_test = 1
               AND o.status NOT IN ('shipped', 'cancelled') AND l.sku IS NOT NULL",
        )
        .bind(connection)
        .fetch_all(&self.pool)
        .await?;
        Ok(skus.into_iter().collect())
    }
}
