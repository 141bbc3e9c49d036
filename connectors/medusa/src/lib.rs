//! Medusa v2 connector of orderbridge: the [`Webshop`](orderbridge_core::Webshop) trait over
//! Medusa's Admin API (`{base_url}/admin/`), plus a stateful loopback simulator
//! (`sim::MedusaSim`, with the `sim` feature; never in the daemon's build) for tests and the
//! demo. `scripts/medusa/` runs a real Medusa 2 server for the test that checks the simulator's
//! answers against the vendor's (`tests/real_medusa.rs`).
//!
//! Map of the crate:
//! - `config.rs` — [`MedusaConfig`], the connection file's `[webshop]` table;
//! - `client.rs` — [`MedusaClient`] on the shared HTTP kit: secret API key auth, paging;
//! - `error_mapping.rs` — Medusa's `{type, message}` error bodies;
//! - `wire.rs` — Medusa's JSON as the API names it;
//! - `mapping.rs` — wire ↔ domain (draft order body, prices per line, status, tracking);
//! - `products.rs` — SKU/EAN → variant, stock from inventory levels;
//! - `webshop.rs` — `impl Webshop for MedusaClient`; `kind.rs` — Medusa as a webshop kind;
//! - `sim/` — the simulator, with fault injection.
//!
//! The connector writes our order code into order metadata `orderbridge_code` and finds
//! orders again by it; it keeps no state besides a short-lived variant cache.

mod client;
mod config;
mod error_mapping;
mod kind;
mod mapping;
mod products;
#[cfg(feature = "sim")]
pub mod sim;
mod webshop;
mod wire;

pub use client::MedusaClient;
pub use config::{MedusaConfig, MedusaConfigError};
pub use mapping::{MARKETPLACE_KEY, MARKETPLACE_LINE_KEY, MARKETPLACE_ORDER_KEY, ORDER_CODE_KEY};
