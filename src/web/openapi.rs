//! The OpenAPI description of the machine face (`/api/v1`, `/metrics`, `/status`), generated
//! from the code: the paths come from the route table (`super::routes`) and the bodies'
//! schemas from the very types the handlers serialize (`schemars`). `docs/openapi.json` is a
//! copy checked in CI against what this makes (`orderbridge openapi` prints it).

use axum::response::{IntoResponse, Response};
use axum::Json;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::Schema;
use serde_json::{json, Map, Value};

use super::api::{BatchWithOrders, NoteBody, TestOrderBody, TestOrderCreated};
use super::{Access, ApiError, RouteInfo};
use crate::ops::{ActionOutcome, BatchView, ConnectionView, OrderPage, OrderView, Tab};

/// What a route answers when it works.
enum Answer {
    Json(u16, Schema),
    Pdf,
    Text,
    Empty(u16),
}

/// The description of one API route.
struct Operation {
    summary: &'static str,
    parameters: Vec<Value>,
    body: Option<Schema>,
    answer: Answer,
}

fn path_param(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description,
            "schema": { "type": "string" } })
}

fn query_param(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description,
            "schema": schema })
}

/// The description of the route `method path`, or `None` for a route this file does not
/// know yet (a test fails then).
fn operation(gen: &mut SchemaGenerator, method: &str, path: &str) -> Option<Operation> {
    let code = || path_param("code", "The order code (OB…).");
    let batch = || path_param("id", "The batch id.");
    let json = |gen: &mut SchemaGenerator, schema: fn(&mut SchemaGenerator) -> Schema| {
        Answer::Json(200, schema(gen))
    };
    Some(match (method, path) {
        ("GET", "/api/v1/orders") => Operation {
            summary: "Orders, newest first, 50 a page, with the count of every tab",
            parameters: vec![
                query_param("tab", "Only one tab.", gen.subschema_for::<Tab>().into()),
                query_param(
                    "q",
                    "Order code, marketplace order id, customer name or T&T.",
                    json!({ "type": "string" }),
                ),
                query_param(
                    "connection",
                    "Only this connection.",
                    json!({ "type": "string" }),
                ),
                query_param("batch", "Only this batch.", json!({ "type": "integer" })),
                query_param(
                    "page",
                    "Page, from 1.",
                    json!({ "type": "integer", "minimum": 1 }),
                ),
            ],
            body: None,
            answer: json(gen, |g| g.subschema_for::<OrderPage>()),
        },
        ("GET", "/api/v1/orders/{code}") => Operation {
            summary: "One order: addresses, lines, T&T, notes, history, the actions that apply",
            parameters: vec![code()],
            body: None,
            answer: json(gen, |g| g.subschema_for::<OrderView>()),
        },
        ("POST", "/api/v1/orders/{code}/notes") => Operation {
            summary: "Adds a note to the order's history (operator)",
            parameters: vec![code()],
            body: Some(gen.subschema_for::<NoteBody>()),
            answer: Answer::Empty(204),
        },
        ("GET", "/api/v1/orders/{code}/packing-slip.pdf") => Operation {
            summary: "The order's packing slip",
            parameters: vec![code()],
            body: None,
            answer: Answer::Pdf,
        },
        ("GET", "/api/v1/orders/{code}/label.pdf") => Operation {
            summary: "The marketplace label the order ships with (Verzenden via bol), once bought",
            parameters: vec![code()],
            body: None,
            answer: Answer::Pdf,
        },
        ("POST", "/api/v1/orders/{code}/{action}") => Operation {
            summary: "Synchronize, resend, hand over (manual) or cancel the order (operator)",
            parameters: vec![
                code(),
                json!({ "name": "action", "in": "path", "required": true,
                        "schema": { "type": "string", "enum": ["sync", "resend", "manual", "cancel"] } }),
            ],
            body: None,
            answer: json(gen, |g| g.subschema_for::<ActionOutcome>()),
        },
        ("GET", "/api/v1/batches") => Operation {
            summary: "The newest batches",
            parameters: vec![query_param(
                "limit",
                "At most this many (default 50).",
                json!({ "type": "integer" }),
            )],
            body: None,
            answer: json(gen, |g| g.subschema_for::<Vec<BatchView>>()),
        },
        ("GET", "/api/v1/batches/{id}") => Operation {
            summary: "One batch with its orders",
            parameters: vec![batch()],
            body: None,
            answer: json(gen, |g| g.subschema_for::<BatchWithOrders>()),
        },
        ("GET", "/api/v1/batches/{id}/pick-pack.pdf") => Operation {
            summary: "The batch's pick & pack list",
            parameters: vec![batch()],
            body: None,
            answer: Answer::Pdf,
        },
        ("GET", "/api/v1/batches/{id}/labels.pdf") => Operation {
            summary:
                "Every marketplace label bought for the batch's orders still to ship, in one PDF",
            parameters: vec![batch()],
            body: None,
            answer: Answer::Pdf,
        },
        ("GET", "/api/v1/connections") => Operation {
            summary: "Each connection's jobs: last run, next run, failures, refused credentials",
            parameters: Vec::new(),
            body: None,
            answer: json(gen, |g| g.subschema_for::<Vec<ConnectionView>>()),
        },
        ("POST", "/api/v1/test-orders") => Operation {
            summary: "Makes a test order that runs through the webshop only (operator)",
            parameters: Vec::new(),
            body: Some(gen.subschema_for::<TestOrderBody>()),
            answer: Answer::Json(201, gen.subschema_for::<TestOrderCreated>()),
        },
        ("GET", "/api/v1/openapi.json") => Operation {
            summary: "This description",
            parameters: Vec::new(),
            body: None,
            answer: Answer::Json(200, Schema::default()),
        },
        ("GET", "/metrics") => Operation {
            summary: "Prometheus metrics",
            parameters: Vec::new(),
            body: None,
            answer: Answer::Text,
        },
        ("GET", "/status") => Operation {
            summary: "Job leases and orders per status, for monitoring",
            parameters: Vec::new(),
            body: None,
            answer: Answer::Json(200, Schema::default()),
        },
        _ => return None,
    })
}

