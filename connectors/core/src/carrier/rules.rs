//! A merchant's carrier mapping rules, per connection: "codes matching this pattern are that
//! carrier", plus a default carrier. They decide the carrier a shipment is reported with, as
//! PRODUCT.md puts it: the carrier comes from the webshop's shipment data when it has one, else it
//! is detected from the track & trace code, and the merchant's rules override both.

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use super::detect;
use crate::domain::{Carrier, DomainError, TrackingCode};

/// Largest compiled size of one merchant pattern, so a pathological pattern in a config file is
/// rejected at start-up instead of using a lot of memory.
const MAX_PATTERN_SIZE_BYTES: usize = 1 << 20;

/// One mapping rule as the merchant writes it in the connection's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarrierRule {
    /// Regular expression (Rust `regex` syntax) searched in the normalised track & trace code:
    /// upper case, without spaces or dashes. Not anchored: write `^3S` for "starts with 3S".
    pub pattern: String,
    /// The carrier for codes that match: a name (`PostNL`, `DHL Parcel`, `DPD BE`) or a
    /// marketplace transporter code (`TNT`, `DHLFORYOU`); unknown names are kept as they are.
    pub carrier: String,
}

/// Why carrier rules could not be compiled. Rule indexes count from 0, in configuration order.
#[derive(Debug, thiserror::Error)]
pub enum CarrierRuleError {
    /// A rule's pattern is not a valid regular expression.
    #[error(
        "carrier rule {rule_idx}: pattern {pattern:?} is not a valid regular expression: {source}"
    )]
    InvalidPattern {
        /// Index of the rule.
        rule_idx: usize,
        /// The pattern as written.
        pattern: String,
        /// What the regex compiler said.
        source: regex::Error,
    },
    /// A rule's carrier is not a usable carrier name.
    #[error("carrier rule {rule_idx}: carrier {carrier:?}: {source}")]
    InvalidCarrier {
        /// Index of the rule.
        rule_idx: usize,
        /// The carrier as written.
        carrier: String,
        /// Why it is not a carrier name.
        source: DomainError,
    },
    /// The default carrier is not a usable carrier name.
    #[error("default carrier {carrier:?}: {source}")]
    InvalidDefaultCarrier {
        /// The carrier as written.
        carrier: String,
        /// Why it is not a carrier name.
        source: DomainError,
    },
}

/// A connection's carrier rules, compiled; see [`CarrierRules::resolve`].
#[derive(Debug, Clone, Default)]
pub struct CarrierRules {
    rules: Vec<(Regex, Carrier)>,
    default_carrier: Option<Carrier>,
}

