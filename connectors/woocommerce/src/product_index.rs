//! A cached index of the shop's products and variations, for matching order lines by SKU or
//! by an EAN kept in plugin meta. The REST API cannot search meta (the products controller
//! filters on `sku` and, from WooCommerce 9.2, `global_unique_id` only), and a plain
//! `GET products` lists no variations (only a SKU search reaches them:
//! woocommerce/woocommerce `class-wc-rest-products-controller.php`, `prepare_objects_query`),
//! so the index lists every product once and the variations of every variable product
//! (`GET products/{id}/variations`).
//!
//! Refreshing is incremental with `modified_after` (a collection parameter of every CRUD
//! controller, woocommerce/woocommerce `class-wc-rest-crud-controller.php`). A change to a
//! variation does not change its variable product's modification date (woocommerce/woocommerce
//! issues #9531 and #17611: "variations are separate objects to the parent product. The dates
//! do not sync"), so each refresh also asks every known variable product for variations
//! modified since; a product listed as changed has all its variations listed again. Deleted
//! products are not reported by `modified_after`: the whole index is rebuilt once a day.
//! Plugin meta such as `_alg_ean` comes with each product in `meta_data` (WooCommerce leaves
//! out only its own internal keys: `abstract-wc-data.php`, `get_meta_data`).

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::time::Duration;

use chrono::{DateTime, Utc};
use orderbridge_core::ConnectorResult;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::client::HttpCore;
use crate::config::UnmanagedInStock;
use crate::mapping::format_gmt;
use crate::wire::WooProduct;

/// When the index is refreshed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexTimings {
    /// How long the index is used before an incremental refresh.
    pub refresh_every: Duration,
    /// How long the index is used before it is rebuilt from scratch (drops deleted products).
    pub rebuild_every: Duration,
    /// A miss refreshes the index, but not again within this time (a burst of order lines
    /// for an unknown product must not list the shop once per line).
    pub miss_refresh_gap: Duration,
}

impl Default for IndexTimings {
    fn default() -> Self {
        Self {
            refresh_every: Duration::from_secs(300),
            rebuild_every: Duration::from_secs(24 * 3600),
            miss_refresh_gap: Duration::from_secs(60),
        }
    }
}
/// `modified_after` reaches this far before the previous refresh started: covers a clock
/// difference between this machine and the shop.
const WATERMARK_OVERLAP: chrono::Duration = chrono::Duration::minutes(10);

pub(crate) const PRODUCTS_PATH: &str = "wc/v3/products";

/// What the index holds and when it was filled.
#[derive(Debug, Default)]
struct IndexState {
    /// Products and variations by id; a variation carries its parent in `parent_id`.
    products: HashMap<u64, WooProduct>,
    /// Lower bound of the next `modified_after`; `None` until the first full listing.
    listed_since: Option<DateTime<Utc>>,
    rebuilt_at: Option<Instant>,
    refreshed_at: Option<Instant>,
}

/// The product index of one shop, with the settings that say how products are read.
#[derive(Debug)]
pub(crate) struct ProductIndex {
    ean_meta_keys: Vec<String>,
    /// What an in-stock product without managed stock reports (see the config).
    pub(crate) unmanaged_in_stock: UnmanagedInStock,
    timings: IndexTimings,
    state: Mutex<IndexState>,
}

impl ProductIndex {
    /// An empty index; it is filled on first use.
    pub(crate) fn new(ean_meta_keys: Vec<String>, unmanaged_in_stock: UnmanagedInStock) -> Self {
        Self::with_timings(ean_meta_keys, unmanaged_in_stock, IndexTimings::default())
    }

    /// An empty index refreshed on other timings than the default.
    pub(crate) fn with_timings(
        ean_meta_keys: Vec<String>,
        unmanaged_in_stock: UnmanagedInStock,
        timings: IndexTimings,
    ) -> Self {
        Self {
            ean_meta_keys,
            unmanaged_in_stock,
            timings,
            state: Mutex::new(IndexState::default()),
        }
    }

    /// Whether `product` carries `ean` in its GTIN field or one of the EAN meta keys.
    pub(crate) fn has_ean(&self, product: &WooProduct, ean: &str) -> bool {
        let gtin = product.global_unique_id.as_deref().map(str::trim);
        gtin == Some(ean)
            || product.meta_data.iter().any(|meta| {
                self.ean_meta_keys.contains(&meta.key)
                    && meta_text(&meta.value).is_some_and(|value| value == ean)
            })
    }

    /// The indexed products and variations for which `matches` holds.
    pub(crate) async fn select(&self, matches: impl Fn(&WooProduct) -> bool) -> Vec<WooProduct> {
        let state = self.state.lock().await;
        let mut found: Vec<WooProduct> = state
            .products
            .values()
            .filter(|p| matches(p))
            .cloned()
            .collect();
        found.sort_by_key(|p| p.id);
        found
    }

