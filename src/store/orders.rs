//! Orders and their lines: reading them back, and guarded transitions that change an order
//! only while it is still in the state the caller read.

use chrono::{DateTime, Utc};
use orderbridge_core::domain::{
    Carrier, MarketplaceOrder, MarketplaceOrderId, OrderCode, ProcessId, ShippingLabelId,
    TrackingCode, WebshopOrderId,
};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{Backend, Column, Params, Store, StoreError, StoreResult};
use crate::clock::from_millis;
use crate::status::{CancelOrigin, OrderStatus, Step};

/// One external effect of an order (creating it in the webshop, shipping it, cancelling it)
/// as stored: how far it got, when its current attempt's intent was committed, how many
/// attempts started, and the marketplace process applying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    /// How far it got.
    pub step: Step,
    /// When the current attempt's intent was committed (creation: when it was first intended).
    pub intent_at: Option<DateTime<Utc>>,
    /// Attempts started.
    pub attempts: i64,
    /// The marketplace processes applying it (shipments: one; cancellations: one per line,
    /// stored comma-separated).
    pub process_ids: Vec<ProcessId>,
    /// Processes that ended in FAILURE and were retried (migration 0003).
    pub failures: i64,
}

/// An order as stored, read once into domain types: ids, codes and carriers parsed, times as
/// `DateTime<Utc>`, each effect one [`Effect`].
#[derive(Debug, Clone)]
pub struct OrderRecord {
    /// Row id.
    pub id: i64,
    /// Our unique order code.
    pub code: OrderCode,
    /// Connection name.
    pub connection: String,
    /// The marketplace's order id.
    pub marketplace_order_id: MarketplaceOrderId,
    /// Batch it was imported in.
    pub batch_id: Option<i64>,
    /// What the merchant sees.
    pub status: OrderStatus,
    /// Why it is in `error`.
    pub error: Option<String>,
    /// When the buyer placed it.
    pub placed_at: DateTime<Utc>,
    /// The marketplace order as last fetched.
    pub details: Option<MarketplaceOrder>,
    /// Creating it in the webshop.
    pub create: Effect,
    /// The webshop's order id once created.
    pub webshop_order_id: Option<WebshopOrderId>,
    /// When the webshop completed it.
    pub completed_at: Option<DateTime<Utc>>,
    /// T&T code to ship with.
    pub tracking_code: Option<TrackingCode>,
    /// Carrier to ship with.
    pub carrier: Option<Carrier>,
    /// End of the T&T wait.
    pub ship_after: Option<DateTime<Utc>>,
    /// Shipping it on the marketplace.
    pub ship: Effect,
    /// Cancelling it.
    pub cancel: Effect,
    /// Who cancelled.
    pub cancel_origin: Option<CancelOrigin>,
    /// Whether the webshop order has been cancelled by us.
    pub webshop_cancelled: bool,
    /// Buying a marketplace label for it ("Verzenden via bol", migration 0006); `none` for
    /// orders that ship with the merchant's own transport.
    pub label: Effect,
    /// The bought label, once bought.
    pub label_id: Option<ShippingLabelId>,
    /// A test order the merchant made (migration 0004): it runs through the webshop side only
    /// and is never sent to a marketplace.
    pub is_test: bool,
    /// Earliest next automatic attempt after a temporary failure.
    pub retry_at: Option<DateTime<Utc>>,
    /// Row creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// One line of a stored order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderLine {
    /// Marketplace line id.
    pub line_id: String,
    /// SKU (offer reference).
    pub sku: Option<String>,
    /// EAN.
    pub ean: Option<String>,
    /// Title.
    pub title: String,
    /// Items ordered.
    pub quantity: i64,
    /// Items shipped.
    pub quantity_shipped: i64,
    /// Items cancelled.
    pub quantity_cancelled: i64,
    /// Unit price in cents.
    pub unit_price_cents: i64,
    /// Currency.
    pub currency: String,
}

fn corrupt(column: &str, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: format!("orders.{column}"),
        reason: reason.to_string(),
    }
}

fn step(row: &AnyRow, column: &str) -> StoreResult<Step> {
    let text: String = row.try_get(column)?;
    Step::parse(&text).ok_or_else(|| corrupt(column, format!("unknown step {text:?}")))
}

fn time(row: &AnyRow, column: &str) -> StoreResult<Option<DateTime<Utc>>> {
    Ok(row.try_get::<Option<i64>, _>(column)?.map(from_millis))
}

