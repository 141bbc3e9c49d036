//! bol.com Retailer API v10 connector of orderbridge: [`BolClient`] implements the core
//! [`orderbridge_core::Marketplace`] trait (open orders, order details, shipments,
//! cancellations, process statuses, offers and stock, shipping labels) and `sim::BolSim` (with
//! the `sim` feature; never in the daemon's build) is a stateful simulator of the same API on
//! loopback for the demo and for tests.
//!
//! Layout: [`config`] (the connection file section), `client` (HTTP plumbing: token, retries,
//! error mapping; budgets learned from bol's `x-ratelimit-*` headers, and the waiting for
//! them, are the HTTP kit's `AdaptiveBudget`) with `call` (one API call), `budget`
//! (configured rate budgets per group, the start), [`wire`] (bol's JSON as its spec names
//! it), `mapping` (wire ↔ domain; `mapping_labels` for shipping labels), [`transporter`]
//! (carriers ↔ bol transporter codes), `labels` (delivery options, buying and reading
//! labels), `offers` + `offer_export` (the offer list from bol's export, cached), `auth` (the
//! token), `response` (answers and their rate headers), `marketplace` (the trait
//! implementation), `kind` (bol as a marketplace kind: capabilities, build, the
//! seller-dashboard link) and `sim`.
//! bol's types never leave this crate's public API except through the simulator, which speaks
//! them on purpose.

mod auth;
mod budget;
mod call;
mod client;
pub mod config;
mod kind;
mod labels;
mod mapping;
mod mapping_labels;
mod mapping_process;
mod marketplace;
mod offer_export;
mod offers;
mod response;
#[cfg(feature = "sim")]
pub mod sim;
pub mod transporter;
pub mod wire;

pub use client::BolClient;
pub use config::{BolConfig, BolRateLimits, OrderPageTemplate};
pub use offer_export::OFFER_EXPORT_COLUMNS;

/// How this connector names its vendor in errors.
pub(crate) const VENDOR: &str = "bol";
