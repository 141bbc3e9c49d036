//! The data set compiled for matching: every tracking number format of every embedded courier
//! file, with its pattern(s), checksum, serial number rewrite and lookup tables, built once at
//! first use.
//!
//! A normalised code is of a format when, as in the upstream libraries, (1) the anchored pattern
//! matches, (2) the check digit agrees with the serial number (after `prepend_if`), and (3) every
//! lookup named in `validation.additional.exists` finds a row (S10: the country code must be a
//! known postal operator).

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::checksum::ChecksumSpec;
#[cfg(test)]
use super::dataset::TestNumbers;
use super::dataset::{self, AdditionalSection, EMBEDDED_FILES};
use super::mapping::{self, MatchedFormat};
use super::translate::{self, Condition};
use crate::domain::Carrier;

/// Why the embedded data set could not be compiled. Only a bad vendored file causes this, and
/// the tests compile every file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DataSetError {
    /// A courier file is not in the data set's format.
    #[error("{file_name}: {source}")]
    Json {
        file_name: &'static str,
        source: serde_json::Error,
    },
    /// A pattern does not compile, even after translation.
    #[error("{file_name}: format {format_name:?}: {source}")]
    Regex {
        file_name: &'static str,
        format_name: String,
        source: regex::Error,
    },
}

/// All formats of the data set, in file order.
pub(crate) struct DataSet {
    /// The formats.
    pub formats: Vec<CompiledFormat>,
}

/// One tracking number format, ready to match.
pub(crate) struct CompiledFormat {
    /// The courier's `courier_code`.
    pub courier_code: String,
    /// The courier's `name`.
    pub courier_name: String,
    /// The format's `name`.
    pub name: String,
    /// The format's `id`.
    pub id: Option<String>,
    alternatives: Vec<Regex>,
    checksum: Option<ChecksumSpec>,
    prepend: Option<(Condition, String)>,
    sections: Vec<LookupSection>,
    required_sections: Vec<String>,
    /// The data set's test numbers for this format.
    #[cfg(test)]
    pub test_numbers: TestNumbers,
}

/// An `additional` lookup table, compiled.
struct LookupSection {
    name: String,
    group_name: String,
    rows: Vec<LookupRow>,
}

struct LookupRow {
    key: LookupKey,
    courier: Option<String>,
}

enum LookupKey {
    Exact(String),
    Pattern(Regex),
    /// A row with neither `matches` nor `matches_regex` matches nothing.
    Nothing,
}

/// The compiled data set, built at first use.
static DATA_SET: LazyLock<DataSet> = LazyLock::new(|| {
    // The input is the embedded, vendored data, fixed at compile time; the test
    // `the_embedded_data_set_compiles` compiles exactly this, so this cannot fail at run time.
    compile().expect("the embedded tracking_number_data set compiles")
});

/// The compiled data set.
pub(crate) fn data_set() -> &'static DataSet {
    &DATA_SET
}

/// Compiles every embedded courier file.
///
/// # Errors
///
/// When a file does not parse or a pattern does not compile.
pub(crate) fn compile() -> Result<DataSet, DataSetError> {
    let mut formats = Vec::new();
    for file in EMBEDDED_FILES {
        let courier = dataset::parse(file).map_err(|source| DataSetError::Json {
            file_name: file.file_name,
            source,
        })?;
        for format in courier.tracking_numbers {
            let regex_error = |source| DataSetError::Regex {
                file_name: file.file_name,
                format_name: format.name.clone(),
                source,
            };
            let upstream = format.regex.joined();
            let alternatives = translate::anchored_alternatives(format.id.as_deref(), &upstream)
                .iter()
                .map(|pattern| Regex::new(pattern))
                .collect::<Result<Vec<_>, _>>()
                .map_err(regex_error)?;
            let prepend = match format
                .validation
                .serial_number_format
                .as_ref()
                .and_then(|serial_format| serial_format.prepend_if.as_ref())
            {
                Some(rule) => Some((
                    Condition::compile(&rule.matches_regex).map_err(regex_error)?,
                    rule.content.clone(),
                )),
                None => None,
            };
            let sections = format
                .additional
                .iter()
                .map(compile_section)
                .collect::<Result<Vec<_>, _>>()
                .map_err(regex_error)?;
            formats.push(CompiledFormat {
                courier_code: courier.courier_code.clone(),
                courier_name: courier.name.clone(),
                name: format.name,
                id: format.id,
                alternatives,
                checksum: format.validation.checksum,
                prepend,
                sections,
                required_sections: format
                    .validation
                    .additional
                    .map(|additional| additional.exists)
                    .unwrap_or_default(),
                #[cfg(test)]
                test_numbers: format.test_numbers,
            });
        }
    }
    Ok(DataSet { formats })
}

