//! Reading all offers through bol's offer export: request the export (a process), wait for
//! the process to finish (its `entityId` is then the report id), download the CSV and parse
//! it. An export not ready within [`EXPORT_WAIT`] is remembered, so the next call keeps
//! waiting for the same export instead of requesting another.

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

/// An export requested earlier whose file was not ready when the caller stopped waiting.
#[derive(Debug, Clone)]
pub(crate) struct PendingExport {
    process_id: ProcessId,
    requested_at: Instant,
}

impl BolClient {
    fn set_pending_export(&self, pending: Option<PendingExport>) {
        let mut slot = self
            .inner
            .pending_export
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *slot = pending;
    }

    fn resumable_export(&self) -> Option<PendingExport> {
        let slot = self
            .inner
            .pending_export
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        slot.clone()
            .filter(|pending| pending.requested_at.elapsed() < PENDING_EXPORT_MAX_AGE)
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
