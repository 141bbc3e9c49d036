//! Faults a test can make the simulator serve, and the plan that picks one per request: faults
//! queued for an endpoint (served a given number of times, oldest first), faults served at a
//! rate (each matching request with a probability), and chaos (every request, with a
//! probability, gets a fault drawn from a mix suited to its endpoint). Draws come from a seeded
//! RNG, so a run with the same seed and the same request sequence serves the same faults.
//! How each fault looks on the wire is in `serving.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

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
    fn covers(self, endpoint: WooEndpoint) -> bool {
        self == endpoint || self == WooEndpoint::Any
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

/// Seed of the plan's RNG until [`FaultPlan::set_chaos`] sets one.
const DEFAULT_SEED: u64 = 0x00C0_FFEE;

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

/// Which fault, if any, each request gets; and how many of each were served.
#[derive(Debug)]
pub(crate) struct FaultPlan {
    queued: Vec<(WooEndpoint, WooFault, u32)>,
    rated: Vec<(WooEndpoint, WooFault, f64)>,
    chaos_rate: f64,
    rng: StdRng,
    served: BTreeMap<String, u64>,
}

impl Default for FaultPlan {
    fn default() -> Self {
        Self {
            queued: Vec::new(),
            rated: Vec::new(),
            chaos_rate: 0.0,
            rng: StdRng::seed_from_u64(DEFAULT_SEED),
            served: BTreeMap::new(),
        }
    }
}

/// A probability in `0.0..=1.0` (NaN counts as 0).
fn probability(rate: f64) -> f64 {
    if rate.is_nan() {
        0.0
    } else {
        rate.clamp(0.0, 1.0)
    }
}

impl FaultPlan {
    /// Queues `fault` for the next `times` requests to `endpoint`.
    pub(crate) fn push(&mut self, endpoint: WooEndpoint, fault: WooFault, times: u32) {
        if times > 0 {
            self.queued.push((endpoint, fault, times));
        }
    }

    /// Serves `fault` to each request to `endpoint` with probability `rate`.
    pub(crate) fn push_rate(&mut self, endpoint: WooEndpoint, fault: WooFault, rate: f64) {
        self.rated.push((endpoint, fault, probability(rate)));
    }

    /// Gives every request a chaos fault with probability `rate`, drawing from a fresh RNG
    /// seeded with `seed`.
    pub(crate) fn set_chaos(&mut self, rate: f64, seed: u64) {
        self.chaos_rate = probability(rate);
        self.rng = StdRng::seed_from_u64(seed);
    }

    /// Stops every queued, rated and chaos fault. The counts stay.
    pub(crate) fn clear(&mut self) {
        self.queued.clear();
        self.rated.clear();
        self.chaos_rate = 0.0;
    }

    /// How many of each fault were served, by [`WooFault::label`], sorted by label.
    pub(crate) fn counts(&self) -> Vec<(String, u64)> {
        self.served.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    /// The fault to serve for a request to `endpoint`, if any, counting it as served: a queued
    /// one first, then a rated one, then chaos.
    pub(crate) fn take(&mut self, endpoint: WooEndpoint) -> Option<WooFault> {
        let fault = self
            .take_queued(endpoint)
            .or_else(|| self.draw_rated(endpoint))
            .or_else(|| self.draw_chaos(endpoint))?;
        *self.served.entry(fault.label()).or_default() += 1;
        Some(fault)
    }

    fn take_queued(&mut self, endpoint: WooEndpoint) -> Option<WooFault> {
        let position = self
            .queued
            .iter()
            .position(|(e, _, _)| e.covers(endpoint))?;
        let (_, fault, remaining) = &mut self.queued[position];
        let fault = *fault;
        *remaining -= 1;
        if *remaining == 0 {
            self.queued.remove(position);
        }
        Some(fault)
    }

    fn draw_rated(&mut self, endpoint: WooEndpoint) -> Option<WooFault> {
        let rng = &mut self.rng;
        self.rated
            .iter()
            .filter(|(e, _, _)| e.covers(endpoint))
            .find(|(_, _, rate)| rng.random_bool(*rate))
            .map(|(_, fault, _)| *fault)
    }

    fn draw_chaos(&mut self, endpoint: WooEndpoint) -> Option<WooFault> {
        if self.chaos_rate <= 0.0 || !self.rng.random_bool(self.chaos_rate) {
            return None;
        }
        chaos_mix(endpoint).choose(&mut self.rng).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_served_the_given_number_of_times_per_endpoint() {
        let mut plan = FaultPlan::default();
        plan.push(WooEndpoint::CreateOrder, WooFault::Status(500), 2);
        plan.push(WooEndpoint::Any, WooFault::LostReply, 1);
        assert_eq!(
            plan.take(WooEndpoint::CreateOrder),
            Some(WooFault::Status(500))
        );
        assert_eq!(plan.take(WooEndpoint::Products), Some(WooFault::LostReply));
        assert_eq!(plan.take(WooEndpoint::Products), None);
        assert_eq!(
            plan.take(WooEndpoint::CreateOrder),
            Some(WooFault::Status(500))
        );
        assert_eq!(plan.take(WooEndpoint::CreateOrder), None);
        plan.push(WooEndpoint::GetOrder, WooFault::Status(503), 0);
        assert_eq!(plan.take(WooEndpoint::GetOrder), None);
        assert_eq!(
            plan.counts(),
            vec![("lost_reply".to_owned(), 1), ("status_500".to_owned(), 2)]
        );
    }

    #[test]
    fn rated_faults_follow_their_rate_until_cleared() {
        let mut plan = FaultPlan::default();
        plan.push_rate(WooEndpoint::ListOrders, WooFault::Hang, 1.0);
        plan.push_rate(WooEndpoint::Products, WooFault::GarbageBody, 0.0);
        for _ in 0..20 {
            assert_eq!(plan.take(WooEndpoint::ListOrders), Some(WooFault::Hang));
            assert_eq!(plan.take(WooEndpoint::Products), None);
        }
        plan.push_rate(WooEndpoint::GetOrder, WooFault::TruncatedBody, 0.5);
        let served = (0..400)
            .filter(|_| plan.take(WooEndpoint::GetOrder).is_some())
            .count();
        assert!((120..280).contains(&served), "{served}");
        plan.clear();
        assert_eq!(plan.take(WooEndpoint::ListOrders), None);
        assert_eq!(plan.counts()[0], ("hang".to_owned(), 20));
    }

    #[test]
    fn chaos_is_reproducible_by_seed_and_suited_to_the_endpoint() {
        let run = |seed| {
            let mut plan = FaultPlan::default();
            plan.set_chaos(0.3, seed);
            (0..300)
                .map(|_| plan.take(WooEndpoint::ListOrders))
                .collect::<Vec<_>>()
        };
        let first = run(7);
        assert_eq!(first, run(7));
        assert_ne!(first, run(8));
        let n_faults = first.iter().flatten().count();
        assert!((50..130).contains(&n_faults), "{n_faults}");
        assert!(!first.contains(&Some(WooFault::LostReply)));
        assert!(first.contains(&Some(WooFault::ConnectionReset)));

        let mut plan = FaultPlan::default();
        plan.set_chaos(1.0, 1);
        let writes: Vec<_> = (0..200)
            .filter_map(|_| plan.take(WooEndpoint::UpdateOrder))
            .collect();
        assert_eq!(writes.len(), 200);
        assert!(writes.contains(&WooFault::LostReply));
        assert!(chaos_mix(WooEndpoint::CreateOrder).contains(&WooFault::LostReply));
    }
}
