//! Orders: the orders list (`GET /retailer/orders`) and a full order
//! (`GET /retailer/orders/{order-id}`).

use serde::{Deserialize, Serialize};

use super::FulfilmentMethod;

/// A page of `GET /retailer/orders`. bol sometimes answers `{}` for an empty page, so a
/// missing `orders` reads as none.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReducedOrders {
    /// The orders on this page.
    #[serde(default)]
    pub orders: Vec<ReducedOrder>,
}

/// An order in the orders list.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReducedOrder {
    /// The order id.
    pub order_id: String,
    /// ISO 8601 date-time the order was placed.
    pub order_placed_date_time: String,
    /// Its items.
    #[serde(default)]
    pub order_items: Vec<ReducedOrderItem>,
}

/// An item of an order in the orders list.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReducedOrderItem {
    /// The order item id.
    pub order_item_id: String,
    /// The product's EAN.
    pub ean: String,
    /// FBR or FBB (or a value bol added later).
    pub fulfilment_method: FulfilmentMethod,
    /// `OPEN` or `HANDLED`.
    pub fulfilment_status: String,
    /// Items ordered.
    pub quantity: u32,
    /// Items shipped.
    pub quantity_shipped: u32,
    /// Items cancelled.
    pub quantity_cancelled: u32,
    /// The buyer asked to cancel.
    pub cancellation_request: bool,
    /// ISO 8601 date-time of the latest change.
    pub latest_changed_date_time: String,
}

/// A full order, `GET /retailer/orders/{order-id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// The order id.
    pub order_id: String,
    /// Shipped to a pickup point.
    #[serde(default)]
    pub pickup_point: bool,
    /// ISO 8601 date-time the order was placed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_placed_date_time: Option<String>,
    /// Where it goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment_details: Option<ShipmentDetails>,
    /// Who pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_details: Option<BillingDetails>,
    /// Its items.
    #[serde(default)]
    pub order_items: Vec<OrderOrderItem>,
}

/// The delivery address of an order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentDetails {
    /// Name of the pickup point, when shipped to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup_point_name: Option<String>,
    /// `MALE`, `FEMALE` or `UNKNOWN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salutation: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// Street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_name: Option<String>,
    /// House number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub house_number: Option<String>,
    /// House number extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub house_number_extension: Option<String>,
    /// Extra address line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_address_information: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Two-letter country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Scrambled relay e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Phone number, when delivery needs an appointment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_phone_number: Option<String>,
    /// Language of the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// The billing address of an order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingDetails {
    /// `MALE`, `FEMALE` or `UNKNOWN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salutation: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// Street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_name: Option<String>,
    /// House number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub house_number: Option<String>,
    /// House number extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub house_number_extension: Option<String>,
    /// Extra address line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_address_information: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Two-letter country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Scrambled relay e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// VAT number of a business buyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_number: Option<String>,
    /// Chamber of commerce number of a business buyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kvk_number: Option<String>,
    /// The buyer's own order reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_reference: Option<String>,
}

/// An item of a full order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderOrderItem {
    /// The order item id.
    pub order_item_id: String,
    /// The buyer asked to cancel.
    #[serde(default)]
    pub cancellation_request: bool,
    /// How it is fulfilled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfilment: Option<OrderFulfilment>,
    /// The retailer's offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<OrderOffer>,
    /// The product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<OrderProduct>,
    /// Items ordered.
    pub quantity: u32,
    /// Items shipped.
    #[serde(default)]
    pub quantity_shipped: u32,
    /// Items cancelled.
    #[serde(default)]
    pub quantity_cancelled: u32,
    /// Price of one item including VAT, in euro.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<f64>,
    /// Price of all items including VAT, in euro.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_price: Option<f64>,
    /// Discounts applied.
    #[serde(default)]
    pub discounts: Vec<Discount>,
    /// bol's commission for all items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commission: Option<f64>,
    /// Extra services the buyer chose.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_services: Vec<AdditionalService>,
    /// ISO 8601 date-time of the latest change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_changed_date_time: Option<String>,
}

/// Fulfilment of an order item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderFulfilment {
    /// `FBR` or `FBB` (or a value bol added later).
    pub method: FulfilmentMethod,
    /// `RETAILER` or `BOL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution_party: Option<String>,
    /// Date it must be delivered by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_delivery_date: Option<String>,
    /// Exact delivery date the buyer chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact_delivery_date: Option<String>,
    /// Date the item is cancelled automatically when not shipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<String>,
    /// `REGULAR`, `EVENING`, `APPOINTMENT`, `SAMEDAY` or `SUNDAY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_frame_type: Option<String>,
}

/// The offer an order item was bought from.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderOffer {
    /// The offer id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<String>,
    /// The retailer's reference (its SKU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// The product of an order item.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderProduct {
    /// EAN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ean: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A discount on an order item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Discount {
    /// The promotion.
    pub title: String,
    /// Amount including VAT.
    pub amount: f64,
}

/// An extra service on an order item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdditionalService {
    /// The service.
    pub service_type: String,
}
