//! The simulated Admin API's routes: authentication by secret API key (HTTP Basic user name),
//! Medusa's JSON (amounts in the main unit, `{type, message}` errors), and the queued faults.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Value};

use super::faults::{MedusaEndpoint, MedusaFault};
use super::model::{SimOrder, SimVariant};
use super::state::{SimError, SimState};

pub(crate) type Shared = Arc<Mutex<SimState>>;

/// The secret API key the simulator accepts.
pub(crate) const API_KEY: &str = "sk_sim_orderbridge_0123456789abcdef";

pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, SimState> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn router(shared: Shared) -> Router {
    Router::new()
        .route("/admin/draft-orders", post(create_draft).get(list_drafts))
        .route("/admin/draft-orders/{id}/convert-to-order", post(convert))
        .route("/admin/orders", get(list_orders))
        .route("/admin/orders/{id}", get(get_order))
        .route("/admin/orders/{id}/cancel", post(cancel))
        .route("/admin/product-variants", get(variants))
        .route("/admin/inventory-items", get(inventory))
        .fallback(|| async { error(&SimError::not_found("Route not found")) })
        .with_state(shared)
}

fn error(e: &SimError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(json!({"type": e.kind, "message": e.message}))).into_response()
}

fn authorized(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    else {
        return false;
    };
    base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .ok()
        .and_then(|raw| String::from_utf8(raw).ok())
        .is_some_and(|pair| pair.split(':').next() == Some(API_KEY))
}

fn pairs(query: Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// Runs `act` unless the request is unauthorized or a fault stops it first; a fault that
/// hits after the store acted replaces the answer.
fn serve(
    shared: &Shared,
    headers: &HeaderMap,
    endpoint: MedusaEndpoint,
    act: impl FnOnce(&mut SimState) -> Result<Value, SimError>,
) -> Response {
    if !authorized(headers) {
        // Medusa's 401 carries no `type`.
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "Unauthorized"})),
        )
            .into_response();
    }
    let mut state = lock(shared);
    let fault = state.faults.next(endpoint);
    match &fault {
        Some(MedusaFault::Status(status)) => {
            return error(&SimError {
                status: *status,
                kind: "unknown_error",
                message: "An unknown error occurred.".into(),
            })
        }
        Some(MedusaFault::RateLimited(secs)) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", secs.to_string())],
                Json(json!({"type": "too_many_requests", "message": "Too many requests"})),
            )
                .into_response()
        }
        _ => {}
    }
    let answer = act(&mut state);
    match (fault, answer) {
        (Some(MedusaFault::LoseReplyAfterActing), _) => {
            (StatusCode::GATEWAY_TIMEOUT, "upstream timed out").into_response()
        }
        (Some(MedusaFault::TruncatedBody), Ok(body)) => {
            let text = body.to_string();
            let cut = text.get(..text.len() / 2).unwrap_or_default().to_owned();
            (
                StatusCode::OK,
                [("content-type", "application/json")],
                Body::from(cut),
            )
                .into_response()
        }
        (_, Ok(body)) => Json(body).into_response(),
        (_, Err(e)) => error(&e),
    }
}

fn amount(cents: i64) -> Value {
    json!(cents as f64 / 100.0)
}

