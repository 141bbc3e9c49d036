//! What can go wrong in the simulator and when: the endpoints ([`SimEndpoint`]), the faults
//! ([`SimFault`]), the switchable oddities of valid answers ([`SimQuirks`]), the mix chaos
//! draws from, and bol's own faults beside the requests' (processes that fail or time out).
//! Which fault a request meets (injected a number of times first, then at a rate, then chaos;
//! every fault picked counted by kind) is the simulator kit's plan
//! ([`orderbridge_simkit::FaultPlan`]); how a fault looks on the wire is in `gate.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use orderbridge_simkit::Scope;

/// An endpoint a fault can be injected into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimEndpoint {
    /// `POST /token`.
    Token,
    /// `GET /retailer/orders`.
    ListOrders,
    /// `GET /retailer/orders/{order-id}`.
    GetOrder,
    /// `POST /retailer/shipments`.
    CreateShipment,
    /// `PUT /retailer/orders/cancellation`.
    Cancellation,
    /// All three `/shared/process-status` endpoints.
    ProcessStatus,
    /// `POST /retailer/offers/export` and `GET /retailer/offers/export/{report-id}`.
    OfferExport,
    /// `PUT /retailer/offers/{offer-id}/stock`.
    OfferStock,
    /// `POST /retailer/shipping-labels/delivery-options`.
    DeliveryOptions,
    /// `POST /retailer/shipping-labels` (buying a label).
    CreateShippingLabel,
    /// `GET` (and `HEAD`) `/retailer/shipping-labels/{shipping-label-id}`.
    ShippingLabel,
    /// Every endpoint above, the token endpoint included.
    Any,
}

impl SimEndpoint {
    /// The requests a fault injected for this endpoint is for ([`SimEndpoint::Any`]: all).
    fn scope(self) -> Scope<SimEndpoint> {
        match self {
            Self::Any => Scope::Every,
            endpoint => Scope::Only(endpoint),
        }
    }

    /// Whether requests to this endpoint change something the merchant sees.
    pub(crate) fn is_write(self) -> bool {
        matches!(
            self,
            Self::CreateShipment
                | Self::Cancellation
                | Self::OfferStock
                | Self::CreateShippingLabel
        )
    }
}

/// A fault to inject. Faults that come before the request is acted on leave no trace at the
/// simulated bol; faults that come after let it take effect and damage only the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimFault {
    /// Answer this HTTP status with a `Problem` body, without acting on the request.
    Status(u16),
    /// Answer 429 with a `Problem` body and, when given, `Retry-After` (and
    /// `x-ratelimit-remaining: 0`, `x-ratelimit-reset`), without acting on the request.
    RateLimited {
        /// Seconds to send in `Retry-After`; `None` sends no wait at all.
        retry_after_secs: Option<u64>,
    },
    /// Act on the request as usual, then wait this long before answering (a write still takes
    /// effect when the client gives up meanwhile).
    Delay(Duration),
    /// Never answer and never act: the request waits an hour (or until the simulator stops),
    /// far beyond any client timeout.
    Hang,
    /// Close the connection (TCP reset) without any HTTP answer and without acting.
    ConnectionReset,
    /// Act on the request, then answer 200 with text that is not JSON under the endpoint's
    /// own (JSON) content type.
    GarbageBody,
    /// Act on the request, then send only the first half of the real answer's body (a
    /// complete HTTP message whose JSON stops in the middle).
    TruncatedBody,
    /// Act on the request (a write is accepted and its process started), then lose the
    /// answer: the first such fault answers 502, the next one resets the connection, and so on
    /// alternately. The ambiguous write.
    AppliedButLost,
}

impl SimFault {
    /// A short name of the fault's kind, as [`super::BolSim::fault_counts`] reports it.
    pub(crate) fn kind(&self) -> String {
        match self {
            Self::Status(code) => format!("status_{code}"),
            Self::RateLimited {
                retry_after_secs: Some(_),
            } => "rate_limited".to_owned(),
            Self::RateLimited {
                retry_after_secs: None,
            } => "rate_limited_without_retry_after".to_owned(),
            Self::Delay(_) => "delay".to_owned(),
            Self::Hang => "hang".to_owned(),
            Self::ConnectionReset => "connection_reset".to_owned(),
            Self::GarbageBody => "garbage_body".to_owned(),
            Self::TruncatedBody => "truncated_body".to_owned(),
            Self::AppliedButLost => "applied_but_lost".to_owned(),
        }
    }
}

