//! Moving a SQLite state into PostgreSQL (`orderbridge migrate --from-sqlite`): every table
//! copied row by row with its ids, in one PostgreSQL transaction, then checked by counting.
//!
//! The copy only goes into an empty, freshly migrated PostgreSQL database at the same schema
//! version as the SQLite file: it never merges two states. The source is read in one read
//! transaction (a consistent snapshot) and never written. Leases are copied without their
//! holder — after a move no process holds a job — and the identity sequences are moved past the
//! copied ids, so the next order, batch or event gets a fresh id.

use std::fmt;

use sqlx::{Any, Row, Transaction};

use super::{Backend, Store, StoreError, StoreResult};
use Kind::{Blob, Int, NullText, Text, ZeroInt};

/// Rows per multi-row `INSERT` (the widest table, `orders`, then binds 19 500 values; the
/// PostgreSQL limit is 65 535).
const CHUNK_ROWS: i64 = 500;

/// How a column's value is carried over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `INTEGER` / `BIGINT`, copied.
    Int,
    /// `TEXT`, copied.
    Text,
    /// `BLOB` / `BYTEA`, copied.
    Blob,
    /// A `TEXT` column written as `NULL`, whatever the source holds.
    NullText,
    /// An integer column written as 0, whatever the source holds.
    ZeroInt,
}

/// One table to copy: its columns as the migrations define them (`migrations/*/0001` to `0006`).
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    /// Whether `id` is an identity column whose sequence must move past the copied ids.
    identity_id: bool,
}

/// The tables in foreign-key order: a row's references are copied before it.
const TABLES: &[Table] = &[
    Table {
        name: "connections",
        columns: &[
            ("name", Text),
            ("marketplace", Text),
            ("webshop", Text),
            ("webshop_watermark", Int),
            ("created_at", Int),
        ],
        identity_id: false,
    },
    Table {
        name: "batches",
        columns: &[
            ("id", Int),
            ("connection", Text),
            ("created_at", Int),
            ("n_orders", Int),
        ],
        identity_id: true,
    },
    Table {
        name: "orders",
        columns: &[
            ("id", Int),
            ("code", Text),
            ("connection", Text),
            ("marketplace_order_id", Text),
            ("batch_id", Int),
            ("status", Text),
            ("error", Text),
            ("placed_at", Int),
            ("details", Text),
            ("create_step", Text),
            ("create_intent_at", Int),
            ("create_attempts", Int),
            ("webshop_order_id", Text),
            ("completed_at", Int),
            ("tracking_code", Text),
            ("carrier", Text),
            ("ship_after", Int),
            ("ship_step", Text),
            ("ship_intent_at", Int),
            ("ship_attempts", Int),
            ("ship_process_id", Text),
            ("cancel_step", Text),
            ("cancel_origin", Text),
            ("cancel_intent_at", Int),
            ("cancel_attempts", Int),
            ("cancel_process_id", Text),
            ("webshop_cancelled", Int),
            ("retry_at", Int),
            ("created_at", Int),
            ("updated_at", Int),
            ("ship_failures", Int),
            ("cancel_failures", Int),
            ("is_test", Int),
            ("label_step", Text),
            ("label_intent_at", Int),
            ("label_attempts", Int),
            ("label_process_id", Text),
            ("label_failures", Int),
            ("label_id", Text),
        ],
        identity_id: true,
    },
    Table {
        name: "order_lines",
        columns: &[
            ("order_id", Int),
            ("line_id", Text),
            ("sku", Text),
            ("ean", Text),
            ("title", Text),
            ("quantity", Int),
            ("quantity_shipped", Int),
            ("quantity_cancelled", Int),
            ("unit_price_cents", Int),
            ("currency", Text),
        ],
        identity_id: false,
    },
    Table {
        name: "order_events",
        columns: &[
            ("id", Int),
            ("order_id", Int),
            ("at", Int),
            ("kind", Text),
            ("message", Text),
        ],
        identity_id: true,
    },
    Table {
        name: "shipping_labels",
        columns: &[
            ("order_id", Int),
            ("label_id", Text),
            ("pdf", Blob),
            ("fetched_at", Int),
        ],
        identity_id: false,
    },
    Table {
        name: "admin_sessions",
        columns: &[
            ("token_hash", Text),
            ("user_name", Text),
            ("role", Text),
            ("csrf", Text),
            ("expires_at", Int),
        ],
        identity_id: false,
    },
    Table {
        name: "offer_stock",
        columns: &[
            ("connection", Text),
            ("offer_id", Text),
            ("sku", Text),
            ("last_pushed", Int),
            ("pushed_at", Int),
            ("process_id", Text),
        ],
        identity_id: false,
    },
    Table {
        name: "job_leases",
        columns: &[
            ("connection", Text),
            ("job", Text),
            // Nobody holds a job after the move.
            ("holder", NullText),
            ("lease_until", ZeroInt),
            ("fence", Int),
            ("next_run_at", Int),
            ("last_run_at", Int),
            ("last_ok_at", Int),
            ("last_error", Text),
            ("failures", Int),
            ("last_error_kind", Text),
        ],
        identity_id: false,
    },
];

