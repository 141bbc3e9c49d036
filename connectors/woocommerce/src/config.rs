//! The `[webshop]` settings of a connection whose webshop is WooCommerce: where the shop is, the
//! REST API key pair, time-outs, retries and the request rate, how created orders look, and
//! whether amounts follow the shop's tax settings.
//! Parsed with serde from the connection's TOML file; unknown keys are errors.

use orderbridge_core::{RateLimit, RetryPolicy, SecretSource};
use orderbridge_http::is_loopback;
use serde::Deserialize;
use url::Url;

/// Settings of one WooCommerce shop.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WooConfig {
    /// The shop's site address, e.g. `https://shop.example.nl`. The REST API is expected under
    /// `{base_url}/wp-json/wc/v3/`. Must use `https`; plain `http` is accepted only for a
    /// loopback address (local tests and the demo simulator), because WooCommerce sends the key
    /// pair as HTTP Basic authentication.
    pub base_url: Url,
    /// The REST API consumer key (`ck_...`), created in WooCommerce under Settings → Advanced →
    /// REST API with read/write permission.
    pub consumer_key: String,
    /// The REST API consumer secret (`cs_...`): inline, `{ file = "..." }` or
    /// `{ credential = "..." }`.
    pub consumer_secret: SecretSource,
    /// Time-out of one HTTP request in seconds, connecting and reading the reply included. A shop
    /// that does not answer in time is a temporary failure: reads are retried, an order
    /// creation is looked up by its code before it is tried again.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// How the connector retries failed calls by itself.
    #[serde(default)]
    pub retry: RetryPolicy,
    /// Most requests the connector sends to the shop: `requests` per `per_secs` seconds, in
    /// bursts of up to `requests` (default 5 per second), e.g.
    /// `rate_limit = { requests = 2, per_secs = 1 }`. WooCommerce itself sets no limit on its
    /// REST API v3 (only the Store API used by shop front-ends has an optional limiter, off by
    /// default), but every request runs a PHP worker on the merchant's own, often shared,
    /// hosting, and hosts or firewalls may throttle. Retries count against the same budget.
    #[serde(default = "default_rate_limit")]
    pub rate_limit: RateLimit,
    /// WooCommerce status given to created orders, e.g. `processing` (the default), `on-hold`
    /// or a custom status slug registered by a plugin; not a closing status such as `completed`.
    /// Orders are marked paid (marketplace orders are paid), except with `pending` or `on-hold`,
    /// which WooCommerce would otherwise turn into `processing` when marking them paid.
    #[serde(default = "default_order_status")]
    pub order_status: String,
    /// Seconds subtracted from the recorded creation attempt when looking for an order that may
    /// have been created before a crash or a lost reply; covers clock skew between this machine
    /// and the shop.
    #[serde(default = "default_lookup_margin_secs")]
    pub lookup_margin_secs: u64,
    /// How order amounts are sent. `shop` (the default): read the shop's tax settings
    /// (`Calculate taxes`, rates per class and country, where taxes are based on, rounding)
    /// and, when the shop adds taxes, send each line's amount without VAT for the product's
    /// tax class and the buyer's country, so the order total the shop calculates equals what
    /// the buyer paid (a cent the rates cannot reach goes on a tax-free "rounding" fee line).
    /// The API key's user must be allowed to read WooCommerce settings. `gross`: send the
    /// amounts the buyer paid, VAT included, as they are; for shops that add no taxes or whose
    /// taxes a plugin calculates. Either way a created order whose total differs from what
    /// the buyer paid is put in `error` with both amounts.
    #[serde(default)]
    pub taxes: TaxMode,
    /// Hours the shop's tax settings are trusted before they are read again (default 24). They
    /// are also read again after an order's total came out differently.
    #[serde(default = "default_tax_refresh_hours")]
    pub tax_refresh_hours: u64,
    /// Product meta keys that hold an EAN, besides WooCommerce's own GTIN field
    /// (`global_unique_id`, only from WooCommerce 9.2). Order lines whose SKU is unknown are
    /// matched by EAN against products *and variations* with any of these keys. The default
    /// covers the plugins Dutch shops use: "EAN for WooCommerce" (`_alg_ean`), "Product GTIN
    /// (EAN, UPC, ISBN) for WooCommerce" (`_wpm_gtin_code`) and Germanized (`_ts_gtin`), e.g.
    /// `ean_meta_keys = ["_alg_ean", "_my_ean"]`; `[]` uses only `global_unique_id`.
    #[serde(default = "default_ean_meta_keys")]
    pub ean_meta_keys: Vec<String>,
    /// What the marketplace gets for a product whose stock WooCommerce does not manage
    /// ("Manage stock?" off: no quantity, only a stock status). Out of stock always sends 0.
    /// In stock: `"leave"` (the default) leaves the marketplace's stock as it is; a number,
    /// e.g. `unmanaged_in_stock = 5`, sends that many (minus the stock buffer).
    #[serde(default)]
    pub unmanaged_in_stock: UnmanagedInStock,
    /// How the key pair travels to the shop. `header` (the default): HTTP Basic
    /// authentication in the `Authorization` header. `query_string`: as `consumer_key` and
    /// `consumer_secret` query parameters on every request, for hosts whose web server does
    /// not pass the `Authorization` header on to PHP (every call then fails with 401 "Sorry,
    /// you cannot list resources."). WooCommerce accepts both only over HTTPS
    /// (`WC_REST_Authentication::perform_basic_authentication`), so `base_url` must be `https`
    /// (plain http only on loopback, for the simulator). The key pair never appears in logs
    /// or error messages either way.
    #[serde(default)]
    pub auth: WooAuth,
    /// Whether WooCommerce sends its own customer e-mails (order received, processing,
    /// completed, notes to the customer) for marketplace orders. Default `false`: bol's buyer
    /// address is a relay and bol mails the buyer itself, so a second set of mails from the
    /// shop confuses buyers. WooCommerce sends those mails to the order's billing e-mail and
    /// sends none when it is empty (`WC_Email::trigger` checks `get_recipient()`), so the
    /// buyer's address is left out of `billing.email` and kept in the order meta
    /// `_orderbridge_buyer_email` instead. Mails to the shop owner (new order) are not
    /// affected. `true` puts the address in `billing.email` as the marketplace gave it.
    #[serde(default)]
    pub customer_emails: bool,
}

