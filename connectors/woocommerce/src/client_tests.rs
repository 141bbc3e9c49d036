//! Unit tests of `client.rs`: what a client prints and which configuration it refuses (when a
//! failed call is sent again is the HTTP kit's rule, tested there and in `tests/client_retries.rs`).

use super::*;
use orderbridge_core::SecretSource;

#[test]
fn debug_output_hides_the_secret() {
    let mut config = WooConfig::new(
        "https://shop.example.nl".parse().unwrap(),
        "ck_visible",
        SecretSource::Inline("cs_hidden".into()),
    );
    config.timeout_secs = 5;
    let client = WooClient::new(&config, Secret::new("cs_hidden")).unwrap();
    let printed = format!("{client:?}");
    assert!(
        printed.contains("ck_visible") && !printed.contains("cs_hidden"),
        "{printed}"
    );
}

#[test]
fn unusable_configuration_is_rejected() {
    let config = WooConfig::new(
        "http://shop.example.nl".parse().unwrap(),
        "ck",
        SecretSource::Inline("cs".into()),
    );
    let err = WooClient::new(&config, Secret::new("cs")).unwrap_err();
    assert!(
        matches!(err, ConnectorError::Rejected { ref message, .. } if message.contains("base_url"))
    );
}
