//! What can go wrong in the simulator and when: the endpoints ([`SimEndpoint`]), the faults
//! ([`SimFault`]), the switchable oddities of valid answers ([`SimQuirks`]), and the plan that
//! picks the fault for each request: faults injected a number of times first, then faults
//! injected at a rate, then chaos. Every fault picked is counted by kind. How a fault looks on
//! the wire is in `gate.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// An endpoint a fault can be injected into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

struct CountedFault {
    endpoint: SimEndpoint,
    fault: SimFault,
    remaining: u32,
}

struct RateFault {
    endpoint: SimEndpoint,
    fault: SimFault,
    rate: f64,
}

fn matches(injected: SimEndpoint, endpoint: SimEndpoint) -> bool {
    injected == endpoint || injected == SimEndpoint::Any
}

/// Which fault each request meets.
pub(crate) struct FaultPlan {
    counted: Vec<CountedFault>,
    rated: Vec<RateFault>,
    chaos_rate: f64,
    rng: StdRng,
    counts: BTreeMap<String, u64>,
    /// Whether the next lost answer resets the connection (they alternate, 502 first).
    next_lost_resets: bool,
    /// Share of shipment and cancellation processes that end in FAILURE without effect.
    process_failure_rate: f64,
    /// Entities (order items) whose shipment and cancellation processes always fail.
    failing_entities: Vec<String>,
    /// Whether label purchase processes end in TIMEOUT (the label charged all the same).
    label_timeouts: bool,
}

impl FaultPlan {
    pub(crate) fn new() -> Self {
        Self {
            counted: Vec::new(),
            rated: Vec::new(),
            chaos_rate: 0.0,
            rng: StdRng::seed_from_u64(0),
            counts: BTreeMap::new(),
            next_lost_resets: false,
            process_failure_rate: 0.0,
            failing_entities: Vec::new(),
            label_timeouts: false,
        }
    }

    /// Label purchase processes end in `TIMEOUT` from now on (see
    /// [`super::BolSim::time_out_label_purchases`]).
    pub(crate) fn time_out_label_purchases(&mut self) {
        self.label_timeouts = true;
    }

    /// Whether the label purchase process that resolves now ends in `TIMEOUT`.
    pub(crate) fn label_purchase_times_out(&mut self) -> bool {
        if self.label_timeouts {
            *self
                .counts
                .entry("label_process_timeout".to_owned())
                .or_default() += 1;
        }
        self.label_timeouts
    }

