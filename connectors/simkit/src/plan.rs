//! The fault plan: which fault, if any, each request to a simulator meets, and what was met.
//! Generic over the simulator's endpoint type `E` and fault type `F`, so every simulator names
//! its own endpoints and faults and shares the rules:
//!
//! - faults queued for an endpoint (or for every endpoint, [`Scope::Every`]) a number of times
//!   come first, oldest first among those that apply;
//! - then faults injected at a rate, each applying one drawn with its probability;
//! - then chaos: with its rate, a fault drawn from the mix the simulator gives for the endpoint
//!   (a write's mix can hold a lost reply, a read's should not);
//! - every draw comes from one RNG seeded by [`FaultPlan::set_chaos`], so the same seed and the
//!   same requests meet the same faults (a simulator's own draws use [`FaultPlan::draw`]);
//! - every request is counted per endpoint, faulted or not, and every fault served is counted.

use std::collections::HashMap;
use std::hash::Hash;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Which requests a fault is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<E> {
    /// Requests to this endpoint.
    Only(E),
    /// Requests to any endpoint.
    Every,
}

impl<E> From<E> for Scope<E> {
    fn from(endpoint: E) -> Self {
        Scope::Only(endpoint)
    }
}

impl<E: PartialEq> Scope<E> {
    fn covers(&self, endpoint: &E) -> bool {
        match self {
            Scope::Only(own) => own == endpoint,
            Scope::Every => true,
        }
    }
}

/// The faults chaos may serve a request to an endpoint.
pub type ChaosMix<E, F> = fn(E) -> Vec<F>;

#[derive(Debug)]
struct Queued<E, F> {
    scope: Scope<E>,
    fault: F,
    remaining: u32,
}

#[derive(Debug)]
struct Rated<E, F> {
    scope: Scope<E>,
    fault: F,
    rate: f64,
}

#[derive(Debug)]
struct Chaos<E, F> {
    rate: f64,
    mix: ChaosMix<E, F>,
}

/// Seed of the RNG until [`FaultPlan::set_chaos`] sets one.
const DEFAULT_SEED: u64 = 0;

/// Faults queued, served at a rate and drawn by chaos, for endpoints `E`; the requests seen
/// and the faults served.
#[derive(Debug)]
pub struct FaultPlan<E, F> {
    queued: Vec<Queued<E, F>>,
    rated: Vec<Rated<E, F>>,
    chaos: Option<Chaos<E, F>>,
    rng: StdRng,
    requests: HashMap<E, usize>,
    /// Each distinct fault served and how often, in the order first served.
    served: Vec<(F, u64)>,
}

