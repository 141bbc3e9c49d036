//! The chaos test: the real `orderbridge run` binary against both simulators serving faults on
//! 20% of all requests (5xx, resets, slow answers beyond the timeout, 429s, garbage and
//! truncated bodies, writes applied with their reply lost), SIGKILLed at random moments and
//! restarted, while buyers and the merchant complete and cancel orders on both sides. At the
//! end the simulators' own state must show: every order in the webshop at most once (exactly
//! once unless cancelled before it got there), nothing shipped or cancelled twice, every
//! completed webshop order shipped, every cancellation carried to the other side, and no order
//! stuck outside a final status.
//!
//! CI runs a bounded version. The full run (1,000 orders, 50 kills) is
//! `ORDERBRIDGE_CHAOS_ORDERS=1000 ORDERBRIDGE_CHAOS_KILLS=50 ORDERBRIDGE_CHAOS_SETTLE_SECS=1500 cargo test --test chaos -- --nocapture`
//! (see RELIABILITY.md).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::TestDb;
use common::{connection_toml, sigterm, simulators, spawn_daemon, write_config, FAST_SCHEDULE};
use orderbridge_bol::sim::{BolSim, SimOrder};
use orderbridge_woocommerce::sim::WooSim;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What the buyer and the merchant do with each order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Completed in the webshop with a T&T code.
    ShipWithCode,
    /// Completed without one: shipped after the T&T wait.
    ShipWithoutCode,
    /// The buyer cancels before the order is imported.
    BuyerCancelsAtOnce,
    /// The buyer cancels once the order is in the webshop.
    BuyerCancelsLater,
    /// The merchant cancels in the webshop.
    MerchantCancels,
}

fn fate(rng: &mut StdRng) -> Fate {
    match rng.random_range(0..100) {
        0..=69 => Fate::ShipWithCode,
        70..=81 => Fate::ShipWithoutCode,
        82..=87 => Fate::BuyerCancelsAtOnce,
        88..=93 => Fate::BuyerCancelsLater,
        _ => Fate::MerchantCancels,
    }
}

struct World {
    bol: BolSim,
    woo: WooSim,
    fates: HashMap<String, Fate>,
    handled: HashSet<u64>,
}

impl World {
    /// The merchant and the buyers act on webshop orders that appeared.
    fn act(&mut self) {
        for order in self.woo.orders() {
            if order.status != "processing" || self.handled.contains(&order.id) {
                continue;
            }
            let Some(marketplace_id) = order
                .meta_str("_orderbridge_marketplace_order_id")
                .map(str::to_owned)
            else {
                continue;
            };
            self.handled.insert(order.id);
            match self.fates.get(&marketplace_id) {
                Some(Fate::ShipWithCode) => {
                    let code = format!("3SCHAO{:07}", order.id);
                    self.woo.complete_order(order.id, Some(("PostNL", &code)));
                }
                Some(Fate::ShipWithoutCode) => self.woo.complete_order(order.id, None),
                Some(Fate::BuyerCancelsLater) => self.bol.request_cancellation(&marketplace_id),
                Some(Fate::MerchantCancels) => self.woo.cancel_order(order.id),
                Some(Fate::BuyerCancelsAtOnce) | None => {}
            }
        }
    }

    /// Whether every order reached its end on the marketplace.
    fn settled(&self) -> bool {
        self.fates.keys().all(|id| {
            self.bol.order(id).is_some_and(|o| {
                o.items
                    .iter()
                    .all(|i| i.quantity_shipped + i.quantity_cancelled == i.quantity)
            })
        })
    }
}

