//! The simulator's shop: products, variations and orders, and the changes WooCommerce makes to
//! them (creating an order marks it paid and reduces stock, completing stamps the completion
//! date, every change bumps `date_modified` — except, in classic storage, a change of meta data
//! alone; see `timeline.rs`). Times are kept to the second, as WooCommerce does.
//! Pure data and logic; HTTP lives in `routes.rs`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, DurationRound, Utc};
use serde_json::{json, Value};

use super::emails::{customer_email, SimEmail};
use super::faults::FaultPlan;
use super::model::{SimError, SimProduct, SimWooOrder};
use super::quirks::WooQuirks;
use super::taxes::SimTaxSettings;
use super::totals::calculate_totals;
use crate::tracking::TRACKING_META_KEY;

/// Statuses a simulated order may have (WooCommerce's own).
pub(crate) const ORDER_STATUSES: [&str; 8] = [
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
    "checkout-draft",
];

/// The whole simulated shop.
#[derive(Debug)]
pub(crate) struct SimState {
    next_post_id: u64,
    pub(crate) products: Vec<SimProduct>,
    pub(crate) orders: BTreeMap<u64, SimWooOrder>,
    stock_reduced: HashSet<u64>,
    pub(crate) provider_names: HashMap<String, String>,
    pub(crate) faults: FaultPlan,
    pub(crate) quirks: WooQuirks,
    pub(crate) create_requests: usize,
    pub(crate) product_list_requests: usize,
    pub(crate) tracking_meta_visible: bool,
    pub(crate) tracking_plugin_installed: bool,
    pub(crate) authorization_header_stripped: bool,
    pub(crate) customer_emails: Vec<SimEmail>,
    /// How far the shop's clock is ahead of the real one (`timeline.rs`).
    pub(crate) clock_offset: chrono::Duration,
    /// Where the shop's clock stands still, when stopped (`timeline.rs`).
    pub(crate) clock_frozen_at: Option<DateTime<Utc>>,
    /// Classic (posts table) order storage: saving meta data alone leaves `date_modified`.
    pub(crate) classic_storage: bool,
    /// Orders changed right after the next orders list pages are served, one per page.
    pub(crate) change_during_walk: std::collections::VecDeque<u64>,
    /// Requests to the Shipment Tracking plugin's route, failed ones included.
    pub(crate) tracking_route_requests: usize,
    pub(crate) taxes: SimTaxSettings,
}

impl Default for SimState {
    fn default() -> Self {
        Self {
            next_post_id: 100,
            products: Vec::new(),
            orders: BTreeMap::new(),
            stock_reduced: HashSet::new(),
            provider_names: HashMap::new(),
            faults: FaultPlan::default(),
            quirks: WooQuirks::default(),
            create_requests: 0,
            product_list_requests: 0,
            tracking_meta_visible: true,
            tracking_plugin_installed: true,
            authorization_header_stripped: false,
            customer_emails: Vec::new(),
            clock_offset: chrono::Duration::zero(),
            clock_frozen_at: None,
            classic_storage: false,
            change_during_walk: std::collections::VecDeque::new(),
            tracking_route_requests: 0,
            taxes: SimTaxSettings::default(),
        }
    }
}

/// Now, to the whole second (WooCommerce's precision).
pub(crate) fn now_to_the_second() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(chrono::Duration::seconds(1))
        .unwrap_or(now)
}

fn validate_status(status: &str) -> Result<(), SimError> {
    if ORDER_STATUSES.contains(&status) {
        Ok(())
    } else {
        Err(SimError::new(
            400,
            "rest_invalid_param",
            "Invalid parameter(s): status",
        ))
    }
}

impl SimState {
    fn next_id(&mut self) -> u64 {
        let id = self.next_post_id;
        self.next_post_id += 1;
        id
    }

    /// Adds a product; returns its id.
    pub(crate) fn add_product(&mut self, mut product: SimProduct) -> u64 {
        product.id = self.next_id();
        let id = product.id;
        self.products.push(product);
        id
    }

