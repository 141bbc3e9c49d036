//! WooCommerce REST API v3 JSON as the API names it (snake_case), for the few resources the
//! connector uses: orders, products (and variations, which the `sku` filter returns too), the
//! error body, and the Shipment Tracking plugin's items. Only fields the connector reads or
//! writes are declared; serde ignores the rest, and optional fields default when left out.
//! Lists are read leniently ([`WooList`]): PHP writes an empty or gapped array as a JSON
//! object. Nothing here leaves the crate.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A JSON list as PHP may write it: `[...]`, or an object whose values are the items (`{}`
/// for an empty array, `{"0": a, "2": b}` for an array with gaps), or `null` for none. Items
/// keep the order they arrive in.
#[derive(Debug, Clone, PartialEq)]
pub struct WooList<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for WooList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = WooList<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list, or an object of list items")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(WooList(items))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some((_, item)) = map.next_entry::<serde::de::IgnoredAny, T>()? {
                    items.push(item);
                }
                Ok(WooList(items))
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(WooList(Vec::new()))
            }

            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(WooList(Vec::new()))
            }
        }

        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

/// `deserialize_with` helper: a field holding a [`WooList`].
pub(crate) fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Vec<T>, D::Error> {
    WooList::deserialize(deserializer).map(|list| list.0)
}

/// The error body of every WooCommerce / WordPress REST error:
/// `{"code": "...", "message": "...", "data": {"status": 400}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WooErrorBody {
    /// Machine-readable code, e.g. `woocommerce_rest_shop_order_invalid_id`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Extra data; `status` repeats the HTTP status.
    #[serde(default)]
    pub data: Option<WooErrorData>,
}

/// The `data` member of [`WooErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WooErrorData {
    /// The HTTP status.
    #[serde(default)]
    pub status: Option<u16>,
}

/// One `meta_data` entry of an order or line item. `value` is any JSON: plugins store arrays
/// and objects there (the Shipment Tracking items, for one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WooMeta {
    /// Meta id (absent when creating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The key; a leading underscore hides it from the order screen.
    pub key: String,
    /// The value; `null` when a plugin left it out.
    #[serde(default)]
    pub value: Value,
}

impl WooMeta {
    /// A new text entry.
    pub fn text(key: &str, value: impl Into<String>) -> Self {
        Self {
            id: None,
            key: key.to_owned(),
            value: Value::String(value.into()),
        }
    }
}

/// A billing or shipping address. `email` exists on billing only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WooAddress {
    /// Given name.
    #[serde(default)]
    pub first_name: String,
    /// Family name.
    #[serde(default)]
    pub last_name: String,
    /// Company.
    #[serde(default)]
    pub company: String,
    /// First address line (street and number).
    #[serde(default)]
    pub address_1: String,
    /// Second address line.
    #[serde(default)]
    pub address_2: String,
    /// City.
    #[serde(default)]
    pub city: String,
    /// State or province code.
    #[serde(default)]
    pub state: String,
    /// Postal code.
    #[serde(default)]
    pub postcode: String,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default)]
    pub country: String,
    /// E-mail address (billing only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: String,
}

/// A line item of an order to create.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewWooLineItem {
    /// The product (the parent, for a variation).
    pub product_id: u64,
    /// The variation, when the product is variable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variation_id: Option<u64>,
    /// Items.
    pub quantity: u32,
    /// Line total before discounts, decimal text (`"25.98"`).
    pub subtotal: String,
    /// Line total, decimal text.
    pub total: String,
    /// Line meta data.
    pub meta_data: Vec<WooMeta>,
}

/// A fee line of an order to create (`fee_lines`): an amount outside the product lines.
/// WooCommerce taxes a fee unless `tax_status` is `none`, and taxes a negative fee whatever its
/// status (woocommerce/woocommerce `includes/class-wc-order-item-fee.php`, `calculate_taxes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewWooFeeLine {
    /// What the fee is, shown on the order.
    pub name: String,
    /// The amount, decimal text; never negative.
    pub total: String,
    /// `none` (no tax added) or `taxable`.
    pub tax_status: String,
}

/// The body of `POST /wc/v3/orders`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewWooOrder {
    /// Order status slug.
    pub status: String,
    /// Marks the order paid (sets the paid date and reduces stock).
    pub set_paid: bool,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Billing address.
    pub billing: WooAddress,
    /// Shipping address.
    pub shipping: WooAddress,
    /// Note shown as the customer's note.
    pub customer_note: String,
    /// Lines.
    pub line_items: Vec<NewWooLineItem>,
    /// Fee lines; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fee_lines: Vec<NewWooFeeLine>,
    /// Order meta data.
    pub meta_data: Vec<WooMeta>,
}

/// The body of `PUT /wc/v3/orders/{id}` when only the status changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WooStatusUpdate {
    /// The new status.
    pub status: String,
}

/// A line item of an existing order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WooLineItem {
    /// Line id.
    pub id: u64,
    /// Product id.
    #[serde(default)]
    pub product_id: u64,
    /// Variation id (0 when none).
    #[serde(default)]
    pub variation_id: u64,
    /// Items.
    #[serde(default)]
    pub quantity: i64,
    /// Line total, decimal text.
    #[serde(default)]
    pub total: String,
    /// The product's SKU, when it still exists.
    #[serde(default)]
    pub sku: Option<String>,
}