impl CarrierRules {
    /// Compiles the merchant's rules and default carrier.
    ///
    /// # Errors
    ///
    /// [`CarrierRuleError::InvalidPattern`] when a pattern is not a valid regular expression (or
    /// compiles too large), [`CarrierRuleError::InvalidCarrier`] or
    /// [`CarrierRuleError::InvalidDefaultCarrier`] when a carrier name is empty or longer than 40
    /// characters. The first bad rule is reported, by index.
    pub fn compile(
        rules: &[CarrierRule],
        default_carrier: Option<&str>,
    ) -> Result<CarrierRules, CarrierRuleError> {
        let compiled = rules
            .iter()
            .enumerate()
            .map(|(rule_idx, rule)| {
                let regex = RegexBuilder::new(&rule.pattern)
                    .size_limit(MAX_PATTERN_SIZE_BYTES)
                    .build()
                    .map_err(|source| CarrierRuleError::InvalidPattern {
                        rule_idx,
                        pattern: rule.pattern.clone(),
                        source,
                    })?;
                let carrier = Carrier::from_name(&rule.carrier).map_err(|source| {
                    CarrierRuleError::InvalidCarrier {
                        rule_idx,
                        carrier: rule.carrier.clone(),
                        source,
                    }
                })?;
                Ok((regex, carrier))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let default_carrier = default_carrier
            .map(|name| {
                Carrier::from_name(name).map_err(|source| CarrierRuleError::InvalidDefaultCarrier {
                    carrier: name.to_owned(),
                    source,
                })
            })
            .transpose()?;
        Ok(CarrierRules {
            rules: compiled,
            default_carrier,
        })
    }

    /// The carrier to report for a shipment. Resolution order:
    /// 1. the first merchant rule whose pattern matches the code;
    /// 2. the carrier the webshop gave (`webshop_carrier`, read with [`Carrier::from_name`];
    ///    empty or unreadable values are ignored);
    /// 3. the carrier [`detect`]ed from the code;
    /// 4. the default carrier;
    /// 5. none.
    pub fn resolve(
        &self,
        code: Option<&TrackingCode>,
        webshop_carrier: Option<&str>,
    ) -> Option<Carrier> {
        let by_rule = code.and_then(|code| {
            self.rules
                .iter()
                .find(|(pattern, _)| pattern.is_match(code.as_str()))
                .map(|(_, carrier)| carrier.clone())
        });
        by_rule
            .or_else(|| {
                webshop_carrier
                    .filter(|name| !name.trim().is_empty())
                    .and_then(|name| Carrier::from_name(name).ok())
            })
            .or_else(|| code.and_then(detect))
            .or_else(|| self.default_carrier.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pattern: &str, carrier: &str) -> CarrierRule {
        CarrierRule {
            pattern: pattern.to_owned(),
            carrier: carrier.to_owned(),
        }
    }

    fn code(raw: &str) -> TrackingCode {
        TrackingCode::parse(raw).expect("test codes are valid")
    }

    #[test]
    fn merchant_rules_win_over_webshop_and_detection() {
        let rules = CarrierRules::compile(&[rule("^0521", "DPD BE")], Some("GLS"))
            .expect("the rules are valid");
        // Detection says DPD NL and the webshop says DPD; the merchant's rule says DPD BE.
        let dpd = code("05212345678901");
        assert_eq!(rules.resolve(Some(&dpd), Some("DPD")), Some(Carrier::DpdBe));
    }

    #[test]
    fn first_matching_rule_wins() {
        let rules =
            CarrierRules::compile(&[rule("^3S", "DHLFORYOU"), rule("^3SABCD", "PostNL")], None)
                .expect("the rules are valid");
        let postnl = code("3SABCD1234567");
        assert_eq!(rules.resolve(Some(&postnl), None), Some(Carrier::DhlParcel));
    }

    #[test]
    fn webshop_carrier_wins_over_detection() {
        let rules = CarrierRules::compile(&[rule("^JVGL", "DHL Parcel")], Some("GLS"))
            .expect("the rules are valid");
        let postnl = code("3SABCD1234567");
        assert_eq!(
            rules.resolve(Some(&postnl), Some("UPS")),
            Some(Carrier::Ups)
        );
        assert_eq!(
            rules.resolve(Some(&postnl), Some("Budbee")),
            Some(Carrier::Other("BUDBEE".into()))
        );
    }

    #[test]
    fn empty_webshop_carrier_falls_back_to_detection_then_default() {
        let rules = CarrierRules::compile(&[], Some("GLS")).expect("the rules are valid");
        let postnl = code("3SABCD1234567");
        assert_eq!(
            rules.resolve(Some(&postnl), Some("  ")),
            Some(Carrier::PostNl)
        );
        assert_eq!(rules.resolve(Some(&postnl), None), Some(Carrier::PostNl));
        let unknown = code("ABC123");
        assert_eq!(rules.resolve(Some(&unknown), Some("")), Some(Carrier::Gls));
        assert_eq!(rules.resolve(None, None), Some(Carrier::Gls));
        let too_long = "x".repeat(41);
        assert_eq!(rules.resolve(None, Some(&too_long)), Some(Carrier::Gls));
    }

    #[test]
    fn without_rules_or_default_nothing_is_guessed() {
        let rules = CarrierRules::default();
        assert_eq!(rules.resolve(Some(&code("ABC123")), None), None);
        assert_eq!(rules.resolve(None, None), None);
        assert_eq!(rules.resolve(None, Some("PostNL")), Some(Carrier::PostNl));
    }

    #[test]
    fn compile_errors_name_the_rule() {
        let error = CarrierRules::compile(&[rule("^3S", "PostNL"), rule("^(JVGL", "DHL")], None)
            .expect_err("the rules are invalid");
        assert!(matches!(
            error,
            CarrierRuleError::InvalidPattern { rule_idx: 1, .. }
        ));
        assert!(error.to_string().contains("carrier rule 1"), "{error}");
        assert!(error.to_string().contains("^(JVGL"), "{error}");

        let error =
            CarrierRules::compile(&[rule("^3S", " ")], None).expect_err("the rules are invalid");
        assert!(matches!(
            error,
            CarrierRuleError::InvalidCarrier { rule_idx: 0, .. }
        ));

        let error = CarrierRules::compile(&[], Some("")).expect_err("the rules are invalid");
        assert!(matches!(
            error,
            CarrierRuleError::InvalidDefaultCarrier { .. }
        ));
    }

    #[test]
    fn rules_deserialize_strictly() {
        let rules: Vec<CarrierRule> =
            serde_json::from_str(r#"[{"pattern": "^3S", "carrier": "PostNL"}]"#)
                .expect("the rules are valid");
        assert_eq!(rules, vec![rule("^3S", "PostNL")]);
        let unknown_field = r#"[{"pattern": "^3S", "carrier": "PostNL", "prio": 1}]"#;
        assert!(serde_json::from_str::<Vec<CarrierRule>>(unknown_field).is_err());
    }
}
