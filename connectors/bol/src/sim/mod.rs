//! A stateful simulator of the bol.com Retailer API v10 on loopback, for the demo and for
//! tests: the same paths, field names, status codes and `Problem` bodies as bol, OAuth2 tokens,
//! asynchronous processes that resolve after a set number of status reads, offer export,
//! shipping labels (delivery options, purchases, real PDF labels, shipments naming a label),
//! injectable faults ([`SimFault`]: error statuses, 429 with or without `Retry-After`, slow
//! answers, hangs, reset connections, garbled or cut-off answers, writes whose answer is lost),
//! injected a number of times, at a rate or as seeded chaos, valid-but-odd answers
//! ([`SimQuirks`]), and raw orders served byte for byte for bad-input tests.
//!
//! [`BolSim`] is a cheap handle: clones share one simulated account, and the HTTP server stops
//! when the last handle is dropped. An HTTP control surface under `/_sim/` places orders and
//! shows the state for manual use.

mod api;
mod control;
mod faults;
mod gate;
mod http;
mod label_pdf;
mod labels;
mod labels_api;
mod model;
mod orders_wire;
mod processes;
mod quirks;
mod rate_limit;
mod raw_orders;
mod sample;
mod state;
mod writes;

use std::sync::{Arc, Mutex, PoisonError};

use orderbridge_simkit::{serve_breakable, Server};

pub use faults::{SimEndpoint, SimFault, SimQuirks};
pub use model::{
    SimCancellation, SimItemView, SimLabel, SimLine, SimOrder, SimOrderView, SimProduct,
    SimShipment,
};
pub use rate_limit::SimRateLimit;
use rate_limit::{with_limiter, SharedLimiter};
use raw_orders::RawOrder;
use state::State;

/// The simulator state shared by the server and every handle.
pub(crate) type SharedState = Arc<Mutex<State>>;

/// Runs `f` on the state under the lock (recovering it if a holder panicked).
pub(crate) fn with_state<T>(state: &SharedState, f: impl FnOnce(&mut State) -> T) -> T {
    let mut guard = state.lock().unwrap_or_else(PoisonError::into_inner);
    f(&mut guard)
}

