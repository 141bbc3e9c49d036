//! The offer export file: bol's CSV of all offers (`GET /retailer/offers/export/{report-id}`),
//! read and written with the `csv` crate (RFC 4180: quoted fields, doubled quotes, line breaks
//! inside quotes, CRLF or LF, a leading byte-order mark), and the mapping of its rows to core
//! [`Offer`]s. Columns are found by their header name, never by position: bol adds columns to
//! its CSV reports without a new version (v10.18 added `economicOperatorId`) and asks clients
//! to "parse CSV file type reports dynamically"
//! (<https://api.bol.com/retailer/public/Retailer-API/best-practices.html>,
//! <https://api.bol.com/retailer/public/Retailer-API/v10/releasenotes.html>).

use orderbridge_core::domain::{Ean, OfferId, Sku};
use orderbridge_core::marketplace::Offer;
use orderbridge_core::ConnectorError;

use crate::VENDOR;

/// The columns of bol's offer export, in bol's order (v10.18 and later).
pub const OFFER_EXPORT_COLUMNS: &[&str] = &[
    "offerId",
    "ean",
    "conditionName",
    "conditionCategory",
    "conditionComment",
    "bundlePricesPrice",
    "fulfilmentDeliveryCode",
    "stockAmount",
    "onHoldByRetailer",
    "fulfilmentType",
    "mutationDateTime",
    "referenceCode",
    "economicOperatorId",
];

/// Why a CSV text could not be read: the 1-based line where it went wrong and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvError {
    pub line: u64,
    pub message: String,
}

/// The 1-based line of the record starting at byte `offset` of `text`, counting line breaks
/// inside quoted fields too (the csv crate's own line count does not). The csv crate may
/// leave the `\n` of a CRLF before the offset it reports; that line break is skipped.
fn line_at(text: &str, offset: u64) -> u64 {
    let mut end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    while matches!(text.as_bytes().get(end), Some(b'\r' | b'\n')) {
        end += 1;
    }
    let breaks = text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    u64::try_from(breaks).unwrap_or(u64::MAX).saturating_add(1)
}

impl CsvError {
    fn from_csv(error: &csv::Error, text: &str) -> Self {
        let line = error.position().map_or(0, |p| line_at(text, p.byte()));
        let message = match error.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("{len} fields where the header has {expected_len}"),
            csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
            _ => error.to_string(),
        };
        Self { line, message }
    }
}

/// One record of a CSV text with the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvRecord {
    pub line: u64,
    pub fields: Vec<String>,
}

/// Splits CSV text into its header and records. A leading byte-order mark is ignored; every
/// record must have as many fields as the header.
pub(crate) fn parse_csv(text: &str) -> Result<(Vec<String>, Vec<CsvRecord>), CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| CsvError::from_csv(&e, text))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut records = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let starts_at = reader.position().byte();
        let more = reader
            .read_record(&mut record)
            .map_err(|e| CsvError::from_csv(&e, text))?;
        if !more {
            break;
        }
        records.push(CsvRecord {
            line: line_at(text, starts_at),
            fields: record.iter().map(str::to_owned).collect(),
        });
    }
    Ok((header, records))
}

