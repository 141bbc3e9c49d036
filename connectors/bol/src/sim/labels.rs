//! The simulated bol's shipping labels: delivery options quoted for a parcel (remembered with
//! the order items and quantities they were quoted for), labels bought by one of them (each
//! one charged, so each one counted), and which shipment used a label. HTTP is in
//! `labels_api.rs`; the label's PDF in `label_pdf.rs`.
//!
//! What bol documents and the simulator does (bol's shipping-labels guide,
//! https://api.bol.com/retailer/public/Retailer-API/v8/functional/retailer-api/shipping-labels.html):
//! items of an FBB order, or of more than one order, get no delivery options at all (an empty
//! list, not an error). Unknown items are 404 (the spec's delivery-options answers), and
//! items that are not open or asked beyond their open quantity are 400, as for a shipment.

use axum::http::StatusCode;
use chrono::{Days, NaiveDate, NaiveTime, SecondsFormat, TimeDelta, Utc};

use super::http::{bad_request, refusal, Refusal};
use super::model::SimLabel;
use super::orders_wire::euros;
use super::state::State;
use crate::wire::{
    DeliveryOption, DeliveryOptionsRequestOrderItem, HandoverDetails, LabelPrice,
    PackageRestrictions, ShippingLabelRequest,
};

/// A delivery option the simulator quoted.
pub(crate) struct LabelOfferRecord {
    pub offer_id: String,
    /// The parcel it was quoted for.
    parcel: Parcel,
    product: &'static LabelProduct,
    /// The last day it may be bought by (`validUntilDate`).
    valid_until: NaiveDate,
}

/// Whether a shipment used a label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LabelUse {
    /// No shipment named it yet (or the one that did failed).
    Free,
    /// A shipment naming it was accepted and waits for its process.
    Pending,
    /// A shipment naming it was applied.
    Shipped,
}

/// A label bought.
pub(crate) struct LabelRecord {
    pub label_id: String,
    pub offer_id: String,
    pub order_id: String,
    /// Order item ids and quantities, sorted by id.
    pub items: Vec<(String, u32)>,
    pub transporter_code: &'static str,
    pub label_type: &'static str,
    pub track_and_trace: String,
    pub usage: LabelUse,
}

/// A kind of label the simulated bol sells.
struct LabelProduct {
    transporter_code: &'static str,
    label_type: &'static str,
    display_name: &'static str,
    /// Price in euro cents, VAT excluded.
    price_cents: i64,
    max_weight: &'static str,
    max_dimensions: &'static str,
    recommended: bool,
    /// Sold only for a parcel of one single item (a mailbox parcel holds one small item).
    single_item_only: bool,
}

/// What the simulated bol sells, in the order it lists them (names and limits as in bol's
/// v10 demo answers).
const PRODUCTS: &[LabelProduct] = &[
    LabelProduct {
        transporter_code: "TNT",
        label_type: "PARCEL",
        display_name: "PostNL & bol.com - Pakket",
        price_cents: 441,
        max_weight: "10 kg",
        max_dimensions: "100 x 50 x 50 cm",
        recommended: true,
        single_item_only: false,
    },
    LabelProduct {
        transporter_code: "DHLFORYOU",
        label_type: "PARCEL",
        display_name: "DHL & bol.com - Pakket",
        price_cents: 465,
        max_weight: "20 kg",
        max_dimensions: "80 x 50 x 35 cm",
        recommended: false,
        single_item_only: false,
    },
    LabelProduct {
        transporter_code: "TNT",
        label_type: "MAILBOX",
        display_name: "PostNL & bol.com - Brievenbuspakje",
        price_cents: 319,
        max_weight: "2 kg",
        max_dimensions: "38 x 26,5 x 3,2 cm",
        recommended: false,
        single_item_only: true,
    },
];

/// The items of one parcel: one order's items with their quantities, sorted by item id.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parcel {
    order_id: String,
    items: Vec<(String, u32)>,
}

/// Why items make no parcel bol sells a label for.
enum NoParcel {
    /// An item bol does not know.
    Unknown(String),
    /// A request bol refuses: the field and why.
    Invalid(String, String),
    /// Items bol sells no label for (FBB, several orders).
    NotSold,
}

impl NoParcel {
    /// Why a purchase of these items fails.
    fn reason(self) -> String {
        match self {
            Self::Unknown(id) => format!("Order item {id} does not exist."),
            Self::Invalid(field, reason) => format!("{field}: {reason}."),
            Self::NotSold => "bol sells no shipping label for these order items.".to_owned(),
        }
    }
}

