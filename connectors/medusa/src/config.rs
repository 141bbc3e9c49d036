//! The `[webshop]` settings of a connection whose webshop is Medusa v2: where the server is,
//! the secret API key, the region, sales channel and shipping option created orders use, the
//! stock location stock is read from, time-outs, retries and the request rate. Parsed with
//! serde from the connection's TOML file; unknown keys are errors.

use orderbridge_core::{RateLimit, RetryPolicy, SecretSource};
use orderbridge_http::is_loopback;
use serde::Deserialize;
use url::Url;

/// Settings of one Medusa v2 store.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MedusaConfig {
    /// The Medusa server's address, e.g. `https://api.shop.example.nl` (the Admin API is
    /// under `{base_url}/admin/`). Must use `https`; plain `http` only on a loopback address,
    /// because the secret API key travels as HTTP Basic authentication.
    pub base_url: Url,
    /// A secret API key (`sk_…`, Settings → Secret API Keys in the Medusa admin): inline,
    /// `{ file = "..." }` or `{ credential = "..." }`.
    pub api_key: SecretSource,
    /// The region created orders are placed in (`reg_…`): its currency must be the
    /// marketplace's (EUR for bol.com) and its countries the buyers' (NL, BE).
    pub region_id: String,
    /// The sales channel created orders belong to (`sc_…`), e.g. one named "bol.com".
    pub sales_channel_id: String,
    /// The shipping option (`so_…`) put on created orders at no charge, so the merchant can
    /// fulfil them from the admin as usual.
    pub shipping_option_id: String,
    /// The stock location (`sloc_…`) whose available quantity is offered on the marketplace;
    /// without it, the available quantity of all locations together.
    #[serde(default)]
    pub stock_location_id: Option<String>,
    /// Time-out of one HTTP request in seconds. A server that does not answer in time is a
    /// temporary failure: reads are retried, an order creation is looked up before it is tried
    /// again.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// How the connector retries failed calls by itself.
    #[serde(default)]
    pub retry: RetryPolicy,
    /// Most requests the connector sends: `requests` per `per_secs` seconds (default 10 per
    /// second). Medusa sets no limit of its own; its host may.
    #[serde(default = "default_rate_limit")]
    pub rate_limit: RateLimit,
    /// Seconds subtracted from the recorded creation attempt when looking for an order that
    /// may have been created before a crash or a lost reply (clock skew).
    #[serde(default = "default_lookup_margin_secs")]
    pub lookup_margin_secs: u64,
}

fn default_timeout_secs() -> u64 {
    30
}

fn default_rate_limit() -> RateLimit {
    RateLimit::per_second(10)
}

fn default_lookup_margin_secs() -> u64 {
    3600
}

/// A setting Medusa cannot be reached with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MedusaConfigError {
    /// `base_url` is plain http on a host that is not loopback.
    #[error("base_url must use https (plain http only for 127.0.0.1/localhost): {0}")]
    NotHttps(String),
    /// An id does not look like Medusa's id of that kind.
    #[error("{key} = {value:?} is not a Medusa id of that kind (it starts with {prefix:?})")]
    BadId {
        /// The setting.
        key: &'static str,
        /// What it holds.
        value: String,
        /// What Medusa's ids of that kind start with.
        prefix: &'static str,
    },
    /// `timeout_secs` is 0.
    #[error("timeout_secs must be at least 1")]
    ZeroTimeout,
}

impl MedusaConfig {
    /// Settings with the defaults for everything optional.
    pub fn new(
        base_url: Url,
        api_key: SecretSource,
        region_id: impl Into<String>,
        sales_channel_id: impl Into<String>,
        shipping_option_id: impl Into<String>,
    ) -> Self {
        Self {
            base_url,
            api_key,
            region_id: region_id.into(),
            sales_channel_id: sales_channel_id.into(),
            shipping_option_id: shipping_option_id.into(),
            stock_location_id: None,
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
    pub fn validate(&self) -> Result<(), MedusaConfigError> {
        if self.base_url.scheme() != "https" && !is_loopback(&self.base_url) {
            return Err(MedusaConfigError::NotHttps(self.base_url.to_string()));
        }
        if self.timeout_secs == 0 {
            return Err(MedusaConfigError::ZeroTimeout);
        }
        let ids = [
            ("region_id", self.region_id.as_str(), "reg_"),
            ("sales_channel_id", self.sales_channel_id.as_str(), "sc_"),
            (
                "shipping_option_id",
                self.shipping_option_id.as_str(),
                "so_",
            ),
        ];
        let location = self
            .stock_location_id
            .as_deref()
            .map(|id| ("stock_location_id", id, "sloc_"));
        for (key, value, prefix) in ids.into_iter().chain(location) {
            if !value.starts_with(prefix) || value.len() <= prefix.len() {
                return Err(MedusaConfigError::BadId {
                    key,
                    value: value.to_owned(),
                    prefix,
                });
            }
        }
        Ok(())
    }

    /// The Admin API's root, `{base_url}/admin/`.
    pub(crate) fn admin_root(&self) -> Url {
        let mut root = self.base_url.clone();
        let path = format!("{}/admin/", root.path().trim_end_matches('/'));
        root.set_path(&path);
        root.set_query(None);
        root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base: &str) -> MedusaConfig {
        MedusaConfig::new(
            base.parse().unwrap(),
            SecretSource::Inline("sk_x".into()),
            "reg_1",
            "sc_1",
            "so_1",
        )
    }

    #[test]
    fn a_section_reads_with_defaults_and_refuses_unknown_keys() {
        let parsed: MedusaConfig = toml_like(
            r#"{"base_url": "https://api.shop.nl", "api_key": "sk_1", "region_id": "reg_1",
                "sales_channel_id": "sc_1", "shipping_option_id": "so_1"}"#,
        )
        .unwrap();
        assert_eq!(parsed.timeout_secs, 30);
        assert_eq!(parsed.stock_location_id, None);
        assert_eq!(parsed.admin_root().as_str(), "https://api.shop.nl/admin/");
        assert!(toml_like::<MedusaConfig>(
            r#"{"base_url": "https://a.nl", "api_key": "k", "region_id": "reg_1",
                "sales_channel_id": "sc_1", "shipping_option_id": "so_1", "colour": 1}"#,
        )
        .is_err());
    }

    fn toml_like<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn plain_http_only_on_loopback_and_ids_of_the_right_kind() {
        assert!(config("https://api.shop.nl").validate().is_ok());
        assert!(config("http://127.0.0.1:9000").validate().is_ok());
        assert_eq!(
            config("http://api.shop.nl").validate(),
            Err(MedusaConfigError::NotHttps("http://api.shop.nl/".into()))
        );
        let mut swapped = config("https://api.shop.nl");
        swapped.region_id = "sc_1".into();
        let err = swapped.validate().unwrap_err().to_string();
        assert!(err.contains("region_id") && err.contains("reg_"), "{err}");
        let mut location = config("https://api.shop.nl");
        location.stock_location_id = Some("loc".into());
        assert!(location.validate().is_err());
        // A base under a path keeps it.
        let sub = config("https://shop.nl/medusa/");
        assert_eq!(sub.admin_root().as_str(), "https://shop.nl/medusa/admin/");
    }
}
