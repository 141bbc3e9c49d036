//! The web face of orderbridge on the admin listener: the dashboard's pages for people
//! (`pages.rs`, logged in through `login.rs`), the JSON API for machines (`api.rs`), both
//! over the application layer (`crate::ops`), plus the operator endpoints `/healthz`,
//! `/metrics` and `/status`. Who may do what is `auth.rs`.

mod api;
pub mod auth;
mod login;
pub mod openapi;
mod pages;
mod templates;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

pub use auth::{hash_password, Auth, Principal, User};

use crate::i18n::Lang;
use crate::ops::{Ops, OpsError};

/// What every handler shares.
#[derive(Clone)]
pub struct WebState {
    /// The application layer.
    pub ops: Arc<Ops>,
    /// Credentials and sessions.
    pub auth: Arc<Auth>,
}

/// The cookie holding the chosen language.
const LANG_COOKIE: &str = "orderbridge_lang";

/// A cookie's value from the request.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The language of a request: the chosen one, else the browser's.
pub(crate) fn language(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::from_code)
        .unwrap_or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
                .unwrap_or_default()
        })
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
}

/// The principal of the request's session cookie, when it names a live session.
pub(crate) async fn session_of(state: &WebState, headers: &HeaderMap) -> Option<Principal> {
    match cookie(headers, auth::SESSION_COOKIE) {
        Some(id) => state.auth.session(id).await,
        None => None,
    }
}

/// Pages for people: a live session, or off to the login page.
async fn require_session(
    State(state): State<WebState>,
    mut request: Request,
    next: Next,
) -> Response {
    match session_of(&state, request.headers()).await {
        Some(principal) => {
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        None => Redirect::to("/login").into_response(),
    }
}

/// The API and operator endpoints: a bearer token, or a session (whose writes must carry its
/// CSRF token in `X-CSRF-Token`).
async fn require_credential(
    State(state): State<WebState>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let principal = match bearer(headers) {
        Some(token) => state.auth.bearer(token),
        None => session_of(&state, headers).await,
    };
    let Some(principal) = principal else {
        let mut response = api_error(
            StatusCode::UNAUTHORIZED,
            "needs Authorization: Bearer <token> or a dashboard login",
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        return response;
    };
    if request.method() != Method::GET && request.method() != Method::HEAD {
        if let Some(expected) = &principal.csrf {
            let given = headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !auth::same_token(given.as_bytes(), expected.as_bytes()) {
                return api_error(StatusCode::FORBIDDEN, "missing or wrong X-CSRF-Token");
            }
        }
    }
    request.extensions_mut().insert(principal);
    next.run(request).await
}

/// Acting routes: the principal the access check let in must be an operator.
async fn require_operator(request: Request, next: Next) -> Response {
    let may_act = request
        .extensions()
        .get::<Principal>()
        .is_some_and(Principal::may_act);
    if may_act {
        next.run(request).await
    } else {
        api_error(
            StatusCode::FORBIDDEN,
            "this credential may read, not act: an operator's is needed",
        )
    }
}

/// What an error answer of the API holds.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(crate) struct ApiError {
    /// What went wrong.
    error: String,
}

/// A JSON error answer.
pub(crate) fn api_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(ApiError {
            error: message.to_owned(),
        }),
    )
        .into_response()
}

/// The HTTP status an application-layer error answers with, and what to tell the caller
/// (a store failure is logged, not shown).
pub(crate) fn ops_error_status(error: &OpsError) -> (StatusCode, String) {
    use crate::engine::ManageError;
    match error {
        OpsError::UnknownOrder(_) | OpsError::UnknownBatch(_) | OpsError::NoLabel(_) => {
            (StatusCode::NOT_FOUND, error.to_string())
        }
        OpsError::Label(_) => {
            tracing::warn!(error = %error, "labels could not be joined");
            (StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
        }
        OpsError::Invalid(_) => (StatusCode::BAD_REQUEST, error.to_string()),
        OpsError::Manage(ManageError::NotApplicable { .. } | ManageError::UnknownOrder(_))
        | OpsError::UnknownConnection { .. } => (StatusCode::CONFLICT, error.to_string()),
        OpsError::Manage(ManageError::Connector(_)) | OpsError::Build(_) => {
            (StatusCode::BAD_GATEWAY, error.to_string())
        }
        OpsError::Store(_) | OpsError::Manage(_) => {
            tracing::warn!(error = %error, "dashboard request failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the state database failed; see the logs".into(),
            )
        }
    }
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../static/dashboard.css"),
    )
        .into_response()
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../static/dashboard.js"),
    )
        .into_response()
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (the login page, static files, `/healthz`).
    Public,
    /// A logged-in person (dashboard pages); others are sent to the login page.
    Session,
    /// A bearer token or a logged-in person (the API, `/metrics`, `/status`); others get 401.
    Credential,
}

/// One route, as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path pattern (`/orders/{code}`).
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    /// Whether it changes state (and so needs an operator).
    pub acts: bool,
}

