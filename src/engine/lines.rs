//! Which lines of an order are the merchant's to ship and cancel, and what to do with lines
//! that only the marketplace may send.
//!
//! - A bol order can mix lines fulfilled by bol (FBB) with lines the merchant ships (FBR). FBB
//!   lines are bol's: never created in the webshop, shipped or cancelled by us ("all the FBB
//!   orders will be handled by bol",
//!   <https://api.bol.com/retailer/public/Retailer-API/v10/functional/retailer-api/orders-best-practices.html>),
//!   and the order is shipped (or cancelled) once its own lines are.
//! - A "Verzenden via bol" line (`distributionParty` `BOL`) "requires shipment through bol"
//!   (<https://api.bol.com/retailer/public/Retailer-API/v8/functional/retailer-api/verzenden-via-bol.html>):
//!   it ships with a bol label (`shippingLabelId` of the v10 `ShipmentRequest`), never with the
//!   merchant's own transport. Where the connection buys labels (`[labels] buy = true`) the
//!   engine buys one once the order is in the webshop (`label.rs`); otherwise, or when an order
//!   mixes such lines with lines for the merchant's own transport, the order goes to `manual`
//!   with the reason as soon as it is in the webshop: the merchant can pick and pack it there
//!   (and its stock is held), and learns before shipping it that the label must come from the
//!   bol seller dashboard. The ship job never sends such lines without a bought label.

use std::collections::HashSet;

use orderbridge_core::domain::{MarketplaceOrder, OpenOrder};

use super::BuyerRequest;
use crate::store::{OrderLine, OrderRecord};

/// The lines of a stored order that are not the merchant's: those the marketplace fulfils.
#[derive(Debug, Default)]
pub(super) struct MarketplaceLines {
    fulfilled: HashSet<String>,
    label_required: Vec<String>,
}

impl MarketplaceLines {
    /// Read from the order's stored marketplace details. An order without details (it could
    /// not be read yet) has no line known to be the marketplace's.
    pub(super) fn of(order: &OrderRecord) -> Self {
        let Some(details) = &order.details else {
            return Self::default();
        };
        Self {
            fulfilled: details
                .lines
                .iter()
                .filter(|l| l.fulfilled_by_marketplace)
                .map(|l| l.line_id.to_string())
                .collect(),
            label_required: details
                .lines
                .iter()
                .filter(|l| !l.fulfilled_by_marketplace && l.marketplace_label_required)
                .map(|l| l.line_id.to_string())
                .collect(),
        }
    }

    /// Whether the merchant ships and cancels this line (it is not fulfilled by the
    /// marketplace).
    pub(super) fn is_own(&self, line_id: &str) -> bool {
        !self.fulfilled.contains(line_id)
    }

    /// Own lines with items left that must ship with a marketplace label.
    pub(super) fn label_required_open<'a>(&self, lines: &'a [OrderLine]) -> Vec<&'a str> {
        lines
            .iter()
            .filter(|l| l.quantity - l.quantity_shipped - l.quantity_cancelled > 0)
            .filter(|l| self.label_required.iter().any(|id| id == &l.line_id))
            .map(|l| l.line_id.as_str())
            .collect()
    }

    /// The quantities a finished step leaves on `line`: own lines get `settle`'s, the
    /// marketplace's lines keep theirs (the marketplace ships or cancels those).
    pub(super) fn settled(
        &self,
        line: &OrderLine,
        settle: impl Fn(&OrderLine) -> (i64, i64),
    ) -> (i64, i64) {
        if self.is_own(&line.line_id) {
            settle(line)
        } else {
            (line.quantity_shipped, line.quantity_cancelled)
        }
    }
}

/// Whether every line the merchant ships is shipped or cancelled on the marketplace.
pub(super) fn own_lines_done(details: &MarketplaceOrder) -> bool {
    details
        .lines
        .iter()
        .filter(|l| !l.fulfilled_by_marketplace)
        .all(|l| l.quantity_shipped + l.quantity_cancelled >= l.quantity.get())
}

/// Whether every line the merchant ships is cancelled on the marketplace.
pub(super) fn own_lines_cancelled(details: &MarketplaceOrder) -> bool {
    details
        .lines
        .iter()
        .filter(|l| !l.fulfilled_by_marketplace)
        .all(|l| l.quantity_cancelled >= l.quantity.get())
}

/// What a buyer's cancellation request covers, judged on the merchant's own lines only (bol
/// handles requests about its FBB lines).
pub(super) fn own_request(details: &MarketplaceOrder) -> BuyerRequest {
    BuyerRequest::of(
        details
            .lines
            .iter()
            .filter(|l| !l.fulfilled_by_marketplace)
            .map(|l| {
                (
                    l.cancellation_requested,
                    l.quantity.get() > l.quantity_shipped + l.quantity_cancelled,
                )
            }),
    )
}

/// [`own_request`] for an order as the open-orders list shows it.
pub(super) fn own_request_listed(summary: &OpenOrder) -> BuyerRequest {
    BuyerRequest::of(
        summary
            .lines
            .iter()
            .filter(|l| !l.fulfilled_by_marketplace)
            .map(|l| {
                (
                    l.cancellation_requested,
                    l.quantity > l.quantity_shipped + l.quantity_cancelled,
                )
            }),
    )
}

/// The reason an order needing marketplace labels is handed to the merchant; `buys_none`
/// when the connection does not buy labels.
pub(super) fn label_required_reason(
    marketplace: &str,
    line_ids: &[&str],
    buys_none: bool,
) -> String {
    let why = if buys_none {
        "this connection buys no labels (`[labels] buy = false`)"
    } else {
        "orderbridge cannot buy the label for it"
    };
    format!(
        "line(s) {} must ship with a {marketplace} shipping label (Verzenden via bol); \
         {why}, so it never ships them with your own transport: buy the label and ship the \
         order in the {marketplace} seller dashboard",
        line_ids.join(", ")
    )
}
