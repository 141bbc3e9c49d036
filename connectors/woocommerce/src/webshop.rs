//! [`Webshop`] for [`WooClient`]: what the daemon's order loop asks of a WooCommerce shop,
//! expressed as REST API v3 calls. WooCommerce cannot filter orders on meta data, so finding an
//! order we created scans the orders created since the attempt (all pages) for our order code.
//! The orders `search` parameter does not look at meta values, so it is not used.

use std::collections::HashMap;
use std::ops::ControlFlow;

use chrono::{DateTime, DurationRound, Utc};
use orderbridge_core::domain::{OrderCode, Sku, WebshopOrderId};
use orderbridge_core::webshop::{
    CreatedOrder, NewOrder, StockLevel, TrackingEntry, WebshopOrder, WebshopStatus,
};
use orderbridge_core::{ConnectorError, ConnectorResult, Webshop};
use reqwest::Method;

use crate::client::{Replay, WooClient};
use crate::emails::withhold_buyer_email;
use crate::error_mapping::VENDOR;
use crate::mapping::{
    format_gmt, order_code_from_meta, order_from_wire, order_to_wire, order_total, status_from_wire,
};
use crate::tracking::tracking_from_meta;
use crate::wire::{WooOrder, WooStatusUpdate};

const ORDERS_PATH: &str = "wc/v3/orders";

/// WooCommerce's numeric id behind a [`WebshopOrderId`].
fn order_number(id: &WebshopOrderId) -> ConnectorResult<u64> {
    id.as_str().parse().map_err(|_| ConnectorError::NotFound {
        what: format!("WooCommerce order {id} (not a WooCommerce order id)"),
    })
}

fn webshop_id(number: u64) -> ConnectorResult<WebshopOrderId> {
    WebshopOrderId::parse(&number.to_string()).map_err(|e| ConnectorError::InvalidPayload {
        vendor: VENDOR.to_owned(),
        location: "order id".to_owned(),
        message: e.to_string(),
    })
}

/// The lower bound for an `after`/`modified_after` filter that misses nothing: WooCommerce keeps
/// whole seconds and compares strictly, so step one second below the truncated time.
fn strict_lower_bound(time: DateTime<Utc>) -> String {
    let whole_second = time
        .duration_trunc(chrono::Duration::seconds(1))
        .unwrap_or(time);
    format_gmt(whole_second - chrono::Duration::seconds(1))
}

impl WooClient {
    /// Tracking of `order`: from its meta data, else (for a completed order of ours) from the
    /// Shipment Tracking plugin's endpoint.
    async fn tracking_of(
        &self,
        order: &WooOrder,
        ours: bool,
    ) -> ConnectorResult<Vec<TrackingEntry>> {
        if let Some(entries) = tracking_from_meta(&order.meta_data) {
            return Ok(entries);
        }
        if ours && status_from_wire(&order.status) == WebshopStatus::Completed {
            return self.tracking_from_plugin(order.id).await;
        }
        Ok(Vec::new())
    }
}

impl Webshop for WooClient {
    async fn create_order(&self, order: &NewOrder) -> ConnectorResult<CreatedOrder> {
        let mut products = Vec::with_capacity(order.lines.len());
        for line in &order.lines {
            products.push(self.resolve_line(line).await?);
        }
        let mut body = order_to_wire(order, &products, &self.order_status, self.marks_orders_paid)?;
        if !self.customer_emails {
            withhold_buyer_email(&mut body);
        }
        // Not replayed after a 5xx, time-out, reset or unreadable reply: the order may exist
        // (`Transient`); the daemon looks for it with `find_order` before trying again.
        let created: WooOrder = self
            .http
            .send(Method::POST, ORDERS_PATH, &body, Replay::OnlyIfUnsent)
            .await?;
        tracing::info!(
            order_code = %order.code,
            webshop_order_id = created.id,
            "created WooCommerce order"
        );
        Ok(CreatedOrder {
            id: webshop_id(created.id)?,
            total: order_total(&created),
        })
    }

    async fn find_order(
        &self,
        code: &OrderCode,
        created_since: DateTime<Utc>,
    ) -> ConnectorResult<Option<WebshopOrderId>> {
        let query = [
            (
                "after",
                strict_lower_bound(created_since - self.lookup_margin),
            ),
            ("dates_are_gmt", "true".to_owned()),
            ("orderby", "date".to_owned()),
            ("order", "asc".to_owned()),
        ];
        let found = self
            .http
            .for_each_page(ORDERS_PATH, &query, |page: Vec<WooOrder>| {
                match page
                    .iter()
                    .find(|o| order_code_from_meta(&o.meta_data).as_ref() == Some(code))
                {
                    Some(order) => ControlFlow::Break(order.id),
                    None => ControlFlow::Continue(()),
                }
            })
            .await?;
        found.map(webshop_id).transpose()
    }

