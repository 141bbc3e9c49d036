//! The README's first command: `orderbridge-demo` runs the whole loop on the embedded SQLite
//! default against the built-in simulators and ends with every batch completed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

#[test]
fn the_demo_carries_every_order_to_its_end() {
    demo_ends_with_every_order_done("woocommerce");
}

#[test]
fn the_demo_plays_a_medusa_shop() {
    let stdout = demo_ends_with_every_order_done("medusa");
    assert!(stdout.contains("Medusa simulator"), "{stdout}");
}

#[test]
fn the_demo_plays_a_magento_shop() {
    let stdout = demo_ends_with_every_order_done("magento");
    assert!(stdout.contains("Magento simulator"), "{stdout}");
}

#[test]
fn the_demo_plays_a_shopify_shop() {
    let stdout = demo_ends_with_every_order_done("shopify");
    assert!(stdout.contains("Shopify simulator"), "{stdout}");
}

/// Runs the demo against `webshop` and checks it carried every order to its end; its output.
fn demo_ends_with_every_order_done(webshop: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_orderbridge-demo"))
        .args([
            "--orders",
            "6",
            "--exit",
            "--dashboard-port",
            "0",
            "--webshop",
            webshop,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "demo failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("dashboard              http://127.0.0.1:")
            && stdout.contains("(user demo, password "),
        "the demo shows where its dashboard is and how to log in:\n{stdout}"
    );
    let batches: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("summary: batches"))
        .skip(3)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert!(!batches.is_empty(), "no batches shown:\n{stdout}");
    assert!(
        batches.iter().all(|l| l.contains(" completed ")),
        "every batch completed:\n{stdout}"
    );
    let statuses: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("summary: statuses"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert!(
        statuses
            .iter()
            .all(|l| l.contains("shipped") || l.contains("cancelled")),
        "every order shipped or cancelled:\n{stdout}"
    );
    assert!(
        stdout.contains(" 1 bol labels bought"),
        "the Verzenden via bol order got its label:\n{stdout}"
    );
    stdout.into_owned()
}
