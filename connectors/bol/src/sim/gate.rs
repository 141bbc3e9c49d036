//! The fault gate every Retailer API request passes first (an axum middleware): it names the
//! endpoint, asks the fault plan (`faults.rs`) whether this request meets a fault, and plays
//! the fault on the wire: an error answer, a 429, a hang, a reset connection, or the real
//! answer delayed, garbled, cut in half or lost after the request took effect. Resets, hangs
//! and cut answers are the simulator kit's (`orderbridge-simkit`); the answers are bol's.

use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use orderbridge_simkit::{first_half, Connection};

use super::faults::{SimEndpoint, SimFault};
use super::http::{problem, refusal, Refusal};
use super::{with_state, SharedState};
use crate::wire::JSON_MEDIA_TYPE;

/// How long a [`SimFault::Hang`] holds a request when the simulator keeps running.
const HANG: Duration = Duration::from_secs(3600);
/// What a [`SimFault::GarbageBody`] answers.
const GARBAGE: &str = "<html><body><h1>502 Bad Gateway</h1>upstream sent garbage</body></html>";

/// The endpoint a request goes to, or `None` for anything faults do not apply to.
pub(crate) fn endpoint_of(method: &Method, path: &str) -> Option<SimEndpoint> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let endpoint = match (method.as_str(), segments.as_slice()) {
        ("POST", ["token"]) => SimEndpoint::Token,
        ("GET", ["retailer", "orders"]) => SimEndpoint::ListOrders,
        ("PUT", ["retailer", "orders", "cancellation"]) => SimEndpoint::Cancellation,
        ("GET", ["retailer", "orders", _]) => SimEndpoint::GetOrder,
        ("POST", ["retailer", "shipments"]) => SimEndpoint::CreateShipment,
        (_, ["shared", "process-status", ..]) => SimEndpoint::ProcessStatus,
        (_, ["retailer", "offers", "export", ..]) => SimEndpoint::OfferExport,
        ("PUT", ["retailer", "offers", _, "stock"]) => SimEndpoint::OfferStock,
        ("POST", ["retailer", "shipping-labels", "delivery-options"]) => {
            SimEndpoint::DeliveryOptions
        }
        ("POST", ["retailer", "shipping-labels"]) => SimEndpoint::CreateShippingLabel,
        ("GET" | "HEAD", ["retailer", "shipping-labels", _]) => SimEndpoint::ShippingLabel,
        _ => return None,
    };
    Some(endpoint)
}

/// The middleware: plays the fault this request meets, if any.
pub(crate) async fn fault_gate(
    State(shared): State<SharedState>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    request: Request,
    next: Next,
) -> Response {
    let Some(endpoint) = endpoint_of(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let Some(fault) = with_state(&shared, |s| s.faults.take(endpoint)) else {
        return next.run(request).await;
    };
    tracing::debug!(?endpoint, ?fault, "bol simulator injects a fault");
    match fault {
        SimFault::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            refusal(status, format!("Injected failure (HTTP {code}).")).into_response()
        }
        SimFault::RateLimited { retry_after_secs } => {
            Refusal::RateLimited { retry_after_secs }.into_response()
        }
        SimFault::Hang => {
            connection.stall(HANG).await;
            problem(
                StatusCode::GATEWAY_TIMEOUT,
                "The simulator stopped hanging.",
            )
        }
        SimFault::ConnectionReset => {
            connection.reset();
            problem(
                StatusCode::BAD_GATEWAY,
                "Never sent: the connection is reset.",
            )
        }
        SimFault::Delay(delay) => {
            let response = next.run(request).await;
            tokio::time::sleep(delay).await;
            response
        }
        SimFault::GarbageBody => garbled(next.run(request).await),
        SimFault::TruncatedBody => first_half(next.run(request).await).await,
        SimFault::AppliedButLost => {
            drop(next.run(request).await);
            if with_state(&shared, |s| s.faults.next_lost_answer_resets()) {
                connection.reset();
            }
            problem(
                StatusCode::BAD_GATEWAY,
                "Bad gateway (the request was processed; its answer was lost).",
            )
        }
    }
}

/// A 200 answer with text that is not JSON, under the real answer's content type.
fn garbled(real: Response) -> Response {
    let content_type = real
        .headers()
        .get(CONTENT_TYPE)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static(JSON_MEDIA_TYPE));
    (StatusCode::OK, [(CONTENT_TYPE, content_type)], GARBAGE).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_named_from_method_and_path() {
        let cases = [
            (Method::POST, "/token", Some(SimEndpoint::Token)),
            (
                Method::GET,
                "/retailer/orders",
                Some(SimEndpoint::ListOrders),
            ),
            (
                Method::GET,
                "/retailer/orders/123",
                Some(SimEndpoint::GetOrder),
            ),
            (
                Method::PUT,
                "/retailer/orders/cancellation",
                Some(SimEndpoint::Cancellation),
            ),
            (
                Method::POST,
                "/retailer/shipments",
                Some(SimEndpoint::CreateShipment),
            ),
            (
                Method::GET,
                "/shared/process-status/3",
                Some(SimEndpoint::ProcessStatus),
            ),
            (
                Method::POST,
                "/retailer/offers/export",
                Some(SimEndpoint::OfferExport),
            ),
            (
                Method::PUT,
                "/retailer/offers/abc/stock",
                Some(SimEndpoint::OfferStock),
            ),
            (
                Method::POST,
                "/retailer/shipping-labels/delivery-options",
                Some(SimEndpoint::DeliveryOptions),
            ),
            (
                Method::POST,
                "/retailer/shipping-labels",
                Some(SimEndpoint::CreateShippingLabel),
            ),
            (
                Method::GET,
                "/retailer/shipping-labels/d4c50077-0c19-435f-9bee-1b30b9f4ba1a",
                Some(SimEndpoint::ShippingLabel),
            ),
            (
                Method::HEAD,
                "/retailer/shipping-labels/d4c50077-0c19-435f-9bee-1b30b9f4ba1a",
                Some(SimEndpoint::ShippingLabel),
            ),
            (Method::GET, "/_sim/state", None),
        ];
        for (method, path, endpoint) in cases {
            assert_eq!(endpoint_of(&method, path), endpoint, "{method} {path}");
        }
    }
}
