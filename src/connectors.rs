//! The registry of connectors: every marketplace and webshop kind the daemon knows, one line
//! each in [`registry!`] below. From those lines come the closed enums the engine runs on
//! ([`AnyMarketplace`], [`AnyWebshop`]), the connection file's sections
//! ([`MarketplaceSettings`], [`WebshopSettings`], chosen by `kind`), building a connector from
//! its section, and the support matrix ([`support_matrix`]). Each kind declares itself in its
//! own crate ([`MarketplaceKind`], [`WebshopKind`]); adding one is its crate plus one line here.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use orderbridge_core::domain::{
    LabelOfferId, MarketplaceOrder, MarketplaceOrderId, OfferId, OpenOrder, OrderCode, ProcessId,
    ShippingLabelId, Sku, WebshopOrderId,
};
use orderbridge_core::kind::{MarketplaceCapabilities, WebshopCapabilities};
use orderbridge_core::marketplace::{
    Cancellation, Label, LabelOffer, LineQuantity, Offer, Process, ProcessKind, Shipment,
    WriteOutcome,
};
use orderbridge_core::webshop::{CreatedOrder, NewOrder, StockLevel, WebshopOrder};
use orderbridge_core::{ConnectorResult, Marketplace, MarketplaceKind, Webshop, WebshopKind};

/// Why a connector could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
#[error("{side}: {source}")]
pub struct BuildError {
    /// `marketplace` or `webshop`.
    pub side: &'static str,
    /// The reason.
    pub source: orderbridge_core::kind::BuildError,
}

/// One kind as the support matrix shows it.
#[derive(Debug, Clone, Copy)]
pub struct KindInfo<C> {
    /// Its `kind` in a connection file.
    pub kind: &'static str,
    /// Its name for people.
    pub label: &'static str,
    /// What it can do.
    pub capabilities: C,
}