/// The routes being registered, one router per kind of access, listed as they are added so
/// the list cannot drift from what is served.
struct Routes {
    public: Router<WebState>,
    session: Router<WebState>,
    credential: Router<WebState>,
    list: Vec<RouteInfo>,
}

impl Routes {
    fn add(
        mut self,
        access: Access,
        path: &'static str,
        method: &'static str,
        acts: bool,
        handler: axum::routing::MethodRouter<WebState>,
    ) -> Self {
        // Acting routes check the role before anything else, the body included.
        let handler = if acts {
            handler.layer(middleware::from_fn(require_operator))
        } else {
            handler
        };
        let router = match access {
            Access::Public => &mut self.public,
            Access::Session => &mut self.session,
            Access::Credential => &mut self.credential,
        };
        *router = std::mem::take(router).route(path, handler);
        self.list.push(RouteInfo {
            method,
            path,
            access,
            acts,
        });
        self
    }
}

/// Every route of the admin listener with its access, in one table.
#[rustfmt::skip]
fn table() -> Routes {
    use Access::{Credential, Public, Session};
    Routes {
        public: Router::new(),
        session: Router::new(),
        credential: Router::new(),
        list: Vec::new(),
    }
    // People: pages, documents and forms (acting routes need an operator and the CSRF token).
    .add(Session, "/", "GET", false, get(|| async { Redirect::to("/orders") }))
    .add(Session, "/orders", "GET", false, get(pages::orders))
    .add(Session, "/orders/{code}", "GET", false, get(pages::order))
    .add(Session, "/orders/{code}/action", "POST", true, post(pages::act))
    .add(Session, "/orders/{code}/notes", "POST", true, post(pages::add_note))
    .add(Session, "/orders/{code}/packing-slip.pdf", "GET", false, get(pages::packing_slip))
    .add(Session, "/orders/{code}/label.pdf", "GET", false, get(pages::order_label))
    .add(Session, "/batches", "GET", false, get(pages::batches))
    .add(Session, "/batches/{id}", "GET", false, get(pages::batch))
    .add(Session, "/batches/{id}/pick-pack.pdf", "GET", false, get(pages::pick_pack))
    .add(Session, "/batches/{id}/labels.pdf", "GET", false, get(pages::batch_labels))
    .add(Session, "/connections", "GET", false, get(pages::connections))
    .add(Session, "/test-order", "GET", false, get(pages::test_order_form))
    .add(Session, "/test-order", "POST", true, post(pages::create_test_order))
    .add(Session, "/logout", "POST", false, post(login::logout))
    // Machines (or a page's script with its session and CSRF header).
    .add(Credential, "/api/v1/orders", "GET", false, get(api::orders))
    .add(Credential, "/api/v1/orders/{code}", "GET", false, get(api::order))
    .add(Credential, "/api/v1/orders/{code}/notes", "POST", true, post(api::add_note))
    .add(Credential, "/api/v1/orders/{code}/packing-slip.pdf", "GET", false, get(pages::packing_slip))
    .add(Credential, "/api/v1/orders/{code}/label.pdf", "GET", false, get(pages::order_label))
    .add(Credential, "/api/v1/orders/{code}/{action}", "POST", true, post(api::act))
    .add(Credential, "/api/v1/batches", "GET", false, get(api::batches))
    .add(Credential, "/api/v1/batches/{id}", "GET", false, get(api::batch))
    .add(Credential, "/api/v1/batches/{id}/pick-pack.pdf", "GET", false, get(pages::pick_pack))
    .add(Credential, "/api/v1/batches/{id}/labels.pdf", "GET", false, get(pages::batch_labels))
    .add(Credential, "/api/v1/connections", "GET", false, get(api::connections))
    .add(Credential, "/api/v1/test-orders", "POST", true, post(api::create_test_order))
    .add(Credential, "/metrics", "GET", false, get(api::metrics))
    .add(Credential, "/status", "GET", false, get(api::status))
    .add(Credential, "/api/v1/openapi.json", "GET", false, get(openapi::serve))
    // Anyone.
    .add(Public, "/login", "GET", false, get(login::form))
    .add(Public, "/login", "POST", false, post(login::submit))
    .add(Public, "/lang/{code}", "GET", false, get(login::switch_language))
    .add(Public, "/static/dashboard.css", "GET", false, get(stylesheet))
    .add(Public, "/static/dashboard.js", "GET", false, get(script))
    .add(Public, "/healthz", "GET", false, get(healthz))
}

/// Every route of the admin listener with its access (for the OpenAPI description and the
/// tests).
pub fn route_list() -> Vec<RouteInfo> {
    table().list
}

/// Every route of the admin listener with its access, and the router serving them.
#[rustfmt::skip]
pub fn routes(state: WebState) -> (Router, Vec<RouteInfo>) {
    let Routes { public, session, credential, list } = table();
    let router = Router::new()
        .merge(session.route_layer(middleware::from_fn_with_state(state.clone(), require_session)))
        .merge(credential.route_layer(middleware::from_fn_with_state(state.clone(), require_credential)))
        .merge(public)
        .with_state(state);
    (router, list)
}

/// The router serving every route of the admin listener.
pub fn router(state: WebState) -> Router {
    routes(state).0
}
