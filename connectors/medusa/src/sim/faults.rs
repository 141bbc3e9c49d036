//! Faults the simulated store serves instead of (or after) its normal answer, queued per
//! endpoint: an error status with Medusa's error body, a 429 with `Retry-After`, a body cut
//! short, and a reply lost after the store acted (the client sees a gateway time-out while
//! the order exists: the ambiguous outcome a create must survive).

/// The endpoints a fault can be queued on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MedusaEndpoint {
    /// `POST /admin/draft-orders`.
    CreateDraft,
    /// `POST /admin/draft-orders/{id}/convert-to-order`.
    Convert,
    /// `GET /admin/orders` and `GET /admin/draft-orders`.
    ListOrders,
    /// `GET /admin/orders/{id}`.
    GetOrder,
    /// `POST /admin/orders/{id}/cancel`.
    Cancel,
    /// `GET /admin/product-variants`.
    Variants,
    /// `GET /admin/inventory-items`.
    Inventory,
}

/// What a request gets instead of its normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MedusaFault {
    /// This status with Medusa's error body (`{"type": "unknown_error", …}`), nothing done.
    Status(u16),
    /// 429 with `Retry-After: {0}`, nothing done.
    RateLimited(u64),
    /// The store acts, then the reply is lost (504 from the proxy in front of it).
    LoseReplyAfterActing,
    /// The store acts and answers 200 with its JSON cut in half.
    TruncatedBody,
}

/// Queued faults per endpoint and the requests seen (the simulators' shared plan).
pub(crate) type FaultPlan = orderbridge_simkit::FaultPlan<MedusaEndpoint, MedusaFault>;
