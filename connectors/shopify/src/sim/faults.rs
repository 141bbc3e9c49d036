//! Faults the simulated shop serves instead of (or after) its normal answer, queued per
//! operation: an HTTP error status with Shopify's `{"errors": …}` body, a 429 with
//! `Retry-After`, a `THROTTLED` reply, another GraphQL error code, a body cut short after the
//! shop acted, and a reply lost after the shop acted (the client sees a gateway time-out while
//! the order exists: the ambiguous outcome a create must survive).

/// The operations (and the token endpoint) a fault can be queued on, by the `operationName`
/// the connector sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShopifyOperation {
    /// `OrderbridgeOrderCreate` (`orderCreate`).
    OrderCreate,
    /// `OrderbridgeOrderCancel` (`orderCancel`).
    OrderCancel,
    /// `OrderbridgeFindOrders` (`orders` by source identifier).
    FindOrders,
    /// `OrderbridgeChangedOrders` (`orders` by `updated_at`).
    ChangedOrders,
    /// `OrderbridgeOrderByCode` (`orderByIdentifier` by custom id).
    OrderByIdentifier,
    /// `OrderbridgeCodeDefinition` (`metafieldDefinition`).
    MetafieldDefinition,
    /// `OrderbridgeCodeDefinitionCreate` (`metafieldDefinitionCreate`).
    MetafieldDefinitionCreate,
    /// `OrderbridgeOrder` (`order(id:)`).
    Order,
    /// `OrderbridgeOrders` (`nodes(ids:)`).
    Orders,
    /// `OrderbridgeVariants` (`productVariants` for order lines).
    Variants,
    /// `OrderbridgeStock` (`productVariants` with inventory levels).
    Stock,
    /// `POST /admin/oauth/access_token`.
    Token,
}

impl ShopifyOperation {
    /// The operation named `name`, when the simulator knows it.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "OrderbridgeOrderCreate" => Self::OrderCreate,
            "OrderbridgeOrderCancel" => Self::OrderCancel,
            "OrderbridgeFindOrders" => Self::FindOrders,
            "OrderbridgeChangedOrders" => Self::ChangedOrders,
            "OrderbridgeOrderByCode" => Self::OrderByIdentifier,
            "OrderbridgeCodeDefinition" => Self::MetafieldDefinition,
            "OrderbridgeCodeDefinitionCreate" => Self::MetafieldDefinitionCreate,
            "OrderbridgeOrder" => Self::Order,
            "OrderbridgeOrders" => Self::Orders,
            "OrderbridgeVariants" => Self::Variants,
            "OrderbridgeStock" => Self::Stock,
            _ => return None,
        })
    }
}

/// What a request gets instead of its normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShopifyFault {
    /// This HTTP status with `{"errors": "…"}`, nothing done.
    Status(u16),
    /// 429 with `Retry-After: {0}`, nothing done.
    RateLimited(u64),
    /// 200 with a `THROTTLED` error and the bucket nearly empty, nothing done.
    Throttled,
    /// 200 with a GraphQL error of this `extensions.code`, nothing done.
    GraphqlError(&'static str),
    /// The shop acts, then the reply is lost (504 from the edge in front of it).
    LoseReplyAfterActing,
    /// The shop acts and answers 200 with its JSON cut in half.
    TruncatedBody,
}

/// Queued faults per operation and the requests seen (the simulators' shared plan).
pub(crate) type FaultPlan = orderbridge_simkit::FaultPlan<ShopifyOperation, ShopifyFault>;
