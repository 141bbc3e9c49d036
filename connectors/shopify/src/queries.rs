//! The GraphQL documents the connector sends: one named operation each (the simulator
//! recognises them by `operationName`), with a first guess of each one's requested cost for
//! the cost bucket until Shopify reports the real one (`throttle.rs`).
//!
//! Page sizes follow from Shopify's cost rules (`VENDOR.md` §Rate limits): a connection costs
//! about its `first` times the cost of one node, and one query may not ask for more than
//! 1,000 points, so the order lists ask 50 orders of a few fulfilments each.

/// One operation: its name, document and first guess of its requested cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Operation {
    /// `operationName`.
    pub name: &'static str,
    /// The document.
    pub document: &'static str,
    /// Requested cost assumed before Shopify reported one.
    pub cost_guess: f64,
}

/// Orders per page of the order lists.
pub(crate) const ORDER_PAGE: usize = 50;

/// Orders asked for by id in one request.
pub(crate) const IDS_PER_REQUEST: usize = 50;

/// Variants per search (terms per query are bounded by [`TERMS_PER_SEARCH`]).
pub(crate) const VARIANT_PAGE: usize = 100;

/// SKU/barcode terms in one variant search.
pub(crate) const TERMS_PER_SEARCH: usize = 25;

/// The fields every order is read with, as a fragment.
macro_rules! order_fragment {
    () => {
        "fragment OrderParts on Order { id name createdAt updatedAt cancelledAt \
displayFulfillmentStatus sourceIdentifier \
metafield(namespace: \"orderbridge\", key: \"order_code\") { value } \
totalPriceSet { shopMoney { amount currencyCode } } \
fulfillments(first: 5) { status createdAt trackingInfo(first: 3) { company number url } } }"
    };
}

/// An operation reading orders, followed by the fragment.
macro_rules! with_order_fragment {
    ($body:literal) => {
        concat!($body, " ", order_fragment!())
    };
}

/// `orderCreate` with the created order read back.
pub(crate) const ORDER_CREATE: Operation = Operation {
    name: "OrderbridgeOrderCreate",
    document: with_order_fragment!(
        "mutation OrderbridgeOrderCreate($order: OrderCreateOrderInput!, \
$options: OrderCreateOptionsInput) { orderCreate(order: $order, options: $options) { \
order { ...OrderParts } userErrors { field message code } } }"
    ),
    cost_guess: 20.0,
};

/// Orders matching a search, oldest created first (the lookup by our code).
pub(crate) const FIND_ORDERS: Operation = Operation {
    name: "OrderbridgeFindOrders",
    document: with_order_fragment!(
        "query OrderbridgeFindOrders($query: String!, $first: Int!, $after: String) { \
orders(first: $first, after: $after, sortKey: CREATED_AT, query: $query) { \
nodes { ...OrderParts } pageInfo { hasNextPage endCursor } } }"
    ),
    cost_guess: 400.0,
};

/// One order by our code as its custom id: `orderByIdentifier(identifier: {customId:
/// {namespace, key, value}})`, a direct read, not the search index
/// (shopify.dev/docs/api/admin-graphql/2026-07/input-objects/OrderIdentifierInput).
pub(crate) const ORDER_BY_CODE: Operation = Operation {
    name: "OrderbridgeOrderByCode",
    document: with_order_fragment!(
        "query OrderbridgeOrderByCode($identifier: OrderIdentifierInput!) { \
orderByIdentifier(identifier: $identifier) { ...OrderParts } }"
    ),
    cost_guess: 10.0,
};

/// The order metafield definition our code is kept in, by owner type, namespace and key
/// (`metafieldDefinition(identifier: MetafieldDefinitionIdentifierInput)`; `null` when absent).
pub(crate) const CODE_DEFINITION: Operation = Operation {
    name: "OrderbridgeCodeDefinition",
    document:
        "query OrderbridgeCodeDefinition($identifier: MetafieldDefinitionIdentifierInput!) { \
metafieldDefinition(identifier: $identifier) { id namespace key ownerType type { name } \
capabilities { uniqueValues { enabled } } } }",
    cost_guess: 10.0,
};

