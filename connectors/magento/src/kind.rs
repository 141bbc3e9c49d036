//! Magento 2 / Adobe Commerce as a webshop kind (`kind = "magento"`): what it can do, its
//! section, how it is built, and where an order is in the shop's admin.

use std::path::Path;
use std::time::Duration;

use orderbridge_core::kind::{BuildError, WebshopCapabilities};
use orderbridge_core::WebshopKind;

use crate::{MagentoClient, MagentoConfig};

impl WebshopKind for MagentoClient {
    const KIND: &'static str = "magento";
    const LABEL: &'static str = "Magento 2";
    const CAPABILITIES: WebshopCapabilities = WebshopCapabilities {
        // Our code in `ext_order_id` and, from the cart on, in the guest e-mail; both
        // filterable in `GET orders`.
        lookup_by_reference: true,
        // `updated_at gteq`, sorted, walked with a moving cursor.
        changed_orders: true,
        cancellation: true,
        // MSI salable quantity per SKU; unmanaged stock is in stock.
        stock: true,
        // A track names its carrier (`title`, e.g. "PostNL", or `carrier_code`).
        carrier_on_shipment: true,
    };
    type Config = MagentoConfig;

    fn validate(config: &MagentoConfig) -> Result<(), String> {
        config.validate().map_err(|e| e.to_string())
    }

    fn timeout(config: &MagentoConfig) -> Duration {
        Duration::from_secs(config.timeout_secs)
    }

    fn build(config: &MagentoConfig, credentials_dir: Option<&Path>) -> Result<Self, BuildError> {
        let token = config.access_token.resolve(credentials_dir)?;
        Ok(MagentoClient::new(config, token)?)
    }

    /// The order in the admin: `{base_url}/admin/sales/order/view/order_id/{id}/`. Shops that
    /// moved the admin (`backend/frontName` in `app/etc/env.php`, often done for security) are
    /// redirected to the dashboard from there.
    fn order_page(config: &MagentoConfig, order_id: &str) -> Option<String> {
        if order_id.is_empty() || !order_id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut url = config.base_url.clone();
        let base = url.path().trim_end_matches('/').to_owned();
        url.path_segments_mut()
            .ok()?
            .clear()
            .extend(base.split('/').filter(|s| !s.is_empty()))
            .extend(["admin", "sales", "order", "view", "order_id", order_id, ""]);
        url.set_query(None);
        Some(url.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderbridge_core::SecretSource;

    #[test]
    fn order_pages_point_into_the_admin() {
        let config = MagentoConfig::new(
            "https://www.shop.nl/".parse().unwrap(),
            SecretSource::Inline("t".into()),
        );
        assert_eq!(
            MagentoClient::order_page(&config, "12").as_deref(),
            Some("https://www.shop.nl/admin/sales/order/view/order_id/12/")
        );
        assert_eq!(MagentoClient::order_page(&config, "x/1"), None);
    }
}
