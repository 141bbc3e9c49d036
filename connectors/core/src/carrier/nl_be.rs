//! Track & trace formats of Dutch and Belgian carriers that the vendored data set lacks (its
//! European coverage is thin: no PostNL `3S`, no GLS, no bpost domestic, no long DHL Parcel
//! codes). [`super::detect_all`] tries these before the data set, because orderbridge's merchants
//! ship from the Netherlands and Belgium and the data set reads some of these codes as US
//! formats (a 14-digit DPD number as DHL eCommerce, a 20-digit DHL Paket number as USPS).
//!
//! Each rule says where its format comes from and what is assumed. Several formats are shared
//! between carriers or cannot be told apart by shape alone; those are marked, and a merchant's
//! [`super::CarrierRules`] override whatever is detected here. Rules are listed most specific
//! first; the first that matches wins in [`super::detect`].

use std::sync::LazyLock;

use regex::Regex;

use super::checksum;
use crate::domain::Carrier;

/// One NL/BE format.
pub(crate) struct NlBeRule {
    /// Stable id, reported as [`super::Detection::format_id`].
    pub id: &'static str,
    /// Display name of the format.
    pub name: &'static str,
    /// Display name of the carrier.
    pub courier: &'static str,
    /// Pattern on the normalised code (anchored).
    pub pattern: &'static str,
    /// Check on the normalised code after the pattern matched (check digit), if any.
    pub check: Option<fn(&str) -> bool>,
    /// The carrier the format means.
    pub carrier: Carrier,
}

