//! The `[webshop]` settings of a connection whose webshop is Magento 2 / Adobe Commerce: where
//! the shop is, its integration access token and store view, how created orders are placed
//! (shipping method, payment method, the guest e-mail that carries our order code, street
//! lines), the MSI stock read, time-outs, retries and the request rate. Parsed with serde from
//! the connection's TOML file; unknown keys are errors.

use std::net::IpAddr;

use orderbridge_core::{RateLimit, RetryPolicy, SecretSource};
use serde::Deserialize;
use url::Url;

/// The placeholder in [`MagentoConfig::guest_email`] replaced by our order code.
pub const CODE_PLACEHOLDER: &str = "{code}";

/// Settings of one Magento 2 store view.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MagentoConfig {
    /// The shop's address, e.g. `https://www.shop.nl` (the REST API is under
    /// `{base_url}/rest/{store_code}/V1/`). Must use `https`; plain `http` only on a loopback
    /// address, because the access token travels in every request.
    pub base_url: Url,
    /// The access token of an integration (System → Extensions → Integrations in the admin;
    /// sent as `Authorization: Bearer …`; Magento 2.4.4+ needs "Allow OAuth Access Tokens to
    /// be used as standalone Bearer tokens" switched on): inline, `{ file = "..." }` or
    /// `{ credential = "..." }`. Its resources must include Sales, Carts and Inventory.
    pub access_token: SecretSource,
    /// The store view code orders are placed in and read from (`default`; `all` is the admin
    /// level, which cannot place guest orders).
    #[serde(default = "default_store_code")]
    pub store_code: String,
    /// The shipping carrier code of created orders (`freeshipping`, or `flatrate`, `tablerate`):
    /// the buyer paid the marketplace for delivery, so a free method keeps the order's total
    /// what the buyer paid.
    #[serde(default = "default_shipping")]
    pub shipping_carrier_code: String,
    /// The shipping method code within that carrier (`freeshipping` for free shipping).
    #[serde(default = "default_shipping")]
    pub shipping_method_code: String,
    /// The payment method of created orders (`checkmo`, `banktransfer`, `cashondelivery`, or
    /// `free` when all is free): an offline method that must be enabled for the store view.
    #[serde(default = "default_payment_method")]
    pub payment_method: String,
    /// The e-mail address created orders are placed under, with `{code}` for our order code,
    /// e.g. `bol+{code}@shop.nl`. Magento mails its order confirmation to this address, so the
    /// marketplace's buyer never gets mail from the shop; and because the code is in it from
    /// the moment the cart exists, an order whose creation was interrupted is found by it.
    /// The buyer's own e-mail stays on the delivery address. The default, at the reserved
    /// domain `example.com`, receives no mail.
    #[serde(default = "default_guest_email")]
    pub guest_email: String,
    /// How many street lines the store's addresses have (Stores → Configuration → Customers →
    /// Customer Configuration → Name and Address Options → Number of Lines in a Street
    /// Address): 1 = `Kerkstraat 23-II`; 2 = street, house number with extension; 3 = street,
    /// house number, extension.
    #[serde(default = "default_street_lines")]
    pub street_lines: u8,
    /// The MSI stock whose salable quantity is offered on the marketplace (1 = Default Stock).
    #[serde(default = "default_stock_id")]
    pub stock_id: u32,
    /// Time-out of one HTTP request in seconds. A shop that does not answer in time is a
    /// temporary failure: reads are retried, an order creation is looked up before it is tried
    /// again.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// How the connector retries failed calls by itself.
    #[serde(default)]
    pub retry: RetryPolicy,
    /// Most requests the connector sends: `requests` per `per_secs` seconds (default 5 per
    /// second). Magento sets no limit of its own by default; its host or WAF may.
    #[serde(default = "default_rate_limit")]
    pub rate_limit: RateLimit,
    /// Seconds subtracted from the recorded creation attempt when looking for an order that
    /// may have been created before a crash or a lost reply (clock skew).
    #[serde(default = "default_lookup_margin_secs")]
    pub lookup_margin_secs: u64,
}

fn default_store_code() -> String {
    "default".to_owned()
}

fn default_shipping() -> String {
    "freeshipping".to_owned()
}

fn default_payment_method() -> String {
    "checkmo".to_owned()
}

fn default_guest_email() -> String {
    format!("{CODE_PLACEHOLDER}@example.com")
}

fn default_street_lines() -> u8 {
    2
}

fn default_stock_id() -> u32 {
    1
}

fn default_timeout_secs() -> u64 {
    30
}

fn default_rate_limit() -> RateLimit {
    RateLimit::per_second(5)
}

fn default_lookup_margin_secs() -> u64 {
    3600
}

/// A setting Magento cannot be reached or used with; the message names the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MagentoConfigError {
    /// `base_url` is plain http on a host that is not loopback.
    #[error("base_url must use https (plain http only for 127.0.0.1/localhost): {0}")]
    NotHttps(String),
    /// A code holds characters Magento's codes never have.
    #[error("{key} = {value:?} is not a Magento code (letters, digits and _ only)")]
    BadCode {
        /// The setting.
        key: &'static str,
        /// What it holds.
        value: String,
    },
    /// `guest_email` lacks `{code}` or is no e-mail address.
    #[error("guest_email = {0:?} must be an e-mail address containing {{code}}, e.g. bol+{{code}}@shop.nl")]
    BadGuestEmail(String),
    /// `street_lines` is not 1, 2 or 3.
    #[error("street_lines = {0} must be 1, 2 or 3")]
    BadStreetLines(u8),
    /// `stock_id` is 0.
    #[error("stock_id must be at least 1")]
    ZeroStockId,
    /// `timeout_secs` is 0.
    #[error("timeout_secs must be at least 1")]
    ZeroTimeout,
}

