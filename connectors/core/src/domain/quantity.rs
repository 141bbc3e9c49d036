//! A positive number of items on an order line.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::DomainError;

/// How many items a line orders, ships or cancels: at least 1, at most [`Quantity::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Quantity(u32);

impl Quantity {
    /// More items than any plausible consumer order line; larger values are bad data.
    pub const MAX: u32 = 10_000;

    /// A quantity.
    ///
    /// # Errors
    ///
    /// When `n` is 0 or above [`Quantity::MAX`].
    pub fn new(n: u32) -> Result<Self, DomainError> {
        if n == 0 {
            return Err(DomainError::new("quantity", "is 0"));
        }
        if n > Self::MAX {
            return Err(DomainError::new(
                "quantity",
                format!("{n} is above the maximum of {}", Self::MAX),
            ));
        }
        Ok(Self(n))
    }

    /// The number of items.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Quantity {
    type Error = DomainError;
    fn try_from(n: u32) -> Result<Self, DomainError> {
        Self::new(n)
    }
}

impl From<Quantity> for u32 {
    fn from(q: Quantity) -> u32 {
        q.0
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_zero_and_huge() {
        assert!(Quantity::new(0).is_err());
        assert!(Quantity::new(Quantity::MAX + 1).is_err());
        assert_eq!(Quantity::new(3).unwrap().get(), 3);
    }
}
