//! One shutdown signal handed to every task: loops finish the job in flight, then stop
//! (the mini-redis pattern). Triggered by SIGTERM or Ctrl-C in the daemon, by hand in tests.

use tokio::sync::watch;

/// The sending side: trigger once, every [`Shutdown`] sees it.
#[derive(Debug, Clone)]
pub struct ShutdownTrigger {
    sender: watch::Sender<bool>,
}

/// The receiving side, cheap to clone into every task.
#[derive(Debug, Clone)]
pub struct Shutdown {
    receiver: watch::Receiver<bool>,
}

/// A new signal pair.
pub fn channel() -> (ShutdownTrigger, Shutdown) {
    let (sender, receiver) = watch::channel(false);
    (ShutdownTrigger { sender }, Shutdown { receiver })
}

impl ShutdownTrigger {
    /// Asks every task to stop.
    pub fn trigger(&self) {
        self.sender.send_replace(true);
    }
}

impl Shutdown {
    /// Whether shutdown was asked for.
    pub fn is_triggered(&self) -> bool {
        *self.receiver.borrow()
    }

    /// Resolves once shutdown is asked for (at once if it already was).
    pub async fn wait(&mut self) {
        // An error means every trigger is gone: nobody can ask any more, so treat it as asked.
        let _ = self.receiver.wait_for(|asked| *asked).await;
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn os_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(error) => {
                tracing::warn!("cannot listen for SIGTERM ({error}); only Ctrl-C stops the daemon");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