impl MagentoConfig {
    /// Settings with the defaults for everything optional.
    pub fn new(base_url: Url, access_token: SecretSource) -> Self {
        Self {
            base_url,
            access_token,
            store_code: default_store_code(),
            shipping_carrier_code: default_shipping(),
            shipping_method_code: default_shipping(),
            payment_method: default_payment_method(),
            guest_email: default_guest_email(),
            street_lines: default_street_lines(),
            stock_id: default_stock_id(),
            timeout_secs: default_timeout_secs(),
            retry: RetryPolicy::default(),
            rate_limit: default_rate_limit(),
            lookup_margin_secs: default_lookup_margin_secs(),
        }
    }

    /// Checks what serde cannot.
    ///
    /// # Errors
    ///
    /// The first setting that cannot be used.
    pub fn validate(&self) -> Result<(), MagentoConfigError> {
        if self.base_url.scheme() != "https" && !is_loopback(&self.base_url) {
            return Err(MagentoConfigError::NotHttps(self.base_url.to_string()));
        }
        let codes = [
            ("store_code", &self.store_code),
            ("shipping_carrier_code", &self.shipping_carrier_code),
            ("shipping_method_code", &self.shipping_method_code),
            ("payment_method", &self.payment_method),
        ];
        for (key, value) in codes {
            let plain = !value.is_empty()
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !plain {
                return Err(MagentoConfigError::BadCode {
                    key,
                    value: value.clone(),
                });
            }
        }
        let email_ok = self.guest_email.matches(CODE_PLACEHOLDER).count() == 1
            && self
                .guest_email
                .split_once('@')
                .is_some_and(|(local, domain)| {
                    !local.is_empty() && domain.contains('.') && !domain.contains(CODE_PLACEHOLDER)
                })
            && !self.guest_email.chars().any(char::is_whitespace);
        if !email_ok {
            return Err(MagentoConfigError::BadGuestEmail(self.guest_email.clone()));
        }
        if !(1..=3).contains(&self.street_lines) {
            return Err(MagentoConfigError::BadStreetLines(self.street_lines));
        }
        if self.stock_id == 0 {
            return Err(MagentoConfigError::ZeroStockId);
        }
        if self.timeout_secs == 0 {
            return Err(MagentoConfigError::ZeroTimeout);
        }
        Ok(())
    }

    /// The REST root of the store view, `{base_url}/rest/{store_code}/V1/`.
    pub(crate) fn rest_root(&self) -> Url {
        let mut root = self.base_url.clone();
        let path = format!(
            "{}/rest/{}/V1/",
            root.path().trim_end_matches('/'),
            self.store_code
        );
        root.set_path(&path);
        root.set_query(None);
        root.set_fragment(None);
        root
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base: &str) -> MagentoConfig {
        MagentoConfig::new(
            base.parse().expect("a valid test URL"),
            SecretSource::Inline("t".into()),
        )
    }

    #[test]
    fn a_section_reads_with_defaults_and_refuses_unknown_keys() {
        let parsed: MagentoConfig =
            serde_json::from_str(r#"{"base_url": "https://www.shop.nl", "access_token": "t"}"#)
                .unwrap();
        assert_eq!(parsed.store_code, "default");
        assert_eq!(parsed.shipping_carrier_code, "freeshipping");
        assert_eq!(parsed.payment_method, "checkmo");
        assert_eq!(parsed.stock_id, 1);
        assert_eq!(parsed.guest_email, "{code}@example.com");
        assert_eq!(
            parsed.rest_root().as_str(),
            "https://www.shop.nl/rest/default/V1/"
        );
        assert!(serde_json::from_str::<MagentoConfig>(
            r#"{"base_url": "https://a.nl", "access_token": "t", "colour": 1}"#
        )
        .is_err());
    }

    #[test]
    fn settings_are_checked_and_errors_name_the_key() {
        assert!(config("https://www.shop.nl").validate().is_ok());
        assert!(config("http://127.0.0.1:8080").validate().is_ok());
        assert_eq!(
            config("http://www.shop.nl").validate(),
            Err(MagentoConfigError::NotHttps("http://www.shop.nl/".into()))
        );
        let mut store = config("https://www.shop.nl");
        store.store_code = "nl/../x".into();
        let err = store.validate().unwrap_err().to_string();
        assert!(err.contains("store_code"), "{err}");
        let mut payment = config("https://www.shop.nl");
        payment.payment_method = String::new();
        assert!(payment
            .validate()
            .unwrap_err()
            .to_string()
            .contains("payment_method"));
        let mut email = config("https://www.shop.nl");
        email.guest_email = "orders@shop.nl".into();
        assert!(email
            .validate()
            .unwrap_err()
            .to_string()
            .contains("guest_email"));
        email.guest_email = "bol+{code}@shop.nl".into();
        assert!(email.validate().is_ok());
        let mut lines = config("https://www.shop.nl");
        lines.street_lines = 4;
        assert!(lines
            .validate()
            .unwrap_err()
            .to_string()
            .contains("street_lines"));
        let mut stock = config("https://www.shop.nl");
        stock.stock_id = 0;
        assert_eq!(stock.validate(), Err(MagentoConfigError::ZeroStockId));
        // A shop under a path keeps it; another store view is its own root.
        let mut sub = config("https://shop.nl/magento/");
        sub.store_code = "nl".into();
        assert_eq!(
            sub.rest_root().as_str(),
            "https://shop.nl/magento/rest/nl/V1/"
        );
    }
}
