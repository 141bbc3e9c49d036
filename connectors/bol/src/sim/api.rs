//! The simulator's read side of the Retailer API and its router: token endpoint, orders list,
//! order details (raw ones verbatim) and the three process-status endpoints, with quirks
//! applied. Writes are in `writes.rs`, shipping labels in `labels_api.rs`, faults in
//! `gate.rs`, the `/_sim/` control surface in `control.rs`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{middleware, Router};
use base64::Engine;

use super::gate::fault_gate;
use super::http::{admit, bad_request, json_response, problem, read_body, Refusal};
use super::orders_wire::{wire_order, ListFilter};
use super::rate_limit::{rate_gate, SharedLimiter};
use super::raw_orders::listed_pages;
use super::state::TOKEN_LIFETIME_SECS;
use super::{control, labels_api, quirks, with_state, writes, BolSim, SharedState};
use crate::wire::{
    BulkProcessStatusRequest, ProcessStatusResponse, ReducedOrder, ReducedOrders, TokenResponse,
    FORM_MEDIA_TYPE, JSON_MEDIA_TYPE, MAX_BULK_PROCESS_STATUS_IDS, PAGE_SIZE,
};

/// All routes of the simulator: the Retailer API behind the rate gate (`rate_limit.rs`) and the
/// fault gate, and the `/_sim/` control surface without them.
pub(crate) fn router(state: SharedState, limiter: SharedLimiter) -> Router {
    Router::new()
        .route("/token", post(token))
        .route("/retailer/orders", get(list_orders))
        .route(
            "/retailer/orders/cancellation",
            put(writes::cancel_order_item),
        )
        .route("/retailer/orders/{order_id}", get(get_order))
        .route("/retailer/shipments", post(writes::create_shipment))
        .route(
            "/retailer/shipping-labels",
            post(labels_api::create_shipping_label),
        )
        .route(
            "/retailer/shipping-labels/delivery-options",
            post(labels_api::delivery_options),
        )
        .route(
            "/retailer/shipping-labels/{shipping_label_id}",
            get(labels_api::shipping_label),
        )
        .route(
            "/retailer/offers/export",
            post(writes::request_offer_export),
        )
        .route(
            "/retailer/offers/export/{report_id}",
            get(writes::offer_export_file),
        )
        .route(
            "/retailer/offers/{offer_id}/stock",
            put(writes::update_offer_stock),
        )
        .route(
            "/shared/process-status",
            get(processes_by_entity).post(processes_in_bulk),
        )
        .route("/shared/process-status/{process_id}", get(process_by_id))
        .route_layer(middleware::from_fn_with_state(state.clone(), fault_gate))
        .route_layer(middleware::from_fn_with_state(limiter, rate_gate))
        .merge(control::routes())
        .with_state(state)
}

/// `page` from a query: 1 when absent; `Err` is the 400 answer.
pub(crate) fn page_param(params: &HashMap<String, String>) -> Result<usize, Refusal> {
    match params.get("page") {
        None => Ok(1),
        Some(raw) => match raw.parse::<usize>() {
            Ok(page) if page >= 1 => Ok(page),
            _ => Err(bad_request(
                "page",
                format!("{raw:?} is not a page number (1 or more)"),
            )),
        },
    }
}

fn credentials_match(headers: &HeaderMap) -> bool {
    let Some(encoded) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let expected = format!("{}:{}", BolSim::CLIENT_ID, BolSim::CLIENT_SECRET);
    decoded == expected.as_bytes()
}

