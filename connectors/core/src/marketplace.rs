//! The [`Marketplace`] trait: what the daemon asks of a marketplace (bol.com, Amazon, Mirakl):
//! open orders, order details, shipments, cancellations, offers and stock, and the asynchronous
//! processes those writes start.

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    Carrier, Ean, MarketplaceOrder, MarketplaceOrderId, OfferId, OpenOrder, OrderLineId, ProcessId,
    Quantity, Sku, TrackingCode,
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
    /// The lines to cancel, whole. bol takes exactly one line per request; its connector
    /// refuses more, so the daemon sends one cancellation per line.
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

    /// Reports a shipment. Returns the process that applies it.
    ///
    /// # Errors
    ///
    /// As usual; a [`crate::ConnectorError::Transient`] means the shipment may or may not
    /// have been accepted.
    fn ship(&self, shipment: &Shipment) -> impl Future<Output = ConnectorResult<Process>> + Send;

    /// Cancels lines. Returns the process that applies it.
    ///
    /// # Errors
    ///
    /// As for [`Marketplace::ship`].
    fn cancel(
        &self,
        cancellation: &Cancellation,
    ) -> impl Future<Output = ConnectorResult<Process>> + Send;

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

    /// Sets the stock of an offer. Returns the process that applies it.
    ///
    /// # Errors
    ///
    /// As usual.
    fn update_stock(
        &self,
        offer_id: &OfferId,
        amount: u32,
    ) -> impl Future<Output = ConnectorResult<Process>> + Send;

    /// Makes the next [`Marketplace::offers`] list the offers anew instead of answering from
    /// a cache: called when the marketplace refused a stock update (the offer may be gone, or
    /// its stock is not what the list said).
    fn refresh_offers(&self);
}
