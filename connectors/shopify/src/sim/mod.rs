//! A stateful Shopify shop on loopback for tests and the demo: the GraphQL Admin API at
//! `/admin/api/{API_VERSION}/graphql.json` and the client-credentials token endpoint, with what
//! our connector depends on as strict as Shopify (`VENDOR.md`): the access token header is
//! required (401 with Shopify's body), another API version is 404, every query is charged to a
//! leaky cost bucket (1,000 points, 50 per second by default) and reports `extensions.cost`,
//! `THROTTLED` when short; `orderCreate` refuses unknown input fields and answers bad input with
//! `userErrors`; metafield definitions are kept and a custom id (type `id`) is unique and read
//! with `orderByIdentifier`; `orderCancel` runs as a job and is refused for fulfilled or
//! cancelled orders; lists page with cursors over a search index that can lag behind. It does
//! not parse GraphQL: it recognises the connector's operations by `operationName` and reads
//! their `variables`.
//!
//! Tests drive it through [`ShopifySim`] (add variants, fulfil or cancel orders as the
//! merchant, set stock, define metafields, make the search index lag, move the shop's clock,
//! queue faults) and read its state.
//!
//! Layout: `model.rs` (what the shop holds), `state.rs` (how it changes), `create.rs`
//! (`orderCreate`), `definitions.rs` (metafield definitions, custom ids), `index.rs` (the
//! search index), `search.rs` (the search syntax), `cost.rs` (the bucket), `render.rs` (JSON),
//! `routes.rs` (HTTP), `faults.rs` (faults queued per operation).

mod cost;
mod create;
mod definitions;
mod faults;
mod index;
mod model;
mod render;
mod routes;
mod search;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use faults::{ShopifyFault, ShopifyOperation};
pub use index::IndexLag;
pub use model::{SimFulfillment, SimLine, SimMetafieldDefinition, SimOrder, SimVariant};

use orderbridge_core::SecretSource;
use routes::{lock, Shared};
use state::SimState;

use crate::ShopifyConfig;

/// Handle on a running simulated shop. Clones share the shop.
#[derive(Clone)]
pub struct ShopifySim {
    shared: Shared,
    address: SocketAddr,
}

impl std::fmt::Debug for ShopifySim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopifySim")
            .field("address", &self.address)
            .finish()
    }
}

impl ShopifySim {
    /// The Admin API access token the shop accepts.
    pub const ACCESS_TOKEN: &'static str = routes::ACCESS_TOKEN;
    /// The client id of the app that may use the client-credentials grant.
    pub const CLIENT_ID: &'static str = routes::CLIENT_ID;
    /// Its client secret.
    pub const CLIENT_SECRET: &'static str = routes::CLIENT_SECRET;
    /// The shop's one location.
    pub const LOCATION_ID: &'static str = state::LOCATION_ID;
    /// The shop's domain in the settings (requests go to the loopback address).
    pub const SHOP_DOMAIN: &'static str = "orderbridge-sim.myshopify.com";

    /// Starts a shop on a free loopback port.
    ///
    /// # Errors
    ///
    /// When no port can be bound.
    pub async fn start() -> std::io::Result<ShopifySim> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts a shop on `address` (the demo keeps its port across restarts).
    ///
    /// # Errors
    ///
    /// When the address cannot be bound.
    pub async fn start_on(address: SocketAddr) -> std::io::Result<ShopifySim> {
        let shared: Shared = Arc::new(Mutex::new(SimState::new()));
        let address =
            orderbridge_simkit::serve(routes::router(shared.clone()), address, "Shopify").await?;
        Ok(ShopifySim { shared, address })
    }

    /// `http://127.0.0.1:{port}/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// Settings that reach this shop with its access token.
    pub fn config(&self) -> ShopifyConfig {
        let mut config = ShopifyConfig::with_access_token(
            Self::SHOP_DOMAIN,
            SecretSource::Inline(Self::ACCESS_TOKEN.into()),
            Self::LOCATION_ID,
        );
        config.api_base = url::Url::parse(&self.base_url()).ok();
        config
    }

    /// Settings that reach this shop with the client-credentials grant.
    pub fn client_credentials_config(&self) -> ShopifyConfig {
        let mut config = self.config();
        config.access_token = None;
        config.client_id = Some(Self::CLIENT_ID.into());
        config.client_secret = Some(SecretSource::Inline(Self::CLIENT_SECRET.into()));
        config
    }

