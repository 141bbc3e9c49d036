//! How the simulator serves one REST request: authenticate, ask the fault plan, then act and
//! answer normally or as the fault says. On the wire: `Status` and `RateLimited` answer without
//! acting; `ConnectionReset` and `Hang` (after an hour, or when the simulator stops) drop the
//! connection with a reset and no answer (the simulator kit's breakable connections);
//! `Delay`, `LostReply` (502), `GarbageBody` (200, PHP warning in front of the JSON) and
//! `TruncatedBody` (first half of the real answer) act first.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use orderbridge_simkit::{first_half, read_answer, Connection};

use super::auth::check_auth;
use super::faults::{WooEndpoint, WooFault};
use super::model::SimError;
use super::routes::{error_response, lock, Shared};
use super::state::SimState;

/// How long a `Hang` holds a request.
const HANG: Duration = Duration::from_secs(3600);

/// What a PHP notice printed into the output looks like.
const PHP_WARNING: &str = "<br />\n<b>Warning</b>:  Undefined array key \"shipping\" in \
     <b>/var/www/html/wp-content/plugins/shop-tweaks/includes/class-hooks.php</b> on line \
     <b>42</b><br />\n";

/// The caller of a request: its headers and its connection.
pub(crate) struct Caller {
    headers: HeaderMap,
    query: Option<String>,
    connection: Option<Connection>,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(Caller {
            headers: parts.headers.clone(),
            query: parts.uri.query().map(str::to_owned),
            connection: parts
                .extensions
                .get::<ConnectInfo<Connection>>()
                .map(|info| info.0.clone()),
        })
    }
}

/// Authenticates, applies the fault plan's choice for `endpoint`, and runs `act` on the shop.
pub(crate) async fn serve(
    shared: &Shared,
    caller: &Caller,
    endpoint: WooEndpoint,
    act: impl FnOnce(&mut SimState) -> Result<Response, SimError>,
) -> Response {
    let header_stripped = lock(shared).authorization_header_stripped;
    if let Err(error) = check_auth(&caller.headers, caller.query.as_deref(), header_stripped) {
        return error_response(error);
    }
    let fault = lock(shared).faults.next(endpoint);
    let Some(fault) = fault else {
        return run(shared, act);
    };
    match fault {
        WooFault::Status(status) => error_response(SimError::new(
            status,
            "sim_injected_fault",
            format!("Simulated HTTP {status}."),
        )),
        WooFault::RateLimited { retry_after_secs } => rate_limited(retry_after_secs),
        WooFault::ConnectionReset => drop_connection(caller),
        WooFault::Hang => {
            if let Some(connection) = &caller.connection {
                connection.stall(HANG).await;
            } else {
                tokio::time::sleep(HANG).await;
            }
            drop_connection(caller)
        }
        WooFault::Delay(delay) => {
            let response = run(shared, act);
            tokio::time::sleep(delay).await;
            response
        }
        WooFault::LostReply => {
            run(shared, act);
            (
                StatusCode::BAD_GATEWAY,
                [(CONTENT_TYPE, "text/html")],
                "<html><body><h1>502 Bad Gateway</h1></body></html>",
            )
                .into_response()
        }
        WooFault::GarbageBody => {
            let mut garbage = PHP_WARNING.as_bytes().to_vec();
            match read_answer(run(shared, act)).await {
                Ok((_, body)) => garbage.extend_from_slice(&body),
                Err(error) => tracing::warn!(%error, "simulator: cannot read its own answer"),
            }
            (
                StatusCode::OK,
                [(CONTENT_TYPE, "application/json; charset=UTF-8")],
                garbage,
            )
                .into_response()
        }
        WooFault::TruncatedBody => first_half(run(shared, act)).await,
    }
}

fn run(shared: &Shared, act: impl FnOnce(&mut SimState) -> Result<Response, SimError>) -> Response {
    let mut state = lock(shared);
    act(&mut state).unwrap_or_else(error_response)
}

fn rate_limited(retry_after_secs: Option<u64>) -> Response {
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

/// Aborts the caller's connection; the returned response is never sent.
fn drop_connection(caller: &Caller) -> Response {
    match &caller.connection {
        Some(connection) => connection.reset(),
        None => tracing::warn!("simulator: no connection handle; answering 502 instead"),
    }
    StatusCode::BAD_GATEWAY.into_response()
}
