//! Links to the carriers' public track & trace pages, so a merchant can follow a parcel from
//! the dashboard. No carrier documents these addresses as an API; the forms below are the ones
//! the carriers' own pages use and that public shipping integrations build (searched in public
//! code: PostNL `jouw.postnl.nl/track-and-trace/{code}-{country}-{postcode}`, DHL eCommerce
//! `my.dhlecommerce.nl/home/tracktrace/{code}/{postcode}` — the postcode is needed since
//! mid-2025 — DPD `tracking.dpd.de/status/nl_NL/parcel/{code}`, UPS `ups.com/track?tracknum=`,
//! FedEx `fedex.com/fedextrack/?trknbr=`, bpost `track.bpost.cloud/btr/web/#/search?itemCode=`,
//! GLS `gls-group.com/NL/nl/volg-je-pakket?match=`). A link is only a convenience: the code
//! itself is always shown next to it.

use crate::domain::{Carrier, CountryCode, TrackingCode};

/// The carrier's tracking page for one parcel, when the carrier publishes one by code.
/// `zip_code` and `country` are the destination's (PostNL asks for both).
pub fn tracking_page(
    carrier: &Carrier,
    code: &TrackingCode,
    zip_code: Option<&str>,
    country: Option<CountryCode>,
) -> Option<String> {
    let code = code.as_str();
    let zip: String = zip_code
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    Some(match carrier {
        Carrier::PostNl => {
            let country = country.map_or_else(|| "NL".to_owned(), |c| c.as_str().to_owned());
            format!("https://jouw.postnl.nl/track-and-trace/{code}-{country}-{zip}")
        }
        Carrier::DhlParcel if !zip.is_empty() => {
            format!("https://my.dhlecommerce.nl/home/tracktrace/{code}/{zip}")
        }
        Carrier::DhlParcel => format!("https://my.dhlecommerce.nl/home/tracktrace/{code}"),
        Carrier::DhlDe | Carrier::DhlExpress => {
            format!("https://www.dhl.com/nl-en/home/tracking.html?tracking-id={code}")
        }
        Carrier::DpdNl | Carrier::DpdBe => {
            format!("https://tracking.dpd.de/status/nl_NL/parcel/{code}")
        }
        Carrier::Gls => format!("https://gls-group.com/NL/nl/volg-je-pakket?match={code}"),
        Carrier::Ups => format!("https://www.ups.com/track?tracknum={code}"),
        Carrier::FedEx => format!("https://www.fedex.com/fedextrack/?trknbr={code}"),
        Carrier::Bpost => {
            format!("https://track.bpost.cloud/btr/web/#/search?itemCode={code}&lang=nl")
        }
        Carrier::TntExpress => format!("https://www.tnt.com/express/nl_nl/site/shipping-tools/tracking.html?searchType=con&cons={code}"),
        Carrier::Other(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postnl_links_carry_country_and_postal_code() {
        let code = TrackingCode::parse("3SABCD1234567").unwrap();
        let nl = CountryCode::parse("NL").unwrap();
        assert_eq!(
            tracking_page(&Carrier::PostNl, &code, Some("1234 ab"), Some(nl)).as_deref(),
            Some("https://jouw.postnl.nl/track-and-trace/3SABCD1234567-NL-1234AB")
        );
        assert_eq!(
            tracking_page(&Carrier::DhlParcel, &code, Some("3011 ad"), Some(nl)).as_deref(),
            Some("https://my.dhlecommerce.nl/home/tracktrace/3SABCD1234567/3011AD")
        );
        assert!(tracking_page(&Carrier::Ups, &code, None, None)
            .unwrap()
            .ends_with("3SABCD1234567"));
        assert_eq!(
            tracking_page(&Carrier::Other("CYCLOON".into()), &code, None, None),
            None
        );
    }
}
