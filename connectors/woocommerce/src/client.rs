//! HTTP plumbing of the WooCommerce connector: [`WooClient`] sends authenticated JSON requests
//! below `{base_url}/wp-json/`, spread by a client-side rate budget (core [`RateBudget`]),
//! retries what may be retried (core [`RetryPolicy`] with backoff, jitter and `Retry-After`),
//! maps failures to [`ConnectorError`] and walks paginated lists via `X-WP-TotalPages`. What
//! the calls mean lives in `webshop.rs`.
//!
//! What is retried, per [`Replay`]: a time-out (a shop that hangs), a connection reset, a 5xx
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

use orderbridge_core::{ConnectorError, ConnectorResult, RateBudget, RetryPolicy, Secret};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::config::{TaxMode, WooAuth, WooConfig};
use crate::error_mapping::{self, AttemptFailure, VENDOR};
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

/// Whether a request may be sent again after a failure whose effect is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads and idempotent writes: retry on any transient failure and on a damaged 2xx body.
    Safe,
    /// Creating writes: retry only when the shop provably did not act (connect error, 429); an
    /// unreadable 2xx body is reported as transient (the shop acted).
    OnlyIfUnsent,
}

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

/// The shared part of a [`WooClient`]: connection pool, credentials, retry policy, rate budget.
pub(crate) struct HttpCore {
    http: reqwest::Client,
    rest_root: Url,
    consumer_key: String,
    consumer_secret: Secret,
    auth: WooAuth,
    retry: RetryPolicy,
    budget: RateBudget,
    timeout: Duration,
}

/// A 2xx reply before decoding.
struct RawReply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
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
        let timeout = Duration::from_secs(config.timeout_secs);
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            // A redirected POST would turn into a GET, and credentials must not follow a
            // redirect to another host: a redirect is reported instead (see error_mapping).
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "orderbridge-woocommerce/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| config_error(format!("cannot build HTTP client: {e}")))?;
        let lookup_margin_secs =
            i64::try_from(config.lookup_margin_secs.min(MAX_LOOKUP_MARGIN_SECS)).unwrap_or(0);
        Ok(WooClient {
            http: Arc::new(HttpCore {
                http,
                rest_root: config.rest_root(),
                consumer_key: config.consumer_key.clone(),
                consumer_secret: secret,
                auth: config.auth,
                retry: config.retry,
                budget: RateBudget::new(config.rate_limit),
                timeout,
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
    ) -> Result<Reply<T>, AttemptFailure> {
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

    /// Sends a request until it succeeds and decodes, or fails for good (see the module docs).
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
        replay: Replay,
    ) -> Result<Reply<T>, AttemptFailure> {
        let endpoint = format!("{method} {path}");
        let url = self.rest_root.join(path).map_err(|e| AttemptFailure {
            error: ConnectorError::Rejected {
                vendor: VENDOR.to_owned(),
                message: format!("bad path {path:?}: {e}"),
            },
            unsent: true,
            woo_code: None,
            status: None,
            damaged_body: false,
        })?;
        let mut attempt: u32 = 1;
        loop {
            let result = match self
                .attempt(method.clone(), &url, query, body.clone(), &endpoint)
                .await
            {
                Ok(raw) => decode_reply(&endpoint, &raw, replay),
                Err(failure) => Err(failure),
            };
            let failure = match result {
                Ok(reply) => return Ok(reply),
                Err(failure) => failure,
            };
            let Some(wait) = self.wait_before_retry(&failure, attempt, replay) else {
                return Err(failure);
            };
            tracing::warn!(
                endpoint = %endpoint,
                attempt,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                error = %failure.error,
                "retrying WooCommerce call"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// How long to wait before sending again, or `None` when the failure is final.
    fn wait_before_retry(
        &self,
        failure: &AttemptFailure,
        attempt: u32,
        replay: Replay,
    ) -> Option<Duration> {
        if attempt >= self.retry.max_attempts {
            return None;
        }
        let backoff = || self.retry.backoff(attempt, rand::random::<f64>());
        match &failure.error {
            ConnectorError::RateLimited {
                retry_after: Some(after),
            } => self.retry.waits_out(*after).then_some(*after),
            ConnectorError::RateLimited { retry_after: None } => Some(backoff()),
            ConnectorError::Transient { .. } if replay == Replay::Safe || failure.unsent => {
                Some(backoff())
            }
            ConnectorError::InvalidPayload { .. }
                if replay == Replay::Safe && failure.damaged_body =>
            {
                Some(backoff())
            }
            _ => None,
        }
    }

    async fn attempt(
        &self,
        method: Method,
        url: &Url,
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
        endpoint: &str,
    ) -> Result<RawReply, AttemptFailure> {
        let wait = self.budget.reserve(std::time::Instant::now());
        if !wait.is_zero() {
            tracing::debug!(
                endpoint,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "waiting for the WooCommerce rate budget"
            );
            tokio::time::sleep(wait).await;
        }
        let mut request = self
            .http
            .request(method, url.clone())
            .header(reqwest::header::ACCEPT, "application/json");
        if !query.is_empty() {
            request = request.query(query);
        }
        request = match self.auth {
            WooAuth::Header => {
                request.basic_auth(&self.consumer_key, Some(self.consumer_secret.expose()))
            }
            WooAuth::QueryString => request.query(&[
                ("consumer_key", self.consumer_key.as_str()),
                ("consumer_secret", self.consumer_secret.expose()),
            ]),
        };
        if let Some(json) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(json);
        }
        // The URL may carry the key pair (`query_string` authentication): it is dropped from
        // transport errors before they are turned into messages.
        let transport = |e: reqwest::Error| {
            error_mapping::failure_from_transport(endpoint, self.timeout, &e.without_url())
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(transport)?;
        if status.is_success() {
            Ok(RawReply {
                status,
                headers,
                body: bytes.to_vec(),
            })
        } else {
            Err(error_mapping::failure_from_status(
                endpoint, status, &headers, &bytes,
            ))
        }
    }
}

/// Decodes a 2xx reply; for a creating write an unreadable body means "acted, result unknown".
fn decode_reply<T: DeserializeOwned>(
    endpoint: &str,
    raw: &RawReply,
    replay: Replay,
) -> Result<Reply<T>, AttemptFailure> {
    match error_mapping::decode_body(endpoint, raw.status, &raw.body) {
        Ok(body) => Ok(Reply {
            body,
            total_pages: total_pages(&raw.headers),
        }),
        Err(failure) if replay == Replay::OnlyIfUnsent => {
            Err(error_mapping::acted_but_unreadable(endpoint, failure))
        }
        Err(failure) => Err(failure),
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