/// The rules, most specific first.
pub(crate) static RULES: LazyLock<Vec<NlBeRule>> = LazyLock::new(|| {
    vec![
        // PostNL domestic barcode: "3S", the sender's 4-letter customer code, 7 to 9 digits
        // (13 to 15 characters). Real codes in PostNL tracking links: 3SCBLU5654286,
        // 3SQVMA100225317. International PostNL items use UPU S10 codes ending in NL, which the
        // data set's S10 format covers (with its check digit).
        NlBeRule {
            id: "postnl_3s",
            name: "PostNL 3S barcode",
            courier: "PostNL",
            pattern: r"^3S[A-Z]{4}[0-9]{7,9}$",
            check: None,
            carrier: Carrier::PostNl,
        },
        // DHL Parcel also prints 3S codes; DHL's "tracking ID labels" page gives 3SBCC000123456
        // (3 letters, 9 digits) as its example. Only that shape is claimed, so it never
        // overlaps PostNL's 4-letter customer codes.
        NlBeRule {
            id: "dhl_parcel_3s",
            name: "DHL Parcel 3S barcode",
            courier: "DHL Parcel",
            pattern: r"^3S[A-Z]{3}[0-9]{9}$",
            check: None,
            carrier: Carrier::DhlParcel,
        },
        // DHL Parcel Benelux: "JVGL" and digits (dhlparcel.nl tracking link example
        // JVGL106871455389257607; DHL's label page example JVGL9999999999). DHL lists JVGL for
        // DHL Express piece ids as well, and the data set has JVGL + 9-10 digits as a DHL Express
        // piece id; for NL/BE shippers DHL Parcel is by far the likelier, so this rule wins and
        // `detect_all` still reports the DHL Express reading.
        NlBeRule {
            id: "dhl_parcel_jvgl",
            name: "DHL Parcel JVGL",
            courier: "DHL Parcel",
            pattern: r"^JVGL[0-9]{9,20}$",
            check: None,
            carrier: Carrier::DhlParcel,
        },
        // bpost international parcels routed through DHL: "JJBEA" + 22 digits (bpost FAQ "What
        // does a barcode look like", example JJBEA2356412012365478896541). Before the JJD rule.
        NlBeRule {
            id: "bpost_jjbea",
            name: "bpost JJBEA",
            courier: "bpost",
            pattern: r"^JJBEA[0-9]{22}$",
            check: None,
            carrier: Carrier::Bpost,
        },
        // Long "JJD" codes: DHL lists JJD under DHL Parcel. Ambiguous: DHL Paket Germany
        // (JJD + 13 digits, e.g. JJD1410302937991) and Yodel UK (JJD + 16 digits, in the data set)
        // use the prefix too. JJD + 9-10 digits stays with the data set (DHL Express piece id,
        // DHL's own example JJD0099999999).
        NlBeRule {
            id: "dhl_parcel_jjd",
            name: "DHL Parcel JJD",
            courier: "DHL Parcel",
            pattern: r"^JJD[0-9]{11,20}$",
            check: None,
            carrier: Carrier::DhlParcel,
        },
        // bpost domestic parcels, from the bpost FAQ: 24 digits starting with 3299 or 3232
        // (329998745632147852365873) and 18 digits starting with 3232 (323256984521032569).
        NlBeRule {
            id: "bpost_24",
            name: "bpost 24-digit barcode",
            courier: "bpost",
            pattern: r"^32(?:99|32)[0-9]{20}$",
            check: None,
            carrier: Carrier::Bpost,
        },
        NlBeRule {
            id: "bpost_18",
            name: "bpost 18-digit barcode",
            courier: "bpost",
            pattern: r"^3232[0-9]{14}$",
            check: None,
            carrier: Carrier::Bpost,
        },
        // bpost national registered mail: 30 digits starting with 010 (bpost FAQ).
        NlBeRule {
            id: "bpost_registered",
            name: "bpost registered mail",
            courier: "bpost",
            pattern: r"^010[0-9]{27}$",
            check: None,
            carrier: Carrier::Bpost,
        },
        // TNT Express consignment numbers in S10 shape with "WW" instead of a country
        // (GD123456785WW), S10 check digit. The data set's S10 format rejects them because WW
        // is no country. Nine-digit TNT numbers are too generic to claim.
        NlBeRule {
            id: "tnt_express_ww",
            name: "TNT Express consignment",
            courier: "TNT Express",
            pattern: r"^[A-Z]{2}[0-9]{9}WW$",
            check: Some(tnt_check_digit_ok),
            carrier: Carrier::TntExpress,
        },
        // DHL Paket (Germany) 20-digit identcode, mod 10 with weights 3 and 1 (paketda.de
        // "Prüfziffern-Berechnung", example 00340433836442636597). Without this rule the data set
        // reads these as USPS 20, which uses the same check digit.
        NlBeRule {
            id: "dhl_paket_20",
            name: "DHL Paket 20-digit identcode",
            courier: "DHL Paket",
            pattern: r"^003404[0-9]{14}$",
            check: Some(dhl_paket_check_digit_ok),
            carrier: Carrier::DhlDe,
        },
        // DPD parcel number: 14 digits, starting with the 4-digit depot (DPD NL tracking page:
        // "your 14-digit parcel number"; DPD: "starts with 0 or 1"; only 0 is claimed here).
        // DPD NL and DPD BE numbers cannot be told apart by format: NL is assumed, a merchant
        // rule can say DPD BE. Hermes Germany also prints 14-digit numbers starting with 0.
        NlBeRule {
            id: "dpd_parcel_14",
            name: "DPD 14-digit parcel number",
            courier: "DPD",
            pattern: r"^0[0-9]{13}$",
            check: None,
            carrier: Carrier::DpdNl,
        },
        // GLS parcel number: 11 digits + GLS check digit (depot, service, serial). Ambiguous: a
        // random 12-digit number passes the check one time in ten, so a FedEx Express 12-digit
        // number can be read as GLS (`detect_all` then lists FedEx too). The 11-digit form
        // without check digit and the 8-character GLS Track-ID are not claimed: too generic.
        NlBeRule {
            id: "gls_parcel_12",
            name: "GLS 12-digit parcel number",
            courier: "GLS",
            pattern: r"^[0-9]{12}$",
            check: Some(gls_check_digit_ok),
            carrier: Carrier::Gls,
        },
    ]
});

/// The rules with their patterns compiled.
static COMPILED: LazyLock<Vec<(Regex, &'static NlBeRule)>> = LazyLock::new(|| {
    RULES
        .iter()
        .map(|rule| {
            // The patterns are constants above and `every_rule_compiles` compiles each of them.
            let regex = Regex::new(rule.pattern).expect("NL/BE rule patterns are valid");
            (regex, rule)
        })
        .collect()
});

/// The rules that match a normalised code, in rule order.
pub(crate) fn matching_rules(code: &str) -> Vec<&'static NlBeRule> {
    COMPILED
        .iter()
        .filter(|(regex, rule)| regex.is_match(code) && rule.check.is_none_or(|check| check(code)))
        .map(|(_, rule)| *rule)
        .collect()
}

/// S10 check digit over digits 3 to 10 of a TNT `..123456785WW` code.
fn tnt_check_digit_ok(code: &str) -> bool {
    match (code.get(2..10), code.get(10..11)) {
        (Some(serial), Some(check)) => checksum::s10(serial, check, &checksum::S10_WEIGHTINGS, 11),
        _ => false,
    }
}