/// How order amounts are sent; see [`WooConfig::taxes`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxMode {
    /// Follow the shop's tax settings.
    #[default]
    Shop,
    /// Send what the buyer paid, VAT included.
    Gross,
}

fn default_tax_refresh_hours() -> u64 {
    24
}

/// How the REST API key pair is sent (see [`WooConfig::auth`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WooAuth {
    /// HTTP Basic authentication in the `Authorization` header.
    #[default]
    Header,
    /// `consumer_key` and `consumer_secret` query parameters.
    QueryString,
}

/// What to send for an in-stock product whose stock WooCommerce does not manage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum UnmanagedInStock {
    /// Leave the marketplace's stock alone (`"leave"`).
    #[default]
    #[serde(with = "leave_keyword")]
    Leave,
    /// Send this many items.
    Amount(u32),
}

/// The word `"leave"` as the unit variant [`UnmanagedInStock::Leave`].
mod leave_keyword {
    use serde::{Deserialize, Deserializer};

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(), D::Error> {
        let word = String::deserialize(deserializer)?;
        if word == "leave" {
            Ok(())
        } else {
            Err(serde::de::Error::custom(format!(
                "expected \"leave\" or a number of items, not {word:?}"
            )))
        }
    }
}

fn default_ean_meta_keys() -> Vec<String> {
    ["_alg_ean", "_wpm_gtin_code", "_ts_gtin"]
        .map(str::to_owned)
        .to_vec()
}

fn default_timeout_secs() -> u64 {
    30
}

fn default_rate_limit() -> RateLimit {
    RateLimit::per_second(5)
}

fn default_order_status() -> String {
    "processing".to_owned()
}

fn default_lookup_margin_secs() -> u64 {
    600
}

/// Statuses a new order must not get: they would read as already shipped or cancelled.
const CLOSING_STATUSES: [&str; 6] = [
    "completed",
    "cancelled",
    "refunded",
    "failed",
    "trash",
    "checkout-draft",
];

