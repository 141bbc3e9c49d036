//! bol's enumerations whose value this connector acts on, as "open" enums: every value the
//! spec lists has a variant, and any other value bol may add later is kept as
//! `Unknown(text)` instead of failing the whole answer. What an unknown value means is decided
//! in `mapping.rs`, where the consequence is known.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares an open string enum: known variants with their spelling, plus `Unknown(String)`,
/// (de)serialised as the plain string.
macro_rules! open_string_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value the spec does not list (yet), kept exactly as bol sent it.
            Unknown(String),
        }

        impl $name {
            /// The value as bol spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Unknown(raw) => raw.as_str(),
                }
            }

            /// Reads a value as bol spells it; anything not listed becomes `Unknown`.
            pub fn parse(raw: &str) -> Self {
                match raw {
                    $( $text => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                Ok(Self::parse(&raw))
            }
        }
    };
}

open_string_enum! {
    /// Fulfilled by the retailer (`FBR`) or by bol.com (`FBB`).
    FulfilmentMethod {
        /// Fulfilled by the retailer.
        Fbr => "FBR",
        /// Fulfilled by bol.com.
        Fbb => "FBB",
    }
}

open_string_enum! {
    /// Where an asynchronous process stands.
    ProcessStatusValue {
        /// Still running.
        Pending => "PENDING",
        /// Done.
        Success => "SUCCESS",
        /// Refused; see `errorMessage`.
        Failure => "FAILURE",
        /// bol gave up.
        Timeout => "TIMEOUT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_and_unknown_ones_are_kept() {
        let method: FulfilmentMethod = serde_json::from_str("\"FBB\"").unwrap();
        assert_eq!(method, FulfilmentMethod::Fbb);
        let method: FulfilmentMethod = serde_json::from_str("\"FBX\"").unwrap();
        assert_eq!(method, FulfilmentMethod::Unknown("FBX".to_owned()));
        assert_eq!(serde_json::to_string(&method).unwrap(), "\"FBX\"");
        let status: ProcessStatusValue = serde_json::from_str("\"QUEUED\"").unwrap();
        assert_eq!(status.as_str(), "QUEUED");
        assert_eq!(
            serde_json::to_string(&ProcessStatusValue::Success).unwrap(),
            "\"SUCCESS\""
        );
    }

    #[test]
    fn a_non_string_value_is_still_an_error() {
        assert!(serde_json::from_str::<FulfilmentMethod>("3").is_err());
    }
}
