//! HTTP plumbing of the Shopify connector: [`ShopifyClient`] sends one named GraphQL operation
//! per call to `https://{shop}/admin/api/{API_VERSION}/graphql.json` through the shared HTTP
//! kit (request budget, retries per the replay rule, HTTP failures as `ConnectorError`), with
//! the access token of `auth.rs`, after waiting for the query's cost in the bucket of
//! `throttle.rs`, and reads the reply with `envelope.rs`. Two things the kit cannot know are
//! done here: a creating write that Shopify throttled (nothing ran) waits and is sent again,
//! and a client-credentials token Shopify refuses with 401 is fetched anew once.
//! What the calls mean lives in `webshop.rs` and `products.rs`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use orderbridge_core::kind::BuildError;
use orderbridge_core::{ConnectorError, ConnectorResult, RetryPolicy, Secret};
use orderbridge_http::{HttpKit, KitSettings, Replay, Request};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use url::Url;

use crate::auth::{Grant, HeaderAuth, NoAuth, TokenSource, Tokens};
use crate::config::{AuthSetting, ShopifyConfig};
use crate::envelope::{read_reply, Reply};
use crate::error_mapping::{rejected, ShopifyClassify, VENDOR};
use crate::queries::Operation;
use crate::throttle::CostBucket;

/// Longest lookup margin used, whatever is configured: 30 days.
const MAX_LOOKUP_MARGIN_SECS: u64 = 30 * 24 * 3600;

/// A Shopify store, reached over the GraphQL Admin API. Cheap to clone; clones share the
/// connection pool, the token and the cost bucket.
#[derive(Clone)]
pub struct ShopifyClient {
    pub(crate) core: Arc<Core>,
    pub(crate) location_id: String,
    pub(crate) vat_rate_percent: Option<u8>,
    pub(crate) lookup_margin: chrono::Duration,
}

/// Compile-time check: the daemon shares one client between its tasks.
const _: fn() = assert_shareable::<ShopifyClient>;
fn assert_shareable<T: Clone + Send + Sync + 'static>() {}

impl std::fmt::Debug for ShopifyClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopifyClient")
            .field("endpoint", &self.core.endpoint.as_str())
            .field("location_id", &self.location_id)
            .finish_non_exhaustive()
    }
}

/// The shared part of a [`ShopifyClient`].
pub(crate) struct Core {
    kit: HttpKit,
    endpoint: Url,
    tokens: Arc<Tokens>,
    bucket: CostBucket,
    retry: RetryPolicy,
    /// Set once the order metafield definition of our code is known to be usable
    /// (`custom_id.rs`); clones of a client share it.
    pub(crate) code_definition: tokio::sync::OnceCell<()>,
}

fn settings(config: &ShopifyConfig) -> KitSettings {
    KitSettings {
        vendor: VENDOR,
        user_agent: concat!("orderbridge-shopify/", env!("CARGO_PKG_VERSION")).to_owned(),
        timeout: Duration::from_secs(config.timeout_secs),
        retry: config.retry,
        rate_limit: config.rate_limit,
    }
}

/// `base` joined with `path`, `base` read as a directory.
fn below(base: &Url, path: &str) -> ConnectorResult<Url> {
    let mut dir = base.clone();
    if !dir.path().ends_with('/') {
        let with_slash = format!("{}/", dir.path());
        dir.set_path(&with_slash);
    }
    dir.set_query(None);
    dir.join(path)
        .map_err(|e| rejected(format!("configuration: bad path {path:?}: {e}")))
}

impl ShopifyClient {
    /// A client for the store in `config`, its secrets read (inline, from a file or from a
    /// systemd credential in `credentials_dir`).
    ///
    /// # Errors
    ///
    /// [`BuildError`] when a secret cannot be read or the configuration is not usable.
    pub fn from_config(
        config: &ShopifyConfig,
        credentials_dir: Option<&Path>,
    ) -> Result<Self, BuildError> {
        config
            .validate()
            .map_err(|e| rejected(format!("configuration: {e}")))?;
        let base = config
            .base()
            .map_err(|e| rejected(format!("configuration: {e}")))?;
        let tokens = match config
            .auth()
            .map_err(|e| rejected(format!("configuration: {e}")))?
        {
            AuthSetting::AccessToken(source) => Tokens::fixed(source.resolve(credentials_dir)?),
            AuthSetting::ClientCredentials {
                client_id,
                client_secret,
            } => Tokens::fetched(TokenSource::ClientCredentials(Box::new(Grant {
                kit: HttpKit::new(
                    settings(config),
                    Arc::new(ShopifyClassify),
                    Arc::new(NoAuth),
                )?,
                url: below(&base, "admin/oauth/access_token")?,
                client_id,
                client_secret: client_secret.resolve(credentials_dir)?,
            }))),
        };
        Ok(Self::with_tokens(config, &base, tokens)?)
    }

