//! A connector kind, declared once by its crate: the name a connection file gives it
//! (`kind = "bol"`), the name shown to people, what it can do ([`MarketplaceCapabilities`],
//! [`WebshopCapabilities`]), its configuration section, how it is built from that section,
//! and the few things only it knows (its request timeout, the address of an order on the
//! vendor's own site). The daemon's registry lists the kinds, one line each, and derives
//! everything else (configuration parsing, `check-config`, the README's support matrix) from
//! these declarations.

use std::path::Path;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::secret::SecretError;
use crate::{ConnectorError, Marketplace, Webshop};

/// What a marketplace connector can do. The engine and the README read this instead of
/// assuming one vendor's abilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MarketplaceCapabilities {
    /// Its writes run as processes that can be found again by the order line they are about,
    /// so an interrupted write is looked up before it is sent again.
    pub process_lookup: bool,
    /// Lines of an order can be cancelled one by one: the engine sends one cancellation per
    /// line. Without, it sends one with every line, and only while the whole order is open and
    /// the merchant's (otherwise the order stops for the merchant).
    pub per_line_cancellation: bool,
    /// Some of an order's lines (or items) can be shipped now and the rest later. Without, the
    /// engine never sends a shipment that leaves part of the order out (the order stops for
    /// the merchant instead).
    pub partial_shipment: bool,
    /// Offer stock can be set.
    pub stock: bool,
    /// It sells shipping labels that its shipments can name.
    pub labels: bool,
}

/// What a webshop connector can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WebshopCapabilities {
    /// An order it may have created can be found by our order code (so a lost answer to a
    /// create never creates twice).
    pub lookup_by_reference: bool,
    /// Orders changed since a time can be listed. Without, the engine reads every order still
    /// open on our side again by id on each track run.
    pub changed_orders: bool,
    /// Orders can be cancelled through the API. Without, the merchant cancels in the shop and
    /// resends; the engine carries on once the shop says the order is cancelled.
    pub cancellation: bool,
    /// Stock per SKU can be read.
    pub stock: bool,
    /// A shipment names its carrier (otherwise the carrier is detected from the T&T code).
    pub carrier_on_shipment: bool,
}

/// Why a connector could not be built from its section.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A secret could not be read.
    #[error("secret: {0}")]
    Secret(#[from] SecretError),
    /// The connector refused its settings.
    #[error(transparent)]
    Connector(#[from] ConnectorError),
}

/// A marketplace connector kind.
pub trait MarketplaceKind: Marketplace + Clone + Sized + 'static {
    /// Its `kind` in a connection file.
    const KIND: &'static str;
    /// Its name for people (and in webshop orders): `bol.com`.
    const LABEL: &'static str;
    /// What it can do.
    const CAPABILITIES: MarketplaceCapabilities;
    /// Its `[marketplace]` section (without `kind`).
    type Config: DeserializeOwned + std::fmt::Debug + Clone + Send + Sync;

    /// Checks a section beyond its types (the message names the key).
    ///
    /// # Errors
    ///
    /// When a value cannot be used.
    fn validate(_config: &Self::Config) -> Result<(), String> {
        Ok(())
    }

    /// The longest one of its requests may take.
    fn timeout(config: &Self::Config) -> Duration;

    /// The connector, its secrets read from the section (and `credentials_dir`).
    ///
    /// # Errors
    ///
    /// When a secret cannot be read or the settings are refused.
    fn build(config: &Self::Config, credentials_dir: Option<&Path>) -> Result<Self, BuildError>;

    /// The address of an order on the vendor's own site, when known.
    fn order_page(_config: &Self::Config, _order_id: &str) -> Option<String> {
        None
    }
}

/// A webshop connector kind.
pub trait WebshopKind: Webshop + Clone + Sized + 'static {
    /// Its `kind` in a connection file.
    const KIND: &'static str;
    /// Its name for people: `WooCommerce`.
    const LABEL: &'static str;
    /// What it can do.
    const CAPABILITIES: WebshopCapabilities;
    /// Its `[webshop]` section (without `kind`).
    type Config: DeserializeOwned + std::fmt::Debug + Clone + Send + Sync;

    /// Checks a section beyond its types (the message names the key).
    ///
    /// # Errors
    ///
    /// When a value cannot be used.
    fn validate(_config: &Self::Config) -> Result<(), String> {
        Ok(())
    }

    /// The longest one of its requests may take.
    fn timeout(config: &Self::Config) -> Duration;

    /// The connector, its secrets read from the section (and `credentials_dir`).
    ///
    /// # Errors
    ///
    /// When a secret cannot be read or the settings are refused.
    fn build(config: &Self::Config, credentials_dir: Option<&Path>) -> Result<Self, BuildError>;

    /// The address of an order in the shop's admin, when known.
    fn order_page(_config: &Self::Config, _order_id: &str) -> Option<String> {
        None
    }
}