/// A text column read into a domain type.
fn parsed<T, E: std::fmt::Display>(
    row: &AnyRow,
    column: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> StoreResult<Option<T>> {
    row.try_get::<Option<String>, _>(column)?
        .map(|text| parse(&text).map_err(|e| corrupt(column, e)))
        .transpose()
}

fn required<T, E: std::fmt::Display>(
    row: &AnyRow,
    column: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> StoreResult<T> {
    parsed(row, column, parse)?.ok_or_else(|| corrupt(column, "missing"))
}

impl OrderRecord {
    fn from_row(row: &AnyRow) -> StoreResult<Self> {
        let details: Option<String> = row.try_get("details")?;
        let details = details
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|e| corrupt("details", e))?;
        let effect = |prefix: &str, process: bool| -> StoreResult<Effect> {
            Ok(Effect {
                step: step(row, &format!("{prefix}_step"))?,
                intent_at: time(row, &format!("{prefix}_intent_at"))?,
                attempts: row.try_get(format!("{prefix}_attempts").as_str())?,
                process_ids: if process {
                    let column = format!("{prefix}_process_id");
                    row.try_get::<Option<String>, _>(column.as_str())?
                        .unwrap_or_default()
                        .split(',')
                        .filter(|id| !id.is_empty())
                        .map(|id| ProcessId::parse(id).map_err(|e| corrupt(&column, e)))
                        .collect::<StoreResult<_>>()?
                } else {
                    Vec::new()
                },
                failures: if process {
                    row.try_get(format!("{prefix}_failures").as_str())?
                } else {
                    0
                },
            })
        };
        let cancel_origin: Option<String> = row.try_get("cancel_origin")?;
        Ok(Self {
            id: row.try_get("id")?,
            code: required(row, "code", OrderCode::parse)?,
            connection: row.try_get("connection")?,
            marketplace_order_id: required(row, "marketplace_order_id", MarketplaceOrderId::parse)?,
            batch_id: row.try_get("batch_id")?,
            status: required(row, "status", |s| s.parse::<OrderStatus>())?,
            error: row.try_get("error")?,
            placed_at: from_millis(row.try_get("placed_at")?),
            details,
            create: effect("create", false)?,
            webshop_order_id: parsed(row, "webshop_order_id", WebshopOrderId::parse)?,
            completed_at: time(row, "completed_at")?,
            tracking_code: parsed(row, "tracking_code", TrackingCode::parse)?,
            carrier: parsed(row, "carrier", Carrier::from_name)?,
            ship_after: time(row, "ship_after")?,
            ship: effect("ship", true)?,
            cancel: effect("cancel", true)?,
            label: effect("label", true)?,
            label_id: parsed(row, "label_id", ShippingLabelId::parse)?,
            cancel_origin: match cancel_origin.as_deref() {
                None => None,
                Some(text) => Some(
                    CancelOrigin::parse(Some(text))
                        .ok_or_else(|| corrupt("cancel_origin", format!("unknown {text:?}")))?,
                ),
            },
            webshop_cancelled: row.try_get::<i64, _>("webshop_cancelled")? != 0,
            is_test: row.try_get::<i64, _>("is_test")? != 0,
            retry_at: time(row, "retry_at")?,
            created_at: from_millis(row.try_get("created_at")?),
            updated_at: from_millis(row.try_get("updated_at")?),
        })
    }
}

/// The orders of rows that can be read. A row that cannot (a hand edit, a value an older
/// version does not know) is logged with its id and left out, so one bad row never stops
/// the jobs or the lists of every other order; reading it by id still names what is wrong.
fn readable(rows: &[AnyRow]) -> Vec<OrderRecord> {
    rows.iter()
        .filter_map(|row| match OrderRecord::from_row(row) {
            Ok(order) => Some(order),
            Err(error) => {
                let id: Option<i64> = row.try_get("id").ok();
                tracing::error!(
                    order_row_id = id.unwrap_or_default(),
                    error = %error,
                    "an order row cannot be read and is left out; fix or remove it"
                );
                None
            }
        })
        .collect()
}

/// Which orders to list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Only this connection.
    pub connection: Option<String>,
    /// Only these statuses.
    pub statuses: Vec<OrderStatus>,
    /// Only this batch.
    pub batch_id: Option<i64>,
    /// Only orders whose code, marketplace order id, T&T code, or the customer's name or
    /// company on the shipping or billing address contain this text, ignoring case (on SQLite
    /// the case of ASCII letters only).
    pub search: Option<String>,
    /// At most this many (newest first).
    pub limit: Option<i64>,
    /// Skip this many first (for pages).
    pub offset: Option<i64>,
}