/// Valid answers with oddities a client must take in its stride, switched on with
/// [`super::BolSim::set_quirks`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SimQuirks {
    /// Values the spec does not list: `fulfilmentMethod` `FBX` in the orders list, salutation
    /// `X`, `distributionParty` `OTHER` and `timeFrameType` `MOONLIGHT` in order details, and
    /// an unknown `eventType` plus `QUEUED` instead of `PENDING` in process statuses. The
    /// fulfilment method in order details stays true (a connector must not guess that one).
    pub unknown_enum_values: bool,
    /// Leave out every field the spec lets bol leave out (order date, billing details, offer,
    /// product and fulfilment of order items, optional address parts, process ids and error
    /// messages, token type and scope). A finished offer export keeps its `entityId`, the only
    /// way to its file.
    pub omit_optional_fields: bool,
    /// Answer `{}` instead of `{"orders": []}` / `{"processStatuses": []}` for an empty list.
    pub empty_list_as_object: bool,
}

/// How long a chaos "hang" lasts: a little beyond a typical 2 s client timeout.
pub(crate) const CHAOS_DELAY: Duration = Duration::from_millis(2500);

/// The faults chaos draws from for `endpoint`.
fn chaos_mix(endpoint: SimEndpoint) -> Vec<SimFault> {
    let mut mix = vec![
        SimFault::Status(500),
        SimFault::Status(502),
        SimFault::Status(503),
        SimFault::ConnectionReset,
        SimFault::Delay(CHAOS_DELAY),
        SimFault::RateLimited {
            retry_after_secs: Some(1),
        },
        SimFault::RateLimited {
            retry_after_secs: None,
        },
        SimFault::GarbageBody,
        SimFault::TruncatedBody,
    ];
    if endpoint.is_write() {
        mix.push(SimFault::AppliedButLost);
    }
    mix
}

/// Which fault each request meets (the kit's plan), and bol's own faults: processes that end
/// in FAILURE or TIMEOUT, counted beside the requests' faults.
pub(crate) struct BolFaults {
    plan: orderbridge_simkit::FaultPlan<SimEndpoint, SimFault>,
    /// Faults that are not a request's (`process_failure`, `label_process_timeout`), by kind.
    own_counts: BTreeMap<String, u64>,
    /// Whether the next lost answer resets the connection (they alternate, 502 first).
    next_lost_resets: bool,
    /// Share of shipment and cancellation processes that end in FAILURE without effect.
    process_failure_rate: f64,
    /// Entities (order items) whose shipment and cancellation processes always fail.
    failing_entities: Vec<String>,
    /// Whether label purchase processes end in TIMEOUT (the label charged all the same).
    label_timeouts: bool,
}

impl BolFaults {
    pub(crate) fn new() -> Self {
        Self {
            plan: orderbridge_simkit::FaultPlan::default(),
            own_counts: BTreeMap::new(),
            next_lost_resets: false,
            process_failure_rate: 0.0,
            failing_entities: Vec::new(),
            label_timeouts: false,
        }
    }

    fn count_own(&mut self, kind: &str) {
        *self.own_counts.entry(kind.to_owned()).or_default() += 1;
    }

    /// Label purchase processes end in `TIMEOUT` from now on (see
    /// [`super::BolSim::time_out_label_purchases`]).
    pub(crate) fn time_out_label_purchases(&mut self) {
        self.label_timeouts = true;
    }

    /// Whether the label purchase process that resolves now ends in `TIMEOUT`.
    pub(crate) fn label_purchase_times_out(&mut self) -> bool {
        if self.label_timeouts {
            self.count_own("label_process_timeout");
        }
        self.label_timeouts
    }

    /// A share of the shipment and cancellation processes fail (see
    /// [`BolFaults::process_fails`]).
    pub(crate) fn fail_processes_at_rate(&mut self, rate: f64) {
        self.process_failure_rate = rate;
    }

    /// Every shipment and cancellation process about `entity_id` fails.
    pub(crate) fn fail_processes_of(&mut self, entity_id: &str) {
        self.failing_entities.push(entity_id.to_owned());
    }

    /// Whether the shipment or cancellation process about `entity_id` that resolves now ends
    /// in FAILURE without effect, as bol's does after its own retries of a downstream service
    /// that kept answering unexpectedly ("we retry your request 5 times every 5 minutes. If
    /// it fails 5 times in a row, the status will become FAILURE",
    /// https://api.bol.com/retailer/public/Retailer-API/v4/functional/process-status.html):
    /// a failure unrelated to the request, which may well succeed when sent again. Drawn from
    /// the plan's seeded RNG; counted as `process_failure`.
    pub(crate) fn process_fails(&mut self, entity_id: Option<&str>) -> bool {
        let stubborn = entity_id.is_some_and(|id| self.failing_entities.iter().any(|e| e == id));
        let fails = stubborn || self.plan.draw(self.process_failure_rate);
        if fails {
            self.count_own("process_failure");
        }
        fails
    }

    pub(crate) fn inject(&mut self, endpoint: SimEndpoint, fault: SimFault, times: u32) {
        self.plan.queue(endpoint.scope(), fault, times);
    }

