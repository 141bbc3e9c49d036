//! The simulated REST routes under `/rest/{store_code}/V1/`: bearer authentication by the
//! integration token for admin resources (the guest cart routes are anonymous, as in
//! Magento's `webapi.xml`), Magento's JSON (times `Y-m-d H:i:s` UTC, amounts in the main
//! unit, null fields left out), `{message, parameters}` errors, and the queued faults.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::faults::{MagentoEndpoint, MagentoFault};
use super::render::{order_column, render_order, time, ORDER_COLUMNS};
use super::search::Criteria;
use super::state::{SimError, SimState};

pub(crate) type Shared = Arc<Mutex<SimState>>;

/// The integration access token the simulator accepts.
pub(crate) const ACCESS_TOKEN: &str = "sim0integration0token0orderbridge";

/// Store codes the shop has.
const STORES: [&str; 2] = ["default", "all"];

pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, SimState> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn router(shared: Shared) -> Router {
    Router::new()
        .route("/rest/{store}/V1/guest-carts", post(create_cart))
        .route("/rest/{store}/V1/guest-carts/{cart}/items", post(add_item))
        .route(
            "/rest/{store}/V1/guest-carts/{cart}/shipping-information",
            post(shipping_information),
        )
        .route(
            "/rest/{store}/V1/guest-carts/{cart}/order",
            put(place_order),
        )
        .route(
            "/rest/{store}/V1/orders",
            get(list_orders).post(update_order),
        )
        .route("/rest/{store}/V1/orders/{id}", get(get_order))
        .route("/rest/{store}/V1/orders/{id}/cancel", post(cancel))
        .route("/rest/{store}/V1/shipments", get(shipments))
        .route("/rest/{store}/V1/stockItems/{sku}", get(stock_item))
        .route(
            "/rest/{store}/V1/inventory/get-product-salable-quantity/{sku}/{stock}",
            get(salable_quantity),
        )
        .fallback(|| async {
            error(&SimError {
                status: 404,
                message: "Request does not match any route.".into(),
                parameters: None,
            })
        })
        .with_state(shared)
}

fn error(e: &SimError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut body = json!({"message": e.message});
    if let Some(parameters) = &e.parameters {
        body["parameters"] = parameters.clone();
    }
    (status, Json(body)).into_response()
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| token.trim() == ACCESS_TOKEN)
}

