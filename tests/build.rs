//! What the daemon's build carries: every connector's simulator is behind its crate's `sim`
//! feature, which only the demo binary (`orderbridge-demo`) and the tests switch on, and the
//! test kits (`orderbridge-testkit`, whose checks panic by design, and `orderbridge-simkit`) are
//! not in it at all. Asked of `cargo tree` (normal dependencies, features resolved as a build of
//! that package alone resolves them).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

/// The features of `connector` a build of `package` switches on, as `cargo tree` shows them.
fn features_of(package: &str, connector: &str) -> String {
    let out = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--offline",
            "-p",
            package,
            "-e",
            "normal,features",
            "-i",
            connector,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_daemon_is_built_without_the_simulators() {
    for connector in [
        "orderbridge-bol",
        "orderbridge-woocommerce",
        "orderbridge-medusa",
        "orderbridge-magento",
        "orderbridge-shopify",
    ] {
        let daemon = features_of("orderbridge", connector);
        assert!(
            daemon.contains(&format!("{connector} feature \"default\"")),
            "the daemon uses {connector}:\n{daemon}"
        );
        assert!(
            !daemon.contains("feature \"sim\""),
            "the daemon's build switches on {connector}'s simulator:\n{daemon}"
        );
        let demo = features_of("orderbridge-demo", connector);
        assert!(
            demo.contains(&format!("{connector} feature \"sim\"")),
            "the demo runs {connector}'s simulator:\n{demo}"
        );
    }
}

#[test]
fn the_daemon_is_built_without_the_test_kits() {
    let out = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--offline",
            "-p",
            "orderbridge",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(tree.contains("orderbridge-http"), "{tree}");
    for kit in ["orderbridge-testkit", "orderbridge-simkit"] {
        assert!(
            !tree.contains(kit),
            "the daemon's build carries {kit}:\n{tree}"
        );
    }
}
