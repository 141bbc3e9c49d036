//! Medusa v2 Admin API JSON, with the field names of its OpenAPI description
//! (`../shared/specs/medusa/admin-openapi.full.yaml`) and of what a real Medusa 2 server
//! answers (`scripts/medusa/FACTS.md`). Amounts are numbers in the currency's main unit
//! (`19.99`), not cents. Only the fields the connector reads are declared; the rest is
//! ignored, and a list asks for the fields it needs with `fields=`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Medusa's error body: `{"type": "not_found", "message": "Order id not found: …"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MedusaErrorBody {
    /// The error's type (`not_found`, `invalid_data`, `not_allowed`, `unauthorized`, …).
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The message for people.
    pub message: String,
}

/// An address as Medusa takes and gives it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MedusaAddress {
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Street and house number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_1: Option<String>,
    /// Extra address line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_2: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2, lower case (`nl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Our extra fields (house number and extension kept apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
}

/// One item of a new draft order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewDraftItem {
    /// The product variant.
    pub variant_id: String,
    /// Items.
    pub quantity: u32,
    /// Price of one item in the main unit, overriding the variant's price.
    pub unit_price: f64,
    /// Our references and the marketplace's prices.
    pub metadata: Map<String, Value>,
}

/// A shipping method of a new draft order (Medusa requires all three fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewShippingMethod {
    /// The shipping option.
    pub shipping_option_id: String,
    /// Its name on the order.
    pub name: String,
    /// Its price: 0, the buyer paid the marketplace for delivery (Medusa accepts 0 whatever
    /// the option costs).
    pub amount: f64,
}

/// The body of `POST /admin/draft-orders`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewDraftOrder {
    /// The buyer's e-mail (required by Medusa).
    pub email: String,
    /// The region.
    pub region_id: String,
    /// The sales channel.
    pub sales_channel_id: String,
    /// Delivery address.
    pub shipping_address: MedusaAddress,
    /// Billing address.
    pub billing_address: MedusaAddress,
    /// Lines.
    pub items: Vec<NewDraftItem>,
    /// The shipping method.
    pub shipping_methods: Vec<NewShippingMethod>,
    /// No mails from Medusa to the buyer about this order.
    pub no_notification_order: bool,
    /// Our order code and the marketplace's references.
    pub metadata: Map<String, Value>,
}

/// `{"draft_order": …}`.
#[derive(Debug, Clone, Deserialize)]
pub struct DraftOrderReply {
    /// The draft.
    pub draft_order: MedusaOrder,
}

/// `{"order": …}`.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderReply {
    /// The order.
    pub order: MedusaOrder,
}

/// A page of `GET /admin/orders` or `GET /admin/draft-orders`.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderPage {
    /// The orders of this page (`orders`, or `draft_orders` for the drafts list).
    #[serde(alias = "draft_orders")]
    pub orders: Vec<MedusaOrder>,
    /// How many match in all.
    #[serde(default)]
    pub count: Option<u64>,
}

/// An order (or a draft order: the same record with `status = "draft"`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MedusaOrder {
    /// `order_…`.
    pub id: String,
    /// The number the merchant sees.
    #[serde(default)]
    pub display_id: Option<u64>,
    /// `pending`, `completed`, `draft`, `archived`, `canceled`, `requires_action`.
    #[serde(default)]
    pub status: Option<String>,
    /// `not_fulfilled`, `partially_fulfilled`, `fulfilled`, `partially_shipped`, `shipped`,
    /// `partially_delivered`, `delivered`, `canceled`.
    #[serde(default)]
    pub fulfillment_status: Option<String>,
    /// The buyer's e-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// The currency, lower case.
    #[serde(default)]
    pub currency_code: Option<String>,
    /// Free key/value data; ours holds the order code.
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// Created (ISO 8601).
    #[serde(default)]
    pub created_at: Option<String>,
    /// Last changed (ISO 8601).
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Cancelled (ISO 8601).
    #[serde(default)]
    pub canceled_at: Option<String>,
    /// Grand total in the main unit.
    #[serde(default)]
    pub total: Option<f64>,
    /// Fulfilments with their labels, when asked for.
    #[serde(default)]
    pub fulfillments: Option<Vec<MedusaFulfillment>>,
    /// The items (always in the answer, whatever `fields` says).
    #[serde(default)]
    pub items: Option<Vec<MedusaItem>>,
}

