//! The simulated Admin API's HTTP face: `POST /admin/api/{version}/graphql.json` (only the
//! pinned version; another is 404), authenticated by `X-Shopify-Access-Token` (401 with
//! Shopify's body otherwise), each operation recognised by its `operationName` and read from
//! its `variables`, charged to the cost bucket (`THROTTLED` when short) and answered with
//! `extensions.cost`; `POST /admin/oauth/access_token` for the client-credentials grant; and
//! the queued faults. Cancel jobs queued by a request run before the next one.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::create::TopLevelError;
use super::faults::{ShopifyFault, ShopifyOperation};
use super::render;
use super::state::SimState;

pub(crate) type Shared = Arc<Mutex<SimState>>;

/// The Admin API access token the simulator accepts.
pub(crate) const ACCESS_TOKEN: &str = "shpat_sim_orderbridge_0123456789abcdef";
/// The client id of the simulated app.
pub(crate) const CLIENT_ID: &str = "sim-client-id-0123";
/// Its client secret.
pub(crate) const CLIENT_SECRET: &str = "shpss_sim_secret_0123";

pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, SimState> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn router(shared: Shared) -> Router {
    Router::new()
        .route("/admin/api/{version}/graphql.json", post(graphql))
        .route("/admin/oauth/access_token", post(token))
        .fallback(|| async { status(404, "Not Found") })
        .with_state(shared)
}

fn status(code: u16, message: &str) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(json!({ "errors": message }))).into_response()
}

fn graphql_errors(message: &str, code: &str, cost: Option<Value>) -> Value {
    let mut body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    if let Some(cost) = cost {
        body["extensions"] = json!({ "cost": cost });
    }
    body
}

/// What an operation asks of the bucket.
fn requested_cost(operation: ShopifyOperation, variables: &Value) -> f64 {
    let first = variables["first"].as_f64().unwrap_or(0.0);
    match operation {
        ShopifyOperation::FindOrders | ShopifyOperation::ChangedOrders => 2.0 + first * 8.0,
        ShopifyOperation::Orders => {
            2.0 + 8.0
                * variables["ids"]
                    .as_array()
                    .map_or(0.0, |ids| ids.len() as f64)
        }
        ShopifyOperation::Variants => 2.0 + first,
        ShopifyOperation::Stock => 2.0 + first * 3.0,
        _ => 10.0,
    }
}

fn page(state: &mut SimState, variables: &Value, sort_key: &str) -> Value {
    let first = usize::try_from(variables["first"].as_u64().unwrap_or(10)).unwrap_or(10);
    let (orders, more, cursor) = state.order_page(
        variables["query"].as_str().unwrap_or_default(),
        sort_key,
        first,
        variables["after"].as_str(),
    );
    json!({ "orders": {
        "nodes": orders.into_iter().map(render::order).collect::<Vec<_>>(),
        "pageInfo": { "hasNextPage": more, "endCursor": cursor },
    }})
}

/// Runs the operation: `data`, or a top-level error message.
fn run(
    state: &mut SimState,
    operation: ShopifyOperation,
    variables: &Value,
) -> Result<Value, TopLevelError> {
    let variants = |state: &SimState, location: Option<&str>| {
        let first = usize::try_from(variables["first"].as_u64().unwrap_or(10)).unwrap_or(10);
        let query = variables["query"].as_str().unwrap_or_default();
        let nodes: Vec<Value> = state
            .variant_search(query, first)
            .into_iter()
            .map(|v| render::variant(v, location))
            .collect();
        json!({ "productVariants": { "nodes": nodes } })
    };
    Ok(match operation {
        ShopifyOperation::OrderCreate => {
            let (id, mut payload) = state.order_create(variables)?;
            payload["order"] = id
                .and_then(|id| state.orders.iter().find(|o| o.id == id))
                .map_or(Value::Null, render::order);
            json!({ "orderCreate": payload })
        }
        ShopifyOperation::OrderCancel => json!({ "orderCancel": state.order_cancel(variables) }),
        ShopifyOperation::OrderByIdentifier => state.order_by_identifier(variables)?,
        ShopifyOperation::MetafieldDefinition => state.metafield_definition(variables),
        ShopifyOperation::MetafieldDefinitionCreate => json!({
            "metafieldDefinitionCreate": state.metafield_definition_create(variables)?
        }),
        ShopifyOperation::FindOrders => page(state, variables, "CREATED_AT"),
        ShopifyOperation::ChangedOrders => page(state, variables, "UPDATED_AT"),
        ShopifyOperation::Order => {
            let id = variables["id"].as_str().unwrap_or_default();
            json!({ "order": state.orders.iter().find(|o| o.id == id).map(render::order) })
        }
        ShopifyOperation::Orders => {
            let nodes: Vec<Value> = variables["ids"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|id| {
                    state
                        .orders
                        .iter()
                        .find(|o| Some(o.id.as_str()) == id.as_str())
                        .map_or(Value::Null, render::order)
                })
                .collect();
            json!({ "nodes": nodes })
        }
        ShopifyOperation::Variants => variants(state, None),
        ShopifyOperation::Stock => {
            let location = variables["locationId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            variants(state, Some(&location))
        }
        ShopifyOperation::Token => return Err(TopLevelError::invalid("not a GraphQL operation")),
    })
}

fn authorized(state: &SimState, headers: &HeaderMap) -> bool {
    headers
        .get("x-shopify-access-token")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|token| token == ACCESS_TOKEN || state.token_valid(token))
}

