//! Check-digit algorithms. [`ChecksumSpec`] is the `validation.checksum` object of the vendored
//! tracking_number_data set, named and parameterised exactly as the data set writes it; the NL/BE
//! rules in [`super::nl_be`] reuse the same functions plus the GLS check digit, which the data set
//! does not know.
//!
//! Every function takes the serial number (the part the check digit is computed from) and the
//! check digit as printed, and answers whether they agree. A character an algorithm has no value
//! for makes the number invalid rather than panicking.

use serde::Deserialize;

/// A `validation.checksum` object of the data set: `name` picks the algorithm, the other fields
/// are its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum ChecksumSpec {
    /// Weighted digit sum, check digit brings it to a multiple of `modulo`. Letters count as
    /// `(ASCII code - 3) mod 10` (the UPS convention). Position 0 is an "even" position.
    Mod10 {
        modulo: Option<u32>,
        evens_multiplier: Option<u32>,
        odds_multiplier: Option<u32>,
        #[serde(default)]
        reverse: bool,
    },
    /// The serial read as one number, modulo 7 (DHL Express air waybills).
    Mod7 { modulo: Option<u32> },
    /// UPU S10: weights 8 6 4 2 3 5 9 7, modulo 11, remainder 0 → 5 and 1 → 0.
    S10 { weightings: Vec<u32>, modulo: u32 },
    /// Weighted sum, then `modulo1`, then `modulo2` (FedEx).
    SumProductWithWeightingsAndModulo {
        weightings: Vec<u32>,
        modulo1: u32,
        modulo2: u32,
    },
    /// The Luhn algorithm over the serial, doubling from the rightmost serial digit.
    Luhn { modulo: Option<u32> },
    /// ISO/IEC 7064 MOD 37,36 hybrid system, with an alphanumeric check character (DPD).
    #[serde(rename = "mod_37_36")]
    Mod37_36 { modulo: u32, alphabet: String },
}

impl ChecksumSpec {
    /// Whether `check` is the right check character for `serial`. A modulus of zero in the data
    /// would make every number invalid rather than divide by zero.
    pub(crate) fn is_valid(&self, serial: &str, check: &str) -> bool {
        if self.has_zero_modulus() {
            return false;
        }
        match self {
            Self::Mod10 {
                modulo,
                evens_multiplier,
                odds_multiplier,
                reverse,
            } => mod10(
                serial,
                check,
                modulo.unwrap_or(10),
                evens_multiplier.unwrap_or(1),
                odds_multiplier.unwrap_or(1),
                *reverse,
            ),
            Self::Mod7 { modulo } => mod_n_of_number(serial, check, modulo.unwrap_or(7)),
            Self::S10 { weightings, modulo } => s10(serial, check, weightings, *modulo),
            Self::SumProductWithWeightingsAndModulo {
                weightings,
                modulo1,
                modulo2,
            } => sum_product_with_weightings_and_modulo(
                serial, check, weightings, *modulo1, *modulo2,
            ),
            Self::Luhn { .. } => luhn(serial, check),
            Self::Mod37_36 { modulo, alphabet } => mod_37_36(serial, check, *modulo, alphabet),
        }
    }

    /// Whether a modulus parameter is zero.
    fn has_zero_modulus(&self) -> bool {
        match self {
            Self::Mod10 { modulo, .. } | Self::Mod7 { modulo } | Self::Luhn { modulo } => {
                *modulo == Some(0)
            }
            Self::S10 { modulo, .. } | Self::Mod37_36 { modulo, .. } => *modulo == 0,
            Self::SumProductWithWeightingsAndModulo {
                modulo1, modulo2, ..
            } => *modulo1 == 0 || *modulo2 == 0,
        }
    }
}

/// The single decimal digit `check`, if it is one.
fn check_digit_value(check: &str) -> Option<u32> {
    let mut chars = check.chars();
    let digit = chars.next()?.to_digit(10)?;
    chars.next().is_none().then_some(digit)
}