/// An order's item, as far as shipping goes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MedusaItem {
    /// `ordli_…`.
    pub id: String,
    /// Items ordered.
    #[serde(default)]
    pub quantity: f64,
    /// How many are fulfilled, shipped, delivered.
    #[serde(default)]
    pub detail: Option<MedusaItemDetail>,
}

/// Progress of an order item.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MedusaItemDetail {
    /// Shipped (a shipment was created for them).
    #[serde(default)]
    pub shipped_quantity: f64,
    /// Delivered.
    #[serde(default)]
    pub delivered_quantity: f64,
}

/// A fulfilment of an order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MedusaFulfillment {
    /// `ful_…`.
    pub id: String,
    /// When it was marked shipped.
    #[serde(default)]
    pub shipped_at: Option<String>,
    /// When it was delivered.
    #[serde(default)]
    pub delivered_at: Option<String>,
    /// When it was cancelled.
    #[serde(default)]
    pub canceled_at: Option<String>,
    /// Created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Its parcels' labels.
    #[serde(default)]
    pub labels: Option<Vec<MedusaLabel>>,
}

/// A parcel label of a fulfilment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MedusaLabel {
    /// The track & trace code.
    #[serde(default)]
    pub tracking_number: Option<String>,
    /// The carrier's tracking page.
    #[serde(default)]
    pub tracking_url: Option<String>,
    /// Created.
    #[serde(default)]
    pub created_at: Option<String>,
}

/// A page of `GET /admin/product-variants`.
#[derive(Debug, Clone, Deserialize)]
pub struct VariantPage {
    /// The variants.
    pub variants: Vec<MedusaVariant>,
    /// How many match in all.
    #[serde(default)]
    pub count: Option<u64>,
}

/// A product variant.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MedusaVariant {
    /// `variant_…`.
    pub id: String,
    /// Its SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// Its EAN.
    #[serde(default)]
    pub ean: Option<String>,
    /// Its barcode (often the EAN).
    #[serde(default)]
    pub barcode: Option<String>,
    /// Whether Medusa keeps its stock.
    #[serde(default)]
    pub manage_inventory: Option<bool>,
    /// Whether it sells without stock.
    #[serde(default)]
    pub allow_backorder: Option<bool>,
    /// Deleted (ISO 8601).
    #[serde(default)]
    pub deleted_at: Option<String>,
}

/// A page of `GET /admin/inventory-items`.
#[derive(Debug, Clone, Deserialize)]
pub struct InventoryPage {
    /// The items.
    pub inventory_items: Vec<MedusaInventoryItem>,
    /// How many match in all.
    #[serde(default)]
    pub count: Option<u64>,
}

/// An inventory item (one per stock-keeping variant).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MedusaInventoryItem {
    /// `iitem_…`.
    pub id: String,
    /// Its SKU (the variant's).
    #[serde(default)]
    pub sku: Option<String>,
    /// Stock per location, when asked for.
    #[serde(default)]
    pub location_levels: Option<Vec<MedusaInventoryLevel>>,
}

/// Stock of an inventory item at one location.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MedusaInventoryLevel {
    /// `sloc_…`.
    pub location_id: String,
    /// On the shelf.
    #[serde(default)]
    pub stocked_quantity: f64,
    /// Held for placed orders not yet fulfilled.
    #[serde(default)]
    pub reserved_quantity: f64,
    /// Stocked minus reserved.
    #[serde(default)]
    pub available_quantity: Option<f64>,
}
