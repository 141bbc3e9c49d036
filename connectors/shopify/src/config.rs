//! The `[webshop]` settings of a connection whose webshop is Shopify: the shop's
//! `myshopify.com` domain, how the connector authenticates (an Admin API access token, or a
//! client id and secret for the client-credentials grant), the location stock is read from,
//! the VAT rate written on tax lines, time-outs, retries and the request rate. Parsed with
//! serde from the connection's TOML file; unknown keys are errors. The API version is not a
//! setting: it is pinned in code ([`crate::API_VERSION`]).

use std::net::IpAddr;

use orderbridge_core::{RateLimit, RetryPolicy, SecretSource};
use serde::Deserialize;
use url::Url;

/// Settings of one Shopify store.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopifyConfig {
    /// The shop's permanent domain, `myshop.myshopify.com` (not a custom domain: the Admin
    /// API and the token endpoint live only there).
    pub shop_domain: String,
    /// An Admin API access token (`shpat_…`) of a custom app made in the shop's admin:
    /// inline, `{ file = "..." }` or `{ credential = "..." }`. Leave it out when the app uses
    /// the client-credentials grant (`client_id` + `client_secret`).
    #[serde(default)]
    pub access_token: Option<SecretSource>,
    /// The client id of a Dev Dashboard app installed on the shop, for the client-credentials
    /// grant (the token it gives expires after about a day and is fetched again before then).
    #[serde(default)]
    pub client_id: Option<String>,
    /// The client secret belonging to `client_id`.
    #[serde(default)]
    pub client_secret: Option<SecretSource>,
    /// The location whose `available` quantity is offered on the marketplace, as Shopify's
    /// id: `gid://shopify/Location/123456789`.
    pub location_id: String,
    /// VAT rate in percent (21 for the Netherlands' standard rate) written as a tax line on
    /// every created line, included in the price. Leave it out when products have different
    /// rates: prices stay VAT-included and the total is what the buyer paid either way.
    #[serde(default)]
    pub vat_rate_percent: Option<u8>,
    /// Where the Admin API is reached instead of `https://{shop_domain}` (a proxy, or the
    /// simulator in tests and the demo). Must use https; plain http only on loopback.
    #[serde(default)]
    pub api_base: Option<Url>,
    /// Time-out of one HTTP request in seconds. A shop that does not answer in time is a
    /// temporary failure: reads are retried, an order creation is looked up before it is tried
    /// again.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// How the connector retries failed calls by itself.
    #[serde(default)]
    pub retry: RetryPolicy,
    /// Most requests the connector sends: `requests` per `per_secs` seconds (default 10 per
    /// second). Shopify limits by query cost, which the connector follows on its own; this is
    /// a safety net on top.
    #[serde(default = "default_rate_limit")]
    pub rate_limit: RateLimit,
    /// Seconds subtracted from the recorded creation attempt when looking for an order that
    /// may have been created before a crash or a lost reply (clock skew, Shopify's search
    /// index catching up).
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

/// A setting Shopify cannot be reached with. Each message names its key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShopifyConfigError {
    /// `shop_domain` is not `name.myshopify.com`.
    #[error(
        "shop_domain = {0:?} must be the shop's myshopify.com domain, e.g. myshop.myshopify.com"
    )]
    ShopDomain(String),
    /// Neither or both ways of authenticating are set, or half of the client credentials.
    #[error("set either access_token, or client_id and client_secret (not both): {0}")]
    Credentials(&'static str),
    /// `location_id` is not a Location gid.
    #[error("location_id = {0:?} must be a Shopify location id, gid://shopify/Location/<number>")]
    LocationId(String),
    /// `api_base` is plain http on a host that is not loopback.
    #[error("api_base must use https (plain http only for 127.0.0.1/localhost): {0}")]
    ApiBase(String),
    /// `vat_rate_percent` is above 100.
    #[error("vat_rate_percent = {0} is not a VAT rate in percent (0..=100)")]
    VatRate(u8),
    /// `timeout_secs` is 0.
    #[error("timeout_secs must be at least 1")]
    ZeroTimeout,
}

/// How the connector authenticates, once the settings are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthSetting {
    /// A fixed Admin API access token.
    AccessToken(SecretSource),
    /// The client-credentials grant.
    ClientCredentials {
        client_id: String,
        client_secret: SecretSource,
    },
}

