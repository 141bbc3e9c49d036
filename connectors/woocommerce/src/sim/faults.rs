//! Faults a test can make the simulator serve: an error status, a rate limit, a slow reply, or
//! a lost reply (the shop acted, the caller hears a 502). Each fault is queued for an endpoint
//! and served a given number of times, oldest first.

use std::time::Duration;

/// Which simulated endpoint a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WooEndpoint {
    /// `POST /wc/v3/orders`.
    CreateOrder,
    /// `GET /wc/v3/orders`.
    ListOrders,
    /// `GET /wc/v3/orders/{id}`.
    GetOrder,
    /// `PUT/POST/PATCH /wc/v3/orders/{id}`.
    UpdateOrder,
    /// `GET /wc/v3/products` and the product/variation reads.
    Products,
    /// `GET /wc-shipment-tracking/v3/orders/{id}/shipment-trackings`.
    ShipmentTrackings,
    /// Every endpoint above.
    Any,
}

/// What the simulator does instead of (or besides) answering normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WooFault {
    /// Answer with this HTTP status and a WooCommerce error body, without acting.
    Status(u16),
    /// Answer 429, with `Retry-After` when given, without acting.
    RateLimited {
        /// Seconds for the `Retry-After` header.
        retry_after_secs: Option<u64>,
    },
    /// Act, then wait this long before answering.
    Delay(Duration),
    /// Act (for `CreateOrder`: the order IS created), then answer 502 as a proxy would when the
    /// shop's reply got lost.
    LostReply,
}

/// Queued faults, served oldest first.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queued: Vec<(WooEndpoint, WooFault, u32)>,
}

impl FaultQueue {
    /// Queues `fault` for the next `times` requests to `endpoint`.
    pub(crate) fn push(&mut self, endpoint: WooEndpoint, fault: WooFault, times: u32) {
        if times > 0 {
            self.queued.push((endpoint, fault, times));
        }
    }

    /// The fault to serve for a request to `endpoint`, if any, counting it as served.
    pub(crate) fn take(&mut self, endpoint: WooEndpoint) -> Option<WooFault> {
        let position = self
            .queued
            .iter()
            .position(|(e, _, _)| *e == endpoint || *e == WooEndpoint::Any)?;
        let (_, fault, remaining) = &mut self.queued[position];
        let fault = *fault;
        *remaining -= 1;
        if *remaining == 0 {
            self.queued.remove(position);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_served_the_given_number_of_times_per_endpoint() {
        let mut queue = FaultQueue::default();
        queue.push(WooEndpoint::CreateOrder, WooFault::Status(500), 2);
        queue.push(WooEndpoint::Any, WooFault::LostReply, 1);
        assert_eq!(
            queue.take(WooEndpoint::CreateOrder),
            Some(WooFault::Status(500))
        );
        assert_eq!(queue.take(WooEndpoint::Products), Some(WooFault::LostReply));
        assert_eq!(queue.take(WooEndpoint::Products), None);
        assert_eq!(
            queue.take(WooEndpoint::CreateOrder),
            Some(WooFault::Status(500))
        );
        assert_eq!(queue.take(WooEndpoint::CreateOrder), None);
        queue.push(WooEndpoint::GetOrder, WooFault::Status(503), 0);
        assert_eq!(queue.take(WooEndpoint::GetOrder), None);
    }
}
