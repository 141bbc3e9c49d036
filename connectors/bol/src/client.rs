//! HTTP plumbing of the Retailer API: [`BolClient`] sends one logical call with the v10 media
//! types and a bearer token, keeps to its rate budgets (configured per group at first,
//! `budget.rs`, then per endpoint as bol's `x-ratelimit-*` headers tell them: the HTTP kit's
//! [`AdaptiveBudget`], which also does the waiting and hands back waits too long to sit out),
//! waits out rate limits, retries what is safe to retry and turns every failure into a
//! [`ConnectorError`].
//!
//! Retry rules (the HTTP kit's, `orderbridge_http::wait_before_retry`, as for every connector). Reads (and the bulk process-status and delivery-options POSTs) are retried on
//! any temporary failure: 5xx, timeout, reset connection, and a 2xx answer that is not even
//! well-formed JSON (cut off or garbled on the way; for a label, not a whole PDF); when the
//! attempts run out, the last error is returned, an unreadable answer as `InvalidPayload`
//! naming the endpoint. JSON of the wrong shape is not retried.
//! Writes are retried only when the request provably had no effect: bol refused it with 429,
//! the connection was never made (refused), no token could be had, or the token was refused
//! (401, once, after a fresh token). A write that timed out, met a 5xx, lost its connection
//! after sending, or got an unreadable 2xx answer is returned as `Transient` at once: it may
//! have taken effect, and the daemon looks up what happened before trying again (a label
//! purchase, which is charged, is such a write).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use orderbridge_core::{ConnectorError, RetryPolicy, Secret};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use url::Url;

use orderbridge_http::{
    acted_but_unreadable, wait_before_retry, AdaptiveBudget, Failure, Replay, Reply, Slot,
};

use crate::auth::TokenCache;
use crate::budget::{check_limit, named_limits, RateBudgets};
use crate::call::{ApiCall, CallKind};
use crate::config::BolConfig;
use crate::response::{classify, decode_json, rate_headers, Answer, Outcome, Unreadable};
use crate::wire::JSON_MEDIA_TYPE;
use crate::VENDOR;

