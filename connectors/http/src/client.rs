//! [`HttpKit`]: one vendor's HTTP client — connection pool, timeout, retry policy, client-side
//! rate budgets, its [`Classify`] and [`Authorize`] — and the send loop every call goes
//! through: wait for the endpoint's budget (learned from the vendor's rate headers, or the
//! configured one until it told one; a wait too long to sit out is handed back as
//! `RateLimited`), send, record what the answer's headers told, read the reply (a non-2xx
//! through [`Failure`], a 2xx through the caller's decoder), and per [`Replay`] send again or
//! give the failure back.
//! Redirects are never followed: a redirected POST would turn into a GET, and credentials must
//! not follow a redirect to another host; the failure names the target instead.

use std::sync::Arc;
use std::time::Duration;

use orderbridge_core::{ConnectorError, RateBudget, RateLimit, RetryPolicy};
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::{
    acted_but_unreadable, decode_json, wait_before_retry, AdaptiveBudget, Classify, Failure,
    Replay, Reply, Slot,
};

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
    /// The configured client-side rate budget: kept by every endpoint until the vendor's
    /// answers tell its own ([`Classify::rate_headers`]).
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
    /// which may hold ids the merchant does not need and secrets nobody should see. Budgets
    /// learned from the vendor's rate headers are kept per name, so a vendor that tells them
    /// names each endpoint the same way whatever ids its path holds (`GET orders/{id}`).
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
    /// The configured budget, shared by every endpoint nothing was learned for.
    budget: RateBudget,
    /// Per endpoint, what the vendor's rate headers and 429s told.
    learned: AdaptiveBudget,
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
            learned: AdaptiveBudget::default(),
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
    /// creating write it means the vendor acted ([`acted_but_unreadable`]). Each attempt
    /// first waits for the endpoint's rate budget ([`AdaptiveBudget::wait_for_turn`]).
    ///
    /// # Errors
    ///
    /// The last attempt's failure; [`ConnectorError::RateLimited`] (unsent) when the budget's
    /// wait is too long to sit out.
    pub async fn send<T>(
        &self,
        request: &Request,
        decode: impl Fn(&Raw) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let mut attempt: u32 = 1;
        loop {
            let slot = self
                .learned
                .wait_for_turn(&request.endpoint, &self.retry, || {
                    self.budget.reserve(std::time::Instant::now())
                })
                .await
                .map_err(Failure::unsent)?;
            let result = match self.attempt(request, slot).await {
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

    /// One attempt, let go by the budget (`slot`), which hears what the answer told.
    async fn attempt(&self, request: &Request, slot: Slot<'_>) -> Result<Raw, Failure> {
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
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) => {
                slot.record(Reply::NoAnswer);
                return Err(transport(e));
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let told = self.classify.rate_headers(&headers).unwrap_or_default();
        let body = match response.bytes().await {
            Ok(body) => body.to_vec(),
            Err(e) => {
                slot.record(Reply::Answered(told));
                return Err(transport(e));
            }
        };
        if status.is_success() {
            slot.record(Reply::Answered(told));
            return Ok(Raw {
                status,
                headers,
                body,
            });
        }
        let failure = Failure::from_status(
            self.vendor,
            self.classify.as_ref(),
            &request.endpoint,
            status,
            &headers,
            &body,
        );
        slot.record(match failure.error {
            ConnectorError::RateLimited { retry_after } => Reply::Refused {
                headers: told,
                retry_after,
            },
            _ => Reply::Answered(told),
        });
        Err(failure)
    }
}
