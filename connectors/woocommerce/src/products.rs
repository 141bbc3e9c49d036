//! Finding WooCommerce products for order lines and reading their stock. The shop is asked
//! directly first: `GET products?sku=` matches SKUs exactly (comma-separated lists allowed)
//! and returns variations as well as products; `global_unique_id=` (WooCommerce 9.2+)
//! matches the GTIN field, of products only before WooCommerce added variations to that
//! search (woocommerce/woocommerce PR #52839). Every answer is checked again here, because an
//! older shop ignores a filter it does not know and returns unrelated products. An EAN kept
//! in plugin meta, which no filter can search, is looked up in the product index
//! (`product_index.rs`), refreshed once more on a miss; a hit is read again before use.
//! Stock is always read live by SKU: WooCommerce changes stock on orders without moving a
//! product's modification date (woocommerce/woocommerce issue #17841), so no index could
//! follow it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use orderbridge_core::domain::Sku;
use orderbridge_core::webshop::{NewOrderLine, StockLevel};
use orderbridge_core::{ConnectorError, ConnectorResult};

use crate::client::{WooClient, PER_PAGE};
use crate::config::UnmanagedInStock;
use crate::error_mapping::VENDOR;
use crate::mapping::ResolvedProduct;
use crate::product_index::PRODUCTS_PATH;
use crate::tax::ProductTax;
use crate::wire::{WooList, WooManageStock, WooProduct};

/// SKUs asked per stock request; keeps URLs short.
const SKUS_PER_REQUEST: usize = 40;

/// How long a SKU or EAN resolved by a live lookup is trusted.
const CACHE_TTL: Duration = Duration::from_secs(300);

/// SKUs and EANs resolved by a live lookup, with the time they were found. Misses are not
/// cached, so a product the merchant adds is found on the next try.
#[derive(Debug, Default)]
pub(crate) struct ProductCache {
    entries: Mutex<HashMap<String, (ResolvedProduct, Instant)>>,
}

impl ProductCache {
    fn get(&self, key: &str) -> Option<ResolvedProduct> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(_, found_at)| found_at.elapsed() < CACHE_TTL)
            .map(|(product, _)| product.clone())
    }

    fn put(&self, key: String, product: ResolvedProduct) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, (_, found_at)| found_at.elapsed() < CACHE_TTL);
        entries.insert(key, (product, Instant::now()));
    }
}

/// Which product field a lookup matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProductKey {
    /// The SKU (`sku` filter; also finds variations).
    Sku,
    /// The GTIN/EAN field (`global_unique_id` filter, WooCommerce 9.2+).
    Gtin,
}

impl ProductKey {
    fn query_param(self) -> &'static str {
        match self {
            Self::Sku => "sku",
            Self::Gtin => "global_unique_id",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Sku => "SKU",
            Self::Gtin => "EAN",
        }
    }

    /// Checks the answer again: a shop that does not know the filter ignores it.
    fn matches(self, product: &WooProduct, value: &str) -> bool {
        match self {
            Self::Sku => product.sku.trim().eq_ignore_ascii_case(value),
            Self::Gtin => product
                .global_unique_id
                .as_deref()
                .is_some_and(|gtin| gtin.trim() == value),
        }
    }
}

/// What a line is looked up by, for the error message: `SKU 123 (EAN 871...) in webshop`.
pub(crate) fn describe_line(line: &NewOrderLine) -> String {
    match (&line.sku, &line.ean) {
        (Some(sku), Some(ean)) => format!("SKU {sku} (EAN {ean}) in webshop"),
        (Some(sku), None) => format!("SKU {sku} in webshop"),
        (None, Some(ean)) => format!("EAN {ean} in webshop"),
        (None, None) => format!("product for {:?} (no SKU or EAN) in webshop", line.title),
    }
}

/// Picks the orderable product among `candidates` that `matches`. A variable product itself
/// cannot be ordered (only its variations can).
fn pick(
    candidates: Vec<WooProduct>,
    matches: impl Fn(&WooProduct) -> bool,
    looked_up: &str,
) -> ConnectorResult<Option<ResolvedProduct>> {
    let matching: Vec<WooProduct> = candidates.into_iter().filter(|p| matches(p)).collect();
    if let Some(product) = matching.iter().find(|p| p.product_type != "variable") {
        let tax =
            ProductTax::from_wire(product.tax_status.as_deref(), product.tax_class.as_deref());
        return Ok(Some(
            if product.product_type == "variation" && product.parent_id != 0 {
                ResolvedProduct {
                    product_id: product.parent_id,
                    variation_id: Some(product.id),
                    tax,
                }
            } else {
                ResolvedProduct {
                    product_id: product.id,
                    variation_id: None,
                    tax,
                }
            },
        ));
    }
    if !matching.is_empty() {
        return Err(ConnectorError::Rejected {
            vendor: VENDOR.to_owned(),
            message: format!(
                "{looked_up} is a variable product in the webshop; give its variations their own SKU"
            ),
        });
    }
    Ok(None)
}

fn stock_quantity(product: &WooProduct) -> Option<i64> {
    let managed = match &product.manage_stock {
        WooManageStock::Flag(flag) => *flag,
        // "parent": the variation shares its parent's stock, reported in stock_quantity.
        WooManageStock::Inherited(_) => true,
    };
    if !managed {
        return None;
    }
    let quantity = product.stock_quantity.as_ref().and_then(|number| {
        number
            .as_i64()
            .or_else(|| number.as_f64().map(|fraction| fraction.floor() as i64))
    });
    Some(quantity.unwrap_or(0))
}

