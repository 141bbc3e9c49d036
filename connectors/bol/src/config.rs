//! The `[marketplace]` section of a bol.com connection file: API credentials, where the API
//! lives, how long a call may take, how the connector retries by itself and how fast it may
//! call each group of endpoints ([`BolRateLimits`]).
//!
//! The daemon deserialises this, resolves [`BolConfig::client_secret`] and hands both to
//! [`crate::BolClient::new`].

use orderbridge_core::{RateLimit, RetryPolicy, SecretSource};
use serde::Deserialize;
use url::Url;

/// Where bol.com's Retailer API answers.
pub const DEFAULT_API_BASE_URL: &str = "https://api.bol.com";
/// Where bol.com issues OAuth2 access tokens.
pub const DEFAULT_TOKEN_URL: &str = "https://login.bol.com/token";
/// Seconds one HTTP request may take before it counts as timed out.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;

/// Settings of one bol.com seller account connection.
///
/// Unknown keys are rejected so a typo does not silently fall back to a default.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BolConfig {
    /// The API client id, created in the bol.com seller dashboard under
    /// Settings → API settings.
    pub client_id: String,
    /// The API client secret belonging to `client_id`: inline (`"..."`), from a file
    /// (`{ file = "/etc/orderbridge/bol.secret" }`) or from a systemd credential
    /// (`{ credential = "bol-secret" }`).
    pub client_secret: SecretSource,
    /// Base URL of the Retailer API; request paths (`/retailer/...`, `/shared/...`) are appended
    /// to it. Default `https://api.bol.com`. Point it at the built-in simulator for the demo.
    /// bol.com's own demo environment uses different path prefixes (`/retailer-demo/...`) and
    /// cannot be reached by changing this URL.
    #[serde(default = "default_api_base_url")]
    pub api_base_url: Url,
    /// The OAuth2 token endpoint. Default `https://login.bol.com/token`.
    #[serde(default = "default_token_url")]
    pub token_url: Url,
    /// Seconds one HTTP request may take, connection included, before it is abandoned and
    /// reported as a temporary failure. Default 30.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// How the connector retries by itself: reads on temporary failures, writes only when the
    /// request provably had no effect (refused with 429, or never sent).
    #[serde(default)]
    pub retry: RetryPolicy,
    /// Also import orders fulfilled by bol.com (FBB). Default `false`: only orders the merchant
    /// ships itself (FBR).
    #[serde(default)]
    pub include_fbb: bool,
    /// How many requests the connector sends per group of endpoints until bol's own
    /// `x-ratelimit-*` headers tell an endpoint's real budget (the first answer does); from
    /// then on the connector follows bol's headers for that endpoint. Each group is
    /// `{ requests = N, per_secs = S }` (bursts of up to `N`); groups left out keep their
    /// default. See [`BolRateLimits`].
    #[serde(default)]
    pub rate_limits: BolRateLimits,
    /// The address of one order in the bol seller dashboard, with `{order_id}` where the bol
    /// order id goes, for the link on the dashboard's order page. bol documents no such
    /// address, so none is assumed: copy it from your browser with an order open. Default
    /// none (the order id is shown without a link).
    #[serde(default)]
    pub order_page: Option<OrderPageTemplate>,
}

/// An address with `{order_id}` in it (see [`BolConfig::order_page`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct OrderPageTemplate(String);

impl TryFrom<String> for OrderPageTemplate {
    type Error = String;
    fn try_from(template: String) -> Result<Self, String> {
        if !template.contains("{order_id}") {
            return Err(format!(
                "key `order_page`: {template:?} has no `{{order_id}}` for the bol order id"
            ));
        }
        let url = Url::parse(&template.replace("{order_id}", "1"))
            .map_err(|e| format!("key `order_page`: {template:?} is not an address: {e}"))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(format!(
                "key `order_page`: {template:?} is not an http(s) address"
            ));
        }
        Ok(Self(template))
    }
}

impl OrderPageTemplate {
    /// The address of order `order_id` (the id percent-encoded).
    pub fn for_order(&self, order_id: &str) -> String {
        let id: String = url::form_urlencoded::byte_serialize(order_id.as_bytes()).collect();
        self.0.replace("{order_id}", &id)
    }
}