    pub(crate) fn product(&self, id: u64) -> Option<&SimProduct> {
        self.products.iter().find(|p| p.id == id)
    }

    /// Sets the stock of every product with `sku` (`None`: stock not managed).
    pub(crate) fn set_stock(&mut self, sku: &str, stock: Option<i64>) {
        for product in self.products.iter_mut().filter(|p| p.sku == sku) {
            product.stock = stock;
            product.modified_at = now_to_the_second();
        }
    }

    /// Sets a meta value of one product or variation and bumps its modification date (not
    /// its parent's: woocommerce/woocommerce issues #9531 and #17611).
    pub(crate) fn set_product_meta(&mut self, id: u64, key: &str, value: &str) {
        if let Some(product) = self.products.iter_mut().find(|p| p.id == id) {
            product.meta.retain(|(k, _)| k != key);
            product.meta.push((key.to_owned(), value.to_owned()));
            product.modified_at = now_to_the_second();
        }
    }

    /// Sets the merchant's stock status of unmanaged product(s) with `sku`.
    pub(crate) fn set_unmanaged_stock_status(&mut self, sku: &str, status: &str) {
        for product in self.products.iter_mut().filter(|p| p.sku == sku) {
            product.unmanaged_status = status.to_owned();
            product.modified_at = now_to_the_second();
        }
    }

    fn change_stock(&mut self, product_id: u64, delta: i64) {
        if let Some(stock) = self
            .products
            .iter_mut()
            .find(|p| p.id == product_id)
            .and_then(|p| p.stock.as_mut())
        {
            *stock += delta;
        }
    }

