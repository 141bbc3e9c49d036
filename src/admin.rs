//! The admin listener: `/healthz` (liveness, no details), and behind a bearer token
//! `/metrics` (Prometheus text) and `/status` (each connection's jobs: last run, failures in a
//! row and why, next run; orders per status). Nothing here changes state.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use orderbridge_core::Secret;

use crate::shutdown::Shutdown;
use crate::store::Store;

#[derive(Clone)]
struct AdminState {
    store: Store,
    token: Arc<Secret>,
}

/// Compares without stopping at the first difference, so timing does not reveal the token.
fn same_token(given: &[u8], expected: &[u8]) -> bool {
    if given.len() != expected.len() {
        return false;
    }
    given
        .iter()
        .zip(expected)
        .fold(0u8, |diff, (a, b)| diff | (a ^ b))
        == 0
}

fn authorized(headers: &HeaderMap, token: &Secret) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .is_some_and(|given| same_token(given.trim().as_bytes(), token.expose().as_bytes()))
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "admin requests need Authorization: Bearer <token>\n",
    )
        .into_response()
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn metrics(State(state): State<AdminState>, headers: HeaderMap) -> Response {
    if !authorized(&headers, &state.token) {
        return unauthorized();
    }
    match state.store.status_counts().await {
        Ok(counts) => {
            for (connection, status, count) in counts {
                crate::metrics::orders(&connection, &status, count);
            }
        }
        Err(error) => tracing::warn!("reading order counts for metrics failed: {error}"),
    }
    match crate::metrics::handle() {
        Some(handle) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            handle.render(),
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics recorder not installed\n",
        )
            .into_response(),
    }
}

async fn status(State(state): State<AdminState>, headers: HeaderMap) -> Response {
    if !authorized(&headers, &state.token) {
        return unauthorized();
    }
    let jobs = state.store.lease_states().await;
    let orders = state.store.status_counts().await;
    match (jobs, orders) {
        (Ok(jobs), Ok(orders)) => Json(serde_json::json!({
            "jobs": jobs,
            "orders": orders
                .into_iter()
                .map(|(connection, status, count)| serde_json::json!({
                    "connection": connection, "status": status, "count": count
                }))
                .collect::<Vec<_>>(),
        }))
        .into_response(),
        (Err(error), _) | (_, Err(error)) => {
            tracing::warn!("admin status failed: {error}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "state database unavailable\n",
            )
                .into_response()
        }
    }
}

/// The admin routes over a store, guarded by `token`.
pub fn router(store: Store, token: Secret) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/status", get(status))
        .with_state(AdminState {
            store,
            token: Arc::new(token),
        })
}

/// Binds the admin listener.
///
/// # Errors
///
/// When the address cannot be bound.
pub async fn bind(listen: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen).await
}

/// Serves the admin routes until shutdown.
pub async fn serve(listener: tokio::net::TcpListener, router: Router, mut shutdown: Shutdown) {
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(async move { shutdown.wait().await })
        .await;
    if let Err(error) = served {
        tracing::warn!("admin listener stopped: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_exactly() {
        assert!(same_token(b"abc", b"abc"));
        assert!(!same_token(b"abd", b"abc"));
        assert!(!same_token(b"ab", b"abc"));
        let mut headers = HeaderMap::new();
        let token = Secret::new("s3cret");
        assert!(!authorized(&headers, &token));
        headers.insert(header::AUTHORIZATION, "Bearer s3cret".parse().unwrap());
        assert!(authorized(&headers, &token));
        headers.insert(header::AUTHORIZATION, "Basic s3cret".parse().unwrap());
        assert!(!authorized(&headers, &token));
    }
}
