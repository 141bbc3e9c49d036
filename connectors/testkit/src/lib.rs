//! orderbridge's test kit: what every connector's tests share.
//!
//! - `fixtures.rs` — marketplace orders to create (NL buyer, one line, what the buyer paid);
//! - `webshop.rs` — the webshop conformance suite: a connector implements [`WebshopFixture`]
//!   for its simulator in its own `tests/conformance.rs` and calls [`webshop::conformance`],
//!   which checks every behaviour the engine relies on (create exactly once after an ambiguous
//!   time-out, found again by our code, tracking read back, changed orders paged to the end,
//!   cancellation both ways, stock, an unknown SKU, the error classes);
//! - `marketplace.rs` — the marketplace conformance suite, the same way
//!   ([`MarketplaceFixture`], [`marketplace::conformance`]): open orders paged to the end, an
//!   order's lines, a partial shipment, a cancellation, stock, the error classes.
//!
//! Panics are the point here: each check names the connector's kind and what went wrong.

pub mod fixtures;
pub mod marketplace;
pub mod webshop;

pub use marketplace::{MarketplaceFixture, PlacedLine};
pub use webshop::{ReadFault, WebshopFixture};