/// The token endpoint as bol runs it: the grant in a form body (RFC 6749 §4.4.2, sent as
/// `application/x-www-form-urlencoded`, the way bol's own clients send it, e.g.
/// picqer/bol-retailer-php-client `src/BaseClient.php` `requestToken`) and the client in HTTP
/// Basic auth. A grant in the query string is refused: bol rejects credentials and tokens in
/// URL query parameters (https://api.bol.com/retailer/public/Retailer-API/intermediary-authorization.html),
/// and RFC 6749 puts the parameters in the body.
async fn token(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let oauth_error = |status: StatusCode, code: &str| {
        let body = serde_json::json!({ "error": code });
        (
            status,
            [(CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    };
    let form_body = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(FORM_MEDIA_TYPE));
    let grant = url::form_urlencoded::parse(&body)
        .find(|(name, _)| name == "grant_type")
        .map(|(_, value)| value.into_owned());
    if params.contains_key("grant_type") || !form_body {
        oauth_error(StatusCode::BAD_REQUEST, "invalid_request")
    } else if grant.as_deref() != Some("client_credentials") {
        oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type")
    } else if !credentials_match(&headers) {
        oauth_error(StatusCode::UNAUTHORIZED, "invalid_client")
    } else {
        let (access_token, quirks) = with_state(&state, |s| (s.issue_token(), s.quirks));
        let mut answer = TokenResponse {
            access_token,
            token_type: Some("Bearer".to_owned()),
            expires_in: TOKEN_LIFETIME_SECS,
            scope: Some("RETAILER".to_owned()),
        };
        quirks::token(&mut answer, quirks);
        match serde_json::to_string(&answer) {
            Ok(text) => {
                (StatusCode::OK, [(CONTENT_TYPE, "application/json")], text).into_response()
            }
            Err(_) => oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
        }
    }
}

async fn list_orders(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, JSON_MEDIA_TYPE) {
        return refusal.into_response();
    }
    match (ListFilter::from_params(&params), page_param(&params)) {
        (Err(refusal), _) | (_, Err(refusal)) => refusal.into_response(),
        (Ok(filter), Ok(page)) => {
            let (answer, quirks) = with_state(&state, |s| {
                let mut orders: Vec<ReducedOrder> = listed_pages(s, filter)
                    .into_iter()
                    .nth(page - 1)
                    .unwrap_or_default();
                for order in &mut orders {
                    quirks::reduced_order(order, s.quirks);
                }
                (ReducedOrders { orders }, s.quirks)
            });
            quirks::list_response(answer.orders.is_empty(), &answer, quirks)
        }
    }
}

async fn get_order(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(order_id): Path<String>,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, JSON_MEDIA_TYPE) {
        return refusal.into_response();
    }
    let (order, raw) = with_state(&state, |s| {
        let raw = s
            .raw_orders
            .iter()
            .find(|raw| raw.order_id == order_id)
            .map(|raw| raw.body.clone());
        let order = s.orders.iter().find(|o| o.order_id == order_id).map(|o| {
            let mut order = wire_order(o, &s.offers);
            quirks::order(&mut order, s.quirks);
            order
        });
        (order, raw)
    });
    match (raw, order) {
        (Some(body), _) => {
            (StatusCode::OK, [(CONTENT_TYPE, JSON_MEDIA_TYPE)], body).into_response()
        }
        (None, Some(order)) => json_response(StatusCode::OK, &order),
        (None, None) => problem(
            StatusCode::NOT_FOUND,
            format!("Order {order_id} not found."),
        ),
    }
}

async fn process_by_id(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(process_id): Path<String>,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, JSON_MEDIA_TYPE) {
        return refusal.into_response();
    }
    let status = with_state(&state, |s| {
        s.process_index(&process_id).map(|idx| s.read_process(idx))
    });
    match status {
        Some(status) => json_response(StatusCode::OK, &status),
        None => problem(
            StatusCode::NOT_FOUND,
            format!("Process status {process_id} not found."),
        ),
    }
}

async fn processes_in_bulk(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, JSON_MEDIA_TYPE) {
        return refusal.into_response();
    }
    match read_body::<BulkProcessStatusRequest>(&headers, &body) {
        Err(refusal) => refusal.into_response(),
        Ok(request) if request.process_status_queries.is_empty() => {
            bad_request("processStatusQueries", "must hold at least 1 id").into_response()
        }
        Ok(request) if request.process_status_queries.len() > MAX_BULK_PROCESS_STATUS_IDS => {
            bad_request(
                "processStatusQueries",
                format!("must hold at most {MAX_BULK_PROCESS_STATUS_IDS} ids"),
            )
            .into_response()
        }
        Ok(request) => {
            let (answer, quirks) = with_state(&state, |s| {
                let known: Vec<usize> = request
                    .process_status_queries
                    .iter()
                    .filter_map(|query| s.process_index(&query.process_status_id))
                    .collect();
                let answer = ProcessStatusResponse {
                    process_statuses: known.into_iter().map(|idx| s.read_process(idx)).collect(),
                };
                (answer, s.quirks)
            });
            quirks::list_response(answer.process_statuses.is_empty(), &answer, quirks)
        }
    }
}

async fn processes_by_entity(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, JSON_MEDIA_TYPE) {
        return refusal.into_response();
    }
    match (
        params.get("entity-id"),
        params.get("event-type"),
        page_param(&params),
    ) {
        (None, _, _) => bad_request("entity-id", "is required").into_response(),
        (_, None, _) => bad_request("event-type", "is required").into_response(),
        (_, _, Err(refusal)) => refusal.into_response(),
        (Some(entity_id), Some(event_type), Ok(page)) => {
            let (answer, quirks) = with_state(&state, |s| {
                // Newest first, as bol lists them.
                let matching: Vec<usize> = (0..s.processes.len())
                    .rev()
                    .filter(|idx| {
                        let p = &s.processes[*idx];
                        p.entity_id.as_deref() == Some(entity_id.as_str())
                            && p.event_type.as_str() == event_type
                    })
                    .skip((page - 1) * PAGE_SIZE)
                    .take(PAGE_SIZE)
                    .collect();
                let answer = ProcessStatusResponse {
                    process_statuses: matching
                        .into_iter()
                        .map(|idx| s.read_process(idx))
                        .collect(),
                };
                (answer, s.quirks)
            });
            quirks::list_response(answer.process_statuses.is_empty(), &answer, quirks)
        }
    }
}
