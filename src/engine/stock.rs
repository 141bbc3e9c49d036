//! The stock job: webshop stock per SKU flows to the marketplace offers, minus the
//! connection's buffer, and only when it changed since it was last pushed (or differs from
//! what the marketplace shows, the first time).

use std::collections::HashMap;

use orderbridge_core::domain::{ProcessId, Sku};
use orderbridge_core::marketplace::ProcessState;
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
        let offers = self
            .marketplace
            .offers()
            .await
            .map_err(JobError::connector("reading the marketplace offers"))?;
        let skus: Vec<Sku> = offers.iter().filter_map(|o| o.sku.clone()).collect();
        if skus.is_empty() {
            return Ok(JobReport::default());
        }
        let levels: HashMap<Sku, Option<i64>> = self
            .webshop
            .stock_levels(&skus)
            .await
            .map_err(JobError::connector("reading webshop stock"))?
            .into_iter()
            .map(|level| (level.sku, level.quantity))
            .collect();
        let mut pushed = self.store.pushed_stock(connection).await?;
        self.follow_stock_processes(&mut pushed).await?;
        let mut report = JobReport::default();
        let buffer = i64::from(self.settings.stock_buffer);
        for offer in &offers {
            let Some(sku) = &offer.sku else {
                continue;
            };
            let Some(Some(in_stock)) = levels.get(sku) else {
                continue;
            };
            let amount = (in_stock - buffer).clamp(0, i64::from(u32::MAX));
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
                Ok(process) => {
                    self.store
                        .record_pushed_stock(
                            connection,
                            offer.offer_id.as_str(),
                            sku.as_str(),
                            amount,
                            process.id.as_str(),
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
