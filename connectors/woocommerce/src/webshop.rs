//! [`Webshop`] for [`WooClient`]: what the daemon's order loop asks of a WooCommerce shop,
//! expressed as REST API v3 calls. WooCommerce cannot filter orders on meta data, so finding an
//! order we created scans the orders created since the attempt (all pages) for our order code.
//! The orders `search` parameter does not look at meta values, so it is not used. Creating an
//! order first brings its amounts in line with the shop's tax settings (`tax/`). Changed
//! orders and orders by id are read in bulk by `changes.rs`.

use std::ops::ControlFlow;

use chrono::{DateTime, DurationRound, Utc};
use orderbridge_core::domain::{OrderCode, Sku, WebshopOrderId};
use orderbridge_core::webshop::{
    CreatedOrder, NewOrder, StockLevel, TrackingEntry, WebshopOrder, WebshopStatus,
};
use orderbridge_core::{ConnectorError, ConnectorResult, Webshop};
use reqwest::Method;

use crate::changes::{order_numbers, ORDERS_PATH};
use crate::client::WooClient;
use crate::config::TaxMode;
use crate::emails::withhold_buyer_email;
use crate::error_mapping::VENDOR;
use crate::mapping::{
    format_gmt, order_code_from_meta, order_from_wire, order_to_wire, order_total, status_from_wire,
};
use crate::tax::apply_taxes;
use crate::tracking::tracking_from_meta;
use crate::wire::{WooOrder, WooStatusUpdate};
use orderbridge_http::Replay;

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
fn strict_lower_bound_time(time: DateTime<Utc>) -> DateTime<Utc> {
    let whole_second = time
        .duration_trunc(chrono::Duration::seconds(1))
        .unwrap_or(time);
    whole_second - chrono::Duration::seconds(1)
}

fn strict_lower_bound(time: DateTime<Utc>) -> String {
    format_gmt(strict_lower_bound_time(time))
}

impl WooClient {
    /// Tracking of `order`: from its meta data, else (for a completed order of ours) from the
    /// Shipment Tracking plugin's endpoint, asked once per order change.
    pub(crate) async fn tracking_of(
        &self,
        order: &WooOrder,
        ours: bool,
    ) -> ConnectorResult<Vec<TrackingEntry>> {
        if let Some(entries) = tracking_from_meta(&order.meta_data) {
            return Ok(entries);
        }
        if ours && status_from_wire(&order.status) == WebshopStatus::Completed {
            return self.tracking_from_plugin_once(order).await;
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
        if self.tax_mode == TaxMode::Shop {
            let settings = self.tax_settings().await?;
            apply_taxes(&mut body, order, &products, &settings)?;
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
        let total = order_total(&created);
        if let (Some(total), Ok(paid)) = (total, order.paid_total()) {
            if total != paid {
                // The shop's rates or settings changed since they were read: read them again
                // for the next order. The daemon puts this one in `error` with both amounts.
                tracing::warn!(
                    order_code = %order.code,
                    webshop_total = %total,
                    paid = %paid,
                    "WooCommerce order total differs from what the buyer paid"
                );
                self.tax_settings.forget();
            }
        }
        Ok(CreatedOrder {
            id: webshop_id(created.id)?,
            total,
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

    async fn orders(&self, ids: &[WebshopOrderId]) -> ConnectorResult<Vec<WebshopOrder>> {
        let wires = self.orders_by_id(&order_numbers(ids)).await?;
        self.with_tracking(&wires).await
    }

    async fn changed_orders(&self, since: DateTime<Utc>) -> ConnectorResult<Vec<WebshopOrder>> {
        let wires = self
            .walk_modified_after(strict_lower_bound_time(since))
            .await?;
        let mut orders = self.with_tracking(&wires).await?;
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
