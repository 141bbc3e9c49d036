//! The vendored jkeen/tracking_number_data set (MIT, see
//! `connectors/core/data/tracking_number_data/LICENSE` and `NOTICE.md`): the courier files,
//! embedded into the binary with `include_str!`, and the serde structs that read them.
//!
//! The structs follow the data set's JSON format (upstream README, "JSON Format"). Objects that
//! change what counts as a valid number (`validation`, its `checksum` and `serial_number_format`)
//! deny unknown fields, so a data set update that adds a validation feature fails the tests instead
//! of being silently ignored. Purely descriptive fields (`tracking_url`, `description`,
//! `glossary`, the extra columns of lookup tables) are not read.

use serde::Deserialize;

use super::checksum::ChecksumSpec;

/// One embedded courier file: its name in the data set and its JSON text.
pub(crate) struct EmbeddedFile {
    /// File name under `couriers/`.
    pub file_name: &'static str,
    /// The JSON text, byte-identical to upstream.
    pub json: &'static str,
}

macro_rules! embedded_couriers {
    ($($file:literal),* $(,)?) => {
        &[$(EmbeddedFile {
            file_name: $file,
            json: include_str!(concat!("../../data/tracking_number_data/couriers/", $file)),
        }),*]
    };
}

/// Every courier file of the data set, in file-name order (the order formats are tried in).
pub(crate) const EMBEDDED_FILES: &[EmbeddedFile] = embedded_couriers![
    "amazon.json",
    "canadapost.json",
    "canpar.json",
    "dhl.json",
    "dpd.json",
    "fedex.json",
    "gofo.json",
    "landmark.json",
    "lasership.json",
    "old_dominion.json",
    "ontrac.json",
    "purolator.json",
    "s10.json",
    "speedee.json",
    "ups.json",
    "usps.json",
    "yodel.json",
    "yunexpress.json",
];

/// A courier file: the courier and its tracking number formats.
#[derive(Debug, Deserialize)]
pub(crate) struct CourierFile {
    /// Display name, e.g. `DHL` or `S10 International Standard`.
    pub name: String,
    /// Stable code, e.g. `dhl`, `s10`, `canada_post`.
    pub courier_code: String,
    /// The formats this courier's numbers come in.
    pub tracking_numbers: Vec<TrackingNumberFormat>,
}

/// One `tracking_numbers` entry: a number format of a courier.
#[derive(Debug, Deserialize)]
pub(crate) struct TrackingNumberFormat {
    /// Display name, e.g. `DHL Express (Piece ID)`.
    pub name: String,
    /// Stable id, e.g. `dhl_express_piece_id`; a few entries have none.
    pub id: Option<String>,
    /// The pattern; an array is concatenated.
    pub regex: RegexSource,
    /// How a number that matches the pattern is validated further.
    #[serde(default)]
    pub validation: Validation,
    /// Lookup tables keyed by a named group of the pattern.
    #[serde(default)]
    pub additional: Vec<AdditionalSection>,
    /// Numbers the data set promises are (not) of this format.
    #[cfg(test)]
    pub test_numbers: TestNumbers,
}

/// The `regex` field: one string or parts to concatenate.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RegexSource {
    /// The whole pattern.
    Whole(String),
    /// Parts written on separate lines for readability.
    Parts(Vec<String>),
}

impl RegexSource {
    /// The pattern as one string.
    pub(crate) fn joined(&self) -> String {
        match self {
            Self::Whole(pattern) => pattern.clone(),
            Self::Parts(parts) => parts.concat(),
        }
    }
}

/// The `validation` object.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Validation {
    /// The check-digit algorithm over the `SerialNumber` and `CheckDigit` groups.
    pub checksum: Option<ChecksumSpec>,
    /// How the serial number is rewritten before the checksum is computed.
    pub serial_number_format: Option<SerialNumberFormat>,
    /// Lookups that must succeed for the number to be valid.
    pub additional: Option<AdditionalValidation>,
}

/// The `validation.serial_number_format` object.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SerialNumberFormat {
    /// Prepend `content` to the serial number when it matches `matches_regex`.
    pub prepend_if: Option<PrependIf>,
}

/// The `prepend_if` rule of a serial number format.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PrependIf {
    /// Condition on the serial number (may use a leading negative look-ahead).
    pub matches_regex: String,
    /// What to put in front.
    pub content: String,
}

/// The `validation.additional` object.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AdditionalValidation {
    /// Names of `additional` sections whose lookup must find an entry.
    #[serde(default)]
    pub exists: Vec<String>,
}

/// An `additional` section: a lookup table keyed by the value of one named group.
#[derive(Debug, Deserialize)]
pub(crate) struct AdditionalSection {
    /// Section name, e.g. `Courier` or `Service Type`.
    pub name: String,
    /// The named group whose value is looked up.
    pub regex_group_name: String,
    /// The table.
    pub lookup: Vec<LookupEntry>,
}

/// A row of a lookup table. Only the key and the courier column are read.
#[derive(Debug, Deserialize)]
pub(crate) struct LookupEntry {
    /// Exact value this row is for.
    pub matches: Option<String>,
    /// Pattern (searched, not anchored) the value must match instead.
    pub matches_regex: Option<String>,
    /// For the S10 `Courier` table: the national postal operator of the country code.
    pub courier: Option<String>,
}

/// The `test_numbers` object.
#[cfg(test)]
#[derive(Debug, Deserialize)]
pub(crate) struct TestNumbers {
    /// Numbers that must be recognised as this format.
    pub valid: Vec<String>,
    /// Numbers that must not be.
    #[serde(default)]
    pub invalid: Vec<String>,
}

/// Parses one embedded courier file.
///
/// # Errors
///
/// When the JSON does not have the data set's format.
pub(crate) fn parse(file: &EmbeddedFile) -> Result<CourierFile, serde_json::Error> {
    serde_json::from_str(file.json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_parses() {
        for file in EMBEDDED_FILES {
            let courier = parse(file).unwrap_or_else(|e| panic!("{}: {e}", file.file_name));
            assert!(!courier.tracking_numbers.is_empty(), "{}", file.file_name);
            for format in &courier.tracking_numbers {
                assert!(
                    !format.test_numbers.valid.is_empty(),
                    "{}: {} has no valid test numbers",
                    file.file_name,
                    format.name
                );
            }
        }
    }

    #[test]
    fn regex_parts_are_concatenated() {
        let dpd = EMBEDDED_FILES
            .iter()
            .find(|file| file.file_name == "dpd.json")
            .map(parse)
            .and_then(Result::ok)
            .expect("dpd.json is embedded and parses");
        let pattern = dpd.tracking_numbers[0].regex.joined();
        assert!(matches!(
            dpd.tracking_numbers[0].regex,
            RegexSource::Parts(_)
        ));
        assert!(pattern.starts_with(r"\s*(?<SerialNumber>(?<DestinationZip>"));
        assert!(pattern.ends_with(r"(?<CheckDigit>[0-9A-Z]\s*)"));
    }

    #[test]
    fn unknown_validation_fields_are_rejected() {
        let json = r#"{"checksum": {"name": "mod7", "modulo": 7}, "length": 10}"#;
        assert!(serde_json::from_str::<Validation>(json).is_err());
        let json = r#"{"checksum": {"name": "mod7", "modulo": 7, "extra": 1}}"#;
        assert!(serde_json::from_str::<Validation>(json).is_err());
        let json = r#"{"checksum": {"name": "mod99"}}"#;
        assert!(serde_json::from_str::<Validation>(json).is_err());
    }
}
