//! Shipping labels ("Verzenden via bol" and bol's regular labels): the delivery options of a
//! set of order items (`POST /retailer/shipping-labels/delivery-options`), the purchase of one
//! (`POST /retailer/shipping-labels`, answered with a `CREATE_SHIPPING_LABEL` process) and the
//! label itself (`GET /retailer/shipping-labels/{shipping-label-id}`: the PDF, with the track
//! & trace code and transporter in the [`TRACK_AND_TRACE_HEADER`] and [`TRANSPORTER_HEADER`]
//! headers).

use serde::{Deserialize, Serialize};

/// Header of a label answer naming the track & trace code printed on it.
pub const TRACK_AND_TRACE_HEADER: &str = "X-Track-And-Trace-Code";
/// Header of a label answer naming its transporter code (`TNT`, `DHLFORYOU`, ...).
pub const TRANSPORTER_HEADER: &str = "X-Transporter-Code";

/// Body of `POST /retailer/shipping-labels/delivery-options`: the order items one parcel
/// holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryOptionsRequest {
    /// The items (at least one).
    pub order_items: Vec<DeliveryOptionsRequestOrderItem>,
}

/// One order item of a delivery-options or label request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryOptionsRequestOrderItem {
    /// The order item.
    pub order_item_id: String,
    /// How many; bol takes all still open when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
}

/// Answer of `POST /retailer/shipping-labels/delivery-options`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryOptionsResponse {
    /// The ways bol sells a label for these items; none when it sells none (FBB items, items
    /// of several orders).
    #[serde(default)]
    pub delivery_options: Vec<DeliveryOption>,
}

/// One way to ship the items with a bol label, and its price.
///
/// The spec marks `shippingLabelOfferId`, `transporterCode`, `labelType`, `labelDisplayName`,
/// `labelPrice`, `recommended` and `packageRestrictions` required; they are optional here so
/// that one incomplete option is refused by the mapping, naming the field, instead of failing
/// the whole answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryOption {
    /// What to buy the label by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_label_offer_id: Option<String>,
    /// bol recommends this option for these items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommended: Option<bool>,
    /// Date (`2020-01-12`) until which the option and its price are valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until_date: Option<String>,
    /// The transporter carrying the parcel (`TNT`, `DHLFORYOU`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transporter_code: Option<String>,
    /// `PARCEL`, `MAILBOX` (with delivery scan) or `MAILBOX_LIGHT` (without).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_type: Option<String>,
    /// bol's name of the label (`PostNL & bol.com - Pakket`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_display_name: Option<String>,
    /// What the label costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_price: Option<LabelPrice>,
    /// What the parcel may weigh and measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_restrictions: Option<PackageRestrictions>,
    /// When the parcel must be at the transporter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover_details: Option<HandoverDetails>,
}

/// The price of a label.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelPrice {
    /// The price charged, in euro, excluding VAT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_price: Option<f64>,
}

/// Weight and size limits of a label's parcel, as text (`10 kg`, `100 x 50 x 50 cm`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageRestrictions {
    /// Heaviest parcel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_weight: Option<String>,
    /// Largest parcel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_dimensions: Option<String>,
}

/// When a parcel with this label must reach the transporter.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandoverDetails {
    /// Handing over before `latestHandoverDateTime` keeps the buyer's delivery promise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meets_customer_expectation: Option<bool>,
    /// ISO 8601 date-time from which the transporter may take it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest_handover_date_time: Option<String>,
    /// ISO 8601 date-time by which the transporter must have it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_handover_date_time: Option<String>,
    /// `DROP_OFF` or `PICK_UP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection_method: Option<String>,
}

/// Body of `POST /retailer/shipping-labels`: buys the label of a delivery option for the
/// items it was quoted for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingLabelRequest {
    /// The items (at least one).
    pub order_items: Vec<DeliveryOptionsRequestOrderItem>,
    /// The delivery option bought.
    pub shipping_label_offer_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_use_spec_field_names() {
        let request = ShippingLabelRequest {
            order_items: vec![DeliveryOptionsRequestOrderItem {
                order_item_id: "2095052647".into(),
                quantity: Some(3),
            }],
            shipping_label_offer_id: "8f956bfc-fabe-45b4-b0e1-1b52a0896b74".into(),
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({
                "orderItems": [{ "orderItemId": "2095052647", "quantity": 3 }],
                "shippingLabelOfferId": "8f956bfc-fabe-45b4-b0e1-1b52a0896b74"
            })
        );
    }

    #[test]
    fn a_delivery_option_reads_every_spec_field() {
        let answer: DeliveryOptionsResponse = serde_json::from_value(serde_json::json!({
            "deliveryOptions": [{
                "shippingLabelOfferId": "32c4a88c-3c64-41ad-83a1-24450b341747",
                "recommended": true,
                "validUntilDate": "2020-10-17",
                "transporterCode": "TNT",
                "labelType": "PARCEL",
                "labelDisplayName": "PostNL & bol.com - Pakket",
                "labelPrice": { "totalPrice": 4.41 },
                "packageRestrictions": { "maxWeight": "10 kg", "maxDimensions": "100 x 50 x 50 cm" },
                "handoverDetails": {
                    "meetsCustomerExpectation": true,
                    "earliestHandoverDateTime": "2020-10-15T08:00:00+02:00",
                    "latestHandoverDateTime": "2020-10-15T19:00:00+02:00",
                    "collectionMethod": "DROP_OFF"
                }
            }]
        }))
        .unwrap();
        let option = &answer.delivery_options[0];
        assert_eq!(option.transporter_code.as_deref(), Some("TNT"));
        assert_eq!(
            option.label_price.as_ref().and_then(|p| p.total_price),
            Some(4.41)
        );
        assert_eq!(
            option
                .handover_details
                .as_ref()
                .and_then(|h| h.latest_handover_date_time.as_deref()),
            Some("2020-10-15T19:00:00+02:00")
        );
        let empty: DeliveryOptionsResponse = serde_json::from_str("{}").unwrap();
        assert!(empty.delivery_options.is_empty());
    }
}
