//! Unit tests of `config.rs`: parsing, defaults and validation of the `[webshop]` table.

use super::*;

fn parse(json: serde_json::Value) -> Result<WooConfig, serde_json::Error> {
    serde_json::from_value(json)
}

#[test]
fn defaults_fill_optional_keys() {
    let config = parse(serde_json::json!({
        "base_url": "https://shop.example.nl",
        "consumer_key": "ck_1",
        "consumer_secret": "cs_1",
    }))
    .unwrap();
    assert_eq!(config.timeout_secs, 30);
    assert_eq!(config.order_status, "processing");
    assert_eq!(config.lookup_margin_secs, 600);
    assert_eq!(config.retry, RetryPolicy::default());
    assert_eq!(config.rate_limit, RateLimit::per_second(5));
    assert_eq!(config.taxes, TaxMode::Shop);
    assert_eq!(config.tax_refresh_hours, 24);
    assert!(config.validate().is_ok());
    assert!(config.marks_orders_paid());
}

#[test]
fn tax_mode_is_read() {
    let with = |taxes: &str| {
        parse(
            serde_json::json!({"base_url": "https://shop.example.nl", "consumer_key": "ck",
            "consumer_secret": "cs", "taxes": taxes, "tax_refresh_hours": 6}),
        )
    };
    let config = with("gross").unwrap();
    assert_eq!(
        (config.taxes, config.tax_refresh_hours),
        (TaxMode::Gross, 6)
    );
    assert!(with("net").is_err());
}

#[test]
fn unknown_keys_are_errors() {
    let err = parse(serde_json::json!({
        "base_url": "https://shop.example.nl",
        "consumer_key": "ck_1",
        "consumer_secret": "cs_1",
        "consumer_secrett": "typo",
    }))
    .unwrap_err();
    assert!(err.to_string().contains("consumer_secrett"), "{err}");
}

#[test]
fn plain_http_only_on_loopback() {
    let secret = SecretSource::Inline("cs".into());
    let remote = WooConfig::new(
        "http://shop.example.nl".parse().unwrap(),
        "ck",
        secret.clone(),
    );
    assert!(matches!(
        remote.validate(),
        Err(WooConfigError::BaseUrl { .. })
    ));
    for local in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:2",
    ] {
        let config = WooConfig::new(local.parse().unwrap(), "ck", secret.clone());
        assert_eq!(config.validate(), Ok(()), "{local}");
    }
}

#[test]
fn bad_values_name_the_key() {
    let mut config = WooConfig::new(
        "https://shop.example.nl".parse().unwrap(),
        "ck",
        SecretSource::Inline("cs".into()),
    );
    for closing_or_malformed in ["completed", "cancelled", "On Hold", ""] {
        config.order_status = closing_or_malformed.into();
        assert_eq!(
            config.validate(),
            Err(WooConfigError::OrderStatus(closing_or_malformed.into()))
        );
    }
    config.order_status = "marketplace-order".into();
    assert_eq!(config.validate(), Ok(()));
    config.order_status = "on-hold".into();
    assert!(!config.marks_orders_paid());
    config.tax_refresh_hours = 0;
    assert_eq!(config.validate(), Err(WooConfigError::ZeroTaxRefresh));
    config.tax_refresh_hours = 1;
    config.timeout_secs = 0;
    assert_eq!(config.validate(), Err(WooConfigError::ZeroTimeout));
}

#[test]
fn rate_limit_is_read_and_checked() {
    let config = parse(serde_json::json!({
        "base_url": "https://shop.example.nl",
        "consumer_key": "ck_1",
        "consumer_secret": "cs_1",
        "rate_limit": {"requests": 2, "per_secs": 1},
    }))
    .unwrap();
    assert_eq!(config.rate_limit, RateLimit::per_second(2));
    for (requests, per_secs) in [(0, 1.0), (5, 0.0), (5, f64::NAN)] {
        let mut bad = config.clone();
        bad.rate_limit = RateLimit { requests, per_secs };
        assert_eq!(bad.validate(), Err(WooConfigError::RateLimit));
    }
}

#[test]
fn rest_root_keeps_a_sub_directory() {
    let secret = SecretSource::Inline("cs".into());
    let plain = WooConfig::new("https://shop.nl".parse().unwrap(), "ck", secret.clone());
    assert_eq!(plain.rest_root().as_str(), "https://shop.nl/wp-json/");
    let nested = WooConfig::new("https://example.nl/winkel/".parse().unwrap(), "ck", secret);
    assert_eq!(
        nested.rest_root().as_str(),
        "https://example.nl/winkel/wp-json/"
    );
}
