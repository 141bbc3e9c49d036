//! bol.com Retailer API v10 JSON, exactly as the vendor's OpenAPI documents name it
//! (`orderItemId`, `shipmentDetails`, `processStatusId`, ...). These types never leave the
//! crate's client, mapping and simulator; the daemon only sees core domain types.
//!
//! Fields the spec marks required but that this connector can live without are `Option` or
//! defaulted, so a missing one becomes a mapping error that names the field instead of a
//! failed page. Enumerations the connector acts on are open (`enums.rs`): a value bol adds
//! later reads as `Unknown(text)`, and `mapping.rs` decides what it means.

mod enums;
mod labels;
mod orders;
mod process;
mod requests;

pub use enums::{FulfilmentMethod, ProcessStatusValue};
pub use labels::{
    DeliveryOption, DeliveryOptionsRequest, DeliveryOptionsRequestOrderItem,
    DeliveryOptionsResponse, HandoverDetails, LabelPrice, PackageRestrictions,
    ShippingLabelRequest, TRACK_AND_TRACE_HEADER, TRANSPORTER_HEADER,
};
pub use orders::{
    AdditionalService, BillingDetails, Discount, Order, OrderFulfilment, OrderOffer,
    OrderOrderItem, OrderProduct, ReducedOrder, ReducedOrderItem, ReducedOrders, ShipmentDetails,
};
pub use process::{
    BulkProcessStatusRequest, EventType, Link, Problem, ProcessStatus, ProcessStatusId,
    ProcessStatusResponse, TokenResponse, Violation,
};
pub use requests::{
    CancellationReasonCode, CancellationRequest, CreateOfferExportRequest, ExportFormat, OrderItem,
    OrderItemCancellation, ShipmentRequest, TransportInstruction, UpdateOfferStockRequest,
};

/// Media type of every JSON request and answer of the v10 API.
pub const JSON_MEDIA_TYPE: &str = "application/vnd.retailer.v10+json";
/// Media type of CSV answers (offer export) of the v10 API.
pub const CSV_MEDIA_TYPE: &str = "application/vnd.retailer.v10+csv";
/// Media type of a shipping label (a PDF document) of the v10 API.
pub const PDF_MEDIA_TYPE: &str = "application/vnd.retailer.v10+pdf";
/// Media type of the token request's body: the OAuth2 grant as a form (RFC 6749 §4.4.2).
pub const FORM_MEDIA_TYPE: &str = "application/x-www-form-urlencoded";
/// Page size of the paginated list endpoints (orders, process statuses).
pub const PAGE_SIZE: usize = 50;
/// Most process status ids one bulk process-status request may carry.
pub const MAX_BULK_PROCESS_STATUS_IDS: usize = 1000;
/// Most order items one shipment request may carry.
pub const MAX_SHIPMENT_ORDER_ITEMS: usize = 100;
/// Most order items one cancellation request may carry.
pub const MAX_CANCELLATION_ORDER_ITEMS: usize = 1;
/// Longest `shipmentReference` bol accepts.
pub const MAX_SHIPMENT_REFERENCE_CHARS: usize = 90;
/// Highest stock `amount` bol accepts for an offer.
pub const MAX_OFFER_STOCK_AMOUNT: u32 = 999;
