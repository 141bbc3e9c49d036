//! The simulated shop's JSON: orders with the fields the connector's fragment asks for,
//! variants with their inventory at a location, amounts as Shopify writes decimals (`"35.0"`,
//! `"12.99"`) and times in whole seconds (`2026-12-07T21:16:26Z`).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::model::{SimOrder, SimVariant};
use super::state::LOCATION_ID;

/// Cents as Shopify's decimal text: at least one decimal, trailing zeros dropped.
pub(crate) fn amount(cents: i64) -> String {
    let whole = cents.div_euclid(100);
    let fraction = cents.rem_euclid(100);
    if fraction % 10 == 0 {
        format!("{whole}.{}", fraction / 10)
    } else {
        format!("{whole}.{fraction:02}")
    }
}

pub(crate) fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An order as `fragment OrderParts` reads it.
pub(crate) fn order(order: &SimOrder) -> Value {
    let code = order.metafield(crate::METAFIELD_NAMESPACE, crate::CODE_KEY);
    json!({
        "id": order.id,
        "name": order.name,
        "createdAt": time(order.created_at),
        "updatedAt": time(order.updated_at),
        "cancelledAt": order.cancelled_at.map(time),
        "displayFulfillmentStatus": order.display_fulfillment_status(),
        "sourceIdentifier": order.source_identifier,
        "metafield": code.map(|value| json!({ "value": value })),
        "totalPriceSet": { "shopMoney": {
            "amount": amount(order.total_cents), "currencyCode": order.currency } },
        "fulfillments": order.fulfillments.iter().map(|f| json!({
            "status": f.status,
            "createdAt": time(f.created_at),
            "trackingInfo": f.number.iter().map(|n| json!({
                "company": f.company, "number": n,
                "url": format!("https://tracking.example/{n}"),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// A variant; with `location`, its inventory item and level there.
pub(crate) fn variant(v: &SimVariant, location: Option<&str>) -> Value {
    let mut value = json!({ "id": v.id, "sku": v.sku, "barcode": v.barcode });
    if let Some(location) = location {
        let level = (location == LOCATION_ID)
            .then(|| json!({ "quantities": [{ "name": "available", "quantity": v.available }] }));
        value["inventoryItem"] = json!({ "tracked": v.tracked, "inventoryLevel": level });
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_like_shopify_s() {
        assert_eq!(amount(3500), "35.0");
        assert_eq!(amount(1299), "12.99");
        assert_eq!(amount(350), "3.5");
        assert_eq!(amount(5), "0.05");
    }
}
