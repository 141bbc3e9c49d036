//! A stateful WooCommerce shop on loopback for tests and the demo mode: the same paths, field
//! names, status codes and error bodies (`{code, message, data: {status}}`) as WooCommerce's
//! REST API v3 and the Shipment Tracking plugin, checking HTTP Basic authentication with
//! [`WooSim::CONSUMER_KEY`] / [`WooSim::CONSUMER_SECRET`]. Tests drive it through [`WooSim`]
//! (add products, complete orders, inject faults) and read its state back; `/_sim/` offers the
//! same over HTTP without authentication.
//!
//! Orders are calculated as WooCommerce core calculates them (`totals.rs`): taxes per line on
//! the ex-tax amounts with the shop's rates and rounding ([`SimTaxSettings`], `taxes.rs`, off
//! by default like a new shop), fees, and the order `total`; the tax options and rates are
//! served under `settings/{group}` and `taxes`.
//!
//! For resilience tests it can also misbehave: faults queued per endpoint, served at a rate,
//! or drawn by seeded chaos ([`WooFault`]: error statuses, 429s, slow or lost replies,
//! connection resets, hangs, damaged bodies), and valid-but-unexpected answers
//! ([`WooQuirks`]).
//!
//! Layout: `model.rs` (what the shop holds), `state.rs` (how it changes), `items.rs` (order
//! items of a request), `query.rs` (list
//! filters and pagination), `render.rs` (JSON), `quirks.rs` (unexpected answers), `routes.rs`
//! (REST routes), `taxes.rs` (tax options and rates), `totals.rs` (order totals and taxes),
//! `serving.rs` (authentication and faults per request), `auth.rs` (core's rules for the key
//! pair), `faults.rs` (the endpoints, faults and chaos mix; the plan and the connections a fault
//! can break are the simulator kit's, `orderbridge-simkit`), `emails.rs` (customer e-mails core would send), `control.rs` (`/_sim/`), `timeline.rs` (the
//! shop's clock, classic vs HPOS storage, orders changed during a walk).

mod auth;
mod control;
mod emails;
mod faults;
mod items;
mod model;
mod query;
mod quirks;
mod render;
mod routes;
mod serving;
mod state;
mod taxes;
mod timeline;
mod totals;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use orderbridge_simkit::{serve_breakable, Server};

pub use emails::SimEmail;
pub use faults::{WooEndpoint, WooFault};
pub use model::{SimItemTax, SimProduct, SimTaxLine, SimWooFee, SimWooLine, SimWooOrder};
pub use quirks::WooQuirks;
pub use taxes::{SimTaxRate, SimTaxSettings};

use crate::mapping::{MARKETPLACE_ORDER_META, ORDER_CODE_META};
use routes::{error_response, lock, no_route, Shared};
use state::SimState;

/// Handle on a running simulated shop. Clones share the shop; it stops when the last one goes.
#[derive(Clone)]
pub struct WooSim {
    shared: Shared,
    address: SocketAddr,
    _server: Arc<Server>,
}

/// Compile-time check: tests and the demo hand the handle to other tasks.
const _: fn() = assert_shareable::<WooSim>;
fn assert_shareable<T: Clone + Send + Sync + 'static>() {}

impl std::fmt::Debug for WooSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WooSim")
            .field("address", &self.address)
            .finish()
    }
}

impl WooSim {
    /// The consumer key the simulator accepts.
    pub const CONSUMER_KEY: &'static str = "ck_orderbridge_simulator";
    /// The consumer secret the simulator accepts.
    pub const CONSUMER_SECRET: &'static str = "cs_orderbridge_simulator";

    /// Starts a shop on `127.0.0.1` with a free port; it serves until the last handle is
    /// dropped (or the runtime stops).
    ///
    /// # Errors
    ///
    /// When no loopback port can be bound.
    pub async fn start() -> std::io::Result<WooSim> {
        let shared: Shared = Arc::new(Mutex::new(SimState::default()));
        let app: Router = routes::router()
            .merge(control::router())
            .fallback(|| async { error_response(no_route()) })
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let server = serve_breakable(listener, app, "WooCommerce")?;
        Ok(WooSim {
            shared,
            address: server.address(),
            _server: Arc::new(server),
        })
    }