impl State {
    /// The parcel of `items`, each quantity resolved (absent: all still open).
    fn parcel(&self, items: &[DeliveryOptionsRequestOrderItem]) -> Result<Parcel, NoParcel> {
        if items.is_empty() {
            return Err(NoParcel::Invalid(
                "orderItems".to_owned(),
                "must hold at least 1 item".to_owned(),
            ));
        }
        let mut order_id: Option<&str> = None;
        let mut resolved: Vec<(String, u32)> = Vec::with_capacity(items.len());
        for (idx, item) in items.iter().enumerate() {
            let field = format!("orderItems[{idx}]");
            let id = item.order_item_id.as_str();
            if resolved.iter().any(|(seen, _)| seen == id) {
                return Err(NoParcel::Invalid(
                    format!("{field}.orderItemId"),
                    "appears twice".to_owned(),
                ));
            }
            if item.quantity == Some(0) {
                return Err(NoParcel::Invalid(
                    format!("{field}.quantity"),
                    "must be at least 1".to_owned(),
                ));
            }
            let (order_idx, item_idx) = self
                .find_item(id)
                .ok_or_else(|| NoParcel::Unknown(id.to_owned()))?;
            let order = &self.orders[order_idx];
            let record = &order.items[item_idx];
            if record.fulfilled_by_bol || order_id.is_some_and(|first| first != order.order_id) {
                return Err(NoParcel::NotSold);
            }
            order_id = Some(&order.order_id);
            let open = record.open_quantity();
            let quantity = item.quantity.unwrap_or(open);
            if open == 0 || quantity > open {
                return Err(NoParcel::Invalid(
                    format!("{field}.quantity"),
                    format!(
                        "order item {id}: {quantity} asked, {open} open (already shipped or cancelled)"
                    ),
                ));
            }
            resolved.push((id.to_owned(), quantity));
        }
        resolved.sort();
        Ok(Parcel {
            order_id: order_id.unwrap_or_default().to_owned(),
            items: resolved,
        })
    }

    /// Quotes the delivery options of a parcel and remembers them; `Err` is the 404 or 400.
    pub fn quote_delivery_options(
        &mut self,
        items: &[DeliveryOptionsRequestOrderItem],
    ) -> Result<Vec<DeliveryOption>, Refusal> {
        let parcel = match self.parcel(items) {
            Ok(parcel) => parcel,
            Err(NoParcel::NotSold) => return Ok(Vec::new()),
            Err(NoParcel::Unknown(id)) => {
                return Err(refusal(
                    StatusCode::NOT_FOUND,
                    format!("Order item {id} not found."),
                ))
            }
            Err(NoParcel::Invalid(field, reason)) => return Err(bad_request(&field, reason)),
        };
        let single_item = matches!(parcel.items.as_slice(), [(_, 1)]);
        let today = Utc::now().date_naive();
        let valid_until = today + Days::new(1);
        let latest_handover = (valid_until.and_time(NaiveTime::MIN) + TimeDelta::hours(17))
            .and_utc()
            .to_rfc3339_opts(SecondsFormat::Secs, false);
        let mut options = Vec::new();
        for product in PRODUCTS
            .iter()
            .filter(|p| single_item || !p.single_item_only)
        {
            let offer_id = self.uuid_like_id();
            options.push(DeliveryOption {
                shipping_label_offer_id: Some(offer_id.clone()),
                recommended: Some(product.recommended),
                valid_until_date: Some(valid_until.format("%Y-%m-%d").to_string()),
                transporter_code: Some(product.transporter_code.to_owned()),
                label_type: Some(product.label_type.to_owned()),
                label_display_name: Some(product.display_name.to_owned()),
                label_price: Some(LabelPrice {
                    total_price: Some(euros(product.price_cents)),
                }),
                package_restrictions: Some(PackageRestrictions {
                    max_weight: Some(product.max_weight.to_owned()),
                    max_dimensions: Some(product.max_dimensions.to_owned()),
                }),
                handover_details: Some(HandoverDetails {
                    meets_customer_expectation: Some(true),
                    earliest_handover_date_time: Some(
                        Utc::now().to_rfc3339_opts(SecondsFormat::Secs, false),
                    ),
                    latest_handover_date_time: Some(latest_handover.clone()),
                    collection_method: Some("DROP_OFF".to_owned()),
                }),
            });
            self.label_offers.push(LabelOfferRecord {
                offer_id,
                parcel: parcel.clone(),
                product,
                valid_until,
            });
        }
        Ok(options)
    }

