//! The demo: the whole order loop on one machine with no accounts and no network.
//! Starts the bol.com simulator and the chosen webshop's (`--webshop`, WooCommerce by default;
//! `shop.rs`) on loopback, writes a configuration for them
//! into a temporary folder (SQLite state included), runs the real daemon on it, plays a
//! merchant's day (orders arrive, some are completed with a T&T code, some without, a buyer
//! cancels, the merchant cancels one in the webshop, one order has an unknown SKU that the
//! merchant then adds and resends) and prints every status change and a closing summary.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use orderbridge_bol::sim::{BolSim, SimLine, SimOrder, SimProduct};

use crate::shop::{DemoShop, WebshopChoice};

use orderbridge::clock::SystemClock;
use orderbridge::config::Config;
use orderbridge::daemon::Daemon;
use orderbridge::status::OrderStatus;
use orderbridge::store::{OrderFilter, Store};
use orderbridge::table;

/// Options of the demo.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "orderbridge-demo",
    version,
    about = "The whole order loop against built-in simulators of bol.com and a webshop, with no accounts and no network."
)]
pub struct DemoArgs {
    /// The webshop to play against.
    #[arg(long, value_enum, default_value_t = WebshopChoice::Woocommerce)]
    pub webshop: WebshopChoice,
    /// Marketplace orders to play with.
    #[arg(long, default_value_t = 12)]
    pub orders: u32,
    /// Seconds the demo may take at most.
    #[arg(long, default_value_t = 120)]
    pub timeout_secs: u64,
    /// Keep the temporary folder (configuration and SQLite database) afterwards.
    #[arg(long)]
    pub keep: bool,
    /// Exit once the orders are through, instead of serving the dashboard until Ctrl-C.
    #[arg(long)]
    pub exit: bool,
    /// Port of the dashboard on 127.0.0.1 (another free one when it is taken).
    #[arg(long, default_value_t = 9187)]
    pub dashboard_port: u16,
}

/// The dashboard's login for a demo: a fresh random password and API token each run.
struct DemoLogin {
    listen: std::net::SocketAddr,
    password: String,
    token: String,
}

impl DemoLogin {
    fn new(port: u16) -> anyhow::Result<Self> {
        let wanted = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        // Probe the port; a taken one gives way to any free one.
        let listen = match std::net::TcpListener::bind(wanted) {
            Ok(probe) => probe.local_addr()?,
            Err(_) => std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?,
        };
        let random = |n: usize| -> String {
            const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
            (0..n)
                .map(|_| char::from(ALPHABET[rand::random_range(0..ALPHABET.len())]))
                .collect()
        };
        Ok(Self {
            listen,
            password: random(12),
            token: random(32),
        })
    }

    fn toml(&self) -> anyhow::Result<String> {
        let hash = orderbridge::web::hash_password(&self.password).map_err(anyhow::Error::msg)?;
        Ok(format!(
            "\n[admin]\nlisten = \"{}\"\ntoken = \"{}\"\nusers = [{{ name = \"demo\", password_hash = \"{hash}\" }}]\n",
            self.listen, self.token
        ))
    }
}

/// A valid EAN-13 from a 12-digit prefix.
fn ean13(prefix: &str) -> String {
    orderbridge_core::domain::Ean::with_check_digit(prefix)
        .map(|ean| ean.as_str().to_owned())
        .unwrap_or_default()
}

fn catalogue() -> Vec<SimProduct> {
    [
        ("MUG-BLUE", "Mok blauw 300 ml", 899),
        ("MUG-RED", "Mok rood 300 ml", 899),
        ("TEA-EARL", "Earl Grey 100 g", 1249),
        ("TEA-MINT", "Muntthee 50 g", 675),
        ("POT-CAST", "Gietijzeren theepot", 4995),
        ("CUP-SET", "Kopjes set van 4", 2450),
    ]
    .iter()
    .enumerate()
    .map(|(idx, (sku, title, price))| SimProduct {
        sku: (*sku).to_owned(),
        ean: ean13(&format!("871234560{idx:03}")),
        title: (*title).to_owned(),
        price_cents: *price,
    })
    .collect()
}

