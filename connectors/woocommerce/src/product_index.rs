//! A cached index of the shop's products and variations, for matching order lines by an EAN
//! kept in plugin meta (or in the GTIN field of a variation, which older shops cannot
//! search). The REST API cannot search meta (the products controller filters on `sku` and,
//! from WooCommerce 9.2, `global_unique_id` only), and a plain `GET products` lists no
//! variations (only a SKU search reaches them: woocommerce/woocommerce
//! `class-wc-rest-products-controller.php`, `prepare_objects_query`), so the index lists every
//! product once and the variations of every variable product (`GET products/{id}/variations`).
//! Plugin meta such as `_alg_ean` comes with each product in `meta_data` (WooCommerce leaves
//! out only its own internal keys: `abstract-wc-data.php`, `get_meta_data`).
//!
//! Refreshing is incremental with `modified_after` (a collection parameter of every CRUD
//! controller, woocommerce/woocommerce `class-wc-rest-crud-controller.php`). A product listed
//! as changed has all its variations listed again. A change to a variation does not change
//! its variable product's modification date (woocommerce/woocommerce issues #9531 and
//! #17611: "variations are separate objects to the parent product. The dates do not sync"),
//! so the variations of the other variable products must be asked for one request each:
//! that is done only after a miss. Deleted products are not reported by `modified_after`:
//! the whole index is rebuilt once a day, and a hit is read again before it is used
//! (`products.rs`).

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
    /// Lower bound of the next products `modified_after`; `None` until the first listing.
    products_since: Option<DateTime<Utc>>,
    /// Lower bound of the next scan of all variable products' variations.
    variations_since: Option<DateTime<Utc>>,
    rebuilt_at: Option<Instant>,
    refreshed_at: Option<Instant>,
    variations_refreshed_at: Option<Instant>,
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
            return self.refresh(http, &mut state, Refresh::Rebuild).await;
        }
        if older_than(state.refreshed_at, self.timings.refresh_every) {
            return self.refresh(http, &mut state, Refresh::Products).await;
        }
        Ok(())
    }

    /// Refreshes the index after a lookup found nothing, variations of every variable product
    /// included, unless that was done less than [`IndexTimings::miss_refresh_gap`] ago and
    /// the index was not `found_stale` (an indexed product no longer had what the index
    /// said). Returns whether it refreshed.
    ///
    /// # Errors
    ///
    /// As any list call.
    pub(crate) async fn refresh_after_miss(
        &self,
        http: &HttpCore,
        found_stale: bool,
    ) -> ConnectorResult<bool> {
        let mut state = self.state.lock().await;
        let recent = state
            .variations_refreshed_at
            .is_some_and(|at| at.elapsed() < self.timings.miss_refresh_gap);
        if recent && !found_stale {
            return Ok(false);
        }
        self.refresh(http, &mut state, Refresh::WithVariations)
            .await?;
        Ok(true)
    }

    async fn refresh(
        &self,
        http: &HttpCore,
        state: &mut IndexState,
        kind: Refresh,
    ) -> ConnectorResult<()> {
        let started = Utc::now();
        let since = match kind {
            Refresh::Rebuild => None,
            Refresh::Products | Refresh::WithVariations => state.products_since,
        };
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
        // Variable products listed as changed: all their variations.
        let whole: Vec<u64> = changed
            .iter()
            .filter(|p| p.product_type == "variable")
            .map(|p| p.id)
            .collect();
        // Other known variable products: the variations changed since the last such scan
        // (a variation's own date moves, its parent's does not). One request per variable
        // product, so only after a miss.
        let variations_since = state.variations_since.or(state.products_since);
        if let (Refresh::WithVariations, Some(variations_since)) = (kind, variations_since) {
            let mut parents: Vec<u64> = state
                .products
                .values()
                .filter(|p| p.product_type == "variable" && !whole.contains(&p.id))
                .map(|p| p.id)
                .collect();
            parents.sort_unstable();
            let bound = format_gmt(variations_since);
            for parent in parents {
                changed.extend(list_variations(http, parent, Some(&bound)).await?);
            }
        }
        for parent in whole {
            changed.extend(list_variations(http, parent, None).await?);
        }
        if kind == Refresh::Rebuild {
            state.products.clear();
            state.rebuilt_at = Some(Instant::now());
        }
        for product in changed {
            state.products.insert(product.id, product);
        }
        let watermark = started - WATERMARK_OVERLAP;
        state.refreshed_at = Some(Instant::now());
        state.products_since = Some(watermark);
        if kind != Refresh::Products {
            state.variations_since = Some(watermark);
            state.variations_refreshed_at = Some(Instant::now());
        }
        tracing::debug!(
            products = state.products.len(),
            ?kind,
            "WooCommerce product index refreshed"
        );
        Ok(())
    }

    /// Reads `product` again (it may have changed or gone since it was indexed) and updates
    /// the index with what the shop says now; `None` when it is gone.
    ///
    /// # Errors
    ///
    /// As any read.
    pub(crate) async fn reread(
        &self,
        http: &HttpCore,
        product: &WooProduct,
    ) -> ConnectorResult<Option<WooProduct>> {
        let now = if product.product_type == "variation" && product.parent_id != 0 {
            list_variations(http, product.parent_id, None)
                .await?
                .into_iter()
                .find(|v| v.id == product.id)
        } else {
            let path = format!("{PRODUCTS_PATH}/{}", product.id);
            match http.get::<WooProduct>(&path, &[]).await {
                Ok(reply) => Some(reply.body),
                Err(orderbridge_core::ConnectorError::NotFound { .. }) => None,
                Err(error) => return Err(error),
            }
        };
        let mut state = self.state.lock().await;
        match &now {
            Some(fresh) => state.products.insert(fresh.id, fresh.clone()),
            None => state.products.remove(&product.id),
        };
        Ok(now)
    }
}

/// What a refresh lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refresh {
    /// Everything, from scratch.
    Rebuild,
    /// Products changed since the last refresh (and all variations of changed variable
    /// products).
    Products,
    /// As `Products`, plus the variations of every known variable product changed since.
    WithVariations,
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
