//! Test harness: both simulators on loopback, the test's database (SQLite or PostgreSQL, see
//! [`db`]), a connection written as a real connection file and loaded through the real
//! configuration code, and the engine built the way the daemon builds it — with a manual clock
//! the test moves.

#![allow(dead_code)]

pub mod capture;
#[macro_use]
pub mod db;
pub mod orders;
pub mod pair;
pub mod web;
pub mod webdriver;
pub mod world;

pub use db::TestDb;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use orderbridge::clock::ManualClock;
use orderbridge::config::Config;
use orderbridge::daemon::{build_engine, ConnectionEngine};
use orderbridge::store::{OrderFilter, OrderRecord, Store};
use orderbridge_bol::sim::{BolSim, SimLine, SimOrder, SimProduct};
use orderbridge_woocommerce::sim::WooSim;

/// A valid EAN-13 from a 12-digit prefix.
pub fn ean13(prefix: &str) -> String {
    orderbridge_core::domain::Ean::with_check_digit(prefix)
        .map(|ean| ean.as_str().to_owned())
        .unwrap_or_default()
}

/// The catalogue every test shop sells.
pub fn catalogue() -> Vec<SimProduct> {
    (0..5)
        .map(|idx| SimProduct {
            sku: format!("SKU-{idx}"),
            ean: ean13(&format!("871000000{idx:03}")),
            title: format!("Product {idx}"),
            price_cents: 1000 + 199 * idx as i64,
        })
        .collect()
}

/// Every job each second, no jitter: for tests that run the real scheduler.
pub const FAST_SCHEDULE: &str = "[schedule]\nimport_interval_secs = 1\ntrack_interval_secs = 1\n\
    ship_interval_secs = 1\ncancel_interval_secs = 1\nstock_interval_secs = 1\njitter_secs = 0\n";

/// Both simulators, the webshop selling the catalogue with `stock` items of each product.
pub async fn simulators(stock: Option<i64>) -> (BolSim, WooSim, Vec<SimProduct>) {
    capture::install();
    let bol = BolSim::start().await.unwrap();
    let woo = WooSim::start().await.unwrap();
    let products = catalogue();
    for product in &products {
        woo.add_product(
            &product.sku,
            Some(&product.ean),
            &product.title,
            product.price_cents,
            stock,
        );
    }
    (bol, woo, products)
}

/// One line of a catalogue product.
pub fn line(product: &SimProduct, quantity: u32) -> SimLine {
    SimLine {
        ean: product.ean.clone(),
        reference: Some(product.sku.clone()),
        title: product.title.clone(),
        quantity,
        unit_price_cents: product.price_cents,
    }
}

/// Connection file text for the simulators, with extra TOML appended.
pub fn connection_toml(bol: &BolSim, woo: &WooSim, extra: &str) -> String {
    format!("{}\n{}\n{extra}\n", marketplace_toml(bol), woo_section(woo))
}

/// The connection file's `[marketplace]` section for the bol simulator.
pub fn marketplace_toml(bol: &BolSim) -> String {
    format!(
        r#"[marketplace]
kind = "bol"
client_id = "{}"
client_secret = "{}"
api_base_url = "{}"
token_url = "{}"
timeout_secs = 5
order_page = "https://seller.bol.example/orders/{{order_id}}"

[marketplace.retry]
max_attempts = 3
initial_backoff_ms = 50
max_backoff_ms = 200

[marketplace.rate_limits]
orders_list = {{ requests = 1000, per_secs = 1.0 }}
order_detail = {{ requests = 1000, per_secs = 1.0 }}
order_cancellation = {{ requests = 1000, per_secs = 1.0 }}
shipments = {{ requests = 1000, per_secs = 1.0 }}
process_status = {{ requests = 1000, per_secs = 1.0 }}
offers = {{ requests = 1000, per_secs = 1.0 }}
"#,
        BolSim::CLIENT_ID,
        BolSim::CLIENT_SECRET,
        bol.api_base_url(),
        bol.token_url(),
    )
}

