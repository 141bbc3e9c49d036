//! Postal addresses with the Dutch/Belgian split of street, house number and extension kept
//! exactly as the marketplace sent them (`23` + `II`, `17` + `bte 1`).

use serde::{Deserialize, Serialize};

use super::DomainError;

/// An ISO 3166-1 alpha-2 country code, e.g. `NL`, `BE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses a two-letter code (case-insensitive).
    ///
    /// # Errors
    ///
    /// When the input is not two ASCII letters.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let upper = raw.trim().to_ascii_uppercase();
        match <[u8; 2]>::try_from(upper.as_bytes()) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_uppercase) => Ok(Self(bytes)),
            _ => Err(DomainError::new(
                "country code",
                format!("{raw:?} is not a two-letter code"),
            )),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // The constructor only admits ASCII uppercase letters.
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }
}

impl TryFrom<String> for CountryCode {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        Self::parse(&raw)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.as_str().to_owned()
    }
}

/// A delivery or billing address. Build it with [`Address::parse`], which checks the fields a
/// parcel cannot do without.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    first_name: String,
    surname: String,
    company: Option<String>,
    street_name: String,
    house_number: String,
    house_number_extension: Option<String>,
    extra_address_information: Option<String>,
    zip_code: String,
    city: String,
    country_code: CountryCode,
    email: Option<String>,
    phone: Option<String>,
}

/// The raw fields of an address, as a connector read them from its vendor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressFields {
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub surname: Option<String>,
    /// Company name.
    pub company: Option<String>,
    /// Street without house number.
    pub street_name: Option<String>,
    /// House number (may contain letters in some countries).
    pub house_number: Option<String>,
    /// Addition to the house number (`II`, `HS`, `bte 1`, `A`).
    pub house_number_extension: Option<String>,
    /// Extra line (apartment, c/o).
    pub extra_address_information: Option<String>,
    /// Postal code.
    pub zip_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Two-letter country code.
    pub country_code: Option<String>,
    /// E-mail address (marketplaces often give a relay address).
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

const MAX_FIELD_CHARS: usize = 200;

