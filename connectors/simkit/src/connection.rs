//! Connections a fault can break. [`serve_breakable`] serves a simulator on loopback through
//! [`BreakableListener`], which hands every request handler its own [`Connection`] (as axum
//! `ConnectInfo<Connection>`): [`Connection::reset`] breaks it so that nothing more is read or
//! written and the socket closes with a TCP reset (`SO_LINGER` 0), so the client gets no HTTP
//! answer at all; [`Connection::stall`] holds a request far beyond any client's timeout, or
//! until the simulator stops ([`Server`] dropped).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::AbortHandle;

/// A request handler's handle on its own connection.
#[derive(Debug, Clone)]
pub struct Connection {
    broken: Arc<AtomicBool>,
    /// Closed when the listener goes, that is when the simulator stops.
    server: watch::Receiver<()>,
}

/// Why [`Connection::stall`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StallEnd {
    /// The simulator stopped.
    ServerStopped,
    /// The whole time passed.
    TimeUp,
}

impl Connection {
    /// Breaks the connection: the answer in progress is never written, nothing more is read,
    /// and the socket closes with a TCP reset.
    pub fn reset(&self) {
        self.broken.store(true, Ordering::SeqCst);
    }

    /// Holds the request for `longest`, or until the simulator stops, whichever comes first.
    pub async fn stall(&self, longest: Duration) -> StallEnd {
        let mut server = self.server.clone();
        tokio::select! {
            () = tokio::time::sleep(longest) => StallEnd::TimeUp,
            // Only ever an error: nothing is sent, the sender is dropped with the listener.
            _ = server.changed() => StallEnd::ServerStopped,
        }
    }
}

impl Connected<IncomingStream<'_, BreakableListener>> for Connection {
    fn connect_info(stream: IncomingStream<'_, BreakableListener>) -> Self {
        stream.io().connection.clone()
    }
}

/// A loopback listener whose connections can be broken from a handler.
#[derive(Debug)]
pub struct BreakableListener {
    inner: TcpListener,
    /// Dropped with the listener: every [`Connection::stall`] then ends.
    stopped: watch::Sender<()>,
}

impl BreakableListener {
    /// Wraps a bound listener.
    pub fn new(inner: TcpListener) -> Self {
        Self {
            inner,
            stopped: watch::Sender::new(()),
        }
    }
}

impl Listener for BreakableListener {
    type Io = BreakableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // axum's accept waits out errors such as running out of file descriptors.
        let (stream, peer) = Listener::accept(&mut self.inner).await;
        let connection = Connection {
            broken: Arc::new(AtomicBool::new(false)),
            server: self.stopped.subscribe(),
        };
        (BreakableStream { stream, connection }, peer)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A TCP stream that fails every read and write once its connection is broken.
#[derive(Debug)]
pub struct BreakableStream {
    stream: TcpStream,
    connection: Connection,
}

impl BreakableStream {
    /// `Some(error)` once broken; the socket is then set to close with a reset.
    fn broken(&self) -> Option<io::Error> {
        if !self.connection.broken.load(Ordering::SeqCst) {
            return None;
        }
        if let Err(error) = self.stream.set_zero_linger() {
            tracing::debug!(%error, "simulator: cannot set SO_LINGER 0 for a reset");
        }
        Some(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "connection reset by the simulator",
        ))
    }
}

impl AsyncRead for BreakableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(error) = self.broken() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for BreakableStream {
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

/// A simulator served by [`serve_breakable`]; dropping it stops the simulator (new
/// connections are refused and stalled requests end).
#[derive(Debug)]
pub struct Server {
    address: SocketAddr,
    task: AbortHandle,
}

impl Server {
    /// The address the simulator listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `app` on `listener` (bound by the caller, who may need its address to build `app`)
/// in the background, with a [`Connection`] for every request (`ConnectInfo<Connection>`),
/// until the [`Server`] is dropped.
///
/// # Errors
///
/// When the listener's address cannot be read.
pub fn serve_breakable(
    listener: TcpListener,
    app: axum::Router,
    name: &'static str,
) -> io::Result<Server> {
    let address = listener.local_addr()?;
    let service = app.into_make_service_with_connect_info::<Connection>();
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(BreakableListener::new(listener), service).await {
            tracing::error!(%error, simulator = name, "simulator stopped");
        }
    });
    tracing::debug!(%address, simulator = name, "simulator listening");
    Ok(Server {
        address,
        task: task.abort_handle(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::{ConnectInfo, State};
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::sync::mpsc;

    /// `GET /ok` answers; `GET /reset` breaks its connection; `GET /stall` tells `stalling`,
    /// then stalls for an hour and answers why the stall ended.
    fn app(stalling: mpsc::UnboundedSender<()>) -> axum::Router {
        axum::Router::new()
            .route("/ok", get(|| async { "fine" }))
            .route(
                "/reset",
                get(
                    |ConnectInfo(connection): ConnectInfo<Connection>| async move {
                        connection.reset();
                        "never sent"
                    },
                ),
            )
            .route(
                "/stall",
                get(
                    |State(stalling): State<mpsc::UnboundedSender<()>>,
                     ConnectInfo(connection): ConnectInfo<Connection>| async move {
                        stalling.send(()).expect("the test listens");
                        match connection.stall(Duration::from_secs(3600)).await {
                            StallEnd::ServerStopped => "server stopped",
                            StallEnd::TimeUp => "time up",
                        }
                    },
                ),
            )
            .with_state(stalling)
    }

    async fn start() -> (Server, mpsc::UnboundedReceiver<()>) {
        let (stalling, stalled) = mpsc::unbounded_channel();
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("loopback port");
        let server = serve_breakable(listener, app(stalling), "test").expect("bound");
        (server, stalled)
    }

    async fn send(server: &Server, path: &str) -> TcpStream {
        let mut stream = TcpStream::connect(server.address())
            .await
            .expect("connects");
        let request = format!("GET {path} HTTP/1.1\r\nhost: sim\r\nconnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("request sent");
        stream
    }

    async fn read_all(mut stream: TcpStream) -> io::Result<String> {
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        Ok(String::from_utf8_lossy(&answer).into_owned())
    }

    #[tokio::test]
    async fn a_reset_connection_answers_nothing_and_others_are_served() {
        let (server, _stalled) = start().await;
        let answer = read_all(send(&server, "/ok").await).await.expect("answer");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("fine"), "{answer}");

        let reset = read_all(send(&server, "/reset").await).await;
        match reset {
            Err(error) => assert_eq!(error.kind(), io::ErrorKind::ConnectionReset),
            Ok(answer) => panic!("expected a reset, got {answer:?}"),
        }
        let answer = read_all(send(&server, "/ok").await).await.expect("answer");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_request_ends_when_the_simulator_stops() {
        let (server, mut stalled) = start().await;
        let stream = send(&server, "/stall").await;
        stalled.recv().await.expect("the handler stalls");
        drop(server);
        // Paused time jumps ahead whenever the runtime idles, so a stall that ignored the stop
        // would end with "time up".
        let answer = read_all(stream).await.expect("answer");
        assert!(answer.ends_with("server stopped"), "{answer}");
    }
}