    pub(crate) fn inject_rate(&mut self, endpoint: SimEndpoint, fault: SimFault, rate: f64) {
        self.plan.queue_rate(endpoint.scope(), fault, rate);
    }

    pub(crate) fn set_chaos(&mut self, rate: f64, seed: u64) {
        self.plan.set_chaos(rate, seed, chaos_mix);
    }

    /// Drops every injected fault, stops chaos and bol's own faults; the counts stay.
    pub(crate) fn clear(&mut self) {
        self.plan.clear();
        self.process_failure_rate = 0.0;
        self.failing_entities.clear();
        self.label_timeouts = false;
    }

    /// The fault a request to `endpoint` meets now, if any (counted faults are used up).
    pub(crate) fn take(&mut self, endpoint: SimEndpoint) -> Option<SimFault> {
        self.plan.next(endpoint)
    }

    /// Whether this lost answer resets the connection (every second one) instead of 502.
    pub(crate) fn next_lost_answer_resets(&mut self) -> bool {
        let resets = self.next_lost_resets;
        self.next_lost_resets = !resets;
        resets
    }

    /// How many faults of each kind were picked, bol's own included, sorted by kind name.
    pub(crate) fn counts(&self) -> Vec<(String, u64)> {
        let mut counts: BTreeMap<String, u64> = self.own_counts.clone();
        for (kind, n) in self.plan.served_by(SimFault::kind) {
            *counts.entry(kind).or_default() += n;
        }
        counts.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_for_any_endpoint_meets_the_token_endpoint_too() {
        let mut faults = BolFaults::new();
        faults.inject(SimEndpoint::GetOrder, SimFault::Hang, 1);
        faults.inject(SimEndpoint::Any, SimFault::Status(500), 1);
        assert_eq!(faults.take(SimEndpoint::Token), Some(SimFault::Status(500)));
        assert_eq!(faults.take(SimEndpoint::Token), None);
        assert_eq!(faults.take(SimEndpoint::GetOrder), Some(SimFault::Hang));
    }

    #[test]
    fn chaos_keeps_lost_answers_to_writes() {
        for endpoint in [
            SimEndpoint::CreateShipment,
            SimEndpoint::Cancellation,
            SimEndpoint::OfferStock,
            SimEndpoint::CreateShippingLabel,
        ] {
            assert!(chaos_mix(endpoint).contains(&SimFault::AppliedButLost));
        }
        for endpoint in [
            SimEndpoint::Token,
            SimEndpoint::ListOrders,
            SimEndpoint::GetOrder,
            SimEndpoint::ProcessStatus,
            SimEndpoint::OfferExport,
            SimEndpoint::DeliveryOptions,
            SimEndpoint::ShippingLabel,
        ] {
            let mix = chaos_mix(endpoint);
            assert!(!mix.contains(&SimFault::AppliedButLost), "{endpoint:?}");
            assert!(mix.contains(&SimFault::ConnectionReset), "{endpoint:?}");
        }
    }

    #[test]
    fn process_failures_are_counted_beside_the_requests_faults_and_cleared() {
        let mut faults = BolFaults::new();
        faults.inject(SimEndpoint::GetOrder, SimFault::Status(503), 2);
        faults.fail_processes_of("item-1");
        faults.time_out_label_purchases();
        assert!(!faults.process_fails(Some("item-2")));
        assert!(faults.process_fails(Some("item-1")));
        assert!(faults.label_purchase_times_out());
        faults.take(SimEndpoint::GetOrder);
        faults.take(SimEndpoint::GetOrder);
        faults.clear();
        assert!(!faults.process_fails(Some("item-1")));
        assert!(!faults.label_purchase_times_out());
        assert_eq!(
            faults.counts(),
            vec![
                ("label_process_timeout".to_owned(), 1),
                ("process_failure".to_owned(), 1),
                ("status_503".to_owned(), 2),
            ]
        );
    }

    #[test]
    fn process_failures_at_a_rate_repeat_with_the_chaos_seed() {
        let run = |seed| {
            let mut faults = BolFaults::new();
            faults.set_chaos(0.0, seed);
            faults.fail_processes_at_rate(0.5);
            (0..100)
                .map(|_| faults.process_fails(None))
                .collect::<Vec<_>>()
        };
        let first = run(7);
        assert_eq!(first, run(7));
        assert_ne!(first, run(8));
        let n_failed = first.iter().filter(|failed| **failed).count();
        assert!((25..75).contains(&n_failed), "{n_failed}");
    }

    #[test]
    fn lost_answers_alternate_between_502_and_reset() {
        let mut faults = BolFaults::new();
        assert!(!faults.next_lost_answer_resets());
        assert!(faults.next_lost_answer_resets());
        assert!(!faults.next_lost_answer_resets());
    }
}
