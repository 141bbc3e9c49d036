//! Reading all offers through bol's offer export: request the export (a process), wait for
//! the process to finish (its `entityId` is then the report id), download the CSV and parse
//! it. An export not ready within [`EXPORT_WAIT`] is remembered, so the next call keeps
//! waiting for the same export instead of requesting another.
//!
//! The offer list is cached for [`OFFER_LIST_MAX_AGE`]: a stock run normally makes no export
//! request at all. bol asks clients to send only what changed and to know which offers need
//! an update instead of exporting and resending everything
//! (<https://api.bol.com/retailer/public/Retailer-API/v10/functional/retailer-api/offers-process.html>),
//! and warns that the export's stock "is not always the current stock"
//! (<https://api.bol.com/retailer/public/Retailer-API/v4/functional/offers.html>): the stock
//! job therefore compares with what it pushed itself (the store) and uses the export's stock
//! only for offers it never pushed. After a push the cached stock of that offer is forgotten
//! (bol applies it asynchronously and may refuse it), and an offer bol no longer knows (404)
//! drops the whole list, so the next call exports again.
//!
//! Why not the v11 Offer API's `GET /retailer/offers` (paginated, 100 per page, synchronous
//! writes, <https://api.bol.com/retailer/public/Retailer-API/v11/functional/offer-api/whats-new-in-this-api.html>):
//! bol lists it as "in beta with limited availability" (retailers opt in), its 11.1 release
//! of 24-11-2025 still made breaking changes to `GET /retailer/offers`
//! (<https://api.bol.com/retailer/public/Retailer-API/v11/functional/offer-api/releasenotes.html>),
//! and the release schedule keeps v10 live with no removal date
//! (<https://api.bol.com/retailer/public/Retailer-API/release-planning.html>). We have no
//! stable spec of it to build the wire types and the simulator from, so v10's export stays
//! the one way to list offers until v11 is generally available.

use std::sync::PoisonError;
use std::time::Duration;

use orderbridge_core::domain::ProcessId;
use orderbridge_core::marketplace::{Offer, ProcessState};
use orderbridge_core::{ConnectorError, ConnectorResult};
use reqwest::Method;
use tokio::time::Instant;

use crate::call::{ApiCall, CallKind};
use crate::mapping;
use crate::offer_export::offers_from_export;
use crate::wire::{CreateOfferExportRequest, ExportFormat, ProcessStatus, CSV_MEDIA_TYPE};
use crate::{BolClient, VENDOR};

/// How long one `offers()` call waits for bol to prepare the export.
pub(crate) const EXPORT_WAIT: Duration = Duration::from_secs(60);
/// First pause between status reads; it doubles up to [`LONGEST_POLL_PAUSE`].
const FIRST_POLL_PAUSE: Duration = Duration::from_millis(250);
const LONGEST_POLL_PAUSE: Duration = Duration::from_secs(5);
/// An unfinished export older than this is abandoned and a new one requested.
const PENDING_EXPORT_MAX_AGE: Duration = Duration::from_secs(3600);
/// How long a listed offer list is used before the next export: a day. Offers the merchant
/// creates on bol in between are picked up at the latest then (or at once after a restart);
/// the stock of known offers does not need the export at all.
pub(crate) const OFFER_LIST_MAX_AGE: Duration = Duration::from_secs(24 * 3600);

/// The cached offer list and an export still being prepared.
#[derive(Debug, Default)]
pub(crate) struct OfferCache {
    pending: Option<PendingExport>,
    list: Option<CachedOffers>,
}

#[derive(Debug, Clone)]
struct CachedOffers {
    offers: Vec<Offer>,
    listed_at: Instant,
}

impl CachedOffers {
    /// Whether the list may still be used at `now`.
    fn is_fresh(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.listed_at) < OFFER_LIST_MAX_AGE
    }
}

/// An export requested earlier whose file was not ready when the caller stopped waiting.
#[derive(Debug, Clone)]
pub(crate) struct PendingExport {
    process_id: ProcessId,
    requested_at: Instant,
}

impl BolClient {
    fn with_offer_cache<T>(&self, change: impl FnOnce(&mut OfferCache) -> T) -> T {
        let mut cache = self
            .inner
            .offer_cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        change(&mut cache)
    }

    fn set_pending_export(&self, pending: Option<PendingExport>) {
        self.with_offer_cache(|cache| cache.pending = pending);
    }

    fn resumable_export(&self) -> Option<PendingExport> {
        self.with_offer_cache(|cache| cache.pending.clone())
            .filter(|pending| pending.requested_at.elapsed() < PENDING_EXPORT_MAX_AGE)
    }