/// The connection file's `[webshop]` section for the WooCommerce simulator.
pub fn woo_section(woo: &WooSim) -> String {
    format!(
        r#"[webshop]
kind = "woocommerce"
base_url = "{}"
consumer_key = "{}"
consumer_secret = "{}"
timeout_secs = 5

[webshop.retry]
max_attempts = 3
initial_backoff_ms = 50
max_backoff_ms = 200

[webshop.rate_limit]
requests = 1000
per_secs = 1
"#,
        woo.base_url(),
        WooSim::CONSUMER_KEY,
        WooSim::CONSUMER_SECRET,
    )
}

/// Writes `orderbridge.toml` (on the test's database, migrations applied by `run`) and
/// `connections/<name>.toml` into `dir`.
pub fn write_config(
    dir: &Path,
    db: &TestDb,
    name: &str,
    daemon_extra: &str,
    connection: &str,
) -> PathBuf {
    std::fs::create_dir_all(dir.join("connections")).unwrap();
    let main = dir.join("orderbridge.toml");
    std::fs::write(
        &main,
        format!("{}auto_migrate = true\n\n{daemon_extra}\n", db.toml()),
    )
    .unwrap();
    std::fs::write(
        dir.join("connections").join(format!("{name}.toml")),
        connection,
    )
    .unwrap();
    main
}

/// Simulators, state and an engine with a manual clock.
pub struct Harness {
    pub bol: BolSim,
    pub woo: WooSim,
    pub db: TestDb,
    pub clock: ManualClock,
    pub store: Store,
    pub engine: ConnectionEngine,
    pub products: Vec<SimProduct>,
    pub config: Config,
}

impl Drop for Harness {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            capture::assert_no_secrets();
        }
    }
}

impl Harness {
    /// A harness whose connection has `extra` TOML (e.g. `[orders]` settings).
    pub async fn start(db: TestDb, extra: &str) -> Harness {
        let (bol, woo, products) = simulators(Some(10)).await;
        let path = write_config(
            db.dir(),
            &db,
            "shop",
            "",
            &connection_toml(&bol, &woo, extra),
        );
        let config = Config::load(&path).unwrap();
        let store = Store::open(&config.database_location()).await.unwrap();
        let clock = ManualClock::new(Utc::now());
        store
            .ensure_connection("shop", "bol", "woocommerce", 0)
            .await
            .unwrap();
        let engine = build_engine(&config.connections[0], &store, Arc::new(clock.clone())).unwrap();
        Harness {
            bol,
            woo,
            db,
            clock,
            store,
            engine,
            products,
            config,
        }
    }

    /// An engine of the connection over `marketplace` (the configured webshop), its settings
    /// changed by `adjust` first: a connection whose connectors can do less, or more.
    pub fn engine_over<M: orderbridge_core::Marketplace>(
        &self,
        marketplace: M,
        adjust: impl FnOnce(&mut orderbridge::engine::EngineSettings),
    ) -> orderbridge::engine::Engine<M, orderbridge::connectors::AnyWebshop> {
        let connection = &self.config.connections[0];
        let mut settings = orderbridge::daemon::engine_settings(connection, "bol.com");
        adjust(&mut settings);
        orderbridge::engine::Engine::new(
            settings,
            self.store.clone(),
            marketplace,
            orderbridge::connectors::AnyWebshop::build(&connection.webshop, None).unwrap(),
            Arc::new(self.clock.clone()),
        )
    }

    /// The connection's configured marketplace, built anew.
    pub fn marketplace(&self) -> orderbridge::connectors::AnyMarketplace {
        orderbridge::connectors::AnyMarketplace::build(
            &self.config.connections[0].marketplace,
            None,
        )
        .unwrap()
    }

    /// A "restart": the store re-opened and the engine built anew from the configuration, as a
    /// new process would, keeping the simulators and the clock.
    pub async fn restart(&mut self) {
        self.store.close().await;
        self.store = Store::open(&self.config.database_location()).await.unwrap();
        self.engine = build_engine(
            &self.config.connections[0],
            &self.store,
            Arc::new(self.clock.clone()),
        )
        .unwrap();
    }

    /// Runs import, track, ship and cancel once, in that order.
    pub async fn cycle(&self) {
        self.engine.run_import().await.unwrap();
        self.engine.run_track().await.unwrap();
        self.engine.run_ship().await.unwrap();
        self.engine.run_cancel().await.unwrap();
    }

