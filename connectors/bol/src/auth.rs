//! OAuth2 client-credentials tokens for the Retailer API: fetched from the token endpoint with
//! HTTP Basic auth (`client_id:client_secret`) and `grant_type=client_credentials` in a form
//! body (RFC 6749 §4.4.2; bol's own clients do the same, e.g. picqer/bol-retailer-php-client
//! `src/BaseClient.php`, and bol refuses secrets in URL query parameters:
//! https://api.bol.com/retailer/public/Retailer-API/intermediary-authorization.html), cached and reused until shortly before they expire, and dropped when the API
//! answers 401. Neither the secret nor a token ever reaches a log line or an error message.

use std::time::Duration;

use chrono::Utc;
use orderbridge_core::retry::parse_retry_after;
use orderbridge_core::{ConnectorError, Secret};
use reqwest::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::wire::{TokenResponse, FORM_MEDIA_TYPE};
use crate::VENDOR;

/// The form body of the token request (form-encoded; nothing in it needs escaping).
const CLIENT_CREDENTIALS_GRANT: &str = "grant_type=client_credentials";

/// A token is renewed this long before bol says it expires.
const REFRESH_MARGIN: Duration = Duration::from_secs(30);

struct CachedToken {
    value: String,
    refresh_at: Instant,
}

/// Issues and caches bearer tokens for one set of client credentials.
pub(crate) struct TokenCache {
    http: reqwest::Client,
    token_url: Url,
    client_id: String,
    client_secret: Secret,
    current: Mutex<Option<CachedToken>>,
}

impl TokenCache {
    /// A cache that fetches tokens from `token_url` with these credentials.
    pub(crate) fn new(
        http: reqwest::Client,
        token_url: Url,
        client_id: String,
        client_secret: Secret,
    ) -> Self {
        Self {
            http,
            token_url,
            client_id,
            client_secret,
            current: Mutex::new(None),
        }
    }

    /// A valid bearer token, fetched when none is cached or the cached one is about to expire.
    /// Concurrent callers wait for one fetch instead of each fetching their own.
    ///
    /// # Errors
    ///
    /// [`ConnectorError::Auth`] when bol refuses the credentials, `Transient` when the token
    /// endpoint cannot be reached or fails, `RateLimited` on 429, `InvalidPayload` when the
    /// answer is not a token.
    pub(crate) async fn token(&self) -> Result<String, ConnectorError> {
        let mut current = self.current.lock().await;
        if let Some(cached) = current.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(cached.value.clone());
        }
        let fetched = self.fetch().await?;
        let lifetime = Duration::from_secs(fetched.expires_in).saturating_sub(REFRESH_MARGIN);
        let value = fetched.access_token;
        *current = Some(CachedToken {
            value: value.clone(),
            refresh_at: Instant::now() + lifetime,
        });
        Ok(value)
    }

    /// Forgets `used` (a token the API just refused) unless another caller already replaced it.
    pub(crate) async fn invalidate(&self, used: &str) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|t| t.value == used) {
            *current = None;
        }
    }

    async fn fetch(&self) -> Result<TokenResponse, ConnectorError> {
        let location = format!("POST {}", self.token_url.path());
        tracing::debug!(endpoint = %location, "fetching bol access token");
        let response = self
            .http
            .post(self.token_url.clone())
            .header(CONTENT_TYPE, FORM_MEDIA_TYPE)
            .body(CLIENT_CREDENTIALS_GRANT)
            .basic_auth(&self.client_id, Some(self.client_secret.expose()))
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| ConnectorError::Transient {
                message: format!(
                    "bol token request failed: {}",
                    crate::response::describe_transport_error(&e)
                ),
            })?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, Utc::now()));
        let body = response
            .bytes()
            .await
            .map_err(|e| ConnectorError::Transient {
                message: format!(
                    "reading bol token answer failed: {}",
                    crate::response::describe_transport_error(&e)
                ),
            })?;
        match status {
            // A token answer that is not even JSON (cut off, garbled) was most likely damaged
            // on the way: temporary, and no API request was sent, so any call may retry it.
            s if s.is_success() => serde_json::from_slice::<TokenResponse>(&body).map_err(|e| {
                if e.is_data() {
                    ConnectorError::InvalidPayload {
                        vendor: VENDOR.to_owned(),
                        location,
                        message: format!("token answer: {e}"),
                    }
                } else {
                    ConnectorError::Transient {
                        message: format!("{location}: unreadable token answer: {e}"),
                    }
                }
            }),
            StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                Err(ConnectorError::Auth {
                    message: format!(
                        "bol refused the client credentials of client id {:?} (HTTP {}{})",
                        self.client_id,
                        status.as_u16(),
                        oauth_error_code(&body)
                            .map(|code| format!(", {code}"))
                            .unwrap_or_default()
                    ),
                })
            }
            StatusCode::TOO_MANY_REQUESTS => Err(ConnectorError::RateLimited { retry_after }),
            _ => Err(ConnectorError::Transient {
                message: format!("bol token endpoint answered HTTP {}", status.as_u16()),
            }),
        }
    }
}

/// The OAuth2 `error` code of an error answer (`invalid_client`), never its free text.
fn oauth_error_code(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let code = value.get("error")?.as_str()?;
    code.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then(|| code.to_owned())
}
