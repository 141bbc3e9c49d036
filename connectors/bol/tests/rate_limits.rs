//! `BolClient` against a `BolSim` that enforces bol-like rate limits and sends
//! `x-ratelimit-limit`/`-remaining`/`-reset` on every answer, as bol does
//! (https://api.bol.com/retailer/public/Retailer-API/ratelimits.html): a backlog drains at the
//! rate bol's headers allow, not at the configured defaults (bol's example table: 8 order
//! details a minute), and 429s stay under 1 % of the requests. Time is tokio's paused clock,
//! shared by client and simulator, so minutes of waiting take no real time.

mod support;

use std::time::Duration;

use orderbridge_bol::sim::{BolSim, SimEndpoint, SimLine, SimOrder, SimRateLimit};
use orderbridge_bol::BolRateLimits;
use orderbridge_core::{Marketplace, RetryPolicy};
use support::{sim_client_with, sim_config, sim_raw_answer};
use tokio::time::Instant;

/// Orders of the backlog (each needs its details read once).
const N_ORDERS: u64 = 300;

/// A simulator with bol's published limits on the orders list and the order details, and a
/// backlog of [`N_ORDERS`] orders.
async fn busy_sim() -> BolSim {
    let sim = BolSim::start().await.expect("simulator starts");
    for endpoint in [SimEndpoint::ListOrders, SimEndpoint::GetOrder] {
        sim.set_rate_limit(endpoint, SimRateLimit::bol_published(endpoint));
    }
    for seed in 0..N_ORDERS {
        sim.add_order(SimOrder::sample(seed, &[]));
    }
    sim
}

/// The client as we ship it: the configured budgets are bol's example table, the retry
/// policy the default.
fn shipped_client(sim: &BolSim) -> orderbridge_bol::BolClient {
    let mut config = sim_config(sim);
    config.rate_limits = BolRateLimits::default();
    config.retry = RetryPolicy::default();
    sim_client_with(&config)
}

#[tokio::test(start_paused = true)]
async fn a_backlog_drains_at_the_rate_bol_allows_with_rare_429s() {
    let sim = busy_sim().await;
    let client = shipped_client(&sim);

    let started = Instant::now();
    let open = client.open_orders().await.unwrap();
    assert_eq!(open.len() as u64, N_ORDERS);
    for order in &open {
        client.order(&order.id).await.unwrap();
    }
    let drained = started.elapsed();

    // bol allows 25 details a second: 300 take 12 s. The configured 8 a minute would take
    // 37.5 minutes; following the headers must come within twice what bol allows.
    let detail = SimRateLimit::bol_published(SimEndpoint::GetOrder);
    let allowed = Duration::from_secs_f64(
        N_ORDERS as f64 * detail.window_secs as f64 / f64::from(detail.requests),
    );
    assert!(
        drained <= allowed * 2,
        "drained in {drained:?}; bol allows {allowed:?}"
    );
    let (admitted, refused) = sim.rate_limit_counts();
    assert!(
        refused * 100 < admitted + refused,
        "{refused} of {} requests refused with 429",
        admitted + refused
    );
}