/// Mod 10, weights 3 and 1 from the left, over the first 19 of 20 digits.
fn dhl_paket_check_digit_ok(code: &str) -> bool {
    match (code.get(..19), code.get(19..)) {
        (Some(serial), Some(check)) => checksum::mod10(serial, check, 10, 3, 1, false),
        _ => false,
    }
}

/// GLS check digit over the first 11 of 12 digits.
fn gls_check_digit_ok(code: &str) -> bool {
    match (code.get(..11), code.get(11..)) {
        (Some(serial), Some(check)) => checksum::gls(serial, check),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_rule(code: &str) -> Option<&'static str> {
        matching_rules(code).first().map(|rule| rule.id)
    }

    fn carrier_of(code: &str) -> Option<Carrier> {
        matching_rules(code)
            .first()
            .map(|rule| rule.carrier.clone())
    }

    #[test]
    fn every_rule_compiles_and_ids_are_unique() {
        assert_eq!(COMPILED.len(), RULES.len());
        let mut ids: Vec<_> = RULES.iter().map(|rule| rule.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }

    #[test]
    fn postnl_3s_codes() {
        for code in ["3SCBLU5654286", "3SQVMA100225317", "3SABCD1234567"] {
            assert_eq!(carrier_of(code), Some(Carrier::PostNl), "{code}");
        }
        // Too few or too many digits, a digit in the customer code.
        for code in [
            "3SABCD123456",
            "3SABCD1234567890",
            "3SAB1D1234567",
            "4SABCD1234567",
        ] {
            assert_eq!(first_rule(code), None, "{code}");
        }
    }

    #[test]
    fn dhl_parcel_codes() {
        for code in [
            "3SBCC000123456",
            "JVGL106871455389257607",
            "JVGL0601234567890123",
            "JVGL9999999999",
            "JJD1410302937991",
            "JJD000390007882948520",
        ] {
            assert_eq!(carrier_of(code), Some(Carrier::DhlParcel), "{code}");
        }
        // Short JJD codes are DHL Express piece ids (left to the data set); JVGL needs digits.
        for code in [
            "JJD0099999999",
            "JVGL12345678",
            "JVGLABC1234567890",
            "3SBCC00012345",
        ] {
            assert_eq!(first_rule(code), None, "{code}");
        }
    }

    #[test]
    fn bpost_codes() {
        for code in [
            "329998745632147852365873",
            "323256984521032569",
            "JJBEA2356412012365478896541",
            "010541288500452621221234567890",
        ] {
            assert_eq!(carrier_of(code), Some(Carrier::Bpost), "{code}");
        }
        assert_eq!(
            first_rule("JJBEA2356412012365478896541"),
            Some("bpost_jjbea")
        );
        // Wrong prefix or length.
        for code in [
            "339998745632147852365873",
            "32999874563214785236587",
            "32325698452103256",
            "020541288500452621221234567890",
        ] {
            assert_eq!(first_rule(code), None, "{code}");
        }
    }

    #[test]
    fn tnt_express_ww_needs_the_s10_check_digit() {
        assert_eq!(carrier_of("GD123456785WW"), Some(Carrier::TntExpress));
        assert_eq!(first_rule("GD123456786WW"), None);
        assert_eq!(first_rule("GD123456785NL"), None);
    }

    #[test]
    fn dhl_paket_20_needs_its_check_digit() {
        assert_eq!(carrier_of("00340433836442636597"), Some(Carrier::DhlDe));
        assert_eq!(first_rule("00340433836442636598"), None);
        assert_eq!(first_rule("00350433836442636597"), None);
    }

    #[test]
    fn dpd_14_digit_parcel_numbers_default_to_dpd_nl() {
        assert_eq!(carrier_of("05212345678901"), Some(Carrier::DpdNl));
        assert_eq!(carrier_of("01015026003653"), Some(Carrier::DpdNl));
        for code in ["15212345678901", "0521234567890", "052123456789012"] {
            assert_eq!(first_rule(code), None, "{code}");
        }
    }

    #[test]
    fn gls_12_digit_numbers_need_the_gls_check_digit() {
        assert_eq!(carrier_of("601234567896"), Some(Carrier::Gls));
        assert_eq!(carrier_of("123456789011"), Some(Carrier::Gls));
        assert_eq!(first_rule("601234567897"), None);
        // FedEx Express test numbers of the data set do not pass the GLS check digit.
        assert_eq!(first_rule("986578788855"), None);
    }

    #[test]
    fn check_functions_reject_short_input() {
        assert!(!tnt_check_digit_ok("GD1"));
        assert!(!dhl_paket_check_digit_ok("0034"));
        assert!(!gls_check_digit_ok("6012"));
    }
}
