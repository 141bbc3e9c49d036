//! The registry of connectors: one closed enum per side, matched in this one place. Adding a
//! marketplace or webshop means adding a variant here and in `config::connection`.

use std::path::Path;

use chrono::{DateTime, Utc};
use orderbridge_bol::BolClient;
use orderbridge_core::domain::{
    LabelOfferId, MarketplaceOrder, MarketplaceOrderId, OfferId, OpenOrder, OrderCode, ProcessId,
    ShippingLabelId, Sku, WebshopOrderId,
};
use orderbridge_core::marketplace::{
    Cancellation, Label, LabelOffer, LineQuantity, Offer, Process, ProcessKind, Shipment,
};
use orderbridge_core::webshop::{CreatedOrder, NewOrder, StockLevel, WebshopOrder};
use orderbridge_core::{ConnectorError, ConnectorResult, Marketplace, Webshop};
use orderbridge_woocommerce::WooClient;

use crate::config::{MarketplaceSettings, WebshopSettings};

/// Why a connector could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A secret could not be read.
    #[error("{side} secret: {source}")]
    Secret {
        /// `marketplace` or `webshop`.
        side: &'static str,
        /// The reason.
        source: orderbridge_core::secret::SecretError,
    },
    /// The connector refused its settings.
    #[error("{side}: {source}")]
    Connector {
        /// `marketplace` or `webshop`.
        side: &'static str,
        /// The reason.
        source: ConnectorError,
    },
}

/// The webshop's own admin page of one of its orders, for the merchant to open from the
/// dashboard. WooCommerce's classic edit address (`post.php?post=ID&action=edit`); with HPOS
/// on, core redirects it to the order's new page (`load-post.php` →
/// `maybe_redirect_to_edit_order_page` in `src/Internal/Admin/Orders/PostsRedirectionController.php`).
pub fn webshop_order_page(webshop: &WebshopSettings, order_id: &str) -> Option<String> {
    match webshop {
        WebshopSettings::Woocommerce(woo) => {
            let base = woo.base_url.as_str().trim_end_matches('/');
            let mut url = url::Url::parse(&format!("{base}/wp-admin/post.php")).ok()?;
            url.query_pairs_mut()
                .append_pair("post", order_id)
                .append_pair("action", "edit");
            Some(url.to_string())
        }
    }
}

/// The marketplace's page of an order in its seller dashboard, when the connection names one.
pub fn marketplace_order_page(marketplace: &MarketplaceSettings, order_id: &str) -> Option<String> {
    match marketplace {
        MarketplaceSettings::Bol(bol) => bol.order_page.as_ref().map(|t| t.for_order(order_id)),
    }
}

/// A marketplace connector.
#[derive(Clone)]
pub enum AnyMarketplace {
    /// bol.com.
    Bol(BolClient),
}

/// A webshop connector.
#[derive(Clone)]
pub enum AnyWebshop {
    /// WooCommerce.
    WooCommerce(WooClient),
}

impl AnyMarketplace {
    /// Builds the marketplace connector of a connection.
    ///
    /// # Errors
    ///
    /// When its secret cannot be read or its settings are refused.
    pub fn build(
        settings: &MarketplaceSettings,
        credentials_dir: Option<&Path>,
    ) -> Result<Self, BuildError> {
        match settings {
            MarketplaceSettings::Bol(config) => {
                let secret = config
                    .client_secret
                    .resolve(credentials_dir)
                    .map_err(|source| BuildError::Secret {
                        side: "marketplace",
                        source,
                    })?;
                BolClient::new(config, secret)
                    .map(Self::Bol)
                    .map_err(|source| BuildError::Connector {
                        side: "marketplace",
                        source,
                    })
            }
        }
    }

    /// Name written into webshop orders.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Bol(_) => "bol.com",
        }
    }

    /// Short kind name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Bol(_) => "bol",
        }
    }
}

impl AnyWebshop {
    /// Builds the webshop connector of a connection.
    ///
    /// # Errors
    ///
    /// When its secret cannot be read or its settings are refused.
    pub fn build(
        settings: &WebshopSettings,
        credentials_dir: Option<&Path>,
    ) -> Result<Self, BuildError> {
        match settings {
            WebshopSettings::Woocommerce(config) => {
                let secret = config
                    .consumer_secret
                    .resolve(credentials_dir)
                    .map_err(|source| BuildError::Secret {
                        side: "webshop",
                        source,
                    })?;
                WooClient::new(config, secret)
                    .map(Self::WooCommerce)
                    .map_err(|source| BuildError::Connector {
                        side: "webshop",
                        source,
                    })
            }
        }
    }

