//! Shopify as a webshop kind (`kind = "shopify"`): what it can do, its section, how it is
//! built, and the address of an order in the Shopify admin.

use std::path::Path;
use std::time::Duration;

use orderbridge_core::kind::{BuildError, WebshopCapabilities};
use orderbridge_core::WebshopKind;

use crate::{ShopifyClient, ShopifyConfig};

impl WebshopKind for ShopifyClient {
    const KIND: &'static str = "shopify";
    const LABEL: &'static str = "Shopify";
    const CAPABILITIES: WebshopCapabilities = WebshopCapabilities {
        // Our code as the order's custom id, read with `orderByIdentifier` (and unique).
        lookup_by_reference: true,
        // `updated_at:>=` with cursor paging, overlapping for the search index's lag.
        changed_orders: true,
        // `orderCancel`, refused for fulfilled orders.
        cancellation: true,
        // `available` at the configured location; untracked items are in stock.
        stock: true,
        // Fulfilments carry the carrier the merchant chose (`trackingInfo.company`).
        carrier_on_shipment: true,
    };
    type Config = ShopifyConfig;

    fn validate(config: &ShopifyConfig) -> Result<(), String> {
        config.validate().map_err(|e| e.to_string())
    }

    fn timeout(config: &ShopifyConfig) -> Duration {
        Duration::from_secs(config.timeout_secs)
    }

    fn build(config: &ShopifyConfig, credentials_dir: Option<&Path>) -> Result<Self, BuildError> {
        ShopifyClient::from_config(config, credentials_dir)
    }

    /// `https://admin.shopify.com/store/{handle}/orders/{number}`.
    fn order_page(config: &ShopifyConfig, order_id: &str) -> Option<String> {
        let number = order_id.strip_prefix("gid://shopify/Order/")?;
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(format!(
            "https://admin.shopify.com/store/{}/orders/{number}",
            config.handle()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderbridge_core::SecretSource;

    #[test]
    fn order_pages_point_at_the_shopify_admin() {
        let config = ShopifyConfig::with_access_token(
            "myshop.myshopify.com",
            SecretSource::Inline("shpat_x".into()),
            "gid://shopify/Location/1",
        );
        assert_eq!(
            ShopifyClient::order_page(&config, "gid://shopify/Order/450789469").as_deref(),
            Some("https://admin.shopify.com/store/myshop/orders/450789469")
        );
        assert_eq!(ShopifyClient::order_page(&config, "450789469"), None);
        assert!(<ShopifyClient as WebshopKind>::validate(&config).is_ok());
    }
}
