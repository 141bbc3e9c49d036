//! The [`Marketplace`] trait: what the daemon asks of a marketplace (bol.com, Amazon, Mirakl):
//! open orders, order details, shipments, cancellations, offers and stock, and the asynchronous
//! processes those writes start.

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    Carrier, Ean, LabelOfferId, MarketplaceOrder, MarketplaceOrderId, Money, OfferId, OpenOrder,
    OrderLineId, ProcessId, Quantity, ShippingLabelId, Sku, TrackingCode,
};
use crate::ConnectorResult;

/// A line and how many of its items a shipment or cancellation covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineQuantity {
    /// The marketplace's line id.
    pub line_id: OrderLineId,
    /// How many items.
    pub quantity: Quantity,
}

/// A shipment to report to the marketplace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    /// The order shipped.
    pub order_id: MarketplaceOrderId,
    /// The lines and quantities in the parcel.
    pub lines: Vec<LineQuantity>,
    /// Our reference for the shipment (the order code).
    pub reference: String,
    /// The carrier, when known.
    pub carrier: Option<Carrier>,
    /// The track & trace code, when there is one.
    pub tracking: Option<TrackingCode>,
    /// The marketplace label the parcel ships with, when it sold one. The label names carrier
    /// and code, so `carrier` and `tracking` are then not sent (bol refuses a transport next
    /// to a `shippingLabelId`).
    pub label: Option<ShippingLabelId>,
}

/// One way to ship lines that the marketplace sells a label for (bol: a delivery option).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelOffer {
    /// What to buy it by; valid for a short while.
    pub offer_id: LabelOfferId,
    /// The carrier that carries the parcel.
    pub carrier: Carrier,
    /// The marketplace's name for it (`PostNL & bol.com - Pakket`).
    pub name: String,
    /// The kind of parcel (bol `labelType`: `PARCEL`, `MAILBOX`, `MAILBOX_LIGHT`).
    pub kind: String,
    /// What the label costs, excluding VAT.
    pub price: Money,
    /// Whether the marketplace recommends it for these lines.
    pub recommended: bool,
    /// The latest hand-over to the carrier that still meets the buyer's delivery promise.
    pub latest_handover: Option<DateTime<Utc>>,
}

/// A bought label, as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Its id (what a shipment names).
    pub id: ShippingLabelId,
    /// The track & trace code on it.
    pub tracking: Option<TrackingCode>,
    /// The carrier on it.
    pub carrier: Option<Carrier>,
    /// The label itself (a PDF document).
    pub pdf: Vec<u8>,
}

/// Why a merchant cancels lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CancelReason {
    /// Confirms the buyer's own cancellation request.
    RequestedByCustomer,
    /// The merchant cannot deliver.
    OutOfStock,
    /// Any other reason (e.g. cancelled in the webshop without a reason).
    Other,
}

/// Lines to cancel on the marketplace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    /// The order.
    pub order_id: MarketplaceOrderId,
    /// The lines to cancel, whole. A marketplace that cancels line by line
    /// ([`crate::kind::MarketplaceCapabilities::per_line_cancellation`]) gets one line per
    /// cancellation (bol takes exactly one per request, and its connector refuses more); one
    /// that cancels whole orders gets every line of the order in one.
    pub lines: Vec<OrderLineId>,
    /// Why.
    pub reason: CancelReason,
}

/// Which kind of write started a process; used to look processes up after a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProcessKind {
    /// A shipment (bol `CREATE_SHIPMENT`).
    Shipment,
    /// A cancellation (bol `CANCEL_ORDER`).
    Cancellation,
    /// A stock update (bol `UPDATE_OFFER_STOCK`).
    StockUpdate,
}

/// What a label purchase process yields: bol names the bought label in the `entityId` of a
/// `CREATE_SHIPPING_LABEL` process once it succeeded.
impl Process {
    /// The label a succeeded label purchase bought.
    pub fn bought_label(&self) -> Option<ShippingLabelId> {
        if self.state != ProcessState::Succeeded {
            return None;
        }
        ShippingLabelId::parse(self.entity_id.as_deref()?).ok()
    }
}

/// The state of an asynchronous marketplace process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProcessState {
    /// Still being processed.
    Pending,
    /// Done.
    Succeeded,
    /// Refused, with the marketplace's message.
    Failed {
        /// The vendor's error message.
        message: String,
    },
    /// The marketplace gave up; the write may be tried again.
    TimedOut,
}

/// An asynchronous process a write started (bol answers 202 with one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    /// Its id.
    pub id: ProcessId,
    /// What it is about (bol `entityId`: an order line id, offer id, ...).
    pub entity_id: Option<String>,
    /// Its state.
    pub state: ProcessState,
    /// When the marketplace created it.
    pub created_at: Option<DateTime<Utc>>,
}

/// What a marketplace write did when its call returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// Applied before the call returned (a synchronous API): nothing to follow. `entity_id`
    /// names what the write made, when it made something (a bought label's id).
    Applied {
        /// What the write made.
        entity_id: Option<String>,
    },
    /// Accepted; this process applies it later (bol answers 202 with one).
    Pending(Process),
}