    /// Buys the label of a quoted delivery option: `Ok` is the new label's id (bought and
    /// charged now), `Err` the message its process fails with (nothing bought).
    pub fn buy_label(&mut self, request: &ShippingLabelRequest) -> Result<String, String> {
        let offer_id = request.shipping_label_offer_id.as_str();
        let today = Utc::now().date_naive();
        let (quoted, product) = self
            .label_offers
            .iter()
            .find(|offer| offer.offer_id == offer_id && offer.valid_until >= today)
            .map(|offer| (offer.parcel.clone(), offer.product))
            .ok_or_else(|| {
                format!("Shipping label offer {offer_id} does not exist or is no longer valid.")
            })?;
        let parcel = self
            .parcel(&request.order_items)
            .map_err(NoParcel::reason)?;
        if parcel != quoted {
            return Err(format!(
                "The order items are not the ones shipping label offer {offer_id} was quoted for."
            ));
        }
        let serial = self.next();
        let track_and_trace = match product.transporter_code {
            "DHLFORYOU" => format!("JVGL{serial:016}"),
            _ => format!("3SBOLC{:07}", serial % 10_000_000),
        };
        let label_id = self.uuid_like_id();
        self.labels.push(LabelRecord {
            label_id: label_id.clone(),
            offer_id: offer_id.to_owned(),
            order_id: parcel.order_id,
            items: parcel.items,
            transporter_code: product.transporter_code,
            label_type: product.label_type,
            track_and_trace,
            usage: LabelUse::Free,
        });
        Ok(label_id)
    }

    /// Whether a shipment of `items` (all still-open quantity when `None`) of `order_id`
    /// may name label `label_id`: one bought for exactly these items and quantities, and not
    /// used yet. `Err` is the 400 answer.
    pub fn check_label_for_shipment(
        &self,
        label_id: &str,
        order_id: &str,
        items: &[(String, Option<u32>)],
    ) -> Result<(), Refusal> {
        let field = "shippingLabelId";
        let label = self.label(label_id).ok_or_else(|| {
            bad_request(field, format!("shipping label {label_id} does not exist"))
        })?;
        if label.usage != LabelUse::Free {
            return Err(bad_request(
                field,
                format!("shipping label {label_id} is already used for a shipment"),
            ));
        }
        let mut shipped: Vec<(String, u32)> = items
            .iter()
            .map(|(id, quantity)| {
                let open = self.find_item(id).map_or(0, |(order_idx, item_idx)| {
                    self.orders[order_idx].items[item_idx].open_quantity()
                });
                (id.clone(), quantity.unwrap_or(open))
            })
            .collect();
        shipped.sort();
        if label.order_id != order_id || label.items != shipped {
            return Err(bad_request(
                field,
                format!(
                    "shipping label {label_id} was bought for other order items ({:?})",
                    label.items
                ),
            ));
        }
        Ok(())
    }

    /// Records how a label is used.
    pub fn set_label_use(&mut self, label_id: &str, usage: LabelUse) {
        if let Some(label) = self.labels.iter_mut().find(|l| l.label_id == label_id) {
            label.usage = usage;
        }
    }

    /// A label.
    pub fn label(&self, label_id: &str) -> Option<&LabelRecord> {
        self.labels.iter().find(|label| label.label_id == label_id)
    }

    /// Every label bought, oldest first.
    pub fn label_views(&self) -> Vec<SimLabel> {
        self.labels
            .iter()
            .map(|label| SimLabel {
                shipping_label_id: label.label_id.clone(),
                shipping_label_offer_id: label.offer_id.clone(),
                order_id: label.order_id.clone(),
                items: label.items.clone(),
                transporter_code: label.transporter_code.to_owned(),
                label_type: label.label_type.to_owned(),
                track_and_trace: label.track_and_trace.clone(),
                used_for_shipment: label.usage == LabelUse::Shipped,
            })
            .collect()
    }

    /// How many labels were bought for parcels holding `order_item_id`.
    pub fn labels_bought(&self, order_item_id: &str) -> usize {
        self.labels
            .iter()
            .filter(|label| label.items.iter().any(|(id, _)| id == order_item_id))
            .count()
    }
}