/// `metafieldDefinitionCreate` of that definition.
pub(crate) const CODE_DEFINITION_CREATE: Operation = Operation {
    name: "OrderbridgeCodeDefinitionCreate",
    document: "mutation OrderbridgeCodeDefinitionCreate($definition: MetafieldDefinitionInput!) { \
metafieldDefinitionCreate(definition: $definition) { createdDefinition { id namespace key \
ownerType type { name } capabilities { uniqueValues { enabled } } } \
userErrors { field message code } } }",
    cost_guess: 10.0,
};

/// Orders changed since a time, oldest change first.
pub(crate) const CHANGED_ORDERS: Operation = Operation {
    name: "OrderbridgeChangedOrders",
    document: with_order_fragment!(
        "query OrderbridgeChangedOrders($query: String!, $first: Int!, $after: String) { \
orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) { \
nodes { ...OrderParts } pageInfo { hasNextPage endCursor } } }"
    ),
    cost_guess: 400.0,
};

/// One order by id.
pub(crate) const ORDER: Operation = Operation {
    name: "OrderbridgeOrder",
    document: with_order_fragment!(
        "query OrderbridgeOrder($id: ID!) { order(id: $id) { ...OrderParts } }"
    ),
    cost_guess: 10.0,
};

/// Orders by id.
pub(crate) const ORDERS: Operation = Operation {
    name: "OrderbridgeOrders",
    document: with_order_fragment!(
        "query OrderbridgeOrders($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { \
...OrderParts } } }"
    ),
    cost_guess: 400.0,
};

/// `orderCancel` (asynchronous: answers with a job).
pub(crate) const ORDER_CANCEL: Operation = Operation {
    name: "OrderbridgeOrderCancel",
    document: "mutation OrderbridgeOrderCancel($orderId: ID!, $reason: OrderCancelReason!, \
$refundMethod: OrderCancelRefundMethodInput, $restock: Boolean!, $notifyCustomer: Boolean, \
$staffNote: String) { orderCancel(orderId: $orderId, reason: $reason, \
refundMethod: $refundMethod, restock: $restock, notifyCustomer: $notifyCustomer, \
staffNote: $staffNote) { job { id done } orderCancelUserErrors { field message code } } }",
    cost_guess: 10.0,
};

/// Variants by SKU or barcode (order lines).
pub(crate) const VARIANTS: Operation = Operation {
    name: "OrderbridgeVariants",
    document: "query OrderbridgeVariants($query: String!, $first: Int!) { \
productVariants(first: $first, query: $query) { nodes { id sku barcode } } }",
    cost_guess: 102.0,
};

/// Variants by SKU with their stock at one location.
pub(crate) const STOCK: Operation = Operation {
    name: "OrderbridgeStock",
    document: "query OrderbridgeStock($query: String!, $first: Int!, $locationId: ID!) { \
productVariants(first: $first, query: $query) { nodes { id sku inventoryItem { tracked \
inventoryLevel(locationId: $locationId) { quantities(names: [\"available\"]) { name quantity } \
} } } } }",
    cost_guess: 302.0,
};

/// A value in Shopify's search syntax: quoted, with `\` and `"` escaped, so a SKU or code with
/// spaces, colons or quotes stays one term.
pub(crate) fn search_value(raw: &str) -> String {
    let mut quoted = String::with_capacity(raw.len() + 2);
    quoted.push('"');
    for c in raw.chars() {
        if c == '"' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_order_operation_reads_the_same_fields() {
        for op in [
            ORDER_CREATE,
            FIND_ORDERS,
            ORDER_BY_CODE,
            CHANGED_ORDERS,
            ORDER,
            ORDERS,
        ] {
            assert!(op.document.ends_with(order_fragment!()), "{}", op.name);
            assert!(op.document.contains(op.name), "{}", op.name);
        }
        assert!(ORDER_CANCEL.document.contains("notifyCustomer"));
        // The fragment reads the metafield our code is written to.
        let code_field = format!(
            "metafield(namespace: \"{}\", key: \"{}\")",
            crate::METAFIELD_NAMESPACE,
            crate::CODE_KEY
        );
        assert!(order_fragment!().contains(&code_field));
        for op in [CODE_DEFINITION, CODE_DEFINITION_CREATE] {
            assert!(op.document.contains(op.name), "{}", op.name);
        }
    }

    #[test]
    fn search_values_stay_one_term() {
        assert_eq!(search_value("OB123"), "\"OB123\"");
        assert_eq!(search_value(r#"a "b"\c"#), r#""a \"b\"\\c""#);
    }
}