/// A running simulator of one bol.com seller account.
#[derive(Debug, Clone)]
pub struct BolSim {
    state: SharedState,
    limiter: SharedLimiter,
    base_url: String,
    /// Stops the server, and ends every request still hanging, when the last handle goes.
    _server: Arc<Server>,
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
        let limiter = SharedLimiter::default();
        let app = api::router(state.clone(), limiter.clone());
        let server = serve_breakable(listener, app, "bol")?;
        Ok(BolSim {
            state,
            limiter,
            base_url,
            _server: Arc::new(server),
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

    /// The merchant ships the open items of one order item by hand in the seller dashboard:
    /// bol shows them shipped, but no shipment request was made (so it is not in
    /// [`BolSim::shipments`]).
    pub fn ship_in_seller_dashboard(&self, order_item_id: &str) {
        with_state(&self.state, |s| s.ship_in_seller_dashboard(order_item_id));
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

    /// How many `PUT /retailer/offers/{offer-id}/stock` the simulated API processed (counted
    /// as [`BolSim::shipment_requests`] counts shipments), applied or not.
    pub fn stock_update_requests(&self) -> usize {
        with_state(&self.state, |s| s.stock_update_requests)
    }

    /// How many `POST /retailer/offers/export` the simulated API accepted (answered 202).
    pub fn offer_export_requests(&self) -> usize {
        with_state(&self.state, |s| s.offer_export_requests)
    }

    /// How many shipping labels were bought for parcels holding order item `order_item_id`.
    /// A label is bought, and charged, when bol accepts a valid purchase
    /// (`POST /retailer/shipping-labels` answered 202 for a quoted delivery option and exactly
    /// its items), whether or not anyone reads the purchase's process afterwards; a purchase
    /// whose process fails buys nothing.
    pub fn labels_bought(&self, order_item_id: &str) -> usize {
        with_state(&self.state, |s| s.labels_bought(order_item_id))
    }

    /// Every shipping label bought so far, oldest first, with its track & trace code and
    /// whether an applied shipment used it.
    pub fn labels(&self) -> Vec<SimLabel> {
        with_state(&self.state, |s| s.label_views())
    }

    /// How many `POST /retailer/shipping-labels` the simulated API processed (counted as
    /// [`BolSim::shipment_requests`] counts shipments), whether a label was bought or not.
    pub fn label_purchase_requests(&self) -> usize {
        with_state(&self.state, |s| s.label_purchase_requests)
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

    /// Deletes an offer, as the merchant can in the seller dashboard: it leaves the export,
    /// and a stock update for it is answered 404.
    pub fn remove_offer(&self, offer_id: &str) {
        with_state(&self.state, |s| s.offers.retain(|o| o.offer_id != offer_id));
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
    /// they were injected, before any fault injected at a rate or by chaos.
    pub fn inject_fault(&self, endpoint: SimEndpoint, fault: SimFault, times: u32) {
        with_state(&self.state, |s| s.faults.inject(endpoint, fault, times));
    }

    /// Every request to `endpoint` meets `fault` with probability `rate` (0 to 1), until
    /// [`BolSim::clear_faults`]. Draws come from the generator seeded by
    /// [`BolSim::set_chaos`] (seed 0 until then), so runs repeat.
    pub fn inject_fault_rate(&self, endpoint: SimEndpoint, fault: SimFault, rate: f64) {
        with_state(&self.state, |s| s.faults.inject_rate(endpoint, fault, rate));
    }

    /// Chaos: every request to any endpoint, the token endpoint included, meets with
    /// probability `rate` a fault drawn from a fixed mix: HTTP 500, 502 or 503, a reset
    /// connection, a delay of 2.5 s (beyond a typical 2 s client timeout), 429 with a
    /// `Retry-After` of 1 s or without one, a garbled or a cut-off answer, and for writes also
    /// [`SimFault::AppliedButLost`]. `seed` makes the draws repeatable; `rate` 0 stops chaos.
    pub fn set_chaos(&self, rate: f64, seed: u64) {
        with_state(&self.state, |s| s.faults.set_chaos(rate, seed));
    }

    /// A share `rate` (0 to 1) of the shipment and cancellation processes end in `FAILURE`
    /// with an error message and without effect when they resolve, as bol's do when a
    /// downstream service keeps failing; sending the same request again may succeed. Draws
    /// come from the generator of [`BolSim::set_chaos`]; counted as `process_failure` in
    /// [`BolSim::fault_counts`]; stopped by [`BolSim::clear_faults`].
    pub fn fail_processes_at_rate(&self, rate: f64) {
        with_state(&self.state, |s| s.faults.fail_processes_at_rate(rate));
    }

    /// Every shipment and cancellation process of order item `order_item_id` ends in
    /// `FAILURE` without effect (a line that keeps failing), until [`BolSim::clear_faults`].
    pub fn fail_processes_of(&self, order_item_id: &str) {
        with_state(&self.state, |s| s.faults.fail_processes_of(order_item_id));
    }

    /// Label purchase processes end in `TIMEOUT` from now on, until [`BolSim::clear_faults`]:
    /// bol gave up following them. bol does not document whether such a label was bought;
    /// the simulator takes the worse case for a charged write: it was (the label is counted
    /// by [`BolSim::labels_bought`]), and the process never names it.
    pub fn time_out_label_purchases(&self) {
        with_state(&self.state, |s| s.faults.time_out_label_purchases());
    }

    /// Removes every injected fault (counted, rated) and stops chaos. The counts of
    /// [`BolSim::fault_counts`] stay.
    pub fn clear_faults(&self) {
        with_state(&self.state, |s| s.faults.clear());
    }

    /// How many faults of each kind were injected so far, by kind name (`status_503`,
    /// `connection_reset`, `rate_limited_without_retry_after`, ...), sorted by name.
    pub fn fault_counts(&self) -> Vec<(String, u64)> {
        with_state(&self.state, |s| s.faults.counts())
    }

    /// Enforces `limit` on `endpoint` from now on, in a fresh window ([`SimEndpoint::Any`]: on
    /// every endpoint without a limit of its own, each in its own windows). Every endpoint but
    /// the token endpoint has a limit; the default is far above what tests send. Over the limit
    /// the simulator answers 429 with `Retry-After`; every answer carries `x-ratelimit-limit`,
    /// `x-ratelimit-remaining` and `x-ratelimit-reset`, as bol's do.
    /// [`SimRateLimit::bol_published`] has bol's own figures.
    pub fn set_rate_limit(&self, endpoint: SimEndpoint, limit: SimRateLimit) {
        with_limiter(&self.limiter, |l| l.set(endpoint, limit));
    }

    /// Requests the rate limits let through and requests they refused with 429, so far.
    pub fn rate_limit_counts(&self) -> (u64, u64) {
        with_limiter(&self.limiter, |l| l.counts())
    }

    /// Switches the oddities of valid answers ([`SimQuirks`]) for every answer from now on.
    pub fn set_quirks(&self, quirks: SimQuirks) {
        with_state(&self.state, |s| s.quirks = quirks);
    }

    /// Adds an order whose details (`GET /retailer/orders/{order_id}`) are `detail_body`
    /// byte for byte, served as v10 JSON even when they are not JSON or not UTF-8. The
    /// open-orders list shows it with whatever it can read from the body (item ids,
    /// quantities, fulfilment method), else with one open FBR item `{order_id}-1` of
    /// quantity 1. Writes naming its items are refused as unknown items. Returns `order_id`.
    pub fn add_raw_order(&self, order_id: &str, detail_body: Vec<u8>) -> String {
        with_state(&self.state, |s| {
            s.raw_orders.retain(|raw| raw.order_id != order_id);
            s.raw_orders.push(RawOrder::new(order_id, detail_body));
        });
        order_id.to_owned()
    }

    /// Replaces the details of a raw order (the marketplace "fixed" it); adds it when unknown.
    pub fn replace_raw_order(&self, order_id: &str, detail_body: Vec<u8>) {
        with_state(&self.state, |s| {
            let raw = RawOrder::new(order_id, detail_body);
            match s.raw_orders.iter_mut().find(|r| r.order_id == order_id) {
                Some(existing) => *existing = raw,
                None => s.raw_orders.push(raw),
            }
        });
    }

    /// The open-orders list shows this order twice (bol does when orders change while a
    /// client pages): once in its place and once more at the start of the next page, or at
    /// the end of the list when there is no next page.
    pub fn list_order_twice(&self, order_id: &str) {
        with_state(&self.state, |s| {
            if !s.listed_twice.iter().any(|id| id == order_id) {
                s.listed_twice.push(order_id.to_owned());
            }
        });
    }
}