/// The `WHERE` clause of a filter (without statuses when `with_statuses` is false) and its
/// values in binding order.
fn filter_clause(
    filter: &OrderFilter,
    backend: Backend,
    params: &mut Params,
    with_statuses: bool,
) -> (String, Vec<Bound>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut values = Vec::new();
    if let Some(connection) = &filter.connection {
        sql.push_str(&format!(" AND connection = {}", params.next()));
        values.push(Bound::Text(connection.clone()));
    }
    if with_statuses && !filter.statuses.is_empty() {
        let marks = params.list(filter.statuses.len());
        sql.push_str(&format!(" AND status IN ({marks})"));
        values.extend(
            filter
                .statuses
                .iter()
                .map(|s| Bound::Text(s.as_str().to_owned())),
        );
    }
    if let Some(batch) = filter.batch_id {
        sql.push_str(&format!(" AND batch_id = {}", params.next()));
        values.push(Bound::Int(batch));
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        // SQLite's LOWER folds ASCII only; PostgreSQL's folds every letter.
        let folded = match backend {
            Backend::Sqlite => search.to_ascii_lowercase(),
            Backend::Postgres => search.to_lowercase(),
        };
        let pattern = format!("%{}%", like_escaped(&folded));
        let mark = params.next();
        let like = |expression: &str| format!("LOWER({expression}) LIKE {mark} ESCAPE '\\'");
        let mut fields = vec![
            like("code"),
            like("marketplace_order_id"),
            like("COALESCE(tracking_code, '')"),
        ];
        for address in ["shipping", "billing"] {
            fields.push(like(&format!(
                "{} || ' ' || {}",
                detail_text(backend, address, "first_name"),
                detail_text(backend, address, "surname")
            )));
            fields.push(like(&detail_text(backend, address, "company")));
        }
        sql.push_str(&format!(" AND ({})", fields.join(" OR ")));
        values.push(Bound::Text(pattern));
    }
    (sql, values)
}

/// One text field of an address in the stored marketplace details (`details.shipping.surname`),
/// empty when absent. The names are fixed in code, never input.
fn detail_text(backend: Backend, address: &str, field: &str) -> String {
    match backend {
        Backend::Sqlite => format!("COALESCE(json_extract(details, '$.{address}.{field}'), '')"),
        Backend::Postgres => {
            format!("COALESCE((details::jsonb) -> '{address}' ->> '{field}', '')")
        }
    }
}

/// A value bound to a statement built from a filter.
enum Bound {
    Text(String),
    Int(i64),
}

