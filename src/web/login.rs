//! Logging in and out, and choosing the language. The login form carries a token that must
//! match a cookie set with the form (a double submit), so another site cannot log a browser
//! in to an account of its choosing.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use super::auth::{LoginRefused, Principal, SESSION_COOKIE};
use super::templates::LoginPage;
use super::{cookie, language, WebState, LANG_COOKIE};
use crate::i18n::Lang;

const LOGIN_COOKIE: &str = "orderbridge_login";

/// Renders a template, or answers 500 when it cannot (it is compiled in, so only a bug can).
pub(crate) fn html(template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => Html(body).into_response(),
        Err(error) => {
            tracing::warn!(error = %error, "a dashboard page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "page failed to render").into_response()
        }
    }
}

/// Whether cookies of this request must be `Secure`.
fn secure(state: &WebState, headers: &HeaderMap) -> bool {
    state.auth.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

fn set_cookie(
    name: &str,
    value: &str,
    path: &str,
    secure: bool,
    max_age: Option<i64>,
) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict");
    if secure {
        cookie.push_str("; Secure");
    }
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn login_page(
    state: &WebState,
    headers: &HeaderMap,
    status: StatusCode,
    problem: Option<&'static str>,
) -> Response {
    let token: [u8; 16] = rand::random();
    let token: String = token.iter().map(|b| format!("{b:02x}")).collect();
    let page = LoginPage {
        lang: language(headers),
        problem,
        csrf: token.clone(),
    };
    let mut response = html(&page);
    *response.status_mut() = status;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LOGIN_COOKIE, &token, "/login", secure(state, headers), None),
    );
    response
}

/// `GET /login`.
pub(super) async fn form(State(state): State<WebState>, headers: HeaderMap) -> Response {
    if super::session_of(&state, &headers).await.is_some() {
        return Redirect::to("/orders").into_response();
    }
    login_page(&state, &headers, StatusCode::OK, None)
}

/// The login form's fields.
#[derive(Deserialize)]
pub(super) struct LoginForm {
    csrf: String,
    user: String,
    password: String,
}

/// `POST /login`.
pub(super) async fn submit(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = language(&headers);
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if form.user.len() > 64 || form.password.len() > 1024 {
        return login_page(
            &state,
            &headers,
            StatusCode::UNAUTHORIZED,
            Some(lang.t("login_failed")),
        );
    }
    if expected.is_empty() || !super::auth::same_token(form.csrf.as_bytes(), expected.as_bytes()) {
        return login_page(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            Some(lang.t("login_failed")),
        );
    }
    let client = state.auth.client_address(peer.ip(), &headers);
    let auth = state.auth.clone();
    let (user, password) = (form.user.clone(), form.password.clone());
    // argon2 is slow on purpose: verify off the async workers.
    let checked = tokio::task::spawn_blocking(move || auth.check_login(&user, &password, client))
        .await
        .unwrap_or(Err(LoginRefused::Wrong));
    let outcome = match checked {
        Ok((user, role)) => state.auth.open_session(&user, role).await,
        Err(refused) => Err(refused),
    };
    let user = loggable(&form.user);
    match outcome {
        Ok(session) => {
            tracing::info!(user = %user, "dashboard login");
            let mut response = Redirect::to("/orders").into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    SESSION_COOKIE,
                    &session,
                    "/",
                    secure(&state, &headers),
                    None,
                ),
            );
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    LOGIN_COOKIE,
                    "",
                    "/login",
                    secure(&state, &headers),
                    Some(0),
                ),
            );
            response
        }
        Err(LoginRefused::Wrong) => {
            tracing::warn!(user = %user, from = %client, "dashboard login refused");
            login_page(
                &state,
                &headers,
                StatusCode::UNAUTHORIZED,
                Some(lang.t("login_failed")),
            )
        }
        Err(LoginRefused::Unavailable) => login_page(
            &state,
            &headers,
            StatusCode::SERVICE_UNAVAILABLE,
            Some(lang.t("login_unavailable")),
        ),
        Err(LoginRefused::Throttled) => {
            tracing::warn!(user = %user, from = %client, "dashboard login throttled");
            login_page(
                &state,
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                Some(lang.t("login_throttled")),
            )
        }
    }
}

/// A form that carries only the session's token.
#[derive(Deserialize)]
pub(super) struct TokenForm {
    csrf: String,
}

/// `POST /logout`.
pub(super) async fn logout(
    State(state): State<WebState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    if !super::pages::csrf_ok(&principal, &form.csrf) {
        return (
            StatusCode::FORBIDDEN,
            "the form's token does not match your session",
        )
            .into_response();
    }
    if let Some(id) = cookie(&headers, SESSION_COOKIE) {
        state.auth.logout(id).await;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", "/", secure(&state, &headers), Some(0)),
    );
    response
}

/// Whether `target` is a path on this site: it starts with one `/`, and holds no backslash,
/// whitespace or control character (browsers drop tabs and newlines from an address, so
/// `/\t/evil.example` would become `//evil.example`, another site).
pub(crate) fn local_path(target: &str) -> bool {
    target.starts_with('/')
        && !target.starts_with("//")
        && target.len() <= 2000
        && target
            .chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && c != '\\')
}

/// A user name as it may appear in the log: at most 64 characters, control characters
/// escaped (a name field may hold a mistyped password or a forged log line).
fn loggable(name: &str) -> String {
    let short: String = name.trim().chars().take(64).collect();
    format!("{short:?}")
}

/// Where to come back to after switching language.
#[derive(Deserialize)]
pub(super) struct Back {
    back: Option<String>,
}

/// `GET /lang/{code}?back=/path`: remembers the language in a cookie, then goes back (only
/// to a path on this site).
pub(super) async fn switch_language(
    State(state): State<WebState>,
    Path(code): Path<String>,
    Query(back): Query<Back>,
    headers: HeaderMap,
) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let back = back
        .back
        .filter(|b| local_path(b))
        .unwrap_or_else(|| "/orders".into());
    let mut response = Redirect::to(&back).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            lang.code(),
            "/",
            secure(&state, &headers),
            Some(31_536_000),
        ),
    );
    response
}
