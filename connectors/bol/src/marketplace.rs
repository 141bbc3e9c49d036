//! [`Marketplace`] for [`BolClient`]: each trait method as the Retailer API v10 calls it.
//! The open-orders list is read page by page until an empty page (bol pages it by 50 *items*,
//! so a full page may hold fewer than 50 orders); writes answer with the process bol started.
//! A shipment with a bol label names the label and no transport (`mapping_process.rs`); the
//! label calls themselves are in `labels.rs`.

use std::collections::HashSet;

use orderbridge_core::domain::{
    LabelOfferId, MarketplaceOrder, MarketplaceOrderId, OfferId, OpenOrder, ProcessId,
    ShippingLabelId,
};
use orderbridge_core::marketplace::{
    Cancellation, Label, LabelOffer, LineQuantity, Offer, Process, ProcessKind, Shipment,
    WriteOutcome,
};
use orderbridge_core::{ConnectorError, ConnectorResult, Marketplace};
use reqwest::Method;

use crate::call::{ApiCall, CallKind};
use crate::mapping;
use crate::wire::{
    self, BulkProcessStatusRequest, Order, ProcessStatus, ProcessStatusId, ProcessStatusResponse,
    ReducedOrders, UpdateOfferStockRequest,
};
use crate::{BolClient, VENDOR};

/// More pages than any list should have; stops a server that ignores `page` from looping
/// (it would answer the same full page for ever).
const MAX_PAGES: u32 = 1000;

fn too_many_pages(location: &str) -> ConnectorError {
    ConnectorError::InvalidPayload {
        vendor: VENDOR.to_owned(),
        location: location.to_owned(),
        message: format!("still full pages after {MAX_PAGES} pages; is `page` ignored?"),
    }
}

