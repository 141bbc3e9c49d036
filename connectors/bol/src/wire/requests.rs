//! Request bodies of the writes this connector makes: a shipment, a cancellation, a stock
//! update and an offer export.

use serde::{Deserialize, Serialize};

/// Body of `POST /retailer/shipments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentRequest {
    /// The items shipped (1 to 100).
    pub order_items: Vec<OrderItem>,
    /// Our own reference for the shipment (at most 90 characters, never empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment_reference: Option<String>,
    /// A shipping label bought from bol (then `transport` stays empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_label_id: Option<String>,
    /// The retailer's own transport.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<TransportInstruction>,
}

/// One item of a shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    /// The order item shipped.
    pub order_item_id: String,
    /// How many; bol takes all still open when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
}

/// The transporter and track & trace of a shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransportInstruction {
    /// bol's transporter code (`TNT`, `DHLFORYOU`, ...).
    pub transporter_code: String,
    /// The track & trace code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_and_trace: Option<String>,
}

/// Body of `PUT /retailer/orders/cancellation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancellationRequest {
    /// The items to cancel (bol takes exactly one).
    pub order_items: Vec<OrderItemCancellation>,
}

/// One item to cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItemCancellation {
    /// The order item.
    pub order_item_id: String,
    /// Why.
    pub reason_code: CancellationReasonCode,
}

/// Why a retailer cancels an order item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum CancellationReasonCode {
    OutOfStock,
    RequestedByCustomer,
    BadCondition,
    HigherShipcost,
    IncorrectPrice,
    NotAvailInTime,
    NoBolGuarantee,
    OrderedTwice,
    RetainItem,
    TechIssue,
    UnfindableItem,
    Other,
}

impl CancellationReasonCode {
    /// The code as bol spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OutOfStock => "OUT_OF_STOCK",
            Self::RequestedByCustomer => "REQUESTED_BY_CUSTOMER",
            Self::BadCondition => "BAD_CONDITION",
            Self::HigherShipcost => "HIGHER_SHIPCOST",
            Self::IncorrectPrice => "INCORRECT_PRICE",
            Self::NotAvailInTime => "NOT_AVAIL_IN_TIME",
            Self::NoBolGuarantee => "NO_BOL_GUARANTEE",
            Self::OrderedTwice => "ORDERED_TWICE",
            Self::RetainItem => "RETAIN_ITEM",
            Self::TechIssue => "TECH_ISSUE",
            Self::UnfindableItem => "UNFINDABLE_ITEM",
            Self::Other => "OTHER",
        }
    }
}

/// Body of `PUT /retailer/offers/{offer-id}/stock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOfferStockRequest {
    /// Stock in the retailer's warehouse (0 to 999).
    pub amount: u32,
    /// The retailer manages the stock level itself.
    pub managed_by_retailer: bool,
}

/// Body of `POST /retailer/offers/export`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOfferExportRequest {
    /// File format of the export.
    pub format: ExportFormat,
}

/// File format of an offer export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    /// Comma-separated values with a header row.
    #[serde(rename = "CSV")]
    Csv,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipment_request_uses_spec_field_names() {
        let request = ShipmentRequest {
            order_items: vec![OrderItem {
                order_item_id: "6107434013".into(),
                quantity: Some(2),
            }],
            shipment_reference: Some("OB123".into()),
            shipping_label_id: None,
            transport: Some(TransportInstruction {
                transporter_code: "TNT".into(),
                track_and_trace: Some("3SABCD1234567".into()),
            }),
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({
                "orderItems": [{ "orderItemId": "6107434013", "quantity": 2 }],
                "shipmentReference": "OB123",
                "transport": { "transporterCode": "TNT", "trackAndTrace": "3SABCD1234567" }
            })
        );
    }

    #[test]
    fn reason_codes_serialise_as_bol_spells_them() {
        for code in [
            CancellationReasonCode::RequestedByCustomer,
            CancellationReasonCode::OutOfStock,
            CancellationReasonCode::NotAvailInTime,
            CancellationReasonCode::Other,
        ] {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(code.as_str().into())
            );
        }
    }
}
