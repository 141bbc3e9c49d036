//! The simulator's WooCommerce REST routes under `/wp-json/`: orders, products, variations, the
//! tax settings and rates, and the Shipment Tracking plugin's endpoint. Each handler hands its work to
//! `serving::serve`, which authenticates and applies injected faults before or after the shop
//! acts; quirks are applied where the JSON is rendered.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

use super::faults::WooEndpoint;
use super::model::SimError;
use super::query::{self, ListPage, Params};
use super::quirks::{self, WooQuirks};
use super::render;
use super::serving::{serve, Caller};
use super::state::SimState;
use super::taxes;

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
        .route("/wp-json/wc/v3/settings/{group}", get(settings_group))
        .route("/wp-json/wc/v3/taxes", get(list_taxes))
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

fn listed(items: Vec<Value>, page_totals: (usize, usize), quirks: &WooQuirks) -> Response {
    let mut response = Json(quirks::list(items, quirks)).into_response();
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

fn parse_body(body: &Bytes) -> Result<Value, SimError> {
    serde_json::from_slice(body)
        .map_err(|_| SimError::new(400, "rest_invalid_json", "Invalid JSON body passed."))
}

async fn list_orders(
    State(shared): State<Shared>,
    caller: Caller,
    Query(params): Query<Params>,
) -> Response {
    serve(&shared, &caller, WooEndpoint::ListOrders, |state| {
        let page = query::list_orders(state.orders.values(), &params)?;
        let items = page
            .items
            .iter()
            .map(|o| render::order_json(o, state))
            .collect();
        let response = listed(items, totals(&page), &state.quirks);
        state.after_orders_page();
        Ok(response)
    })
    .await
}

async fn create_order(State(shared): State<Shared>, caller: Caller, body: Bytes) -> Response {
    lock(&shared).create_requests += 1;
    serve(&shared, &caller, WooEndpoint::CreateOrder, |state| {
        let id = state.create_order(&parse_body(&body)?)?;
        let order = state.orders.get(&id).ok_or_else(SimError::invalid_order)?;
        Ok((StatusCode::CREATED, Json(render::order_json(order, state))).into_response())
    })
    .await
}

async fn get_order(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
) -> Response {
    serve(&shared, &caller, WooEndpoint::GetOrder, |state| {
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
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    serve(&shared, &caller, WooEndpoint::UpdateOrder, |state| {
        let id = parse_id(&id)?;
        state.update_order(id, &parse_body(&body)?)?;
        let order = state.orders.get(&id).ok_or_else(SimError::invalid_order)?;
        Ok(Json(render::order_json(order, state)).into_response())
    })
    .await
}

async fn list_products(
    State(shared): State<Shared>,
    caller: Caller,
    Query(params): Query<Params>,
) -> Response {
    serve(&shared, &caller, WooEndpoint::Products, |state| {
        state.product_list_requests += 1;
        let page = query::list_products(&state.products, &params)?;
        let items = page
            .items
            .iter()
            .map(|p| render::product_json(p, &state.products, &state.quirks))
            .collect();
        Ok(listed(items, totals(&page), &state.quirks))
    })
    .await
}

async fn get_product(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
) -> Response {
    serve(&shared, &caller, WooEndpoint::Products, |state| {
        let product = state.product(parse_id(&id)?).ok_or_else(|| {
            SimError::new(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        })?;
        Ok(Json(render::product_json(
            product,
            &state.products,
            &state.quirks,
        ))
        .into_response())
    })
    .await
}

async fn list_variations(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Response {
    serve(&shared, &caller, WooEndpoint::Products, |state| {
        state.product_list_requests += 1;
        let parent = parse_id(&id)?;
        let page = query::list_variations(&state.products, parent, &params)?;
        let items = page
            .items
            .iter()
            .map(|p| render::product_json(p, &state.products, &state.quirks))
            .collect();
        Ok(listed(items, totals(&page), &state.quirks))
    })
    .await
}

async fn shipment_trackings(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
) -> Response {
    lock(&shared).tracking_route_requests += 1;
    serve(&shared, &caller, WooEndpoint::ShipmentTrackings, |state| {
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

async fn settings_group(
    State(shared): State<Shared>,
    caller: Caller,
    Path(group): Path<String>,
) -> Response {
    serve(&shared, &caller, WooEndpoint::Settings, |state| {
        Ok(Json(taxes::settings_json(&state.taxes, &group)?).into_response())
    })
    .await
}

/// `GET taxes`: every rate, filtered by `class` when given, paginated.
async fn list_taxes(
    State(shared): State<Shared>,
    caller: Caller,
    Query(params): Query<Params>,
) -> Response {
    serve(&shared, &caller, WooEndpoint::Settings, |state| {
        let wanted = params.get("class").map(|class| match class.as_str() {
            "standard" => "",
            slug => slug,
        });
        let rates: Vec<Value> = state
            .taxes
            .rates
            .iter()
            .enumerate()
            .filter(|(_, rate)| wanted.is_none_or(|class| rate.class == class))
            .map(|(order, rate)| taxes::rate_json(rate, order))
            .collect();
        let page = query::paginate(rates, &params)?;
        let page_totals = totals(&page);
        Ok(listed(page.items, page_totals, &state.quirks))
    })
    .await
}