macro_rules! registry {
    (
        marketplaces { $($m:ident => $mt:ty),+ $(,)? }
        webshops { $($w:ident => $wt:ty),+ $(,)? }
    ) => {
        /// The marketplace side of a connection, chosen by `[marketplace] kind`.
        #[derive(Debug, Clone)]
        pub enum MarketplaceSettings {
            $(
                #[doc = concat!("`kind = \"", stringify!($m), "\"`.")]
                $m(<$mt as MarketplaceKind>::Config),
            )+
        }

        /// The webshop side of a connection, chosen by `[webshop] kind`.
        #[derive(Debug, Clone)]
        pub enum WebshopSettings {
            $(
                #[doc = concat!("`kind = \"", stringify!($w), "\"`.")]
                $w(<$wt as WebshopKind>::Config),
            )+
        }

        /// A marketplace connector.
        #[derive(Clone)]
        pub enum AnyMarketplace {
            $(
                #[doc = stringify!($mt)]
                $m($mt),
            )+
        }

        /// A webshop connector.
        #[derive(Clone)]
        pub enum AnyWebshop {
            $(
                #[doc = stringify!($wt)]
                $w($wt),
            )+
        }

        /// Every marketplace kind, in registry order.
        pub fn marketplace_kinds() -> Vec<KindInfo<MarketplaceCapabilities>> {
            vec![$(KindInfo {
                kind: <$mt as MarketplaceKind>::KIND,
                label: <$mt as MarketplaceKind>::LABEL,
                capabilities: <$mt as MarketplaceKind>::CAPABILITIES,
            }),+]
        }

        /// Every webshop kind, in registry order.
        pub fn webshop_kinds() -> Vec<KindInfo<WebshopCapabilities>> {
            vec![$(KindInfo {
                kind: <$wt as WebshopKind>::KIND,
                label: <$wt as WebshopKind>::LABEL,
                capabilities: <$wt as WebshopKind>::CAPABILITIES,
            }),+]
        }

        impl MarketplaceSettings {
            /// The section of `kind` (`rest` without `kind`), its keys named under `name`.
            pub(crate) fn parse(
                name: &str,
                kind: &str,
                rest: serde_json::Value,
            ) -> Result<Self, String> {
                $(
                    if kind == <$mt as MarketplaceKind>::KIND {
                        let config = section::<<$mt as MarketplaceKind>::Config>(name, rest)?;
                        <$mt as MarketplaceKind>::validate(&config)
                            .map_err(|e| format!("key `{name}`: {e}"))?;
                        return Ok(Self::$m(config));
                    }
                )+
                Err(format!(
                    "key `{name}.kind`: unknown marketplace {kind:?} (known: {})",
                    known(&[$(<$mt as MarketplaceKind>::KIND),+])
                ))
            }

            /// Its `kind`.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Self::$m(_) => <$mt as MarketplaceKind>::KIND,)+
                }
            }

            /// The longest one of its requests may take.
            pub fn timeout(&self) -> Duration {
                match self {
                    $(Self::$m(config) => <$mt as MarketplaceKind>::timeout(config),)+
                }
            }

            /// What its connector can do.
            pub fn capabilities(&self) -> MarketplaceCapabilities {
                match self {
                    $(Self::$m(_) => <$mt as MarketplaceKind>::CAPABILITIES,)+
                }
            }

            /// Its name for people.
            pub fn label(&self) -> &'static str {
                match self {
                    $(Self::$m(_) => <$mt as MarketplaceKind>::LABEL,)+
                }
            }

            /// The address of an order on the marketplace's seller site, when known.
            pub fn order_page(&self, order_id: &str) -> Option<String> {
                match self {
                    $(Self::$m(config) => <$mt as MarketplaceKind>::order_page(config, order_id),)+
                }
            }
        }

        impl WebshopSettings {
            /// The section of `kind` (`rest` without `kind`), its keys named under `name`.
            pub(crate) fn parse(
                name: &str,
                kind: &str,
                rest: serde_json::Value,
            ) -> Result<Self, String> {
                $(
                    if kind == <$wt as WebshopKind>::KIND {
                        let config = section::<<$wt as WebshopKind>::Config>(name, rest)?;
                        <$wt as WebshopKind>::validate(&config)
                            .map_err(|e| format!("key `{name}`: {e}"))?;
                        return Ok(Self::$w(config));
                    }
                )+
                Err(format!(
                    "key `{name}.kind`: unknown webshop {kind:?} (known: {})",
                    known(&[$(<$wt as WebshopKind>::KIND),+])
                ))
            }

            /// Its `kind`.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Self::$w(_) => <$wt as WebshopKind>::KIND,)+
                }
            }

            /// The longest one of its requests may take.
            pub fn timeout(&self) -> Duration {
                match self {
                    $(Self::$w(config) => <$wt as WebshopKind>::timeout(config),)+
                }
            }

            /// What its connector can do.
            pub fn capabilities(&self) -> WebshopCapabilities {
                match self {
                    $(Self::$w(_) => <$wt as WebshopKind>::CAPABILITIES,)+
                }
            }

            /// The address of an order in the shop's admin, when known.
            pub fn order_page(&self, order_id: &str) -> Option<String> {
                match self {
                    $(Self::$w(config) => <$wt as WebshopKind>::order_page(config, order_id),)+
                }
            }
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
                let side = "marketplace";
                match settings {
                    $(MarketplaceSettings::$m(config) => {
                        <$mt as MarketplaceKind>::build(config, credentials_dir)
                            .map(Self::$m)
                            .map_err(|source| BuildError { side, source })
                    })+
                }
            }

            /// Its name for people, as written into webshop orders.
            pub fn label(&self) -> &'static str {
                match self {
                    $(Self::$m(_) => <$mt as MarketplaceKind>::LABEL,)+
                }
            }

            /// Its `kind`.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Self::$m(_) => <$mt as MarketplaceKind>::KIND,)+
                }
            }

            /// What it can do.
            pub fn capabilities(&self) -> MarketplaceCapabilities {
                match self {
                    $(Self::$m(_) => <$mt as MarketplaceKind>::CAPABILITIES,)+
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
                let side = "webshop";
                match settings {
                    $(WebshopSettings::$w(config) => {
                        <$wt as WebshopKind>::build(config, credentials_dir)
                            .map(Self::$w)
                            .map_err(|source| BuildError { side, source })
                    })+
                }
            }

            /// Its `kind`.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Self::$w(_) => <$wt as WebshopKind>::KIND,)+
                }
            }

            /// What it can do.
            pub fn capabilities(&self) -> WebshopCapabilities {
                match self {
                    $(Self::$w(_) => <$wt as WebshopKind>::CAPABILITIES,)+
                }
            }
        }

        impl Marketplace for AnyMarketplace {
            async fn open_orders(&self) -> ConnectorResult<Vec<OpenOrder>> {
                match self { $(Self::$m(c) => Marketplace::open_orders(c).await,)+ }
            }
            async fn order(&self, id: &MarketplaceOrderId) -> ConnectorResult<MarketplaceOrder> {
                match self { $(Self::$m(c) => Marketplace::order(c, id).await,)+ }
            }
            async fn ship(&self, shipment: &Shipment) -> ConnectorResult<WriteOutcome> {
                match self { $(Self::$m(c) => Marketplace::ship(c, shipment).await,)+ }
            }
            async fn cancel(&self, cancellation: &Cancellation) -> ConnectorResult<WriteOutcome> {
                match self { $(Self::$m(c) => Marketplace::cancel(c, cancellation).await,)+ }
            }
            async fn processes(&self, ids: &[ProcessId]) -> ConnectorResult<Vec<Process>> {
                match self { $(Self::$m(c) => Marketplace::processes(c, ids).await,)+ }
            }
            async fn find_processes(
                &self,
                entity_id: &str,
                kind: ProcessKind,
            ) -> ConnectorResult<Vec<Process>> {
                match self { $(Self::$m(c) => Marketplace::find_processes(c, entity_id, kind).await,)+ }
            }
            async fn offers(&self) -> ConnectorResult<Vec<Offer>> {
                match self { $(Self::$m(c) => Marketplace::offers(c).await,)+ }
            }
            async fn update_stock(&self, offer_id: &OfferId, amount: u32) -> ConnectorResult<WriteOutcome> {
                match self { $(Self::$m(c) => Marketplace::update_stock(c, offer_id, amount).await,)+ }
            }
            async fn label_offers(&self, lines: &[LineQuantity]) -> ConnectorResult<Vec<LabelOffer>> {
                match self { $(Self::$m(c) => Marketplace::label_offers(c, lines).await,)+ }
            }
            async fn buy_label(
                &self,
                lines: &[LineQuantity],
                offer: &LabelOfferId,
            ) -> ConnectorResult<WriteOutcome> {
                match self { $(Self::$m(c) => Marketplace::buy_label(c, lines, offer).await,)+ }
            }
            async fn label(&self, id: &ShippingLabelId) -> ConnectorResult<Label> {
                match self { $(Self::$m(c) => Marketplace::label(c, id).await,)+ }
            }
            fn refresh_offers(&self) {
                match self { $(Self::$m(c) => Marketplace::refresh_offers(c),)+ }
            }
        }

        impl Webshop for AnyWebshop {
            async fn create_order(&self, order: &NewOrder) -> ConnectorResult<CreatedOrder> {
                match self { $(Self::$w(c) => Webshop::create_order(c, order).await,)+ }
            }
            async fn find_order(
                &self,
                code: &OrderCode,
                created_since: DateTime<Utc>,
            ) -> ConnectorResult<Option<WebshopOrderId>> {
                match self { $(Self::$w(c) => Webshop::find_order(c, code, created_since).await,)+ }
            }
            async fn order(&self, id: &WebshopOrderId) -> ConnectorResult<WebshopOrder> {
                match self { $(Self::$w(c) => Webshop::order(c, id).await,)+ }
            }
            async fn orders(&self, ids: &[WebshopOrderId]) -> ConnectorResult<Vec<WebshopOrder>> {
                match self { $(Self::$w(c) => Webshop::orders(c, ids).await,)+ }
            }
            async fn changed_orders(
                &self,
                since: DateTime<Utc>,
            ) -> ConnectorResult<Vec<WebshopOrder>> {
                match self { $(Self::$w(c) => Webshop::changed_orders(c, since).await,)+ }
            }
            async fn cancel_order(&self, id: &WebshopOrderId) -> ConnectorResult<()> {
                match self { $(Self::$w(c) => Webshop::cancel_order(c, id).await,)+ }
            }
            async fn stock_levels(&self, skus: &[Sku]) -> ConnectorResult<Vec<StockLevel>> {
                match self { $(Self::$w(c) => Webshop::stock_levels(c, skus).await,)+ }
            }
        }
    };
}

