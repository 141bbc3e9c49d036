//! HTTP plumbing of the Medusa connector: [`MedusaClient`] sends the Admin API's JSON below
//! `{base_url}/admin/` through the shared HTTP kit (rate budget, retries per the replay rule,
//! failures as `ConnectorError`), authenticated by the secret API key as HTTP Basic user name
//! with an empty password (Medusa's documented way for secret keys), and walks
//! `limit`/`offset` lists with their `count`. What the calls mean lives in `webshop.rs`.

use std::sync::Arc;
use std::time::Duration;

use orderbridge_core::{ConnectorError, ConnectorResult, Secret};
use orderbridge_http::{ApiRoot, Authorize, HttpKit, KitSettings, OffsetPager, Replay};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::config::MedusaConfig;
use crate::error_mapping::{rejected, MedusaClassify, VENDOR};
use crate::products::VariantCache;

/// Page size of list walks (Medusa's default is 20 or 50; it accepts larger).
pub(crate) const PAGE: u64 = 100;

/// Safety stop for list walks: 1,000 pages.
const MAX_PAGES: u32 = 1_000;

/// Longest lookup margin used, whatever is configured: 30 days.
const MAX_LOOKUP_MARGIN_SECS: u64 = 30 * 24 * 3600;

/// A Medusa v2 store, reached over its Admin API. Cheap to clone; clones share the pool and
/// the variant cache.
#[derive(Clone)]
pub struct MedusaClient {
    pub(crate) http: Arc<HttpCore>,
    pub(crate) region_id: String,
    pub(crate) sales_channel_id: String,
    pub(crate) shipping_option_id: String,
    pub(crate) stock_location_id: Option<String>,
    pub(crate) lookup_margin: chrono::Duration,
    pub(crate) variants: Arc<VariantCache>,
}

/// Compile-time check: the daemon shares one client between its tasks.
const _: fn() = assert_shareable::<MedusaClient>;
fn assert_shareable<T: Clone + Send + Sync + 'static>() {}

impl std::fmt::Debug for MedusaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MedusaClient")
            .field("admin_root", &self.http.api.root().as_str())
            .field("region_id", &self.region_id)
            .finish_non_exhaustive()
    }
}

/// The shared part of a [`MedusaClient`]: the HTTP kit below `{base_url}/admin/`.
pub(crate) struct HttpCore {
    api: ApiRoot,
}

/// The secret API key as Basic user name, no password.
struct SecretKey(Secret);

impl Authorize for SecretKey {
    fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        request.basic_auth(self.0.expose(), Some(""))
    }
}

impl MedusaClient {
    /// A client for the store in `config`, authenticating with `api_key` (the resolved
    /// secret API key).
    ///
    /// # Errors
    ///
    /// [`ConnectorError::Rejected`] when the configuration is not usable.
    pub fn new(config: &MedusaConfig, api_key: Secret) -> Result<Self, ConnectorError> {
        config
            .validate()
            .map_err(|e| rejected(format!("configuration: {e}")))?;
        let kit = HttpKit::new(
            KitSettings {
                vendor: VENDOR,
                user_agent: concat!("orderbridge-medusa/", env!("CARGO_PKG_VERSION")).to_owned(),
                timeout: Duration::from_secs(config.timeout_secs),
                retry: config.retry,
                rate_limit: config.rate_limit,
            },
            Arc::new(MedusaClassify),
            Arc::new(SecretKey(api_key)),
        )?;
        let margin =
            i64::try_from(config.lookup_margin_secs.min(MAX_LOOKUP_MARGIN_SECS)).unwrap_or(0);
        Ok(Self {
            http: Arc::new(HttpCore {
                api: ApiRoot::new(kit, config.admin_root(), "admin/"),
            }),
            region_id: config.region_id.clone(),
            sales_channel_id: config.sales_channel_id.clone(),
            shipping_option_id: config.shipping_option_id.clone(),
            stock_location_id: config.stock_location_id.clone(),
            lookup_margin: chrono::Duration::seconds(margin),
            variants: Arc::new(VariantCache::default()),
        })
    }
}

impl HttpCore {
    /// `GET /admin/{path}?{query}`, retried on temporary failures.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        endpoint: &str,
        query: &[(&str, String)],
    ) -> ConnectorResult<T> {
        self.api.get(path, endpoint, query).await
    }

    /// `POST /admin/{path}` with a JSON body.
    pub(crate) async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        endpoint: &str,
        query: &[(&str, String)],
        body: &B,
        replay: Replay,
    ) -> ConnectorResult<T> {
        self.api
            .send(Method::POST, path, endpoint, query, body, replay)
            .await
    }

    /// Walks every page of a list (`limit`/`offset`, to the reported `count`), handing each
    /// page's items to `visit`.
    pub(crate) async fn walk<P: DeserializeOwned, T>(
        &self,
        path: &str,
        endpoint: &str,
        query: &[(&str, String)],
        items: impl Fn(P) -> (Vec<T>, Option<u64>),
        mut visit: impl FnMut(Vec<T>),
    ) -> ConnectorResult<()> {
        let mut pager = OffsetPager::new(PAGE, MAX_PAGES);
        loop {
            let mut paged = query.to_vec();
            paged.push(("limit", pager.limit().to_string()));
            paged.push(("offset", pager.offset().to_string()));
            let page: P = self.get(path, endpoint, &paged).await?;
            let (page_items, count) = items(page);
            let n = page_items.len();
            visit(page_items);
            if !pager.advance(n, count) {
                return Ok(());
            }
        }
    }
}
