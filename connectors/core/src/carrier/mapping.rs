//! Which [`Carrier`] a data-set match means. The data set names couriers (`dhl`, `s10`, ...);
//! orderbridge's [`Carrier`] is what marketplaces and merchants speak.
//!
//! - `ups` → UPS, `fedex` → FedEx, `dpd` → DPD NL (the format does not say NL or BE; merchant
//!   rules can say DPD BE).
//! - `dhl`: the DHL Express formats (air waybill, piece id) → DHL Express; the DHL eCommerce
//!   formats → DHL Parcel, which [`Carrier`] uses for DHL Parcel Benelux and DHL eCommerce alike.
//! - `s10` (UPU international postal numbers) by the issuing country at the end: NL → PostNL,
//!   BE → bpost, DE → DHL DE (Deutsche Post DHL), any other country → [`Carrier::Other`] with the
//!   national operator's name from the data set's S10 table (`ROYAL MAIL GROUP PLC`).
//! - every other courier → [`Carrier::Other`] with the courier's name in upper case
//!   (`AMAZON`, `UNITED STATES POSTAL SERVICE`), or its code when the name does not fit.

use crate::domain::Carrier;

/// What the carrier mapping needs to know about a data-set match.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MatchedFormat<'a> {
    /// The data set's `courier_code`.
    pub courier_code: &'a str,
    /// The data set's courier `name`.
    pub courier_name: &'a str,
    /// The format's `id`, when it has one.
    pub format_id: Option<&'a str>,
    /// The `CountryCode` group, for S10 numbers.
    pub country_code: Option<&'a str>,
    /// The operator the S10 `Courier` table lists for the country code.
    pub postal_operator: Option<&'a str>,
}

/// The carrier of a data-set match; see the module documentation.
pub(crate) fn carrier_for(matched: &MatchedFormat<'_>) -> Carrier {
    match matched.courier_code {
        "ups" => Carrier::Ups,
        "fedex" => Carrier::FedEx,
        "dpd" => Carrier::DpdNl,
        "dhl" => match matched.format_id {
            Some("dhl_ecommerce" | "dhl_ecommerce_14") => Carrier::DhlParcel,
            _ => Carrier::DhlExpress,
        },
        "s10" => s10_carrier(matched),
        _ => named_other(matched.courier_name, matched.courier_code),
    }
}

fn s10_carrier(matched: &MatchedFormat<'_>) -> Carrier {
    match matched.country_code {
        Some("NL") => Carrier::PostNl,
        Some("BE") => Carrier::Bpost,
        Some("DE") => Carrier::DhlDe,
        Some(country_code) => {
            let fallback = format!("POST {country_code}");
            named_other(matched.postal_operator.unwrap_or(&fallback), &fallback)
        }
        None => named_other(matched.courier_name, matched.courier_code),
    }
}

/// `name` read by [`Carrier::from_name`] (so a known name still maps to its carrier), else
/// `fallback` in upper case.
fn named_other(name: &str, fallback: &str) -> Carrier {
    Carrier::from_name(name).unwrap_or_else(|_| Carrier::Other(fallback.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched<'a>(courier_code: &'a str, format_id: Option<&'a str>) -> MatchedFormat<'a> {
        MatchedFormat {
            courier_code,
            courier_name: "Some Courier",
            format_id,
            country_code: None,
            postal_operator: None,
        }
    }

    fn s10<'a>(country_code: &'a str, postal_operator: Option<&'a str>) -> MatchedFormat<'a> {
        MatchedFormat {
            country_code: Some(country_code),
            postal_operator,
            courier_name: "S10 International Standard",
            ..matched("s10", Some("s10"))
        }
    }

    #[test]
    fn express_couriers_map_to_their_carrier() {
        assert_eq!(carrier_for(&matched("ups", Some("ups"))), Carrier::Ups);
        assert_eq!(
            carrier_for(&matched("fedex", Some("fedex_12"))),
            Carrier::FedEx
        );
        assert_eq!(carrier_for(&matched("dpd", Some("dpd_14"))), Carrier::DpdNl);
    }

    #[test]
    fn dhl_splits_express_and_ecommerce() {
        let express = matched("dhl", Some("dhl_express_piece_id"));
        assert_eq!(carrier_for(&express), Carrier::DhlExpress);
        let ecommerce = matched("dhl", Some("dhl_ecommerce_14"));
        assert_eq!(carrier_for(&ecommerce), Carrier::DhlParcel);
    }

    #[test]
    fn s10_goes_by_country() {
        assert_eq!(carrier_for(&s10("NL", Some("PostNL"))), Carrier::PostNl);
        assert_eq!(carrier_for(&s10("BE", Some("bpost"))), Carrier::Bpost);
        assert_eq!(
            carrier_for(&s10("DE", Some("Deutsche Post"))),
            Carrier::DhlDe
        );
        assert_eq!(
            carrier_for(&s10("GB", Some("Royal Mail Group plc"))),
            Carrier::Other("ROYAL MAIL GROUP PLC".into())
        );
        let long_name = "Direction des services postaux de l'Office National des Postes";
        assert_eq!(
            carrier_for(&s10("CF", Some(long_name))),
            Carrier::Other("POST CF".into())
        );
    }

    #[test]
    fn other_couriers_keep_their_name() {
        let amazon = MatchedFormat {
            courier_name: "Amazon",
            ..matched("amazon", None)
        };
        assert_eq!(carrier_for(&amazon), Carrier::Other("AMAZON".into()));
        let too_long = MatchedFormat {
            courier_name: "A courier whose name is longer than forty characters",
            ..matched("long_courier", None)
        };
        assert_eq!(
            carrier_for(&too_long),
            Carrier::Other("LONG_COURIER".into())
        );
    }
}