/// An order as the API returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WooOrder {
    /// Order id.
    pub id: u64,
    /// Status slug: `pending`, `processing`, `on-hold`, `completed`, `cancelled`, `refunded`,
    /// `failed`, `trash`, or a plugin's own.
    pub status: String,
    /// Creation time in UTC, naive (`2026-11-22T10:00:00`).
    #[serde(default)]
    pub date_created_gmt: Option<String>,
    /// Last change in UTC, naive.
    #[serde(default)]
    pub date_modified_gmt: Option<String>,
    /// Completion time in UTC, naive; `null` until completed.
    #[serde(default)]
    pub date_completed_gmt: Option<String>,
    /// Currency of the totals (`EUR`).
    #[serde(default)]
    pub currency: Option<String>,
    /// Grand total as the shop calculated it, taxes included, decimal text (`"24.99"`).
    #[serde(default)]
    pub total: Option<String>,
    /// Lines.
    #[serde(default, deserialize_with = "list")]
    pub line_items: Vec<WooLineItem>,
    /// Order meta data; empty when left out (then the order carries no code and no tracking).
    #[serde(default, deserialize_with = "list")]
    pub meta_data: Vec<WooMeta>,
}

/// `manage_stock` of a product (`true`/`false`) or variation (also `"parent"`: the variation
/// shares its parent's stock, and `stock_quantity` is the parent's).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum WooManageStock {
    /// Stock is (not) managed on this product.
    Flag(bool),
    /// Stock is managed elsewhere (`"parent"`).
    Inherited(String),
}

impl Default for WooManageStock {
    fn default() -> Self {
        Self::Flag(false)
    }
}

/// A product or variation as `GET /wc/v3/products` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WooProduct {
    /// Product (or variation) id.
    pub id: u64,
    /// For a variation, its variable product; 0 otherwise.
    #[serde(default)]
    pub parent_id: u64,
    /// Product type: `simple`, `variable`, `variation`, `grouped`, `external`, ...
    #[serde(rename = "type", default)]
    pub product_type: String,
    /// Product name.
    #[serde(default)]
    pub name: String,
    /// SKU (empty when none).
    #[serde(default)]
    pub sku: String,
    /// GTIN/EAN/UPC/ISBN (WooCommerce 9.2+).
    #[serde(default)]
    pub global_unique_id: Option<String>,
    /// Whether stock is managed.
    #[serde(default)]
    pub manage_stock: WooManageStock,
    /// Items in stock when managed; may arrive as a float when a plugin allows fractions.
    #[serde(default)]
    pub stock_quantity: Option<serde_json::Number>,
    /// `taxable`, `shipping` (only its shipping is taxed) or `none`; absent from old shops.
    #[serde(default)]
    pub tax_status: Option<String>,
    /// Tax class slug: `""` for the standard rates, `reduced-rate`, `zero-rate`, a custom slug,
    /// or `parent` on a variation that uses its parent's class.
    #[serde(default)]
    pub tax_class: Option<String>,
    /// `instock`, `outofstock`, `onbackorder` or a plugin's own status; all a product without
    /// managed stock tells about its stock.
    #[serde(default)]
    pub stock_status: Option<String>,
    /// Meta data; EAN plugins keep the EAN here (`_alg_ean`, `_wpm_gtin_code`, `_ts_gtin`).
    #[serde(default)]
    pub meta_data: Vec<WooMeta>,
}

/// One item of the Shipment Tracking plugin's `_wc_shipment_tracking_items` order meta.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct WooTrackingItem {
    /// Slug of a predefined provider (`postnl`, `dhl`), empty for a custom one.
    #[serde(default)]
    pub tracking_provider: Option<String>,
    /// Name of a custom provider, when `tracking_provider` is empty.
    #[serde(default)]
    pub custom_tracking_provider: Option<String>,
    /// The track & trace code (some plugins store a number).
    #[serde(default)]
    pub tracking_number: Option<Value>,
    /// Unix time of shipping (number or text).
    #[serde(default)]
    pub date_shipped: Option<Value>,
    /// The plugin's id of the item.
    #[serde(default)]
    pub tracking_id: Option<String>,
}

/// One item of `GET /wc-shipment-tracking/v3/orders/{id}/shipment-trackings`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct WooShipmentTracking {
    /// The plugin's id of the item.
    #[serde(default)]
    pub tracking_id: String,
    /// The provider's display name (predefined or custom).
    #[serde(default)]
    pub tracking_provider: String,
    /// Link to the carrier's tracking page.
    #[serde(default)]
    pub tracking_link: String,
    /// The track & trace code.
    #[serde(default)]
    pub tracking_number: String,
    /// Shipping date, `YYYY-MM-DD`.
    #[serde(default)]
    pub date_shipped: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_arrive_as_arrays_objects_or_null() {
        let read = |value: Value| serde_json::from_value::<WooList<u32>>(value).unwrap().0;
        assert_eq!(read(json!([1, 2])), vec![1, 2]);
        assert_eq!(read(json!({})), Vec::<u32>::new());
        assert_eq!(read(json!({"0": 4, "2": 5})), vec![4, 5]);
        assert_eq!(read(json!(null)), Vec::<u32>::new());
        assert!(serde_json::from_value::<WooList<u32>>(json!("x")).is_err());
    }

    #[test]
    fn orders_read_with_empty_object_lists_and_odd_meta() {
        let order: WooOrder = serde_json::from_value(json!({
            "id": 5, "status": "wc-custom-packed", "line_items": {},
            "meta_data": [{"id": 1, "key": "_orphaned"}, {"key": "x", "value": {"a": [1]}}],
        }))
        .unwrap();
        assert!(order.line_items.is_empty());
        assert_eq!(order.meta_data[0].value, Value::Null);
        assert_eq!(order.meta_data[1].value, json!({"a": [1]}));
        let bare: WooOrder = serde_json::from_value(json!({"id": 6, "status": "x"})).unwrap();
        assert!(bare.meta_data.is_empty() && bare.date_completed_gmt.is_none());
    }
}