fn write_config(
    dir: &Path,
    bol: &BolSim,
    shop: &DemoShop,
    login: &DemoLogin,
) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir.join("connections"))?;
    let main = dir.join("orderbridge.toml");
    std::fs::write(
        &main,
        format!(
            "# Written by `orderbridge-demo`.\n[database]\nurl = \"demo.db\"\nauto_migrate = true\n\n[logging]\nlevel = \"warn\"\n\n[scheduler]\nlease_secs = 10\nshutdown_grace_secs = 5\n{}",
            login.toml()?
        ),
    )?;
    let connection = format!(
        r#"# Written by `orderbridge-demo`: bol.com simulator -> {shop_label} simulator.
[marketplace]
kind = "bol"
client_id = "{client_id}"
client_secret = "{client_secret}"
api_base_url = "{bol_api}"
token_url = "{bol_token}"
timeout_secs = 5

# The simulator has no limits of its own; the real bol.com defaults would slow the demo.
[marketplace.rate_limits]
orders_list = {{ requests = 1000, per_secs = 1.0 }}
order_detail = {{ requests = 1000, per_secs = 1.0 }}
order_cancellation = {{ requests = 1000, per_secs = 1.0 }}
shipments = {{ requests = 1000, per_secs = 1.0 }}
process_status = {{ requests = 1000, per_secs = 1.0 }}
offers = {{ requests = 1000, per_secs = 1.0 }}

{webshop}
[schedule]
import_interval_secs = 1
track_interval_secs = 1
ship_interval_secs = 1
cancel_interval_secs = 1
stock_interval_secs = 2
jitter_secs = 0

[orders]
tracking_wait_secs = 6
retry_delay_secs = 1

[labels]
buy = true

[carriers]
rules = [{{ pattern = "^DEMO", carrier = "PostNL" }}]
"#,
        client_id = BolSim::CLIENT_ID,
        client_secret = BolSim::CLIENT_SECRET,
        bol_api = bol.api_base_url(),
        bol_token = bol.token_url(),
        shop_label = shop.label(),
        webshop = shop.section(),
    );
    std::fs::write(dir.join("connections").join("demo.toml"), connection)?;
    Ok(main)
}

/// The T&T entry (provider, code) the demo merchant completes the n-th webshop order with:
/// with a carrier, without one (detected from the code), or no T&T at all (waits).
fn tracking_for(order_idx: usize) -> Option<(&'static str, &'static str)> {
    match order_idx % 5 {
        0 => Some(("PostNL", "3SDEMO0000001")),
        1 => None,
        2 => Some(("DHL Parcel", "JVGL0600000000000001")),
        3 => Some(("", "05212345678901")),
        _ => Some(("", "3SDEMO0000002")),
    }
}

