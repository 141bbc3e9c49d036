//! Guarded transitions: the one way the engine changes an order. A [`Transition`] names the
//! column values it expects and the ones it writes; it applies, with its history entries, only
//! if the order is still as expected, so two jobs or two processes cannot both act on a step.

use sqlx::any::AnyArguments;
use sqlx::Any;

use super::events::{append, EventKind};
use super::leases::{bind_fence, fence_condition};
use super::text::storable;
use super::{Column, JobLease, Params, Store, StoreResult};
use crate::status::{OrderStatus, Step};

/// A value to compare or set in a [`Transition`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// Integer.
    Int(i64),
    /// SQL NULL.
    Null,
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Self::Int(n)
    }
}
impl From<OrderStatus> for Value {
    fn from(s: OrderStatus) -> Self {
        Self::Text(s.as_str().to_owned())
    }
}
impl From<Step> for Value {
    fn from(s: Step) -> Self {
        Self::Text(s.as_str().to_owned())
    }
}
impl From<chrono::DateTime<chrono::Utc>> for Value {
    fn from(at: chrono::DateTime<chrono::Utc>) -> Self {
        Self::Int(crate::clock::to_millis(at))
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Int(i64::from(b))
    }
}
impl From<crate::status::CancelOrigin> for Value {
    fn from(origin: crate::status::CancelOrigin) -> Self {
        Self::Text(origin.as_str().to_owned())
    }
}
impl From<&orderbridge_core::domain::Carrier> for Value {
    fn from(carrier: &orderbridge_core::domain::Carrier) -> Self {
        Self::Text(carrier.name().to_owned())
    }
}
/// Identifiers and codes are stored as their text.
macro_rules! text_value {
    ($($ty:ty),+) => {
        $(impl From<&$ty> for Value {
            fn from(value: &$ty) -> Self {
                Self::Text(value.as_str().to_owned())
            }
        })+
    };
}
text_value!(
    orderbridge_core::domain::OrderCode,
    orderbridge_core::domain::MarketplaceOrderId,
    orderbridge_core::domain::WebshopOrderId,
    orderbridge_core::domain::ProcessId,
    orderbridge_core::domain::TrackingCode
);
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

/// A guarded change of one order: the `set` columns are written, and the `events` appended to
/// its history, only if every `when` column still holds its value. Columns are [`Column`]s,
/// never text from input.
#[derive(Debug, Clone, Default)]
pub struct Transition {
    /// The order's row id.
    pub order_id: i64,
    /// Columns that must still hold these values.
    pub when: Vec<(Column, Value)>,
    /// Columns to write.
    pub set: Vec<(Column, Value)>,
    /// History entries to add.
    pub events: Vec<(EventKind, String)>,
}

impl Transition {
    /// A transition of `order_id`.
    pub fn of(order_id: i64) -> Self {
        Self {
            order_id,
            ..Self::default()
        }
    }

    /// Applies only when `column` still holds `value`.
    pub fn when(mut self, column: Column, value: impl Into<Value>) -> Self {
        self.when.push((column, value.into()));
        self
    }

    /// Writes `value` into `column`; a later write of the same column replaces an earlier
    /// one (a statement may name a column once).
    pub fn set(mut self, column: Column, value: impl Into<Value>) -> Self {
        let value = value.into();
        match self.set.iter_mut().find(|(c, _)| *c == column) {
            Some(earlier) => earlier.1 = value,
            None => self.set.push((column, value)),
        }
        self
    }

    /// Stops the order in `error` with `reason`: the status, the error text and the two history
    /// entries every such stop writes.
    pub fn into_error(self, reason: &str) -> Self {
        self.set(Column::Status, OrderStatus::Error)
            .set(Column::Error, reason)
            .event(EventKind::Error, reason)
            .event(EventKind::Status, "error")
    }

    /// Adds a history entry.
    pub fn event(mut self, kind: EventKind, message: impl Into<String>) -> Self {
        self.events.push((kind, message.into()));
        self
    }
}

fn bind_value<'q>(
    query: sqlx::query::Query<'q, Any, AnyArguments<'q>>,
    value: &Value,
) -> sqlx::query::Query<'q, Any, AnyArguments<'q>> {
    match value {
        Value::Text(s) => query.bind(storable(s).into_owned()),
        Value::Int(n) => query.bind(*n),
        // Written as a literal NULL in the statement: nothing to bind.
        Value::Null => query,
    }
}

impl Store {
    /// Applies a guarded transition. Returns whether it applied (false: the order moved on, or
    /// the run's lease was lost).
    ///
    /// When `fence` is given, the transition applies only while that lease is still held (same
    /// holder, same fence number; any new acquisition raises the number): a run that lost its
    /// lease (paused, partitioned) cannot overwrite the newer holder's work.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn apply(
        &self,
        transition: &Transition,
        fence: Option<&JobLease>,
        now_millis: i64,
    ) -> StoreResult<bool> {
        let mut params = Params::default();
        let mut sql = format!("UPDATE orders SET updated_at = {}", params.next());
        for (column, value) in &transition.set {
            let mark = match value {
                Value::Null => "NULL".to_owned(),
                _ => params.next(),
            };
            if *column == Column::Status {
                // `manual` is the merchant's: only a merchant action leaves it, never a job
                // recording the outcome of a call that was already on its way.
                sql.push_str(&format!(
                    ", status = CASE WHEN status = 'manual' THEN status ELSE {mark} END"
                ));
            } else {
                sql.push_str(&format!(", {} = {mark}", column.name()));
            }
        }
        sql.push_str(&format!(" WHERE id = {}", params.next()));
        for (column, value) in &transition.when {
            match value {
                Value::Null => sql.push_str(&format!(" AND {} IS NULL", column.name())),
                _ => sql.push_str(&format!(" AND {} = {}", column.name(), params.next())),
            }
        }
        if fence.is_some() {
            sql.push_str(" AND ");
            sql.push_str(&fence_condition(&mut params, self.backend));
        }
        let mut tx = self.write().await?;
        let mut query = sqlx::query(&sql).bind(now_millis);
        for (_, value) in &transition.set {
            query = bind_value(query, value);
        }
        query = query.bind(transition.order_id);
        for (_, value) in &transition.when {
            query = bind_value(query, value);
        }
        if let Some(lease) = fence {
            query = bind_fence(query, lease);
        }
        let applied = query.execute(&mut *tx).await?.rows_affected() == 1;
        if applied {
            for (kind, message) in &transition.events {
                append(&mut tx, transition.order_id, now_millis, *kind, message).await?;
            }
        }
        tx.commit().await?;
        Ok(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_written_twice_is_written_once_with_the_later_value() {
        let transition = Transition::of(1)
            .set(Column::Error, Option::<String>::None)
            .set(Column::Status, "manual")
            .set(Column::Error, "why");
        assert_eq!(transition.set.len(), 2);
        assert_eq!(transition.set[0].0, Column::Error);
        assert_eq!(transition.set[0].1, Value::from("why"));
    }
}