/// Client-side request budgets per group of Retailer API endpoints (`[marketplace.rate_limits]`).
///
/// These are only where the connector starts. bol publishes no fixed limits: it asks clients
/// to program against the `x-ratelimit-limit`/`-remaining`/`-reset` headers of every answer
/// (https://api.bol.com/retailer/public/Retailer-API/ratelimits.html), and the connector does:
/// once an endpoint answered, it sends what bol says remains in the current window (keeping
/// a tenth of the limit in reserve, more after a 429) and waits for the reset when nothing
/// remains, so throughput is what bol grants the account, not these numbers. The defaults
/// are bol's illustrative example table from its API conventions
/// (https://api.bol.com/retailer/public/Retailer-API/conventions.html) and, where it names
/// nothing, conservative guesses; they matter for the first requests of each endpoint only.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BolRateLimits {
    /// `GET /retailer/orders` (the open-orders list, one request per page of 50). Default
    /// 7 per 180 s, bol's documented rule for this endpoint.
    pub orders_list: RateLimit,
    /// `GET /retailer/orders/{order-id}` (one request per new order). Default 8 per 60 s,
    /// bol's documented rule for `GET /retailer/orders/*`.
    pub order_detail: RateLimit,
    /// `PUT /retailer/orders/cancellation`. Default 25 per 60 s, bol's documented rule for
    /// writes under `/retailer/orders/*`.
    pub order_cancellation: RateLimit,
    /// `POST /retailer/shipments`, and the shipping-label endpoints (delivery options, buying
    /// a label, downloading it). Not documented by bol; default 25 per 60 s, the same as the
    /// other order writes.
    pub shipments: RateLimit,
    /// The `/shared/process-status` endpoints (following writes until bol confirms them). Not
    /// documented by bol; default 60 per 60 s.
    pub process_status: RateLimit,
    /// The offer export (`/retailer/offers/export...`) and stock updates
    /// (`PUT /retailer/offers/{offer-id}/stock`). Not documented by bol; default 60 per 60 s.
    pub offers: RateLimit,
}

const fn per_window(requests: u32, per_secs: f64) -> RateLimit {
    RateLimit { requests, per_secs }
}

impl Default for BolRateLimits {
    fn default() -> Self {
        Self {
            orders_list: per_window(7, 180.0),
            order_detail: per_window(8, 60.0),
            order_cancellation: per_window(25, 60.0),
            shipments: per_window(25, 60.0),
            process_status: per_window(60, 60.0),
            offers: per_window(60, 60.0),
        }
    }
}

fn parse_default_url(raw: &'static str) -> Url {
    // Only called with the constant defaults above, which are valid absolute URLs (the unit
    // test `defaults_apply_when_only_credentials_are_given` parses both).
    #[allow(clippy::expect_used)]
    Url::parse(raw).expect("default URL constants are valid")
}

fn default_api_base_url() -> Url {
    parse_default_url(DEFAULT_API_BASE_URL)
}

fn default_token_url() -> Url {
    parse_default_url(DEFAULT_TOKEN_URL)
}

fn default_timeout_secs() -> u64 {
    DEFAULT_TIMEOUT_SECS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_json(value: serde_json::Value) -> Result<BolConfig, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn defaults_apply_when_only_credentials_are_given() {
        let config = from_json(serde_json::json!({
            "client_id": "abc",
            "client_secret": { "file": "/etc/orderbridge/bol.secret" }
        }))
        .unwrap();
        assert_eq!(config.api_base_url.as_str(), "https://api.bol.com/");
        assert_eq!(config.token_url.as_str(), "https://login.bol.com/token");
        assert_eq!(config.timeout_secs, 30);
        assert_eq!(config.retry, RetryPolicy::default());
        assert!(!config.include_fbb);
        assert_eq!(config.rate_limits, BolRateLimits::default());
        assert_eq!(config.rate_limits.orders_list.requests, 7);
        assert_eq!(config.rate_limits.orders_list.per_secs, 180.0);
    }

    #[test]
    fn rate_limits_override_per_group_and_reject_unknown_groups() {
        let config = from_json(serde_json::json!({
            "client_id": "abc",
            "client_secret": "s",
            "rate_limits": { "order_detail": { "requests": 100, "per_secs": 1.0 } }
        }))
        .unwrap();
        assert_eq!(config.rate_limits.order_detail, RateLimit::per_second(100));
        assert_eq!(
            config.rate_limits.orders_list,
            BolRateLimits::default().orders_list
        );
        let err = from_json(serde_json::json!({
            "client_id": "abc",
            "client_secret": "s",
            "rate_limits": { "returns": { "requests": 1, "per_secs": 1.0 } }
        }))
        .unwrap_err();
        assert!(err.to_string().contains("returns"), "{err}");
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = from_json(serde_json::json!({
            "client_id": "abc",
            "client_secret": "s",
            "include_fbr": true
        }))
        .unwrap_err();
        assert!(err.to_string().contains("include_fbr"), "{err}");
    }

    #[test]
    fn explicit_values_override_defaults() {
        let config = from_json(serde_json::json!({
            "client_id": "abc",
            "client_secret": "s",
            "api_base_url": "http://127.0.0.1:9000",
            "timeout_secs": 5,
            "include_fbb": true,
            "retry": { "max_attempts": 1 }
        }))
        .unwrap();
        assert_eq!(config.api_base_url.as_str(), "http://127.0.0.1:9000/");
        assert_eq!(config.timeout_secs, 5);
        assert!(config.include_fbb);
        assert_eq!(config.retry.max_attempts, 1);
    }
}
