//! The offer export file: bol's CSV of all offers (`GET /retailer/offers/export/{report-id}`),
//! a small RFC 4180 reader and writer for it (quoted fields, doubled quotes, line breaks
//! inside quotes, CRLF or LF), and the mapping of its rows to core [`Offer`]s.

use orderbridge_core::domain::{Ean, OfferId, Sku};
use orderbridge_core::marketplace::Offer;
use orderbridge_core::ConnectorError;

use crate::VENDOR;

/// The columns of bol's offer export, in bol's order.
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
];

/// Why a CSV text could not be read: the 1-based line where it went wrong and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvError {
    pub line: usize,
    pub message: String,
}

/// Splits CSV text into records of fields. A leading byte-order mark and a final line break
/// are ignored; blank lines are skipped.
pub(crate) fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut field_was_quoted = false;
    let mut line = 1;
    let mut quote_opened_on = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !field_was_quoted => {
                in_quotes = true;
                field_was_quoted = true;
                quote_opened_on = line;
            }
            '"' => {
                return Err(CsvError {
                    line,
                    message: "quote inside an unquoted field".to_owned(),
                })
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                field_was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                field_was_quoted = false;
                if !(record.len() == 1 && record[0].is_empty()) {
                    records.push(std::mem::take(&mut record));
                }
                record.clear();
                line += 1;
            }
            _ if field_was_quoted => {
                return Err(CsvError {
                    line,
                    message: format!("{c:?} after a closing quote"),
                })
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(CsvError {
            line: quote_opened_on,
            message: "quoted field is never closed".to_owned(),
        });
    }
    if field_was_quoted || !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

/// One CSV record, fields quoted where needed, ending in CRLF.
pub(crate) fn write_csv_record<S: AsRef<str>>(fields: &[S]) -> String {
    let mut out = String::new();
    for (idx, field) in fields.iter().enumerate() {
        if idx > 0 {
            out.push(',');
        }
        let field = field.as_ref();
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
    out
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
    let records = parse_csv(text)
        .map_err(|e| invalid(format!("offer export line {}: {}", e.line, e.message)))?;
    let Some((header, rows)) = records.split_first() else {
        return Ok(Vec::new());
    };
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let offer_id_col = column("offerId")
        .ok_or_else(|| invalid("offer export has no offerId column".to_owned()))?;
    let ean_col = column("ean");
    let reference_col = column("referenceCode").or_else(|| column("reference"));
    let stock_col = column("stockAmount");
    let fulfilment_col = column("fulfilmentType");
    let mut offers = Vec::with_capacity(rows.len());
    for (row_idx, row) in rows.iter().enumerate() {
        // Line numbers count the header as line 1.
        let line = row_idx + 2;
        if row.len() != header.len() {
            return Err(invalid(format!(
                "offer export row {line} has {} fields, the header {}",
                row.len(),
                header.len()
            )));
        }
        let cell = |col: Option<usize>| col.map(|c| row[c].trim()).filter(|v| !v.is_empty());
        if cell(fulfilment_col).is_some_and(|f| f.eq_ignore_ascii_case("FBB")) {
            continue;
        }
        let raw_offer_id = row[offer_id_col].trim();
        let offer_id = OfferId::parse(raw_offer_id)
            .map_err(|e| invalid(format!("offer export row {line}: offerId {}", e.reason)))?;
        let stock = match cell(stock_col) {
            None => None,
            Some(raw) => Some(raw.parse::<u32>().map_err(|_| {
                invalid(format!(
                    "offer export row {line}: stockAmount {raw:?} is not a whole number"
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

    #[test]
    fn parses_quotes_doubled_quotes_and_line_breaks() {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n1,,3\n";
        let records = parse_csv(text).unwrap();
        assert_eq!(
            records,
            vec![
                vec!["a", "b", "c"],
                vec!["x, y", "say \"hi\"", "two\nlines"],
                vec!["1", "", "3"],
            ]
        );
    }

    #[test]
    fn last_record_without_line_break_and_bom() {
        let records = parse_csv("\u{feff}h1,h2\nv1,\"\"").unwrap();
        assert_eq!(records, vec![vec!["h1", "h2"], vec!["v1", ""]]);
    }

    #[test]
    fn reports_malformed_quotes_with_line() {
        let err = parse_csv("a,b\n\"open,1\n2,3").unwrap_err();
        assert_eq!(err.line, 2);
        let err = parse_csv("a,b\nx\"y,1").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(parse_csv("\"a\"b,c").is_err());
    }

    #[test]
    fn writer_output_reads_back() {
        let fields = ["plain", "with,comma", "with \"quote\"", ""];
        let text = write_csv_record(&fields);
        assert_eq!(parse_csv(&text).unwrap(), vec![fields.to_vec()]);
    }

    #[test]
    fn offers_from_bol_columns_skipping_fbb() {
        let mut text = write_csv_record(OFFER_EXPORT_COLUMNS);
        text.push_str(
            "o-1,8712345678906,NEW,NEW,,19.99,1-2d,7,false,FBR,2026-11-20 10:00:00,SKU-1\r\n",
        );
        text.push_str(
            "o-2,8712345678906,NEW,NEW,,19.99,1-2d,4,false,FBB,2026-11-20 10:00:00,SKU-2\r\n",
        );
        text.push_str(
            "o-3,,NEW,NEW,\"scratch, small\",5.00,1-2d,0,false,FBR,2026-11-20 10:00:00,\r\n",
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
    fn bad_rows_name_the_line() {
        let text = "offerId,stockAmount\no-1,3\no-2,many\n";
        let err = offers_from_export(text, "GET export").unwrap_err();
        assert!(
            err.to_string().contains("row 3: stockAmount \"many\""),
            "{err}"
        );
        let err = offers_from_export("ean\n123\n", "GET export").unwrap_err();
        assert!(err.to_string().contains("no offerId column"), "{err}");
    }
}
