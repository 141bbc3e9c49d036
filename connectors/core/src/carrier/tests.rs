//! Detection tests across both sources: every test number the data set ships, and realistic
//! NL/BE codes through the public [`detect`] and [`detect_all`].

use super::*;

fn parse(raw: &str) -> TrackingCode {
    TrackingCode::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
}

fn is_reading_of(detection: &Detection, format: &matcher::CompiledFormat) -> bool {
    detection.source == DetectionSource::DataSet
        && detection.courier == format.courier_name
        && detection.format == format.name
}

/// Every valid test number of every format is detected as that format, and no invalid one is.
/// Test numbers are normalised as [`TrackingCode::parse`] does (spaces and dashes removed).
#[test]
fn every_data_set_test_number() {
    let mut n_valid = 0;
    let mut n_invalid = 0;
    for format in &matcher::data_set().formats {
        for raw in &format.test_numbers.valid {
            let detections = detect_all(&parse(raw));
            assert!(
                detections.iter().any(|d| is_reading_of(d, format)),
                "{}/{}: valid {raw:?} not detected, got {detections:?}",
                format.courier_name,
                format.name
            );
            n_valid += 1;
        }
        for raw in &format.test_numbers.invalid {
            // A number too short or long for a track & trace code is not detected at all.
            if let Ok(code) = TrackingCode::parse(raw) {
                let detections = detect_all(&code);
                assert!(
                    !detections.iter().any(|d| is_reading_of(d, format)),
                    "{}/{}: invalid {raw:?} detected",
                    format.courier_name,
                    format.name
                );
            }
            n_invalid += 1;
        }
    }
    assert_eq!((n_valid, n_invalid), (192, 88));
}

/// Valid data-set test numbers whose first reading is another format, and the format that wins.
/// Each is a real overlap of the formats, not a matching error; `detect_all` still lists the
/// test number's own format (see `every_data_set_test_number`).
const KNOWN_AMBIGUITIES: &[(&str, &str)] = &[
    // NL/BE rules first: JVGL is DHL Parcel's prefix in the Benelux, long JJD codes DHL Parcel's.
    ("JVGL0999999990", "dhl_parcel_jvgl"),
    ("JJD0002257639032011", "dhl_parcel_jjd"),
    ("JJD0002255380054291", "dhl_parcel_jjd"),
    ("JJD0002257639032020", "dhl_parcel_jjd"),
    // Both formats validate a check digit, or neither does: data set file order decides.
    ("78045768393", "dhl_express"),
    ("287809468872", "fedex_12"),
    ("320610804900", "fedex_12"),
    ("4201028200009261290113185417468510", "fedex_34"),
    ("JFV247545960", "dhl_express_piece_id"),
];

#[test]
fn valid_test_numbers_are_detected_first_unless_known_ambiguous() {
    let mut ambiguous_seen = std::collections::HashSet::new();
    for format in &matcher::data_set().formats {
        for raw in &format.test_numbers.valid {
            let code = parse(raw);
            let detections = detect_all(&code);
            let first = &detections[0];
            if is_reading_of(first, format) {
                continue;
            }
            let expected_winner = KNOWN_AMBIGUITIES
                .iter()
                .find(|(ambiguous, _)| *ambiguous == code.as_str())
                .map(|(_, winner)| *winner);
            ambiguous_seen.insert(code.as_str().to_owned());
            assert_eq!(
                expected_winner,
                first.format_id.or(Some(first.format)),
                "{}/{}: {raw:?} first read as {first:?}",
                format.courier_name,
                format.name
            );
        }
    }
    assert_eq!(
        ambiguous_seen.len(),
        KNOWN_AMBIGUITIES.len(),
        "stale KNOWN_AMBIGUITIES"
    );
}

#[test]
fn nl_be_codes_are_detected() {
    let cases = [
        ("3S CBLU 565 4286", Carrier::PostNl),
        ("3SQVMA100225317", Carrier::PostNl),
        ("JVGL106871455389257607", Carrier::DhlParcel),
        ("JVGL0601234567890123", Carrier::DhlParcel),
        ("05212345678901", Carrier::DpdNl),
        ("601234567896", Carrier::Gls),
        ("3299 9874 5632 1478 5236 5873", Carrier::Bpost),
        ("GD123456785WW", Carrier::TntExpress),
        ("00340433836442636597", Carrier::DhlDe),
    ];
    for (raw, carrier) in cases {
        assert_eq!(detect(&parse(raw)), Some(carrier), "{raw}");
    }
}

#[test]
fn international_postal_numbers_go_by_country() {
    assert_eq!(detect(&parse("LA123456785NL")), Some(Carrier::PostNl));
    assert_eq!(detect(&parse("CD123456785BE")), Some(Carrier::Bpost));
    assert_eq!(detect(&parse("RR123456785DE")), Some(Carrier::DhlDe));
    assert_eq!(
        detect(&parse("RB123456785FR")),
        Some(Carrier::Other("LA POSTE".into()))
    );
    // Wrong S10 check digit: not an international postal number.
    assert_eq!(detect(&parse("LA123456786NL")), None);
}

#[test]
fn express_codes_are_detected() {
    assert_eq!(detect(&parse("1Z5R89390357567127")), Some(Carrier::Ups));
    assert_eq!(detect(&parse("986578788855")), Some(Carrier::FedEx));
    assert_eq!(detect(&parse("3318810025")), Some(Carrier::DhlExpress));
    assert_eq!(detect(&parse("JJD0099999999")), Some(Carrier::DhlExpress));
    assert_eq!(detect(&parse("09 9800 0002 0033 F")), Some(Carrier::DpdNl));
}

#[test]
fn ambiguous_codes_list_every_reading() {
    let detections = detect_all(&parse("JVGL0999999990"));
    let carriers: Vec<_> = detections.iter().map(|d| d.carrier.clone()).collect();
    assert_eq!(carriers, vec![Carrier::DhlParcel, Carrier::DhlExpress]);
    assert_eq!(detections[0].source, DetectionSource::NlBeRule);
    assert_eq!(detections[0].format_id, Some("dhl_parcel_jvgl"));
    assert_eq!(detections[1].format_id, Some("dhl_express_piece_id"));
}

#[test]
fn unknown_codes_are_not_guessed() {
    for raw in ["ABC123", "HELLOWORLD", "000000", "1Z5R89390357567128"] {
        assert_eq!(detect_all(&parse(raw)), vec![], "{raw}");
    }
}
