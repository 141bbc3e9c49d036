//! Faults a test can make the simulator serve: the endpoints ([`WooEndpoint`]), the faults
//! ([`WooFault`]) and the mix chaos draws from per endpoint. Which fault a request meets
//! (queued, at a rate, seeded chaos) is the simulator kit's [`FaultPlan`]; how each fault looks
//! on the wire is in `serving.rs`.

use std::time::Duration;

use orderbridge_simkit::Scope;

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
    /// `GET /wc/v3/settings/{group}` and `GET /wc/v3/taxes`: the tax settings.
    Settings,
    /// Every endpoint above.
    Any,
}

impl WooEndpoint {
    /// The requests a fault injected for this endpoint is for ([`WooEndpoint::Any`]: all).
    pub(crate) fn scope(self) -> Scope<WooEndpoint> {
        match self {
            WooEndpoint::Any => Scope::Every,
            endpoint => Scope::Only(endpoint),
        }
    }
}

/// What the simulator does instead of (or besides) answering normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WooFault {
    /// Answer with this HTTP status and a WooCommerce error body, without acting.
    Status(u16),
    /// Answer 429, with `Retry-After` when given (none at all for `None`), without acting.
    RateLimited {
        /// Seconds for the `Retry-After` header.
        retry_after_secs: Option<u64>,
    },
    /// Act, then wait this long before answering.
    Delay(Duration),
    /// Act (a created order IS created, a cancelled order IS cancelled), then answer 502 as a
    /// proxy would when the shop's reply got lost.
    LostReply,
    /// Without acting, drop the connection with a TCP reset and no HTTP answer at all, as when
    /// a PHP worker crashes or a proxy cuts the connection.
    ConnectionReset,
    /// Without acting, hold the request for an hour: longer than any client waits.
    Hang,
    /// Act, then answer `200 OK` under `Content-Type: application/json` with a body that is not
    /// JSON: a PHP warning printed in front of the real answer.
    GarbageBody,
    /// Act, then send the first half of the real answer as if it were all of it.
    TruncatedBody,
}

impl WooFault {
    /// A short name for reports: `status_503`, `connection_reset`, `rate_limited_retry_after`, ...
    pub fn label(&self) -> String {
        match self {
            Self::Status(status) => format!("status_{status}"),
            Self::RateLimited {
                retry_after_secs: Some(_),
            } => "rate_limited_retry_after".to_owned(),
            Self::RateLimited {
                retry_after_secs: None,
            } => "rate_limited".to_owned(),
            Self::Delay(_) => "delay".to_owned(),
            Self::LostReply => "lost_reply".to_owned(),
            Self::ConnectionReset => "connection_reset".to_owned(),
            Self::Hang => "hang".to_owned(),
            Self::GarbageBody => "garbage_body".to_owned(),
            Self::TruncatedBody => "truncated_body".to_owned(),
        }
    }
}

/// The delay chaos serves: a little longer than a typical 2 s client time-out, so a client
/// with such a time-out gives up while the shop still acts.
pub(crate) const CHAOS_DELAY: Duration = Duration::from_millis(2_500);

/// The faults chaos draws from for `endpoint`: server errors, resets, slow replies, rate limits
/// with and without `Retry-After`, damaged bodies, and for writes also lost replies.
pub(crate) fn chaos_mix(endpoint: WooEndpoint) -> Vec<WooFault> {
    let mut mix = vec![
        WooFault::Status(500),
        WooFault::Status(502),
        WooFault::Status(503),
        WooFault::ConnectionReset,
        WooFault::Delay(CHAOS_DELAY),
        WooFault::RateLimited {
            retry_after_secs: Some(1),
        },
        WooFault::RateLimited {
            retry_after_secs: None,
        },
        WooFault::GarbageBody,
        WooFault::TruncatedBody,
    ];
    if matches!(
        endpoint,
        WooEndpoint::CreateOrder | WooEndpoint::UpdateOrder
    ) {
        mix.push(WooFault::LostReply);
    }
    mix
}

/// Which fault, if any, each request gets (queued, at a rate, chaos from [`chaos_mix`]); the
/// requests seen and the faults served.
pub(crate) type FaultPlan = orderbridge_simkit::FaultPlan<WooEndpoint, WooFault>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_for_any_endpoint_meets_every_endpoint() {
        let mut plan = FaultPlan::default();
        plan.queue(WooEndpoint::CreateOrder.scope(), WooFault::Status(500), 1);
        plan.queue(WooEndpoint::Any.scope(), WooFault::LostReply, 1);
        assert_eq!(plan.next(WooEndpoint::Products), Some(WooFault::LostReply));
        assert_eq!(plan.next(WooEndpoint::Products), None);
        assert_eq!(
            plan.next(WooEndpoint::CreateOrder),
            Some(WooFault::Status(500))
        );
    }

    #[test]
    fn chaos_loses_replies_of_writes_only() {
        for endpoint in [WooEndpoint::CreateOrder, WooEndpoint::UpdateOrder] {
            assert!(chaos_mix(endpoint).contains(&WooFault::LostReply));
        }
        for endpoint in [
            WooEndpoint::ListOrders,
            WooEndpoint::GetOrder,
            WooEndpoint::Products,
            WooEndpoint::ShipmentTrackings,
            WooEndpoint::Settings,
        ] {
            let mix = chaos_mix(endpoint);
            assert!(!mix.contains(&WooFault::LostReply), "{endpoint:?}");
            assert!(mix.contains(&WooFault::ConnectionReset), "{endpoint:?}");
        }
    }
}