#[tokio::test(start_paused = true)]
async fn several_workers_share_what_bol_allows_without_a_429_storm() {
    let sim = busy_sim().await;
    let client = shipped_client(&sim);
    let open = client.open_orders().await.unwrap();

    let started = Instant::now();
    let mut workers = Vec::new();
    for chunk in open.chunks(open.len() / 4 + 1) {
        let client = client.clone();
        let ids: Vec<_> = chunk.iter().map(|order| order.id.clone()).collect();
        workers.push(tokio::spawn(async move {
            for id in ids {
                client.order(&id).await.unwrap();
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let drained = started.elapsed();

    let allowed = Duration::from_secs(N_ORDERS / 25);
    assert!(
        drained <= allowed * 2,
        "drained in {drained:?}; bol allows {allowed:?}"
    );
    let (admitted, refused) = sim.rate_limit_counts();
    assert!(
        refused * 100 < admitted + refused,
        "{refused} of {} requests refused with 429",
        admitted + refused
    );
}

/// Two daemons on the same bol account (several instances on one PostgreSQL, or another tool
/// of the merchant) spend one budget: each sees in bol's `remaining` what the other spent, and
/// a 429 makes it keep more in reserve, so 429s stay rare and the two together still get
/// near what bol allows.
#[tokio::test(start_paused = true)]
async fn two_clients_of_one_account_share_its_budget() {
    let sim = busy_sim().await;
    let first = shipped_client(&sim);
    let second = shipped_client(&sim);
    let open = first.open_orders().await.unwrap();

    let started = Instant::now();
    let mut workers = Vec::new();
    for (chunk, client) in open.chunks(open.len() / 2 + 1).zip([first, second]) {
        let ids: Vec<_> = chunk.iter().map(|order| order.id.clone()).collect();
        workers.push(tokio::spawn(async move {
            for id in ids {
                client.order(&id).await.unwrap();
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let drained = started.elapsed();

    let allowed = Duration::from_secs(N_ORDERS / 25);
    assert!(
        drained <= allowed * 2,
        "drained in {drained:?}; bol allows {allowed:?}"
    );
    let (admitted, refused) = sim.rate_limit_counts();
    assert!(
        refused * 100 < admitted + refused,
        "{refused} of {} requests refused with 429",
        admitted + refused
    );
}

/// bol's window for the orders list can be minutes long (its example: 7 requests per 3
/// minutes). Reading a long list must wait for the next window rather than give up half-way:
/// giving up would start the next run from page 1 again, and a list longer than one window
/// would never be read to its end.
#[tokio::test(start_paused = true)]
async fn a_list_longer_than_one_window_waits_for_the_next_window() {
    let sim = BolSim::start().await.unwrap();
    sim.set_rate_limit(
        SimEndpoint::ListOrders,
        SimRateLimit {
            requests: 2,
            window_secs: 120,
        },
    );
    for idx in 0..150 {
        sim.add_order(SimOrder::nl(vec![SimLine {
            ean: "8712345678906".to_owned(),
            reference: Some(format!("ONE-{idx}")),
            title: format!("Product {idx}"),
            quantity: 1,
            unit_price_cents: 500,
        }]));
    }
    let client = shipped_client(&sim);
    let started = Instant::now();
    // Three full pages and the empty one: four requests, two windows, one wait between them.
    assert_eq!(client.open_orders().await.unwrap().len(), 150);
    assert!(started.elapsed() >= Duration::from_secs(120));
    assert_eq!(sim.rate_limit_counts(), (4, 0));
}

/// bol's answers carry the three headers whatever their status: a 200, a 404, and the 429 of
/// a spent budget (with `Retry-After`).
#[tokio::test]
async fn every_answer_carries_the_rate_limit_headers() {
    let sim = BolSim::start().await.unwrap();
    let id = sim.add_order(SimOrder::sample(1, &[]));
    sim.set_rate_limit(
        SimEndpoint::GetOrder,
        SimRateLimit {
            requests: 2,
            window_secs: 60,
        },
    );
    let found = sim_raw_answer(&sim, &format!("/retailer/orders/{id}")).await;
    let missing = sim_raw_answer(&sim, "/retailer/orders/999").await;
    let refused = sim_raw_answer(&sim, &format!("/retailer/orders/{id}")).await;
    for (answer, status, remaining) in [
        (&found, 200, "1"),
        (&missing, 404, "0"),
        (&refused, 429, "0"),
    ] {
        assert_eq!(answer.status, status);
        assert_eq!(answer.header("x-ratelimit-limit"), Some("2"));
        assert_eq!(answer.header("x-ratelimit-remaining"), Some(remaining));
        let reset: u64 = answer.header("x-ratelimit-reset").unwrap().parse().unwrap();
        assert!((1..=60).contains(&reset), "{reset}");
    }
    assert!(refused.header("retry-after").is_some());
}