    /// Short kind name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::WooCommerce(_) => "woocommerce",
        }
    }
}

impl Marketplace for AnyMarketplace {
    async fn open_orders(&self) -> ConnectorResult<Vec<OpenOrder>> {
        match self {
            Self::Bol(c) => c.open_orders().await,
        }
    }
    async fn order(&self, id: &MarketplaceOrderId) -> ConnectorResult<MarketplaceOrder> {
        match self {
            Self::Bol(c) => c.order(id).await,
        }
    }
    async fn ship(&self, shipment: &Shipment) -> ConnectorResult<Process> {
        match self {
            Self::Bol(c) => c.ship(shipment).await,
        }
    }
    async fn cancel(&self, cancellation: &Cancellation) -> ConnectorResult<Process> {
        match self {
            Self::Bol(c) => c.cancel(cancellation).await,
        }
    }
    async fn processes(&self, ids: &[ProcessId]) -> ConnectorResult<Vec<Process>> {
        match self {
            Self::Bol(c) => c.processes(ids).await,
        }
    }
    async fn find_processes(
        &self,
        entity_id: &str,
        kind: ProcessKind,
    ) -> ConnectorResult<Vec<Process>> {
        match self {
            Self::Bol(c) => c.find_processes(entity_id, kind).await,
        }
    }
    async fn offers(&self) -> ConnectorResult<Vec<Offer>> {
        match self {
            Self::Bol(c) => c.offers().await,
        }
    }
    async fn update_stock(&self, offer_id: &OfferId, amount: u32) -> ConnectorResult<Process> {
        match self {
            Self::Bol(c) => c.update_stock(offer_id, amount).await,
        }
    }
    async fn label_offers(&self, lines: &[LineQuantity]) -> ConnectorResult<Vec<LabelOffer>> {
        match self {
            Self::Bol(c) => c.label_offers(lines).await,
        }
    }
    async fn buy_label(
        &self,
        lines: &[LineQuantity],
        offer: &LabelOfferId,
    ) -> ConnectorResult<Process> {
        match self {
            Self::Bol(c) => c.buy_label(lines, offer).await,
        }
    }
    async fn label(&self, id: &ShippingLabelId) -> ConnectorResult<Label> {
        match self {
            Self::Bol(c) => c.label(id).await,
        }
    }
    fn refresh_offers(&self) {
        match self {
            Self::Bol(c) => c.refresh_offers(),
        }
    }
}

impl Webshop for AnyWebshop {
    async fn create_order(&self, order: &NewOrder) -> ConnectorResult<CreatedOrder> {
        match self {
            Self::WooCommerce(c) => c.create_order(order).await,
        }
    }
    async fn find_order(
        &self,
        code: &OrderCode,
        created_since: DateTime<Utc>,
    ) -> ConnectorResult<Option<WebshopOrderId>> {
        match self {
            Self::WooCommerce(c) => c.find_order(code, created_since).await,
        }
    }
    async fn order(&self, id: &WebshopOrderId) -> ConnectorResult<WebshopOrder> {
        match self {
            Self::WooCommerce(c) => c.order(id).await,
        }
    }
    async fn orders(&self, ids: &[WebshopOrderId]) -> ConnectorResult<Vec<WebshopOrder>> {
        match self {
            Self::WooCommerce(c) => c.orders(ids).await,
        }
    }

    async fn changed_orders(&self, since: DateTime<Utc>) -> ConnectorResult<Vec<WebshopOrder>> {
        match self {
            Self::WooCommerce(c) => c.changed_orders(since).await,
        }
    }
    async fn cancel_order(&self, id: &WebshopOrderId) -> ConnectorResult<()> {
        match self {
            Self::WooCommerce(c) => c.cancel_order(id).await,
        }
    }
    async fn stock_levels(&self, skus: &[Sku]) -> ConnectorResult<Vec<StockLevel>> {
        match self {
            Self::WooCommerce(c) => c.stock_levels(skus).await,
        }
    }
}
