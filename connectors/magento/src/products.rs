//! Stock per SKU as the marketplace should offer it: `GET stockItems/{sku}` says whether
//! Magento manages the product's stock (`manage_stock`, the store default applied); for one it
//! does, `GET inventory/get-product-salable-quantity/{sku}/{stockId}` (MSI) gives the salable
//! quantity — on hand minus the reservations of placed orders minus the out-of-stock
//! threshold, 0 when the stock is set out of stock (`InventorySales\Model\
//! GetProductSalableQty::execute`). A product whose stock Magento does not manage has no
//! quantity and sells freely: it is in stock. A SKU Magento does not know (404 "The product
//! that was requested doesn't exist") is left out.

use orderbridge_core::domain::Sku;
use orderbridge_core::webshop::StockLevel;
use orderbridge_core::{ConnectorError, ConnectorResult};

use crate::client::{segment, MagentoClient};
use crate::error_mapping::invalid;
use crate::wire::MagentoStockItem;

impl MagentoClient {
    /// Stock of the SKUs asked; unknown SKUs are left out.
    ///
    /// # Errors
    ///
    /// When a product's stock cannot be read.
    pub(crate) async fn stock_of(&self, skus: &[Sku]) -> ConnectorResult<Vec<StockLevel>> {
        let mut levels = Vec::with_capacity(skus.len());
        for sku in skus {
            if let Some(level) = self.stock_of_one(sku).await? {
                levels.push(level);
            }
        }
        Ok(levels)
    }

    async fn stock_of_one(&self, sku: &Sku) -> ConnectorResult<Option<StockLevel>> {
        let path = format!("stockItems/{}", segment(sku.as_str()));
        let item: MagentoStockItem = match self.http.get(&path, "stockItems/{sku}", &[]).await {
            Err(ConnectorError::NotFound { .. }) => return Ok(None),
            other => other?,
        };
        if !item.manage_stock {
            return Ok(Some(StockLevel {
                sku: sku.clone(),
                quantity: None,
                in_stock: true,
            }));
        }
        let path = format!(
            "inventory/get-product-salable-quantity/{}/{}",
            segment(sku.as_str()),
            self.stock_id
        );
        let salable: f64 = match self
            .http
            .get(
                &path,
                "inventory/get-product-salable-quantity/{sku}/{stockId}",
                &[],
            )
            .await
        {
            Err(ConnectorError::NotFound { .. }) => return Ok(None),
            other => other?,
        };
        if !salable.is_finite() {
            return Err(invalid(
                format!("salable quantity of SKU {sku}"),
                format!("{salable} is not a quantity"),
            ));
        }
        // Whole items; an over-reserved product (negative) offers none.
        let quantity = (salable.floor() as i64).max(0);
        Ok(Some(StockLevel {
            sku: sku.clone(),
            quantity: Some(quantity),
            in_stock: quantity > 0 && item.is_in_stock,
        }))
    }
}
