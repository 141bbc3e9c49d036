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

use std::time::{Duration, Instant};

use common::world::{check_invariants, World};
use common::TestDb;
use common::{connection_toml, sigterm, simulators, spawn_daemon, write_config, FAST_SCHEDULE};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
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

    let mut world = World::new(&bol, &woo);
    let started = Instant::now();
    let mut child = spawn_daemon(&config, &log);
    for kill_idx in 0..n_kills {
        // Orders keep arriving while the daemon is killed and restarted.
        let due = n_orders * (kill_idx + 1) / n_kills;
        while world.fates.len() < due {
            let idx = world.fates.len();
            world.place(&mut rng, seed, idx, &products);
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
            let unsettled = world.unsettled();
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

both_backends!(under_faults_and_kills_nothing_is_lost_and_nothing_happens_twice);
