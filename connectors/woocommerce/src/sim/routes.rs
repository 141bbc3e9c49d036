//! The simulator's WooCommerce REST routes under `/wp-json/`: orders, products, variations and
//! the Shipment Tracking plugin's endpoint, behind HTTP Basic authentication with the consumer
//! key pair, with injected faults applied before or after the shop acts.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use serde_json::Value;

use super::faults::{WooEndpoint, WooFault};
use super::model::SimError;
use super::query::{self, ListPage, Params};
use super::render;
use super::state::SimState;
use super::WooSim;

/// The simulator's state as the handlers share it. The lock is never held across an `await`.
pub(crate) type Shared = Arc<Mutex<SimState>>;

pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, SimState> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Every `/wp-json/` route of the simulated shop.
pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/wp-json/wc/v3/orders", get(list_orders).post(create_order))
        .route(
            "/wp-json/wc/v3/orders/{id}",
            get(get_order)
                .put(update_order)
                .post(update_order)
                .patch(update_order),
        )
        .route("/wp-json/wc/v3/products", get(list_products))
        .route("/wp-json/wc/v3/products/{id}", get(get_product))
        .route(
            "/wp-json/wc/v3/products/{id}/variations",
            get(list_variations),
        )
        .route(
            "/wp-json/wc-shipment-tracking/v3/orders/{id}/shipment-trackings",
            get(shipment_trackings),
        )
}

/// WordPress's answer for a path nobody registered.
pub(crate) fn no_route() -> SimError {
    SimError::new(
        404,
        "rest_no_route",
        "No route was found matching the URL and request method.",
    )
}

pub(crate) fn error_response(error: SimError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(render::error_body(&error))).into_response()
}

fn listed(items: Vec<Value>, page_totals: (usize, usize)) -> Response {
    let mut response = Json(Value::Array(items)).into_response();
    let headers = response.headers_mut();
    headers.insert("X-WP-Total", HeaderValue::from(page_totals.0));
    headers.insert("X-WP-TotalPages", HeaderValue::from(page_totals.1));
    response
}

fn totals<T>(page: &ListPage<T>) -> (usize, usize) {
    (page.total, page.total_pages)
}

fn parse_id(raw: &str) -> Result<u64, SimError> {
    raw.parse().map_err(|_| no_route())
}

fn check_auth(headers: &HeaderMap) -> Result<(), SimError> {
    let unauthenticated = || {
        SimError::new(
            401,
            "woocommerce_rest_cannot_view",
            "Sorry, you cannot list resources.",
        )
    };
    let encoded = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .ok_or_else(unauthenticated)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(unauthenticated)?;
    let (key, secret) = decoded.split_once(':').ok_or_else(unauthenticated)?;
    if key != WooSim::CONSUMER_KEY {
        return Err(SimError::new(
            401,
            "woocommerce_rest_authentication_error",
            "Consumer key is invalid.",
        ));
    }
    if secret != WooSim::CONSUMER_SECRET {
        return Err(SimError::new(
            401,
            "woocommerce_rest_authentication_error",
            "Consumer secret is invalid.",
        ));
    }
    Ok(())
}

/// Authenticates, applies a queued fault for `endpoint`, and runs `act` on the shop.
async fn serve(
    shared: &Shared,
    headers: &HeaderMap,
    endpoint: WooEndpoint,
    act: impl FnOnce(&mut SimState) -> Result<Response, SimError>,
) -> Response {
    if let Err(error) = check_auth(headers) {
        return error_response(error);
    }
    let fault = lock(shared).faults.take(endpoint);
    match fault {
        Some(WooFault::Status(status)) => error_response(SimError::new(
            status,
            "sim_injected_fault",
            format!("Simulated HTTP {status}."),
        )),
        Some(WooFault::RateLimited { retry_after_secs }) => {
            let mut response = error_response(SimError::new(
                429,
                "woocommerce_rest_too_many_requests",
                "Too many requests. Please wait and try again.",
            ));
            if let Some(secs) = retry_after_secs {
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(secs));
            }
            response
        }
        acting => {
            let response = {
                let mut state = lock(shared);
                act(&mut state).unwrap_or_else(error_response)
            };
            match acting {
                Some(WooFault::Delay(delay)) => {
                    tokio::time::sleep(delay).await;
                    response
                }
                Some(WooFault::LostReply) => (
                    StatusCode::BAD_GATEWAY,
                    [(CONTENT_TYPE, "text/html")],
                    "<html><body><h1>502 Bad Gateway</h1></body></html>",
                )
                    .into_response(),
                _ => response,
            }
        }
    }
}

