//! The simulator's TCP listener. Each accepted connection carries an abort switch that a
//! handler reaches through `ConnectInfo<SimConnection>`: once flipped, the connection's next
//! read or write fails and the socket closes with a TCP reset (`SO_LINGER` 0), so the client
//! gets no HTTP answer at all (the `ConnectionReset` and `Hang` faults).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A loopback listener whose connections can be aborted from a handler.
#[derive(Debug)]
pub(crate) struct SimListener {
    inner: TcpListener,
}

impl SimListener {
    pub(crate) fn new(inner: TcpListener) -> Self {
        Self { inner }
    }
}

/// The handle a handler gets on its own connection.
#[derive(Debug, Clone)]
pub(crate) struct SimConnection {
    abort: Arc<AtomicBool>,
}

impl SimConnection {
    /// Drops the connection without answering: nothing more is read or written.
    pub(crate) fn abort(&self) {
        self.abort.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, SimListener>> for SimConnection {
    fn connect_info(stream: IncomingStream<'_, SimListener>) -> Self {
        SimConnection {
            abort: stream.io().abort.clone(),
        }
    }
}

impl Listener for SimListener {
    type Io = AbortableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, peer) = Listener::accept(&mut self.inner).await;
        let io = AbortableStream {
            stream,
            abort: Arc::new(AtomicBool::new(false)),
        };
        (io, peer)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A TCP stream that fails every operation once its connection was aborted.
#[derive(Debug)]
pub(crate) struct AbortableStream {
    stream: TcpStream,
    abort: Arc<AtomicBool>,
}

impl AbortableStream {
    /// `Some(error)` once aborted; the socket is then set to close with a reset.
    fn aborted(&self) -> Option<io::Error> {
        if !self.abort.load(Ordering::SeqCst) {
            return None;
        }
        if let Err(error) = self.stream.set_zero_linger() {
            tracing::debug!(%error, "simulator: cannot set SO_LINGER 0");
        }
        Some(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "simulated connection reset",
        ))
    }
}

impl AsyncRead for AbortableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(error) = self.aborted() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for AbortableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(error) = self.aborted() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(error) = self.aborted() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(error) = self.aborted() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
