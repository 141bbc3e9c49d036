//! [`ApiRoot`]: an [`HttpKit`] bound to a vendor's API root (Medusa's `{base}/admin/`,
//! Magento's `{base}/rest/{store}/V1/`): paths joined to the root, the endpoint named the same
//! way in every message, JSON decoded — the plumbing every REST connector needs around the
//! kit.

use orderbridge_core::{ConnectorError, ConnectorResult};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::{HttpKit, Replay, Request};

/// A vendor's REST API below one root URL.
#[derive(Debug)]
pub struct ApiRoot {
    kit: HttpKit,
    root: Url,
    /// Put before each endpoint's name in messages (`admin/` for Medusa).
    label_prefix: &'static str,
}

impl ApiRoot {
    /// `kit` sending below `root` (which ends with `/`); endpoints are named
    /// `{METHOD} {label_prefix}{endpoint}` in errors and logs.
    pub fn new(kit: HttpKit, root: Url, label_prefix: &'static str) -> Self {
        Self {
            kit,
            root,
            label_prefix,
        }
    }

    /// The root.
    pub fn root(&self) -> &Url {
        &self.root
    }

    fn url(&self, path: &str) -> ConnectorResult<Url> {
        self.root.join(path).map_err(|e| ConnectorError::Rejected {
            vendor: self.kit.vendor().to_owned(),
            message: format!("bad path {path:?}: {e}"),
        })
    }

    /// `GET {root}{path}?{query}`, retried on temporary failures; `endpoint` names it.
    ///
    /// # Errors
    ///
    /// The last attempt's failure.
    pub async fn get<T, K, V>(
        &self,
        path: &str,
        endpoint: &str,
        query: &[(K, V)],
    ) -> ConnectorResult<T>
    where
        T: DeserializeOwned,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let label = format!("GET {}{endpoint}", self.label_prefix);
        let mut request = Request::get(self.url(path)?, label);
        for (name, value) in query {
            request = request.query(name.as_ref(), value.as_ref());
        }
        self.kit.json(&request).await.map_err(|f| f.error)
    }

    /// `{method} {root}{path}?{query}` with a JSON body, sent again per `replay`.
    ///
    /// # Errors
    ///
    /// The last attempt's failure.
    pub async fn send<B, T, K, V>(
        &self,
        method: Method,
        path: &str,
        endpoint: &str,
        query: &[(K, V)],
        body: &B,
        replay: Replay,
    ) -> ConnectorResult<T>
    where
        B: Serialize,
        T: DeserializeOwned,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let label = format!("{method} {}{endpoint}", self.label_prefix);
        let mut request = Request::json(method, self.url(path)?, label, body, replay)?;
        for (name, value) in query {
            request = request.query(name.as_ref(), value.as_ref());
        }
        self.kit.json(&request).await.map_err(|f| f.error)
    }
}
