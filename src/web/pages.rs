//! The dashboard's pages: the orders overview, an order with its actions and notes, the
//! batches with their pick & pack lists, the connections; and the PDF documents, which the
//! API serves too.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use super::auth::Principal;
use super::login::html;
use super::templates::{
    status_label, BatchPage, BatchRow, BatchesPage, Chrome, ConnectionBlock, ConnectionsPage,
    OrderPage, OrderRow, OrdersPage, TabLink, TestOrderPage,
};
use super::{language, ops_error_status, WebState};
use crate::ops::{Action, OpsError, OrderQuery, Tab, TabCount};

/// Whether a form's token is the session's.
pub(super) fn csrf_ok(principal: &Principal, given: &str) -> bool {
    principal
        .csrf
        .as_deref()
        .is_some_and(|expected| super::auth::same_token(given.as_bytes(), expected.as_bytes()))
}

fn chrome(
    principal: &Principal,
    headers: &HeaderMap,
    section: &'static str,
    back: String,
) -> Chrome {
    Chrome::new(
        language(headers),
        principal.name.clone(),
        principal.csrf.clone().unwrap_or_default(),
        section,
        &back,
    )
}

/// A plain error page (an unknown order, a failed store).
fn problem(error: &OpsError) -> Response {
    let (status, message) = ops_error_status(error);
    (status, message).into_response()
}

/// The overview's query string.
#[derive(Debug, Default, Deserialize)]
pub(super) struct OrdersParams {
    tab: Option<String>,
    q: Option<String>,
    connection: Option<String>,
    batch: Option<String>,
    page: Option<u32>,
}

fn orders_href(tab: Option<Tab>, params: &OrdersParams, page: u32) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(tab) = tab {
        query.append_pair("tab", tab.slug());
    }
    for (key, value) in [
        ("q", &params.q),
        ("connection", &params.connection),
        ("batch", &params.batch),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            query.append_pair(key, value);
        }
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        "/orders".into()
    } else {
        format!("/orders?{query}")
    }
}

impl OrdersParams {
    pub(super) fn query(&self) -> OrderQuery {
        OrderQuery {
            tab: self.tab.as_deref().and_then(Tab::from_slug),
            statuses: Vec::new(),
            search: self.q.clone(),
            connection: self.connection.clone(),
            batch: self.batch.as_deref().and_then(|b| b.trim().parse().ok()),
            page: self.page.unwrap_or(1),
            per_page: 50,
        }
    }
}

/// `GET /orders`.
pub(super) async fn orders(
    State(state): State<WebState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Query(params): Query<OrdersParams>,
) -> Response {
    let query = params.query();
    let page = match state.ops.orders(&query).await {
        Ok(page) => page,
        Err(error) => return problem(&error),
    };
    let names = state.ops.connection_names().await.unwrap_or_default();
    let lang = language(&headers);
    let mut tabs = vec![TabLink {
        id: "all",
        label: lang.t("all"),
        count: page.tab_counts.iter().map(|t| t.count).sum(),
        href: orders_href(None, &params, 1),
        here: query.tab.is_none(),
        alert: false,
    }];
    tabs.extend(
        page.tab_counts
            .iter()
            .map(|&TabCount { tab, count }| TabLink {
                id: tab.slug(),
                label: lang.t(tab.slug()),
                count,
                href: orders_href(Some(tab), &params, 1),
                here: query.tab == Some(tab),
                alert: tab == Tab::Errors && count > 0,
            }),
    );
    let connection = params.connection.clone().unwrap_or_default();
    let template = OrdersPage {
        chrome: chrome(
            &principal,
            &headers,
            "orders",
            orders_href(query.tab, &params, page.page),
        ),
        tabs,
        tab_slug: query.tab.map_or("", Tab::slug),
        search: params.q.clone().unwrap_or_default(),
        connections: names
            .into_iter()
            .map(|name| {
                let selected = name == connection;
                (name, selected)
            })
            .collect(),
        batch: query.batch.map(|b| b.to_string()).unwrap_or_default(),
        orders: page.orders.iter().map(|o| OrderRow::of(o, lang)).collect(),
        page: page.page,
        pages: page.pages,
        prev_href: if page.page > 1 {
            orders_href(query.tab, &params, page.page - 1)
        } else {
            String::new()
        },
        next_href: if page.page < page.pages {
            orders_href(query.tab, &params, page.page + 1)
        } else {
            String::new()
        },
    };
    html(&template)
}

