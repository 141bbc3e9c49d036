//! Turns the data set's PCRE patterns into patterns the `regex` crate compiles, without changing
//! which normalised codes they accept.
//!
//! The `regex` crate reads `(?<Name>...)` groups, `\s`, `\b` and counted repetition as PCRE does,
//! so most patterns are used as written, anchored as `^(?:...)$` like the upstream libraries'
//! "verify" pattern. Two things need help:
//!
//! - **Look-arounds** (`(?=`, `(?!`), which the `regex` crate does not implement. The three
//!   patterns that use them are replaced by hand-written equivalents in [`TRANSLATIONS`]. A
//!   look-ahead that fixes how many characters follow becomes separate alternatives, one per
//!   length it admits, tried in the order a backtracking engine would try them, so the
//!   `SerialNumber` and `CheckDigit` captures are the same as upstream. Groups no validation
//!   reads (`ShipperId`, `PackageId`, in IMpb C also `ApplicationIdentifier` and `ServiceType`)
//!   are left out where keeping them would need the same group name twice. Each translation keeps
//!   the upstream pattern it replaces; a test fails when the vendored data changes under it.
//!   The `prepend_if` conditions (`^(?!4).+$`) are handled by [`Condition`].
//! - **Dashes.** [`crate::domain::TrackingCode`] removes dashes, so a literal `-` in a pattern
//!   (LaserShip `...-1`) is made optional.

use regex::Regex;

/// A hand translation of one data-set pattern that uses look-arounds.
pub(crate) struct Translation {
    /// The `id` of the tracking number format.
    pub format_id: &'static str,
    /// The upstream pattern, exactly as in the vendored JSON.
    pub upstream: &'static str,
    /// Equivalent look-around-free alternatives, tried in order; each is anchored when compiled.
    pub alternatives: &'static [&'static str],
}

