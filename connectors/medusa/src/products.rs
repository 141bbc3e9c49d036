//! Products as order lines and stock need them: an order line's SKU (or, when that is unknown,
//! its EAN) resolved to the Medusa product variant (cached for ten minutes), and stock per SKU
//! from the inventory items' levels — at the configured stock location, or all of them — as
//! `available_quantity` (stocked minus what placed orders reserve). A variant whose inventory
//! Medusa does not manage has no quantity: it is simply in stock. A SKU with neither an
//! inventory item nor an unmanaged variant is unknown and left out.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use orderbridge_core::domain::{Ean, Sku};
use orderbridge_core::webshop::StockLevel;
use orderbridge_core::{ConnectorError, ConnectorResult};

use crate::client::MedusaClient;
use crate::wire::{InventoryPage, MedusaInventoryItem, MedusaVariant, VariantPage};

/// How long a resolved variant is trusted.
const VARIANT_TTL: Duration = Duration::from_secs(600);

/// SKUs asked for in one inventory request.
const SKUS_PER_REQUEST: usize = 50;

/// Fields a variant is read with.
const VARIANT_FIELDS: &str = "id,sku,ean,barcode,manage_inventory,allow_backorder,deleted_at";

/// Variants resolved lately, by the SKU or EAN that found them.
#[derive(Debug, Default)]
pub(crate) struct VariantCache {
    entries: Mutex<HashMap<String, (MedusaVariant, Instant)>>,
}

impl VariantCache {
    fn get(&self, key: &str) -> Option<MedusaVariant> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(_, at)| at.elapsed() < VARIANT_TTL)
            .map(|(variant, _)| variant.clone())
    }

    fn put(&self, key: String, variant: MedusaVariant) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.insert(key, (variant, Instant::now()));
    }

    /// Forgets everything (a create refused for an unknown variant: it may have been deleted).
    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

impl MedusaClient {
    /// The variant an order line means: by SKU, else by EAN (the variant's `ean` or
    /// `barcode`).
    ///
    /// # Errors
    ///
    /// [`ConnectorError::NotFound`] naming SKU and EAN when no variant has them.
    pub(crate) async fn resolve_variant(
        &self,
        sku: Option<&Sku>,
        ean: Option<&Ean>,
    ) -> ConnectorResult<MedusaVariant> {
        if let Some(sku) = sku {
            let has_sku = |v: &MedusaVariant| v.sku.as_deref() == Some(sku.as_str());
            if let Some(variant) = self.variant_by("sku", sku.as_str(), has_sku).await? {
                return Ok(variant);
            }
        }
        if let Some(ean) = ean {
            let matches = |v: &MedusaVariant| {
                v.ean.as_deref() == Some(ean.as_str()) || v.barcode.as_deref() == Some(ean.as_str())
            };
            if let Some(variant) = self.variant_by("q", ean.as_str(), matches).await? {
                return Ok(variant);
            }
        }
        Err(ConnectorError::NotFound {
            what: format!(
                "no Medusa product variant with SKU {} or EAN {}",
                sku.map_or("(none)", Sku::as_str),
                ean.map_or("(none)", Ean::as_str)
            ),
        })
    }

    /// The variant that `matches` (its SKU or EAN is exactly `value`), asked for with filter
    /// `filter`: `sku` (exact; accepted by Medusa's validator though the spec does not list
    /// it) or the free-text search `q` (substring, so the match is checked here).
    async fn variant_by(
        &self,
        filter: &str,
        value: &str,
        matches: impl Fn(&MedusaVariant) -> bool,
    ) -> ConnectorResult<Option<MedusaVariant>> {
        let key = format!("{filter}={value}");
        if let Some(cached) = self.variants.get(&key) {
            return Ok(Some(cached));
        }
        let mut found = Vec::new();
        self.http
            .walk(
                "product-variants",
                "product-variants",
                &[
                    ("q", value.to_owned()),
                    ("fields", VARIANT_FIELDS.to_owned()),
                ],
                |page: VariantPage| (page.variants, page.count),
                |variants| {
                    found.extend(
                        variants
                            .into_iter()
                            .filter(|v| v.deleted_at.is_none() && matches(v)),
                    );
                },
            )
            .await?;
        match found.len() {
            0 => Ok(None),
            1 => {
                let variant = found.remove(0);
                self.variants.put(key, variant.clone());
                Ok(Some(variant))
            }
            n => Err(ConnectorError::Rejected {
                vendor: crate::error_mapping::VENDOR.to_owned(),
                message: format!(
                    "{n} Medusa product variants have {value:?} ({}); give each a unique one",
                    found
                        .iter()
                        .map(|v| v.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }

    /// Stock of the SKUs asked; unknown SKUs are left out.
    pub(crate) async fn stock_of(&self, skus: &[Sku]) -> ConnectorResult<Vec<StockLevel>> {
        let mut items: HashMap<String, MedusaInventoryItem> = HashMap::new();
        for chunk in skus.chunks(SKUS_PER_REQUEST) {
            let mut query: Vec<(&str, String)> = chunk
                .iter()
                .map(|sku| ("sku[]", sku.as_str().to_owned()))
                .collect();
            query.push(("fields", "id,sku,*location_levels".to_owned()));
            self.http
                .walk(
                    "inventory-items",
                    "inventory-items",
                    &query,
                    |page: InventoryPage| (page.inventory_items, page.count),
                    |page| {
                        for item in page {
                            if let Some(sku) = item.sku.clone() {
                                items.insert(sku, item);
                            }
                        }
                    },
                )
                .await?;
        }
        let unmanaged = self.unmanaged_skus().await?;
        let mut levels = Vec::with_capacity(skus.len());
        for sku in skus {
            if unmanaged.contains(sku.as_str()) {
                // Medusa does not keep this variant's stock: it sells freely.
                levels.push(StockLevel {
                    sku: sku.clone(),
                    quantity: None,
                    in_stock: true,
                });
            } else if let Some(item) = items.get(sku.as_str()) {
                let quantity = self.available(item);
                levels.push(StockLevel {
                    sku: sku.clone(),
                    quantity: Some(quantity),
                    in_stock: quantity > 0,
                });
            }
        }
        Ok(levels)
    }

    /// SKUs of the variants whose stock Medusa does not manage (one list walk with the
    /// `manage_inventory=false` filter).
    async fn unmanaged_skus(&self) -> ConnectorResult<HashSet<String>> {
        let mut skus = HashSet::new();
        self.http
            .walk(
                "product-variants",
                "product-variants",
                &[
                    ("manage_inventory", "false".to_owned()),
                    ("fields", "id,sku".to_owned()),
                ],
                |page: VariantPage| (page.variants, page.count),
                |variants| skus.extend(variants.into_iter().filter_map(|v| v.sku)),
            )
            .await?;
        Ok(skus)
    }

    /// Items available at the configured location (all locations when none is set).
    fn available(&self, item: &MedusaInventoryItem) -> i64 {
        let levels = item.location_levels.as_deref().unwrap_or_default();
        let total: f64 = levels
            .iter()
            .filter(|level| {
                self.stock_location_id
                    .as_deref()
                    .is_none_or(|location| level.location_id == location)
            })
            .map(|level| {
                level
                    .available_quantity
                    .unwrap_or(level.stocked_quantity - level.reserved_quantity)
            })
            .sum();
        // Quantities are whole items; a negative availability (over-reserved) offers none.
        (total.floor() as i64).max(0)
    }
}
