//! WooCommerce as a webshop kind (`kind = "woocommerce"`): what it can do, its section, how
//! it is built, and the link to an order in the shop's admin.

use std::path::Path;
use std::time::Duration;

use orderbridge_core::kind::{BuildError, WebshopCapabilities};
use orderbridge_core::WebshopKind;

use crate::{WooClient, WooConfig};

impl WebshopKind for WooClient {
    const KIND: &'static str = "woocommerce";
    const LABEL: &'static str = "WooCommerce";
    const CAPABILITIES: WebshopCapabilities = WebshopCapabilities {
        // Our code in order meta, searched before any second create.
        lookup_by_reference: true,
        // `modified_after`, walked by keyset.
        changed_orders: true,
        cancellation: true,
        // Products and variations by SKU, unmanaged stock included.
        stock: true,
        // The Shipment Tracking provider.
        carrier_on_shipment: true,
    };
    type Config = WooConfig;

    fn validate(config: &WooConfig) -> Result<(), String> {
        config.validate().map_err(|e| e.to_string())
    }

    fn timeout(config: &WooConfig) -> Duration {
        Duration::from_secs(config.timeout_secs)
    }

    fn build(config: &WooConfig, credentials_dir: Option<&Path>) -> Result<Self, BuildError> {
        let secret = config.consumer_secret.resolve(credentials_dir)?;
        Ok(WooClient::new(config, secret)?)
    }

    /// The classic edit address (`post.php?post=ID&action=edit`); with HPOS on, core
    /// redirects it to the order's new page (`load-post.php` →
    /// `maybe_redirect_to_edit_order_page` in
    /// `src/Internal/Admin/Orders/PostsRedirectionController.php`).
    fn order_page(config: &WooConfig, order_id: &str) -> Option<String> {
        let base = config.base_url.as_str().trim_end_matches('/');
        let mut url = url::Url::parse(&format!("{base}/wp-admin/post.php")).ok()?;
        url.query_pairs_mut()
            .append_pair("post", order_id)
            .append_pair("action", "edit");
        Some(url.to_string())
    }
}