fn compile_section(section: &AdditionalSection) -> Result<LookupSection, regex::Error> {
    let rows = section
        .lookup
        .iter()
        .map(|row| {
            let key = match (&row.matches, &row.matches_regex) {
                (Some(exact), _) => LookupKey::Exact(exact.clone()),
                (None, Some(pattern)) => LookupKey::Pattern(Regex::new(pattern)?),
                (None, None) => LookupKey::Nothing,
            };
            Ok(LookupRow {
                key,
                courier: row.courier.clone(),
            })
        })
        .collect::<Result<Vec<_>, regex::Error>>()?;
    Ok(LookupSection {
        name: section.name.clone(),
        group_name: section.regex_group_name.clone(),
        rows,
    })
}

impl CompiledFormat {
    /// Whether the format validates a checksum (stronger evidence than a pattern alone).
    pub(crate) fn has_checksum(&self) -> bool {
        self.checksum.is_some()
    }

    /// The carrier, when the normalised `code` is of this format.
    pub(crate) fn carrier_if_valid(&self, code: &str) -> Option<Carrier> {
        let captures = self
            .alternatives
            .iter()
            .find_map(|regex| regex.captures(code))?;
        if let Some(checksum) = &self.checksum {
            let serial = captures.name("SerialNumber")?.as_str();
            let check = captures.name("CheckDigit")?.as_str();
            let serial = match &self.prepend {
                Some((condition, content)) if condition.is_match(serial) => {
                    format!("{content}{serial}")
                }
                _ => serial.to_owned(),
            };
            if !checksum.is_valid(&serial, check) {
                return None;
            }
        }
        for section_name in &self.required_sections {
            self.lookup(section_name, &captures)?;
        }
        let matched = MatchedFormat {
            courier_code: &self.courier_code,
            courier_name: &self.courier_name,
            format_id: self.id.as_deref(),
            country_code: captures.name("CountryCode").map(|group| group.as_str()),
            postal_operator: self
                .lookup("Courier", &captures)
                .and_then(|row| row.courier.as_deref()),
        };
        Some(mapping::carrier_for(&matched))
    }

    /// The row of lookup section `section_name` for the value its group captured.
    fn lookup(&self, section_name: &str, captures: &Captures<'_>) -> Option<&LookupRow> {
        let section = self
            .sections
            .iter()
            .find(|section| section.name == section_name)?;
        let value = captures.name(&section.group_name)?.as_str();
        section.rows.iter().find(|row| match &row.key {
            LookupKey::Exact(exact) => exact == value,
            LookupKey::Pattern(pattern) => pattern.is_match(value),
            LookupKey::Nothing => false,
        })
    }
}

/// The formats a normalised code is valid for, with their carriers: formats with a checksum
/// first, otherwise in data set order.
pub(crate) fn matching_formats(code: &str) -> Vec<(&'static CompiledFormat, Carrier)> {
    let mut matches: Vec<_> = data_set()
        .formats
        .iter()
        .filter_map(|format| {
            format
                .carrier_if_valid(code)
                .map(|carrier| (format, carrier))
        })
        .collect();
    matches.sort_by_key(|(format, _)| !format.has_checksum());
    matches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_set_compiles() {
        let data_set = compile().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(data_set.formats.len(), 39);
        for format in &data_set.formats {
            for section_name in &format.required_sections {
                assert!(
                    format.sections.iter().any(|s| &s.name == section_name),
                    "{}: validation needs missing section {section_name}",
                    format.name
                );
            }
        }
    }

    #[test]
    fn every_look_around_pattern_has_a_translation() {
        let mut n_translated = 0;
        for file in EMBEDDED_FILES {
            let courier = dataset::parse(file).unwrap_or_else(|e| panic!("{e}"));
            for format in &courier.tracking_numbers {
                let upstream = format.regex.joined();
                if Regex::new(&upstream).is_ok() {
                    continue;
                }
                let translated = translate::TRANSLATIONS.iter().any(|translation| {
                    Some(translation.format_id) == format.id.as_deref()
                        && translation.upstream == upstream
                });
                assert!(translated, "{}: {upstream}", format.name);
                n_translated += 1;
            }
        }
        assert_eq!(n_translated, translate::TRANSLATIONS.len());
    }

    #[test]
    fn s10_needs_a_known_country() {
        let s10 = data_set()
            .formats
            .iter()
            .find(|format| format.id.as_deref() == Some("s10"))
            .expect("s10 format is embedded");
        assert_eq!(
            s10.carrier_if_valid("RB123456785GB"),
            Some(Carrier::Other("ROYAL MAIL GROUP PLC".into()))
        );
        assert_eq!(s10.carrier_if_valid("CD123456785BE"), Some(Carrier::Bpost));
        assert_eq!(s10.carrier_if_valid("RB123456785XX"), None);
        assert_eq!(s10.carrier_if_valid("RB123456786NL"), None);
    }

    #[test]
    fn formats_with_a_checksum_come_first() {
        // Valid S10 (check digit) and DHL eCommerce (pattern only, earlier in file order).
        let matches = matching_formats("LX123456785NL");
        let format_ids: Vec<_> = matches.iter().map(|(f, _)| f.id.as_deref()).collect();
        assert_eq!(format_ids, vec![Some("s10"), Some("dhl_ecommerce")]);
        assert_eq!(matches[0].1, Carrier::PostNl);
        assert_eq!(matches[1].1, Carrier::DhlParcel);
    }
}