/// What the order page says after an action.
#[derive(Debug, Default, Deserialize)]
pub(super) struct OrderParams {
    outcome: Option<String>,
}

async fn order_page(
    state: &WebState,
    principal: &Principal,
    headers: &HeaderMap,
    code: &str,
    outcome: Option<&str>,
    failure: Option<(StatusCode, String)>,
) -> Response {
    let order = match state.ops.order(code).await {
        Ok(order) => order,
        Err(error) => return problem(&error),
    };
    let lang = language(headers);
    let code = order.summary.code.clone();
    let status = order.summary.status;
    let outcome = match outcome {
        Some("note") => lang.t("note_added").to_owned(),
        Some(action) if Action::from_name(action).is_some() => lang
            .t("outcome")
            .replace("{code}", &code)
            .replace("{status}", status_label(lang, status)),
        _ => String::new(),
    };
    let webshop_link = order
        .summary
        .webshop_order_id
        .as_deref()
        .and_then(|id| state.ops.webshop_order_page(&order.summary.connection, id))
        .unwrap_or_default();
    let marketplace_link = state
        .ops
        .marketplace_order_page(
            &order.summary.connection,
            &order.summary.marketplace_order_id,
        )
        .unwrap_or_default();
    let (code_status, problem_text) = failure.unwrap_or((StatusCode::OK, String::new()));
    let template = OrderPage {
        chrome: chrome(principal, headers, "orders", format!("/orders/{code}")),
        status_label: status_label(lang, status),
        order,
        outcome,
        problem: problem_text,
        marketplace_link,
        webshop_link,
        may_act: principal.may_act(),
    };
    let mut response = html(&template);
    *response.status_mut() = code_status;
    response
}

/// `GET /orders/{code}`.
pub(super) async fn order(
    State(state): State<WebState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(params): Query<OrderParams>,
) -> Response {
    order_page(
        &state,
        &principal,
        &headers,
        &code,
        params.outcome.as_deref(),
        None,
    )
    .await
}

/// An action's form.
#[derive(Deserialize)]
pub(super) struct ActionForm {
    csrf: String,
    action: String,
}

/// A form whose token is not the session's (the role was checked by the route's layer).
fn forged() -> Response {
    (
        StatusCode::FORBIDDEN,
        "the form's token does not match your session",
    )
        .into_response()
}

/// `POST /orders/{code}/action`: sync, resend or manual; back to the order with the outcome.
pub(super) async fn act(
    State(state): State<WebState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    if !csrf_ok(&principal, &form.csrf) {
        return forged();
    }
    let Some(action) = Action::from_name(&form.action) else {
        return (StatusCode::BAD_REQUEST, "unknown action").into_response();
    };
    match state.ops.act(&code, action).await {
        Ok(outcome) => {
            tracing::info!(user = %principal.name, order = %outcome.code, action = %form.action, status = %outcome.status, "merchant action");
            Redirect::to(&format!("/orders/{}?outcome={}", outcome.code, form.action))
                .into_response()
        }
        Err(error @ (OpsError::UnknownOrder(_) | OpsError::Store(_))) => problem(&error),
        Err(error) => {
            let failure = ops_error_status(&error);
            order_page(&state, &principal, &headers, &code, None, Some(failure)).await
        }
    }
}

/// A note's form.
#[derive(Deserialize)]
pub(super) struct NoteForm {
    csrf: String,
    text: String,
}

/// `POST /orders/{code}/notes`.
pub(super) async fn add_note(
    State(state): State<WebState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(form): Form<NoteForm>,
) -> Response {
    if !csrf_ok(&principal, &form.csrf) {
        return forged();
    }
    match state.ops.add_note(&code, &principal.name, &form.text).await {
        Ok(()) => Redirect::to(&format!(
            "/orders/{}?outcome=note",
            crate::ops::normalized_code(&code)
        ))
        .into_response(),
        Err(error @ OpsError::Invalid(_)) => {
            let failure = ops_error_status(&error);
            order_page(&state, &principal, &headers, &code, None, Some(failure)).await
        }
        Err(error) => problem(&error),
    }
}

