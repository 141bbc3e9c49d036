//! bol.com transporter codes (`TNT` for PostNL, `DHLFORYOU`, `DPD-NL`, ...) and their mapping
//! to and from the core [`Carrier`]. The shipment mapping uses [`transporter_code`]; the
//! simulator validates incoming codes against [`KNOWN_TRANSPORTER_CODES`].
//!
//! The v10 spec leaves `transporterCode` a free string; the list is bol's transporter appendix
//! (https://developers.bol.com/appendix-a-transporters/, cited by pennersr/python-bol-api
//! pull request #8 and its `bol/retailer/constants.py`), which since added `PES`, `BUDBEE`,
//! `TRUNKRS` and `CYCLOON` (the list as integrators copy it: "Bol Ship Orders",
//! https://help.useresponse.com/hemi/knowledge-base/article/marketplaces-bol-technical-scope-in-progress-order-management-bol-ship-orders_1).
//! Codes without a named core carrier travel as [`Carrier::Other`] with bol's spelling.

use orderbridge_core::domain::Carrier;

/// The code bol uses when the carrier is unknown or not one bol names.
pub const OTHER_TRANSPORTER_CODE: &str = "OTHER";

/// Every transporter code bol accepts in a shipment's `transport.transporterCode`.
pub const KNOWN_TRANSPORTER_CODES: &[&str] = &[
    "BRIEFPOST",
    "UPS",
    "TNT",
    "TNT-EXTRA",
    "TNT_BRIEF",
    "TNT-EXPRESS",
    "DYL",
    "DPD-NL",
    "DPD-BE",
    "BPOST_BE",
    "BPOST_BRIEF",
    "DHLFORYOU",
    "GLS",
    "FEDEX_NL",
    "FEDEX_BE",
    OTHER_TRANSPORTER_CODE,
    "DHL",
    "DHL_DE",
    "DHL-GLOBAL-MAIL",
    "TSN",
    "FIEGE",
    "TRANSMISSION",
    "PARCEL-NL",
    "LOGOIX",
    "PACKS",
    "COURIER",
    "RJP",
    "PES",
    "BUDBEE",
    "TRUNKRS",
    "CYCLOON",
];

/// Whether bol knows `code` as a transporter code (exact spelling).
pub fn is_known_transporter_code(code: &str) -> bool {
    KNOWN_TRANSPORTER_CODES.contains(&code)
}

/// The bol transporter code of a carrier.
///
/// Named carriers map to their fixed code. [`Carrier::Other`] passes its code through when bol
/// knows it (so a merchant's mapping rule may name any bol code, e.g. `PACKS`), compared on
/// letters and digits only (`FedEx BE` is `FEDEX_BE`, `Parcel NL` is `PARCEL-NL`); any other
/// value becomes `OTHER`, since bol refuses a shipment with an unknown code.
pub fn transporter_code(carrier: &Carrier) -> &str {
    match carrier {
        Carrier::PostNl => "TNT",
        Carrier::DhlParcel => "DHLFORYOU",
        Carrier::DhlDe => "DHL_DE",
        Carrier::DhlExpress => "DHL",
        Carrier::DpdNl => "DPD-NL",
        Carrier::DpdBe => "DPD-BE",
        Carrier::Gls => "GLS",
        Carrier::Ups => "UPS",
        Carrier::FedEx => "FEDEX_NL",
        Carrier::Bpost => "BPOST_BE",
        Carrier::TntExpress => "TNT-EXPRESS",
        Carrier::Other(code) => {
            let wanted = letters_and_digits(code);
            KNOWN_TRANSPORTER_CODES
                .iter()
                .copied()
                .find(|known| letters_and_digits(known) == wanted)
                .unwrap_or(OTHER_TRANSPORTER_CODE)
        }
    }
}