async fn under_faults_and_kills_nothing_is_lost_and_nothing_happens_twice(db: TestDb) {
    let n_orders = env_or("ORDERBRIDGE_CHAOS_ORDERS", 120) as usize;
    let n_kills = env_or("ORDERBRIDGE_CHAOS_KILLS", 20) as usize;
    let seed = env_or("ORDERBRIDGE_CHAOS_SEED", 20_261_122);
    let fault_rate = 0.2;
    println!("chaos: {n_orders} orders, {n_kills} SIGKILLs, {fault_rate} fault rate, seed {seed}");
    let mut rng = StdRng::seed_from_u64(seed);

    let (bol, woo, products) = simulators(None).await;
    let dir = tempfile::tempdir().unwrap();
    let extra = format!(
        "{FAST_SCHEDULE}\n[orders]\ntracking_wait_secs = 2\nretry_delay_secs = 1\nbatch_limit = 500\n\n[stock]\nenabled = false\n"
    );
    let config = write_config(dir.path(), &db,
        "chaos",
        "[logging]\nformat = \"json\"\nlevel = \"info\"\n\n[scheduler]\ninstance_id = \"chaos\"\nlease_secs = 10\nshutdown_grace_secs = 10\n",
        &connection_toml(&bol, &woo, &extra).replace("timeout_secs = 5", "timeout_secs = 2"),
    );
    let log = dir.path().join("daemon.log");
    bol.set_chaos(fault_rate, seed);
    woo.set_chaos(fault_rate, seed.wrapping_add(1));

    let mut world = World {
        bol: bol.clone(),
        woo: woo.clone(),
        fates: HashMap::new(),
        handled: HashSet::new(),
    };
    let place = |world: &mut World, rng: &mut StdRng, idx: usize| {
        let id = world.bol.add_order(SimOrder::sample(
            seed.wrapping_mul(1_000_003) + idx as u64,
            &products,
        ));
        let fate = fate(rng);
        if fate == Fate::BuyerCancelsAtOnce {
            world.bol.request_cancellation(&id);
        }
        world.fates.insert(id, fate);
    };
    let started = Instant::now();
    let mut child = spawn_daemon(&config, &log);
    for kill_idx in 0..n_kills {
        // Orders keep arriving while the daemon is killed and restarted.
        let due = n_orders * (kill_idx + 1) / n_kills;
        while world.fates.len() < due {
            let idx = world.fates.len();
            place(&mut world, &mut rng, idx);
        }
        let until = Instant::now() + Duration::from_millis(rng.random_range(300..2000));
        while Instant::now() < until {
            world.act();
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        child = spawn_daemon(&config, &log);
    }
    let kills_done = started.elapsed();

    // Faults go on; the last process must bring every order to its end in bounded time.
    let bound = Duration::from_secs(env_or("ORDERBRIDGE_CHAOS_SETTLE_SECS", 240));
    let settle_started = Instant::now();
    while !world.settled() {
        if settle_started.elapsed() > bound {
            let unsettled: Vec<(&String, &Fate)> = world
                .fates
                .iter()
                .filter(|(id, _)| {
                    !bol.order(id)
                        .unwrap()
                        .items
                        .iter()
                        .all(|i| i.quantity_shipped + i.quantity_cancelled == i.quantity)
                })
                .collect();
            let log_text = std::fs::read_to_string(&log).unwrap_or_default();
            let kept = std::env::temp_dir().join(format!("orderbridge-chaos-{seed}.log"));
            let _ = std::fs::copy(&log, &kept);
            let about_first: Vec<&str> = log_text
                .lines()
                .filter(|l| {
                    unsettled
                        .first()
                        .is_some_and(|(id, _)| l.contains(id.as_str()))
                })
                .collect();
            panic!(
                "not settled within {bound:?}; unsettled: {unsettled:?}; daemon log kept at {}\nlog about the first:\n{}",
                kept.display(),
                about_first.join("\n")
            );
        }
        world.act();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let settle_time = settle_started.elapsed();
    bol.clear_faults();
    woo.clear_faults();
    // A last look at the local state once the daemon had time to record the final processes.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        sigterm(&mut child).success(),
        "SIGTERM ends the daemon with 0"
    );

    check_invariants(&world, &config);
    println!(
        "chaos: kills done after {:.1}s, settled {:.1}s later; bol faults {:?}; webshop faults {:?}; {} webshop creates, {} shipment requests, {} cancellation requests",
        kills_done.as_secs_f64(),
        settle_time.as_secs_f64(),
        bol.fault_counts(),
        woo.fault_counts(),
        woo.create_requests(),
        bol.shipment_requests(),
        bol.cancellation_requests(),
    );
}

fn check_invariants(world: &World, config: &Path) {
    let (bol, woo) = (&world.bol, &world.woo);
    let shipments = bol.shipments();
    let cancellations = bol.cancellations();
    for (id, fate) in &world.fates {
        let view = bol.order(id).unwrap();
        let in_webshop = woo.orders_with_marketplace_order(id);
        match fate {
            Fate::BuyerCancelsAtOnce => assert!(
                in_webshop.is_empty(),
                "order {id} cancelled before import reached the webshop"
            ),
            _ => assert_eq!(
                in_webshop.len(),
                1,
                "order {id} is {} times in the webshop",
                in_webshop.len()
            ),
        }
        let n_shipments = shipments.iter().filter(|s| &s.order_id == id).count();
        assert!(n_shipments <= 1, "order {id} shipped {n_shipments} times");
        for item in &view.items {
            let shipped: u32 = shipments
                .iter()
                .flat_map(|s| s.items.iter())
                .filter(|(item_id, _)| item_id == &item.order_item_id)
                .map(|(_, qty)| qty)
                .sum();
            let n_cancelled = cancellations
                .iter()
                .filter(|c| c.order_item_id == item.order_item_id)
                .count();
            assert!(
                shipped <= item.quantity,
                "item {} over-shipped",
                item.order_item_id
            );
            assert!(
                n_cancelled <= 1,
                "item {} cancelled {n_cancelled} times",
                item.order_item_id
            );
            assert_eq!(
                item.quantity_shipped + item.quantity_cancelled,
                item.quantity
            );
        }
        let webshop_status = in_webshop.first().map(|o| o.status.as_str());
        let all_shipped = view.items.iter().all(|i| i.quantity_shipped == i.quantity);
        let all_cancelled = view
            .items
            .iter()
            .all(|i| i.quantity_cancelled == i.quantity);
        match fate {
            Fate::ShipWithCode | Fate::ShipWithoutCode => {
                assert_eq!(webshop_status, Some("completed"));
                assert!(
                    all_shipped,
                    "completed webshop order {id} is shipped on bol"
                );
            }
            Fate::BuyerCancelsAtOnce => assert!(all_cancelled, "order {id} cancelled on bol"),
            Fate::BuyerCancelsLater | Fate::MerchantCancels => {
                assert!(all_cancelled, "order {id} cancelled on bol");
                assert_eq!(
                    webshop_status,
                    Some("cancelled"),
                    "order {id} cancelled in the webshop"
                );
            }
        }
    }
    assert_eq!(
        woo.orders().len(),
        world
            .fates
            .values()
            .filter(|f| **f != Fate::BuyerCancelsAtOnce)
            .count(),
        "no stray webshop orders"
    );
    let listed = Command::new(env!("CARGO_BIN_EXE_orderbridge"))
        .arg("--config")
        .arg(config)
        .args(["orders", "list", "--limit", "100000"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listed.stdout);
    let stuck: Vec<&str> = listing
        .lines()
        .skip(2)
        .filter(|l| !l.contains(" shipped ") && !l.contains(" cancelled "))
        .collect();
    assert!(
        stuck.is_empty(),
        "orders not in a final status:\n{}",
        stuck.join("\n")
    );
    assert_eq!(
        listing.lines().skip(2).count(),
        world.fates.len(),
        "every order recorded"
    );
}

both_backends!(under_faults_and_kills_nothing_is_lost_and_nothing_happens_twice);
