//! Magento 2 REST JSON with the field names of its schema (`../shared/specs/magento/
//! admin-schema-2.4.8.yaml`: `quote-data-cart-item-interface`, `quote-data-address-interface`,
//! `checkout-data-shipping-information-interface`, `sales-data-order-interface`,
//! `sales-data-shipment-interface`, `catalog-inventory-data-stock-item-interface`). Amounts are
//! numbers in the currency's main unit (`19.99`); times are `Y-m-d H:i:s` in UTC without a zone.
//! Only the fields the connector reads are declared; the rest is ignored.

use serde::{Deserialize, Serialize};

/// Magento's error body: `{"message": "… %1 …", "parameters": ["x"]}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MagentoErrorBody {
    /// The message with `%1` / `%name` placeholders.
    pub message: String,
    /// The placeholders' values: a list (positional) or an object (named).
    #[serde(default)]
    pub parameters: Option<serde_json::Value>,
}

/// The body of `POST guest-carts/{cartId}/items`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddCartItem {
    /// The item.
    #[serde(rename = "cartItem")]
    pub cart_item: NewCartItem,
}

/// A cart item to add: Magento prices it from the catalog (a `price` sent here is ignored by
/// `Quote\Model\Quote\Item\CartItemPersister::save`, so none is sent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewCartItem {
    /// The product's SKU.
    pub sku: String,
    /// Items.
    pub qty: u32,
    /// The masked cart id.
    pub quote_id: String,
}

/// A quote address (`quote-data-address-interface`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MagentoAddress {
    /// First name.
    pub firstname: String,
    /// Last name.
    pub lastname: String,
    /// Company (the pickup point's name on a delivery address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Street lines, as many as the store is set up for.
    pub street: Vec<String>,
    /// City.
    pub city: String,
    /// Postal code.
    pub postcode: String,
    /// ISO 3166-1 alpha-2 (`NL`).
    pub country_id: String,
    /// Phone (required by Magento's default address settings).
    pub telephone: String,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The body of `POST guest-carts/{cartId}/shipping-information`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShippingInformationBody {
    /// The addresses and the shipping method.
    #[serde(rename = "addressInformation")]
    pub address_information: AddressInformation,
}

/// `checkout-data-shipping-information-interface`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddressInformation {
    /// Delivery address.
    pub shipping_address: MagentoAddress,
    /// Billing address; its e-mail becomes the guest order's `customer_email`
    /// (`Quote\Model\QuoteManagement::placeOrder`, guest checkout).
    pub billing_address: MagentoAddress,
    /// Carrier code (`freeshipping`).
    pub shipping_carrier_code: String,
    /// Method code (`freeshipping`).
    pub shipping_method_code: String,
}

/// The body of `PUT guest-carts/{cartId}/order`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceOrderBody {
    /// The payment method.
    #[serde(rename = "paymentMethod")]
    pub payment_method: PaymentMethod,
}

/// `quote-data-payment-interface`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentMethod {
    /// The method's code (`checkmo`).
    pub method: String,
}

/// The body of `POST orders` that writes our code onto an existing order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderUpdateBody {
    /// Only the fields to change, with the order's id.
    pub entity: OrderPatch,
}

/// The fields `POST orders` changes: `OrderRepository::save` with an `entity_id` updates that
/// order, and the resource model writes only the columns the entity holds data for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderPatch {
    /// The order.
    pub entity_id: u64,
    /// Our order code.
    pub ext_order_id: String,
}

/// A page of `GET orders`.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderPage {
    /// The orders of this page.
    #[serde(default)]
    pub items: Vec<MagentoOrder>,
    /// How many match in all.
    pub total_count: u64,
}

/// An order (`sales-data-order-interface`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MagentoOrder {
    /// The order's id.
    pub entity_id: u64,
    /// The number the merchant sees (`000000012`).
    #[serde(default)]
    pub increment_id: Option<String>,
    /// `new`, `pending_payment`, `processing`, `complete`, `closed`, `canceled`, `holded`,
    /// `payment_review`.
    #[serde(default)]
    pub state: Option<String>,
    /// The status label's code (merchants add their own; `state` is what it means).
    #[serde(default)]
    pub status: Option<String>,
    /// Our order code, once written.
    #[serde(default)]
    pub ext_order_id: Option<String>,
    /// The guest e-mail the order was placed under.
    #[serde(default)]
    pub customer_email: Option<String>,
    /// Created (UTC, `Y-m-d H:i:s`).
    #[serde(default)]
    pub created_at: Option<String>,
    /// Last changed (UTC, `Y-m-d H:i:s`).
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Grand total in the main unit.
    #[serde(default)]
    pub grand_total: Option<f64>,
    /// The order's currency.
    #[serde(default)]
    pub order_currency_code: Option<String>,
    /// Items.
    #[serde(default)]
    pub items: Vec<MagentoOrderItem>,
}

/// An order item, as far as shipping goes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MagentoOrderItem {
    /// The SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// The parent item (configurable and bundle children have one).
    #[serde(default)]
    pub parent_item_id: Option<u64>,
    /// `simple`, `configurable`, `virtual`, `downloadable`, …
    #[serde(default)]
    pub product_type: Option<String>,
    /// Ordered.
    #[serde(default)]
    pub qty_ordered: f64,
    /// Shipped.
    #[serde(default)]
    pub qty_shipped: f64,
    /// Cancelled.
    #[serde(default)]
    pub qty_canceled: f64,
    /// Refunded.
    #[serde(default)]
    pub qty_refunded: f64,
}

/// A page of `GET shipments`.
#[derive(Debug, Clone, Deserialize)]
pub struct ShipmentPage {
    /// The shipments.
    #[serde(default)]
    pub items: Vec<MagentoShipment>,
    /// How many match in all.
    pub total_count: u64,
}

/// A shipment (`sales-data-shipment-interface`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MagentoShipment {
    /// The shipment's id.
    pub entity_id: u64,
    /// The order it ships.
    pub order_id: u64,
    /// Created (UTC).
    #[serde(default)]
    pub created_at: Option<String>,
    /// Its tracks.
    #[serde(default)]
    pub tracks: Vec<MagentoTrack>,
}

/// A track of a shipment (`sales-data-shipment-track-interface`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MagentoTrack {
    /// The track & trace code.
    #[serde(default)]
    pub track_number: Option<String>,
    /// The carrier's name as the merchant typed or chose it ("PostNL").
    #[serde(default)]
    pub title: Option<String>,
    /// The carrier's code (`custom` for one the merchant typed, `ups`, `dhl`, …).
    #[serde(default)]
    pub carrier_code: Option<String>,
    /// Created (UTC).
    #[serde(default)]
    pub created_at: Option<String>,
}

/// `GET stockItems/{sku}` (`catalog-inventory-data-stock-item-interface`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MagentoStockItem {
    /// Whether Magento keeps the product's stock (the store default applied when
    /// `use_config_manage_stock` is set: `CatalogInventory\Model\Stock\Item::getManageStock`).
    #[serde(default = "yes")]
    pub manage_stock: bool,
    /// The stock status the merchant set.
    #[serde(default = "yes")]
    pub is_in_stock: bool,
}

fn yes() -> bool {
    true
}
