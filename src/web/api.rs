//! The JSON API (`/api/v1`) for machines and scripts, over the same application layer as the
//! pages, plus the operator endpoints `/metrics` (Prometheus text) and `/status`. Reads need
//! any credential; actions need an operator's.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use super::auth::Principal;
use super::pages::OrdersParams;
use super::{api_error, ops_error_status, WebState};
use crate::ops::{Action, BatchView, OpsError, OrderSummary};

fn failed(error: &OpsError) -> Response {
    let (status, message) = ops_error_status(error);
    api_error(status, &message)
}

fn json<T: serde::Serialize>(result: Result<T, OpsError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(error) => failed(&error),
    }
}

/// `GET /api/v1/orders?tab=&q=&connection=&batch=&page=`.
pub(super) async fn orders(
    State(state): State<WebState>,
    Query(params): Query<OrdersParams>,
) -> Response {
    json(state.ops.orders(&params.query()).await)
}

/// `GET /api/v1/orders/{code}`.
pub(super) async fn order(State(state): State<WebState>, Path(code): Path<String>) -> Response {
    json(state.ops.order(&code).await)
}

/// `POST /api/v1/orders/{code}/{sync|resend|manual|cancel}`.
pub(super) async fn act(
    State(state): State<WebState>,
    Path((code, action)): Path<(String, String)>,
) -> Response {
    let Some(action) = Action::from_name(&action) else {
        return api_error(
            StatusCode::NOT_FOUND,
            "unknown action (sync, resend, manual, cancel)",
        );
    };
    json(state.ops.act(&code, action).await)
}

/// A note as posted.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct NoteBody {
    /// The note (at most 2,000 characters).
    text: String,
}

/// `POST /api/v1/orders/{code}/notes` with `{"text": "..."}`.
pub(super) async fn add_note(
    State(state): State<WebState>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
    Json(body): Json<NoteBody>,
) -> Response {
    match state.ops.add_note(&code, &principal.name, &body.text).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => failed(&error),
    }
}

/// A test order as posted.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct TestOrderBody {
    /// The connection whose webshop gets it.
    connection: String,
    /// The SKU.
    sku: String,
    /// How many (1 to 99; default 1).
    #[serde(default = "one")]
    quantity: u32,
}

/// A test order made.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct TestOrderCreated {
    /// Its order code.
    code: String,
    /// Always true.
    is_test: bool,
}

/// A batch with its orders.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct BatchWithOrders {
    /// The batch.
    batch: BatchView,
    /// Its orders.
    orders: Vec<OrderSummary>,
}

fn one() -> u32 {
    1
}

/// `POST /api/v1/test-orders` with `{"connection", "sku", "quantity"}`: answers the new
/// order's code.
pub(super) async fn create_test_order(
    State(state): State<WebState>,
    Extension(principal): Extension<Principal>,
    Json(body): Json<TestOrderBody>,
) -> Response {
    match state
        .ops
        .create_test_order(&body.connection, &body.sku, body.quantity, &principal.name)
        .await
    {
        Ok(code) => (
            StatusCode::CREATED,
            Json(TestOrderCreated {
                code: code.to_string(),
                is_test: true,
            }),
        )
            .into_response(),
        Err(error) => failed(&error),
    }
}

/// How many batches.
#[derive(Deserialize)]
pub(super) struct Limit {
    limit: Option<i64>,
}

/// `GET /api/v1/batches?limit=`.
pub(super) async fn batches(State(state): State<WebState>, Query(limit): Query<Limit>) -> Response {
    json(
        state
            .ops
            .batches(limit.limit.unwrap_or(50).clamp(1, 1000))
            .await,
    )
}

/// `GET /api/v1/batches/{id}`.
pub(super) async fn batch(State(state): State<WebState>, Path(id): Path<i64>) -> Response {
    json(
        state
            .ops
            .batch(id)
            .await
            .map(|(batch, orders)| BatchWithOrders { batch, orders }),
    )
}

/// `GET /api/v1/connections`.
pub(super) async fn connections(State(state): State<WebState>) -> Response {
    json(state.ops.connections().await)
}

/// `GET /metrics`: Prometheus text, with the order counts read fresh.
pub(super) async fn metrics(State(state): State<WebState>) -> Response {
    match state.ops.store().status_counts().await {
        Ok(counts) => {
            for (connection, status, count) in counts {
                crate::metrics::orders(&connection, &status, count);
            }
        }
        Err(error) => tracing::warn!(error = %error, "reading order counts for metrics failed"),
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

/// `GET /status`: each connection's jobs and the orders per status.
pub(super) async fn status(State(state): State<WebState>) -> Response {
    let store = state.ops.store();
    match (store.lease_states().await, store.status_counts().await) {
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
            tracing::warn!(error = %error, "admin status failed");
            api_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "state database unavailable",
            )
        }
    }
}