    /// The site address, `http://127.0.0.1:PORT` (the API is under `/wp-json/wc/v3/`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    fn with_state<T>(&self, change: impl FnOnce(&mut SimState) -> T) -> T {
        change(&mut lock(&self.shared))
    }

    fn new_product(
        product_type: &str,
        parent_id: u64,
        sku: &str,
        ean: Option<&str>,
        name: &str,
        price_cents: i64,
        stock: Option<i64>,
    ) -> SimProduct {
        SimProduct {
            id: 0,
            parent_id,
            product_type: product_type.to_owned(),
            name: name.to_owned(),
            sku: sku.to_owned(),
            global_unique_id: ean.unwrap_or_default().to_owned(),
            price_cents,
            stock,
            tax_status: "taxable".to_owned(),
            tax_class: String::new(),
            unmanaged_status: "instock".to_owned(),
            meta: Vec::new(),
            modified_at: state::now_to_the_second(),
        }
    }

    /// Adds a simple product (`stock` `None`: stock not managed); returns its id.
    pub fn add_product(
        &self,
        sku: &str,
        ean: Option<&str>,
        name: &str,
        price_cents: i64,
        stock: Option<i64>,
    ) -> u64 {
        let product = Self::new_product("simple", 0, sku, ean, name, price_cents, stock);
        self.with_state(|state| state.add_product(product))
    }

    /// Adds a variable product (orderable only through its variations); returns its id.
    pub fn add_variable_product(&self, sku: &str, name: &str) -> u64 {
        let product = Self::new_product("variable", 0, sku, None, name, 0, None);
        self.with_state(|state| state.add_product(product))
    }

    /// Adds a variation of variable product `parent_id`; returns the variation's id.
    pub fn add_variation(
        &self,
        parent_id: u64,
        sku: &str,
        ean: Option<&str>,
        name: &str,
        price_cents: i64,
        stock: Option<i64>,
    ) -> u64 {
        let product = Self::new_product("variation", parent_id, sku, ean, name, price_cents, stock);
        self.with_state(|state| state.add_product(product))
    }

    /// The shop's tax options and rates from now on (default: no taxes calculated, as a new
    /// WooCommerce shop). Orders created afterwards are calculated with them; orders already
    /// there keep their totals.
    pub fn set_taxes(&self, taxes: SimTaxSettings) {
        self.with_state(|state| state.taxes = taxes);
    }

    /// The shop's tax options and rates.
    pub fn taxes(&self) -> SimTaxSettings {
        self.with_state(|state| state.taxes.clone())
    }

    /// Sets the tax status (`taxable`, `shipping`, `none`) and class slug (`""` standard,
    /// `reduced-rate`, ...) of the product(s) with `sku`.
    pub fn set_product_tax(&self, sku: &str, tax_status: &str, tax_class: &str) {
        self.with_state(|state| {
            for product in state.products.iter_mut().filter(|p| p.sku == sku) {
                product.tax_status = tax_status.to_owned();
                product.tax_class = tax_class.to_owned();
            }
        });
    }

    /// Sets the stock of the product(s) with `sku`; `None` turns stock management off.
    pub fn set_stock(&self, sku: &str, stock: Option<i64>) {
        self.with_state(|state| state.set_stock(sku, stock));
    }

    /// Sets meta `key` of product or variation `id` to `value` (as an EAN plugin does when
    /// the merchant saves the product); bumps that product's modification date only.
    pub fn set_product_meta(&self, id: u64, key: &str, value: &str) {
        self.with_state(|state| state.set_product_meta(id, key, value));
    }

    /// Sets the stock status of the product(s) with `sku` whose stock is not managed
    /// (`instock`, `outofstock`, `onbackorder`).
    pub fn set_unmanaged_stock_status(&self, sku: &str, status: &str) {
        self.with_state(|state| state.set_unmanaged_stock_status(sku, status));
    }

    /// Moves every product's and variation's modification date `by` into the past, as if
    /// the catalogue had been edited that long ago.
    pub fn age_products(&self, by: chrono::Duration) {
        self.with_state(|state| {
            for product in &mut state.products {
                product.modified_at -= by;
            }
        });
    }

    /// How many product list requests arrived (`GET products` and
    /// `GET products/{id}/variations`), failed ones included.
    pub fn product_list_requests(&self) -> usize {
        self.with_state(|state| state.product_list_requests)
    }

    /// All products and variations.
    pub fn products(&self) -> Vec<SimProduct> {
        self.with_state(|state| state.products.clone())
    }

    /// All orders, oldest first.
    pub fn orders(&self) -> Vec<SimWooOrder> {
        self.with_state(|state| state.orders.values().cloned().collect())
    }

    /// Orders whose meta `_orderbridge_order_code` is `code`.
    pub fn orders_with_code(&self, code: &str) -> Vec<SimWooOrder> {
        self.orders()
            .into_iter()
            .filter(|o| o.meta_str(ORDER_CODE_META) == Some(code))
            .collect()
    }

    /// Orders whose meta `_orderbridge_marketplace_order_id` is `marketplace_order_id`.
    pub fn orders_with_marketplace_order(&self, marketplace_order_id: &str) -> Vec<SimWooOrder> {
        self.orders()
            .into_iter()
            .filter(|o| o.meta_str(MARKETPLACE_ORDER_META) == Some(marketplace_order_id))
            .collect()
    }

    /// Completes order `id` (status `completed`, completion date), first adding a Shipment
    /// Tracking item `(provider, number)` when given. Unknown ids are ignored.
    pub fn complete_order(&self, id: u64, tracking: Option<(&str, &str)>) {
        if !self.with_state(|state| state.complete_order(id, tracking)) {
            tracing::warn!(id, "simulator: no order to complete");
        }
    }

    /// Adds a Shipment Tracking item to order `id` later on (bumps `date_modified`).
    pub fn add_tracking(&self, id: u64, provider: &str, number: &str) {
        if !self.with_state(|state| state.add_tracking(id, provider, number)) {
            tracing::warn!(id, "simulator: no order to add tracking to");
        }
    }

    /// Cancels order `id` in the shop (as the merchant would).
    pub fn cancel_order(&self, id: u64) {
        if !self.with_state(|state| state.set_status(id, "cancelled")) {
            tracing::warn!(id, "simulator: no order to cancel");
        }
    }

    /// How many `POST orders` requests arrived, failed ones included.
    pub fn create_requests(&self) -> usize {
        self.with_state(|state| state.create_requests)
    }

    /// Serves `fault` for the next `times` requests to `endpoint`. Queued faults come before
    /// rated and chaos faults.
    pub fn inject_fault(&self, endpoint: WooEndpoint, fault: WooFault, times: u32) {
        self.with_state(|state| state.faults.queue(endpoint.scope(), fault, times));
    }

    /// Serves `fault` to each request to `endpoint` with probability `rate` (clamped to
    /// `0.0..=1.0`) until [`WooSim::clear_faults`].
    pub fn inject_fault_rate(&self, endpoint: WooEndpoint, fault: WooFault, rate: f64) {
        self.with_state(|state| state.faults.queue_rate(endpoint.scope(), fault, rate));
    }

    /// Chaos: from now on every request, to any endpoint, gets with probability `rate` a fault
    /// drawn from a mix suited to its endpoint: HTTP 500/502/503, a connection reset, a reply
    /// delayed 2.5 s (beyond a typical 2 s client time-out; the shop acts), 429 with
    /// `Retry-After: 1` and without, a garbage body, a truncated body, and for order creation
    /// and updates also a lost reply. Draws come from an RNG seeded with `seed`.
    pub fn set_chaos(&self, rate: f64, seed: u64) {
        self.with_state(|state| state.faults.set_chaos(rate, seed, faults::chaos_mix));
    }

    /// Stops every queued, rated and chaos fault; [`WooSim::fault_counts`] keeps counting.
    pub fn clear_faults(&self) {
        self.with_state(|state| state.faults.clear());
    }

    /// How many of each fault were served since the start, by [`WooFault::label`] (e.g.
    /// `("status_503", 4)`), sorted by label.
    pub fn fault_counts(&self) -> Vec<(String, u64)> {
        self.with_state(|state| state.faults.served_by(WooFault::label))
    }

    /// Which valid-but-unexpected answers the shop gives from now on.
    pub fn set_quirks(&self, quirks: WooQuirks) {
        self.with_state(|state| state.quirks = quirks);
    }

    /// Whether order responses show the `_wc_shipment_tracking_items` meta (default `true`);
    /// when hidden, tracking is only visible through the plugin's endpoint.
    pub fn set_tracking_meta_visible(&self, visible: bool) {
        self.with_state(|state| state.tracking_meta_visible = visible);
    }

    /// The customer e-mails the shop sent so far, as WooCommerce core would (see `emails.rs`).
    pub fn customer_emails(&self) -> Vec<SimEmail> {
        self.with_state(|state| state.customer_emails.clone())
    }

    /// Models a host whose web server does not pass the `Authorization` header on to PHP
    /// (default `false`): HTTP Basic credentials are then never seen, and only the
    /// `consumer_key`/`consumer_secret` query parameters authenticate.
    pub fn set_authorization_header_stripped(&self, stripped: bool) {
        self.with_state(|state| state.authorization_header_stripped = stripped);
    }

    /// Whether the Shipment Tracking plugin is installed (default `true`); without it, its
    /// endpoint answers 404 `rest_no_route`.
    pub fn set_tracking_plugin_installed(&self, installed: bool) {
        self.with_state(|state| state.tracking_plugin_installed = installed);
    }

    /// Classic (posts table) order storage instead of HPOS (default `false`): saving an order's
    /// meta data alone, as tracking plugins do, then leaves its `date_modified` as it was, so
    /// a code added later does not show in `modified_after` lists (see `timeline.rs`).
    pub fn set_classic_storage(&self, classic: bool) {
        self.with_state(|state| state.classic_storage = classic);
    }

    /// Moves the shop's clock forward by `by` (new dates are stamped with it).
    pub fn advance_clock(&self, by: chrono::Duration) {
        self.with_state(|state| state.clock_offset += by);
    }

    /// Stops the shop's clock at the current second (`true`; [`WooSim::advance_clock`] still
    /// moves it) or lets it run again, so tests can give many orders the same second.
    pub fn freeze_clock(&self, frozen: bool) {
        self.with_state(|state| state.freeze_clock(frozen));
    }

    /// The merchant edits order `id` (its `date_modified` becomes now) right after the next
    /// orders list page is served; queued calls act after one page each, in turn.
    pub fn change_during_next_list_page(&self, id: u64) {
        self.with_state(|state| state.change_during_walk.push_back(id));
    }

    /// How many requests reached the Shipment Tracking plugin's route, failed ones included.
    pub fn tracking_route_requests(&self) -> usize {
        self.with_state(|state| state.tracking_route_requests)
    }
}
