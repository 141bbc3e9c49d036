//! bol.com as a marketplace kind (`kind = "bol"`): what it can do, its section, how it is
//! built, and the link to an order in the seller dashboard.

use std::path::Path;
use std::time::Duration;

use orderbridge_core::kind::{BuildError, MarketplaceCapabilities};
use orderbridge_core::MarketplaceKind;

use crate::{BolClient, BolConfig};

impl MarketplaceKind for BolClient {
    const KIND: &'static str = "bol";
    const LABEL: &'static str = "bol.com";
    const CAPABILITIES: MarketplaceCapabilities = MarketplaceCapabilities {
        // `POST /shared/process-status` by entity id and event type.
        process_lookup: true,
        // One order item per cancellation request.
        per_line_cancellation: true,
        // A shipment names its order items and quantities.
        partial_shipment: true,
        // `PUT /retailer/offers/{offer-id}/stock`.
        stock: true,
        // "Verzenden via bol": delivery options and labels.
        labels: true,
    };
    type Config = BolConfig;

    fn timeout(config: &BolConfig) -> Duration {
        Duration::from_secs(config.timeout_secs)
    }

    fn build(config: &BolConfig, credentials_dir: Option<&Path>) -> Result<Self, BuildError> {
        let secret = config.client_secret.resolve(credentials_dir)?;
        Ok(BolClient::new(config, secret)?)
    }

    fn order_page(config: &BolConfig, order_id: &str) -> Option<String> {
        config
            .order_page
            .as_ref()
            .map(|template| template.for_order(order_id))
    }
}
