//! A stateful Magento 2 shop on loopback for tests and the demo: the REST paths under
//! `/rest/{store_code}/V1/`, field names, `searchCriteria` (AND of OR groups, sort orders,
//! and the last page answered again for a `currentPage` past the end), `{message,
//! parameters}` errors and bearer authentication by integration token
//! ([`MagentoSim::ACCESS_TOKEN`]; the guest cart routes are anonymous). Strict where the
//! connector depends on it: the quote flow in order (no shipping method on an empty cart, no
//! order without shipping information, an unknown SKU refused with Magento's 404 "The
//! product that was requested doesn't exist…", unknown carriers and payment methods
//! refused, a placed cart gone), catalog prices on orders, MSI reservations, `POST orders`
//! writing only the fields sent, and cancellation refused (`false`) for complete, closed,
//! cancelled or fully invoiced orders. Tests drive it through [`MagentoSim`] (add products,
//! ship or cancel orders as the merchant, set stock, queue faults) and read its state.
//!
//! Layout: `model.rs` (what the shop holds), `state.rs` (how orders change), `quote.rs` (the
//! guest checkout), `render.rs` (orders as JSON), `search.rs`
//! (`searchCriteria`), `routes.rs` (the REST routes and JSON), `faults.rs` (faults queued per
//! endpoint).

mod faults;
mod model;
mod quote;
mod render;
mod routes;
mod search;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use faults::{MagentoEndpoint, MagentoFault};
pub use model::{SimCart, SimOrder, SimOrderItem, SimProduct, SimShipment, SimTrack};

use routes::{lock, Shared};
use state::SimState;

use crate::MagentoConfig;

/// Handle on a running simulated shop. Clones share the shop.
#[derive(Clone)]
pub struct MagentoSim {
    shared: Shared,
    address: SocketAddr,
}

impl std::fmt::Debug for MagentoSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MagentoSim")
            .field("address", &self.address)
            .finish()
    }
}

impl MagentoSim {
    /// The integration access token the simulator accepts.
    pub const ACCESS_TOKEN: &'static str = routes::ACCESS_TOKEN;

    /// Starts a shop on a free loopback port.
    ///
    /// # Errors
    ///
    /// When no port can be bound.
    pub async fn start() -> std::io::Result<MagentoSim> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts a shop on `address` (the demo keeps its port across restarts).
    ///
    /// # Errors
    ///
    /// When the address cannot be bound.
    pub async fn start_on(address: SocketAddr) -> std::io::Result<MagentoSim> {
        let shared: Shared = Arc::new(Mutex::new(SimState::new()));
        let address =
            orderbridge_simkit::serve(routes::router(shared.clone()), address, "Magento").await?;
        Ok(MagentoSim { shared, address })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Settings that reach this shop (defaults otherwise: store `default`, free shipping,
    /// `checkmo`, stock 1).
    pub fn config(&self) -> MagentoConfig {
        let base = url::Url::parse(&self.base_url())
            .unwrap_or_else(|_| unreachable!("a socket address is a valid URL host"));
        MagentoConfig::new(
            base,
            orderbridge_core::SecretSource::Inline(Self::ACCESS_TOKEN.into()),
        )
    }

    /// Adds a catalog product priced `price_cents` (VAT included) with `qty` on hand; a product
    /// without `manage_stock` sells whatever its quantity.
    pub fn add_product(&self, sku: &str, price_cents: i64, qty: i64, manage_stock: bool) {
        lock(&self.shared).products.push(SimProduct {
            sku: sku.to_owned(),
            price_cents,
            manage_stock,
            qty,
            reserved: 0,
        });
    }

    /// Sets a product's quantity on hand.
    pub fn set_stock(&self, sku: &str, qty: i64) {
        if let Some(p) = lock(&self.shared)
            .products
            .iter_mut()
            .find(|p| p.sku == sku)
        {
            p.qty = qty;
        }
    }

    /// The products.
    pub fn products(&self) -> Vec<SimProduct> {
        lock(&self.shared).products.clone()
    }

    /// The guest carts, placed ones included.
    pub fn carts(&self) -> Vec<SimCart> {
        lock(&self.shared).carts.clone()
    }

    /// The orders.
    pub fn orders(&self) -> Vec<SimOrder> {
        lock(&self.shared).orders.clone()
    }

    /// Orders placed under the guest e-mail `email` (without case).
    pub fn orders_with_email(&self, email: &str) -> Vec<SimOrder> {
        self.orders()
            .into_iter()
            .filter(|o| o.customer_email.eq_ignore_ascii_case(email))
            .collect()
    }

    /// The merchant invoices and ships the whole order with one track (`carrier_code`
    /// `custom` and the `title` typed, e.g. "PostNL"): state `complete`.
    ///
    /// # Errors
    ///
    /// When there is no such order or it is cancelled.
    pub fn ship(
        &self,
        order_id: u64,
        carrier_code: &str,
        title: &str,
        number: &str,
    ) -> Result<(), String> {
        self.ship_with(order_id, carrier_code, title, number, true)
    }

    /// The merchant ships the whole order without invoicing it: state `processing`.
    ///
    /// # Errors
    ///
    /// When there is no such order or it is cancelled.
    pub fn ship_without_invoice(
        &self,
        order_id: u64,
        carrier_code: &str,
        title: &str,
        number: &str,
    ) -> Result<(), String> {
        self.ship_with(order_id, carrier_code, title, number, false)
    }

    fn ship_with(
        &self,
        order_id: u64,
        carrier_code: &str,
        title: &str,
        number: &str,
        invoice: bool,
    ) -> Result<(), String> {
        let track = SimTrack {
            carrier_code: carrier_code.to_owned(),
            title: title.to_owned(),
            track_number: number.to_owned(),
        };
        lock(&self.shared)
            .ship(order_id, track, invoice)
            .map_err(|e| e.message)
    }

    /// The merchant cancels the order in the admin.
    ///
    /// # Errors
    ///
    /// When Magento would refuse (`canCancel` false) or there is no such order.
    pub fn cancel(&self, order_id: u64) -> Result<(), String> {
        match lock(&self.shared).cancel(order_id) {
            Ok(true) => Ok(()),
            Ok(false) => Err(format!("order {order_id} cannot be cancelled")),
            Err(e) => Err(e.message),
        }
    }

    /// Moves the shop's clock by `by` (times of later changes).
    pub fn advance_clock(&self, by: chrono::Duration) {
        lock(&self.shared).advance_clock(by);
    }

    /// Queues `fault` for the next `times` requests of `endpoint`.
    pub fn inject_fault(&self, endpoint: MagentoEndpoint, fault: MagentoFault, times: u32) {
        lock(&self.shared).faults.queue(endpoint, fault, times);
    }

    /// Requests of `endpoint` so far (faulted ones included).
    pub fn requests(&self, endpoint: MagentoEndpoint) -> usize {
        lock(&self.shared).faults.requests(endpoint)
    }
}
