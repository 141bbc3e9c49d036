//! WooCommerce connector of orderbridge: the [`Webshop`](orderbridge_core::Webshop) trait over
//! the WooCommerce REST API v3 (`{site}/wp-json/wc/v3/`), plus a stateful loopback simulator
//! (`sim::WooSim`, with the `sim` feature; never in the daemon's build) for tests and the demo.
//!
//! Map of the crate:
//! - `config.rs` — [`WooConfig`], the connection file's `[webshop]` table;
//! - `client.rs` — [`WooClient`] on the HTTP kit (`orderbridge-http`): Basic or query-string
//!   auth, its rate budget and replay rules (time-outs, resets, 5xx, 429, damaged bodies),
//!   pagination;
//! - `emails.rs` — keeping WooCommerce's customer e-mails away from marketplace buyers;
//! - `error_mapping.rs` — HTTP statuses, transport errors and bad JSON as `ConnectorError`;
//! - `wire.rs` — WooCommerce's JSON as the API names it;
//! - `mapping.rs` — wire ↔ domain (addresses NL/BE style, prices, dates, statuses);
//! - `products.rs` — SKU/EAN → product resolution (cached) and stock levels;
//! - `product_index.rs` — the cached, incrementally refreshed index of products and
//!   variations (SKU, GTIN and EAN meta keys);
//! - `tax/` — the shop's tax settings and the net amounts that make its total equal what the
//!   buyer paid (VAT included);
//! - `tracking.rs` — track & trace from the Shipment Tracking plugin (meta first, its route
//!   once per order change);
//! - `changes.rs` — changed orders by keyset walk over `date_modified`, orders by id in batches;
//! - `webshop.rs` — `impl Webshop for WooClient`; `kind.rs` — WooCommerce as a webshop kind
//!   (its `kind`, capabilities, build, the admin link of an order);
//! - `sim/` — the simulator, with fault injection, seeded chaos and quirky answers.
//!
//! The connector writes our order code into order meta `_orderbridge_order_code` and finds
//! orders again by it; it never keeps state besides its product index and a short-lived
//! product cache (in memory), the tax settings and the tracking route's last answer per order
//! and modification time.
//!
//! ```no_run
//! use orderbridge_core::domain::{Sku, WebshopOrderId};
//! use orderbridge_core::{SecretSource, Webshop};
//! use orderbridge_woocommerce::sim::WooSim;
//! use orderbridge_woocommerce::{WooClient, WooConfig};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // A simulated shop on loopback; a real one would be `https://shop.example.nl`.
//! let sim = WooSim::start().await?;
//! sim.add_product("MUG-1", Some("8712345678906"), "Mug", 1299, Some(10));
//!
//! let secret_source = SecretSource::Inline(WooSim::CONSUMER_SECRET.into());
//! let config = WooConfig::new(sim.base_url().parse()?, WooSim::CONSUMER_KEY, secret_source);
//! let shop = WooClient::new(&config, config.consumer_secret.resolve(None)?)?;
//!
//! let stock = shop.stock_levels(&[Sku::parse("MUG-1")?]).await?;
//! assert_eq!(stock[0].quantity, Some(10));
//! let missing = shop.order(&WebshopOrderId::parse("12345")?).await;
//! assert!(missing.is_err());
//! # Ok(())
//! # }
//! ```

mod changes;
mod client;
mod config;
mod emails;
mod error_mapping;
mod kind;
mod mapping;
mod product_index;
mod products;
#[cfg(feature = "sim")]
pub mod sim;
mod tax;
mod tracking;
mod webshop;
mod wire;

pub use client::WooClient;
pub use config::{TaxMode, UnmanagedInStock, WooAuth, WooConfig, WooConfigError};
pub use emails::BUYER_EMAIL_META;
pub use mapping::{MARKETPLACE_META, MARKETPLACE_ORDER_META, ORDER_CODE_META};
pub use tracking::TRACKING_META_KEY;