fn pairs(query: Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// Who may call a route: anyone (guest carts) or the integration (`resource` named in the
/// refusal, as Magento names the ACL resource it missed).
#[derive(Clone, Copy)]
enum Access {
    Anonymous,
    Admin(&'static str),
}

/// Runs `act` unless the store is unknown, the caller is not authorized or a fault stops it
/// first; a fault that hits after the shop acted replaces the answer.
fn serve(
    shared: &Shared,
    store: &str,
    headers: &HeaderMap,
    access: Access,
    endpoint: MagentoEndpoint,
    act: impl FnOnce(&mut SimState) -> Result<Value, SimError>,
) -> Response {
    if !STORES.contains(&store) {
        return error(&SimError {
            status: 404,
            message: "The store that was requested wasn't found. Verify the store and try again."
                .into(),
            parameters: None,
        });
    }
    if let Access::Admin(resource) = access {
        if !authorized(headers) {
            return error(&SimError {
                status: 401,
                message: "The consumer isn't authorized to access %resources.".into(),
                parameters: Some(json!({"resources": resource})),
            });
        }
    }
    let mut state = lock(shared);
    let fault = state.faults.next(endpoint);
    match &fault {
        Some(MagentoFault::Status(status)) => return error(&SimError {
            status: *status,
            message:
                "Internal Error. Details are available in Magento log file. Report ID: webapi-fault"
                    .into(),
            parameters: None,
        }),
        Some(MagentoFault::RateLimited(secs)) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", secs.to_string())],
                "Too Many Requests",
            )
                .into_response()
        }
        _ => {}
    }
    let answer = act(&mut state);
    match (fault, answer) {
        (Some(MagentoFault::LoseReplyAfterActing), _) => {
            (StatusCode::GATEWAY_TIMEOUT, "upstream timed out").into_response()
        }
        (Some(MagentoFault::TruncatedBody), Ok(body)) => {
            // Half of an object or list; nothing of a bare number or string (half of `12` is
            // still a number).
            let text = body.to_string();
            let cut = if body.is_object() || body.is_array() {
                text.get(..text.len() / 2).unwrap_or_default().to_owned()
            } else {
                String::new()
            };
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

fn json_body(bytes: &Bytes) -> Result<Value, SimError> {
    if bytes.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice(bytes).map_err(|_| SimError::bad_request("Decoding error."))
}

fn entity(raw: &str) -> Result<u64, SimError> {
    raw.parse().map_err(|_| SimError {
        status: 400,
        message: "The \"%1\" value's type is invalid. The \"%2\" type was expected. Verify and try again.".into(),
        parameters: Some(json!([raw, "int"])),
    })
}

async fn create_cart(
    State(shared): State<Shared>,
    Path(store): Path<String>,
    headers: HeaderMap,
) -> Response {
    serve(
        &shared,
        &store,
        &headers,
        Access::Anonymous,
        MagentoEndpoint::CreateCart,
        |state| Ok(json!(state.create_cart())),
    )
}

async fn add_item(
    State(shared): State<Shared>,
    Path((store, cart)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(
        &shared,
        &store,
        &headers,
        Access::Anonymous,
        MagentoEndpoint::AddItem,
        |state| state.add_item(&cart, &json_body(&body)?),
    )
}

async fn shipping_information(
    State(shared): State<Shared>,
    Path((store, cart)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(
        &shared,
        &store,
        &headers,
        Access::Anonymous,
        MagentoEndpoint::ShippingInformation,
        |state| state.set_shipping_information(&cart, &json_body(&body)?),
    )
}

async fn place_order(
    State(shared): State<Shared>,
    Path((store, cart)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(
        &shared,
        &store,
        &headers,
        Access::Anonymous,
        MagentoEndpoint::PlaceOrder,
        |state| Ok(json!(state.place_order(&cart, &json_body(&body)?)?)),
    )
}

async fn update_order(
    State(shared): State<Shared>,
    Path(store): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(
        &shared,
        &store,
        &headers,
        Access::Admin("Magento_Sales::create"),
        MagentoEndpoint::UpdateOrder,
        |state| {
            let id = state.update_order(&json_body(&body)?)?;
            Ok(render_order(state.order_mut(id)?))
        },
    )
}

async fn list_orders(
    State(shared): State<Shared>,
    Path(store): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    serve(
        &shared,
        &store,
        &headers,
        Access::Admin("Magento_Sales::actions_view"),
        MagentoEndpoint::ListOrders,
        |state| {
            let criteria = Criteria::parse(&pairs(query))?;
            let (page, total) = criteria.apply(&state.orders, &ORDER_COLUMNS, order_column)?;
            let items: Vec<Value> = page.into_iter().map(render_order).collect();
            Ok(json!({"items": items, "search_criteria": {}, "total_count": total}))
        },
    )
}

async fn get_order(
    State(shared): State<Shared>,
    Path((store, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    serve(
        &shared,
        &store,
        &headers,
        Access::Admin("Magento_Sales::actions_view"),
        MagentoEndpoint::GetOrder,
        |state| Ok(render_order(state.order_mut(entity(&id)?)?)),
    )
}

async fn cancel(
    State(shared): State<Shared>,
    Path((store, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    serve(
        &shared,
        &store,
        &headers,
        Access::Admin("Magento_Sales::cancel"),
        MagentoEndpoint::Cancel,
        |state| Ok(json!(state.cancel(entity(&id)?)?)),
    )
}

/// A shipment row: the shipment with its order's id, for searching.
struct ShipmentRow {
    order_id: u64,
    value: Value,
    entity_id: u64,
    created_at: String,
}

async fn shipments(
    State(shared): State<Shared>,
    Path(store): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    serve(
        &shared,
        &store,
        &headers,
        Access::Admin("Magento_Sales::shipment"),
        MagentoEndpoint::Shipments,
        |state| {
            let rows: Vec<ShipmentRow> = state
                .orders
                .iter()
                .flat_map(|order| {
                    order.shipments.iter().map(move |shipment| {
                        let tracks: Vec<Value> = shipment
                            .tracks
                            .iter()
                            .map(|t| {
                                json!({
                                    "parent_id": shipment.entity_id, "order_id": order.entity_id,
                                    "track_number": t.track_number, "title": t.title,
                                    "carrier_code": t.carrier_code,
                                    "created_at": time(shipment.created_at),
                                })
                            })
                            .collect();
                        ShipmentRow {
                            order_id: order.entity_id,
                            entity_id: shipment.entity_id,
                            created_at: shipment.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                            value: json!({
                                "entity_id": shipment.entity_id, "order_id": order.entity_id,
                                "created_at": time(shipment.created_at), "tracks": tracks,
                                "items": [],
                            }),
                        }
                    })
                })
                .collect();
            let criteria = Criteria::parse(&pairs(query))?;
            let (page, total) = criteria.apply(
                &rows,
                &["entity_id", "order_id", "created_at"],
                |row, name| match name {
                    "entity_id" => Some(row.entity_id.to_string()),
                    "order_id" => Some(row.order_id.to_string()),
                    "created_at" => Some(row.created_at.clone()),
                    _ => None,
                },
            )?;
            let items: Vec<Value> = page.into_iter().map(|r| r.value.clone()).collect();
            Ok(json!({"items": items, "search_criteria": {}, "total_count": total}))
        },
    )
}

async fn stock_item(
    State(shared): State<Shared>,
    Path((store, sku)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    serve(
        &shared,
        &store,
        &headers,
        Access::Admin("Magento_CatalogInventory::cataloginventory"),
        MagentoEndpoint::StockItem,
        |state| {
            let product = state.product(&sku)?;
            Ok(json!({
                "item_id": 1, "stock_id": 1, "qty": product.qty,
                "is_in_stock": !product.manage_stock || product.qty > 0,
                "manage_stock": product.manage_stock, "use_config_manage_stock": false,
                "min_qty": 0,
            }))
        },
    )
}

async fn salable_quantity(
    State(shared): State<Shared>,
    Path((store, sku, stock)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    serve(
        &shared,
        &store,
        &headers,
        Access::Admin("Magento_InventoryApi::stock"),
        MagentoEndpoint::SalableQuantity,
        |state| {
            if stock != "1" {
                return Err(SimError::with_stock(&stock));
            }
            let product = state.product(&sku)?;
            // MSI: 0 when the stock is set out of stock, else on hand minus reservations.
            let salable = if product.qty > 0 {
                product.salable()
            } else {
                0
            };
            Ok(json!(salable))
        },
    )
}