/// Answers `body` unless a fault replaces it after the shop acted.
fn deliver(fault: Option<&ShopifyFault>, body: Value) -> Response {
    match fault {
        Some(ShopifyFault::LoseReplyAfterActing) => {
            (StatusCode::GATEWAY_TIMEOUT, "upstream timed out").into_response()
        }
        Some(ShopifyFault::TruncatedBody) => {
            let text = body.to_string();
            let cut = text.get(..text.len() / 2).unwrap_or_default().to_owned();
            (
                StatusCode::OK,
                [("content-type", "application/json")],
                Body::from(cut),
            )
                .into_response()
        }
        _ => Json(body).into_response(),
    }
}

/// A fault that stops the request before the shop acts.
fn refuse(state: &mut SimState, fault: &ShopifyFault, requested: f64) -> Option<Response> {
    Some(match fault {
        ShopifyFault::Status(code) => status(*code, "Internal Server Error"),
        ShopifyFault::RateLimited(secs) => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", secs.to_string())],
            Json(json!({ "errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." })),
        )
            .into_response(),
        ShopifyFault::Throttled => {
            let now = Instant::now();
            state.bucket.drain_to(requested / 2.0, now);
            let cost = state.bucket.report(requested, None, now);
            Json(graphql_errors("Throttled", "THROTTLED", Some(cost))).into_response()
        }
        ShopifyFault::GraphqlError(code) => {
            Json(graphql_errors(&format!("Simulated {code}"), code, None)).into_response()
        }
        _ => return None,
    })
}

async fn graphql(
    State(shared): State<Shared>,
    Path(version): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = lock(&shared);
    state.run_jobs();
    if !authorized(&state, &headers) {
        return status(
            401,
            "[API] Invalid API key or access token (unrecognized login or wrong password)",
        );
    }
    if version != crate::API_VERSION {
        return status(404, "Not Found");
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return status(400, "Bad Request");
    };
    let name = request["operationName"].as_str().unwrap_or_default();
    let document = request["query"].as_str().unwrap_or_default();
    let Some(operation) = ShopifyOperation::from_name(name).filter(|_| document.contains(name))
    else {
        return Json(
            json!({ "errors": [{ "message": format!("No operation named \"{name}\"") }] }),
        )
        .into_response();
    };
    let variables = request["variables"].clone();
    let requested = requested_cost(operation, &variables);
    let fault = state.faults.next(operation);
    if let Some(refused) = fault
        .as_ref()
        .and_then(|f| refuse(&mut state, f, requested))
    {
        return refused;
    }
    let now = Instant::now();
    if !state.bucket.take(requested, requested, now) {
        state.throttled += 1;
        let cost = state.bucket.report(requested, None, now);
        return Json(graphql_errors("Throttled", "THROTTLED", Some(cost))).into_response();
    }
    let cost = state.bucket.report(requested, Some(requested), now);
    let body = match run(&mut state, operation, &variables) {
        Ok(data) => json!({ "data": data, "extensions": { "cost": cost } }),
        Err(error) => graphql_errors(&error.message, error.code, Some(cost)),
    };
    deliver(fault.as_ref(), body)
}

async fn token(State(shared): State<Shared>, body: Bytes) -> Response {
    let mut state = lock(&shared);
    let fault = state.faults.next(ShopifyOperation::Token);
    if let Some(refused) = fault.as_ref().and_then(|f| refuse(&mut state, f, 0.0)) {
        return refused;
    }
    // JSON (as Shopify's own libraries send it) or a form.
    let fields: Value = serde_json::from_slice(&body).unwrap_or_else(|_| {
        let pairs: serde_json::Map<String, Value> = url::form_urlencoded::parse(&body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        Value::Object(pairs)
    });
    let valid = fields["grant_type"] == "client_credentials"
        && fields["client_id"] == CLIENT_ID
        && fields["client_secret"] == CLIENT_SECRET;
    if !valid {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_client", "error_description": "Client credentials are invalid" })),
        )
            .into_response();
    }
    let answer = state.issue_token();
    deliver(fault.as_ref(), answer)
}