    /// Adds a product variant priced `price_cents`; `stock: None` means Shopify does not track
    /// its inventory. Returns its id.
    pub fn add_variant(
        &self,
        sku: &str,
        barcode: Option<&str>,
        price_cents: i64,
        stock: Option<i64>,
    ) -> String {
        let mut state = lock(&self.shared);
        let id = format!("gid://shopify/ProductVariant/{}", state.id());
        state.variants.push(SimVariant {
            id: id.clone(),
            sku: sku.to_owned(),
            barcode: barcode.map(str::to_owned),
            price_cents,
            tracked: stock.is_some(),
            available: stock.unwrap_or(0),
            sellable: true,
        });
        id
    }

    /// Sets a variant's available stock.
    pub fn set_stock(&self, sku: &str, available: i64) {
        let mut state = lock(&self.shared);
        if let Some(v) = state.variants.iter_mut().find(|v| v.sku == sku) {
            v.available = available;
        }
    }

    /// The merchant sets the variant's product to draft: still found by search, but orders
    /// for it are refused with a user error.
    pub fn make_unsellable(&self, sku: &str) {
        let mut state = lock(&self.shared);
        if let Some(v) = state.variants.iter_mut().find(|v| v.sku == sku) {
            v.sellable = false;
        }
    }

    /// The variants.
    pub fn variants(&self) -> Vec<SimVariant> {
        lock(&self.shared).variants.clone()
    }

    /// The orders.
    pub fn orders(&self) -> Vec<SimOrder> {
        lock(&self.shared).orders.clone()
    }

    /// Orders whose custom id `orderbridge.order_code` is `code`.
    pub fn orders_with_code(&self, code: &str) -> Vec<SimOrder> {
        self.orders()
            .into_iter()
            .filter(|o| o.metafield(crate::METAFIELD_NAMESPACE, crate::CODE_KEY) == Some(code))
            .collect()
    }

    /// The metafield definitions.
    pub fn metafield_definitions(&self) -> Vec<SimMetafieldDefinition> {
        lock(&self.shared).definitions.clone()
    }

    /// The merchant (or another app) defines `owner_type` metafields `namespace.key` of type
    /// `type_name` in the admin. Returns its id.
    pub fn define_metafield(
        &self,
        owner_type: &str,
        namespace: &str,
        key: &str,
        type_name: &str,
    ) -> String {
        lock(&self.shared)
            .add_definition(owner_type, namespace, key, type_name, false)
            .id
            .clone()
    }

    /// Changes from now on stay out of the order search (`orders(query:)`) for `lag`; `None`:
    /// searchable at once (the default). Reads by id and custom id are never affected.
    pub fn set_index_lag(&self, lag: Option<IndexLag>) {
        lock(&self.shared).index.set_lag(lag);
    }

    /// Moves the shop's clock on by `by` (the times it stamps on changes).
    pub fn advance_clock(&self, by: chrono::Duration) {
        lock(&self.shared).clock_offset += by;
    }

    /// The merchant fulfils the whole order with a tracking number and carrier.
    ///
    /// # Errors
    ///
    /// When there is no such order or it is cancelled.
    pub fn fulfil(
        &self,
        order_id: &str,
        company: Option<&str>,
        number: &str,
    ) -> Result<(), String> {
        lock(&self.shared).fulfil(order_id, company, number)
    }

    /// The merchant cancels the order in the admin.
    ///
    /// # Errors
    ///
    /// When Shopify would refuse (fulfilled, cancelled, no such order).
    pub fn cancel_as_merchant(&self, order_id: &str) -> Result<(), String> {
        lock(&self.shared).cancel_as_merchant(order_id)
    }

    /// The merchant edits the order (its `updatedAt` moves).
    pub fn touch(&self, order_id: &str) {
        let mut state = lock(&self.shared);
        let time = state.tick();
        if let Some(order) = state.order_mut(order_id) {
            order.updated_at = time;
        }
        state.reindex(order_id);
    }

    /// Replaces the cost bucket: `maximum` points restoring `restore_rate` per second.
    pub fn set_bucket(&self, maximum: f64, restore_rate: f64) {
        lock(&self.shared).bucket = cost::Bucket::new(maximum, restore_rate);
    }

    /// Queries answered `THROTTLED` because the bucket was short (not by a queued fault).
    pub fn throttled(&self) -> usize {
        lock(&self.shared).throttled
    }

    /// How long issued access tokens live.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        lock(&self.shared).token_lifetime = lifetime;
    }

    /// Revokes every issued access token (an app uninstalled and installed again).
    pub fn revoke_tokens(&self) {
        lock(&self.shared).tokens.clear();
    }

    /// Queues `fault` for the next `times` requests of `operation`.
    pub fn inject_fault(&self, operation: ShopifyOperation, fault: ShopifyFault, times: u32) {
        lock(&self.shared).faults.queue(operation, fault, times);
    }

    /// Requests of `operation` so far (faulted and throttled ones included).
    pub fn requests(&self, operation: ShopifyOperation) -> usize {
        lock(&self.shared).faults.requests(operation)
    }
}