/// Weighted digit sum modulo `modulo`; see [`ChecksumSpec::Mod10`].
pub(crate) fn mod10(
    serial: &str,
    check: &str,
    modulo: u32,
    evens_multiplier: u32,
    odds_multiplier: u32,
    reverse: bool,
) -> bool {
    let chars: Vec<char> = if reverse {
        serial.chars().rev().collect()
    } else {
        serial.chars().collect()
    };
    let mut total: u32 = 0;
    for (char_idx, c) in chars.into_iter().enumerate() {
        let value = match c.to_digit(10) {
            Some(digit) => digit,
            None if c.is_ascii_uppercase() => (u32::from(c) - 3) % 10,
            None => return false,
        };
        let multiplier = if char_idx % 2 == 1 {
            odds_multiplier
        } else {
            evens_multiplier
        };
        total += value * multiplier;
    }
    let expected = (modulo - total % modulo) % modulo;
    check_digit_value(check) == Some(expected)
}

/// The serial as a decimal number, modulo `modulo`, equals the check digit.
fn mod_n_of_number(serial: &str, check: &str, modulo: u32) -> bool {
    let mut remainder: u32 = 0;
    for c in serial.chars() {
        let Some(digit) = c.to_digit(10) else {
            return false;
        };
        remainder = (remainder * 10 + digit) % modulo;
    }
    check_digit_value(check) == Some(remainder)
}

/// The UPU S10 check digit; see [`ChecksumSpec::S10`].
pub(crate) fn s10(serial: &str, check: &str, weightings: &[u32], modulo: u32) -> bool {
    let Some(total) = weighted_digit_sum(serial, weightings) else {
        return false;
    };
    let expected = match total % modulo {
        0 => 5,
        1 => 0,
        remainder => modulo - remainder,
    };
    check_digit_value(check) == Some(expected)
}

/// The UPU S10 weights, for the NL/BE rules that reuse the S10 check digit.
pub(crate) const S10_WEIGHTINGS: [u32; 8] = [8, 6, 4, 2, 3, 5, 9, 7];

fn sum_product_with_weightings_and_modulo(
    serial: &str,
    check: &str,
    weightings: &[u32],
    modulo1: u32,
    modulo2: u32,
) -> bool {
    match weighted_digit_sum(serial, weightings) {
        Some(total) => check_digit_value(check) == Some(total % modulo1 % modulo2),
        None => false,
    }
}

/// Sum of digit × weight, position by position. `None` when a character is not a digit or the
/// serial is longer than the weights (the data set gives one weight per serial digit).
fn weighted_digit_sum(serial: &str, weightings: &[u32]) -> Option<u32> {
    if serial.chars().count() > weightings.len() {
        return None;
    }
    serial
        .chars()
        .zip(weightings)
        .map(|(c, weight)| c.to_digit(10).map(|digit| digit * weight))
        .sum()
}

/// The Luhn check digit of `serial`.
fn luhn(serial: &str, check: &str) -> bool {
    let mut total: u32 = 0;
    for (char_idx, c) in serial.chars().rev().enumerate() {
        let Some(mut value) = c.to_digit(10) else {
            return false;
        };
        if char_idx % 2 == 0 {
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }
        total += value;
    }
    check_digit_value(check) == Some((10 - total % 10) % 10)
}

/// ISO/IEC 7064 MOD 37,36 (hybrid, `modulo` = 36) over `alphabet`.
fn mod_37_36(serial: &str, check: &str, modulo: u32, alphabet: &str) -> bool {
    let value_of = |c: char| alphabet.chars().position(|a| a == c);
    let mut product = modulo;
    for c in serial.chars() {
        let Some(value) = value_of(c) else {
            return false;
        };
        // `value` is an index into the alphabet (36 characters), so it fits in u32.
        let mut sum = (product + value as u32) % modulo;
        if sum == 0 {
            sum = modulo;
        }
        product = (sum * 2) % (modulo + 1);
    }
    let expected = (modulo + 1 - product) % modulo;
    let mut check_chars = check.chars();
    match (check_chars.next(), check_chars.next()) {
        (Some(c), None) => value_of(c) == Some(expected as usize),
        _ => false,
    }
}

