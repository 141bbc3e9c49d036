//! No secret ever appears in logs, errors, CLI output or order history: the real binary runs
//! a whole loop (orders created, shipped, cancelled, plus a connection whose credentials are
//! refused, its shop's key pair sent in the query string) with recognisable secrets and
//! trace-level logging; every captured line is scanned.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::db::Backend;
use common::TestDb;
use common::{connection_toml, line, simulators, write_config, FAST_SCHEDULE};
use orderbridge_bol::sim::{BolSim, SimOrder};
use orderbridge_woocommerce::sim::WooSim;

const ADMIN_TOKEN: &str = "ADMIN-TOKEN-7f3a9c";
const REVOKED_BOL_SECRET: &str = "REVOKED-BOL-SECRET-51c2";
const REVOKED_WOO_SECRET: &str = "REVOKED-WOO-SECRET-e8d0";
/// The PostgreSQL password (the test server trusts local connections, so any password works).
const DB_PASSWORD: &str = "DB-PASSWORD-93be";

fn cli(config: &std::path::Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_orderbridge"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

async fn secrets_never_reach_logs_errors_cli_output_or_history(db: TestDb) {
    let (bol, woo, products) = simulators(Some(9)).await;
    let dir = tempfile::tempdir().unwrap();
    // On PostgreSQL the database password comes from a file, like the API secrets can.
    let db_password = match db.backend {
        Backend::Postgres => {
            let file = dir.path().join("db-password");
            std::fs::write(&file, DB_PASSWORD).unwrap();
            format!("password = {{ file = {:?} }}\n", file)
        }
        Backend::Sqlite => String::new(),
    };
    let config = write_config(dir.path(), &db,
        "shop",
        &format!(
            "{db_password}\n[logging]\nformat = \"json\"\nlevel = \"trace\"\n\n[admin]\nlisten = \"127.0.0.1:0\"\ntoken = \"{ADMIN_TOKEN}\"\n"
        ),
        &connection_toml(&bol, &woo, FAST_SCHEDULE),
    );
    let refused = connection_toml(&bol, &woo, FAST_SCHEDULE)
        .replace(
            &format!("client_secret = \"{}\"", BolSim::CLIENT_SECRET),
            &format!("client_secret = \"{REVOKED_BOL_SECRET}\""),
        )
        .replace(
            &format!("consumer_secret = \"{}\"", WooSim::CONSUMER_SECRET),
            // The refused shop takes its key pair in the query string: the URL holds the
            // secret, and must never be shown.
            &format!("consumer_secret = \"{REVOKED_WOO_SECRET}\"\nauth = \"query_string\""),
        );
    std::fs::write(dir.path().join("connections/refused.toml"), refused).unwrap();
    let log = dir.path().join("daemon.log");
    let log_file = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_orderbridge"))
        .arg("--config")
        .arg(&config)
        .arg("run")
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .spawn()
        .unwrap();

    let shipped = bol.add_order(SimOrder::nl(vec![line(&products[0], 1)]));
    let cancelled = bol.add_order(SimOrder::be(vec![line(&products[1], 2)]));
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut done = false;
    while !done && Instant::now() < deadline {
        for order in woo
            .orders()
            .into_iter()
            .filter(|o| o.status == "processing")
        {
            if order.meta_str("_orderbridge_marketplace_order_id") == Some(cancelled.as_str()) {
                woo.cancel_order(order.id);
            } else {
                woo.complete_order(order.id, Some(("PostNL", "3SABCD1234567")));
            }
        }
        done = bol.shipments().iter().any(|s| s.order_id == shipped)
            && bol.cancellations().iter().any(|c| c.order_id == cancelled);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(done, "the loop ran");
    // Let the refused connection fail a few times more.
    tokio::time::sleep(Duration::from_secs(2)).await;
    Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());

    let mut captured = std::fs::read_to_string(&log).unwrap();
    assert!(
        captured.contains("authentication failed") || captured.contains("\"kind\":\"auth\""),
        "the refused connection's errors are in the log"
    );
    for args in [
        vec!["orders", "list"],
        vec!["batches", "list"],
        vec!["status"],
        vec!["check-config"],
    ] {
        captured.push_str(&cli(&config, &args));
    }
    for line in cli(&config, &["orders", "list"]).lines().skip(2) {
        if let Some(code) = line.split_whitespace().next() {
            captured.push_str(&cli(&config, &["orders", "show", code]));
        }
    }
    assert!(
        captured.contains("history:"),
        "order histories were captured"
    );
    let n_lines = captured.lines().count();
    for secret in [
        BolSim::CLIENT_SECRET,
        WooSim::CONSUMER_SECRET,
        REVOKED_BOL_SECRET,
        REVOKED_WOO_SECRET,
        ADMIN_TOKEN,
        DB_PASSWORD,
    ] {
        let leaks: Vec<&str> = captured.lines().filter(|l| l.contains(secret)).collect();
        assert!(
            leaks.is_empty(),
            "secret {secret} leaked in:\n{}",
            leaks.join("\n")
        );
    }
    println!("scanned {n_lines} captured lines for 6 secrets");
}

both_backends!(secrets_never_reach_logs_errors_cli_output_or_history);
