//! Medusa v2 as a webshop kind (`kind = "medusa"`): what it can do, its section, how it is
//! built.

use std::path::Path;
use std::time::Duration;

use orderbridge_core::kind::{BuildError, WebshopCapabilities};
use orderbridge_core::WebshopKind;

use crate::{MedusaClient, MedusaConfig};

impl WebshopKind for MedusaClient {
    const KIND: &'static str = "medusa";
    const LABEL: &'static str = "Medusa";
    const CAPABILITIES: WebshopCapabilities = WebshopCapabilities {
        // Our code in order metadata, matched among our sales channel's orders and drafts
        // created since the attempt (metadata is not filterable).
        lookup_by_reference: true,
        // `updated_at[$gte]`, walked with a moving cursor.
        changed_orders: true,
        cancellation: true,
        // Inventory levels per SKU (available = stocked − reserved).
        stock: true,
        // Fulfilment labels carry a tracking number and url but no carrier: it is detected
        // from the code.
        carrier_on_shipment: false,
    };
    type Config = MedusaConfig;

    fn validate(config: &MedusaConfig) -> Result<(), String> {
        config.validate().map_err(|e| e.to_string())
    }

    fn timeout(config: &MedusaConfig) -> Duration {
        Duration::from_secs(config.timeout_secs)
    }

    fn build(config: &MedusaConfig, credentials_dir: Option<&Path>) -> Result<Self, BuildError> {
        let key = config.api_key.resolve(credentials_dir)?;
        Ok(MedusaClient::new(config, key)?)
    }

    /// The order in Medusa's admin dashboard, served at `/app` of the server by default
    /// (`admin.path` in `medusa-config.ts`).
    fn order_page(config: &MedusaConfig, order_id: &str) -> Option<String> {
        let mut url = config.base_url.clone();
        let base = url.path().trim_end_matches('/').to_owned();
        url.path_segments_mut()
            .ok()?
            .clear()
            .extend(base.split('/').filter(|s| !s.is_empty()))
            .extend(["app", "orders", order_id]);
        url.set_query(None);
        Some(url.to_string())
    }
}
