//! The dashboard served over a harness's store and clock on a loopback port, and a small
//! browser-like client: it keeps cookies, follows no redirects by itself, and reads the
//! forms' CSRF token from the pages.

use std::collections::BTreeMap;
use std::sync::Arc;

use orderbridge::config::Role;
use orderbridge::ops::Ops;
use orderbridge::web::{hash_password, Auth, RouteInfo, User, WebState};
use orderbridge_core::Secret;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Method, StatusCode};

use super::Harness;

pub const OPERATOR_TOKEN: &str = "operator-token-for-tests";
pub const READ_TOKEN: &str = "read-token-for-tests";
pub const PASSWORD: &str = "correct horse battery";

/// A running dashboard.
pub struct Dashboard {
    pub base: String,
    pub routes: Vec<RouteInfo>,
    _shutdown: orderbridge::shutdown::ShutdownTrigger,
}

/// Serves the dashboard over the harness's store, configuration and clock, with an operator
/// `merchant` and a read-only `viewer`, both with [`PASSWORD`].
pub async fn serve(h: &Harness) -> Dashboard {
    let clock = Arc::new(h.clock.clone());
    let ops = Ops::configured(h.store.clone(), h.config.connections.clone(), clock.clone());
    let user = |name: &str, role| User {
        name: name.into(),
        password_hash: Secret::new(hash_password(PASSWORD).unwrap()),
        role,
    };
    let auth = Auth::new(
        vec![
            user("merchant", Role::Operator),
            user("viewer", Role::ReadOnly),
        ],
        Secret::new(OPERATOR_TOKEN),
        Some(Secret::new(READ_TOKEN)),
        12,
        false,
        clock,
        h.store.clone(),
    );
    let (router, routes) = orderbridge::web::routes(WebState {
        ops: Arc::new(ops),
        auth: Arc::new(auth),
    });
    let listener = orderbridge::admin::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (trigger, shutdown) = orderbridge::shutdown::channel();
    tokio::spawn(orderbridge::admin::serve(listener, router, shutdown));
    Dashboard {
        base,
        routes,
        _shutdown: trigger,
    }
}

/// A browser: cookies kept, redirects shown.
pub struct Browser {
    pub base: String,
    http: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

/// An answer as a browser saw it.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    pub bytes: Vec<u8>,
    pub content_type: String,
}

impl Page {
    /// The first form's CSRF token on the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no CSRF token on the page:\n{}", self.body))
            + marker.len();
        self.body[start..].split('"').next().unwrap().to_owned()
    }
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Page {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if !self.cookies.is_empty() {
            let cookies: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.header(COOKIE, cookies.join("; "));
        }
        if let Some(form) = form {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form.iter())
                .finish();
            request = request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
        }
        let response = request.send().await.unwrap();
        for value in response.headers().get_all(SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status();
        let location = response
            .headers()
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.bytes().await.unwrap().to_vec();
        Page {
            status,
            location,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
            content_type,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.request(Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.request(Method::POST, path, Some(form)).await
    }

    /// Logs in as `user`; panics unless it worked.
    pub async fn log_in(&mut self, user: &str) {
        let form = self.get("/login").await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = form.csrf();
        let done = self
            .post(
                "/login",
                &[("csrf", &csrf), ("user", user), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "login of {user}: {}",
            done.body
        );
        assert_eq!(done.location.as_deref(), Some("/orders"));
        assert!(self.cookies.contains_key("orderbridge_session"));
    }
}

/// Text of a PDF through poppler's `pdftotext`, or `None` (with a notice) where it is not
/// installed and the tools are not required (`ORDERBRIDGE_TEST_REQUIRE_TOOLS` unset).
pub fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, bytes).unwrap();
    match std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(output) => {
            assert!(
                output.status.success(),
                "pdftotext failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            Some(String::from_utf8(output.stdout).unwrap())
        }
        Err(error) => {
            assert!(
                std::env::var_os("ORDERBRIDGE_TEST_REQUIRE_TOOLS").is_none(),
                "pdftotext is required here (install poppler-utils): {error}"
            );
            eprintln!("NOTICE: pdftotext not found (install poppler-utils); PDF text not checked");
            None
        }
    }
}