    /// A share of the shipment and cancellation processes fail (see
    /// [`FaultPlan::process_fails`]).
    pub(crate) fn fail_processes_at_rate(&mut self, rate: f64) {
        self.process_failure_rate = rate.clamp(0.0, 1.0);
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
    /// a failure unrelated to the request, which may well succeed when sent again. Counted as
    /// `process_failure`.
    pub(crate) fn process_fails(&mut self, entity_id: Option<&str>) -> bool {
        let stubborn = entity_id.is_some_and(|id| self.failing_entities.iter().any(|e| e == id));
        let fails = stubborn
            || (self.process_failure_rate > 0.0 && self.rng.random_bool(self.process_failure_rate));
        if fails {
            *self.counts.entry("process_failure".to_owned()).or_default() += 1;
        }
        fails
    }

    pub(crate) fn inject(&mut self, endpoint: SimEndpoint, fault: SimFault, times: u32) {
        if times > 0 {
            self.counted.push(CountedFault {
                endpoint,
                fault,
                remaining: times,
            });
        }
    }

    pub(crate) fn inject_rate(&mut self, endpoint: SimEndpoint, fault: SimFault, rate: f64) {
        self.rated.push(RateFault {
            endpoint,
            fault,
            rate: rate.clamp(0.0, 1.0),
        });
    }

    pub(crate) fn set_chaos(&mut self, rate: f64, seed: u64) {
        self.chaos_rate = rate.clamp(0.0, 1.0);
        self.rng = StdRng::seed_from_u64(seed);
    }

    /// Drops every injected fault and stops chaos; the counts stay.
    pub(crate) fn clear(&mut self) {
        self.counted.clear();
        self.rated.clear();
        self.chaos_rate = 0.0;
        self.process_failure_rate = 0.0;
        self.failing_entities.clear();
        self.label_timeouts = false;
    }

    /// The fault a request to `endpoint` meets now, if any (counted faults are used up).
    pub(crate) fn take(&mut self, endpoint: SimEndpoint) -> Option<SimFault> {
        let fault = self.pick(endpoint)?;
        *self.counts.entry(fault.kind()).or_default() += 1;
        Some(fault)
    }

    fn pick(&mut self, endpoint: SimEndpoint) -> Option<SimFault> {
        if let Some(idx) = self
            .counted
            .iter()
            .position(|f| matches(f.endpoint, endpoint))
        {
            let injected = &mut self.counted[idx];
            let fault = injected.fault.clone();
            injected.remaining -= 1;
            if injected.remaining == 0 {
                self.counted.remove(idx);
            }
            return Some(fault);
        }
        for idx in 0..self.rated.len() {
            let (injected, rate) = (self.rated[idx].endpoint, self.rated[idx].rate);
            if matches(injected, endpoint) && self.rng.random_bool(rate) {
                return Some(self.rated[idx].fault.clone());
            }
        }
        if self.chaos_rate > 0.0 && self.rng.random_bool(self.chaos_rate) {
            let mix = chaos_mix(endpoint);
            let idx = self.rng.random_range(0..mix.len());
            return mix.into_iter().nth(idx);
        }
        None
    }

    /// Whether this lost answer resets the connection (every second one) instead of 502.
    pub(crate) fn next_lost_answer_resets(&mut self) -> bool {
        let resets = self.next_lost_resets;
        self.next_lost_resets = !resets;
        resets
    }

    /// How many faults of each kind were picked, by kind name.
    pub(crate) fn counts(&self) -> Vec<(String, u64)> {
        self.counts
            .iter()
            .map(|(kind, n)| (kind.clone(), *n))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_faults_come_first_and_are_used_up() {
        let mut plan = FaultPlan::new();
        plan.inject_rate(SimEndpoint::Any, SimFault::Status(500), 1.0);
        plan.inject(SimEndpoint::GetOrder, SimFault::Hang, 1);
        assert_eq!(plan.take(SimEndpoint::GetOrder), Some(SimFault::Hang));
        assert_eq!(
            plan.take(SimEndpoint::GetOrder),
            Some(SimFault::Status(500))
        );
        plan.clear();
        assert_eq!(plan.take(SimEndpoint::GetOrder), None);
        assert_eq!(
            plan.counts(),
            vec![("hang".to_owned(), 1), ("status_500".to_owned(), 1)]
        );
    }

    #[test]
    fn chaos_is_seeded_and_keeps_lost_answers_to_writes() {
        let draw = |seed| {
            let mut plan = FaultPlan::new();
            plan.set_chaos(0.5, seed);
            (0..200)
                .map(|_| plan.take(SimEndpoint::ListOrders))
                .collect::<Vec<_>>()
        };
        let first = draw(7);
        assert_eq!(first, draw(7));
        let n_faults = first.iter().flatten().count();
        assert!((60..140).contains(&n_faults), "{n_faults}");
        assert!(!first.contains(&Some(SimFault::AppliedButLost)));

        let mut plan = FaultPlan::new();
        plan.set_chaos(1.0, 1);
        let writes: Vec<_> = (0..200)
            .filter_map(|_| plan.take(SimEndpoint::CreateShipment))
            .collect();
        assert!(writes.contains(&SimFault::AppliedButLost));
    }

    #[test]
    fn lost_answers_alternate_between_502_and_reset() {
        let mut plan = FaultPlan::new();
        assert!(!plan.next_lost_answer_resets());
        assert!(plan.next_lost_answer_resets());
        assert!(!plan.next_lost_answer_resets());
    }
}
