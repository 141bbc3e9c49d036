//! The stock job: webshop stock per SKU flows to the marketplace offers, minus the
//! connection's buffer, and only when it changed since it was last pushed (or differs from
//! what the marketplace shows, the first time). A product whose stock the webshop does not
//! manage has only a stock status: out of stock sends 0 (else the marketplace keeps selling
//! what the shop cannot deliver), in stock leaves the marketplace's stock alone (unless the
//! webshop connection sets a number for such products).

use std::collections::HashMap;

use orderbridge_core::domain::{ProcessId, Sku};
use orderbridge_core::marketplace::{ProcessState, WriteOutcome};
use orderbridge_core::webshop::StockLevel;
use orderbridge_core::{Marketplace, Webshop};

use super::{Engine, JobError, JobReport};
use crate::store::PushedStock;

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    /// One stock run.
    ///
    /// # Errors
    ///
    /// When offers or stock cannot be read, or the store fails. A refused update of one offer
    /// is logged and the others go on.
    pub async fn run_stock(&self) -> Result<JobReport, JobError> {
        let connection = &self.settings.connection;
        // A marketplace that takes no stock, or a webshop that tells none: nothing to carry
        // (the connectors' capabilities, not a failure every run).
        if !self.settings.marketplace_capabilities.stock
            || !self.settings.webshop_capabilities.stock
        {
            tracing::debug!(connection = %connection, "stock is not carried: a connector of this pair has no stock");
            return Ok(JobReport::default());
        }
        // Earlier pushes first: one the marketplace refused makes it list its offers anew
        // (the offer may be gone) before this run reads them.
        let mut pushed = self.store.pushed_stock(connection).await?;
        self.follow_stock_processes(&mut pushed).await?;
        let offers = self
            .marketplace
            .offers()
            .await
            .map_err(JobError::connector("reading the marketplace offers"))?;
        let skus: Vec<Sku> = offers.iter().filter_map(|o| o.sku.clone()).collect();
        if skus.is_empty() {
            return Ok(JobReport::default());
        }
        let levels: HashMap<Sku, StockLevel> = self
            .webshop
            .stock_levels(&skus)
            .await
            .map_err(JobError::connector("reading webshop stock"))?
            .into_iter()
            .map(|level| (level.sku.clone(), level))
            .collect();
        let mut report = JobReport::default();
        let buffer = i64::from(self.settings.stock_buffer);
        let held_for_tests = self.store.open_test_skus(connection).await?;
        for offer in &offers {
            let Some(sku) = &offer.sku else {
                continue;
            };
            if held_for_tests.contains(sku.as_str()) {
                // The shop's stock is lower by a test order's items: not a sale to pass on.
                tracing::debug!(connection = %connection, sku = %sku, "stock not pushed while a test order holds this SKU");
                continue;
            }
            let Some(amount) = levels
                .get(sku)
                .and_then(|level| wanted_amount(level, buffer))
            else {
                continue;
            };
            let last = pushed
                .get(offer.offer_id.as_str())
                .map(|p| p.amount)
                .or(offer.stock.map(i64::from));
            if last == Some(amount) {
                continue;
            }
            let amount_u32 = u32::try_from(amount).unwrap_or(u32::MAX);
            self.hold_lease("updating stock").await?;
            match self
                .marketplace
                .update_stock(&offer.offer_id, amount_u32)
                .await
            {
                Ok(outcome) => {
                    let process_id = match &outcome {
                        WriteOutcome::Pending(process) => Some(process.id.as_str()),
                        WriteOutcome::Applied { .. } => None,
                    };
                    self.store
                        .record_pushed_stock(
                            connection,
                            offer.offer_id.as_str(),
                            sku.as_str(),
                            amount,
                            process_id,
                            self.now_millis(),
                        )
                        .await?;
                    tracing::info!(connection = %connection, offer_id = %offer.offer_id, sku = %sku, amount, "stock pushed");
                    report.n_progressed += 1;
                }
                Err(error) => {
                    tracing::warn!(connection = %connection, offer_id = %offer.offer_id, sku = %sku, "stock update failed: {error}");
                    report.n_failed += 1;
                }
            }
        }
        Ok(report)
    }

    /// Checks the processes of earlier pushes: confirmed ones are done; a refused or timed-out
    /// push is forgotten so this run compares with the marketplace's stock and pushes again.
    async fn follow_stock_processes(
        &self,
        pushed: &mut HashMap<String, PushedStock>,
    ) -> Result<(), JobError> {
        let connection = &self.settings.connection;
        let waiting: Vec<(String, ProcessId)> = pushed
            .iter()
            .filter_map(|(offer, p)| {
                let id = ProcessId::parse(p.process_id.as_deref()?).ok()?;
                Some((offer.clone(), id))
            })
            .collect();
        if waiting.is_empty() {
            return Ok(());
        }
        let ids: Vec<ProcessId> = waiting.iter().map(|(_, id)| id.clone()).collect();
        let processes = match self.marketplace.processes(&ids).await {
            Ok(processes) => processes,
            Err(error) => {
                tracing::warn!(connection = %connection, "reading stock update processes failed, will retry: {error}");
                return Ok(());
            }
        };
        for process in processes {
            let Some((offer, _)) = waiting.iter().find(|(_, id)| *id == process.id) else {
                continue;
            };
            match &process.state {
                ProcessState::Pending => {}
                ProcessState::Succeeded => {
                    self.store.stock_push_confirmed(connection, offer).await?
                }
                ProcessState::Failed { .. } | ProcessState::TimedOut => {
                    tracing::warn!(connection = %connection, offer_id = %offer, "the marketplace did not apply a stock update ({:?}); pushing again", process.state);
                    // The offer may be gone or its listed stock wrong: list the offers anew.
                    self.marketplace.refresh_offers();
                    self.store.forget_pushed_stock(connection, offer).await?;
                    pushed.remove(offer);
                }
            }
        }
        Ok(())
    }
}

/// What the marketplace should show for `level`: the quantity minus the buffer (never below
/// 0); 0 for an out-of-stock product without managed stock; `None` (leave it alone) for an
/// in-stock product without managed stock.
fn wanted_amount(level: &StockLevel, buffer: i64) -> Option<i64> {
    match level.quantity {
        Some(quantity) => Some((quantity - buffer).clamp(0, i64::from(u32::MAX))),
        None if !level.in_stock => Some(0),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(quantity: Option<i64>, in_stock: bool) -> StockLevel {
        StockLevel {
            sku: Sku::parse("MUG").unwrap(),
            quantity,
            in_stock,
        }
    }

    #[test]
    fn unmanaged_out_of_stock_is_zero_and_in_stock_is_left_alone() {
        assert_eq!(wanted_amount(&level(Some(10), true), 2), Some(8));
        assert_eq!(wanted_amount(&level(Some(1), true), 2), Some(0));
        assert_eq!(wanted_amount(&level(Some(0), false), 0), Some(0));
        assert_eq!(wanted_amount(&level(None, false), 2), Some(0));
        assert_eq!(wanted_amount(&level(None, true), 2), None);
    }
}
