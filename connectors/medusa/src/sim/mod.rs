//! A stateful Medusa 2 store on loopback for tests and the demo: the Admin API's paths, field
//! names, amounts in the main unit, `{type, message}` errors and HTTP Basic authentication by
//! secret API key ([`MedusaSim::API_KEY`]), with the behaviour our connector relies on checked
//! against a real Medusa 2 server (`scripts/medusa/FACTS.md`, `tests/real_medusa.rs`): a draft
//! order is an order with status `draft` that conversion turns into a `pending` order with the
//! same id; placed orders reserve stock; an order with a live fulfilment cannot be cancelled;
//! metadata is kept as sent but cannot be filtered on. Tests drive it through [`MedusaSim`]
//! (add variants, ship or cancel orders as the merchant, queue faults) and read its state.
//!
//! Layout: `model.rs` (what the store holds), `state.rs` (how it changes), `routes.rs` (the
//! Admin API routes and JSON), `faults.rs` (faults queued per endpoint).

mod faults;
mod model;
mod routes;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use faults::{MedusaEndpoint, MedusaFault};
pub use model::{SimFulfillment, SimItem, SimOrder, SimVariant};
pub use state::SimSetup;

use routes::{lock, Shared};
use state::SimState;

use crate::MedusaConfig;

/// Handle on a running simulated store. Clones share the store.
#[derive(Clone)]
pub struct MedusaSim {
    shared: Shared,
    address: SocketAddr,
}

impl std::fmt::Debug for MedusaSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MedusaSim")
            .field("address", &self.address)
            .finish()
    }
}

impl MedusaSim {
    /// The secret API key the simulator accepts.
    pub const API_KEY: &'static str = routes::API_KEY;

    /// Starts a store on a free loopback port.
    ///
    /// # Errors
    ///
    /// When no port can be bound.
    pub async fn start() -> std::io::Result<MedusaSim> {
        Self::start_on("127.0.0.1:0".parse().map_err(std::io::Error::other)?).await
    }

    /// Starts a store on `address` (the demo keeps its port across restarts).
    ///
    /// # Errors
    ///
    /// When the address cannot be bound.
    pub async fn start_on(address: SocketAddr) -> std::io::Result<MedusaSim> {
        let shared: Shared = Arc::new(Mutex::new(SimState::new()));
        let address =
            orderbridge_simkit::serve(routes::router(shared.clone()), address, "Medusa").await?;
        Ok(MedusaSim { shared, address })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The region, sales channel, shipping option and stock location the store has.
    pub fn setup(&self) -> SimSetup {
        lock(&self.shared).setup.clone()
    }

    /// Settings that reach this store, its stock location included.
    ///
    /// # Panics
    ///
    /// Never: the base URL is always valid.
    pub fn config(&self) -> MedusaConfig {
        let setup = self.setup();
        let mut config = MedusaConfig::new(
            self.base_url().parse().unwrap_or_else(|_| unreachable!()),
            orderbridge_core::SecretSource::Inline(Self::API_KEY.into()),
            setup.region_id,
            setup.sales_channel_id,
            setup.shipping_option_id,
        );
        config.stock_location_id = Some(setup.stock_location_id);
        config
    }

    /// Adds a product variant priced `price_cents`; `stock: None` means Medusa does not manage
    /// its inventory. Returns its id.
    pub fn add_variant(
        &self,
        sku: &str,
        ean: Option<&str>,
        price_cents: i64,
        stock: Option<i64>,
    ) -> String {
        lock(&self.shared).add_variant(sku, ean, price_cents, stock)
    }

    /// Makes EUR prices include VAT (Medusa's currency price preference) or not (a fresh
    /// store's default: 21 % is added on top).
    pub fn set_prices_include_tax(&self, include: bool) {
        lock(&self.shared).prices_include_tax = include;
    }

    /// Sets a managed variant's stock on the shelf.
    pub fn set_stock(&self, sku: &str, stocked: i64) {
        let mut state = lock(&self.shared);
        if let Some(v) = state.variants.iter_mut().find(|v| v.sku == sku) {
            v.stocked = stocked;
        }
    }

    /// The variants.
    pub fn variants(&self) -> Vec<SimVariant> {
        lock(&self.shared).variants.clone()
    }

    /// Orders and drafts.
    pub fn orders(&self) -> Vec<SimOrder> {
        lock(&self.shared).orders.clone()
    }

    /// Orders and drafts whose metadata carries our order `code`.
    pub fn orders_with_code(&self, code: &str) -> Vec<SimOrder> {
        self.orders()
            .into_iter()
            .filter(|o| {
                o.metadata
                    .get(crate::ORDER_CODE_KEY)
                    .and_then(|v| v.as_str())
                    == Some(code)
            })
            .collect()
    }

    /// The merchant fulfils the whole order and marks it shipped with these tracking numbers.
    ///
    /// # Errors
    ///
    /// When there is no such order.
    pub fn ship(&self, order_id: &str, tracking: &[&str]) -> Result<(), String> {
        lock(&self.shared)
            .ship(order_id, tracking)
            .map_err(|e| e.message)
    }

    /// The merchant cancels the order in the admin.
    ///
    /// # Errors
    ///
    /// When Medusa would refuse (a live fulfilment, no such order).
    pub fn cancel(&self, order_id: &str) -> Result<(), String> {
        lock(&self.shared).cancel(order_id).map_err(|e| e.message)
    }

    /// Queues `fault` for the next `times` requests of `endpoint`.
    pub fn inject_fault(&self, endpoint: MedusaEndpoint, fault: MedusaFault, times: u32) {
        lock(&self.shared).faults.queue(endpoint, fault, times);
    }

    /// Requests of `endpoint` so far (faulted ones included).
    pub fn requests(&self, endpoint: MedusaEndpoint) -> usize {
        lock(&self.shared).faults.requests(endpoint)
    }
}
