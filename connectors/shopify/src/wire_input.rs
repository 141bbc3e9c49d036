//! Shopify GraphQL Admin API input objects the connector sends (`OrderCreateOrderInput` and
//! what it holds, `OrderCreateOptionsInput`, `MetafieldDefinitionInput`), field names as the
//! schema has them. A field left
//! `None` or empty is left out, never sent as `null`: the simulator, like Shopify, refuses a
//! field the input type does not define.

use serde::Serialize;

use crate::wire::MoneyBag;

/// `MailingAddressInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailingAddressInput {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Company (or the pickup point).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Street and house number with its extension.
    pub address1: String,
    /// Extra line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    /// Postal code.
    pub zip: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 (`NL`, `BE`), Shopify's `CountryCode` enum.
    pub country_code: String,
    /// Phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// `OrderCreateTaxLineInput`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxLineInput {
    /// `BTW 21%`.
    pub title: String,
    /// `0.21`.
    pub rate: f64,
    /// The tax in the price.
    pub price_set: MoneyBag,
}

/// `OrderCreateLineItemInput`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItemInput {
    /// The variant.
    pub variant_id: String,
    /// Items.
    pub quantity: u32,
    /// Price of one item, VAT included.
    pub price_set: MoneyBag,
    /// The VAT in this line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tax_lines: Vec<TaxLineInput>,
}

/// `OrderCreateFixedDiscountCodeAttributesInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FixedDiscountInput {
    /// The code shown on the order.
    pub code: String,
    /// The amount taken off the line items.
    pub amount_set: MoneyBag,
}

/// `OrderCreateDiscountCodeInput` (one kind of discount per order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscountCodeInput {
    /// A fixed amount off the line items.
    pub item_fixed_discount_code: FixedDiscountInput,
}

/// `OrderCreateOrderTransactionInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionInput {
    /// `SALE`.
    pub kind: String,
    /// `SUCCESS`.
    pub status: String,
    /// The marketplace, which took the payment.
    pub gateway: String,
    /// What the buyer paid.
    pub amount_set: MoneyBag,
}

/// `MetafieldInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetafieldInput {
    /// `orderbridge`.
    pub namespace: String,
    /// `code`.
    pub key: String,
    /// `single_line_text_field`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The value.
    pub value: String,
}

/// `OrderCreateCustomAttributeInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributeInput {
    /// Label.
    pub key: String,
    /// Value.
    pub value: String,
}

/// `OrderCreateOrderInput`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreateOrderInput {
    /// ISO 4217.
    pub currency: String,
    /// The buyer's (relay) address; no mail goes to it (`OrderCreateOptionsInput`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Lines.
    pub line_items: Vec<LineItemInput>,
    /// Whether line prices include their taxes: always true here.
    pub taxes_included: bool,
    /// The marketplace's discounts as one fixed amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_code: Option<DiscountCodeInput>,
    /// `PAID`.
    pub financial_status: String,
    /// The payment the marketplace took.
    pub transactions: Vec<TransactionInput>,
    /// Delivery address.
    pub shipping_address: MailingAddressInput,
    /// Billing address.
    pub billing_address: MailingAddressInput,
    /// Our order code.
    pub source_identifier: String,
    /// When the buyer placed it.
    pub processed_at: String,
    /// For the merchant.
    pub note: String,
    /// `orderbridge` and the marketplace.
    pub tags: Vec<String>,
    /// Our references.
    pub metafields: Vec<MetafieldInput>,
    /// References for people.
    pub custom_attributes: Vec<AttributeInput>,
}

/// `OrderCreateOptionsInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreateOptionsInput {
    /// Order confirmation mail: never (the marketplace talks to its buyer).
    pub send_receipt: bool,
    /// Shipping confirmation mail: never.
    pub send_fulfillment_receipt: bool,
    /// `DECREMENT_IGNORING_POLICY`: the marketplace already sold the items.
    pub inventory_behaviour: String,
}

/// `MetafieldDefinitionInput` (shopify.dev/docs/api/admin-graphql/2025-07/input-objects/
/// MetafieldDefinitionInput: `name`, `namespace`, `key`, `type`, `ownerType` and optional
/// settings left at their defaults).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetafieldDefinitionInput {
    /// For people, in the Shopify admin.
    pub name: String,
    /// `orderbridge`.
    pub namespace: String,
    /// `order_code`.
    pub key: String,
    /// For people.
    pub description: String,
    /// `id`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `ORDER`.
    pub owner_type: String,
}
