//! `batches …`: import batches with their derived status, and the orders of one batch.

use anyhow::anyhow;

use super::orders::{order_rows, ORDER_HEADERS};
use super::{load, open_store, BatchesCommand};
use crate::store::OrderFilter;
use crate::table;

pub(super) async fn batches(
    config_path: &std::path::Path,
    command: BatchesCommand,
) -> anyhow::Result<()> {
    let config = load(config_path)?;
    let store = open_store(&config).await?;
    match command {
        BatchesCommand::List { limit } => {
            let rows: Vec<Vec<String>> = store
                .batches(limit)
                .await?
                .into_iter()
                .map(|b| batch_row(&b))
                .collect();
            print!("{}", table::render(&BATCH_HEADERS, &rows));
        }
        BatchesCommand::Show { id } => {
            let batch = store
                .batch(id)
                .await?
                .ok_or_else(|| anyhow!("no batch {id}"))?;
            print!("{}", table::render(&BATCH_HEADERS, &[batch_row(&batch)]));
            println!();
            let found = store
                .orders(&OrderFilter {
                    batch_id: Some(id),
                    ..OrderFilter::default()
                })
                .await?;
            print!("{}", table::render(&ORDER_HEADERS, &order_rows(&found)));
        }
    }
    Ok(())
}

/// Headers matching [`batch_row`].
pub const BATCH_HEADERS: [&str; 6] = [
    "BATCH",
    "CONNECTION",
    "CREATED",
    "STATUS",
    "ORDERS",
    "IN WEBSHOP",
];

/// One line per batch.
pub fn batch_row(batch: &crate::store::BatchSummary) -> Vec<String> {
    vec![
        batch.id.to_string(),
        batch.connection.clone(),
        table::time(batch.created_at),
        batch.status.to_string(),
        batch.counts.total.to_string(),
        batch.counts.done.to_string(),
    ]
}
