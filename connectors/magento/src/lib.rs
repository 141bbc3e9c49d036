//! Magento 2 / Adobe Commerce connector of orderbridge: the [`Webshop`](orderbridge_core::Webshop)
//! trait over Magento's REST API (`{base_url}/rest/{store_code}/V1/`, integration access token
//! as bearer token), plus a stateful loopback simulator (`sim::MagentoSim`, with the `sim`
//! feature; never in the daemon's build) for tests and the demo.
//!
//! Map of the crate:
//! - `config.rs` — [`MagentoConfig`], the connection file's `[webshop]` table;
//! - `client.rs` — [`MagentoClient`] on the shared HTTP kit: bearer auth, `searchCriteria`
//!   walks; `search.rs` — the `searchCriteria` query parameters;
//! - `error_mapping.rs` — Magento's `{message, parameters}` error bodies;
//! - `wire.rs` — Magento's JSON as the API names it;
//! - `mapping.rs` — wire ↔ domain (quote addresses, status, tracking, our code);
//! - `checkout.rs` — placing an order through a guest quote, exactly once, and why prices
//!   are the shop's own;
//! - `tracking.rs` — shipments and tracks of many orders at once;
//! - `products.rs` — stock per SKU (MSI salable quantity, unmanaged stock);
//! - `webshop.rs` — `impl Webshop for MagentoClient`; `kind.rs` — Magento as a webshop kind;
//! - `sim/` — the simulator, with fault injection.
//!
//! The connector writes our order code into the order's `ext_order_id` and, from the cart on,
//! into the guest e-mail (`guest_email`), and finds orders again by either; it keeps no state.

mod checkout;
mod client;
mod config;
mod error_mapping;
mod kind;
mod mapping;
mod products;
mod search;
#[cfg(feature = "sim")]
pub mod sim;
mod tracking;
mod webshop;
mod wire;

pub use client::MagentoClient;
pub use config::{MagentoConfig, MagentoConfigError, CODE_PLACEHOLDER};