fn clean(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl Address {
    /// Checks raw fields and builds an address. `which` names the address in errors
    /// (`shipping address`, `billing address`).
    ///
    /// # Errors
    ///
    /// When the surname, street, house number, postal code, city or country is missing, the
    /// country is not a two-letter code, or a field is longer than 200 characters or holds
    /// control characters. The error names the field.
    pub fn parse(which: &'static str, fields: AddressFields) -> Result<Self, DomainError> {
        let required = |name: &str, value: Option<String>| {
            clean(value).ok_or_else(|| DomainError::new(which, format!("{name} is missing")))
        };
        let address = Self {
            first_name: clean(fields.first_name).unwrap_or_default(),
            surname: required("surname", fields.surname)?,
            company: clean(fields.company),
            street_name: required("streetName", fields.street_name)?,
            house_number: required("houseNumber", fields.house_number)?,
            house_number_extension: clean(fields.house_number_extension),
            extra_address_information: clean(fields.extra_address_information),
            zip_code: required("zipCode", fields.zip_code)?,
            city: required("city", fields.city)?,
            country_code: CountryCode::parse(&required("countryCode", fields.country_code)?)
                .map_err(|e| DomainError::new(which, format!("countryCode: {}", e.reason)))?,
            email: clean(fields.email),
            phone: clean(fields.phone),
        };
        for (name, value) in address.text_fields() {
            if value.chars().count() > MAX_FIELD_CHARS {
                return Err(DomainError::new(
                    which,
                    format!("{name} is longer than {MAX_FIELD_CHARS} characters"),
                ));
            }
            if value.chars().any(char::is_control) {
                return Err(DomainError::new(
                    which,
                    format!("{name} contains control characters"),
                ));
            }
        }
        Ok(address)
    }

    fn text_fields(&self) -> [(&'static str, &str); 11] {
        [
            ("firstName", self.first_name.as_str()),
            ("surname", self.surname.as_str()),
            ("company", self.company.as_deref().unwrap_or("")),
            ("streetName", self.street_name.as_str()),
            ("houseNumber", self.house_number.as_str()),
            (
                "houseNumberExtension",
                self.house_number_extension.as_deref().unwrap_or(""),
            ),
            (
                "extraAddressInformation",
                self.extra_address_information.as_deref().unwrap_or(""),
            ),
            ("zipCode", self.zip_code.as_str()),
            ("city", self.city.as_str()),
            ("email", self.email.as_deref().unwrap_or("")),
            ("phone", self.phone.as_deref().unwrap_or("")),
        ]
    }

    /// Given name (may be empty for companies).
    pub fn first_name(&self) -> &str {
        &self.first_name
    }
    /// Family name.
    pub fn surname(&self) -> &str {
        &self.surname
    }
    /// Company name.
    pub fn company(&self) -> Option<&str> {
        self.company.as_deref()
    }
    /// Street without number.
    pub fn street_name(&self) -> &str {
        &self.street_name
    }
    /// House number as sent.
    pub fn house_number(&self) -> &str {
        &self.house_number
    }
    /// House number extension as sent.
    pub fn house_number_extension(&self) -> Option<&str> {
        self.house_number_extension.as_deref()
    }
    /// Extra address line.
    pub fn extra_address_information(&self) -> Option<&str> {
        self.extra_address_information.as_deref()
    }
    /// Postal code.
    pub fn zip_code(&self) -> &str {
        &self.zip_code
    }
    /// City.
    pub fn city(&self) -> &str {
        &self.city
    }
    /// Country.
    pub fn country_code(&self) -> CountryCode {
        self.country_code
    }
    /// E-mail address.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
    /// Phone number.
    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    /// Street, number and extension on one line the way NL/BE write it:
    /// `Kerkstraat 23-II`, `Dorpsweg 4A`, `Rue Haute 17 bte 1`.
    pub fn street_line(&self) -> String {
        match &self.house_number_extension {
            None => format!("{} {}", self.street_name, self.house_number),
            Some(ext) if ext.len() == 1 && ext.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                format!("{} {}{}", self.street_name, self.house_number, ext)
            }
            Some(ext) if ext.contains(' ') => {
                format!("{} {} {}", self.street_name, self.house_number, ext)
            }
            Some(ext) => format!("{} {}-{}", self.street_name, self.house_number, ext),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> AddressFields {
        AddressFields {
            first_name: Some("Jan".into()),
            surname: Some("Jansen".into()),
            street_name: Some("Kerkstraat".into()),
            house_number: Some("23".into()),
            house_number_extension: Some("II".into()),
            zip_code: Some("1017 GC".into()),
            city: Some("Amsterdam".into()),
            country_code: Some("nl".into()),
            ..AddressFields::default()
        }
    }

    #[test]
    fn keeps_house_number_parts_and_formats_street_line() {
        let a = Address::parse("shipping address", fields()).unwrap();
        assert_eq!(a.house_number(), "23");
        assert_eq!(a.house_number_extension(), Some("II"));
        assert_eq!(a.street_line(), "Kerkstraat 23-II");
        assert_eq!(a.country_code().as_str(), "NL");
        let be = Address::parse(
            "shipping address",
            AddressFields {
                street_name: Some("Rue Haute".into()),
                house_number: Some("17".into()),
                house_number_extension: Some("bte 1".into()),
                ..fields()
            },
        )
        .unwrap();
        assert_eq!(be.street_line(), "Rue Haute 17 bte 1");
        let hs = Address::parse(
            "shipping address",
            AddressFields {
                house_number_extension: Some("HS".into()),
                ..fields()
            },
        )
        .unwrap();
        assert_eq!(hs.street_line(), "Kerkstraat 23-HS");
    }

    #[test]
    fn names_the_missing_field() {
        let err = Address::parse(
            "shipping address",
            AddressFields {
                house_number: Some(" ".into()),
                ..fields()
            },
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid shipping address: houseNumber is missing"
        );
    }
}
