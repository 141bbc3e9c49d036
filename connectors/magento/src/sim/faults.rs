//! Faults the simulated shop serves instead of (or after) its normal answer, queued per
//! endpoint: an error status with Magento's error body, a 429 with `Retry-After` (from a WAF
//! or host in front of Magento, which has no limit of its own), a body cut short, and a reply
//! lost after the shop acted (the client sees a gateway time-out while the cart item, the
//! order or the update exists: the ambiguous outcome a create must survive).

/// The endpoints a fault can be queued on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MagentoEndpoint {
    /// `POST guest-carts`.
    CreateCart,
    /// `POST guest-carts/{id}/items`.
    AddItem,
    /// `POST guest-carts/{id}/shipping-information`.
    ShippingInformation,
    /// `PUT guest-carts/{id}/order`.
    PlaceOrder,
    /// `POST orders` (an update of an existing order).
    UpdateOrder,
    /// `GET orders`.
    ListOrders,
    /// `GET orders/{id}`.
    GetOrder,
    /// `POST orders/{id}/cancel`.
    Cancel,
    /// `GET shipments`.
    Shipments,
    /// `GET stockItems/{sku}`.
    StockItem,
    /// `GET inventory/get-product-salable-quantity/{sku}/{stockId}`.
    SalableQuantity,
}

/// What a request gets instead of its normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MagentoFault {
    /// This status with Magento's error body, nothing done.
    Status(u16),
    /// 429 with `Retry-After: {0}`, nothing done.
    RateLimited(u64),
    /// The shop acts, then the reply is lost (504 from the proxy in front of it).
    LoseReplyAfterActing,
    /// The shop acts and answers 200 with its JSON cut in half (an empty body for a bare
    /// number or string).
    TruncatedBody,
}

/// Queued faults per endpoint and the requests seen (the simulators' shared plan).
pub(crate) type FaultPlan = orderbridge_simkit::FaultPlan<MagentoEndpoint, MagentoFault>;
