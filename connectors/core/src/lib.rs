//! Shared vocabulary of orderbridge: the connector traits ([`Marketplace`], [`Webshop`]), the
//! domain types they speak ([`domain`]), carrier detection from track & trace codes
//! ([`carrier`]) and the one error type every connector returns ([`ConnectorError`]).
//!
//! Connector crates (`orderbridge-bol`, `orderbridge-woocommerce`, ...) depend on this crate and
//! translate between their vendor's wire format and these types; the daemon only ever sees these
//! types. Nothing here performs I/O.

pub mod carrier;
pub mod domain;
mod error;
pub mod kind;
pub mod marketplace;
pub mod rate_budget;
pub mod retry;
pub mod secret;
pub mod webshop;

pub use error::{ConnectorError, ConnectorResult};
pub use kind::{MarketplaceKind, WebshopKind};
pub use marketplace::Marketplace;
pub use rate_budget::{RateBudget, RateLimit};
pub use retry::RetryPolicy;
pub use secret::{Secret, SecretSource};
pub use webshop::Webshop;