impl ShopifyConfig {
    /// Settings with an access token and the defaults for everything optional.
    pub fn with_access_token(
        shop_domain: impl Into<String>,
        access_token: SecretSource,
        location_id: impl Into<String>,
    ) -> Self {
        Self {
            shop_domain: shop_domain.into(),
            access_token: Some(access_token),
            client_id: None,
            client_secret: None,
            location_id: location_id.into(),
            vat_rate_percent: None,
            api_base: None,
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
    pub fn validate(&self) -> Result<(), ShopifyConfigError> {
        if !is_myshopify_domain(&self.shop_domain) {
            return Err(ShopifyConfigError::ShopDomain(self.shop_domain.clone()));
        }
        self.auth()?;
        let number = self.location_id.strip_prefix("gid://shopify/Location/");
        if !number.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) {
            return Err(ShopifyConfigError::LocationId(self.location_id.clone()));
        }
        if let Some(base) = &self.api_base {
            if base.scheme() != "https" && !is_loopback(base) {
                return Err(ShopifyConfigError::ApiBase(base.to_string()));
            }
        }
        if let Some(rate) = self.vat_rate_percent.filter(|r| *r > 100) {
            return Err(ShopifyConfigError::VatRate(rate));
        }
        if self.timeout_secs == 0 {
            return Err(ShopifyConfigError::ZeroTimeout);
        }
        Ok(())
    }

    /// The way of authenticating the settings choose.
    pub(crate) fn auth(&self) -> Result<AuthSetting, ShopifyConfigError> {
        match (&self.access_token, &self.client_id, &self.client_secret) {
            (Some(token), None, None) => Ok(AuthSetting::AccessToken(token.clone())),
            (None, Some(id), Some(secret)) if !id.trim().is_empty() => {
                Ok(AuthSetting::ClientCredentials {
                    client_id: id.trim().to_owned(),
                    client_secret: secret.clone(),
                })
            }
            (None, None, None) => Err(ShopifyConfigError::Credentials("none is set")),
            (Some(_), _, _) => Err(ShopifyConfigError::Credentials(
                "access_token is set together with client_id/client_secret",
            )),
            (None, Some(_), None) => Err(ShopifyConfigError::Credentials(
                "client_id is set without client_secret",
            )),
            (None, None, Some(_)) => Err(ShopifyConfigError::Credentials(
                "client_secret is set without client_id",
            )),
            (None, Some(_), Some(_)) => Err(ShopifyConfigError::Credentials("client_id is empty")),
        }
    }

    /// `https://{shop_domain}/` or `api_base`.
    pub(crate) fn base(&self) -> Result<Url, ShopifyConfigError> {
        match &self.api_base {
            Some(base) => Ok(base.clone()),
            None => Url::parse(&format!("https://{}/", self.shop_domain))
                .map_err(|_| ShopifyConfigError::ShopDomain(self.shop_domain.clone())),
        }
    }

    /// The shop's handle: `myshop` of `myshop.myshopify.com`.
    pub(crate) fn handle(&self) -> &str {
        self.shop_domain
            .strip_suffix(".myshopify.com")
            .unwrap_or(&self.shop_domain)
    }
}

/// `name.myshopify.com`, name of lower-case letters, digits and hyphens, not starting with a
/// hyphen (Shopify's permanent domains).
fn is_myshopify_domain(domain: &str) -> bool {
    let Some(name) = domain.strip_suffix(".myshopify.com") else {
        return false;
    };
    !name.is_empty()
        && name.len() <= 60
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
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

    fn config() -> ShopifyConfig {
        ShopifyConfig::with_access_token(
            "myshop.myshopify.com",
            SecretSource::Inline("shpat_x".into()),
            "gid://shopify/Location/1",
        )
    }

    #[test]
    fn a_section_reads_with_defaults_and_refuses_unknown_keys() {
        let parsed: ShopifyConfig = serde_json::from_str(
            r#"{"shop_domain": "myshop.myshopify.com", "access_token": "shpat_1",
                "location_id": "gid://shopify/Location/7"}"#,
        )
        .unwrap();
        assert_eq!(parsed.timeout_secs, 30);
        assert_eq!(parsed.lookup_margin_secs, 3600);
        assert!(parsed.validate().is_ok());
        assert_eq!(
            parsed.base().unwrap().as_str(),
            "https://myshop.myshopify.com/"
        );
        assert!(serde_json::from_str::<ShopifyConfig>(
            r#"{"shop_domain": "a.myshopify.com", "access_token": "x",
                "location_id": "gid://shopify/Location/7", "api_version": "2024-01"}"#,
        )
        .is_err());
    }

    #[test]
    fn every_refusal_names_its_key() {
        let check = |edit: fn(&mut ShopifyConfig), key: &str| {
            let mut c = config();
            edit(&mut c);
            let message = c.validate().unwrap_err().to_string();
            assert!(message.contains(key), "{message}");
        };
        check(|c| c.shop_domain = "www.shop.nl".into(), "shop_domain");
        check(
            |c| c.shop_domain = "My Shop.myshopify.com".into(),
            "shop_domain",
        );
        check(|c| c.shop_domain = ".myshopify.com".into(), "shop_domain");
        check(|c| c.location_id = "123".into(), "location_id");
        check(
            |c| c.location_id = "gid://shopify/Product/1".into(),
            "location_id",
        );
        check(|c| c.client_id = Some("id".into()), "client_id");
        check(|c| c.access_token = None, "access_token");
        check(
            |c| c.api_base = Some("http://proxy.example.nl".parse().unwrap()),
            "api_base",
        );
        check(|c| c.vat_rate_percent = Some(121), "vat_rate_percent");
        check(|c| c.timeout_secs = 0, "timeout_secs");
    }

    #[test]
    fn client_credentials_need_both_halves() {
        let mut c = config();
        c.access_token = None;
        c.client_id = Some("abc".into());
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("client_secret"));
        c.client_secret = Some(SecretSource::Inline("s".into()));
        assert_eq!(
            c.auth().unwrap(),
            AuthSetting::ClientCredentials {
                client_id: "abc".into(),
                client_secret: SecretSource::Inline("s".into())
            }
        );
        let mut loopback = config();
        loopback.api_base = Some("http://127.0.0.1:9/".parse().unwrap());
        assert!(loopback.validate().is_ok());
        assert_eq!(config().handle(), "myshop");
    }
}