/// One value on its way.
enum Cell {
    Int(Option<i64>),
    Text(Option<String>),
    Blob(Option<Vec<u8>>),
}

/// What a copy moved: rows per table, in copy order, each checked by counting the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    /// `(table, rows)` for every table copied.
    pub tables: Vec<(String, u64)>,
}

impl fmt::Display for CopyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: Vec<Vec<String>> = self
            .tables
            .iter()
            .map(|(table, n_rows)| vec![table.clone(), n_rows.to_string()])
            .collect();
        f.write_str(&crate::table::render(&["TABLE", "ROWS"], &rows))
    }
}

impl Store {
    /// Copies the whole state of `source` (a SQLite store) into this store (an empty PostgreSQL
    /// database at the same schema version), keeping every row id, in one transaction; then
    /// checks that every table holds as many rows as the source's.
    ///
    /// # Errors
    ///
    /// [`StoreError::Copy`] when this store is not PostgreSQL, the source is not SQLite, their
    /// schema versions differ or are not current, this database already holds state, or the
    /// counts do not match after copying (nothing is then committed); database errors, and
    /// [`StoreError::Corrupt`] for a source value of the wrong type.
    pub async fn copy_from(&self, source: &Store) -> StoreResult<CopyReport> {
        if self.backend != Backend::Postgres {
            return Err(StoreError::Copy(format!(
                "the target must be a PostgreSQL database, not {}",
                self.backend.as_str()
            )));
        }
        if source.backend != Backend::Sqlite {
            return Err(StoreError::Copy(format!(
                "the source must be a SQLite file, not {}",
                source.backend.as_str()
            )));
        }
        let (from, to) = (source.schema_version().await?, self.schema_version().await?);
        if from.found != to.found {
            return Err(StoreError::Copy(format!(
                "the SQLite state is at schema version {}, the PostgreSQL database at {}; \
                 migrate both to the same version first",
                from.found, to.found
            )));
        }
        if to.found != to.known {
            return Err(StoreError::Copy(format!(
                "both databases are at schema version {}, this orderbridge copies version {}; \
                 migrate both first",
                to.found, to.known
            )));
        }

        let mut target = self.write().await?;
        // Writers (a daemon started too early) wait until the copy is committed, so the
        // emptiness checked below still holds when it commits.
        let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        sqlx::query(&format!(
            "LOCK TABLE {} IN EXCLUSIVE MODE",
            names.join(", ")
        ))
        .execute(&mut *target)
        .await?;
        let mut used = Vec::new();
        for table in TABLES {
            let n_rows = count(&mut target, table.name).await?;
            if n_rows > 0 {
                used.push(format!("{} {}", n_rows, table.name));
            }
        }
        if !used.is_empty() {
            return Err(StoreError::Copy(format!(
                "the PostgreSQL database already holds state ({}); a copy only goes into an \
                 empty database and never merges",
                used.join(", ")
            )));
        }

        // One read transaction: a consistent snapshot of every table.
        let mut snapshot = source.pool.begin().await?;
        let mut tables = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let copied = copy_table(&mut snapshot, &mut target, table).await?;
            let in_source = count(&mut snapshot, table.name).await?;
            let in_target = count(&mut target, table.name).await?;
            if copied != in_source || in_target != in_source {
                return Err(StoreError::Copy(format!(
                    "table {}: {in_source} rows in the SQLite state, {copied} copied, \
                     {in_target} in PostgreSQL; nothing was committed",
                    table.name
                )));
            }
            tables.push((table.name.to_owned(), in_target));
        }
        snapshot.rollback().await?;

        for table in TABLES.iter().filter(|t| t.identity_id) {
            // Next id: one past the highest copied (1 for an empty table).
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), \
                 COALESCE(MAX(id), 0) + 1, false) FROM {0}",
                table.name
            ))
            .execute(&mut *target)
            .await?;
        }
        target.commit().await?;
        Ok(CopyReport { tables })
    }
}

/// Rows in `table`.
async fn count(tx: &mut Transaction<'static, Any>, table: &str) -> StoreResult<u64> {
    let n_rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut **tx)
        .await?;
    Ok(u64::try_from(n_rows).unwrap_or(0))
}

