//! Shopify GraphQL Admin API JSON as the schema names it (camelCase fields, `gid://` ids,
//! amounts as decimal strings in `MoneyV2`/`MoneyBag`). Only the fields the connector asks for
//! (`queries.rs`) are declared; the inputs sent are in `wire_input.rs`.

use serde::{Deserialize, Serialize};

/// `extensions.cost` of a reply.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryCost {
    /// The cost Shopify reserved before running the query.
    #[serde(default)]
    pub requested_query_cost: Option<f64>,
    /// What the query really cost (null when it was throttled).
    #[serde(default)]
    pub actual_query_cost: Option<f64>,
    /// The bucket after the query.
    pub throttle_status: ThrottleStatus,
}

/// The app's cost bucket on the shop.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleStatus {
    /// Size of the bucket.
    pub maximum_available: f64,
    /// Points available now.
    pub currently_available: f64,
    /// Points restored per second.
    pub restore_rate: f64,
}

/// `MoneyV2`: an amount as decimal text and its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoneyV2 {
    /// Decimal text, e.g. `"35.0"`.
    pub amount: String,
    /// ISO 4217, e.g. `EUR`.
    pub currency_code: String,
}

/// `MoneyBag` (and `MoneyBagInput`): the amount in the shop's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoneyBag {
    /// The shop's currency amount.
    pub shop_money: MoneyV2,
}

/// A metafield's value.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MetafieldValue {
    /// The value as text.
    pub value: String,
}

/// `FulfillmentTrackingInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TrackingInfo {
    /// The carrier as the merchant chose it (`PostNL`, `DHL Parcel`), when set.
    #[serde(default)]
    pub company: Option<String>,
    /// The tracking number.
    #[serde(default)]
    pub number: Option<String>,
    /// The tracking page.
    #[serde(default)]
    pub url: Option<String>,
}

/// `Fulfillment`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fulfillment {
    /// `SUCCESS`, `CANCELLED`, `ERROR`, `FAILURE`, `OPEN`, `PENDING`.
    pub status: String,
    /// When it was made.
    pub created_at: String,
    /// Tracking numbers and carriers.
    #[serde(default)]
    pub tracking_info: Vec<TrackingInfo>,
}

/// `Order`, with the fields of `queries::ORDER_FIELDS`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// `gid://shopify/Order/…`.
    pub id: String,
    /// `#1001`.
    #[serde(default)]
    pub name: Option<String>,
    /// When it was created in Shopify.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// When it was cancelled.
    #[serde(default)]
    pub cancelled_at: Option<String>,
    /// `FULFILLED`, `UNFULFILLED`, `PARTIALLY_FULFILLED`, …
    pub display_fulfillment_status: String,
    /// The id on the platform the order came from: our order code.
    #[serde(default)]
    pub source_identifier: Option<String>,
    /// The metafield `orderbridge.order_code` (our code as a custom id).
    #[serde(default)]
    pub metafield: Option<MetafieldValue>,
    /// The original total, taxes included.
    pub total_price_set: MoneyBag,
    /// Fulfillments, oldest first.
    #[serde(default)]
    pub fulfillments: Vec<Fulfillment>,
}

/// `PageInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    /// Whether another page follows.
    pub has_next_page: bool,
    /// The cursor to ask the next page `after`.
    #[serde(default)]
    pub end_cursor: Option<String>,
}

/// A page of orders.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderConnection {
    /// The orders.
    pub nodes: Vec<Order>,
    /// Where the page ends.
    pub page_info: PageInfo,
}

/// `data` of the order-list operations.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrdersData {
    /// The page.
    pub orders: OrderConnection,
}

/// `data` of `OrderbridgeOrder`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrderData {
    /// The order, `null` when there is none with that id.
    pub order: Option<Order>,
}

/// `data` of `OrderbridgeOrders` (`nodes(ids:)`: `null` for an id with no node; a node of
/// another type would be `{}`, and is refused as a bad order).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NodesData {
    /// One entry per id asked, in the same order.
    pub nodes: Vec<Option<Order>>,
}

/// A mutation's user error (`UserError`, `OrderCreateUserError`, `OrderCancelUserError`,
/// `MetafieldDefinitionCreateUserError`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UserError {
    /// The path of the input field it is about.
    #[serde(default)]
    pub field: Option<Vec<String>>,
    /// What is wrong.
    pub message: String,
    /// The error code, where the type has one.
    #[serde(default)]
    pub code: Option<String>,
}

