//! The `X-Shopify-Access-Token` header every Admin API request carries. Either a fixed Admin
//! API access token (a custom app made in the shop's admin), or one the connector gets itself
//! with the client-credentials grant: `POST https://{shop}/admin/oauth/access_token` with the
//! app's client id and secret answers `{access_token, scope, expires_in}` (about a day). That
//! token is kept, used by every request, and fetched again five minutes before it expires —
//! or at once when Shopify refuses it (401), once per call. Only one fetch runs at a time.
//! Sources: `VENDOR.md` §Authentication.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use orderbridge_core::{ConnectorResult, Secret};
use orderbridge_http::{Authorize, HttpKit, Replay, Request};
use reqwest::{Method, RequestBuilder};
use serde::Serialize;
use url::Url;

use crate::wire::TokenReply;

/// The header Shopify reads the token from.
pub(crate) const TOKEN_HEADER: &str = "X-Shopify-Access-Token";

/// How long before its expiry a token is replaced.
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// Lifetime assumed when the token endpoint does not say.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// Where tokens come from.
pub(crate) enum TokenSource {
    /// A fixed token.
    Fixed,
    /// The client-credentials grant.
    ClientCredentials(Box<Grant>),
}

/// What the client-credentials grant is asked with.
pub(crate) struct Grant {
    /// A kit without credentials, for the token endpoint.
    pub kit: HttpKit,
    /// `https://{shop}/admin/oauth/access_token`.
    pub url: Url,
    /// The app's client id.
    pub client_id: String,
    /// The app's client secret.
    pub client_secret: Secret,
}

#[derive(Debug, Clone)]
struct Current {
    token: Secret,
    /// When to fetch a new one; `None` for a fixed token.
    refresh_at: Option<Instant>,
}

/// The token in use, and how to get the next one.
pub(crate) struct Tokens {
    current: RwLock<Option<Current>>,
    source: TokenSource,
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Serialize)]
struct GrantBody<'a> {
    client_id: &'a str,
    client_secret: &'a str,
    grant_type: &'static str,
}

impl Tokens {
    /// A fixed token.
    pub(crate) fn fixed(token: Secret) -> Self {
        Self {
            current: RwLock::new(Some(Current {
                token,
                refresh_at: None,
            })),
            source: TokenSource::Fixed,
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    /// Tokens fetched from `source` when needed.
    pub(crate) fn fetched(source: TokenSource) -> Self {
        Self {
            current: RwLock::new(None),
            source,
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    /// Whether a refused token can be replaced by fetching another.
    pub(crate) fn refreshable(&self) -> bool {
        matches!(self.source, TokenSource::ClientCredentials(_))
    }

    fn usable(&self, now: Instant) -> bool {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        current
            .as_ref()
            .is_some_and(|c| c.refresh_at.is_none_or(|at| now < at))
    }

    /// Makes sure a token that is not about to expire is in use.
    ///
    /// # Errors
    ///
    /// The token endpoint's failure (wrong client credentials are
    /// [`orderbridge_core::ConnectorError::Auth`]).
    pub(crate) async fn ensure(&self) -> ConnectorResult<()> {
        if self.usable(Instant::now()) {
            return Ok(());
        }
        let TokenSource::ClientCredentials(grant) = &self.source else {
            return Ok(());
        };
        let Grant {
            kit,
            url,
            client_id,
            client_secret,
        } = grant.as_ref();
        let _only_one = self.fetching.lock().await;
        // Another call may have fetched one while this one waited.
        if self.usable(Instant::now()) {
            return Ok(());
        }
        let body = GrantBody {
            client_id,
            client_secret: client_secret.expose(),
            grant_type: "client_credentials",
        };
        let request = Request::json(
            Method::POST,
            url.clone(),
            "POST admin/oauth/access_token",
            &body,
            Replay::Safe,
        )?;
        let fetched_at = Instant::now();
        let reply: TokenReply = kit.json(&request).await.map_err(|f| f.error)?;
        let lifetime = reply
            .expires_in
            .map_or(DEFAULT_LIFETIME, Duration::from_secs);
        let refresh_at = fetched_at + lifetime.saturating_sub(REFRESH_MARGIN);
        tracing::info!(
            expires_in_secs = lifetime.as_secs(),
            scope = reply.scope.as_deref().unwrap_or(""),
            "fetched a Shopify access token with the client-credentials grant"
        );
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        *current = Some(Current {
            token: Secret::new(reply.access_token),
            refresh_at: Some(refresh_at),
        });
        Ok(())
    }

    /// Forgets a token Shopify refused (a fixed token stays: there is no other).
    pub(crate) fn invalidate(&self) {
        if self.refreshable() {
            let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
            *current = None;
        }
    }

    fn token(&self) -> Option<Secret> {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        current.as_ref().map(|c| c.token.clone())
    }
}

/// Puts the token in use on a request.
pub(crate) struct HeaderAuth(pub(crate) Arc<Tokens>);

impl Authorize for HeaderAuth {
    fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        match self.0.token() {
            Some(token) => request.header(TOKEN_HEADER, token.expose()),
            None => request,
        }
    }
}

/// No credentials (the token endpoint itself).
pub(crate) struct NoAuth;

impl Authorize for NoAuth {
    fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        request
    }
}