/// Copies one table from the SQLite snapshot into the target, `CHUNK_ROWS` at a time in rowid
/// order. Returns the rows copied.
async fn copy_table(
    source: &mut Transaction<'static, Any>,
    target: &mut Transaction<'static, Any>,
    table: &Table,
) -> StoreResult<u64> {
    let columns: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
    let select = format!(
        "SELECT rowid, {} FROM {} WHERE rowid > $1 ORDER BY rowid LIMIT $2",
        columns.join(", "),
        table.name
    );
    let mut after_rowid = i64::MIN;
    let mut copied = 0u64;
    loop {
        let rows = sqlx::query(&select)
            .bind(after_rowid)
            .bind(CHUNK_ROWS)
            .fetch_all(&mut **source)
            .await?;
        let Some(last) = rows.last() else {
            return Ok(copied);
        };
        after_rowid = last.try_get(0)?;
        let mut cells = Vec::with_capacity(rows.len() * columns.len());
        for row in &rows {
            for (idx, (column, kind)) in table.columns.iter().enumerate() {
                let corrupt = |e: sqlx::Error| StoreError::Corrupt {
                    what: format!("{}.{column}", table.name),
                    reason: e.to_string(),
                };
                // Column 0 is the rowid.
                cells.push(match kind {
                    Int => Cell::Int(row.try_get(idx + 1).map_err(corrupt)?),
                    Text => Cell::Text(row.try_get(idx + 1).map_err(corrupt)?),
                    Blob => Cell::Blob(row.try_get(idx + 1).map_err(corrupt)?),
                    NullText => Cell::Text(None),
                    ZeroInt => Cell::Int(Some(0)),
                });
            }
        }
        let width = columns.len();
        let tuples: Vec<String> = (0..rows.len())
            .map(|row_idx| {
                let marks: Vec<String> = (1..=width)
                    .map(|col| format!("${}", row_idx * width + col))
                    .collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let insert = format!(
            "INSERT INTO {} ({}) VALUES {}",
            table.name,
            columns.join(", "),
            tuples.join(", ")
        );
        let mut query = sqlx::query(&insert);
        for cell in cells {
            query = match cell {
                Cell::Int(value) => query.bind(value),
                Cell::Text(value) => query.bind(value),
                Cell::Blob(value) => query.bind(value),
            };
        }
        let inserted = query.execute(&mut **target).await?.rows_affected();
        copied += inserted;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column lists match the SQLite migrations, all of them: every column named in a
    /// `CREATE TABLE` or `ADD COLUMN` is copied, with the kind its declared type says (a new
    /// migration adding a column fails here until the column is listed).
    #[test]
    fn column_lists_cover_every_migration() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
            .collect();
        files.sort();
        let sql: String = files
            .iter()
            .map(|file| std::fs::read_to_string(file).unwrap())
            .collect();
        let mut declared: Vec<(String, String, Kind)> = Vec::new();
        let mut current: Option<String> = None;
        for line in sql.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                current = rest.split_whitespace().next().map(str::to_owned);
                continue;
            }
            if line.starts_with(')') {
                current = None;
                continue;
            }
            let (table, column_def) = if let Some(rest) = line.strip_prefix("ALTER TABLE ") {
                let (table, column_def) = rest.split_once(" ADD COLUMN ").unwrap_or_default();
                (table.to_owned(), column_def.to_owned())
            } else if let Some(table) = &current {
                (table.clone(), line.to_owned())
            } else {
                continue;
            };
            let mut words = column_def.split_whitespace();
            let (Some(name), Some(sql_type)) = (words.next(), words.next()) else {
                continue;
            };
            let kind = match sql_type.trim_end_matches([',', ';']) {
                "INTEGER" => Int,
                "TEXT" => Text,
                "BLOB" => Blob,
                _ => continue, // PRIMARY KEY (...), UNIQUE (...), comments
            };
            declared.push((table, name.to_owned(), kind));
        }
        let mut listed: Vec<(String, String, Kind)> = TABLES
            .iter()
            .flat_map(|table| {
                table.columns.iter().map(|(name, kind)| {
                    let declared_kind = match kind {
                        NullText => Text,
                        ZeroInt => Int,
                        other => *other,
                    };
                    (table.name.to_owned(), (*name).to_owned(), declared_kind)
                })
            })
            .collect();
        declared.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        listed.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        assert!(declared.len() > 50, "the migrations were parsed");
        assert_eq!(declared, listed);
    }

    #[test]
    fn the_report_is_a_table() {
        let report = CopyReport {
            tables: vec![("orders".into(), 3), ("order_events".into(), 12)],
        };
        assert_eq!(
            report.to_string(),
            "TABLE         ROWS\n------------  ----\norders        3\norder_events  12\n"
        );
    }
}
