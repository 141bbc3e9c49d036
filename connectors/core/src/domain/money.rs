//! Money in integer minor units (cents) with its currency; never a float. Vendor prices that
//! arrive as JSON numbers are converted through their shortest decimal form, so `12.99`
//! becomes exactly 1299 cents.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::DomainError;

/// An ISO 4217 currency code, e.g. `EUR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// The euro, the currency of bol.com.
    pub const EUR: Currency = Currency(*b"EUR");

    /// Parses a three-letter code (case-insensitive).
    ///
    /// # Errors
    ///
    /// When the input is not three ASCII letters.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let upper = raw.trim().to_ascii_uppercase();
        match <[u8; 3]>::try_from(upper.as_bytes()) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_uppercase) => Ok(Self(bytes)),
            _ => Err(DomainError::new(
                "currency",
                format!("{raw:?} is not a three-letter code"),
            )),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // The constructor only admits ASCII uppercase letters.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl TryFrom<String> for Currency {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        Self::parse(&raw)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of money in minor units (cents) of a currency with two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    cents: i64,
    currency: Currency,
}

/// Largest amount accepted: ten million in major units; anything above is bad data.
const MAX_CENTS: i64 = 1_000_000_000;

impl Money {
    /// Money from cents.
    ///
    /// # Errors
    ///
    /// When the amount is negative or absurdly large.
    pub fn from_cents(cents: i64, currency: Currency) -> Result<Self, DomainError> {
        if cents < 0 {
            return Err(DomainError::new(
                "amount",
                format!("{cents} cents is negative"),
            ));
        }
        if cents > MAX_CENTS {
            return Err(DomainError::new(
                "amount",
                format!("{cents} cents is too large"),
            ));
        }
        Ok(Self { cents, currency })
    }

    /// Parses a decimal text such as `12.99`, `12.9` or `12` into cents, exactly.
    ///
    /// # Errors
    ///
    /// When the text is not a non-negative decimal with at most two significant decimals
    /// (trailing zeros beyond two decimals are accepted: `12.990`).
    pub fn parse_decimal(raw: &str, currency: Currency) -> Result<Self, DomainError> {
        let text = raw.trim();
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(frac) || whole.len() > 12 {
            return Err(DomainError::new(
                "amount",
                format!("{raw:?} is not a non-negative decimal amount"),
            ));
        }
        let frac_trimmed = frac.trim_end_matches('0');
        if frac_trimmed.len() > 2 {
            return Err(DomainError::new(
                "amount",
                format!("{raw:?} has more than two decimals"),
            ));
        }
        let mut frac_cents = frac_trimmed.to_owned();
        while frac_cents.len() < 2 {
            frac_cents.push('0');
        }
        let whole_value: i64 = whole
            .parse()
            .map_err(|_| DomainError::new("amount", format!("{raw:?} is out of range")))?;
        let frac_value: i64 = frac_cents
            .parse()
            .map_err(|_| DomainError::new("amount", format!("{raw:?} is out of range")))?;
        let cents = whole_value
            .checked_mul(100)
            .and_then(|c| c.checked_add(frac_value))
            .ok_or_else(|| DomainError::new("amount", format!("{raw:?} is out of range")))?;
        Self::from_cents(cents, currency)
    }

    /// Converts a JSON number as a vendor sent it (e.g. bol's `unitPrice: 12.99`) through its
    /// shortest decimal representation, so no binary rounding leaks into the cents.
    ///
    /// # Errors
    ///
    /// When the number is not finite, negative, or has more than two decimals.
    pub fn from_json_number(value: f64, currency: Currency) -> Result<Self, DomainError> {
        if !value.is_finite() {
            return Err(DomainError::new("amount", "is not a finite number"));
        }
        // `{}` on f64 prints the shortest text that reads back as the same f64.
        Self::parse_decimal(&format!("{value}"), currency)
    }

    /// The amount in cents.
    pub fn cents(&self) -> i64 {
        self.cents
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount as decimal text with two decimals, e.g. `12.99` (what webshop APIs take).
    pub fn to_decimal_string(&self) -> String {
        format!("{}.{:02}", self.cents / 100, self.cents % 100)
    }

    /// The amount times a quantity.
    ///
    /// # Errors
    ///
    /// When the product is too large.
    pub fn times(&self, quantity: u32) -> Result<Self, DomainError> {
        let cents = self
            .cents
            .checked_mul(i64::from(quantity))
            .ok_or_else(|| DomainError::new("amount", "overflow"))?;
        Self::from_cents(cents, self.currency)
    }
}

impl Money {
    /// The sum of two amounts of the same currency.
    ///
    /// # Errors
    ///
    /// When the currencies differ or the sum is too large.
    pub fn plus(&self, other: Money) -> Result<Self, DomainError> {
        if self.currency != other.currency {
            return Err(DomainError::new(
                "amount",
                format!("cannot add {} to {}", other.currency, self.currency),
            ));
        }
        let cents = self
            .cents
            .checked_add(other.cents)
            .ok_or_else(|| DomainError::new("amount", "overflow"))?;
        Self::from_cents(cents, self.currency)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decimals_exactly() {
        let eur = Currency::EUR;
        assert_eq!(Money::parse_decimal("12.99", eur).unwrap().cents(), 1299);
        assert_eq!(Money::parse_decimal("12.9", eur).unwrap().cents(), 1290);
        assert_eq!(Money::parse_decimal("12", eur).unwrap().cents(), 1200);
        assert_eq!(Money::parse_decimal("0.10", eur).unwrap().cents(), 10);
        assert_eq!(Money::parse_decimal("1.230", eur).unwrap().cents(), 123);
        assert!(Money::parse_decimal("1.234", eur).is_err());
        assert!(Money::parse_decimal("-1.00", eur).is_err());
        assert!(Money::parse_decimal("abc", eur).is_err());
        assert!(Money::parse_decimal(".5", eur).is_err());
    }

    #[test]
    fn json_numbers_do_not_pick_up_float_noise() {
        // 0.1 + 0.2 style values: 19.99 * 100 is 1998.9999999999998 as f64.
        assert_eq!(
            Money::from_json_number(19.99, Currency::EUR)
                .unwrap()
                .cents(),
            1999
        );
        assert_eq!(
            Money::from_json_number(0.29, Currency::EUR)
                .unwrap()
                .cents(),
            29
        );
        assert!(Money::from_json_number(f64::NAN, Currency::EUR).is_err());
        assert!(Money::from_json_number(1.005, Currency::EUR).is_err());
    }

    #[test]
    fn formats_with_two_decimals() {
        let m = Money::from_cents(1205, Currency::EUR).unwrap();
        assert_eq!(m.to_decimal_string(), "12.05");
        assert_eq!(m.times(3).unwrap().cents(), 3615);
        assert!(Currency::parse("EU").is_err());
        let eur = |cents| Money::from_cents(cents, Currency::EUR).unwrap();
        assert_eq!(eur(1999).plus(eur(1)).unwrap(), eur(2000));
        let usd = Money::from_cents(1, Currency::parse("USD").unwrap()).unwrap();
        assert!(eur(1).plus(usd).is_err());
    }
}