fn pdf(bytes: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /orders/{code}/packing-slip.pdf`.
pub(super) async fn packing_slip(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    match state.ops.packing_slip(&code).await {
        Ok(order) => {
            let name = format!("packing-slip-{}.pdf", order.summary.code);
            pdf(
                crate::documents::packing_slip(&order, language(&headers)),
                &name,
            )
        }
        Err(error) => problem(&error),
    }
}

/// `GET /batches/{id}/pick-pack.pdf`.
pub(super) async fn pick_pack(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    match state.ops.pick_pack(id).await {
        Ok(list) => pdf(
            crate::documents::pick_pack_list(&list, language(&headers)),
            &format!("pick-pack-batch-{id}.pdf"),
        ),
        Err(error) => problem(&error),
    }
}

/// `GET /orders/{code}/label.pdf`: the marketplace label as the marketplace printed it.
pub(super) async fn order_label(
    State(state): State<WebState>,
    Path(code): Path<String>,
) -> Response {
    match state.ops.order_label(&code).await {
        Ok((code, bytes)) => pdf(bytes, &format!("label-{code}.pdf")),
        Err(error) => problem(&error),
    }
}

/// `GET /batches/{id}/labels.pdf`: every label of the batch's orders in one PDF.
pub(super) async fn batch_labels(State(state): State<WebState>, Path(id): Path<i64>) -> Response {
    match state.ops.batch_labels(id).await {
        Ok(bytes) => pdf(bytes, &format!("labels-batch-{id}.pdf")),
        Err(error) => problem(&error),
    }
}

/// `GET /batches`.
pub(super) async fn batches(
    State(state): State<WebState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
) -> Response {
    let lang = language(&headers);
    match state.ops.batches(200).await {
        Ok(batches) => html(&BatchesPage {
            chrome: chrome(&principal, &headers, "batches", "/batches".into()),
            batches: batches.iter().map(|b| BatchRow::of(b, lang)).collect(),
        }),
        Err(error) => problem(&error),
    }
}

/// `GET /batches/{id}`.
pub(super) async fn batch(
    State(state): State<WebState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let lang = language(&headers);
    match state.ops.batch(id).await {
        Ok((batch, orders)) => html(&BatchPage {
            chrome: chrome(&principal, &headers, "batches", format!("/batches/{id}")),
            batch: BatchRow::of(&batch, lang),
            orders: orders.iter().map(|o| OrderRow::of(o, lang)).collect(),
        }),
        Err(error) => problem(&error),
    }
}

/// `GET /connections`.
pub(super) async fn connections(
    State(state): State<WebState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
) -> Response {
    match state.ops.connections().await {
        Ok(connections) => html(&ConnectionsPage {
            chrome: chrome(&principal, &headers, "connections", "/connections".into()),
            connections: connections.iter().map(ConnectionBlock::of).collect(),
        }),
        Err(error) => problem(&error),
    }
}

/// `GET /test-order`: the form for a test order.
pub(super) async fn test_order_form(
    State(state): State<WebState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
) -> Response {
    test_order_page(&state, &principal, &headers, StatusCode::OK, String::new()).await
}

async fn test_order_page(
    state: &WebState,
    principal: &Principal,
    headers: &HeaderMap,
    status: StatusCode,
    problem: String,
) -> Response {
    match state.ops.connection_names().await {
        Ok(connections) => {
            let mut response = html(&TestOrderPage {
                chrome: chrome(principal, headers, "orders", "/test-order".into()),
                connections,
                problem,
            });
            *response.status_mut() = status;
            response
        }
        Err(error) => self::problem(&error),
    }
}

/// A test order's form.
#[derive(Deserialize)]
pub(super) struct TestOrderForm {
    csrf: String,
    connection: String,
    sku: String,
    quantity: u32,
}

/// `POST /test-order`: makes the test order, then shows it.
pub(super) async fn create_test_order(
    State(state): State<WebState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Form(form): Form<TestOrderForm>,
) -> Response {
    if !csrf_ok(&principal, &form.csrf) {
        return forged();
    }
    match state
        .ops
        .create_test_order(&form.connection, &form.sku, form.quantity, &principal.name)
        .await
    {
        Ok(code) => {
            tracing::info!(user = %principal.name, order = %code, "test order made");
            Redirect::to(&format!("/orders/{code}")).into_response()
        }
        Err(error @ OpsError::Invalid(_)) => {
            let (status, message) = ops_error_status(&error);
            test_order_page(&state, &principal, &headers, status, message).await
        }
        Err(error) => problem(&error),
    }
}
