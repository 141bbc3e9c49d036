//! HTTP plumbing of the Retailer API: [`BolClient`] sends one logical call with the v10 media
//! types and a bearer token, waits out rate limits, retries what is safe to retry and turns
//! every failure into a [`ConnectorError`].
//!
//! Retry rules: reads (and the bulk process-status POST) are retried on any temporary
//! failure. Writes are retried only when the request provably had no effect: bol refused it
//! with 429, the connection was never made, or the token was refused (401, once, after a
//! fresh token). A write that timed out or met a 5xx is returned as `Transient`; the daemon
//! looks up what happened before trying again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use orderbridge_core::{ConnectorError, RetryPolicy, Secret};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::time::Instant;
use url::Url;

use crate::auth::TokenCache;
use crate::config::BolConfig;
use crate::response::{classify, decode_json, Outcome};
use crate::wire::JSON_MEDIA_TYPE;
use crate::VENDOR;

/// Whether a call may be repeated after a failure whose effect is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// Has no effect (GET, bulk status POST, export request): retried on temporary failures.
    Read,
    /// Changes something at bol: retried only when it provably had no effect.
    Write,
}

/// One logical API call: what to send and how it may be retried.
pub(crate) struct ApiCall {
    method: Method,
    /// Names the endpoint for rate-limit bookkeeping, e.g. `GET /retailer/orders/{order-id}`.
    endpoint: &'static str,
    segments: Vec<String>,
    query: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
    accept: &'static str,
    kind: CallKind,
}

impl ApiCall {
    /// A call of `endpoint` on the path made of `segments` (each percent-encoded as needed).
    pub(crate) fn new(
        method: Method,
        endpoint: &'static str,
        segments: &[&str],
        kind: CallKind,
    ) -> Self {
        Self {
            method,
            endpoint,
            segments: segments.iter().map(|s| (*s).to_owned()).collect(),
            query: Vec::new(),
            body: None,
            accept: JSON_MEDIA_TYPE,
            kind,
        }
    }

    /// Adds a query parameter.
    pub(crate) fn query(mut self, name: &'static str, value: impl ToString) -> Self {
        self.query.push((name, value.to_string()));
        self
    }

    /// Sets the JSON body.
    ///
    /// # Errors
    ///
    /// `Rejected` when the body cannot be serialised (it always can for the wire types).
    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self, ConnectorError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ConnectorError::Rejected {
            vendor: VENDOR.to_owned(),
            message: format!("cannot encode request body for {}: {e}", self.endpoint),
        })?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// Asks for another media type than v10 JSON (the CSV export).
    pub(crate) fn accept(mut self, media_type: &'static str) -> Self {
        self.accept = media_type;
        self
    }
}

/// A client of the bol.com Retailer API v10 for one seller account. Cheap to clone; clones
/// share the token cache and rate-limit state.
#[derive(Clone)]
pub struct BolClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    api_base_url: Url,
    tokens: TokenCache,
    retry: RetryPolicy,
    timeout: Duration,
    pub(crate) include_fbb: bool,
    /// Per endpoint: no request before this instant (bol said its budget is spent).
    throttle: Mutex<HashMap<&'static str, Instant>>,
    /// An offer export requested earlier whose file was not ready yet.
    pub(crate) pending_export: Mutex<Option<crate::offers::PendingExport>>,
}

impl std::fmt::Debug for BolClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BolClient")
            .field("api_base_url", &self.inner.api_base_url.as_str())
            .finish_non_exhaustive()
    }
}

fn config_error(message: String) -> ConnectorError {
    ConnectorError::Rejected {
        vendor: VENDOR.to_owned(),
        message: format!("invalid bol configuration: {message}"),
    }
}

impl BolClient {
    /// A client for the account in `config`, authenticating with `secret` (the resolved
    /// `config.client_secret`).
    ///
    /// # Errors
    ///
    /// [`ConnectorError::Rejected`] when the configuration cannot work: empty client id,
    /// zero timeout, or a base URL that is not http(s).
    pub fn new(config: &BolConfig, secret: Secret) -> Result<BolClient, ConnectorError> {
        if config.client_id.trim().is_empty() {
            return Err(config_error("client_id is empty".to_owned()));
        }
        if config.timeout_secs == 0 {
            return Err(config_error("timeout_secs must be at least 1".to_owned()));
        }
        for (name, url) in [
            ("api_base_url", &config.api_base_url),
            ("token_url", &config.token_url),
        ] {
            if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
                return Err(config_error(format!("{name} {url} is not an http(s) URL")));
            }
        }
        let timeout = Duration::from_secs(config.timeout_secs);
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("orderbridge-bol/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| config_error(format!("cannot build HTTP client: {e}")))?;
        let tokens = TokenCache::new(
            http.clone(),
            config.token_url.clone(),
            config.client_id.trim().to_owned(),
            secret,
        );
        Ok(BolClient {
            inner: Arc::new(Inner {
                http,
                api_base_url: config.api_base_url.clone(),
                tokens,
                retry: config.retry,
                timeout,
                include_fbb: config.include_fbb,
                throttle: Mutex::new(HashMap::new()),
                pending_export: Mutex::new(None),
            }),
        })
    }

