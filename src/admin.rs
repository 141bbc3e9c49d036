//! The admin listener: binds the address and serves the web face (`crate::web`: dashboard,
//! JSON API, `/metrics`, `/status`, `/healthz`) until shutdown, with each connection's peer
//! address known (login throttling goes by it).

use std::net::SocketAddr;

use axum::Router;

use crate::shutdown::Shutdown;

/// Binds the admin listener.
///
/// # Errors
///
/// When the address cannot be bound.
pub async fn bind(listen: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen).await
}

/// Serves the admin routes until shutdown.
pub async fn serve(listener: tokio::net::TcpListener, router: Router, mut shutdown: Shutdown) {
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move { shutdown.wait().await })
    .await;
    if let Err(error) = served {
        tracing::warn!(error = %error, "admin listener stopped");
    }
}
