//! The simulator's control routes under `/_sim/` (no authentication; loopback only), so a demo
//! or a person with `curl` can play the merchant: complete an order with or without track &
//! trace, add a code later, cancel it, switch the order storage (`{"classic": true}`: classic
//! posts storage, where a code added later leaves `date_modified`), and look at the whole
//! state.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::model::SimError;
use super::routes::{error_response, lock, no_route, Shared};

/// Body of `POST /_sim/orders/{id}/complete`; both fields optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompleteRequest {
    provider: Option<String>,
    number: Option<String>,
}

/// Body of `POST /_sim/orders/{id}/tracking`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackingRequest {
    provider: Option<String>,
    number: String,
}

/// Body of `POST /_sim/storage`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StorageRequest {
    classic: bool,
}

/// The `/_sim/` routes.
pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/_sim/orders/{id}/complete", post(complete))
        .route("/_sim/orders/{id}/cancel", post(cancel))
        .route("/_sim/orders/{id}/tracking", post(add_tracking))
        .route("/_sim/storage", post(storage))
        .route("/_sim/state", get(state))
}

fn done(found: bool) -> Response {
    if found {
        StatusCode::NO_CONTENT.into_response()
    } else {
        error_response(SimError::invalid_order())
    }
}

async fn complete(State(shared): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return error_response(no_route());
    };
    let request: CompleteRequest = if body.iter().all(u8::is_ascii_whitespace) {
        CompleteRequest::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(request) => request,
            Err(e) => {
                return error_response(SimError::new(400, "rest_invalid_json", e.to_string()));
            }
        }
    };
    let tracking = request
        .number
        .as_deref()
        .map(|number| (request.provider.as_deref().unwrap_or_default(), number));
    done(lock(&shared).complete_order(id, tracking))
}

fn invalid_json(error: &serde_json::Error) -> Response {
    error_response(SimError::new(400, "rest_invalid_json", error.to_string()))
}

async fn add_tracking(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return error_response(no_route());
    };
    match serde_json::from_slice::<TrackingRequest>(&body) {
        Ok(request) => done(lock(&shared).add_tracking(
            id,
            request.provider.as_deref().unwrap_or_default(),
            &request.number,
        )),
        Err(e) => invalid_json(&e),
    }
}

async fn storage(State(shared): State<Shared>, body: Bytes) -> Response {
    match serde_json::from_slice::<StorageRequest>(&body) {
        Ok(request) => {
            lock(&shared).classic_storage = request.classic;
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => invalid_json(&e),
    }
}

async fn cancel(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    match id.parse::<u64>() {
        Ok(id) => done(lock(&shared).set_status(id, "cancelled")),
        Err(_) => error_response(no_route()),
    }
}

async fn state(State(shared): State<Shared>) -> Response {
    let state = lock(&shared);
    let orders: Vec<_> = state.orders.values().collect();
    Json(json!({
        "orders": orders,
        "products": state.products,
        "create_requests": state.create_requests,
    }))
    .into_response()
}
