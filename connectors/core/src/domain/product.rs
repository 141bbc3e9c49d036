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
        let (body, check) = digits.split_at(digits.len() - 1);
        if check_digit(body).to_string() != check {
            return Err(DomainError::new(
                "EAN",
                format!("{raw:?} has a wrong check digit"),
            ));
        }
        Ok(Self(digits.to_owned()))
    }

    /// Completes a body of 7, 11, 12 or 13 digits with its GS1 check digit.
    ///
    /// # Errors
    ///
    /// When the body is not 7, 11, 12 or 13 digits.
    pub fn with_check_digit(body: &str) -> Result<Self, DomainError> {
        if !matches!(body.len(), 7 | 11 | 12 | 13) || !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::new(
                "EAN",
                format!("{body:?} is not 7, 11, 12 or 13 digits"),
            ));
        }
        Ok(Self(format!("{body}{}", check_digit(body))))
    }

    /// The EAN as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The GS1 check digit of a body of ASCII digits: weights 3 and 1 from the right.
fn check_digit(body: &str) -> u32 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(idx, b)| u32::from(b - b'0') * if idx % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10
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
        assert_eq!(
            Ean::with_check_digit("871234567890").unwrap().as_str(),
            "8712345678906"
        );
        assert!(Ean::with_check_digit("87123").is_err());
    }

    #[test]
    fn sku_trims() {
        assert_eq!(Sku::parse(" A-1 ").unwrap().as_str(), "A-1");
        assert!(Sku::parse("").is_err());
    }
}