/// The stock level of `product` for the stock job. A product without managed stock has only
/// its `stock_status`: `outofstock` is not in stock; `instock`, `onbackorder` and plugin
/// statuses are, with the configured number (or no quantity: leave the marketplace alone).
fn stock_level(sku: &Sku, product: &WooProduct, unmanaged: UnmanagedInStock) -> StockLevel {
    let in_stock = product
        .stock_status
        .as_deref()
        .is_none_or(|status| status.trim() != "outofstock");
    let quantity = stock_quantity(product).or(match unmanaged {
        UnmanagedInStock::Amount(amount) if in_stock => Some(i64::from(amount)),
        _ => None,
    });
    StockLevel {
        sku: sku.clone(),
        quantity,
        in_stock,
    }
}

impl WooClient {
    /// The product a line orders: by SKU, else by EAN used as SKU, in the GTIN field, or
    /// (from the product index) in one of the EAN meta keys.
    ///
    /// # Errors
    ///
    /// [`ConnectorError::NotFound`] naming the SKU and EAN when nothing matches;
    /// [`ConnectorError::Rejected`] when only a variable product matches.
    pub(crate) async fn resolve_line(
        &self,
        line: &NewOrderLine,
    ) -> ConnectorResult<ResolvedProduct> {
        if let Some(sku) = &line.sku {
            if let Some(found) = self.find_product(ProductKey::Sku, sku.as_str()).await? {
                return Ok(found);
            }
        }
        if let Some(ean) = &line.ean {
            let ean = ean.as_str();
            if let Some(found) = self.find_product(ProductKey::Sku, ean).await? {
                return Ok(found);
            }
            if let Some(found) = self.find_product(ProductKey::Gtin, ean).await? {
                return Ok(found);
            }
            self.products.ensure_fresh(&self.http).await?;
            let (found, stale) = self.ean_from_index(ean).await?;
            if let Some(found) = found {
                return Ok(found);
            }
            if self.products.refresh_after_miss(&self.http, stale).await? {
                if let (Some(found), _) = self.ean_from_index(ean).await? {
                    return Ok(found);
                }
            }
        }
        Err(ConnectorError::NotFound {
            what: describe_line(line),
        })
    }

    /// The product the index has for `ean`, read again from the shop first: the index may be
    /// minutes old, and an EAN moved to another product must not pick the old one. Also
    /// tells whether an indexed product no longer carried the EAN (the index is stale).
    async fn ean_from_index(&self, ean: &str) -> ConnectorResult<(Option<ResolvedProduct>, bool)> {
        let index = &self.products;
        let candidates = index.select(|p| index.has_ean(p, ean)).await;
        let mut confirmed = Vec::with_capacity(candidates.len());
        for candidate in &candidates {
            if let Some(now) = index.reread(&self.http, candidate).await? {
                if index.has_ean(&now, ean) {
                    confirmed.push(now);
                }
            }
        }
        let stale = confirmed.len() < candidates.len();
        let found = pick(confirmed, |_| true, &format!("EAN {ean}"))?;
        Ok((found, stale))
    }

    async fn find_product(
        &self,
        by: ProductKey,
        value: &str,
    ) -> ConnectorResult<Option<ResolvedProduct>> {
        let cache_key = format!("{}:{}", by.query_param(), value.to_lowercase());
        if let Some(cached) = self.resolved.get(&cache_key) {
            return Ok(Some(cached));
        }
        let query = [
            (by.query_param(), value.to_owned()),
            ("per_page", PER_PAGE.to_string()),
        ];
        let reply = self
            .http
            .get::<WooList<WooProduct>>(PRODUCTS_PATH, &query)
            .await?;
        let matching: Vec<WooProduct> = reply
            .body
            .0
            .into_iter()
            .filter(|product| by.matches(product, value))
            .collect();
        let looked_up = format!("{} {value}", by.label());
        let found = pick(matching, |_| true, &looked_up)?;
        if let Some(product) = &found {
            self.resolved.put(cache_key, product.clone());
        }
        Ok(found)
    }

    /// Stock of each SKU in `skus` that the shop knows, products and variations alike.
    ///
    /// # Errors
    ///
    /// As any list call.
    pub(crate) async fn stock_for(&self, skus: &[Sku]) -> ConnectorResult<Vec<StockLevel>> {
        let mut wanted: Vec<&Sku> = skus.iter().collect();
        wanted.sort();
        wanted.dedup();
        // A SKU holding a comma would be split by the filter; ask for those one by one.
        let (with_comma, plain): (Vec<&Sku>, Vec<&Sku>) =
            wanted.iter().partition(|sku| sku.as_str().contains(','));
        let mut batches: Vec<Vec<&Sku>> = plain
            .chunks(SKUS_PER_REQUEST)
            .map(<[&Sku]>::to_vec)
            .collect();
        batches.extend(with_comma.into_iter().map(|sku| vec![sku]));

        let mut found: Vec<WooProduct> = Vec::new();
        for batch in batches {
            let joined = batch
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(",");
            self.http
                .for_each_page(
                    PRODUCTS_PATH,
                    &[("sku", joined)],
                    |page: Vec<WooProduct>| {
                        found.extend(page);
                        std::ops::ControlFlow::<()>::Continue(())
                    },
                )
                .await?;
        }
        let levels = wanted
            .into_iter()
            .filter_map(|sku| {
                let product = found
                    .iter()
                    .find(|p| p.sku.trim() == sku.as_str())
                    .or_else(|| {
                        found
                            .iter()
                            .find(|p| p.sku.trim().eq_ignore_ascii_case(sku.as_str()))
                    })?;
                Some(stock_level(sku, product, self.products.unmanaged_in_stock))
            })
            .collect();
        Ok(levels)
    }
}

#[cfg(test)]
#[path = "products_tests.rs"]
mod tests;