    fn restock(&mut self, order_id: u64, sign: i64) {
        let lines: Vec<(u64, i64)> = self
            .orders
            .get(&order_id)
            .map(|order| {
                order
                    .line_items
                    .iter()
                    .map(|line| {
                        let product = if line.variation_id != 0 {
                            line.variation_id
                        } else {
                            line.product_id
                        };
                        (product, i64::from(line.quantity))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (product_id, quantity) in lines {
            self.change_stock(product_id, sign * quantity);
        }
    }

    /// Creates an order from a `POST orders` body, as WooCommerce would.
    pub(crate) fn create_order(&mut self, body: &Value) -> Result<u64, SimError> {
        let object = body
            .as_object()
            .ok_or_else(|| SimError::new(400, "rest_invalid_json", "Invalid JSON body passed."))?;
        let text = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or_default();
        let requested_status = object
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("pending");
        validate_status(requested_status)?;
        let mut line_items = Vec::new();
        for line in object
            .get("line_items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            line_items.push(self.line_from_json(line)?);
        }
        let mut fee_lines = Vec::new();
        for fee in object
            .get("fee_lines")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            fee_lines.push(self.fee_from_json(fee)?);
        }
        let meta = meta_from_json(object.get("meta_data"));
        let now = self.now();
        let set_paid = object
            .get("set_paid")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut status = requested_status.to_owned();
        if set_paid && ["pending", "on-hold", "failed", "cancelled"].contains(&requested_status) {
            status = "processing".to_owned();
        }
        let id = self.next_id();
        let mut order = SimWooOrder {
            id,
            completed_at: (status == "completed").then_some(now),
            status,
            currency: Some(text("currency"))
                .filter(|c| !c.is_empty())
                .unwrap_or("EUR")
                .to_owned(),
            meta,
            line_items,
            fee_lines,
            tax_lines: Vec::new(),
            prices_include_tax: false,
            total_cents: 0,
            total_tax_cents: 0,
            discount_total_cents: 0,
            discount_tax_cents: 0,
            billing: object.get("billing").cloned().unwrap_or_else(|| json!({})),
            shipping: object.get("shipping").cloned().unwrap_or_else(|| json!({})),
            customer_note: text("customer_note").to_owned(),
            created_at: now,
            modified_at: now,
            paid_at: set_paid.then_some(now),
        };
        // The REST controller runs `calculate_totals()` on every order it creates.
        calculate_totals(&mut order, &self.taxes);
        // Created as `pending`, then moved to its status: core's notification for that move.
        self.customer_emails
            .extend(customer_email(id, &order.billing, "pending", &order.status));
        self.orders.insert(id, order);
        if set_paid {
            self.restock(id, -1);
            self.stock_reduced.insert(id);
        }
        Ok(id)
    }

    /// Applies a `PUT orders/{id}` body: status and meta data.
    pub(crate) fn update_order(&mut self, id: u64, body: &Value) -> Result<(), SimError> {
        let new_status = body.get("status").and_then(Value::as_str);
        if let Some(status) = new_status {
            validate_status(status)?;
        }
        let meta = meta_from_json(body.get("meta_data"));
        if !self.orders.contains_key(&id) {
            return Err(SimError::invalid_order());
        }
        if let Some(status) = new_status {
            self.set_status(id, status);
        }
        let (now, meta_bumps) = (self.now(), self.meta_save_bumps_modified());
        if let Some(order) = self.orders.get_mut(&id) {
            for (key, value) in meta {
                match order.meta.iter_mut().find(|(k, _)| *k == key) {
                    Some(entry) => entry.1 = value,
                    None => order.meta.push((key, value)),
                }
                if meta_bumps {
                    order.modified_at = now;
                }
            }
        }
        Ok(())
    }

    /// Sets an order's status the way WooCommerce does: completion date on completing, stock
    /// back on cancelling a paid order. Setting the same status again changes nothing.
    pub(crate) fn set_status(&mut self, id: u64, status: &str) -> bool {
        let now = self.now();
        let Some(order) = self.orders.get_mut(&id) else {
            return false;
        };
        if order.status == status {
            return true;
        }
        self.customer_emails
            .extend(customer_email(id, &order.billing, &order.status, status));
        order.status = status.to_owned();
        order.modified_at = now;
        if status == "completed" && order.completed_at.is_none() {
            order.completed_at = Some(now);
        }
        if status == "cancelled" && self.stock_reduced.remove(&id) {
            self.restock(id, 1);
        }
        true
    }

    /// Completes an order, adding a tracking item first when given (`(provider, number)`).
    pub(crate) fn complete_order(&mut self, id: u64, tracking: Option<(&str, &str)>) -> bool {
        if let Some((provider, number)) = tracking {
            if !self.add_tracking(id, provider, number) {
                return false;
            }
        }
        self.set_status(id, "completed")
    }

    /// Adds a Shipment Tracking item (as the plugin stores it: order meta only) and bumps
    /// `date_modified`, except in classic storage.
    pub(crate) fn add_tracking(&mut self, id: u64, provider: &str, number: &str) -> bool {
        let (now, meta_bumps) = (self.now(), self.meta_save_bumps_modified());
        let tracking_id = format!("{:032x}", self.next_id());
        let Some(order) = self.orders.get_mut(&id) else {
            return false;
        };
        let item = json!({
            "tracking_provider": slug(provider),
            "custom_tracking_provider": "",
            "custom_tracking_link": "",
            "tracking_number": number,
            "date_shipped": now.timestamp().to_string(),
            "tracking_id": tracking_id,
        });
        match order.meta.iter_mut().find(|(k, _)| k == TRACKING_META_KEY) {
            Some((_, Value::Array(items))) => items.push(item),
            Some((_, other)) => *other = Value::Array(vec![item]),
            None => order
                .meta
                .push((TRACKING_META_KEY.to_owned(), Value::Array(vec![item]))),
        }
        if meta_bumps {
            order.modified_at = now;
        }
        self.provider_names.insert(tracking_id, provider.to_owned());
        true
    }
}

/// WordPress's `sanitize_title` for provider names: `PostNL` → `postnl`, `DHL Parcel` →
/// `dhl-parcel`.
fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// Reads a `meta_data` array of `{key, value}` from a request body.
pub(crate) fn meta_from_json(value: Option<&Value>) -> Vec<(String, Value)> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let key = entry.get("key")?.as_str()?.to_owned();
            Some((key, entry.get("value").cloned().unwrap_or(Value::Null)))
        })
        .collect()
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