    /// Adds products found by a live lookup, so the next lookup finds them here.
    pub(crate) async fn remember(&self, found: &[WooProduct]) {
        let mut state = self.state.lock().await;
        for product in found {
            state.products.insert(product.id, product.clone());
        }
    }

    /// Fills the index when it is empty or a day old, refreshes it when it is older than
    /// [`IndexTimings::refresh_every`].
    ///
    /// # Errors
    ///
    /// As any list call.
    pub(crate) async fn ensure_fresh(&self, http: &HttpCore) -> ConnectorResult<()> {
        let mut state = self.state.lock().await;
        let now = Instant::now();
        let older_than = |at: Option<Instant>, age: Duration| {
            at.is_none_or(|at| now.saturating_duration_since(at) >= age)
        };
        if older_than(state.rebuilt_at, self.timings.rebuild_every) {
            return self.refresh(http, &mut state, true).await;
        }
        if older_than(state.refreshed_at, self.timings.refresh_every) {
            return self.refresh(http, &mut state, false).await;
        }
        Ok(())
    }

    /// Refreshes the index after a lookup found nothing, unless it was refreshed less than
    /// [`IndexTimings::miss_refresh_gap`] ago. Returns whether it refreshed.
    ///
    /// # Errors
    ///
    /// As any list call.
    pub(crate) async fn refresh_after_miss(&self, http: &HttpCore) -> ConnectorResult<bool> {
        let mut state = self.state.lock().await;
        let recent = state
            .refreshed_at
            .is_some_and(|at| at.elapsed() < self.timings.miss_refresh_gap);
        if recent {
            return Ok(false);
        }
        self.refresh(http, &mut state, false).await?;
        Ok(true)
    }

    async fn refresh(
        &self,
        http: &HttpCore,
        state: &mut IndexState,
        rebuild: bool,
    ) -> ConnectorResult<()> {
        let started = Utc::now();
        let since = if rebuild { None } else { state.listed_since };
        let mut query = vec![("dates_are_gmt", "true".to_owned())];
        if let Some(since) = since {
            query.push(("modified_after", format_gmt(since)));
        }
        let mut changed: Vec<WooProduct> = Vec::new();
        http.for_each_page(PRODUCTS_PATH, &query, |page: Vec<WooProduct>| {
            changed.extend(page);
            ControlFlow::<()>::Continue(())
        })
        .await?;
        // Variable products listed as changed: all their variations. Other known variable
        // products: the variations changed since (their own dates move, the parent's not).
        let whole: Vec<u64> = changed
            .iter()
            .filter(|p| p.product_type == "variable")
            .map(|p| p.id)
            .collect();
        if let Some(since) = since {
            let mut since_last: Vec<u64> = state
                .products
                .values()
                .filter(|p| p.product_type == "variable" && !whole.contains(&p.id))
                .map(|p| p.id)
                .collect();
            since_last.sort_unstable();
            let bound = format_gmt(since);
            for parent in since_last {
                let variations = list_variations(http, parent, Some(&bound)).await?;
                changed.extend(variations);
            }
        }
        for parent in whole {
            changed.extend(list_variations(http, parent, None).await?);
        }
        if rebuild {
            state.products.clear();
            state.rebuilt_at = Some(Instant::now());
        }
        for product in changed {
            state.products.insert(product.id, product);
        }
        state.refreshed_at = Some(Instant::now());
        state.listed_since = Some(started - WATERMARK_OVERLAP);
        tracing::debug!(
            products = state.products.len(),
            rebuild,
            "WooCommerce product index refreshed"
        );
        Ok(())
    }
}

/// The variations of `parent` (modified after `since`, when given), each marked as a
/// variation of `parent` whatever the shop's version puts in `type` and `parent_id`.
async fn list_variations(
    http: &HttpCore,
    parent: u64,
    since: Option<&str>,
) -> ConnectorResult<Vec<WooProduct>> {
    let mut query = vec![("dates_are_gmt", "true".to_owned())];
    if let Some(since) = since {
        query.push(("modified_after", since.to_owned()));
    }
    let path = format!("{PRODUCTS_PATH}/{parent}/variations");
    let mut variations: Vec<WooProduct> = Vec::new();
    http.for_each_page(&path, &query, |page: Vec<WooProduct>| {
        variations.extend(page);
        ControlFlow::<()>::Continue(())
    })
    .await?;
    for variation in &mut variations {
        variation.parent_id = parent;
        variation.product_type = "variation".to_owned();
    }
    Ok(variations)
}

/// A meta value as text: plugins store EANs as strings, some as numbers.
fn meta_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) => Some(text.trim().to_owned()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

#[cfg(test)]
#[path = "product_index_tests.rs"]
mod tests;
