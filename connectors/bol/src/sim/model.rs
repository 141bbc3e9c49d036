//! The simulator's public vocabulary: orders to place ([`SimOrder`], [`SimLine`],
//! [`SimProduct`]) and read-only views of what the simulated bol holds and applied
//! ([`SimOrderView`], [`SimShipment`], [`SimCancellation`], [`SimLabel`]).

use serde::{Deserialize, Serialize};

/// One line of an order to place in the simulator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimLine {
    /// The product's EAN.
    pub ean: String,
    /// The merchant's offer reference (its SKU), when the offer has one.
    #[serde(default)]
    pub reference: Option<String>,
    /// Product title.
    pub title: String,
    /// Items ordered (at least 1).
    pub quantity: u32,
    /// Price of one item in euro cents, VAT included.
    pub unit_price_cents: i64,
}

/// A product the merchant sells, for [`SimOrder::sample`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimProduct {
    /// The merchant's SKU (becomes the offer reference).
    pub sku: String,
    /// The product's EAN.
    pub ean: String,
    /// Product title.
    pub title: String,
    /// Price in euro cents.
    pub price_cents: i64,
}

/// A postal address of a simulated buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SimAddress {
    pub first_name: String,
    pub surname: String,
    pub street_name: String,
    pub house_number: String,
    pub house_number_extension: Option<String>,
    pub zip_code: String,
    pub city: String,
    pub country_code: &'static str,
}

/// An order to place in the simulator; build it with [`SimOrder::nl`], [`SimOrder::be`] or
/// [`SimOrder::sample`] and the `with_*` methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimOrder {
    pub(crate) address: SimAddress,
    pub(crate) pickup_point_name: Option<String>,
    pub(crate) fulfilled_by_bol: bool,
    pub(crate) lines: Vec<SimLine>,
    /// Indexes of lines fulfilled by bol (FBB) in an order the merchant ships otherwise.
    pub(crate) fbb_lines: Vec<usize>,
    /// Indexes of lines to ship "Verzenden via bol" (`distributionParty` `BOL`).
    pub(crate) via_bol_lines: Vec<usize>,
    /// Promotions per line: `(line index, title, amount in cents incl. VAT)`.
    pub(crate) discounts: Vec<(usize, String, i64)>,
}

impl SimOrder {
    /// An order shipped to a Dutch address (Kerkstraat 1, Amsterdam).
    pub fn nl(lines: Vec<SimLine>) -> Self {
        Self {
            address: SimAddress {
                first_name: "Jan".to_owned(),
                surname: "Jansen".to_owned(),
                street_name: "Kerkstraat".to_owned(),
                house_number: "1".to_owned(),
                house_number_extension: None,
                zip_code: "1017 GC".to_owned(),
                city: "Amsterdam".to_owned(),
                country_code: "NL",
            },
            pickup_point_name: None,
            fulfilled_by_bol: false,
            lines,
            fbb_lines: Vec::new(),
            via_bol_lines: Vec::new(),
            discounts: Vec::new(),
        }
    }

    /// An order shipped to a Belgian address (Hoogstraat 17, Brussel).
    pub fn be(lines: Vec<SimLine>) -> Self {
        Self {
            address: SimAddress {
                first_name: "Marie".to_owned(),
                surname: "Peeters".to_owned(),
                street_name: "Hoogstraat".to_owned(),
                house_number: "17".to_owned(),
                house_number_extension: None,
                zip_code: "1000".to_owned(),
                city: "Brussel".to_owned(),
                country_code: "BE",
            },
            pickup_point_name: None,
            fulfilled_by_bol: false,
            lines,
            fbb_lines: Vec::new(),
            via_bol_lines: Vec::new(),
            discounts: Vec::new(),
        }
    }

    /// A promotion of `amount_cents` (VAT included) on line `line_idx`: bol lists it in the
    /// item's `discounts` and takes it off the item's `totalPrice`.
    pub fn with_discount(mut self, line_idx: usize, title: &str, amount_cents: i64) -> Self {
        self.discounts
            .push((line_idx, title.to_owned(), amount_cents));
        self
    }

