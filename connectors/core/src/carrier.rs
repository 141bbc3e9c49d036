//! Carrier detection from track & trace codes (to be filled by the carrier-detection work).

use crate::domain::{Carrier, TrackingCode};

/// Detects the carrier of a track & trace code.
pub fn detect(_code: &TrackingCode) -> Option<Carrier> {
    None
}
