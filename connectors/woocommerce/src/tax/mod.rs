//! VAT: bol.com prices include VAT, WooCommerce adds tax to the ex-tax line amounts it is sent.
//! This module reads the shop's tax settings (cached per client, refreshed daily and after a
//! total that came out differently), models how core taxes an order line (`model.rs`), and
//! turns what the buyer paid into the net amounts (plus a tax-free rounding fee when no net
//! lands on the cent) that make the shop's order `total` equal what the buyer paid
//! (`net.rs`). Reading the settings over REST is `read.rs`, their JSON `wire.rs`.
//!
//! With `taxes = "gross"` in the connection's `[webshop]` table the settings are never read
//! and the amounts the buyer paid are sent as they are (for shops whose taxes a plugin
//! calculates, or that calculate none).

mod model;
mod net;
mod read;
mod wire;

pub(crate) use net::{apply_taxes, ProductTax};
pub(crate) use read::TaxSettingsCache;
