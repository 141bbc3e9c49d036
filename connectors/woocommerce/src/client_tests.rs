//! Unit tests of `client.rs`: when a failed call is sent again, and what a client prints.

use super::*;
use orderbridge_core::SecretSource;

fn core(max_attempts: u32) -> Arc<HttpCore> {
    let mut config = WooConfig::new(
        "https://shop.example.nl".parse().unwrap(),
        "ck",
        SecretSource::Inline("cs".into()),
    );
    config.retry.max_attempts = max_attempts;
    WooClient::new(&config, Secret::new("cs")).unwrap().http
}

fn failure(error: ConnectorError, unsent: bool) -> AttemptFailure {
    AttemptFailure {
        error,
        unsent,
        woo_code: None,
        status: None,
        damaged_body: false,
    }
}

fn transient() -> ConnectorError {
    ConnectorError::Transient {
        message: "x".into(),
    }
}

#[test]
fn creating_writes_are_replayed_only_when_unsent() {
    let http = core(4);
    let sent = failure(transient(), false);
    let unsent = failure(transient(), true);
    assert!(http
        .wait_before_retry(&sent, 1, Replay::OnlyIfUnsent)
        .is_none());
    assert!(http
        .wait_before_retry(&unsent, 1, Replay::OnlyIfUnsent)
        .is_some());
    assert!(http.wait_before_retry(&sent, 1, Replay::Safe).is_some());
}

#[test]
fn damaged_bodies_are_read_again_only_by_replayable_calls() {
    let http = core(3);
    let invalid = || ConnectorError::InvalidPayload {
        vendor: VENDOR.into(),
        location: "GET wc/v3/orders".into(),
        message: "expected value".into(),
    };
    let damaged = AttemptFailure {
        damaged_body: true,
        ..failure(invalid(), false)
    };
    let odd_shape = failure(invalid(), false);
    assert!(http.wait_before_retry(&damaged, 1, Replay::Safe).is_some());
    assert!(http.wait_before_retry(&damaged, 3, Replay::Safe).is_none());
    assert!(http
        .wait_before_retry(&damaged, 1, Replay::OnlyIfUnsent)
        .is_none());
    assert!(http
        .wait_before_retry(&odd_shape, 1, Replay::Safe)
        .is_none());
}

#[test]
fn a_rate_limit_without_retry_after_backs_off() {
    let http = core(2);
    let limited = failure(ConnectorError::RateLimited { retry_after: None }, true);
    let wait = http.wait_before_retry(&limited, 1, Replay::OnlyIfUnsent);
    assert!(wait.is_some_and(|w| w <= Duration::from_millis(500) && !w.is_zero()));
}

#[test]
fn rate_limits_wait_as_told_unless_too_long_and_attempts_run_out() {
    let http = core(2);
    let limited = |secs| {
        failure(
            ConnectorError::RateLimited {
                retry_after: Some(Duration::from_secs(secs)),
            },
            true,
        )
    };
    assert_eq!(
        http.wait_before_retry(&limited(3), 1, Replay::OnlyIfUnsent),
        Some(Duration::from_secs(3))
    );
    assert_eq!(
        http.wait_before_retry(&limited(3600), 1, Replay::Safe),
        None
    );
    assert_eq!(http.wait_before_retry(&limited(3), 2, Replay::Safe), None);
    let rejected = failure(
        ConnectorError::Rejected {
            vendor: VENDOR.into(),
            message: "no".into(),
        },
        false,
    );
    assert_eq!(http.wait_before_retry(&rejected, 1, Replay::Safe), None);
}

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