// The registry: one line per connector kind. (Dispatch names the trait: a connector's own
// methods of the same name may answer in its vendor's terms.)
registry! {
    marketplaces {
        Bol => orderbridge_bol::BolClient,
    }
    webshops {
        Woocommerce => orderbridge_woocommerce::WooClient,
        Medusa => orderbridge_medusa::MedusaClient,
        Magento => orderbridge_magento::MagentoClient,
        Shopify => orderbridge_shopify::ShopifyClient,
    }
}

/// `"a", "b"` for a list of kinds.
fn known(kinds: &[&str]) -> String {
    kinds
        .iter()
        .map(|kind| format!("{kind:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Deserializes a section, naming the full key of a bad value (`webshop.base_url`).
fn section<T: serde::de::DeserializeOwned>(
    name: &str,
    value: serde_json::Value,
) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let key = if path == "." {
            name.to_owned()
        } else {
            format!("{name}.{path}")
        };
        format!("key `{key}`: {}", error.inner())
    })
}

/// The support matrix: what each connector can do, as a Markdown table (the README holds a
/// copy between markers; a test keeps it equal to this).
pub fn support_matrix() -> String {
    let yes = |b: bool| if b { "yes" } else { "—" };
    let mut out = String::from(
        "| marketplace | `kind` | process lookup | per-line cancellation | partial shipment | stock | shipping labels |\n|---|---|---|---|---|---|---|\n",
    );
    for m in marketplace_kinds() {
        let c = m.capabilities;
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} |\n",
            m.label,
            m.kind,
            yes(c.process_lookup),
            yes(c.per_line_cancellation),
            yes(c.partial_shipment),
            yes(c.stock),
            yes(c.labels)
        ));
    }
    out.push_str(
        "\n| webshop | `kind` | lookup by our code | changed orders | cancellation | stock | carrier on shipment |\n|---|---|---|---|---|---|---|\n",
    );
    for w in webshop_kinds() {
        let c = w.capabilities;
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} |\n",
            w.label,
            w.kind,
            yes(c.lookup_by_reference),
            yes(c.changed_orders),
            yes(c.cancellation),
            yes(c.stock),
            yes(c.carrier_on_shipment)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's support matrix is the one the registry generates (run
    /// `orderbridge connectors` and paste it between the markers when this fails).
    #[test]
    fn the_readme_support_matrix_is_generated_from_the_capabilities() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let start = "<!-- support matrix: generated by `orderbridge connectors` -->\n";
        let end = "<!-- end of support matrix -->";
        let from = readme.find(start).expect("start marker") + start.len();
        let to = readme[from..].find(end).expect("end marker") + from;
        assert_eq!(
            &readme[from..to],
            support_matrix(),
            "README.md's support matrix is stale: run `orderbridge connectors`"
        );
    }

    #[test]
    fn an_unknown_kind_names_the_known_ones() {
        let error = MarketplaceSettings::parse("marketplace", "amazone", serde_json::json!({}))
            .unwrap_err();
        assert!(error.contains("\"bol\""), "{error}");
        let error =
            WebshopSettings::parse("webshop", "shopifi", serde_json::json!({})).unwrap_err();
        assert!(error.contains("\"woocommerce\""), "{error}");
    }
}