/// The translations; see the module documentation. Verified against the upstream patterns with a
/// backtracking engine on every data-set test number and on generated codes of every length and
/// prefix the patterns distinguish.
pub(crate) const TRANSLATIONS: &[Translation] = &[
    // The two look-aheads ask for 10 to 39 characters ending at a word boundary (already implied
    // by the consuming part on an anchored, normalised code) and that the first non-space
    // character of the serial is a digit.
    Translation {
        format_id: "dhl_ecommerce",
        upstream: concat!(
            r"(?:GM|LX|RX|UV|CN|SG|TH|IN|HK|MY)\s*",
            r"(?<SerialNumber>",
            r"(?=[0-9A-Z\s]{10,39}\b)(?=[^0-9A-Z]*[0-9])[0-9A-Z\s]{10,39})",
        ),
        alternatives: &[r"(?:GM|LX|RX|UV|CN|SG|TH|IN|HK|MY)(?<SerialNumber>[0-9][0-9A-Z]{9,38})"],
    },
    // Serial + check digit is 22, 26 or (9-digit mailer id, 15-digit package id) 30 digits.
    // After the 5-digit ZIP 22 or 26 digits must follow, after ZIP+4 exactly 22.
    Translation {
        format_id: "usps_impb_n",
        upstream: concat!(
            r"\s*((?<RoutingApplicationId>4\s*2\s*0\s*)",
            r"(?<DestinationZip>([0-9]\s*){5}(?=([0-9]\s*){22}(?![0-9])|([0-9]\s*){26}(?![0-9])))",
            r"(?<DestinationZipPlus4>([0-9]\s*){4}(?=([0-9]\s*){22}(?![0-9])))?)?",
            r"(?<SerialNumber>(?<ApplicationIdentifier>9\s*4\s*)(?<ServiceType>([0-9]\s*){3})",
            r"(?=9\s*([0-9]\s*){8}(([0-9]\s*){15}|([0-9]\s*){11}|([0-9]\s*){7})[0-9]\s*(?![0-9])",
            r"|[0-8]\s*([0-9]\s*){5}(([0-9]\s*){14}|([0-9]\s*){10})[0-9]\s*(?![0-9]))",
            r"(?<ShipperId>9\s*([0-9]\s*){8}|[0-8]\s*([0-9]\s*){5})",
            r"(?<PackageId>([0-9]\s*){15}|([0-9]\s*){14}|([0-9]\s*){11}",
            r"|([0-9]\s*){10}|([0-9]\s*){7}))",
            r"(?<CheckDigit>[0-9]\s*)",
        ),
        alternatives: &[
            concat!(
                r"(?<RoutingApplicationId>420)",
                r"(?<DestinationZip>[0-9]{5})",
                r"(?<DestinationZipPlus4>[0-9]{4})",
                r"(?<SerialNumber>(?<ApplicationIdentifier>94)(?<ServiceType>[0-9]{3})[0-9]{16})",
                r"(?<CheckDigit>[0-9])",
            ),
            concat!(
                r"(?<RoutingApplicationId>420)",
                r"(?<DestinationZip>[0-9]{5})",
                r"(?<SerialNumber>(?<ApplicationIdentifier>94)",
                r"(?<ServiceType>[0-9]{3})(?:[0-9]{16}|[0-9]{20}))",
                r"(?<CheckDigit>[0-9])",
            ),
            concat!(
                r"(?<SerialNumber>(?<ApplicationIdentifier>94)",
                r"(?<ServiceType>[0-9]{3})(?:[0-9]{16}|[0-9]{20}|9[0-9]{23}))",
                r"(?<CheckDigit>[0-9])",
            ),
        ],
    },
    // Serial + check digit is 22 or 26 digits; application identifier 92 requires a mailer id
    // starting with 9, 93 one starting with 0-8. After ZIP+4 exactly 22 digits must follow.
    Translation {
        format_id: "usps_impb_c",
        upstream: concat!(
            r"\s*(?:(?<RoutingApplicationId>4\s*2\s*0\s*)",
            r"(?<DestinationZip>([0-9]\s*){5})",
            r"(?<DestinationZipPlus4>([0-9]\s*){4}(?=([0-9]\s*){22}(?![0-9])))?)?",
            r"(?<SerialNumber>",
            r"(?<ApplicationIdentifier>9\s*2\s*(?=([0-9]\s*){3}9)",
            r"|9\s*3\s*(?=([0-9]\s*){3}[0-8])|9\s*5\s*)",
            r"(?<ServiceType>([0-9]\s*){3})",
            r"(?=9\s*([0-9]\s*){8}(([0-9]\s*){11}|([0-9]\s*){7})[0-9]\s*(?![0-9])",
            r"|[0-8]\s*([0-9]\s*){5}(([0-9]\s*){14}|([0-9]\s*){10})[0-9]\s*(?![0-9]))",
            r"(?<ShipperId>9\s*([0-9]\s*){8}|[0-8]\s*([0-9]\s*){5})",
            r"(?<PackageId>([0-9]\s*){14}|([0-9]\s*){11}|([0-9]\s*){10}|([0-9]\s*){7}))",
            r"(?<CheckDigit>[0-9]\s*)",
        ),
        alternatives: &[
            concat!(
                r"(?<RoutingApplicationId>420)",
                r"(?<DestinationZip>[0-9]{5})",
                r"(?<DestinationZipPlus4>[0-9]{4})",
                r"(?<SerialNumber>(?:92[0-9]{3}9|93[0-9]{3}[0-8]|95[0-9]{4})[0-9]{15})",
                r"(?<CheckDigit>[0-9])",
            ),
            concat!(
                r"(?<RoutingApplicationId>420)",
                r"(?<DestinationZip>[0-9]{5})",
                r"(?<SerialNumber>(?:92[0-9]{3}9|93[0-9]{3}[0-8]|95[0-9]{4})",
                r"(?:[0-9]{15}|[0-9]{19}))",
                r"(?<CheckDigit>[0-9])",
            ),
            concat!(
                r"(?<SerialNumber>(?:92[0-9]{3}9|93[0-9]{3}[0-8]|95[0-9]{4})",
                r"(?:[0-9]{15}|[0-9]{19}))",
                r"(?<CheckDigit>[0-9])",
            ),
        ],
    },
];

/// The anchored patterns, tried in order, that stand for a data-set pattern: its translation when
/// [`TRANSLATIONS`] has one for exactly this upstream pattern, else the pattern itself with
/// literal dashes made optional.
pub(crate) fn anchored_alternatives(format_id: Option<&str>, upstream: &str) -> Vec<String> {
    let translation = TRANSLATIONS.iter().find(|translation| {
        Some(translation.format_id) == format_id && translation.upstream == upstream
    });
    match translation {
        Some(translation) => translation
            .alternatives
            .iter()
            .map(|alternative| anchor(alternative))
            .collect(),
        None => vec![anchor(&dashes_optional(upstream))],
    }
}

