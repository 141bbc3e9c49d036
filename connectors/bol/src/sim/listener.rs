//! The simulator's TCP listener: plain loopback TCP, except that every connection carries a
//! [`SimConnection`] handle (handed to request handlers as axum `ConnectInfo`) through which a
//! fault can reset it. A reset connection refuses to write its answer and is closed with a TCP
//! reset, so the client sees a broken connection instead of any HTTP answer.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A connection as request handlers see it.
#[derive(Debug, Clone, Default)]
pub(crate) struct SimConnection {
    reset: Arc<AtomicBool>,
}

impl SimConnection {
    /// Breaks the connection: the answer in progress is never written.
    pub(crate) fn reset(&self) {
        self.reset.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, SimListener>> for SimConnection {
    fn connect_info(stream: IncomingStream<'_, SimListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// Accepts loopback connections as [`SimStream`]s.
pub(crate) struct SimListener(pub(crate) TcpListener);

impl Listener for SimListener {
    type Io = SimStream;
    type Addr = SimConnection;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((stream, _)) => {
                    let connection = SimConnection::default();
                    let io = SimStream {
                        stream,
                        reset: connection.reset.clone(),
                    };
                    return (io, connection);
                }
                Err(error) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::debug!(%error, "bol simulator cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(SimConnection::default())
    }
}

/// A TCP stream that fails every write once its connection is reset.
pub(crate) struct SimStream {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl SimStream {
    /// `Some(error)` once the connection is reset; also makes closing send a TCP reset.
    fn broken(&self) -> Option<io::Error> {
        if !self.reset.load(Ordering::SeqCst) {
            return None;
        }
        if let Err(error) = self.stream.set_zero_linger() {
            tracing::debug!(%error, "bol simulator cannot set SO_LINGER for a reset");
        }
        Some(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "connection reset by the simulator",
        ))
    }
}

impl AsyncRead for SimStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for SimStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(error) = self.broken() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(error) = self.broken() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(error) = self.broken() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