fn parse_body(body: &Bytes) -> Result<Value, SimError> {
    serde_json::from_slice(body)
        .map_err(|_| SimError::new(400, "rest_invalid_json", "Invalid JSON body passed."))
}

async fn list_orders(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    serve(&shared, &headers, WooEndpoint::ListOrders, |state| {
        let page = query::list_orders(state.orders.values(), &params)?;
        let items = page
            .items
            .iter()
            .map(|o| render::order_json(o, state))
            .collect();
        Ok(listed(items, totals(&page)))
    })
    .await
}

async fn create_order(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    lock(&shared).create_requests += 1;
    serve(&shared, &headers, WooEndpoint::CreateOrder, |state| {
        let id = state.create_order(&parse_body(&body)?)?;
        let order = state.orders.get(&id).ok_or_else(SimError::invalid_order)?;
        Ok((StatusCode::CREATED, Json(render::order_json(order, state))).into_response())
    })
    .await
}

async fn get_order(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(&shared, &headers, WooEndpoint::GetOrder, |state| {
        let order = state
            .orders
            .get(&parse_id(&id)?)
            .ok_or_else(SimError::invalid_order)?;
        Ok(Json(render::order_json(order, state)).into_response())
    })
    .await
}

async fn update_order(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    serve(&shared, &headers, WooEndpoint::UpdateOrder, |state| {
        let id = parse_id(&id)?;
        state.update_order(id, &parse_body(&body)?)?;
        let order = state.orders.get(&id).ok_or_else(SimError::invalid_order)?;
        Ok(Json(render::order_json(order, state)).into_response())
    })
    .await
}

async fn list_products(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    serve(&shared, &headers, WooEndpoint::Products, |state| {
        let page = query::list_products(&state.products, &params)?;
        let items = page
            .items
            .iter()
            .map(|p| render::product_json(p, &state.products))
            .collect();
        Ok(listed(items, totals(&page)))
    })
    .await
}

async fn get_product(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(&shared, &headers, WooEndpoint::Products, |state| {
        let product = state.product(parse_id(&id)?).ok_or_else(|| {
            SimError::new(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        })?;
        Ok(Json(render::product_json(product, &state.products)).into_response())
    })
    .await
}

async fn list_variations(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Response {
    serve(&shared, &headers, WooEndpoint::Products, |state| {
        let parent = parse_id(&id)?;
        let variations = state
            .products
            .iter()
            .filter(|p| p.parent_id == parent && p.product_type == "variation")
            .collect();
        let page = query::paginate(variations, &params)?;
        let items = page
            .items
            .iter()
            .map(|p| render::product_json(p, &state.products))
            .collect();
        Ok(listed(items, totals(&page)))
    })
    .await
}

async fn shipment_trackings(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(&shared, &headers, WooEndpoint::ShipmentTrackings, |state| {
        if !state.tracking_plugin_installed {
            return Err(no_route());
        }
        let order = state.orders.get(&parse_id(&id)?).ok_or_else(|| {
            SimError::new(
                404,
                "woocommerce_rest_order_invalid_id",
                "Invalid order ID.",
            )
        })?;
        Ok(Json(render::trackings_json(order, state)).into_response())
    })
    .await
}