/// The GLS parcel number check digit over the first 11 digits: weights 3 and 1 alternating from
/// the left, plus one, then the distance to the next multiple of ten. Source: GLS "Uni-Box
/// TechDoku 2D" chapter 3.2.1, as implemented by public GLS tracking clients.
pub(crate) fn gls(serial: &str, check: &str) -> bool {
    let Some(total) = serial
        .chars()
        .enumerate()
        .map(|(char_idx, c)| {
            let weight = if char_idx % 2 == 0 { 3 } else { 1 };
            c.to_digit(10).map(|digit| digit * weight)
        })
        .sum::<Option<u32>>()
    else {
        return false;
    };
    check_digit_value(check) == Some((10 - (total + 1) % 10) % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mod10_with_ups_weights_counts_letters() {
        // UPS: serial after "1Z", odd positions doubled; from the data set's valid numbers.
        assert!(mod10("5R8939035756712", "7", 10, 1, 2, false));
        assert!(!mod10("5R8939035756712", "8", 10, 1, 2, false));
        assert!(!mod10("5r8939035756712", "7", 10, 1, 2, false));
    }

    #[test]
    fn mod10_reverse_reads_from_the_right() {
        // USPS IMpb, weights 3/1 from the rightmost serial digit.
        assert!(mod10("940011120620640626078", "7", 10, 3, 1, true));
        // The direction only matters for serials of even length: 1·3 + 2·1 vs 2·3 + 1·1.
        assert!(mod10("12", "5", 10, 3, 1, false));
        assert!(mod10("21", "5", 10, 3, 1, true));
        assert!(!mod10("12", "5", 10, 3, 1, true));
    }

    #[test]
    fn mod7_reads_the_serial_as_a_number() {
        assert!(ChecksumSpec::Mod7 { modulo: Some(7) }.is_valid("331881002", "5"));
        assert!(!ChecksumSpec::Mod7 { modulo: Some(7) }.is_valid("331881001", "0"));
    }

    #[test]
    fn s10_maps_remainders_zero_and_one() {
        assert!(s10("12345678", "5", &S10_WEIGHTINGS, 11));
        assert!(!s10("12345678", "6", &S10_WEIGHTINGS, 11));
        assert!(!s10("1234567A", "5", &S10_WEIGHTINGS, 11));
    }

    #[test]
    fn luhn_doubles_from_the_right() {
        assert!(luhn("7992739871", "3"));
        assert!(!luhn("7992739871", "4"));
    }

    #[test]
    fn mod_37_36_gives_alphanumeric_check_characters() {
        let alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        assert!(mod_37_36("09980000020033", "F", 36, alphabet));
        assert!(mod_37_36("09980000020034", "D", 36, alphabet));
        assert!(!mod_37_36("09980000020033", "D", 36, alphabet));
        assert!(!mod_37_36("0998000002003!", "F", 36, alphabet));
    }

    #[test]
    fn gls_adds_one_before_the_modulo() {
        assert!(gls("12345678901", "1"));
        assert!(gls("60123456789", "6"));
        assert!(!gls("60123456789", "7"));
    }

    #[test]
    fn a_zero_modulus_invalidates_instead_of_panicking() {
        let spec = ChecksumSpec::Mod7 { modulo: Some(0) };
        assert!(!spec.is_valid("331881002", "5"));
        let spec = ChecksumSpec::SumProductWithWeightingsAndModulo {
            weightings: vec![1, 2],
            modulo1: 11,
            modulo2: 0,
        };
        assert!(!spec.is_valid("12", "5"));
    }

    #[test]
    fn check_must_be_a_single_digit() {
        assert!(!luhn("7992739871", "33"));
        assert!(!luhn("7992739871", ""));
        assert!(!gls("12345678901", "X"));
    }
}
