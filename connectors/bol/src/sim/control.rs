//! The simulator's control surface under `/_sim/` (no authentication, loopback only): place
//! orders, play the buyer or bol, and look at everything the simulated bol holds. For the demo
//! and for poking at it by hand; tests use the Rust API of [`super::BolSim`].

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::model::{SimCancellation, SimLabel, SimLine, SimOrder, SimOrderView, SimShipment};
use super::{with_state, SharedState};

/// Body of `POST /_sim/orders`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewOrder {
    /// `NL` or `BE`.
    country: String,
    lines: Vec<SimLine>,
    #[serde(default)]
    pickup_point_name: Option<String>,
    #[serde(default)]
    fbb: bool,
}

#[derive(Debug, Serialize)]
struct OfferView {
    offer_id: String,
    reference: String,
    ean: String,
    stock: u32,
}

/// Answer of `GET /_sim/state`.
#[derive(Debug, Serialize)]
struct SimStateView {
    orders: Vec<SimOrderView>,
    shipments: Vec<SimShipment>,
    shipment_requests: usize,
    cancellations: Vec<SimCancellation>,
    cancellation_requests: usize,
    offers: Vec<OfferView>,
    stock_updates: Vec<(String, u32)>,
    labels: Vec<SimLabel>,
}

pub(crate) fn routes() -> Router<SharedState> {
    Router::new()
        .route("/_sim/orders", post(add_order))
        .route(
            "/_sim/orders/{order_id}/cancel-request",
            post(cancel_request),
        )
        .route("/_sim/orders/{order_id}/cancel-by-bol", post(cancel_by_bol))
        .route("/_sim/state", get(state_view))
}

async fn add_order(State(state): State<SharedState>, Json(new): Json<NewOrder>) -> Response {
    let order = match new.country.to_ascii_uppercase().as_str() {
        "NL" => SimOrder::nl(new.lines),
        "BE" => SimOrder::be(new.lines),
        other => {
            return (
                StatusCode::BAD_REQUEST,
                format!("country {other:?} is not NL or BE"),
            )
                .into_response()
        }
    };
    if order.lines.is_empty() || order.lines.iter().any(|l| l.quantity == 0) {
        return (
            StatusCode::BAD_REQUEST,
            "an order needs lines with a quantity of 1 or more",
        )
            .into_response();
    }
    let order = match new.pickup_point_name {
        Some(name) => order.with_pickup_point(&name),
        None => order,
    };
    let order = if new.fbb { order.fbb() } else { order };
    let order_id = with_state(&state, |s| s.add_order(order));
    tracing::debug!(
        order_id,
        "simulator: order placed through the control surface"
    );
    (
        StatusCode::CREATED,
        Json(serde_json::json!({ "order_id": order_id })),
    )
        .into_response()
}

fn found(known: bool) -> StatusCode {
    if known {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

async fn cancel_request(
    State(state): State<SharedState>,
    Path(order_id): Path<String>,
) -> StatusCode {
    found(with_state(&state, |s| s.request_cancellation(&order_id)))
}

async fn cancel_by_bol(
    State(state): State<SharedState>,
    Path(order_id): Path<String>,
) -> StatusCode {
    found(with_state(&state, |s| s.cancel_by_bol(&order_id)))
}

async fn state_view(State(state): State<SharedState>) -> Json<SimStateView> {
    Json(with_state(&state, |s| SimStateView {
        orders: s.order_views(),
        shipments: s.shipments.clone(),
        shipment_requests: s.shipment_requests,
        cancellations: s.cancellations.clone(),
        cancellation_requests: s.cancellation_requests,
        offers: s
            .offers
            .iter()
            .map(|o| OfferView {
                offer_id: o.offer_id.clone(),
                reference: o.reference.clone(),
                ean: o.ean.clone(),
                stock: o.stock,
            })
            .collect(),
        stock_updates: s.stock_updates.clone(),
        labels: s.label_views(),
    }))
}
