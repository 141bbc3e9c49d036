//! SIGTERM with a call in flight: the daemon stops taking new work, gives the call the grace
//! time, abandons it when the grace time is over and exits 0; the next start resumes exactly
//! where it stopped (the abandoned create is found, not repeated).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use std::time::{Duration, Instant};

use common::TestDb;
use common::{
    connection_toml, line, sigterm, simulators, spawn_daemon, wait_for, write_config, FAST_SCHEDULE,
};
use orderbridge_bol::sim::SimOrder;
use orderbridge_woocommerce::sim::{WooEndpoint, WooFault};

async fn sigterm_abandons_a_slow_call_after_the_grace_time_and_the_restart_resumes(db: TestDb) {
    let (bol, woo, products) = simulators(Some(5)).await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &db,
        "shop",
        "[scheduler]\nshutdown_grace_secs = 1\n",
        &connection_toml(&bol, &woo, FAST_SCHEDULE)
            .replace("timeout_secs = 5", "timeout_secs = 10"),
    );
    let log = dir.path().join("daemon.log");
    // The webshop creates the order at once but answers only after 40 s.
    woo.inject_fault(
        WooEndpoint::CreateOrder,
        WooFault::Delay(Duration::from_secs(40)),
        1,
    );
    let id = bol.add_order(SimOrder::nl(vec![line(&products[0], 1)]));
    let mut child = spawn_daemon(&config, &log);
    wait_for("the create call in flight", || woo.create_requests() == 1).await;

    let asked = Instant::now();
    let status = sigterm(&mut child);
    let stopped_after = asked.elapsed();
    assert!(status.success(), "exit 0 after SIGTERM: {status:?}");
    assert!(
        stopped_after < Duration::from_secs(20),
        "the 40 s call was abandoned after the 1 s grace time (took {stopped_after:?})"
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("grace time over"),
        "the abandonment is logged"
    );
    assert!(
        text.contains("leases of abandoned runs end once their requests have timed out"),
        "the abandoned run's lease is kept until its request has surely ended"
    );

    let mut child = spawn_daemon(&config, &log);
    wait_for("the order recorded as created", || {
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("found the order an earlier attempt created")
    })
    .await;
    assert!(sigterm(&mut child).success());
    assert_eq!(
        woo.orders_with_marketplace_order(&id).len(),
        1,
        "created exactly once"
    );
    assert_eq!(woo.create_requests(), 1, "not sent again after the restart");
}

both_backends!(sigterm_abandons_a_slow_call_after_the_grace_time_and_the_restart_resumes);