    /// A client authenticating with the Admin API access token `token`, whatever the
    /// configuration says about credentials.
    ///
    /// # Errors
    ///
    /// [`ConnectorError::Rejected`] when the configuration is not usable.
    pub fn with_access_token(config: &ShopifyConfig, token: Secret) -> ConnectorResult<Self> {
        let base = config
            .base()
            .map_err(|e| rejected(format!("configuration: {e}")))?;
        Self::with_tokens(config, &base, Tokens::fixed(token))
    }

    fn with_tokens(config: &ShopifyConfig, base: &Url, tokens: Tokens) -> ConnectorResult<Self> {
        let tokens = Arc::new(tokens);
        let kit = HttpKit::new(
            settings(config),
            Arc::new(ShopifyClassify),
            Arc::new(HeaderAuth(tokens.clone())),
        )?;
        let margin =
            i64::try_from(config.lookup_margin_secs.min(MAX_LOOKUP_MARGIN_SECS)).unwrap_or(0);
        Ok(Self {
            core: Arc::new(Core {
                kit,
                endpoint: below(
                    base,
                    &format!("admin/api/{}/graphql.json", crate::API_VERSION),
                )?,
                tokens,
                bucket: CostBucket::default(),
                retry: config.retry,
                code_definition: tokio::sync::OnceCell::new(),
            }),
            location_id: config.location_id.clone(),
            vat_rate_percent: config.vat_rate_percent,
            lookup_margin: chrono::Duration::seconds(margin),
        })
    }
}

impl Core {
    /// Runs `operation` with `variables` and decodes its `data`. Reads (`Replay::Safe`) are
    /// sent again after any temporary failure; a creating write (`Replay::OnlyIfUnsent`) only
    /// when Shopify provably did not run it (429, `THROTTLED`, a refused token).
    pub(crate) async fn run<T: DeserializeOwned>(
        &self,
        operation: &Operation,
        variables: Value,
        replay: Replay,
    ) -> ConnectorResult<T> {
        let creating = replay == Replay::OnlyIfUnsent;
        let endpoint = format!("POST graphql.json {}", operation.name);
        let body = json!({
            "query": operation.document,
            "operationName": operation.name,
            "variables": variables,
        });
        let request = Request::json(
            Method::POST,
            self.endpoint.clone(),
            endpoint.clone(),
            &body,
            replay,
        )?;
        let mut throttled: u32 = 0;
        let mut token_refreshed = false;
        loop {
            self.tokens.ensure().await?;
            let cost = self.bucket.estimate(operation.name, operation.cost_guess);
            let wait = self.bucket.reserve(cost, Instant::now());
            if !wait.is_zero() {
                tracing::debug!(
                    operation = operation.name,
                    cost,
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    "waiting for Shopify's cost bucket"
                );
                tokio::time::sleep(wait).await;
            }
            let sent = self
                .kit
                .send(&request, |raw| {
                    read_reply::<T>(raw, operation, &endpoint, creating, &self.bucket)
                })
                .await;
            match sent {
                Ok(Reply::Data(data)) => return Ok(data),
                Ok(Reply::Refused(error)) => return Err(error),
                Ok(Reply::Throttled(wait)) => {
                    throttled += 1;
                    if throttled >= self.retry.max_attempts || !self.retry.waits_out(wait) {
                        return Err(ConnectorError::RateLimited {
                            retry_after: Some(wait),
                        });
                    }
                    tracing::warn!(
                        operation = operation.name,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "Shopify throttled a write that did not run; sending it again"
                    );
                    tokio::time::sleep(wait).await;
                }
                Err(failure)
                    if failure.status == Some(StatusCode::UNAUTHORIZED)
                        && self.tokens.refreshable()
                        && !token_refreshed =>
                {
                    // Refused before anything ran: a token revoked or expired early.
                    tracing::warn!(
                        operation = operation.name,
                        "Shopify refused the access token; fetching a new one"
                    );
                    token_refreshed = true;
                    self.tokens.invalidate();
                }
                Err(failure) => return Err(failure.error),
            }
        }
    }
}
