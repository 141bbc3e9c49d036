//! What the printed documents hold: the pick & pack list of a batch and the packing slip of
//! one order, gathered from the store. Rendering them is `crate::documents`' job.

use serde::Serialize;

use super::views::{AddressView, BatchView, OrderSummary};
use super::{Ops, OpsError};
use crate::status::OrderStatus;
use crate::store::{OrderFilter, OrderLine, OrderRecord};

/// One SKU to pick for a batch.
#[derive(Debug, Clone, Serialize)]
pub struct PickItem {
    /// SKU.
    pub sku: Option<String>,
    /// EAN.
    pub ean: Option<String>,
    /// Title.
    pub title: String,
    /// Items to pick in all.
    pub quantity: i64,
    /// The orders that need it, with how many each.
    pub orders: Vec<(String, i64)>,
}

/// One order to pack.
#[derive(Debug, Clone, Serialize)]
pub struct PackOrder {
    /// The order's summary.
    pub summary: OrderSummary,
    /// Where it goes.
    pub address: Option<AddressView>,
    /// The pickup point's name.
    pub pickup_point: Option<String>,
    /// Lines to pack: SKU, EAN, title, quantity still to ship.
    pub lines: Vec<PackLine>,
}

/// A line to pack.
#[derive(Debug, Clone, Serialize)]
pub struct PackLine {
    /// SKU.
    pub sku: Option<String>,
    /// EAN.
    pub ean: Option<String>,
    /// Title.
    pub title: String,
    /// Items still to ship.
    pub quantity: i64,
}

/// The pick & pack list of a batch.
#[derive(Debug, Clone, Serialize)]
pub struct PickPack {
    /// The batch.
    pub batch: BatchView,
    /// What to pick, sorted by SKU (then EAN, then title): shelves are mostly laid out by
    /// article number, so the list walks them in order.
    pub picks: Vec<PickItem>,
    /// What to pack, per order, oldest first.
    pub packs: Vec<PackOrder>,
}

/// Whether an order still goes out of the merchant's door: not cancelled (or being
/// cancelled), and not completed in the webshop yet (`waiting` orders were completed there,
/// only their T&T code is missing).
fn to_ship(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::NotShipped | OrderStatus::Error | OrderStatus::Manual
    )
}

/// Whether an order's label is still to be printed: its parcel has not gone yet.
fn label_to_print(status: OrderStatus) -> bool {
    to_ship(status) || matches!(status, OrderStatus::Waiting | OrderStatus::PendingShipment)
}

fn pack_order(record: &OrderRecord, lines: &[OrderLine]) -> PackOrder {
    let details = record.details.as_ref();
    let lines = lines
        .iter()
        .filter(|line| {
            // The marketplace's own lines (FBB) are not in the merchant's warehouse.
            !details.is_some_and(|d| {
                d.lines
                    .iter()
                    .any(|l| l.line_id.as_str() == line.line_id && l.fulfilled_by_marketplace)
            })
        })
        .map(|line| PackLine {
            sku: line.sku.clone(),
            ean: line.ean.clone(),
            title: line.title.clone(),
            quantity: (line.quantity - line.quantity_shipped - line.quantity_cancelled).max(0),
        })
        .filter(|line| line.quantity > 0)
        .collect();
    PackOrder {
        summary: OrderSummary::of(record),
        address: details.map(|d| AddressView::of(&d.shipping)),
        pickup_point: details.and_then(|d| d.pickup_point.clone()),
        lines,
    }
}

impl Ops {
    /// The pick & pack list of a batch: every order in it that still goes out.
    ///
    /// # Errors
    ///
    /// When the batch is unknown or the store fails.
    pub async fn pick_pack(&self, batch_id: i64) -> Result<PickPack, OpsError> {
        let batch = self
            .store
            .batch(batch_id)
            .await?
            .map(|b| BatchView::of(&b))
            .ok_or(OpsError::UnknownBatch(batch_id))?;
        let mut records = self
            .store
            .orders(&OrderFilter {
                batch_id: Some(batch_id),
                ..OrderFilter::default()
            })
            .await?;
        records.retain(|r| to_ship(r.status));
        records.reverse();
        let mut packs = Vec::with_capacity(records.len());
        for record in &records {
            let pack = pack_order(record, &self.store.lines(record.id).await?);
            if !pack.lines.is_empty() {
                packs.push(pack);
            }
        }
        let mut picks: Vec<PickItem> = Vec::new();
        for pack in &packs {
            for line in &pack.lines {
                let same = |item: &&mut PickItem| {
                    item.sku == line.sku
                        && item.ean == line.ean
                        && (line.sku.is_some() || line.ean.is_some() || item.title == line.title)
                };
                match picks.iter_mut().find(same) {
                    Some(item) => {
                        item.quantity += line.quantity;
                        item.orders.push((pack.summary.code.clone(), line.quantity));
                    }
                    None => picks.push(PickItem {
                        sku: line.sku.clone(),
                        ean: line.ean.clone(),
                        title: line.title.clone(),
                        quantity: line.quantity,
                        orders: vec![(pack.summary.code.clone(), line.quantity)],
                    }),
                }
            }
        }
        picks.sort_by(|a, b| {
            (a.sku.is_none(), &a.sku, &a.ean, &a.title).cmp(&(
                b.sku.is_none(),
                &b.sku,
                &b.ean,
                &b.title,
            ))
        });
        Ok(PickPack {
            batch,
            picks,
            packs,
        })
    }

    /// The marketplace label of one order as printed (order code, PDF).
    ///
    /// # Errors
    ///
    /// When the order is unknown, has no bought label, or the store fails.
    pub async fn order_label(&self, code: &str) -> Result<(String, Vec<u8>), OpsError> {
        let record = self.record(code).await?;
        let label = self.store.label_of(record.id).await?.ok_or_else(|| {
            OpsError::NoLabel(format!("order {} has no bought label", record.code))
        })?;
        Ok((label.code.to_string(), label.pdf))
    }

    /// Every label bought for the batch's orders that are still to ship, in one PDF, in the
    /// order of the pick & pack list's pack section.
    ///
    /// # Errors
    ///
    /// When the batch is unknown or has no such label, a kept label is not a readable PDF,
    /// or the store fails.
    pub async fn batch_labels(&self, batch_id: i64) -> Result<Vec<u8>, OpsError> {
        self.store
            .batch(batch_id)
            .await?
            .ok_or(OpsError::UnknownBatch(batch_id))?;
        let mut labels = Vec::new();
        for label in self.store.batch_labels(batch_id).await? {
            if label_to_print(label.status) {
                labels.push((label.code.to_string(), label.pdf));
            }
        }
        if labels.is_empty() {
            return Err(OpsError::NoLabel(format!(
                "batch {batch_id} has no bought label for an order still to ship"
            )));
        }
        Ok(crate::documents::join_labels(&labels)?)
    }

    /// The packing slip of one order: what is still to ship and where it goes.
    ///
    /// # Errors
    ///
    /// When the order is unknown or the store fails.
    pub async fn packing_slip(&self, code: &str) -> Result<PackOrder, OpsError> {
        let record = self.record(code).await?;
        let lines = self.store.lines(record.id).await?;
        Ok(pack_order(&record, &lines))
    }
}