impl<E, F> Default for FaultPlan<E, F> {
    fn default() -> Self {
        Self {
            queued: Vec::new(),
            rated: Vec::new(),
            chaos: None,
            rng: StdRng::seed_from_u64(DEFAULT_SEED),
            requests: HashMap::new(),
            served: Vec::new(),
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

impl<E: Copy + Eq + Hash, F: Clone + PartialEq> FaultPlan<E, F> {
    /// Queues `fault` for the next `times` requests `scope` covers (an endpoint `E` is
    /// [`Scope::Only`] that endpoint); `times` 0 queues nothing.
    pub fn queue(&mut self, scope: impl Into<Scope<E>>, fault: F, times: u32) {
        if times > 0 {
            self.queued.push(Queued {
                scope: scope.into(),
                fault,
                remaining: times,
            });
        }
    }

    /// Serves `fault` to each request `scope` covers with probability `rate` (clamped to
    /// `0.0..=1.0`), until [`FaultPlan::clear`].
    pub fn queue_rate(&mut self, scope: impl Into<Scope<E>>, fault: F, rate: f64) {
        self.rated.push(Rated {
            scope: scope.into(),
            fault,
            rate: probability(rate),
        });
    }

    /// Chaos: every request meets, with probability `rate`, a fault drawn from `mix` of its
    /// endpoint; rate 0 stops chaos. Reseeds the plan's RNG with `seed` either way.
    pub fn set_chaos(&mut self, rate: f64, seed: u64, mix: ChaosMix<E, F>) {
        let rate = probability(rate);
        self.chaos = (rate > 0.0).then_some(Chaos { rate, mix });
        self.rng = StdRng::seed_from_u64(seed);
    }

    /// A draw with probability `rate` from the plan's seeded RNG, for a simulator's own faults
    /// (a process that fails, say), so they repeat with the seed too.
    pub fn draw(&mut self, rate: f64) -> bool {
        let rate = probability(rate);
        rate > 0.0 && self.rng.random_bool(rate)
    }

    /// Drops every queued and rated fault and stops chaos; the counts stay.
    pub fn clear(&mut self) {
        self.queued.clear();
        self.rated.clear();
        self.chaos = None;
    }

    /// Counts a request to `endpoint` and hands it its fault, if it meets one (a queued one
    /// is used up); the fault is counted as served.
    pub fn next(&mut self, endpoint: E) -> Option<F> {
        *self.requests.entry(endpoint).or_default() += 1;
        let fault = self
            .take_queued(endpoint)
            .or_else(|| self.draw_rated(endpoint))
            .or_else(|| self.draw_chaos(endpoint))?;
        match self.served.iter_mut().find(|(known, _)| *known == fault) {
            Some((_, n)) => *n += 1,
            None => self.served.push((fault.clone(), 1)),
        }
        Some(fault)
    }

    fn take_queued(&mut self, endpoint: E) -> Option<F> {
        let idx = self
            .queued
            .iter()
            .position(|queued| queued.scope.covers(&endpoint))?;
        let queued = &mut self.queued[idx];
        queued.remaining -= 1;
        if queued.remaining == 0 {
            Some(self.queued.remove(idx).fault)
        } else {
            Some(queued.fault.clone())
        }
    }

    fn draw_rated(&mut self, endpoint: E) -> Option<F> {
        let rng = &mut self.rng;
        self.rated
            .iter()
            .filter(|rated| rated.scope.covers(&endpoint))
            .find(|rated| rng.random_bool(rated.rate))
            .map(|rated| rated.fault.clone())
    }

    fn draw_chaos(&mut self, endpoint: E) -> Option<F> {
        let chaos = self.chaos.as_ref()?;
        if !self.rng.random_bool(chaos.rate) {
            return None;
        }
        let mix = (chaos.mix)(endpoint);
        if mix.is_empty() {
            return None;
        }
        let idx = self.rng.random_range(0..mix.len());
        mix.into_iter().nth(idx)
    }

    /// Requests to `endpoint` so far (faulted ones included).
    pub fn requests(&self, endpoint: E) -> usize {
        self.requests.get(&endpoint).copied().unwrap_or(0)
    }

    /// How many faults were served, summed by `kind` (a name, say), sorted by kind.
    pub fn served_by<K: Ord>(&self, kind: impl Fn(&F) -> K) -> Vec<(K, u64)> {
        let mut by_kind: Vec<(K, u64)> = Vec::new();
        for (fault, n) in &self.served {
            let kind = kind(fault);
            match by_kind.iter_mut().find(|(known, _)| *known == kind) {
                Some((_, total)) => *total += n,
                None => by_kind.push((kind, *n)),
            }
        }
        by_kind.sort_by(|a, b| a.0.cmp(&b.0));
        by_kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    enum Endpoint {
        Read,
        Write,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Fault {
        Status(u16),
        Reset,
        Lost,
    }

    fn mix(endpoint: Endpoint) -> Vec<Fault> {
        match endpoint {
            Endpoint::Read => vec![Fault::Status(503), Fault::Reset],
            Endpoint::Write => vec![Fault::Status(503), Fault::Reset, Fault::Lost],
        }
    }

    fn name(fault: &Fault) -> String {
        match fault {
            Fault::Status(code) => format!("status_{code}"),
            Fault::Reset => "reset".to_owned(),
            Fault::Lost => "lost".to_owned(),
        }
    }

    #[test]
    fn faults_are_served_in_order_per_endpoint_and_requests_counted() {
        let (one, two, three) = (1_u8, 2_u8, 3_u8);
        let mut plan: FaultPlan<u8, &str> = FaultPlan::default();
        plan.queue(one, "lost", 2);
        plan.queue(one, "503", 1);
        plan.queue(three, "never", 0);
        assert_eq!(plan.next(two), None);
        assert_eq!(plan.next(one), Some("lost"));
        assert_eq!(plan.next(one), Some("lost"));
        assert_eq!(plan.next(one), Some("503"));
        assert_eq!(plan.next(one), None);
        assert_eq!(plan.next(three), None);
        assert_eq!(
            (plan.requests(one), plan.requests(two), plan.requests(three)),
            (4, 1, 1)
        );
    }

    #[test]
    fn a_fault_for_every_endpoint_takes_its_turn_among_the_queued() {
        let mut plan = FaultPlan::default();
        plan.queue(Endpoint::Write, Fault::Status(500), 2);
        plan.queue(Scope::Every, Fault::Lost, 1);
        assert_eq!(plan.next(Endpoint::Write), Some(Fault::Status(500)));
        assert_eq!(plan.next(Endpoint::Read), Some(Fault::Lost));
        assert_eq!(plan.next(Endpoint::Read), None);
        assert_eq!(plan.next(Endpoint::Write), Some(Fault::Status(500)));
        assert_eq!(plan.next(Endpoint::Write), None);
    }

    #[test]
    fn queued_faults_come_before_rated_ones_and_clear_stops_both() {
        let mut plan = FaultPlan::default();
        plan.queue_rate(Scope::Every, Fault::Status(500), 1.0);
        plan.queue(Endpoint::Read, Fault::Reset, 1);
        plan.queue_rate(Endpoint::Write, Fault::Lost, 0.0);
        assert_eq!(plan.next(Endpoint::Read), Some(Fault::Reset));
        assert_eq!(plan.next(Endpoint::Read), Some(Fault::Status(500)));
        assert_eq!(plan.next(Endpoint::Write), Some(Fault::Status(500)));
        plan.set_chaos(1.0, 5, mix);
        plan.clear();
        assert_eq!(plan.next(Endpoint::Read), None);
        assert_eq!(
            plan.served_by(name),
            vec![("reset".to_owned(), 1), ("status_500".to_owned(), 2)]
        );
    }

    #[test]
    fn a_rated_fault_meets_about_its_share_of_requests() {
        let mut plan = FaultPlan::default();
        plan.queue_rate(Endpoint::Read, Fault::Reset, 0.5);
        let served = (0..400)
            .filter(|_| plan.next(Endpoint::Read).is_some())
            .count();
        assert!((120..280).contains(&served), "{served}");
        plan.queue_rate(Endpoint::Write, Fault::Lost, f64::NAN);
        assert_eq!(plan.next(Endpoint::Write), None);
    }

    #[test]
    fn chaos_repeats_with_its_seed_and_draws_from_the_endpoints_mix() {
        let run = |seed| {
            let mut plan = FaultPlan::default();
            plan.set_chaos(0.3, seed, mix);
            (0..300)
                .map(|_| plan.next(Endpoint::Read))
                .collect::<Vec<_>>()
        };
        let first = run(7);
        assert_eq!(first, run(7));
        assert_ne!(first, run(8));
        let n_faults = first.iter().flatten().count();
        assert!((50..130).contains(&n_faults), "{n_faults}");
        assert!(first.contains(&Some(Fault::Reset)));
        assert!(!first.contains(&Some(Fault::Lost)));

        let mut plan = FaultPlan::default();
        plan.set_chaos(1.0, 1, mix);
        let writes: Vec<_> = (0..100)
            .filter_map(|_| plan.next(Endpoint::Write))
            .collect();
        assert_eq!(writes.len(), 100);
        assert!(writes.contains(&Fault::Lost));
        plan.set_chaos(0.0, 1, mix);
        assert_eq!(plan.next(Endpoint::Write), None);
    }

    #[test]
    fn the_simulators_own_draws_repeat_with_the_seed() {
        let run = |seed| {
            let mut plan: FaultPlan<Endpoint, Fault> = FaultPlan::default();
            plan.set_chaos(0.0, seed, mix);
            (0..200).map(|_| plan.draw(0.5)).collect::<Vec<_>>()
        };
        let first = run(3);
        assert_eq!(first, run(3));
        assert_ne!(first, run(4));
        let mut plan: FaultPlan<Endpoint, Fault> = FaultPlan::default();
        assert!((0..50).all(|_| plan.draw(1.0)));
        assert!((0..50).all(|_| !plan.draw(0.0)));
        assert!((0..50).all(|_| !plan.draw(f64::NAN)));
    }

    #[test]
    fn served_faults_are_summed_by_kind() {
        let mut plan = FaultPlan::default();
        plan.queue(Endpoint::Read, Fault::Status(500), 2);
        plan.queue(Endpoint::Read, Fault::Status(503), 1);
        plan.queue(Endpoint::Read, Fault::Reset, 1);
        for _ in 0..5 {
            plan.next(Endpoint::Read);
        }
        let by_class = plan.served_by(|fault| match fault {
            Fault::Status(code) => format!("{}xx", code / 100),
            other => name(other),
        });
        assert_eq!(
            by_class,
            vec![("5xx".to_owned(), 3), ("reset".to_owned(), 1)]
        );
    }
}