/// Runs the demo.
///
/// # Errors
///
/// When the simulators or the daemon cannot start.
pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    orderbridge::telemetry::init(orderbridge::config::LogFormat::Text, "error");
    let bol = BolSim::start()
        .await
        .context("starting the bol.com simulator")?;
    let products = catalogue();
    let shop = DemoShop::start(args.webshop, &products)
        .await
        .context("starting the webshop simulator")?;
    for product in &products {
        bol.add_offer(&product.sku, &product.ean, 5);
    }
    let dir = std::env::temp_dir().join(format!("orderbridge-demo-{}", std::process::id()));
    let login = DemoLogin::new(args.dashboard_port)?;
    let config_path = write_config(&dir, &bol, &shop, &login)?;
    let config = Config::load(&config_path)?;
    println!("orderbridge-demo");
    println!("  bol.com simulator      {}", bol.api_base_url());
    println!(
        "  {:<22} {}",
        format!("{} simulator", shop.label()),
        shop.base_url()
    );
    println!("  configuration          {}", config_path.display());
    println!("  state (SQLite)         {}", config.database_location());
    print_dashboard(&login);

    let daemon = Daemon::start(&config, Arc::new(SystemClock)).await?;
    let store = daemon.store().clone();
    let engine = daemon.engine("demo").context("demo connection missing")?;
    let (trigger, shutdown) = orderbridge::shutdown::channel();
    let running = tokio::spawn(daemon.run(shutdown));

    // Orders arrive: most in a first wave, one with a SKU the webshop does not know, one the
    // buyer cancels at once, the rest in a second wave.
    let n_orders = args.orders.max(4) as usize;
    let first_wave = n_orders / 2;
    for seed in 0..first_wave {
        bol.add_order(SimOrder::sample(seed as u64, &products));
    }
    let unknown_id = bol.add_order(SimOrder::nl(vec![SimLine {
        ean: ean13("871234569999"),
        reference: Some("LAMP-NEW".into()),
        title: "Bureaulamp (nog niet in de webshop)".into(),
        quantity: 1,
        unit_price_cents: 3995,
    }]));
    let product = &products[0];
    bol.add_order(
        SimOrder::nl(vec![SimLine {
            ean: product.ean.clone(),
            reference: Some(product.sku.clone()),
            title: product.title.clone(),
            quantity: 1,
            unit_price_cents: product.price_cents,
        }])
        .with_line_shipped_via_bol(0),
    );
    println!(
        "{} orders placed on bol.com (one with SKU LAMP-NEW that the webshop lacks, one that \
         ships with a bol label: Verzenden via bol)",
        first_wave + 2
    );

    let started = Instant::now();
    let deadline = Duration::from_secs(args.timeout_secs);
    let mut seen: BTreeMap<String, OrderStatus> = BTreeMap::new();
    let mut handled_in_webshop: HashSet<String> = HashSet::new();
    let mut second_wave_placed = false;
    let mut fixed_unknown = false;
    let mut webshop_cancel_done = false;
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        print_changes(&store, &mut seen).await?;
        if !second_wave_placed && started.elapsed() > Duration::from_secs(4) {
            for seed in first_wave..n_orders - 1 {
                bol.add_order(SimOrder::sample(seed as u64, &products));
            }
            let cancelled = bol.add_order(SimOrder::sample(n_orders as u64, &products));
            bol.request_cancellation(&cancelled);
            println!(
                "\n{} more orders placed; the buyer of bol order {cancelled} cancels at once\n",
                n_orders - first_wave
            );
            second_wave_placed = true;
        }
        // The merchant works through new webshop orders.
        let fresh: Vec<String> = shop
            .open_orders()
            .into_iter()
            .filter(|id| !handled_in_webshop.contains(id))
            .collect();
        for id in fresh {
            handled_in_webshop.insert(id.clone());
            if !webshop_cancel_done && handled_in_webshop.len() == 3 {
                shop.cancel(&id);
                println!("merchant cancels webshop order {id} (out of stock)");
                webshop_cancel_done = true;
                continue;
            }
            shop.ship(&id, tracking_for(handled_in_webshop.len()));
        }
        // The merchant adds the missing product and resends the order in error.
        if !fixed_unknown {
            let in_error = store
                .orders(&OrderFilter {
                    statuses: vec![OrderStatus::Error],
                    ..OrderFilter::default()
                })
                .await?;
            if let Some(order) = in_error
                .iter()
                .find(|o| o.marketplace_order_id.as_str() == unknown_id)
            {
                if started.elapsed() > Duration::from_secs(8) {
                    shop.add_product("LAMP-NEW", &ean13("871234569999"), "Bureaulamp", 3995, 3);
                    println!(
                        "\nmerchant adds LAMP-NEW to the webshop and resends {}\n",
                        order.code
                    );
                    engine.resend_order(order.code.as_str()).await?;
                    fixed_unknown = true;
                }
            }
        }
        let all = store.orders(&OrderFilter::default()).await?;
        let settled = second_wave_placed
            && all.len() > n_orders + 1
            && all
                .iter()
                .all(|o| matches!(o.status, OrderStatus::Shipped | OrderStatus::Cancelled));
        if settled || started.elapsed() > deadline {
            if !settled {
                println!(
                    "\ntime is up ({}s); not every order reached a final status",
                    args.timeout_secs
                );
            }
            break;
        }
    }
    print_changes(&store, &mut seen).await?;
    print_summary(&store, &bol).await?;
    if !args.exit {
        println!("\nThe orders stay on the dashboard until you press Ctrl-C:");
        print_dashboard(&login);
        orderbridge::shutdown::os_signal().await;
        println!("\nstopping");
    }
    trigger.trigger();
    running.await.context("daemon task")?;
    if args.keep {
        println!(
            "\nkept {} (try: orderbridge --config {} orders list)",
            dir.display(),
            config_path.display()
        );
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

fn print_dashboard(login: &DemoLogin) {
    println!(
        "  dashboard              http://{}/  (user demo, password {})",
        login.listen, login.password
    );
    println!("  API token              {}\n", login.token);
}

async fn print_changes(
    store: &Store,
    seen: &mut BTreeMap<String, OrderStatus>,
) -> anyhow::Result<()> {
    let mut orders = store.orders(&OrderFilter::default()).await?;
    orders.reverse();
    for order in orders {
        let previous = seen.insert(order.code.to_string(), order.status);
        if previous == Some(order.status) {
            continue;
        }
        let from = previous.map_or_else(|| "new".to_owned(), |s| s.to_string());
        let detail = match order.status {
            OrderStatus::Error => format!("  ({})", order.error.as_deref().unwrap_or("")),
            OrderStatus::PendingShipment | OrderStatus::Shipped => format!(
                "  T&T {} carrier {}",
                order.tracking_code.as_ref().map_or("none", |c| c.as_str()),
                order.carrier.as_ref().map_or("none", |c| c.name())
            ),
            _ => String::new(),
        };
        println!(
            "  {}  bol {:<10} {:>20} -> {}{}",
            order.code, order.marketplace_order_id, from, order.status, detail
        );
    }
    Ok(())
}

async fn print_summary(store: &Store, bol: &BolSim) -> anyhow::Result<()> {
    let orders = store.orders(&OrderFilter::default()).await?;
    println!("\nsummary: orders");
    print!(
        "{}",
        table::render(
            &orderbridge::cli::ORDER_HEADERS,
            &orderbridge::cli::order_rows(
                &orders
                    .iter()
                    .map(orderbridge::ops::OrderSummary::of)
                    .collect::<Vec<_>>()
            )
        )
    );
    println!("\nsummary: batches");
    let rows: Vec<Vec<String>> = store
        .batches(50)
        .await?
        .iter()
        .map(|batch| orderbridge::cli::batch_row(&orderbridge::ops::BatchView::of(batch)))
        .collect();
    print!("{}", table::render(&orderbridge::cli::BATCH_HEADERS, &rows));
    println!("\nsummary: statuses");
    for (_, status, count) in store.status_counts().await? {
        println!("  {status:<22} {count}");
    }
    println!(
        "\nbol.com simulator: {} shipments confirmed, {} cancellations confirmed, {} stock updates, \
         {} bol labels bought",
        bol.shipments().len(),
        bol.cancellations().len(),
        bol.stock_updates().len(),
        bol.labels().len()
    );
    Ok(())
}