fn time(t: chrono::DateTime<chrono::Utc>) -> Value {
    json!(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

pub(crate) fn render_order(order: &SimOrder, prices_include_tax: bool) -> Value {
    let fulfillments: Vec<Value> = order
        .fulfillments
        .iter()
        .map(|f| {
            json!({
                "id": f.id,
                "location_id": "sloc_01SIMWAREHOUSE",
                "created_at": time(f.created_at),
                "shipped_at": f.shipped_at.map(time),
                "delivered_at": null,
                "canceled_at": f.canceled_at.map(time),
                "labels": f.tracking_numbers.iter().enumerate().map(|(i, t)| json!({
                    "id": format!("fulla_{}_{i}", f.id),
                    "tracking_number": t,
                    "tracking_url": "",
                    "label_url": "",
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let items: Vec<Value> = order
        .items
        .iter()
        .map(|i| {
            json!({
                "id": i.id, "variant_id": i.variant_id, "variant_sku": i.sku,
                "quantity": i.quantity, "unit_price": amount(i.unit_price_cents),
                "is_custom_price": true, "is_tax_inclusive": prices_include_tax,
                "metadata": i.metadata,
                "detail": {
                    "quantity": i.quantity,
                    "fulfilled_quantity": order.fulfillments.iter()
                        .filter(|f| f.canceled_at.is_none())
                        .flat_map(|f| f.items.iter())
                        .filter(|(id, _)| *id == i.id).map(|(_, q)| *q).sum::<i64>(),
                    "shipped_quantity": order.shipped_quantity(&i.id),
                    "delivered_quantity": 0,
                },
            })
        })
        .collect();
    json!({
        "id": order.id,
        "display_id": order.display_id,
        "status": order.status,
        "fulfillment_status": order.fulfillment_status(),
        "payment_status": "not_paid",
        "email": order.email,
        "currency_code": "eur",
        "region_id": order.region_id,
        "sales_channel_id": order.sales_channel_id,
        "metadata": order.metadata,
        "created_at": time(order.created_at),
        "updated_at": time(order.updated_at),
        "canceled_at": order.canceled_at.map(time),
        "total": order.total(prices_include_tax),
        "items": items,
        "fulfillments": fulfillments,
        "shipping_address": order.shipping_address,
        "billing_address": order.billing_address,
    })
}

fn render_variant(v: &SimVariant) -> Value {
    json!({
        "id": v.id, "sku": v.sku, "ean": v.ean, "barcode": null,
        "manage_inventory": v.manage_inventory, "allow_backorder": false, "deleted_at": null,
    })
}

async fn create_draft(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    serve(&shared, &headers, MedusaEndpoint::CreateDraft, |state| {
        let id = state.create_draft(&body)?;
        let taxed = state.prices_include_tax;
        Ok(json!({ "draft_order": render_order(state.order_mut(&id)?, taxed) }))
    })
}

async fn convert(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(&shared, &headers, MedusaEndpoint::Convert, |state| {
        state.convert(&id)?;
        let taxed = state.prices_include_tax;
        Ok(json!({ "order": render_order(state.order_mut(&id)?, taxed) }))
    })
}

fn list(
    drafts: bool,
    query: Option<String>,
) -> impl FnOnce(&mut SimState) -> Result<Value, SimError> {
    move |state| {
        let query = pairs(query);
        let taxed = state.prices_include_tax;
        let (page, count) = state.list(drafts, &query)?;
        let rendered: Vec<Value> = page.into_iter().map(|o| render_order(o, taxed)).collect();
        let key = if drafts { "draft_orders" } else { "orders" };
        Ok(json!({ key: rendered, "count": count, "offset": 0, "limit": 50 }))
    }
}

async fn list_orders(
    State(shared): State<Shared>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    serve(
        &shared,
        &headers,
        MedusaEndpoint::ListOrders,
        list(false, query),
    )
}

async fn list_drafts(
    State(shared): State<Shared>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    serve(
        &shared,
        &headers,
        MedusaEndpoint::ListOrders,
        list(true, query),
    )
}

async fn get_order(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(&shared, &headers, MedusaEndpoint::GetOrder, |state| {
        // Drafts are orders too: `GET /admin/orders/{draft_id}` answers with the draft.
        let taxed = state.prices_include_tax;
        Ok(json!({ "order": render_order(state.order_mut(&id)?, taxed) }))
    })
}

async fn cancel(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(&shared, &headers, MedusaEndpoint::Cancel, |state| {
        state.cancel(&id)?;
        let taxed = state.prices_include_tax;
        Ok(json!({ "order": render_order(state.order_mut(&id)?, taxed) }))
    })
}

async fn variants(
    State(shared): State<Shared>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    serve(&shared, &headers, MedusaEndpoint::Variants, |state| {
        let query = pairs(query);
        let value = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let q = value("q").map(|q| q.to_lowercase());
        let sku = value("sku");
        let managed = value("manage_inventory").map(|m| m == "true");
        let found: Vec<Value> = state
            .variants
            .iter()
            .filter(|v| {
                q.as_deref().is_none_or(|q| {
                    v.sku.to_lowercase().contains(q)
                        || v.ean.as_deref().is_some_and(|e| e.contains(q))
                })
            })
            .filter(|v| sku.as_deref().is_none_or(|s| v.sku == s))
            .filter(|v| managed.is_none_or(|m| v.manage_inventory == m))
            .map(render_variant)
            .collect();
        let count = found.len();
        Ok(json!({ "variants": found, "count": count, "offset": 0, "limit": 50 }))
    })
}

async fn inventory(
    State(shared): State<Shared>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    serve(&shared, &headers, MedusaEndpoint::Inventory, |state| {
        let query = pairs(query);
        let skus: Vec<&str> = query
            .iter()
            .filter(|(k, _)| k == "sku" || k == "sku[]")
            .map(|(_, v)| v.as_str())
            .collect();
        let location = state.setup.stock_location_id.clone();
        let found: Vec<Value> = state
            .variants
            .iter()
            .filter(|v| v.manage_inventory)
            .filter(|v| skus.is_empty() || skus.contains(&v.sku.as_str()))
            .map(|v| {
                json!({
                    "id": v.inventory_item_id, "sku": v.sku,
                    "location_levels": [{
                        "id": format!("ilev_{}", v.id), "location_id": location,
                        "stocked_quantity": v.stocked, "reserved_quantity": v.reserved,
                        "incoming_quantity": 0, "available_quantity": v.stocked - v.reserved,
                    }],
                })
            })
            .collect();
        let count = found.len();
        Ok(json!({ "inventory_items": found, "count": count, "offset": 0, "limit": 50 }))
    })
}
