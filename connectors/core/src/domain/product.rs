//! Product identifiers: the merchant's [`Sku`] and the GS1 [`Ean`] barcode.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{parse_identifier, DomainError};

/// The merchant's stock keeping unit, as the webshop knows the product.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sku(String);

impl Sku {
    /// Parses a SKU.
    ///
    /// # Errors
    ///
    /// When it is empty, longer than 100 characters or has control characters.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        parse_identifier("SKU", raw, 100).map(Self)
    }

    /// The SKU as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Sku {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        Self::parse(&raw)
    }
}

impl From<Sku> for String {
    fn from(s: Sku) -> String {
        s.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A GS1 barcode number (EAN-8, UPC-A, EAN-13 or GTIN-14) with a valid check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ean(String);

impl Ean {
    /// Parses an EAN.
    ///
    /// # Errors
    ///
    /// When it is not 8, 12, 13 or 14 digits or its check digit is wrong.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let digits = raw.trim();
        if !matches!(digits.len(), 8 | 12 | 13 | 14) || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(DomainError::new(
                "EAN",
                format!("{raw:?} is not 8, 12, 13 or 14 digits"),
            ));
        }
        let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let (body, check) = values.split_at(values.len() - 1);
        let sum: u32 = body
            .iter()
            .rev()
            .enumerate()
            .map(|(idx, d)| if idx % 2 == 0 { d * 3 } else { *d })
            .sum();
        if (10 - sum % 10) % 10 != check[0] {
            return Err(DomainError::new(
                "EAN",
                format!("{raw:?} has a wrong check digit"),
            ));
        }
        Ok(Self(digits.to_owned()))
    }

    /// The EAN as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Ean {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        Self::parse(&raw)
    }
}

impl From<Ean> for String {
    fn from(e: Ean) -> String {
        e.0
    }
}

impl fmt::Display for Ean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ean_check_digit() {
        assert!(Ean::parse("8712345678906").is_ok());
        assert!(Ean::parse("8712345678907").is_err());
        assert!(Ean::parse("96385074").is_ok());
        assert!(Ean::parse("abc").is_err());
    }

    #[test]
    fn sku_trims() {
        assert_eq!(Sku::parse(" A-1 ").unwrap().as_str(), "A-1");
        assert!(Sku::parse("").is_err());
    }
}