    async fn order(&self, id: &WebshopOrderId) -> ConnectorResult<WebshopOrder> {
        let number = order_number(id)?;
        let wire: WooOrder = self
            .http
            .get(&format!("{ORDERS_PATH}/{number}"), &[])
            .await
            .map_err(|error| match error {
                ConnectorError::NotFound { .. } => ConnectorError::NotFound {
                    what: format!("WooCommerce order {number}"),
                },
                other => other,
            })?
            .body;
        let tracking = self.tracking_of(&wire, true).await?;
        order_from_wire(&wire, tracking)
    }

    async fn changed_orders(&self, since: DateTime<Utc>) -> ConnectorResult<Vec<WebshopOrder>> {
        let query = [
            ("modified_after", strict_lower_bound(since)),
            ("dates_are_gmt", "true".to_owned()),
            ("orderby", "modified".to_owned()),
            ("order", "asc".to_owned()),
        ];
        let mut changed: Vec<WooOrder> = Vec::new();
        let mut position_by_id: HashMap<u64, usize> = HashMap::new();
        self.http
            .for_each_page(ORDERS_PATH, &query, |page: Vec<WooOrder>| {
                // An order changed while we page moves to a later page: keep its newest copy.
                for order in page {
                    match position_by_id.get(&order.id) {
                        Some(&position) => changed[position] = order,
                        None => {
                            position_by_id.insert(order.id, changed.len());
                            changed.push(order);
                        }
                    }
                }
                ControlFlow::<()>::Continue(())
            })
            .await?;
        let mut orders = Vec::with_capacity(changed.len());
        for wire in &changed {
            let ours = order_code_from_meta(&wire.meta_data).is_some();
            // One order whose tracking cannot be read now must not fail the whole list: it is
            // returned marked, so the caller looks at it again later.
            let order = match self.tracking_of(wire, ours).await {
                Ok(tracking) => order_from_wire(wire, tracking)?,
                Err(error) if error.is_retryable() => {
                    tracing::warn!(
                        order_id = wire.id,
                        "tracking of a changed order unreadable for now: {error}"
                    );
                    let mut order = order_from_wire(wire, Vec::new())?;
                    order.tracking_unavailable = true;
                    order
                }
                Err(error) => return Err(error),
            };
            orders.push(order);
        }
        orders.sort_by_key(|order| order.modified_at);
        Ok(orders)
    }

    async fn cancel_order(&self, id: &WebshopOrderId) -> ConnectorResult<()> {
        let number = order_number(id)?;
        let update = WooStatusUpdate {
            status: "cancelled".to_owned(),
        };
        // Setting the same status again changes nothing (nor restocks twice), so this may be
        // replayed, also after a reset or a lost or unreadable reply.
        let updated: WooOrder = self
            .http
            .send(
                Method::PUT,
                &format!("{ORDERS_PATH}/{number}"),
                &update,
                Replay::Safe,
            )
            .await?;
        if updated.status != "cancelled" {
            return Err(ConnectorError::Rejected {
                vendor: VENDOR.to_owned(),
                message: format!(
                    "order {number} is still {:?} after cancelling (a plugin may block it)",
                    updated.status
                ),
            });
        }
        tracing::info!(webshop_order_id = number, "cancelled WooCommerce order");
        Ok(())
    }

    async fn stock_levels(&self, skus: &[Sku]) -> ConnectorResult<Vec<StockLevel>> {
        self.stock_for(skus).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn lower_bound_steps_below_the_truncated_second() {
        let time = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 5).unwrap()
            + chrono::Duration::milliseconds(700);
        assert_eq!(strict_lower_bound(time), "2026-11-22T10:00:04");
    }

    #[test]
    fn only_numeric_ids_are_woocommerce_orders() {
        assert_eq!(
            order_number(&WebshopOrderId::parse("4711").unwrap()).unwrap(),
            4711
        );
        assert!(matches!(
            order_number(&WebshopOrderId::parse("gid://shopify/Order/1").unwrap()),
            Err(ConnectorError::NotFound { .. })
        ));
    }
}
