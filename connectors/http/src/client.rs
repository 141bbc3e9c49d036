//! [`HttpKit`]: one vendor's HTTP client — connection pool, timeout, retry policy, client-side
//! rate budget, its [`Classify`] and [`Authorize`] — and the send loop every call goes
//! through: wait for the budget, send, read the reply (a non-2xx through [`Failure`], a 2xx
//! through the caller's decoder), and per [`Replay`] send again or give the failure back.
//! Redirects are never followed: a redirected POST would turn into a GET, and credentials must
//! not follow a redirect to another host; the failure names the target instead.

use std::sync::Arc;
use std::time::{Duration, Instant};

use orderbridge_core::{ConnectorError, RateBudget, RateLimit, RetryPolicy};
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::{acted_but_unreadable, decode_json, wait_before_retry, Classify, Failure, Replay};

/// How a request is authenticated (a Basic header, a bearer token, a key pair in the query).
pub trait Authorize: Send + Sync {
    /// Adds the credentials to `request`.
    fn authorize(&self, request: RequestBuilder) -> RequestBuilder;
}

/// What an [`HttpKit`] is made from.
#[derive(Debug, Clone)]
pub struct KitSettings {
    /// The vendor's name in errors (`medusa`).
    pub vendor: &'static str,
    /// The `User-Agent` sent.
    pub user_agent: String,
    /// Longest one request may take.
    pub timeout: Duration,
    /// How failed requests are sent again.
    pub retry: RetryPolicy,
    /// The client-side rate budget.
    pub rate_limit: RateLimit,
}

/// One request as the kit sends it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The full URL without the query.
    pub url: Url,
    /// The endpoint's name in messages and logs (`POST admin/draft-orders`): never the URL,
    /// which may hold ids the merchant does not need and secrets nobody should see.
    pub endpoint: String,
    /// Query parameters.
    pub query: Vec<(String, String)>,
    /// A JSON body.
    pub body: Option<Vec<u8>>,
    /// Whether it may be sent again after a failure of unknown effect.
    pub replay: Replay,
}

impl Request {
    /// A `GET` (safe to repeat) of `url`.
    pub fn get(url: Url, endpoint: impl Into<String>) -> Self {
        Self {
            method: Method::GET,
            url,
            endpoint: endpoint.into(),
            query: Vec::new(),
            body: None,
            replay: Replay::Safe,
        }
    }

    /// A request with a JSON `body`.
    ///
    /// # Errors
    ///
    /// When the body cannot be encoded (never for plain wire types).
    pub fn json(
        method: Method,
        url: Url,
        endpoint: impl Into<String>,
        body: &impl Serialize,
        replay: Replay,
    ) -> Result<Self, ConnectorError> {
        let endpoint = endpoint.into();
        let body = serde_json::to_vec(body).map_err(|e| ConnectorError::Rejected {
            vendor: "orderbridge".to_owned(),
            message: format!("cannot encode the body of {endpoint}: {e}"),
        })?;
        Ok(Self {
            method,
            url,
            endpoint,
            query: Vec::new(),
            body: Some(body),
            replay,
        })
    }

    /// Adds a query parameter.
    #[must_use]
    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }
}

/// A 2xx reply before decoding.
#[derive(Debug, Clone)]
pub struct Raw {
    /// Its status.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: Vec<u8>,
}

/// One vendor's HTTP client. Cheap to share behind an `Arc`; clones of reqwest's client share
/// the pool.
pub struct HttpKit {
    http: reqwest::Client,
    vendor: &'static str,
    timeout: Duration,
    retry: RetryPolicy,
    budget: RateBudget,
    classify: Arc<dyn Classify>,
    auth: Arc<dyn Authorize>,
}

impl std::fmt::Debug for HttpKit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpKit")
            .field("vendor", &self.vendor)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl HttpKit {
    /// A client for one vendor.
    ///
    /// # Errors
    ///
    /// [`ConnectorError::Rejected`] when the HTTP client cannot be built.
    pub fn new(
        settings: KitSettings,
        classify: Arc<dyn Classify>,
        auth: Arc<dyn Authorize>,
    ) -> Result<Self, ConnectorError> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(settings.user_agent)
            .build()
            .map_err(|e| ConnectorError::Rejected {
                vendor: settings.vendor.to_owned(),
                message: format!("configuration: cannot build HTTP client: {e}"),
            })?;
        Ok(Self {
            http,
            vendor: settings.vendor,
            timeout: settings.timeout,
            retry: settings.retry,
            budget: RateBudget::new(settings.rate_limit),
            classify,
            auth,
        })
    }

    /// The vendor's name in errors.
    pub fn vendor(&self) -> &'static str {
        self.vendor
    }

    /// Sends `request` and decodes its JSON reply, retried per its [`Replay`].
    ///
    /// # Errors
    ///
    /// The last attempt's failure.
    pub async fn json<T: DeserializeOwned>(&self, request: &Request) -> Result<T, Failure> {
        self.send(request, |raw| {
            decode_json(self.vendor, &request.endpoint, raw.status, &raw.body)
        })
        .await
    }

    /// Sends `request` until `decode` accepts a 2xx reply or the failure is final. A reply
    /// `decode` refuses is read again for a [`Replay::Safe`] request when it was damaged; for a
    /// creating write it means the vendor acted ([`acted_but_unreadable`]).
    ///
    /// # Errors
    ///
    /// The last attempt's failure.
    pub async fn send<T>(
        &self,
        request: &Request,
        decode: impl Fn(&Raw) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let mut attempt: u32 = 1;
        loop {
            let result = match self.attempt(request).await {
                Ok(raw) => decode(&raw).map_err(|failure| match request.replay {
                    Replay::OnlyIfUnsent => acted_but_unreadable(&request.endpoint, failure),
                    Replay::Safe => failure,
                }),
                Err(failure) => Err(failure),
            };
            let failure = match result {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            let jitter = rand::random::<f64>();
            let Some(wait) =
                wait_before_retry(&self.retry, &failure, attempt, request.replay, jitter)
            else {
                return Err(failure);
            };
            tracing::warn!(
                vendor = self.vendor,
                endpoint = %request.endpoint,
                attempt,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                error = %failure.error,
                "retrying call"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn attempt(&self, request: &Request) -> Result<Raw, Failure> {
        let wait = self.budget.reserve(Instant::now());
        if !wait.is_zero() {
            tracing::debug!(
                vendor = self.vendor,
                endpoint = %request.endpoint,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "waiting for the rate budget"
            );
            tokio::time::sleep(wait).await;
        }
        let mut builder = self
            .http
            .request(request.method.clone(), request.url.clone())
            .header(ACCEPT, "application/json");
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        builder = self.auth.authorize(builder);
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        // The URL may carry credentials (a key pair in the query): transport errors lose it
        // before they become messages.
        let transport = |e: reqwest::Error| {
            Failure::from_transport(&request.endpoint, self.timeout, &e.without_url())
        };
        let response = builder.send().await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport)?.to_vec();
        if status.is_success() {
            Ok(Raw {
                status,
                headers,
                body,
            })
        } else {
            Err(Failure::from_status(
                self.vendor,
                self.classify.as_ref(),
                &request.endpoint,
                status,
                &headers,
                &body,
            ))
        }
    }
}