    fn url(&self, call: &ApiCall) -> Result<Url, ConnectorError> {
        let mut url = self.inner.api_base_url.clone();
        url.path_segments_mut()
            .map_err(|()| config_error("api_base_url cannot take a path".to_owned()))?
            .pop_if_empty()
            .extend(&call.segments);
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&call.query);
        }
        Ok(url)
    }

    /// Sends `call` and decodes the JSON answer.
    ///
    /// # Errors
    ///
    /// Any [`ConnectorError`]; `InvalidPayload` names the endpoint and the JSON path.
    pub(crate) async fn call_json<T: DeserializeOwned>(
        &self,
        call: ApiCall,
    ) -> Result<T, ConnectorError> {
        let (location, body) = self.execute(call).await?;
        decode_json(&body, &location)
    }

    /// Sends `call` and returns the answer as text.
    ///
    /// # Errors
    ///
    /// Any [`ConnectorError`]; `InvalidPayload` when the answer is not UTF-8.
    pub(crate) async fn call_text(
        &self,
        call: ApiCall,
    ) -> Result<(String, String), ConnectorError> {
        let (location, body) = self.execute(call).await?;
        let text = String::from_utf8(body).map_err(|e| ConnectorError::InvalidPayload {
            vendor: VENDOR.to_owned(),
            location: location.clone(),
            message: format!("answer is not UTF-8: {e}"),
        })?;
        Ok((location, text))
    }

    /// Sends `call` with retries; returns where it went (`METHOD /path`) and the body.
    async fn execute(&self, call: ApiCall) -> Result<(String, Vec<u8>), ConnectorError> {
        let url = self.url(&call)?;
        let location = format!("{} {}", call.method, url.path());
        let policy = self.inner.retry;
        let max_attempts = policy.max_attempts.max(1);
        let mut attempt: u32 = 0;
        let mut token_refreshed = false;
        loop {
            attempt += 1;
            self.wait_for_throttle(call.endpoint).await?;
            let token = match self.inner.tokens.token().await {
                Ok(token) => token,
                Err(ConnectorError::RateLimited { retry_after }) => {
                    self.wait_rate_limit(retry_after, attempt, max_attempts, &location)
                        .await?;
                    continue;
                }
                // No API request was sent, so even a write may be tried again.
                Err(error @ ConnectorError::Transient { .. }) if attempt < max_attempts => {
                    self.back_off(attempt, &location, &error).await;
                    continue;
                }
                Err(error) => return Err(error),
            };
            match self.attempt(&call, &url, &location, &token).await {
                Outcome::Success(body) => return Ok((location, body)),
                Outcome::Unauthorized(message) => {
                    if token_refreshed {
                        return Err(ConnectorError::Auth { message });
                    }
                    tracing::debug!(endpoint = %location, "bol refused the access token; fetching a new one");
                    self.inner.tokens.invalidate(&token).await;
                    token_refreshed = true;
                    attempt -= 1;
                }
                Outcome::RateLimited(retry_after) => {
                    self.wait_rate_limit(retry_after, attempt, max_attempts, &location)
                        .await?;
                }
                Outcome::Failed {
                    error,
                    not_performed,
                } => {
                    let retryable =
                        error.is_retryable() && (not_performed || call.kind == CallKind::Read);
                    if !retryable || attempt >= max_attempts {
                        return Err(error);
                    }
                    self.back_off(attempt, &location, &error).await;
                }
            }
        }
    }

    async fn attempt(&self, call: &ApiCall, url: &Url, location: &str, token: &str) -> Outcome {
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), url.clone())
            .bearer_auth(token)
            .header(ACCEPT, call.accept);
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, JSON_MEDIA_TYPE)
                .body(body.clone());
        }
        tracing::debug!(endpoint = %location, "calling bol");
        match request.send().await {
            Ok(response) => {
                if let Some(reset) = crate::response::spent_budget_reset(response.headers()) {
                    self.throttle_until(call.endpoint, Instant::now() + reset);
                }
                classify(response, location, self.inner.timeout).await
            }
            Err(err) => crate::response::transport_failure(&err, location, self.inner.timeout),
        }
    }

    fn throttle_until(&self, endpoint: &'static str, until: Instant) {
        let mut throttle = self
            .inner
            .throttle
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        throttle.insert(endpoint, until);
    }

    async fn wait_for_throttle(&self, endpoint: &'static str) -> Result<(), ConnectorError> {
        let until = {
            let throttle = self
                .inner
                .throttle
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            throttle.get(endpoint).copied()
        };
        let Some(until) = until else { return Ok(()) };
        let wait = until.saturating_duration_since(Instant::now());
        if wait.is_zero() {
            return Ok(());
        }
        if !self.inner.retry.waits_out(wait) {
            return Err(ConnectorError::RateLimited {
                retry_after: Some(wait),
            });
        }
        tracing::debug!(
            endpoint,
            ?wait,
            "bol rate limit budget spent; waiting for reset"
        );
        tokio::time::sleep(wait).await;
        Ok(())
    }

    async fn wait_rate_limit(
        &self,
        retry_after: Option<Duration>,
        attempt: u32,
        max_attempts: u32,
        location: &str,
    ) -> Result<(), ConnectorError> {
        let policy = self.inner.retry;
        let too_long = retry_after.is_some_and(|wait| !policy.waits_out(wait));
        if too_long || attempt >= max_attempts {
            return Err(ConnectorError::RateLimited { retry_after });
        }
        let wait = retry_after.unwrap_or_else(|| policy.backoff(attempt, rand::random::<f64>()));
        tracing::debug!(endpoint = %location, ?wait, "bol answered 429; waiting before the next attempt");
        tokio::time::sleep(wait).await;
        Ok(())
    }

    async fn back_off(&self, attempt: u32, location: &str, error: &ConnectorError) {
        let wait = self.inner.retry.backoff(attempt, rand::random::<f64>());
        tracing::debug!(endpoint = %location, ?wait, %error, "retrying bol call");
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_clone_send_sync() {
        fn assert_traits<T: Clone + Send + Sync + 'static>() {}
        assert_traits::<BolClient>();
    }
}