/// `text` with LIKE's wildcards taken literally.
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Store {
    /// One order by row id.
    ///
    /// # Errors
    ///
    /// On database failure or an unreadable row.
    pub async fn order(&self, order_id: i64) -> StoreResult<Option<OrderRecord>> {
        let row = sqlx::query("SELECT * FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(OrderRecord::from_row).transpose()
    }

    /// One order by its code.
    ///
    /// # Errors
    ///
    /// On database failure or an unreadable row.
    pub async fn order_by_code(&self, code: &str) -> StoreResult<Option<OrderRecord>> {
        let row = sqlx::query("SELECT * FROM orders WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(OrderRecord::from_row).transpose()
    }

    /// Orders matching a filter, newest first.
    ///
    /// # Errors
    ///
    /// On database failure or an unreadable row.
    pub async fn orders(&self, filter: &OrderFilter) -> StoreResult<Vec<OrderRecord>> {
        let mut params = Params::default();
        let (clause, mut values) = filter_clause(filter, self.backend(), &mut params, true);
        let mut sql = format!("SELECT * FROM orders{clause} ORDER BY id DESC");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {}", params.next()));
            values.push(Bound::Int(limit));
            if let Some(offset) = filter.offset {
                sql.push_str(&format!(" OFFSET {}", params.next()));
                values.push(Bound::Int(offset));
            }
        }
        let mut query = sqlx::query(&sql);
        for value in values {
            query = match value {
                Bound::Text(text) => query.bind(text),
                Bound::Int(n) => query.bind(n),
            };
        }
        let rows = query.fetch_all(&self.pool).await?;
        Ok(readable(&rows))
    }

    /// How many orders per status match a filter (its statuses, limit and offset ignored): the
    /// counts on a dashboard's tabs.
    ///
    /// # Errors
    ///
    /// On database failure or an unknown stored status.
    pub async fn count_by_status(
        &self,
        filter: &OrderFilter,
    ) -> StoreResult<Vec<(OrderStatus, i64)>> {
        let mut params = Params::default();
        let (clause, values) = filter_clause(filter, self.backend(), &mut params, false);
        let sql = format!("SELECT status, COUNT(*) FROM orders{clause} GROUP BY status");
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
        for value in values {
            query = match value {
                Bound::Text(text) => query.bind(text),
                Bound::Int(n) => query.bind(n),
            };
        }
        query
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|(status, count)| {
                status.parse().map(|status| (status, count)).map_err(
                    |e: crate::status::UnknownStatus| StoreError::Corrupt {
                        what: "orders.status".into(),
                        reason: e.to_string(),
                    },
                )
            })
            .collect()
    }

    /// Orders of a connection whose `step_column` is one of `steps`, whose status is one of
    /// `statuses`, and that are not waiting out a retry delay at `now_millis`; oldest first.
    ///
    /// # Errors
    ///
    /// On database failure or an unreadable row.
    pub async fn orders_at_step(
        &self,
        connection: &str,
        step_column: Column,
        steps: &[Step],
        statuses: &[OrderStatus],
        now_millis: i64,
        limit: i64,
    ) -> StoreResult<Vec<OrderRecord>> {
        let mut params = Params::default();
        let connection_mark = params.next();
        let step_marks = params.list(steps.len());
        let status_marks = params.list(statuses.len());
        let (now_mark, limit_mark) = (params.next(), params.next());
        let step_column = step_column.name();
        let sql = format!(
            "SELECT * FROM orders WHERE connection = {connection_mark}
             AND {step_column} IN ({step_marks}) AND status IN ({status_marks})
             AND (retry_at IS NULL OR retry_at <= {now_mark})
             ORDER BY id LIMIT {limit_mark}"
        );
        let mut query = sqlx::query(&sql).bind(connection);
        for s in steps {
            query = query.bind(s.as_str());
        }
        for s in statuses {
            query = query.bind(s.as_str());
        }
        let rows = query
            .bind(now_millis)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(readable(&rows))
    }

    /// Orders of a connection waiting for a T&T code whose wait ended at `now_millis`, the
    /// longest-waiting first.
    ///
    /// # Errors
    ///
    /// On database failure or an unreadable row.
    pub async fn waits_ended(
        &self,
        connection: &str,
        now_millis: i64,
        limit: i64,
    ) -> StoreResult<Vec<OrderRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM orders WHERE connection = $1 AND status = 'waiting'
             AND ship_step = 'none' AND cancel_step = 'none' AND ship_after <= $2
             ORDER BY ship_after LIMIT $3",
        )
        .bind(connection)
        .bind(now_millis)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(readable(&rows))
    }

    /// Orders of a connection by their codes (unknown codes are left out).
    ///
    /// # Errors
    ///
    /// On database failure or an unreadable row.
    pub async fn orders_by_codes(
        &self,
        connection: &str,
        codes: &[String],
    ) -> StoreResult<Vec<OrderRecord>> {
        let mut found = Vec::with_capacity(codes.len());
        for chunk in codes.chunks(200) {
            let marks = Params::from(2).list(chunk.len());
            let sql = format!("SELECT * FROM orders WHERE connection = $1 AND code IN ({marks})");
            let mut query = sqlx::query(&sql).bind(connection);
            for code in chunk {
                query = query.bind(code.clone());
            }
            found.extend(readable(&query.fetch_all(&self.pool).await?));
        }
        Ok(found)
    }

    /// The lines of an order.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn lines(&self, order_id: i64) -> StoreResult<Vec<OrderLine>> {
        let rows = sqlx::query("SELECT * FROM order_lines WHERE order_id = $1 ORDER BY line_id")
            .bind(order_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(OrderLine {
                    line_id: row.try_get("line_id")?,
                    sku: row.try_get("sku")?,
                    ean: row.try_get("ean")?,
                    title: row.try_get("title")?,
                    quantity: row.try_get("quantity")?,
                    quantity_shipped: row.try_get("quantity_shipped")?,
                    quantity_cancelled: row.try_get("quantity_cancelled")?,
                    unit_price_cents: row.try_get("unit_price_cents")?,
                    currency: row.try_get("currency")?,
                })
            })
            .collect()
    }

    /// Records the shipped and cancelled quantities the marketplace reports for a line.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn update_line_quantities(
        &self,
        order_id: i64,
        line_id: &str,
        shipped: i64,
        cancelled: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE order_lines SET quantity_shipped = $1, quantity_cancelled = $2
             WHERE order_id = $3 AND line_id = $4",
        )
        .bind(shipped)
        .bind(cancelled)
        .bind(order_id)
        .bind(line_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Counts orders per connection and status.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn status_counts(&self) -> StoreResult<Vec<(String, String, i64)>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT connection, status, COUNT(*) FROM orders
             GROUP BY connection, status ORDER BY connection, status",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }
}