/// `code` upper case without separators, so `fedex-be`, `FedEx BE` and `FEDEX_BE` compare equal.
fn letters_and_digits(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The carrier behind a bol transporter code; codes without a named carrier become
/// [`Carrier::Other`] carrying the code.
pub fn carrier_from_transporter_code(code: &str) -> Carrier {
    match code.trim().to_ascii_uppercase().as_str() {
        "TNT" => Carrier::PostNl,
        "DHLFORYOU" => Carrier::DhlParcel,
        "DHL_DE" => Carrier::DhlDe,
        "DHL" => Carrier::DhlExpress,
        "DPD-NL" => Carrier::DpdNl,
        "DPD-BE" => Carrier::DpdBe,
        "GLS" => Carrier::Gls,
        "UPS" => Carrier::Ups,
        "FEDEX_NL" => Carrier::FedEx,
        "BPOST_BE" => Carrier::Bpost,
        "TNT-EXPRESS" => Carrier::TntExpress,
        other => Carrier::Other(other.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMED: [Carrier; 11] = [
        Carrier::PostNl,
        Carrier::DhlParcel,
        Carrier::DhlDe,
        Carrier::DhlExpress,
        Carrier::DpdNl,
        Carrier::DpdBe,
        Carrier::Gls,
        Carrier::Ups,
        Carrier::FedEx,
        Carrier::Bpost,
        Carrier::TntExpress,
    ];

    #[test]
    fn named_carriers_round_trip_through_known_codes() {
        for carrier in NAMED {
            let code = transporter_code(&carrier);
            assert!(is_known_transporter_code(code), "{code} is not a bol code");
            assert_eq!(carrier_from_transporter_code(code), carrier);
        }
    }

    #[test]
    fn well_known_codes() {
        assert_eq!(transporter_code(&Carrier::PostNl), "TNT");
        assert_eq!(transporter_code(&Carrier::DhlParcel), "DHLFORYOU");
        assert_eq!(transporter_code(&Carrier::DpdNl), "DPD-NL");
        assert_eq!(transporter_code(&Carrier::Bpost), "BPOST_BE");
    }

    /// Every code of bol's transporter list, including the newer ones (Budbee, Trunkrs, PES,
    /// Cycloon) and FedEx Belgium, is accepted and reaches bol as bol spells it, however the
    /// merchant or the webshop wrote it.
    #[test]
    fn every_listed_code_passes_through_as_bol_spells_it() {
        for code in [
            "BUDBEE", "TRUNKRS", "PES", "CYCLOON", "FEDEX_BE", "COURIER", "RJP",
        ] {
            assert!(is_known_transporter_code(code), "{code}");
            let carrier = Carrier::from_name(code).unwrap();
            assert_eq!(transporter_code(&carrier), code);
            assert_eq!(transporter_code(&carrier_from_transporter_code(code)), code);
        }
        for (written, code) in [
            ("Budbee", "BUDBEE"),
            ("Trunkrs", "TRUNKRS"),
            ("FedEx BE", "FEDEX_BE"),
            ("fedex-be", "FEDEX_BE"),
            ("Parcel NL", "PARCEL-NL"),
            ("DHL Global Mail", "DHL-GLOBAL-MAIL"),
        ] {
            let carrier = Carrier::from_name(written).unwrap();
            assert_eq!(transporter_code(&carrier), code, "{written}");
        }
    }

    #[test]
    fn other_passes_known_codes_through_and_maps_unknown_to_other() {
        assert_eq!(transporter_code(&Carrier::Other("PACKS".into())), "PACKS");
        assert_eq!(
            transporter_code(&Carrier::Other("parcel-nl".into())),
            "PARCEL-NL"
        );
        assert_eq!(
            transporter_code(&Carrier::Other("BUDBEE-X".into())),
            "OTHER"
        );
        assert_eq!(
            carrier_from_transporter_code("PACKS"),
            Carrier::Other("PACKS".into())
        );
        // FedEx Belgium keeps its own code: the core `FedEx` is bol's `FEDEX_NL`.
        assert_eq!(
            carrier_from_transporter_code("FEDEX_BE"),
            Carrier::Other("FEDEX_BE".into())
        );
    }
}
