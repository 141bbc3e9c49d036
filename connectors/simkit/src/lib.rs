//! What orderbridge's vendor simulators share (each connector's `sim/`, behind its `sim`
//! feature, so never in the daemon's build):
//!
//! - [`FaultPlan`] (`plan.rs`) — which fault each request meets: faults queued per endpoint
//!   (or for every endpoint) a number of times, faults at a rate, seeded chaos drawing from a
//!   mix the simulator gives per endpoint; the requests each endpoint saw and the faults
//!   served (a test's way to say "the shop acted once, not twice");
//! - [`serve_breakable`] (`connection.rs`) — a simulator on loopback whose request handlers
//!   can break their own [`Connection`]: reset it (no HTTP answer at all) or stall it beyond
//!   any client's timeout; [`serve`] — the same without connection handles;
//! - [`first_half`], [`read_answer`] (`answer.rs`) — damaging a real answer after the
//!   simulator acted.
//!
//! What a fault looks like in a vendor's own words (its error bodies, its rate-limit headers,
//! its proxy's answer to a lost reply) stays in that vendor's simulator.

mod answer;
mod connection;
mod plan;

use std::net::SocketAddr;

pub use answer::{first_half, read_answer};
pub use connection::{serve_breakable, Connection, Server, StallEnd};
pub use plan::{ChaosMix, FaultPlan, Scope};

/// Serves `app` on `address` (port 0: any free one) in the background; the address it got.
///
/// # Errors
///
/// When the address cannot be bound.
pub async fn serve(
    app: axum::Router,
    address: SocketAddr,
    name: &'static str,
) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, simulator = name, "simulator stopped");
        }
    });
    Ok(bound)
}