/// A client of the bol.com Retailer API v10 for one seller account. Cheap to clone; clones
/// share the token cache, the rate budgets and the rate-limit state.
#[derive(Clone)]
pub struct BolClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    api_base_url: Url,
    tokens: TokenCache,
    pub(crate) retry: RetryPolicy,
    timeout: Duration,
    pub(crate) include_fbb: bool,
    /// Configured budgets per group of endpoints: the start, until bol's headers tell more.
    pub(crate) budgets: RateBudgets,
    /// Budgets per endpoint as bol's `x-ratelimit-*` headers and 429s tell them.
    learned: AdaptiveBudget,
    /// The cached offer list and an offer export requested earlier whose file was not ready.
    pub(crate) offer_cache: Mutex<crate::offers::OfferCache>,
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
    /// zero timeout, a base URL that is not http(s), or a rate limit of no requests.
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
        for (name, limit) in named_limits(&config.rate_limits) {
            check_limit(name, limit).map_err(config_error)?;
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
                budgets: RateBudgets::new(&config.rate_limits),
                learned: AdaptiveBudget::default(),
                offer_cache: Mutex::new(crate::offers::OfferCache::default()),
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
        let (_, value) = self
            .execute(call, |answer, location| decode_json(&answer.body, location))
            .await?;
        Ok(value)
    }

    /// Sends `call` and returns where it went and the answer as text.
    ///
    /// # Errors
    ///
    /// Any [`ConnectorError`]; `InvalidPayload` when the answer is not UTF-8.
    pub(crate) async fn call_text(
        &self,
        call: ApiCall,
    ) -> Result<(String, String), ConnectorError> {
        self.execute(call, |answer, location| {
            String::from_utf8(answer.body.clone()).map_err(|e| Unreadable {
                error: ConnectorError::InvalidPayload {
                    vendor: VENDOR.to_owned(),
                    location: location.to_owned(),
                    message: format!("answer is not UTF-8: {e}"),
                },
                damaged: true,
            })
        })
        .await
    }

    /// Sends `call` and reads the whole 2xx answer, headers and bytes, with `read` (a label:
    /// a PDF, its track & trace code in a header). A damaged answer (`read` says so) to a read
    /// is asked for again, like a garbled JSON answer.
    ///
    /// # Errors
    ///
    /// Any [`ConnectorError`]; what `read` refuses, once the attempts run out.
    pub(crate) async fn call_answer<T>(
        &self,
        call: ApiCall,
        read: impl Fn(&Answer, &str) -> Result<T, Unreadable>,
    ) -> Result<T, ConnectorError> {
        let (_, value) = self.execute(call, read).await?;
        Ok(value)
    }

    /// Sends `call` with retries and reads a 2xx answer with `read`; returns where the call
    /// went (`METHOD /path`) and what `read` made of the answer. Whether a failure is sent
    /// again, and after how long, is the HTTP kit's rule ([`wait_before_retry`]) — the same
    /// for every connector; what is bol's own is around it: a token fetched first (not an API
    /// request, so even a write may be sent again when that fails), a refused token renewed
    /// once, and the rate budgets waited for before each attempt: the endpoint's learned
    /// budget, or the configured budget of its group until bol's headers told one. A wait too
    /// long to sit out (a window resetting after more than a quarter hour, a `Retry-After`
    /// beyond the retry policy) is handed back as [`ConnectorError::RateLimited`].
    async fn execute<T>(
        &self,
        call: ApiCall,
        read: impl Fn(&Answer, &str) -> Result<T, Unreadable>,
    ) -> Result<(String, T), ConnectorError> {
        let url = self.url(&call)?;
        let location = format!("{} {}", call.method, url.path());
        let replay = match call.kind {
            CallKind::Read => Replay::Safe,
            CallKind::Write => Replay::OnlyIfUnsent,
        };
        let mut attempt: u32 = 0;
        let mut token_refreshed = false;
        loop {
            attempt += 1;
            let failure = match self.inner.tokens.token().await {
                // No API request was sent: even a write may be tried again.
                Err(error) => Failure::unsent(error),
                Ok(token) => {
                    let slot = self
                        .inner
                        .learned
                        .wait_for_turn(call.endpoint, &self.inner.retry, || {
                            self.inner.budgets.reserve(call.group)
                        })
                        .await?;
                    match self.attempt(&call, &url, &location, &token, slot).await {
                        Outcome::Success(answer) => match read(&answer, &location) {
                            Ok(value) => return Ok((location, value)),
                            Err(unreadable) => unreadable_failure(unreadable, replay, &location),
                        },
                        Outcome::Unauthorized(message) => {
                            if token_refreshed {
                                return Err(ConnectorError::Auth { message });
                            }
                            tracing::debug!(endpoint = %location, "bol refused the access token; fetching a new one");
                            self.inner.tokens.invalidate(&token).await;
                            token_refreshed = true;
                            attempt -= 1;
                            continue;
                        }
                        // bol refused to act: sent again after its Retry-After.
                        Outcome::RateLimited(retry_after) => {
                            Failure::unsent(ConnectorError::RateLimited { retry_after })
                        }
                        Outcome::Failed {
                            error,
                            not_performed,
                        } => Failure {
                            unsent: not_performed,
                            ..Failure::unsent(error)
                        },
                    }
                }
            };
            let jitter = rand::random::<f64>();
            let Some(wait) =
                wait_before_retry(&self.inner.retry, &failure, attempt, replay, jitter)
            else {
                return Err(failure.error);
            };
            tracing::debug!(endpoint = %location, ?wait, error = %failure.error, "retrying bol call");
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt, let go by the rate budget (`slot`), which hears what bol's answer told.
    async fn attempt(
        &self,
        call: &ApiCall,
        url: &Url,
        location: &str,
        token: &str,
        slot: Slot<'_>,
    ) -> Outcome {
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
                let told = rate_headers(response.headers());
                let outcome = classify(response, location, self.inner.timeout).await;
                slot.record(match &outcome {
                    Outcome::RateLimited(retry_after) => Reply::Refused {
                        headers: told,
                        retry_after: *retry_after,
                    },
                    _ => Reply::Answered(told),
                });
                outcome
            }
            Err(err) => {
                slot.record(Reply::NoAnswer);
                crate::response::transport_failure(&err, location, self.inner.timeout)
            }
        }
    }
}

/// A 2xx answer `read` could not make sense of, as the kit's [`Failure`]: damaged (cut off,
/// garbled) or of the wrong shape; for a write, bol accepted the request, so it may have taken
/// effect ([`acted_but_unreadable`]: transient, never sent again by the client).
fn unreadable_failure(unreadable: Unreadable, replay: Replay, location: &str) -> Failure {
    let failure = Failure {
        unsent: false,
        damaged_body: unreadable.damaged,
        status: Some(reqwest::StatusCode::OK),
        ..Failure::unsent(unreadable.error)
    };
    match replay {
        Replay::OnlyIfUnsent => acted_but_unreadable(location, failure),
        Replay::Safe => failure,
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

    fn unreadable(damaged: bool) -> Unreadable {
        Unreadable {
            error: ConnectorError::InvalidPayload {
                vendor: VENDOR.to_owned(),
                location: "GET /x".to_owned(),
                message: "bad".to_owned(),
            },
            damaged,
        }
    }

    #[test]
    fn unreadable_answers_retry_damaged_reads_and_never_writes() {
        let policy = RetryPolicy::default();
        let retried = |failure: &Failure, replay| {
            wait_before_retry(&policy, failure, 1, replay, 0.0).is_some()
        };
        let damaged_read = unreadable_failure(unreadable(true), Replay::Safe, "GET /x");
        assert!(matches!(
            damaged_read.error,
            ConnectorError::InvalidPayload { .. }
        ));
        assert!(retried(&damaged_read, Replay::Safe));
        let odd_read = unreadable_failure(unreadable(false), Replay::Safe, "GET /x");
        assert!(!retried(&odd_read, Replay::Safe));
        let write = unreadable_failure(unreadable(true), Replay::OnlyIfUnsent, "POST /x");
        assert!(matches!(write.error, ConnectorError::Transient { .. }));
        assert!(!retried(&write, Replay::OnlyIfUnsent));
    }
}
