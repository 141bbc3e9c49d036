//! HTTP plumbing of the WooCommerce connector: [`WooClient`] sends authenticated JSON requests
//! below `{base_url}/wp-json/` through the shared HTTP kit ([`HttpKit`]: rate budget, retries
//! with backoff, jitter and `Retry-After`, failures as [`ConnectorError`]) and walks paginated
//! lists via `X-WP-TotalPages`. What the calls mean lives in `webshop.rs`; what WooCommerce's
//! error bodies say, in `error_mapping.rs`.
//!
//! What is retried, per [`Replay`] (the kit's rule): a time-out (a shop that hangs), a connection reset, a 5xx
//! and a 429 (after its `Retry-After`, or the policy's backoff when it has none) are transient;
//! reads and idempotent writes send again, up to `retry.max_attempts`. A 2xx whose body is
//! damaged (a PHP notice in front of the JSON, a body cut short) is read again the same way and
//! ends as [`ConnectorError::InvalidPayload`] naming the endpoint when it stays damaged; JSON of
//! an unexpected shape is not read again (it would not change). Creating writes are only sent
//! again when the shop provably did not act (connect error, 429): after a time-out, reset or
//! lost reply the effect is unknown, and an unreadable 2xx means the shop acted, so both end as
//! [`ConnectorError::Transient`] and the daemon looks the order up by its code.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use orderbridge_core::{ConnectorError, ConnectorResult, Secret};
use orderbridge_http::{Authorize, Failure, HttpKit, KitSettings, Raw, Replay, Request};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::config::{TaxMode, WooAuth, WooConfig};
use crate::error_mapping::{WooClassify, VENDOR};
use crate::product_index::ProductIndex;
use crate::products::ProductCache;
use crate::tax::TaxSettingsCache;
use crate::tracking::{RouteAnswers, TrackingPluginProbe};
use crate::wire::WooList;

/// Largest page WooCommerce serves (`per_page` maximum).
pub(crate) const PER_PAGE: u32 = 100;

/// Safety stop for list walks: 1,000 pages of 100.
const MAX_PAGES: u32 = 1_000;

/// Longest lookup margin used, whatever is configured: 30 days.
const MAX_LOOKUP_MARGIN_SECS: u64 = 30 * 24 * 3600;

/// A WooCommerce shop, reached over its REST API v3. Cheap to clone; clones share the HTTP
/// connection pool, the product index, the cache of resolved products and the tax settings.
#[derive(Clone)]
pub struct WooClient {
    pub(crate) http: Arc<HttpCore>,
    pub(crate) order_status: String,
    pub(crate) marks_orders_paid: bool,
    pub(crate) customer_emails: bool,
    pub(crate) lookup_margin: chrono::Duration,
    pub(crate) products: Arc<ProductIndex>,
    pub(crate) resolved: Arc<ProductCache>,
    pub(crate) tracking_plugin: Arc<TrackingPluginProbe>,
    pub(crate) route_answers: Arc<RouteAnswers>,
    pub(crate) tax_mode: TaxMode,
    pub(crate) tax_settings: Arc<TaxSettingsCache>,
}

/// Compile-time check: the daemon shares one client between its tasks.
const _: fn() = assert_shareable::<WooClient>;
fn assert_shareable<T: Clone + Send + Sync + 'static>() {}

impl std::fmt::Debug for WooClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WooClient")
            .field("rest_root", &self.http.rest_root.as_str())
            .field("consumer_key", &self.http.consumer_key)
            .finish_non_exhaustive()
    }
}

/// The shared part of a [`WooClient`]: the HTTP kit (pool, retry policy, rate budget,
/// WooCommerce's error bodies, the key pair) below the shop's REST root.
pub(crate) struct HttpCore {
    kit: HttpKit,
    rest_root: Url,
    consumer_key: String,
}

/// The key pair, as a Basic header or in the query string (for hosts that drop the
/// `Authorization` header).
struct KeyPair {
    consumer_key: String,
    consumer_secret: Secret,
    auth: WooAuth,
}

impl Authorize for KeyPair {
    fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        match self.auth {
            WooAuth::Header => {
                request.basic_auth(&self.consumer_key, Some(self.consumer_secret.expose()))
            }
            WooAuth::QueryString => request.query(&[
                ("consumer_key", self.consumer_key.as_str()),
                ("consumer_secret", self.consumer_secret.expose()),
            ]),
        }
    }
}

/// A decoded 2xx reply with its pagination header.
pub(crate) struct Reply<T> {
    pub body: T,
    pub total_pages: Option<u32>,
}

