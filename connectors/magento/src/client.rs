//! HTTP plumbing of the Magento connector: [`MagentoClient`] sends REST JSON below
//! `{base_url}/rest/{store_code}/V1/` through the shared HTTP kit (rate budget, retries per the
//! replay rule, failures as `ConnectorError`), authenticated by the integration's access token
//! as a bearer token, and walks `searchCriteria` lists page by page to their `total_count`
//! (Magento answers a page past the end with the last page again, so the count — not an empty
//! page — ends a walk). What the calls mean lives in `webshop.rs`, `checkout.rs`,
//! `tracking.rs` and `products.rs`.

use std::sync::Arc;
use std::time::Duration;

use orderbridge_core::{ConnectorError, ConnectorResult, Secret};
use orderbridge_http::{ApiRoot, Authorize, HttpKit, KitSettings, OffsetPager, Replay};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::config::MagentoConfig;
use crate::error_mapping::{rejected, MagentoClassify, VENDOR};
use crate::mapping::Placement;
use crate::search::Search;

/// Page size of list walks.
pub(crate) const PAGE: u64 = 100;

/// Safety stop for list walks: 1,000 pages.
const MAX_PAGES: u32 = 1_000;

/// Longest lookup margin used, whatever is configured: 30 days.
const MAX_LOOKUP_MARGIN_SECS: u64 = 30 * 24 * 3600;

/// A Magento 2 store view, reached over its REST API. Cheap to clone; clones share the pool.
#[derive(Clone)]
pub struct MagentoClient {
    pub(crate) http: Arc<HttpCore>,
    pub(crate) placement: Placement,
    pub(crate) payment_method: String,
    pub(crate) guest_email_template: String,
    pub(crate) stock_id: u32,
    pub(crate) lookup_margin: chrono::Duration,
}

/// Compile-time check: the daemon shares one client between its tasks.
const _: fn() = assert_shareable::<MagentoClient>;
fn assert_shareable<T: Clone + Send + Sync + 'static>() {}

impl std::fmt::Debug for MagentoClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MagentoClient")
            .field("rest_root", &self.http.api.root().as_str())
            .finish_non_exhaustive()
    }
}

/// The shared part of a [`MagentoClient`].
pub(crate) struct HttpCore {
    api: ApiRoot,
}

/// The integration's access token as a bearer token.
struct AccessToken(Secret);

impl Authorize for AccessToken {
    fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        request.bearer_auth(self.0.expose())
    }
}

impl MagentoClient {
    /// A client for the store view in `config`, authenticating with `access_token` (the
    /// resolved integration token).
    ///
    /// # Errors
    ///
    /// [`ConnectorError::Rejected`] when the configuration is not usable.
    pub fn new(config: &MagentoConfig, access_token: Secret) -> Result<Self, ConnectorError> {
        config
            .validate()
            .map_err(|e| rejected(format!("configuration: {e}")))?;
        let kit = HttpKit::new(
            KitSettings {
                vendor: VENDOR,
                user_agent: concat!("orderbridge-magento/", env!("CARGO_PKG_VERSION")).to_owned(),
                timeout: Duration::from_secs(config.timeout_secs),
                retry: config.retry,
                rate_limit: config.rate_limit,
            },
            Arc::new(MagentoClassify),
            Arc::new(AccessToken(access_token)),
        )?;
        let margin =
            i64::try_from(config.lookup_margin_secs.min(MAX_LOOKUP_MARGIN_SECS)).unwrap_or(0);
        Ok(Self {
            http: Arc::new(HttpCore {
                api: ApiRoot::new(kit, config.rest_root(), ""),
            }),
            placement: Placement {
                guest_email: String::new(),
                street_lines: config.street_lines,
                carrier_code: config.shipping_carrier_code.clone(),
                method_code: config.shipping_method_code.clone(),
            },
            payment_method: config.payment_method.clone(),
            guest_email_template: config.guest_email.clone(),
            stock_id: config.stock_id,
            lookup_margin: chrono::Duration::seconds(margin),
        })
    }
}

/// One path segment with the characters a URL path cannot carry escaped (SKUs may hold `/`,
/// spaces or `#`).
pub(crate) fn segment(raw: &str) -> String {
    let mut escaped = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            escaped.push(char::from(byte));
        } else {
            escaped.push_str(&format!("%{byte:02X}"));
        }
    }
    escaped
}

impl HttpCore {
    /// `GET {path}?{query}`, retried on temporary failures; `endpoint` names it in messages.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        endpoint: &str,
        query: &[(String, String)],
    ) -> ConnectorResult<T> {
        self.api.get(path, endpoint, query).await
    }

    /// `{method} {path}` with a JSON body, sent again per `replay`.
    pub(crate) async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        endpoint: &str,
        body: &B,
        replay: Replay,
    ) -> ConnectorResult<T> {
        const NO_QUERY: &[(&str, &str)] = &[];
        self.api
            .send(method, path, endpoint, NO_QUERY, body, replay)
            .await
    }

    /// Walks every page of a `searchCriteria` list to its `total_count`, handing each page's
    /// items to `visit`.
    pub(crate) async fn walk<P: DeserializeOwned, T>(
        &self,
        path: &str,
        search: &Search,
        items: impl Fn(P) -> (Vec<T>, u64),
        mut visit: impl FnMut(Vec<T>),
    ) -> ConnectorResult<()> {
        let mut pager = OffsetPager::new(PAGE, MAX_PAGES);
        loop {
            let current_page = pager.offset() / pager.limit() + 1;
            let page: P = self
                .get(path, path, &search.query(pager.limit(), current_page))
                .await?;
            let (page_items, total_count) = items(page);
            let n_items = page_items.len();
            visit(page_items);
            if !pager.advance(n_items, Some(total_count)) {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(segment("MUG-1"), "MUG-1");
        assert_eq!(segment("A/B C#"), "A%2FB%20C%23");
    }
}
