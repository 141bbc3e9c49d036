//! Products as order lines and stock need them. An order line's SKU (or, when no variant has
//! it, its EAN as the variant's barcode) is resolved to the product variant with one
//! `productVariants` search for all lines of the order (`sku:"…" OR barcode:"…"`); search
//! matches are checked exactly, since Shopify's search is not an equality test. Stock per SKU
//! is the variant's inventory item's `available` quantity at the configured location; an
//! item whose stock Shopify does not track (`tracked: false`) has no quantity and is in stock;
//! a SKU no variant has is left out of the answer.

use std::collections::HashMap;

use orderbridge_core::domain::{Ean, Sku};
use orderbridge_core::webshop::{NewOrderLine, StockLevel};
use orderbridge_core::{ConnectorError, ConnectorResult};
use orderbridge_http::Replay;
use serde_json::json;

use crate::client::ShopifyClient;
use crate::queries::{search_value, Operation, STOCK, TERMS_PER_SEARCH, VARIANTS, VARIANT_PAGE};
use crate::wire::{Variant, VariantsData};

impl ShopifyClient {
    /// Variants matching any of `terms` (search terms such as `sku:"A-1"`), searched in
    /// groups.
    async fn search_variants(
        &self,
        operation: &Operation,
        terms: &[String],
    ) -> ConnectorResult<Vec<Variant>> {
        let mut found = Vec::new();
        for group in terms.chunks(TERMS_PER_SEARCH) {
            let mut variables = json!({
                "query": group.join(" OR "),
                "first": VARIANT_PAGE,
            });
            if operation.name == STOCK.name {
                variables["locationId"] = json!(self.location_id);
            }
            let data: VariantsData = self.core.run(operation, variables, Replay::Safe).await?;
            found.extend(data.product_variants.nodes);
        }
        Ok(found)
    }

    /// The variant id of each line, in order.
    ///
    /// # Errors
    ///
    /// [`ConnectorError::NotFound`] naming SKU and EAN of a line no variant has.
    pub(crate) async fn resolve_variants(
        &self,
        lines: &[NewOrderLine],
    ) -> ConnectorResult<Vec<String>> {
        let mut terms: Vec<String> = Vec::new();
        for line in lines {
            let sku = line
                .sku
                .as_ref()
                .map(|s| format!("sku:{}", search_value(s.as_str())));
            let ean = line
                .ean
                .as_ref()
                .map(|e| format!("barcode:{}", search_value(e.as_str())));
            for term in sku.into_iter().chain(ean) {
                if !terms.contains(&term) {
                    terms.push(term);
                }
            }
        }
        let variants = self.search_variants(&VARIANTS, &terms).await?;
        lines
            .iter()
            .map(|line| {
                let by_sku = line.sku.as_ref().and_then(|sku| {
                    variants
                        .iter()
                        .find(|v| v.sku.as_deref() == Some(sku.as_str()))
                });
                let by_ean = || {
                    line.ean.as_ref().and_then(|ean| {
                        variants
                            .iter()
                            .find(|v| v.barcode.as_deref() == Some(ean.as_str()))
                    })
                };
                by_sku.or_else(by_ean).map(|v| v.id.clone()).ok_or_else(|| {
                    ConnectorError::NotFound {
                        what: format!(
                            "no Shopify product variant with SKU {} or barcode (EAN) {}",
                            line.sku.as_ref().map_or("(none)", Sku::as_str),
                            line.ean.as_ref().map_or("(none)", Ean::as_str)
                        ),
                    }
                })
            })
            .collect()
    }

    /// Stock per known SKU at the configured location.
    pub(crate) async fn stock_of(&self, skus: &[Sku]) -> ConnectorResult<Vec<StockLevel>> {
        let terms: Vec<String> = skus
            .iter()
            .map(|s| format!("sku:{}", search_value(s.as_str())))
            .collect();
        let variants = self.search_variants(&STOCK, &terms).await?;
        let mut by_sku: HashMap<&str, &Variant> = HashMap::new();
        for variant in &variants {
            if let Some(sku) = variant.sku.as_deref() {
                if by_sku.insert(sku, variant).is_some() {
                    tracing::warn!(
                        sku,
                        "several Shopify variants share a SKU; the last one counts"
                    );
                }
            }
        }
        let mut levels = Vec::new();
        for sku in skus {
            let Some(variant) = by_sku.get(sku.as_str()) else {
                continue;
            };
            let item = variant.inventory_item.as_ref();
            let level = if item.is_some_and(|i| !i.tracked) {
                StockLevel {
                    sku: sku.clone(),
                    quantity: None,
                    in_stock: true,
                }
            } else {
                // Tracked, but not stocked at this location: none to offer.
                let available = item
                    .and_then(|i| i.inventory_level.as_ref())
                    .and_then(|l| l.quantities.iter().find(|q| q.name == "available"))
                    .map_or(0, |q| q.quantity)
                    .max(0);
                StockLevel {
                    sku: sku.clone(),
                    quantity: Some(available),
                    in_stock: available > 0,
                }
            };
            levels.push(level);
        }
        Ok(levels)
    }
}
