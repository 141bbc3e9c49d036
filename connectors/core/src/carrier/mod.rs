//! Carrier detection from track & trace codes, and the merchant's carrier mapping rules.
//!
//! [`detect`] names the carrier of a [`TrackingCode`]; [`detect_all`] lists every reading with
//! where it came from. Two sources are tried in order:
//!
//! 1. NL/BE formats the data set lacks (PostNL `3S`, DHL Parcel `JVGL`/`JJD`, bpost, DPD 14-digit,
//!    GLS, ...), in `nl_be.rs`. They come first because orderbridge's merchants ship from the
//!    Netherlands and Belgium, and several of these codes would otherwise be read as US formats.
//! 2. The vendored jkeen/tracking_number_data set (MIT; `connectors/core/data/`), compiled once
//!    at first use (`matcher.rs`): patterns, check digits (`checksum.rs`) and lookups, mapped
//!    to [`Carrier`] by `mapping.rs`. Formats that validate a check digit are preferred over
//!    formats that only match a pattern.
//!
//! Detection is a best guess from the code's shape: some formats are shared by carriers or
//! indistinguishable (DPD NL vs DPD BE, JVGL for DHL Parcel and DHL Express). [`CarrierRules`]
//! let a merchant override it per connection.

mod checksum;
mod dataset;
mod mapping;
mod matcher;
mod nl_be;
mod rules;
mod tracking_page;
mod translate;

pub use rules::{CarrierRule, CarrierRuleError, CarrierRules};
pub use tracking_page::tracking_page;

use crate::domain::{Carrier, TrackingCode};

/// Which source a [`Detection`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DetectionSource {
    /// orderbridge's own NL/BE formats.
    NlBeRule,
    /// The vendored tracking_number_data set.
    DataSet,
}

/// One reading of a track & trace code: the carrier and the format that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The carrier the format means.
    pub carrier: Carrier,
    /// Where the format is defined.
    pub source: DetectionSource,
    /// The courier as the source names it (`PostNL`, `DHL`, `S10 International Standard`).
    pub courier: &'static str,
    /// The format's name (`PostNL 3S barcode`, `DHL Express (Piece ID)`).
    pub format: &'static str,
    /// The format's stable id (`postnl_3s`, `dhl_express_piece_id`); a few data-set formats
    /// have none.
    pub format_id: Option<&'static str>,
}

/// The carrier of a track & trace code: the first reading of [`detect_all`], or `None` when no
/// known format matches.
pub fn detect(code: &TrackingCode) -> Option<Carrier> {
    detect_all(code)
        .into_iter()
        .next()
        .map(|detection| detection.carrier)
}

/// Every format the code is valid for, best first: NL/BE formats in rule order, then data-set
/// formats (those with a check digit first). Several readings mean the code is ambiguous.
pub fn detect_all(code: &TrackingCode) -> Vec<Detection> {
    let normalised = code.as_str();
    let from_rules = nl_be::matching_rules(normalised)
        .into_iter()
        .map(|rule| Detection {
            carrier: rule.carrier.clone(),
            source: DetectionSource::NlBeRule,
            courier: rule.courier,
            format: rule.name,
            format_id: Some(rule.id),
        });
    let from_data_set =
        matcher::matching_formats(normalised)
            .into_iter()
            .map(|(format, carrier)| Detection {
                carrier,
                source: DetectionSource::DataSet,
                courier: &format.courier_name,
                format: &format.name,
                format_id: format.id.as_deref(),
            });
    from_rules.chain(from_data_set).collect()
}

#[cfg(test)]
mod tests;
