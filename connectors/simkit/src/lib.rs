//! What orderbridge's vendor simulators share (each connector's `sim/`, behind its `sim`
//! feature, so never in the daemon's build):
//!
//! - [`FaultPlan`] — faults queued per endpoint, served oldest first, and the requests each
//!   endpoint saw (a test's way to say "the shop acted once, not twice");
//! - [`serve`] — a simulator's routes on a loopback address, in the background.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::SocketAddr;

/// Faults queued per endpoint (`E`, the simulator's endpoint enum) and the requests seen.
#[derive(Debug)]
pub struct FaultPlan<E, F> {
    queued: HashMap<E, VecDeque<F>>,
    requests: HashMap<E, usize>,
}

impl<E, F> Default for FaultPlan<E, F> {
    fn default() -> Self {
        Self {
            queued: HashMap::new(),
            requests: HashMap::new(),
        }
    }
}

impl<E: Copy + Eq + Hash, F: Clone> FaultPlan<E, F> {
    /// Queues `fault` for the next `times` requests of `endpoint`.
    pub fn queue(&mut self, endpoint: E, fault: F, times: u32) {
        let queue = self.queued.entry(endpoint).or_default();
        for _ in 0..times {
            queue.push_back(fault.clone());
        }
    }

    /// Counts a request of `endpoint` and hands it its fault, if one is queued.
    pub fn next(&mut self, endpoint: E) -> Option<F> {
        *self.requests.entry(endpoint).or_default() += 1;
        self.queued.get_mut(&endpoint)?.pop_front()
    }

    /// Requests of `endpoint` so far (faulted ones included).
    pub fn requests(&self, endpoint: E) -> usize {
        self.requests.get(&endpoint).copied().unwrap_or(0)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_served_in_order_per_endpoint_and_requests_counted() {
        let mut plan: FaultPlan<u8, &str> = FaultPlan::default();
        plan.queue(1, "lost", 2);
        plan.queue(1, "503", 1);
        assert_eq!(plan.next(2), None);
        assert_eq!(plan.next(1), Some("lost"));
        assert_eq!(plan.next(1), Some("lost"));
        assert_eq!(plan.next(1), Some("503"));
        assert_eq!(plan.next(1), None);
        assert_eq!(
            (plan.requests(1), plan.requests(2), plan.requests(3)),
            (4, 1, 0)
        );
    }
}
