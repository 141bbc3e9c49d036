//! Shipments and their tracks, read for many orders at once: `GET shipments` with
//! `order_id in (…)` (the tracks come inside each shipment, `sales-data-shipment-interface`
//! `tracks[]` with `carrier_code`, `title`, `track_number`), and the orders' read-back with
//! them. Only orders with something shipped are asked about: an order with nothing shipped has
//! no shipment. A temporary failure to read the shipments marks those orders' tracking
//! unavailable instead of failing the read (the daemon looks again next run).

use std::collections::HashMap;

use orderbridge_core::webshop::WebshopOrder;
use orderbridge_core::ConnectorResult;

use crate::client::MagentoClient;
use crate::mapping::order_from_wire;
use crate::search::Search;
use crate::wire::{MagentoOrder, MagentoShipment, ShipmentPage};

/// Orders asked about in one shipments search.
const ORDERS_PER_REQUEST: usize = 50;

/// Whether an order can have shipments: something shipped, or Magento calls it complete.
fn may_have_shipments(order: &MagentoOrder) -> bool {
    order.state.as_deref() == Some("complete") || order.items.iter().any(|i| i.qty_shipped > 0.0)
}

impl MagentoClient {
    /// The shipments of the orders `order_ids`, by order.
    ///
    /// # Errors
    ///
    /// When a page cannot be read.
    pub(crate) async fn shipments_of(
        &self,
        order_ids: &[u64],
    ) -> ConnectorResult<HashMap<u64, Vec<MagentoShipment>>> {
        let mut by_order: HashMap<u64, Vec<MagentoShipment>> = HashMap::new();
        for chunk in order_ids.chunks(ORDERS_PER_REQUEST) {
            let ids: Vec<String> = chunk.iter().map(u64::to_string).collect();
            let search = Search::new()
                .filter("order_id", "in", ids.join(","))
                .ascending("entity_id");
            self.http
                .walk(
                    "shipments",
                    &search,
                    |page: ShipmentPage| (page.items, page.total_count),
                    |shipments| {
                        for shipment in shipments {
                            by_order
                                .entry(shipment.order_id)
                                .or_default()
                                .push(shipment);
                        }
                    },
                )
                .await?;
        }
        Ok(by_order)
    }

    /// `orders` as the daemon sees them, with their tracking.
    ///
    /// # Errors
    ///
    /// When an order cannot be read (bad data), or its shipments fail for good.
    pub(crate) async fn with_tracking(
        &self,
        orders: &[MagentoOrder],
    ) -> ConnectorResult<Vec<WebshopOrder>> {
        let shipped: Vec<u64> = orders
            .iter()
            .filter(|o| may_have_shipments(o))
            .map(|o| o.entity_id)
            .collect();
        let shipments = if shipped.is_empty() {
            Some(HashMap::new())
        } else {
            match self.shipments_of(&shipped).await {
                Ok(found) => Some(found),
                Err(error) if error.is_retryable() => {
                    tracing::warn!(error = %error, orders = shipped.len(), "Magento shipments could not be read; their tracking is looked at again later");
                    None
                }
                Err(error) => return Err(error),
            }
        };
        orders
            .iter()
            .map(|order| {
                let own: Option<Vec<&MagentoShipment>> = shipments.as_ref().map(|all| {
                    all.get(&order.entity_id)
                        .map(|list| list.iter().collect())
                        .unwrap_or_default()
                });
                order_from_wire(order, own.as_deref(), &self.guest_email_template)
            })
            .collect()
    }
}