/// Why a [`WooConfig`] cannot be used. Names the key; never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WooConfigError {
    /// `base_url` is not usable.
    #[error("base_url {url}: {reason}")]
    BaseUrl {
        /// The configured address.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `consumer_key` is empty.
    #[error("consumer_key is empty")]
    EmptyConsumerKey,
    /// `timeout_secs` is 0.
    #[error("timeout_secs must be at least 1")]
    ZeroTimeout,
    /// `rate_limit` allows no request or has no usable window.
    #[error("rate_limit must allow at least 1 request per a positive number of seconds")]
    RateLimit,
    /// `tax_refresh_hours` is 0.
    #[error("tax_refresh_hours must be at least 1")]
    ZeroTaxRefresh,
    /// An `ean_meta_keys` entry is empty.
    #[error("ean_meta_keys must not hold an empty key")]
    EmptyEanMetaKey,
    /// `order_status` is not a status a new order can get.
    #[error(
        "order_status {0:?} must be an open status slug such as processing, on-hold or pending"
    )]
    OrderStatus(String),
}

impl WooConfig {
    /// A configuration with every optional key at its default.
    pub fn new(base_url: Url, consumer_key: impl Into<String>, secret: SecretSource) -> Self {
        Self {
            base_url,
            consumer_key: consumer_key.into(),
            consumer_secret: secret,
            timeout_secs: default_timeout_secs(),
            retry: RetryPolicy::default(),
            rate_limit: default_rate_limit(),
            order_status: default_order_status(),
            lookup_margin_secs: default_lookup_margin_secs(),
            auth: WooAuth::Header,
            customer_emails: false,
            taxes: TaxMode::default(),
            tax_refresh_hours: default_tax_refresh_hours(),
            ean_meta_keys: default_ean_meta_keys(),
            unmanaged_in_stock: UnmanagedInStock::default(),
        }
    }

    /// Checks the values serde cannot check.
    ///
    /// # Errors
    ///
    /// When `base_url` is not `https` (or `http` on loopback), has a query or fragment, when the
    /// consumer key is empty, the time-out or the tax refresh is 0, the rate limit allows
    /// nothing, or the order status is not an open status slug.
    pub fn validate(&self) -> Result<(), WooConfigError> {
        let url_error = |reason| WooConfigError::BaseUrl {
            url: self.base_url.to_string(),
            reason,
        };
        match self.base_url.scheme() {
            "https" => {}
            "http" if is_loopback(&self.base_url) => {}
            "http" => {
                return Err(url_error(
                    "plain http is only allowed for a loopback address",
                ))
            }
            _ => return Err(url_error("must start with https://")),
        }
        if self.base_url.host().is_none() {
            return Err(url_error("has no host"));
        }
        if self.base_url.query().is_some() || self.base_url.fragment().is_some() {
            return Err(url_error("must not have a query or fragment"));
        }
        if self.consumer_key.trim().is_empty() {
            return Err(WooConfigError::EmptyConsumerKey);
        }
        if self.timeout_secs == 0 {
            return Err(WooConfigError::ZeroTimeout);
        }
        if self.tax_refresh_hours == 0 {
            return Err(WooConfigError::ZeroTaxRefresh);
        }
        if self.ean_meta_keys.iter().any(|key| key.trim().is_empty()) {
            return Err(WooConfigError::EmptyEanMetaKey);
        }
        let window = self.rate_limit.per_secs;
        if self.rate_limit.requests == 0 || !window.is_finite() || window <= 0.0 {
            return Err(WooConfigError::RateLimit);
        }
        let status = self.order_status.as_str();
        let is_slug = !status.is_empty()
            && status
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !is_slug || CLOSING_STATUSES.contains(&status) {
            return Err(WooConfigError::OrderStatus(self.order_status.clone()));
        }
        Ok(())
    }

    /// Whether created orders are marked paid (see [`WooConfig::order_status`]).
    pub fn marks_orders_paid(&self) -> bool {
        !matches!(self.order_status.as_str(), "pending" | "on-hold")
    }

    /// The root of the site's REST API, `{base_url}/wp-json/`, always ending in a slash so
    /// relative paths join below it.
    pub fn rest_root(&self) -> Url {
        let mut root = self.base_url.clone();
        let path = format!("{}/wp-json/", root.path().trim_end_matches('/'));
        root.set_path(&path);
        root
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
