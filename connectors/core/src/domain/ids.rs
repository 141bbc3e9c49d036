//! Identifiers: the marketplace's order, order line, offer and process ids, the webshop's order
//! id, and our own [`OrderCode`] that names an order across all shops and marketplaces.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{parse_identifier, DomainError};

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal, $max:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("Parses a ", $kind, ".\n\n# Errors\n\nWhen the input is empty, too long or has control characters.")]
            pub fn parse(raw: &str) -> Result<Self, DomainError> {
                parse_identifier($kind, raw, $max).map(Self)
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = DomainError;
            fn try_from(raw: String) -> Result<Self, DomainError> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(
    /// The marketplace's id of an order (bol `orderId`).
    MarketplaceOrderId, "marketplace order id", 64
);
string_id!(
    /// The marketplace's id of one order line (bol `orderItemId`).
    OrderLineId, "order line id", 64
);
string_id!(
    /// The marketplace's id of an offer (bol `offerId`).
    OfferId, "offer id", 64
);
string_id!(
    /// The marketplace's id of an asynchronous process (bol `processStatusId`).
    ProcessId, "process id", 64
);
string_id!(
    /// The marketplace's id of a bought shipping label (bol `shippingLabelId`).
    ShippingLabelId, "shipping label id", 64
);
string_id!(
    /// The marketplace's id of one way to ship it sells a label for (bol
    /// `shippingLabelOfferId`), valid for a short while.
    LabelOfferId, "shipping label offer id", 64
);
string_id!(
    /// The webshop's id of an order (WooCommerce `id`).
    WebshopOrderId, "webshop order id", 64
);

/// Our own code for an order, unique across all shops and marketplaces: `OB` followed by ten
/// Crockford base-32 characters derived from the connection and the marketplace order id, so the
/// same marketplace order always gets the same code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrderCode(String);

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl OrderCode {
    /// Derives the code of a marketplace order within a connection.
    pub fn derive(connection: &str, marketplace_order: &MarketplaceOrderId) -> Self {
        // FNV-1a, 64 bit: stable across versions and platforms, which `std`'s hasher is not.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in connection
            .bytes()
            .chain(std::iter::once(0))
            .chain(marketplace_order.as_str().bytes())
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        let mut code = String::with_capacity(12);
        code.push_str("OB");
        for idx in (0..10).rev() {
            let digit = (hash >> (idx * 5)) & 0x1f;
            code.push(char::from(CROCKFORD[digit as usize]));
        }
        Self(code)
    }

    /// Parses a code typed by a person (case-insensitive).
    ///
    /// # Errors
    ///
    /// When it is not `OB` plus ten Crockford base-32 characters.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let upper = raw.trim().to_ascii_uppercase();
        let valid = upper.len() == 12
            && upper.starts_with("OB")
            && upper.bytes().skip(2).all(|b| CROCKFORD.contains(&b));
        if valid {
            Ok(Self(upper))
        } else {
            Err(DomainError::new(
                "order code",
                format!("{raw:?} is not OB followed by ten base-32 characters"),
            ))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrderCode {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        Self::parse(&raw)
    }
}

impl From<OrderCode> for String {
    fn from(code: OrderCode) -> String {
        code.0
    }
}

impl fmt::Display for OrderCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_code_is_stable_and_parses_back() {
        let id = MarketplaceOrderId::parse("1043946570").unwrap();
        let code = OrderCode::derive("bol-shop", &id);
        assert_eq!(code, OrderCode::derive("bol-shop", &id));
        assert_ne!(code, OrderCode::derive("other", &id));
        assert_eq!(
            OrderCode::parse(&code.as_str().to_lowercase()).unwrap(),
            code
        );
        assert_eq!(code.as_str().len(), 12);
    }

    #[test]
    fn identifiers_reject_empty_and_control_characters() {
        assert!(MarketplaceOrderId::parse("  ").is_err());
        assert!(MarketplaceOrderId::parse("12\u{0}3").is_err());
        assert_eq!(MarketplaceOrderId::parse(" A1 ").unwrap().as_str(), "A1");
        assert!(OrderCode::parse("OB123").is_err());
    }
}