    /// Runs `n` cycles.
    pub async fn cycles(&self, n: usize) {
        for _ in 0..n {
            self.cycle().await;
        }
    }

    /// The stored order of a bol order id.
    pub async fn order(&self, marketplace_order_id: &str) -> OrderRecord {
        self.store
            .orders(&OrderFilter::default())
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.marketplace_order_id.as_str() == marketplace_order_id)
            .unwrap_or_else(|| panic!("order {marketplace_order_id} not recorded"))
    }

    /// The webshop order id of a bol order (exactly one must exist).
    pub fn webshop_id(&self, marketplace_order_id: &str) -> u64 {
        let found = self.woo.orders_with_marketplace_order(marketplace_order_id);
        assert_eq!(
            found.len(),
            1,
            "bol order {marketplace_order_id} is in the webshop {} times",
            found.len()
        );
        found[0].id
    }

    /// Places a simple one-line NL order.
    pub fn place(&self, product_idx: usize, quantity: u32) -> String {
        self.bol.add_order(SimOrder::nl(vec![line(
            &self.products[product_idx],
            quantity,
        )]))
    }
}

/// A line with SKU `SKU-NEW`, which the webshop does not sell.
pub fn unknown_line() -> SimLine {
    SimLine {
        ean: ean13("871999999999"),
        reference: Some("SKU-NEW".into()),
        title: "New product".into(),
        quantity: 1,
        unit_price_cents: 999,
    }
}

/// Adds `SKU-NEW` (the product of [`unknown_line`]) to the webshop, as a merchant fixing
/// an order in error does.
pub fn add_unknown_product(woo: &WooSim) {
    woo.add_product(
        "SKU-NEW",
        Some(&ean13("871999999999")),
        "New product",
        999,
        Some(5),
    );
}

/// The bad-input corpus: bol order detail bodies, each one defect or hostile value away from a
/// valid order (`tests/fixtures/bad_orders/NNN-what-is-wrong.json`, `.bin` when not UTF-8).
pub fn bad_orders_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad_orders")
}

/// The bol order id a corpus file stands for (`007-...` → `A2KB000007`, the `orderId` inside
/// it where it has one) and the file's bytes.
pub fn bad_order(file: &str) -> (String, Vec<u8>) {
    let number: u32 = file
        .split('-')
        .next()
        .and_then(|prefix| prefix.parse().ok())
        .unwrap_or_else(|| panic!("corpus file {file} does not start with its number"));
    let body = std::fs::read(bad_orders_dir().join(file))
        .unwrap_or_else(|e| panic!("reading corpus file {file}: {e}"));
    (format!("A2KB{number:06}"), body)
}

/// Starts `orderbridge run` on `config` as a child process, appending its output to `log`.
pub fn spawn_daemon(config: &Path, log: &Path) -> std::process::Child {
    spawn_instance(config, log, None)
}

/// Starts `orderbridge run` on `config` as a child process named `instance` (its lease holder
/// id, through the environment override), appending its output to `log`.
pub fn spawn_instance(config: &Path, log: &Path, instance: Option<&str>) -> std::process::Child {
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_orderbridge"));
    if let Some(instance) = instance {
        command.env("ORDERBRIDGE__SCHEDULER__INSTANCE_ID", instance);
    }
    command
        .arg("--config")
        .arg(config)
        .arg("run")
        .stdin(std::process::Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .expect("the orderbridge binary starts")
}

/// Sends `signal` (`TERM`, `STOP`, `CONT`, ...) to a child process; whether it was delivered.
pub fn signal(child: &std::process::Child, signal: &str) -> bool {
    std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .is_ok_and(|status| status.success())
}

/// Sends SIGTERM to a child daemon and returns how it exited.
pub fn sigterm(child: &mut std::process::Child) -> std::process::ExitStatus {
    assert!(signal(child, "TERM"), "kill -TERM {}", child.id());
    child.wait().unwrap()
}

/// Waits (up to a minute) until `done` holds; fails the test naming `what` otherwise.
pub async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "gave up waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