/// One CSV record, fields quoted where needed, ending in CRLF.
#[cfg(any(test, feature = "sim"))]
pub(crate) fn write_csv_record<S: AsRef<str>>(fields: &[S]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing into memory cannot fail; a field list that somehow did would be left out.
    if writer
        .write_record(fields.iter().map(AsRef::as_ref))
        .is_err()
    {
        return String::new();
    }
    writer
        .into_inner()
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

/// The offers in an offer export, skipping offers fulfilled by bol (FBB): bol keeps their
/// stock, so the merchant never sets it.
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] at `location` when the CSV is malformed, lacks the
/// `offerId` column, or a row holds an unusable offer id or stock amount; the message names
/// the line.
pub(crate) fn offers_from_export(text: &str, location: &str) -> Result<Vec<Offer>, ConnectorError> {
    let invalid = |message: String| ConnectorError::InvalidPayload {
        vendor: VENDOR.to_owned(),
        location: location.to_owned(),
        message,
    };
    let (header, rows) = parse_csv(text)
        .map_err(|e| invalid(format!("offer export line {}: {}", e.line, e.message)))?;
    if header.iter().all(|h| h.trim().is_empty()) {
        return Ok(Vec::new());
    }
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let offer_id_col = column("offerId")
        .ok_or_else(|| invalid("offer export has no offerId column".to_owned()))?;
    let ean_col = column("ean");
    let reference_col = column("referenceCode").or_else(|| column("reference"));
    let stock_col = column("stockAmount");
    let fulfilment_col = column("fulfilmentType");
    let mut offers = Vec::with_capacity(rows.len());
    for row in &rows {
        let line = row.line;
        let cell = |col: Option<usize>| {
            col.and_then(|c| row.fields.get(c))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
        };
        if cell(fulfilment_col).is_some_and(|f| f.eq_ignore_ascii_case("FBB")) {
            continue;
        }
        let raw_offer_id = cell(Some(offer_id_col)).unwrap_or_default();
        let offer_id = OfferId::parse(raw_offer_id)
            .map_err(|e| invalid(format!("offer export line {line}: offerId {}", e.reason)))?;
        let stock = match cell(stock_col) {
            None => None,
            Some(raw) => Some(raw.parse::<u32>().map_err(|_| {
                invalid(format!(
                    "offer export line {line}: stockAmount {raw:?} is not a whole number"
                ))
            })?),
        };
        offers.push(Offer {
            offer_id,
            sku: cell(reference_col).and_then(|r| Sku::parse(r).ok()),
            ean: cell(ean_col).and_then(|e| Ean::parse(e).ok()),
            stock,
        });
    }
    Ok(offers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(records: &[CsvRecord]) -> Vec<Vec<&str>> {
        records
            .iter()
            .map(|r| r.fields.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn parses_quotes_doubled_quotes_and_line_breaks() {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n1,,3\n";
        let (header, records) = parse_csv(text).unwrap();
        assert_eq!(header, vec!["a", "b", "c"]);
        assert_eq!(
            fields(&records),
            vec![vec!["x, y", "say \"hi\"", "two\nlines"], vec!["1", "", "3"]]
        );
        // The record after a quoted line break starts on line 4.
        assert_eq!(records[1].line, 4);
    }

    #[test]
    fn last_record_without_line_break_and_bom() {
        let (header, records) = parse_csv("\u{feff}h1,h2\nv1,\"\"").unwrap();
        assert_eq!(header, vec!["h1", "h2"]);
        assert_eq!(fields(&records), vec![vec!["v1", ""]]);
    }

    #[test]
    fn reports_malformed_records_with_line() {
        // An unclosed quote swallows the rest of the file: one field where two belong.
        let err = parse_csv("a,b\n\"open,1\n2,3").unwrap_err();
        assert_eq!(err.line, 2);
        let err = parse_csv("a,b\nx,y\n1,2,3\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("3 fields"), "{}", err.message);
    }

    #[test]
    fn writer_output_reads_back() {
        let fields_in = ["plain", "with,comma", "with \"quote\"", "two\r\nlines", ""];
        let mut text = write_csv_record(&["a", "b", "c", "d", "e"]);
        text.push_str(&write_csv_record(&fields_in));
        assert!(text.ends_with("\r\n"));
        let (_, records) = parse_csv(&text).unwrap();
        assert_eq!(fields(&records), vec![fields_in.to_vec()]);
    }

    #[test]
    fn offers_from_bol_columns_skipping_fbb() {
        let mut text = write_csv_record(OFFER_EXPORT_COLUMNS);
        text.push_str(
            "o-1,8712345678906,NEW,NEW,,19.99,1-2d,7,false,FBR,2026-11-20 10:00:00,SKU-1,eo-1\r\n",
        );
        text.push_str(
            "o-2,8712345678906,NEW,NEW,,19.99,1-2d,4,false,FBB,2026-11-20 10:00:00,SKU-2,\r\n",
        );
        text.push_str(
            "o-3,,NEW,NEW,\"scratch, small\",5.00,1-2d,0,false,FBR,2026-11-20 10:00:00,,\r\n",
        );
        let offers = offers_from_export(&text, "GET export").unwrap();
        assert_eq!(offers.len(), 2);
        assert_eq!(offers[0].offer_id.as_str(), "o-1");
        assert_eq!(offers[0].sku.as_ref().map(|s| s.as_str()), Some("SKU-1"));
        assert_eq!(
            offers[0].ean.as_ref().map(|e| e.as_str()),
            Some("8712345678906")
        );
        assert_eq!(offers[0].stock, Some(7));
        assert_eq!(offers[1].offer_id.as_str(), "o-3");
        assert_eq!(offers[1].sku, None);
        assert_eq!(offers[1].stock, Some(0));
    }

    #[test]
    fn a_quoted_comment_with_comma_and_line_break_keeps_the_columns() {
        // The condition comment is free text: a comma and a line break inside it must not
        // shift the stock and reference columns that follow.
        let mut text = write_csv_record(OFFER_EXPORT_COLUMNS);
        text.push_str(&write_csv_record(&[
            "o-1",
            "8712345678906",
            "AS_NEW",
            "SECONDHAND",
            "box opened,\r\ncorner dented",
            "12.50",
            "1-2d",
            "3",
            "false",
            "FBR",
            "2026-11-20 10:00:00",
            "SKU, with comma",
            "",
        ]));
        text.push_str("o-2,,NEW,NEW,,1.00,1-2d,x,false,FBR,2026-11-20 10:00:00,SKU-2,\r\n");
        let err = offers_from_export(&text, "GET export").unwrap_err();
        // The bad stock is on line 4: the quoted line break counts.
        assert!(
            err.to_string().contains("line 4: stockAmount \"x\""),
            "{err}"
        );
        let good = text.lines().take(3).collect::<Vec<_>>().join("\r\n") + "\r\n";
        let offers = offers_from_export(&good, "GET export").unwrap();
        assert_eq!(offers.len(), 1);
        assert_eq!(offers[0].stock, Some(3));
        assert_eq!(
            offers[0].sku.as_ref().map(|s| s.as_str()),
            Some("SKU, with comma")
        );
    }

    #[test]
    fn columns_are_found_by_name_in_any_order() {
        let text = "\u{feff}stockAmount,newColumn,referenceCode,offerId\r\n5,x,SKU-9,o-9\r\n";
        let offers = offers_from_export(text, "GET export").unwrap();
        assert_eq!(offers.len(), 1);
        assert_eq!(offers[0].offer_id.as_str(), "o-9");
        assert_eq!(offers[0].stock, Some(5));
        assert_eq!(offers[0].sku.as_ref().map(|s| s.as_str()), Some("SKU-9"));
    }

    #[test]
    fn bad_rows_name_the_line() {
        let text = "offerId,stockAmount\no-1,3\no-2,many\n";
        let err = offers_from_export(text, "GET export").unwrap_err();
        assert!(
            err.to_string().contains("line 3: stockAmount \"many\""),
            "{err}"
        );
        let err = offers_from_export("ean\n123\n", "GET export").unwrap_err();
        assert!(err.to_string().contains("no offerId column"), "{err}");
        assert!(offers_from_export("", "GET export").unwrap().is_empty());
    }
}
