//! Track & trace codes and carriers. Which carrier a code belongs to is worked out in
//! [`crate::carrier`]; how a marketplace names a carrier (bol's `TNT`, `DHLFORYOU`, ...) is the
//! marketplace connector's business.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::DomainError;

/// A track & trace code: letters and digits, spaces and dashes removed, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrackingCode(String);

impl TrackingCode {
    /// Parses a code as a person or webshop wrote it (`3S ABCD 123 4567`).
    ///
    /// # Errors
    ///
    /// When, after removing spaces and dashes, it is shorter than 6 or longer than 40 characters
    /// or holds anything but ASCII letters and digits.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let code: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        if !(6..=40).contains(&code.len()) {
            return Err(DomainError::new(
                "track & trace code",
                format!("{raw:?} is not 6 to 40 characters long"),
            ));
        }
        if !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(DomainError::new(
                "track & trace code",
                format!("{raw:?} holds characters other than letters and digits"),
            ));
        }
        Ok(Self(code))
    }

    /// The normalised code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TrackingCode {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        Self::parse(&raw)
    }
}

impl From<TrackingCode> for String {
    fn from(t: TrackingCode) -> String {
        t.0
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A parcel carrier, independent of how any marketplace spells it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Carrier {
    /// PostNL (bol: `TNT`).
    PostNl,
    /// DHL Parcel Benelux / DHL eCommerce (bol: `DHLFORYOU`).
    DhlParcel,
    /// DHL Paket Germany (bol: `DHL_DE`).
    DhlDe,
    /// DHL Express (bol: `DHL`).
    DhlExpress,
    /// DPD Netherlands (bol: `DPD-NL`).
    DpdNl,
    /// DPD Belgium (bol: `DPD-BE`).
    DpdBe,
    /// GLS (bol: `GLS`).
    Gls,
    /// UPS (bol: `UPS`).
    Ups,
    /// FedEx (bol: `FEDEX_NL`).
    FedEx,
    /// bpost (bol: `BPOST_BE`).
    Bpost,
    /// TNT Express (bol: `TNT-EXPRESS`).
    TntExpress,
    /// Any other carrier, by the code the marketplace uses for it (upper case).
    Other(String),
}

impl Carrier {
    /// Reads a carrier from a name as webshops and merchants write it (`PostNL`, `DHL Parcel`,
    /// `dpd-nl`) or from a bol transporter code (`TNT`, `DHLFORYOU`). Unknown names become
    /// [`Carrier::Other`] with the name in upper case.
    ///
    /// # Errors
    ///
    /// When the name is empty or longer than 40 characters.
    pub fn from_name(raw: &str) -> Result<Self, DomainError> {
        let name = raw.trim();
        if name.is_empty() || name.len() > 40 {
            return Err(DomainError::new(
                "carrier",
                format!("{raw:?} is empty or longer than 40 characters"),
            ));
        }
        let key: String = name
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        Ok(match key.as_str() {
            "postnl" | "tnt" | "postnlnl" | "postnlbe" => Self::PostNl,
            "dhlparcel" | "dhlforyou" | "dhlparcelnl" | "dhlecommerce" | "dhlnl" => Self::DhlParcel,
            "dhlde" | "dhlpaket" | "dhlgermany" => Self::DhlDe,
            "dhl" | "dhlexpress" => Self::DhlExpress,
            "dpd" | "dpdnl" => Self::DpdNl,
            "dpdbe" => Self::DpdBe,
            "gls" | "glsnl" | "glsbe" => Self::Gls,
            "ups" => Self::Ups,
            // FedEx Belgium stays `Other` ("FEDEX_BE"): bol has its own code for it, and the
            // named `FedEx` is bol's `FEDEX_NL`.
            "fedex" | "fedexnl" => Self::FedEx,
            "bpost" | "bpostbe" => Self::Bpost,
            "tntexpress" => Self::TntExpress,
            _ => Self::Other(name.to_ascii_uppercase()),
        })
    }

    /// A stable name for storage and display.
    pub fn name(&self) -> &str {
        match self {
            Self::PostNl => "PostNL",
            Self::DhlParcel => "DHL Parcel",
            Self::DhlDe => "DHL DE",
            Self::DhlExpress => "DHL Express",
            Self::DpdNl => "DPD NL",
            Self::DpdBe => "DPD BE",
            Self::Gls => "GLS",
            Self::Ups => "UPS",
            Self::FedEx => "FedEx",
            Self::Bpost => "bpost",
            Self::TntExpress => "TNT Express",
            Self::Other(code) => code,
        }
    }
}

impl TryFrom<String> for Carrier {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        Self::from_name(&raw)
    }
}

impl From<Carrier> for String {
    fn from(c: Carrier) -> String {
        c.name().to_owned()
    }
}

impl fmt::Display for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_code_normalises() {
        let code = TrackingCode::parse("3s abcd-123 4567").unwrap();
        assert_eq!(code.as_str(), "3SABCD1234567");
        assert!(TrackingCode::parse("123").is_err());
        assert!(TrackingCode::parse("3SABC/1234567").is_err());
    }

    #[test]
    fn carrier_names_round_trip() {
        for carrier in [
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
        ] {
            assert_eq!(Carrier::from_name(carrier.name()).unwrap(), carrier);
        }
        assert_eq!(Carrier::from_name("TNT").unwrap(), Carrier::PostNl);
        assert_eq!(Carrier::from_name("DHLFORYOU").unwrap(), Carrier::DhlParcel);
        assert_eq!(
            Carrier::from_name("budbee").unwrap(),
            Carrier::Other("BUDBEE".into())
        );
    }
}