fn error_answer(gen: &mut SchemaGenerator, description: &str) -> Value {
    json!({ "description": description,
            "content": { "application/json": { "schema": gen.subschema_for::<ApiError>() } } })
}

/// The OpenAPI document of the routes a credential opens.
///
/// # Errors
///
/// Names the routes with no description here.
pub fn document(routes: &[RouteInfo]) -> Result<Value, String> {
    let mut gen = SchemaSettings::openapi3().for_serialize().into_generator();
    let mut paths = Map::new();
    let mut missing = Vec::new();
    for route in routes.iter().filter(|r| r.access == Access::Credential) {
        let Some(op) = operation(&mut gen, route.method, route.path) else {
            missing.push(format!("{} {}", route.method, route.path));
            continue;
        };
        let mut responses = Map::new();
        let ok = match op.answer {
            Answer::Json(status, schema) => (
                status,
                json!({ "description": "OK",
                "content": { "application/json": { "schema": schema } } }),
            ),
            Answer::Pdf => (
                200,
                json!({ "description": "A PDF",
                "content": { "application/pdf": { "schema": { "type": "string", "format": "binary" } } } }),
            ),
            Answer::Text => (
                200,
                json!({ "description": "Text",
                "content": { "text/plain": { "schema": { "type": "string" } } } }),
            ),
            Answer::Empty(status) => (status, json!({ "description": "Done" })),
        };
        responses.insert(ok.0.to_string(), ok.1);
        responses.insert(
            "401".into(),
            error_answer(&mut gen, "No or a wrong credential"),
        );
        if route.acts {
            responses.insert(
                "403".into(),
                error_answer(
                    &mut gen,
                    "A read-only credential, or a session write without X-CSRF-Token",
                ),
            );
            responses.insert(
                "409".into(),
                error_answer(&mut gen, "The action does not apply to the order now"),
            );
        }
        if route.path.contains('{') {
            responses.insert(
                "404".into(),
                error_answer(&mut gen, "No such order or batch"),
            );
        }
        let mut operation = json!({
            "summary": op.summary,
            "operationId": operation_id(route),
            "parameters": op.parameters,
            "responses": responses,
        });
        if let Some(body) = op.body {
            operation["requestBody"] = json!({ "required": true,
                "content": { "application/json": { "schema": body } } });
        }
        let entry = paths
            .entry(route.path.to_owned())
            .or_insert_with(|| json!({}));
        entry[route.method.to_ascii_lowercase()] = operation;
    }
    if !missing.is_empty() {
        return Err(format!(
            "routes without an OpenAPI description: {}",
            missing.join(", ")
        ));
    }
    Ok(json!({
        "openapi": "3.0.3",
        "info": {
            "title": "orderbridge admin API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The machine face of orderbridge's admin listener. Send `Authorization: Bearer <token>`: the operator token may act, the read token only read. A dashboard session works too; its writes need the `X-CSRF-Token` header."
        },
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": gen.take_definitions(true),
        }
    }))
}

fn operation_id(route: &RouteInfo) -> String {
    let words: Vec<String> = route
        .path
        .split(['/', '-', '.', '{', '}'])
        .filter(|w| !w.is_empty() && *w != "api" && *w != "v1")
        .map(str::to_owned)
        .collect();
    format!("{}_{}", route.method.to_ascii_lowercase(), words.join("_"))
}

/// The document as pretty JSON, as checked in at `docs/openapi.json`.
///
/// # Errors
///
/// Names the routes with no description.
pub fn text() -> Result<String, String> {
    let routes = super::route_list();
    document(&routes).and_then(|doc| {
        serde_json::to_string_pretty(&doc)
            .map(|t| t + "\n")
            .map_err(|e| e.to_string())
    })
}

/// `GET /api/v1/openapi.json`.
pub(super) async fn serve() -> Response {
    match document(&super::route_list()) {
        Ok(doc) => Json(doc).into_response(),
        Err(error) => super::api_error(axum::http::StatusCode::INTERNAL_SERVER_ERROR, &error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target.clone());
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }

    #[test]
    fn every_route_a_credential_opens_is_described_and_every_reference_resolves() {
        let doc = document(&super::super::route_list()).unwrap();
        let credential_routes = super::super::route_list()
            .into_iter()
            .filter(|r| r.access == Access::Credential)
            .count();
        let described: usize = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|ops| ops.as_object().unwrap().len())
            .sum();
        assert_eq!(described, credential_routes);
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > 10);
        for target in found {
            let name = target.trim_start_matches("#/components/schemas/");
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "{target} resolves"
            );
        }
        // The order view's schema names the fields a client reads.
        let order = &doc["components"]["schemas"]["OrderView"]["properties"];
        for field in ["summary", "lines", "history", "actions", "tracking_url"] {
            assert!(order.get(field).is_some(), "OrderView.{field}");
        }
    }

    #[test]
    fn the_checked_in_description_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");
        let checked_in = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            checked_in == text().unwrap(),
            "docs/openapi.json is out of date: run `cargo run -- openapi > docs/openapi.json`"
        );
    }
}