/// An offer of the merchant on the marketplace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// The marketplace's offer id.
    pub offer_id: OfferId,
    /// The merchant's reference (the SKU), when set.
    pub sku: Option<Sku>,
    /// The product EAN.
    pub ean: Option<Ean>,
    /// Stock the marketplace currently has for the offer.
    pub stock: Option<u32>,
}

/// A marketplace the merchant sells on.
///
/// Every method is one logical vendor call (with pagination where it lists); none retries a
/// write on its own, so the caller stays in control of exactly-once effects.
pub trait Marketplace: Send + Sync {
    /// Open orders the merchant ships itself (not shipped, not cancelled), all pages.
    ///
    /// # Errors
    ///
    /// Any [`crate::ConnectorError`]; a page that cannot be read fails the whole list.
    fn open_orders(&self) -> impl Future<Output = ConnectorResult<Vec<OpenOrder>>> + Send;

    /// The full order.
    ///
    /// # Errors
    ///
    /// [`crate::ConnectorError::NotFound`] for an unknown order; others as usual.
    fn order(
        &self,
        id: &MarketplaceOrderId,
    ) -> impl Future<Output = ConnectorResult<MarketplaceOrder>> + Send;

    /// Reports a shipment: applied at once, or pending with the process that applies it.
    ///
    /// # Errors
    ///
    /// As usual; a [`crate::ConnectorError::Transient`] means the shipment may or may not
    /// have been accepted.
    fn ship(
        &self,
        shipment: &Shipment,
    ) -> impl Future<Output = ConnectorResult<WriteOutcome>> + Send;

    /// Cancels lines: applied at once, or pending with the process that applies it.
    ///
    /// # Errors
    ///
    /// As for [`Marketplace::ship`].
    fn cancel(
        &self,
        cancellation: &Cancellation,
    ) -> impl Future<Output = ConnectorResult<WriteOutcome>> + Send;

    /// The current state of processes (bulk where the vendor allows).
    ///
    /// # Errors
    ///
    /// As usual.
    fn processes(
        &self,
        ids: &[ProcessId],
    ) -> impl Future<Output = ConnectorResult<Vec<Process>>> + Send;

    /// Processes of `kind` about `entity_id` (an order line id for shipments and
    /// cancellations, an offer id for stock): how the daemon finds what an earlier attempt did
    /// before it crashed.
    ///
    /// # Errors
    ///
    /// As usual.
    fn find_processes(
        &self,
        entity_id: &str,
        kind: ProcessKind,
    ) -> impl Future<Output = ConnectorResult<Vec<Process>>> + Send;

    /// All offers of the merchant with their marketplace stock. May come from a cache (bol:
    /// up to a day old, see [`Marketplace::refresh_offers`]); the stock of an offer that was
    /// updated since is then `None` (unknown).
    ///
    /// # Errors
    ///
    /// As usual.
    fn offers(&self) -> impl Future<Output = ConnectorResult<Vec<Offer>>> + Send;

    /// Sets the stock of an offer: applied at once, or pending with the process that applies
    /// it.
    ///
    /// # Errors
    ///
    /// As usual.
    fn update_stock(
        &self,
        offer_id: &OfferId,
        amount: u32,
    ) -> impl Future<Output = ConnectorResult<WriteOutcome>> + Send;

    /// The labels the marketplace sells for these lines of an order (bol: delivery options).
    /// Empty when it sells none for them.
    ///
    /// # Errors
    ///
    /// As usual; [`crate::ConnectorError::Rejected`] when the lines cannot ship with a label.
    fn label_offers(
        &self,
        lines: &[LineQuantity],
    ) -> impl Future<Output = ConnectorResult<Vec<LabelOffer>>> + Send;

    /// Buys a label for these lines: bought at once (`entity_id` the label's id), or pending
    /// with the process that buys it; once that succeeded, [`Process::bought_label`] names the
    /// label. Labels are charged: a
    /// [`crate::ConnectorError::Transient`] means one may have been bought, and nothing can
    /// look that up by order line, so the caller must not simply buy again.
    ///
    /// # Errors
    ///
    /// As usual.
    fn buy_label(
        &self,
        lines: &[LineQuantity],
        offer: &LabelOfferId,
    ) -> impl Future<Output = ConnectorResult<WriteOutcome>> + Send;

    /// A bought label: its PDF with the track & trace code and carrier printed on it.
    ///
    /// # Errors
    ///
    /// As usual; [`crate::ConnectorError::NotFound`] for an unknown label.
    fn label(&self, id: &ShippingLabelId) -> impl Future<Output = ConnectorResult<Label>> + Send;

    /// Makes the next [`Marketplace::offers`] list the offers anew instead of answering from
    /// a cache: called when the marketplace refused a stock update (the offer may be gone, or
    /// its stock is not what the list said).
    fn refresh_offers(&self);
}
