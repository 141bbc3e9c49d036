//! Shopify connector of orderbridge: the [`Webshop`](orderbridge_core::Webshop) trait over the
//! GraphQL Admin API, pinned to one version ([`API_VERSION`]), plus a stateful loopback
//! simulator (`sim::ShopifySim`, with the `sim` feature; never in the daemon's build) for tests
//! and the demo. Vendor facts and their sources: `VENDOR.md`.
//!
//! Map of the crate:
//! - `config.rs` — [`ShopifyConfig`], the connection file's `[webshop]` table;
//! - `auth.rs` — the `X-Shopify-Access-Token` header: a fixed Admin API token, or one fetched
//!   with the client-credentials grant and refreshed before it expires;
//! - `throttle.rs` — Shopify's cost bucket as last reported, so a query waits for its cost
//!   instead of provoking `THROTTLED`;
//! - `client.rs` — [`ShopifyClient`] on the shared HTTP kit: one GraphQL operation per call;
//! - `envelope.rs` — reading a GraphQL reply: `data`, top-level `errors`, `extensions.cost`;
//! - `error_mapping.rs` — Shopify's HTTP error bodies, GraphQL error codes and `userErrors`;
//! - `queries.rs` — the GraphQL documents the connector sends, one named operation each;
//! - `custom_id.rs` — our code as a custom id: its metafield definition, ensured once, and the
//!   order read by it (`orderByIdentifier`);
//! - `wire.rs` — Shopify's JSON as the schema names it; `wire_input.rs` — the inputs sent;
//! - `mapping.rs` — wire ↔ domain (order input with exact totals, status, tracking, code);
//! - `products.rs` — SKU/EAN → variant, stock at the configured location;
//! - `webshop.rs` — `impl Webshop for ShopifyClient`; `kind.rs` — Shopify as a webshop kind;
//! - `sim/` — the simulator, with cost accounting and fault injection.
//!
//! Our order code goes into the metafield `orderbridge.order_code` of type `id` (a custom id:
//! unique, read directly with `orderByIdentifier`) and into the order's `sourceIdentifier`; the
//! connector keeps no state besides the access token, the cost bucket and whether the custom
//! id's definition is known to exist.

mod auth;
mod client;
mod config;
mod custom_id;
mod envelope;
mod error_mapping;
mod kind;
mod mapping;
mod products;
mod queries;
#[cfg(feature = "sim")]
pub mod sim;
mod throttle;
mod webshop;
mod wire;
mod wire_input;

pub use client::ShopifyClient;
pub use config::{ShopifyConfig, ShopifyConfigError};
pub use mapping::{CODE_KEY, METAFIELD_NAMESPACE, ORDER_ID_KEY};

/// The one GraphQL Admin API version this connector speaks (Shopify's stable versions are
/// supported for at least twelve months; see `VENDOR.md`).
pub const API_VERSION: &str = "2026-07";