fn anchor(pattern: &str) -> String {
    format!("^(?:{pattern})$")
}

/// Makes every literal `-` outside a character class optional.
fn dashes_optional(pattern: &str) -> String {
    let mut rewritten = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut escaped = false;
    for c in pattern.chars() {
        rewritten.push(c);
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if in_class {
            in_class = c != ']';
        } else if c == '[' {
            in_class = true;
        } else if c == '-' {
            rewritten.push('?');
        }
    }
    rewritten
}

/// A `prepend_if.matches_regex` condition. A leading `^(?!X)` becomes "does not start with X".
#[derive(Debug)]
pub(crate) struct Condition {
    excluded_prefix: Option<Regex>,
    required: Regex,
}

impl Condition {
    /// Compiles a condition.
    ///
    /// # Errors
    ///
    /// When a part is not a pattern the `regex` crate accepts (e.g. a look-around elsewhere).
    pub(crate) fn compile(pattern: &str) -> Result<Self, regex::Error> {
        let Some((excluded, rest)) = split_leading_negative_lookahead(pattern) else {
            return Ok(Self {
                excluded_prefix: None,
                required: Regex::new(pattern)?,
            });
        };
        Ok(Self {
            excluded_prefix: Some(Regex::new(&format!("^(?:{excluded})"))?),
            required: Regex::new(&format!("^{rest}"))?,
        })
    }

    /// Whether `value` satisfies the condition (searched like upstream, not implicitly anchored).
    pub(crate) fn is_match(&self, value: &str) -> bool {
        let excluded = self
            .excluded_prefix
            .as_ref()
            .is_some_and(|prefix| prefix.is_match(value));
        !excluded && self.required.is_match(value)
    }
}

/// For `^(?!X)rest`, returns `(X, rest)`.
fn split_leading_negative_lookahead(pattern: &str) -> Option<(&str, &str)> {
    let body = pattern.strip_prefix("^(?!")?;
    let mut depth = 0_usize;
    let mut escaped = false;
    for (byte_idx, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '(' => depth += 1,
            ')' if depth == 0 => return Some((&body[..byte_idx], &body[byte_idx + 1..])),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_become_optional_outside_classes() {
        assert_eq!(dashes_optional(r"[0-9]{6}-\s*1"), r"[0-9]{6}-?\s*1");
        assert_eq!(dashes_optional(r"[A-Z\-]x\-"), r"[A-Z\-]x\-");
        assert_eq!(dashes_optional(r"[a-]-"), r"[a-]-?");
    }

    #[test]
    fn untranslated_patterns_are_anchored_as_written() {
        assert_eq!(
            anchored_alternatives(Some("ups"), r"1Z(?<SerialNumber>\d)"),
            vec![r"^(?:1Z(?<SerialNumber>\d))$".to_owned()]
        );
        // A translation only applies to the exact upstream pattern it was written for.
        assert_eq!(
            anchored_alternatives(Some("dhl_ecommerce"), "GM[0-9]+"),
            vec!["^(?:GM[0-9]+)$".to_owned()]
        );
    }

    #[test]
    fn every_translation_compiles_and_upstream_does_not() {
        for translation in TRANSLATIONS {
            assert!(Regex::new(translation.upstream).is_err());
            for pattern in anchored_alternatives(Some(translation.format_id), translation.upstream)
            {
                let compiled = Regex::new(&pattern).expect("translations compile");
                let names: Vec<_> = compiled.capture_names().flatten().collect();
                assert!(names.contains(&"SerialNumber"), "{pattern}");
            }
        }
    }

    #[test]
    fn leading_negative_lookahead_becomes_an_excluded_prefix() {
        let condition = Condition::compile(r"^(?!9\s*1).+").expect("the condition compiles");
        assert!(condition.is_match("7196901075600307738"));
        assert!(!condition.is_match("9101123456789000000001"));
        assert!(!condition.is_match(""));
        let condition = Condition::compile("^(?!(4)).+$").expect("the condition compiles");
        assert!(condition.is_match("1103150000187"));
        assert!(!condition.is_match("41103150000187"));
        let plain = Condition::compile("^4").expect("the condition compiles");
        assert!(plain.is_match("41"));
        assert!(!plain.is_match("14"));
    }
}