/// `OrderCreatePayload`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreatePayload {
    /// The order, when created.
    #[serde(default)]
    pub order: Option<Order>,
    /// Why not.
    pub user_errors: Vec<UserError>,
}

/// `data` of `OrderbridgeOrderCreate`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreateData {
    /// The payload.
    pub order_create: OrderCreatePayload,
}

/// `data` of `OrderbridgeOrderByCode`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderByIdentifierData {
    /// The order carrying the custom id, `null` when none does.
    pub order_by_identifier: Option<Order>,
}

/// `MetafieldDefinitionType`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DefinitionType {
    /// `id`, `single_line_text_field`, …
    pub name: String,
}

/// `MetafieldCapabilityUniqueValues`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UniqueValues {
    /// Whether Shopify keeps the definition's values unique.
    pub enabled: bool,
}

/// `MetafieldCapabilities` (the one capability asked for).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// Unique values.
    pub unique_values: UniqueValues,
}

/// `MetafieldDefinition`, with the fields `queries::CODE_DEFINITION` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetafieldDefinition {
    /// `gid://shopify/MetafieldDefinition/…`.
    pub id: String,
    /// Its namespace.
    pub namespace: String,
    /// Its key.
    pub key: String,
    /// `ORDER`, …
    pub owner_type: String,
    /// The type its metafields have.
    #[serde(rename = "type")]
    pub kind: DefinitionType,
    /// Its capabilities.
    pub capabilities: Capabilities,
}

/// `data` of `OrderbridgeCodeDefinition`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefinitionData {
    /// The definition, `null` when there is none.
    pub metafield_definition: Option<MetafieldDefinition>,
}

/// `MetafieldDefinitionCreatePayload`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefinitionCreatePayload {
    /// The definition, when created.
    #[serde(default)]
    pub created_definition: Option<MetafieldDefinition>,
    /// Why not.
    pub user_errors: Vec<UserError>,
}

/// `data` of `OrderbridgeCodeDefinitionCreate`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefinitionCreateData {
    /// The payload.
    pub metafield_definition_create: DefinitionCreatePayload,
}

/// `Job`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Job {
    /// Its id.
    pub id: String,
    /// Whether it ran.
    pub done: bool,
}

/// `OrderCancelPayload`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCancelPayload {
    /// The job that cancels the order.
    #[serde(default)]
    pub job: Option<Job>,
    /// Why not.
    pub order_cancel_user_errors: Vec<UserError>,
}

/// `data` of `OrderbridgeOrderCancel`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCancelData {
    /// The payload.
    pub order_cancel: OrderCancelPayload,
}

/// `InventoryQuantity`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InventoryQuantity {
    /// `available`.
    pub name: String,
    /// Items.
    pub quantity: i64,
}

/// `InventoryLevel` at the configured location.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InventoryLevel {
    /// The quantities asked for.
    pub quantities: Vec<InventoryQuantity>,
}

/// `InventoryItem`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryItem {
    /// Whether Shopify tracks its stock.
    pub tracked: bool,
    /// Its level at the location, `null` when it is not stocked there.
    #[serde(default)]
    pub inventory_level: Option<InventoryLevel>,
}

/// `ProductVariant`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Variant {
    /// `gid://shopify/ProductVariant/…`.
    pub id: String,
    /// Its SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// Its barcode (EAN).
    #[serde(default)]
    pub barcode: Option<String>,
    /// Its inventory item (asked for by the stock query only).
    #[serde(default)]
    pub inventory_item: Option<InventoryItem>,
}

/// A page of variants.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct VariantConnection {
    /// The variants.
    pub nodes: Vec<Variant>,
}

/// `data` of the variant operations.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariantsData {
    /// The page.
    pub product_variants: VariantConnection,
}

/// The token endpoint's answer to the client-credentials grant.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TokenReply {
    /// The Admin API access token.
    pub access_token: String,
    /// Its scopes.
    #[serde(default)]
    pub scope: Option<String>,
    /// Seconds until it expires.
    #[serde(default)]
    pub expires_in: Option<u64>,
}