    /// All offers the merchant fulfils itself: the cached list while it is younger than
    /// [`OFFER_LIST_MAX_AGE`], else a fresh export (which then becomes the cached list).
    ///
    /// # Errors
    ///
    /// As [`BolClient::export_offers`].
    pub(crate) async fn listed_offers(&self) -> ConnectorResult<Vec<Offer>> {
        let cached = self.with_offer_cache(|cache| {
            cache
                .list
                .as_ref()
                .filter(|list| list.is_fresh(Instant::now()))
                .map(|list| list.offers.clone())
        });
        if let Some(offers) = cached {
            return Ok(offers);
        }
        let offers = self.export_offers().await?;
        let list = CachedOffers {
            offers: offers.clone(),
            listed_at: Instant::now(),
        };
        self.with_offer_cache(|cache| cache.list = Some(list));
        Ok(offers)
    }

    /// A stock update for `offer_id` was sent: its cached stock is unknown until the next
    /// export (bol applies the update asynchronously and may refuse it).
    pub(crate) fn offer_stock_sent(&self, offer_id: &str) {
        self.with_offer_cache(|cache| {
            if let Some(list) = cache.list.as_mut() {
                for offer in list
                    .offers
                    .iter_mut()
                    .filter(|o| o.offer_id.as_str() == offer_id)
                {
                    offer.stock = None;
                }
            }
        });
    }

    /// Drops the cached offer list, so the next [`BolClient::listed_offers`] exports again.
    pub(crate) fn forget_offer_list(&self) {
        self.with_offer_cache(|cache| cache.list = None);
    }

    async fn request_export(&self) -> ConnectorResult<PendingExport> {
        let body = CreateOfferExportRequest {
            format: ExportFormat::Csv,
        };
        // Requesting an export changes nothing the merchant sees; repeating it is harmless.
        let call = ApiCall::new(
            Method::POST,
            "POST /retailer/offers/export",
            &["retailer", "offers", "export"],
            CallKind::Read,
        )
        .json(&body)?;
        let status: ProcessStatus = self.call_json(call).await?;
        let process = mapping::process(status, "POST /retailer/offers/export")?;
        let pending = PendingExport {
            process_id: process.id,
            requested_at: Instant::now(),
        };
        self.set_pending_export(Some(pending.clone()));
        Ok(pending)
    }

    /// All offers the merchant fulfils itself, from a fresh offer export.
    ///
    /// # Errors
    ///
    /// `Transient` when the export is not ready within [`EXPORT_WAIT`] (the next call resumes
    /// waiting for it) or bol gave up on it; `Rejected` when bol failed it; others as usual.
    pub(crate) async fn export_offers(&self) -> ConnectorResult<Vec<Offer>> {
        let pending = match self.resumable_export() {
            Some(pending) => pending,
            None => self.request_export().await?,
        };
        let report_id = self.wait_for_report(&pending.process_id).await?;
        self.set_pending_export(None);
        let call = ApiCall::new(
            Method::GET,
            "GET /retailer/offers/export/{report-id}",
            &["retailer", "offers", "export", &report_id],
            CallKind::Read,
        )
        .accept(CSV_MEDIA_TYPE);
        let (location, csv) = self.call_text(call).await?;
        offers_from_export(&csv, &location)
    }

    /// Polls the export process until it finishes; returns the report id.
    async fn wait_for_report(&self, process_id: &ProcessId) -> ConnectorResult<String> {
        let deadline = Instant::now() + EXPORT_WAIT;
        let mut pause = FIRST_POLL_PAUSE;
        loop {
            let Some(process) = self.process_status(process_id).await? else {
                self.set_pending_export(None);
                return Err(ConnectorError::Transient {
                    message: format!("bol no longer knows offer export process {process_id}"),
                });
            };
            match process.state {
                ProcessState::Succeeded => {
                    return process
                        .entity_id
                        .filter(|id| !id.trim().is_empty())
                        .ok_or_else(|| {
                            self.set_pending_export(None);
                            ConnectorError::InvalidPayload {
                                vendor: VENDOR.to_owned(),
                                location: format!("GET /shared/process-status/{process_id}"),
                                message: "finished offer export has no entityId (report id)"
                                    .to_owned(),
                            }
                        })
                }
                ProcessState::Failed { message } => {
                    self.set_pending_export(None);
                    return Err(ConnectorError::Rejected {
                        vendor: VENDOR.to_owned(),
                        message: format!("offer export failed: {message}"),
                    });
                }
                ProcessState::TimedOut => {
                    self.set_pending_export(None);
                    return Err(ConnectorError::Transient {
                        message: format!("bol timed out preparing offer export {process_id}"),
                    });
                }
                ProcessState::Pending if Instant::now() + pause > deadline => {
                    return Err(ConnectorError::Transient {
                        message: format!(
                            "offer export {process_id} not ready after {}s; the next call keeps waiting for it",
                            EXPORT_WAIT.as_secs()
                        ),
                    });
                }
                ProcessState::Pending => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(LONGEST_POLL_PAUSE);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offer_list_is_used_for_a_day() {
        let list = CachedOffers {
            offers: Vec::new(),
            listed_at: Instant::now(),
        };
        let hour = Duration::from_secs(3600);
        assert!(list.is_fresh(list.listed_at));
        assert!(list.is_fresh(list.listed_at + 23 * hour));
        assert!(!list.is_fresh(list.listed_at + OFFER_LIST_MAX_AGE));
    }
}
