//! `batches …`: import batches with their derived status, the orders of one batch, its
//! pick & pack list and its marketplace labels as PDF.

use std::path::Path;

use super::orders::{ops, order_rows, ORDER_HEADERS};
use super::BatchesCommand;
use crate::ops::BatchView;
use crate::table;

pub(super) async fn batches(config_path: &Path, command: BatchesCommand) -> anyhow::Result<()> {
    let ops = ops(config_path).await?;
    match command {
        BatchesCommand::List { limit } => {
            let rows: Vec<Vec<String>> = ops.batches(limit).await?.iter().map(batch_row).collect();
            print!("{}", table::render(&BATCH_HEADERS, &rows));
        }
        BatchesCommand::Show { id } => {
            let (batch, orders) = ops.batch(id).await?;
            print!("{}", table::render(&BATCH_HEADERS, &[batch_row(&batch)]));
            println!();
            print!("{}", table::render(&ORDER_HEADERS, &order_rows(&orders)));
        }
        BatchesCommand::PickPack { id, output, lang } => {
            let lang = crate::i18n::Lang::from_code(&lang)
                .ok_or_else(|| anyhow::anyhow!("--lang must be en or nl"))?;
            let list = ops.pick_pack(id).await?;
            std::fs::write(&output, crate::documents::pick_pack_list(&list, lang))
                .map_err(|e| anyhow::anyhow!("writing {}: {e}", output.display()))?;
            println!(
                "pick & pack list of batch {id} ({} orders) written to {}",
                list.packs.len(),
                output.display()
            );
        }
        BatchesCommand::Labels { id, output } => {
            let pdf = ops.batch_labels(id).await?;
            std::fs::write(&output, pdf)
                .map_err(|e| anyhow::anyhow!("writing {}: {e}", output.display()))?;
            println!("labels of batch {id} written to {}", output.display());
        }
    }
    Ok(())
}

/// Headers matching [`batch_row`].
pub const BATCH_HEADERS: [&str; 8] = [
    "BATCH",
    "CONNECTION",
    "CREATED",
    "STATUS",
    "ORDERS",
    "IN WEBSHOP",
    "FAILED",
    "LABELS",
];

/// One line per batch.
pub fn batch_row(batch: &BatchView) -> Vec<String> {
    vec![
        batch.id.to_string(),
        batch.connection.clone(),
        batch.created_at.format("%Y-%m-%d %H:%M:%SZ").to_string(),
        batch.status.to_string(),
        batch.total.to_string(),
        batch.done.to_string(),
        batch.failed.to_string(),
        batch.labels.to_string(),
    ]
}
