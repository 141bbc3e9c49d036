//! A stateful simulator of the bol.com Retailer API v10 on loopback, for the demo and for
//! tests: the same paths, field names, status codes and `Problem` bodies as bol, OAuth2 tokens,
//! asynchronous processes that resolve after a set number of status reads, offer export, and
//! injectable faults (status codes, 429 with `Retry-After`, slow answers).
//!
//! [`BolSim`] is a cheap handle: clones share one simulated account, and the HTTP server stops
//! when the last handle is dropped. An HTTP control surface under `/_sim/` places orders and
//! shows the state for manual use.

mod api;
mod control;
mod http;
mod model;
mod orders_wire;
mod processes;
mod sample;
mod state;
mod writes;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::task::AbortHandle;

pub use model::{
    SimCancellation, SimItemView, SimLine, SimOrder, SimOrderView, SimProduct, SimShipment,
};
use state::State;

/// The simulator state shared by the server and every handle.
pub(crate) type SharedState = Arc<Mutex<State>>;

/// Runs `f` on the state under the lock (recovering it if a holder panicked).
pub(crate) fn with_state<T>(state: &SharedState, f: impl FnOnce(&mut State) -> T) -> T {
    let mut guard = state.lock().unwrap_or_else(PoisonError::into_inner);
    f(&mut guard)
}

/// An endpoint a fault can be injected into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimEndpoint {
    /// `POST /token`.
    Token,
    /// `GET /retailer/orders`.
    ListOrders,
    /// `GET /retailer/orders/{order-id}`.
    GetOrder,
    /// `POST /retailer/shipments`.
    CreateShipment,
    /// `PUT /retailer/orders/cancellation`.
    Cancellation,
    /// All three `/shared/process-status` endpoints.
    ProcessStatus,
    /// `POST /retailer/offers/export` and `GET /retailer/offers/export/{report-id}`.
    OfferExport,
    /// `PUT /retailer/offers/{offer-id}/stock`.
    OfferStock,
    /// Every endpoint above, the token endpoint included.
    Any,
}

/// A fault to inject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimFault {
    /// Answer this HTTP status with a `Problem` body, without acting on the request.
    Status(u16),
    /// Answer 429 with a `Problem` body and, when given, `Retry-After` (and
    /// `x-ratelimit-remaining: 0`, `x-ratelimit-reset`), without acting on the request.
    RateLimited {
        /// Seconds to send in `Retry-After`.
        retry_after_secs: Option<u64>,
    },
    /// Act on the request as usual, then wait this long before answering (a write still takes
    /// effect when the client gives up meanwhile).
    Delay(Duration),
}

/// Aborts the server task when the last [`BolSim`] handle goes.
#[derive(Debug)]
struct ServerGuard(AbortHandle);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A running simulator of one bol.com seller account.
#[derive(Debug, Clone)]
pub struct BolSim {
    state: SharedState,
    base_url: String,
    _server: Arc<ServerGuard>,
}

impl BolSim {
    /// The client id the token endpoint accepts.
    pub const CLIENT_ID: &'static str = "orderbridge-sim-client";
    /// The client secret the token endpoint accepts.
    pub const CLIENT_SECRET: &'static str = "orderbridge-sim-secret";

    /// Binds `127.0.0.1` on a free port and serves the simulated API from a spawned task
    /// (so it needs a Tokio runtime).
    ///
    /// # Errors
    ///
    /// When the port cannot be bound.
    pub async fn start() -> std::io::Result<BolSim> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let state: SharedState = Arc::new(Mutex::new(State::new(base_url.clone())));
        let app = api::router(state.clone());
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::debug!(%error, "bol simulator stopped");
            }
        });
        tracing::debug!(%base_url, "bol simulator listening");
        Ok(BolSim {
            state,
            base_url,
            _server: Arc::new(ServerGuard(server.abort_handle())),
        })
    }

    /// Base URL of the API (`http://127.0.0.1:PORT`); `/retailer/...` and `/shared/...` are
    /// under it.
    pub fn api_base_url(&self) -> String {
        self.base_url.clone()
    }

    /// URL of the token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}/token", self.base_url)
    }

    /// Places an order; returns its numeric order id. Item ids are numeric too.
    pub fn add_order(&self, order: SimOrder) -> String {
        with_state(&self.state, |s| s.add_order(order))
    }

    /// The buyer asks to cancel: `cancellationRequest` becomes true on every open item.
    pub fn request_cancellation(&self, order_id: &str) {
        with_state(&self.state, |s| s.request_cancellation(order_id));
    }

    /// bol cancels every open quantity; the order leaves the open orders list.
    pub fn cancel_by_bol(&self, order_id: &str) {
        with_state(&self.state, |s| s.cancel_by_bol(order_id));
    }

    /// The order as the simulator holds it now.
    pub fn order(&self, order_id: &str) -> Option<SimOrderView> {
        with_state(&self.state, |s| s.order_view(order_id))
    }

    /// Shipments applied so far (their process succeeded), oldest first.
    pub fn shipments(&self) -> Vec<SimShipment> {
        with_state(&self.state, |s| s.shipments.clone())
    }

    /// How many `POST /retailer/shipments` the simulated API processed: past injected
    /// `Status`/`RateLimited` faults and the token check, whether answered 202 (even when
    /// the process later failed) or 400.
    pub fn shipment_requests(&self) -> usize {
        with_state(&self.state, |s| s.shipment_requests)
    }

    /// Merchant cancellations applied so far, oldest first.
    pub fn cancellations(&self) -> Vec<SimCancellation> {
        with_state(&self.state, |s| s.cancellations.clone())
    }

    /// How many `PUT /retailer/orders/cancellation` the simulated API processed (counted as
    /// [`BolSim::shipment_requests`] counts shipments).
    pub fn cancellation_requests(&self) -> usize {
        with_state(&self.state, |s| s.cancellation_requests)
    }

    /// Adds an offer fulfilled by the merchant; returns its offer id (UUID form).
    pub fn add_offer(&self, reference: &str, ean: &str, stock: u32) -> String {
        with_state(&self.state, |s| s.add_offer(reference, ean, stock))
    }

    /// The offer's current stock.
    pub fn offer_stock(&self, offer_id: &str) -> Option<u32> {
        with_state(&self.state, |s| {
            s.offers
                .iter()
                .find(|o| o.offer_id == offer_id)
                .map(|o| o.stock)
        })
    }

    /// Every applied stock update in order: offer id and amount.
    pub fn stock_updates(&self) -> Vec<(String, u32)> {
        with_state(&self.state, |s| s.stock_updates.clone())
    }

    /// How many status reads a process started from now on answers `PENDING` before it
    /// applies its effect and answers `SUCCESS` or `FAILURE` (default 1).
    pub fn set_process_pending_reads(&self, reads: u32) {
        with_state(&self.state, |s| s.pending_reads = reads);
    }

    /// The next `times` requests to `endpoint` meet `fault`. Faults are used up in the order
    /// they were injected.
    pub fn inject_fault(&self, endpoint: SimEndpoint, fault: SimFault, times: u32) {
        with_state(&self.state, |s| s.inject_fault(endpoint, fault, times));
    }
}