    /// Ships to the pickup point `name` (`pickupPoint: true`).
    pub fn with_pickup_point(mut self, name: &str) -> Self {
        self.pickup_point_name = Some(name.to_owned());
        self
    }

    /// Fulfilled by bol (FBB) instead of the merchant.
    pub fn fbb(mut self) -> Self {
        self.fulfilled_by_bol = true;
        self
    }

    /// Line `line_idx` (from 0) is fulfilled by bol (FBB) while the other lines are the
    /// merchant's: a mixed order. bol lists and details such lines with `fulfilmentMethod`
    /// `FBB` and refuses the merchant's shipments and cancellations of them.
    pub fn with_line_fulfilled_by_bol(mut self, line_idx: usize) -> Self {
        self.fbb_lines.push(line_idx);
        self
    }

    /// Line `line_idx` (from 0) is to be shipped "Verzenden via bol": its details carry
    /// `distributionParty` `BOL`, and bol refuses a shipment of it with a transport of the
    /// merchant's own (only a bol shipping label will do).
    pub fn with_line_shipped_via_bol(mut self, line_idx: usize) -> Self {
        self.via_bol_lines.push(line_idx);
        self
    }

    /// Sets the house number and its extension exactly as bol would send them
    /// (`"23"` + `"II"`, `"17"` + `"bte 1"`).
    pub fn with_house_number(mut self, number: &str, extension: Option<&str>) -> Self {
        self.address.house_number = number.to_owned();
        self.address.house_number_extension = extension.map(str::to_owned);
        self
    }

    /// Sets the buyer's name; an empty surname makes an order the connector must refuse.
    pub fn with_customer(mut self, first_name: &str, surname: &str) -> Self {
        self.address.first_name = first_name.to_owned();
        self.address.surname = surname.to_owned();
        self
    }
}

/// One item of an order as the simulator holds it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimItemView {
    /// bol's order item id.
    pub order_item_id: String,
    /// The product's EAN.
    pub ean: String,
    /// The offer reference.
    pub reference: Option<String>,
    /// Items ordered.
    pub quantity: u32,
    /// Items shipped by applied shipments.
    pub quantity_shipped: u32,
    /// Items cancelled (by the merchant or by bol).
    pub quantity_cancelled: u32,
    /// The buyer asked to cancel and nobody has cancelled yet.
    pub cancellation_request: bool,
}

/// An order as the simulator holds it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimOrderView {
    /// bol's order id.
    pub order_id: String,
    /// Its items.
    pub items: Vec<SimItemView>,
}

/// A shipment the simulator applied (its process succeeded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimShipment {
    /// The order.
    pub order_id: String,
    /// Order item ids and the quantities shipped.
    pub items: Vec<(String, u32)>,
    /// The transporter code sent, if any.
    pub transporter_code: Option<String>,
    /// The track & trace code sent, if any; for a shipment with a bol label, the label's.
    pub track_and_trace: Option<String>,
    /// The bol label the shipment named (`shippingLabelId`), if any; its transporter and
    /// track & trace code are then the label's.
    pub shipping_label_id: Option<String>,
}

/// A shipping label bought from the simulated bol (charged when bol accepted the purchase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimLabel {
    /// bol's id of the label (`shippingLabelId`).
    pub shipping_label_id: String,
    /// The delivery option it was bought by (`shippingLabelOfferId`).
    pub shipping_label_offer_id: String,
    /// The order.
    pub order_id: String,
    /// Order item ids and the quantities the label is for.
    pub items: Vec<(String, u32)>,
    /// The transporter (`TNT`, `DHLFORYOU`).
    pub transporter_code: String,
    /// `PARCEL` or `MAILBOX`.
    pub label_type: String,
    /// The track & trace code printed on it.
    pub track_and_trace: String,
    /// Whether a shipment named it and was applied.
    pub used_for_shipment: bool,
}

/// A merchant cancellation the simulator applied (its process succeeded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimCancellation {
    /// The order.
    pub order_id: String,
    /// The cancelled order item.
    pub order_item_id: String,
    /// The reason code sent (`REQUESTED_BY_CUSTOMER`, ...).
    pub reason_code: String,
}