impl BolClient {
    /// The current state of one process; `None` when bol no longer knows it.
    pub(crate) async fn process_status(&self, id: &ProcessId) -> ConnectorResult<Option<Process>> {
        let call = ApiCall::new(
            Method::GET,
            "GET /shared/process-status/{process-status-id}",
            &["shared", "process-status", id.as_str()],
            CallKind::Read,
        );
        let location = format!("GET /shared/process-status/{id}");
        match self.call_json::<ProcessStatus>(call).await {
            Ok(status) => mapping::process(status, &location).map(Some),
            Err(ConnectorError::NotFound { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn processes_in_bulk(&self, ids: &[ProcessId]) -> ConnectorResult<Vec<Process>> {
        let body = BulkProcessStatusRequest {
            process_status_queries: ids
                .iter()
                .map(|id| ProcessStatusId {
                    process_status_id: id.as_str().to_owned(),
                })
                .collect(),
        };
        // Reading statuses changes nothing, so the bulk POST is retried like a GET.
        let call = ApiCall::new(
            Method::POST,
            "POST /shared/process-status",
            &["shared", "process-status"],
            CallKind::Read,
        )
        .json(&body)?;
        let answer: ProcessStatusResponse = self.call_json(call).await?;
        answer
            .process_statuses
            .into_iter()
            .map(|status| mapping::process(status, "POST /shared/process-status"))
            .collect()
    }

    /// Sends a write and returns the process bol started. An accepted write whose answer names
    /// no usable process is `Transient`, not `InvalidPayload`: it may have taken effect, and
    /// the daemon finds the process by entity before trying again.
    pub(crate) async fn write_process(
        &self,
        call: ApiCall,
        location: &str,
    ) -> ConnectorResult<Process> {
        let status: ProcessStatus = self.call_json(call).await?;
        mapping::process(status, location).map_err(|error| ConnectorError::Transient {
            message: format!(
                "{location}: bol accepted the write but its answer names no usable process \
                 ({error}); it may have taken effect"
            ),
        })
    }
}

/// bol's writes as bol answers them: always with the process that applies them (202). The
/// [`Marketplace`] methods of the same names wrap these in [`WriteOutcome::Pending`].
impl BolClient {
    pub async fn ship(&self, shipment: &Shipment) -> ConnectorResult<Process> {
        let body = mapping::shipment_request(shipment)?;
        let call = ApiCall::new(
            Method::POST,
            "POST /retailer/shipments",
            &["retailer", "shipments"],
            CallKind::Write,
        )
        .json(&body)?;
        self.write_process(call, "POST /retailer/shipments").await
    }

    pub async fn cancel(&self, cancellation: &Cancellation) -> ConnectorResult<Process> {
        let body = mapping::cancellation_request(cancellation)?;
        let call = ApiCall::new(
            Method::PUT,
            "PUT /retailer/orders/cancellation",
            &["retailer", "orders", "cancellation"],
            CallKind::Write,
        )
        .json(&body)?;
        self.write_process(call, "PUT /retailer/orders/cancellation")
            .await
    }

    /// Sets the stock of an offer; bol takes at most 999, so larger amounts are sent as 999.
    pub async fn update_stock(&self, offer_id: &OfferId, amount: u32) -> ConnectorResult<Process> {
        let body = UpdateOfferStockRequest {
            amount: amount.min(wire::MAX_OFFER_STOCK_AMOUNT),
            managed_by_retailer: true,
        };
        let call = ApiCall::new(
            Method::PUT,
            "PUT /retailer/offers/{offer-id}/stock",
            &["retailer", "offers", offer_id.as_str(), "stock"],
            CallKind::Write,
        )
        .json(&body)?;
        let sent = self
            .write_process(call, &format!("PUT /retailer/offers/{offer_id}/stock"))
            .await;
        match &sent {
            Ok(_) => self.offer_stock_sent(offer_id.as_str()),
            // The spec lists only 202 and 400 for this PUT, but 404 for reading an offer that
            // is gone; a 404 here (the simulator's answer for a deleted offer) means the cached
            // list is out of date. A refused process is handled by the stock job.
            Err(ConnectorError::NotFound { .. }) => self.forget_offer_list(),
            Err(_) => {}
        }
        sent
    }

    /// Buys a label (`labels.rs`): a charged write, never repeated once it may have reached bol.
    pub async fn buy_label(
        &self,
        lines: &[LineQuantity],
        offer: &LabelOfferId,
    ) -> ConnectorResult<Process> {
        self.purchase_label(lines, offer).await
    }
}

impl Marketplace for BolClient {
    async fn ship(&self, shipment: &Shipment) -> ConnectorResult<WriteOutcome> {
        BolClient::ship(self, shipment)
            .await
            .map(WriteOutcome::Pending)
    }

    async fn cancel(&self, cancellation: &Cancellation) -> ConnectorResult<WriteOutcome> {
        BolClient::cancel(self, cancellation)
            .await
            .map(WriteOutcome::Pending)
    }

    async fn update_stock(&self, offer_id: &OfferId, amount: u32) -> ConnectorResult<WriteOutcome> {
        BolClient::update_stock(self, offer_id, amount)
            .await
            .map(WriteOutcome::Pending)
    }

    async fn buy_label(
        &self,
        lines: &[LineQuantity],
        offer: &LabelOfferId,
    ) -> ConnectorResult<WriteOutcome> {
        BolClient::buy_label(self, lines, offer)
            .await
            .map(WriteOutcome::Pending)
    }

    async fn open_orders(&self) -> ConnectorResult<Vec<OpenOrder>> {
        let fulfilment_method = if self.inner.include_fbb { "ALL" } else { "FBR" };
        let mut orders = Vec::new();
        let mut seen = HashSet::new();
        let mut ids_on_previous_page: Vec<String> = Vec::new();
        for page in 1..=MAX_PAGES {
            let call = ApiCall::new(
                Method::GET,
                "GET /retailer/orders",
                &["retailer", "orders"],
                CallKind::Read,
            )
            .query("fulfilment-method", fulfilment_method)
            .query("status", "OPEN")
            .query("page", page);
            let location = format!("GET /retailer/orders?page={page}");
            let answer: ReducedOrders = self.call_json(call).await?;
            // bol's pages hold 50 order *items* (the spec's `page` parameter of
            // `GET /retailer/orders`: "a page size of 50 items"), not 50 orders: a page of
            // orders with several items is full with fewer than 50 orders, so only an empty
            // page (`{}` or no orders) ends the list.
            if answer.orders.is_empty() {
                return Ok(orders);
            }
            let ids_on_page: Vec<String> =
                answer.orders.iter().map(|o| o.order_id.clone()).collect();
            if ids_on_page == ids_on_previous_page {
                return Err(ConnectorError::InvalidPayload {
                    vendor: VENDOR.to_owned(),
                    location,
                    message: format!(
                        "page {page} repeats page {} order for order; is `page` ignored?",
                        page - 1
                    ),
                });
            }
            ids_on_previous_page = ids_on_page;
            for reduced in answer.orders {
                let order_id = reduced.order_id.clone();
                // One unreadable order must not hide the others; it is reported and skipped.
                match mapping::open_order(reduced, &location) {
                    Ok(order) if seen.insert(order.id.clone()) => orders.push(order),
                    Ok(_) => {}
                    Err(error) => tracing::warn!(order_id, %error, "skipping unreadable bol order"),
                }
            }
        }
        Err(too_many_pages("GET /retailer/orders"))
    }

    async fn order(&self, id: &MarketplaceOrderId) -> ConnectorResult<MarketplaceOrder> {
        let call = ApiCall::new(
            Method::GET,
            "GET /retailer/orders/{order-id}",
            &["retailer", "orders", id.as_str()],
            CallKind::Read,
        );
        let order: Order = match self.call_json(call).await {
            Err(ConnectorError::NotFound { .. }) => {
                return Err(ConnectorError::NotFound {
                    what: format!("bol order {id}"),
                })
            }
            other => other?,
        };
        let location = format!("GET /retailer/orders/{id}");
        let mapped = mapping::marketplace_order(order, &location)?;
        if &mapped.id != id {
            return Err(ConnectorError::InvalidPayload {
                vendor: "bol".into(),
                location,
                message: format!("orderId {} is not the order asked for, {id}", mapped.id),
            });
        }
        Ok(mapped)
    }

    async fn processes(&self, ids: &[ProcessId]) -> ConnectorResult<Vec<Process>> {
        match ids {
            [] => Ok(Vec::new()),
            [id] => Ok(self.process_status(id).await?.into_iter().collect()),
            _ => {
                let mut processes = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(wire::MAX_BULK_PROCESS_STATUS_IDS) {
                    processes.extend(self.processes_in_bulk(chunk).await?);
                }
                Ok(processes)
            }
        }
    }

    async fn find_processes(
        &self,
        entity_id: &str,
        kind: ProcessKind,
    ) -> ConnectorResult<Vec<Process>> {
        let event_type = mapping::event_type(kind).as_str();
        let mut processes = Vec::new();
        for page in 1..=MAX_PAGES {
            let call = ApiCall::new(
                Method::GET,
                "GET /shared/process-status",
                &["shared", "process-status"],
                CallKind::Read,
            )
            .query("entity-id", entity_id)
            .query("event-type", event_type)
            .query("page", page);
            let answer: ProcessStatusResponse = self.call_json(call).await?;
            let n_on_page = answer.process_statuses.len();
            let location = format!("GET /shared/process-status?entity-id={entity_id}&page={page}");
            for status in answer.process_statuses {
                processes.push(mapping::process(status, &location)?);
            }
            if n_on_page < wire::PAGE_SIZE {
                return Ok(processes);
            }
        }
        Err(too_many_pages("GET /shared/process-status"))
    }

    /// The cached offer list, exported again once a day (see `offers.rs`).
    async fn offers(&self) -> ConnectorResult<Vec<Offer>> {
        self.listed_offers().await
    }

    /// bol's delivery options for the lines (`labels.rs`).
    async fn label_offers(&self, lines: &[LineQuantity]) -> ConnectorResult<Vec<LabelOffer>> {
        self.delivery_options(lines).await
    }

    /// The label's PDF with its track & trace code and carrier (`labels.rs`).
    async fn label(&self, id: &ShippingLabelId) -> ConnectorResult<Label> {
        self.shipping_label(id).await
    }

    fn refresh_offers(&self) {
        self.forget_offer_list();
    }
}