impl WooClient {
    /// A client for the shop in `config`, authenticating with `secret` (the resolved
    /// `consumer_secret`).
    ///
    /// # Errors
    ///
    /// [`ConnectorError::Rejected`] when the configuration is not usable (see
    /// [`WooConfig::validate`]) or the HTTP client cannot be built.
    pub fn new(config: &WooConfig, secret: Secret) -> Result<WooClient, ConnectorError> {
        let config_error = |message: String| ConnectorError::Rejected {
            vendor: VENDOR.to_owned(),
            message: format!("configuration: {message}"),
        };
        config.validate().map_err(|e| config_error(e.to_string()))?;
        let kit = HttpKit::new(
            KitSettings {
                vendor: VENDOR,
                user_agent: concat!("orderbridge-woocommerce/", env!("CARGO_PKG_VERSION"))
                    .to_owned(),
                timeout: Duration::from_secs(config.timeout_secs),
                retry: config.retry,
                rate_limit: config.rate_limit,
            },
            Arc::new(WooClassify),
            Arc::new(KeyPair {
                consumer_key: config.consumer_key.clone(),
                consumer_secret: secret,
                auth: config.auth,
            }),
        )?;
        let lookup_margin_secs =
            i64::try_from(config.lookup_margin_secs.min(MAX_LOOKUP_MARGIN_SECS)).unwrap_or(0);
        Ok(WooClient {
            http: Arc::new(HttpCore {
                kit,
                rest_root: config.rest_root(),
                consumer_key: config.consumer_key.clone(),
            }),
            order_status: config.order_status.clone(),
            marks_orders_paid: config.marks_orders_paid(),
            customer_emails: config.customer_emails,
            lookup_margin: chrono::Duration::seconds(lookup_margin_secs),
            products: Arc::new(ProductIndex::new(
                config.ean_meta_keys.clone(),
                config.unmanaged_in_stock,
            )),
            resolved: Arc::new(ProductCache::default()),
            tracking_plugin: Arc::new(TrackingPluginProbe::default()),
            route_answers: Arc::new(RouteAnswers::default()),
            tax_mode: config.taxes,
            tax_settings: Arc::new(TaxSettingsCache::new(Duration::from_secs(
                config.tax_refresh_hours.saturating_mul(3600),
            ))),
        })
    }
}

impl HttpCore {
    /// `GET {rest_root}{path}?{query}`, retried on transient failures and damaged bodies.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> ConnectorResult<Reply<T>> {
        self.get_raw(path, query)
            .await
            .map_err(|failure| failure.error)
    }

    /// Like [`HttpCore::get`], but keeps WooCommerce's error code of a failure, for callers
    /// that treat some failures (a 404 `rest_no_route`) as an answer.
    pub(crate) async fn get_raw<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Reply<T>, Failure> {
        self.call(Method::GET, path, query, None, Replay::Safe)
            .await
    }

    /// Sends `body` as JSON with `method` and decodes the reply.
    pub(crate) async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
        replay: Replay,
    ) -> ConnectorResult<T> {
        let endpoint = format!("{method} {path}");
        let json = serde_json::to_vec(body).map_err(|e| ConnectorError::Rejected {
            vendor: VENDOR.to_owned(),
            message: format!("cannot encode the body of {endpoint}: {e}"),
        })?;
        self.call(method, path, &[], Some(json), replay)
            .await
            .map(|reply| reply.body)
            .map_err(|failure| failure.error)
    }

    /// Walks every page of a list endpoint (`per_page=100`, `page=1..X-WP-TotalPages`), handing
    /// each page to `visit` until it breaks. A page may be `{}` for an empty list.
    pub(crate) async fn for_each_page<T, R>(
        &self,
        path: &str,
        query: &[(&str, String)],
        mut visit: impl FnMut(Vec<T>) -> ControlFlow<R>,
    ) -> ConnectorResult<Option<R>>
    where
        T: DeserializeOwned,
    {
        let mut page: u32 = 1;
        loop {
            let mut paged_query = query.to_vec();
            paged_query.push(("per_page", PER_PAGE.to_string()));
            paged_query.push(("page", page.to_string()));
            let reply: Reply<WooList<T>> = self.get(path, &paged_query).await?;
            let items = reply.body.0;
            let n_items = items.len();
            if let ControlFlow::Break(found) = visit(items) {
                return Ok(Some(found));
            }
            let has_more = match reply.total_pages {
                Some(total) => page < total,
                None => n_items == PER_PAGE as usize,
            };
            if !has_more || n_items == 0 {
                return Ok(None);
            }
            if page >= MAX_PAGES {
                tracing::warn!(path, pages = page, "stopped walking a WooCommerce list");
                return Ok(None);
            }
            page += 1;
        }
    }

    /// Sends a request through the kit until it succeeds and decodes, or fails for good (see
    /// the module docs).
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
        replay: Replay,
    ) -> Result<Reply<T>, Failure> {
        let endpoint = format!("{method} {path}");
        let url = self.rest_root.join(path).map_err(|e| {
            Failure::unsent(ConnectorError::Rejected {
                vendor: VENDOR.to_owned(),
                message: format!("bad path {path:?}: {e}"),
            })
        })?;
        let request = Request {
            method,
            url,
            query: query
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone()))
                .collect(),
            body,
            replay,
            endpoint,
        };
        self.kit
            .send(&request, |raw: &Raw| {
                let body = orderbridge_http::decode_json(
                    VENDOR,
                    &request.endpoint,
                    raw.status,
                    &raw.body,
                )?;
                Ok(Reply {
                    body,
                    total_pages: total_pages(&raw.headers),
                })
            })
            .await
    }
}

fn total_pages(headers: &HeaderMap) -> Option<u32> {
    headers
        .get("x-wp-totalpages")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
