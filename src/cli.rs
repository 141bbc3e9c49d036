//! The command line: `run`, `demo`, `check-config`, and the merchant's `orders …` and
//! `batches …` commands. Parsing is clap's; each command is a function over the library.

use std::path::PathBuf;

use anyhow::{anyhow, Context};
use clap::{Parser, Subcommand};

use crate::clock::{SharedClock, SystemClock};
use crate::config::Config;
use crate::daemon::{build_engine, Daemon};
use crate::status::OrderStatus;
use crate::store::{OrderFilter, OrderRecord, Store};
use crate::table;

/// orderbridge: marketplace orders into your webshop, shipments back.
#[derive(Debug, Parser)]
#[command(name = "orderbridge", version, about)]
pub struct Cli {
    /// Path of orderbridge.toml.
    #[arg(
        long,
        short,
        env = "ORDERBRIDGE_CONFIG",
        default_value = "/etc/orderbridge/orderbridge.toml",
        global = true
    )]
    pub config: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon until SIGTERM.
    Run,
    /// Run the whole loop against built-in simulators, with no accounts and no network.
    Demo(crate::demo::DemoArgs),
    /// Check orderbridge.toml and every connection file, then exit.
    CheckConfig,
    /// Look at and act on orders.
    #[command(subcommand)]
    Orders(OrdersCommand),
    /// Look at import batches.
    #[command(subcommand)]
    Batches(BatchesCommand),
}

/// `orders …`.
#[derive(Debug, Subcommand)]
pub enum OrdersCommand {
    /// List orders, newest first.
    List {
        /// Only orders with this status (repeatable).
        #[arg(long)]
        status: Vec<String>,
        /// Only this connection.
        #[arg(long)]
        connection: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Show one order with its lines and history.
    Show {
        /// The order code (OB…).
        code: String,
    },
    /// Fetch the newest state of an order from the marketplace and the webshop now.
    Sync {
        /// The order code.
        code: String,
    },
    /// Send an order in error through the loop again.
    Resend {
        /// The order code.
        code: String,
    },
    /// Hand an order over to be handled by hand; the daemon stops touching it.
    Manual {
        /// The order code.
        code: String,
    },
}

/// `batches …`.
#[derive(Debug, Subcommand)]
pub enum BatchesCommand {
    /// List batches, newest first.
    List {
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Show one batch and its orders.
    Show {
        /// Batch id.
        id: i64,
    },
}

fn load(path: &std::path::Path) -> anyhow::Result<Config> {
    Config::load(path).map_err(|e| anyhow!("invalid configuration: {e}"))
}

async fn open_store(config: &Config) -> anyhow::Result<Store> {
    Store::open(&config.database_location())
        .await
        .with_context(|| format!("opening the state database {}", config.database_location()))
}

/// Runs a parsed command.
///
/// # Errors
///
/// Whatever the command fails on, with context for the operator.
pub async fn execute(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run => {
            let config = load(&cli.config)?;
            crate::telemetry::init(config.daemon.logging.format, &config.daemon.logging.level);
            // Listen for SIGTERM before anything else, so a stop during start-up is orderly too.
            let (trigger, shutdown) = crate::shutdown::channel();
            tokio::spawn(async move {
                crate::shutdown::os_signal().await;
                trigger.trigger();
            });
            let clock: SharedClock = std::sync::Arc::new(SystemClock);
            let daemon = Daemon::start(&config, clock).await?;
            daemon.run(shutdown).await;
            Ok(())
        }
        Command::Demo(args) => crate::demo::run(args).await,
        Command::CheckConfig => {
            let config = load(&cli.config)?;
            let credentials = std::env::var_os("CREDENTIALS_DIRECTORY").map(PathBuf::from);
            for connection in &config.connections {
                crate::connectors::AnyMarketplace::build(
                    &connection.marketplace,
                    credentials.as_deref(),
                )
                .map_err(|e| anyhow!("{}: {e}", connection.file.display()))?;
                crate::connectors::AnyWebshop::build(&connection.webshop, credentials.as_deref())
                    .map_err(|e| anyhow!("{}: {e}", connection.file.display()))?;
            }
            println!(
                "configuration OK: {} ({} connection{}: {})",
                cli.config.display(),
                config.connections.len(),
                if config.connections.len() == 1 {
                    ""
                } else {
                    "s"
                },
                config
                    .connections
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Ok(())
        }
        Command::Orders(command) => orders(&cli.config, command).await,
        Command::Batches(command) => batches(&cli.config, command).await,
    }
}

/// One line per order, for lists.
pub fn order_rows(orders: &[OrderRecord]) -> Vec<Vec<String>> {
    orders
        .iter()
        .map(|o| {
            vec![
                o.code.clone(),
                o.connection.clone(),
                o.marketplace_order_id.clone(),
                o.webshop_order_id.clone().unwrap_or_else(|| "-".into()),
                o.status.to_string(),
                o.tracking_code.clone().unwrap_or_else(|| "-".into()),
                o.carrier.clone().unwrap_or_else(|| "-".into()),
                o.error.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

/// Headers matching [`order_rows`].
pub const ORDER_HEADERS: [&str; 8] = [
    "CODE",
    "CONNECTION",
    "MARKETPLACE ID",
    "WEBSHOP ID",
    "STATUS",
    "T&T",
    "CARRIER",
    "ERROR",
];

async fn orders(config_path: &std::path::Path, command: OrdersCommand) -> anyhow::Result<()> {
    let config = load(config_path)?;
    let store = open_store(&config).await?;
    match command {
        OrdersCommand::List {
            status,
            connection,
            limit,
        } => {
            let statuses = status
                .iter()
                .map(|s| s.parse::<OrderStatus>())
                .collect::<Result<Vec<_>, _>>()?;
            let found = store
                .orders(&OrderFilter {
                    connection,
                    statuses,
                    batch_id: None,
                    limit: Some(limit),
                })
                .await?;
            print!("{}", table::render(&ORDER_HEADERS, &order_rows(&found)));
        }
        OrdersCommand::Show { code } => {
            let order = store
                .order_by_code(&code.trim().to_ascii_uppercase())
                .await?
                .ok_or_else(|| anyhow!("no order with code {code}"))?;
            print!("{}", describe_order(&store, &order).await?);
        }
        OrdersCommand::Sync { code } => act(&config, &store, &code, Action::Sync).await?,
        OrdersCommand::Resend { code } => act(&config, &store, &code, Action::Resend).await?,
        OrdersCommand::Manual { code } => act(&config, &store, &code, Action::Manual).await?,
    }
    Ok(())
}

/// A merchant's action on one order.
#[derive(Debug, Clone, Copy)]
enum Action {
    Sync,
    Resend,
    Manual,
}

async fn act(config: &Config, store: &Store, code: &str, action: Action) -> anyhow::Result<()> {
    let order = store
        .order_by_code(&code.trim().to_ascii_uppercase())
        .await?
        .ok_or_else(|| anyhow!("no order with code {code}"))?;
    let connection = config
        .connections
        .iter()
        .find(|c| c.name == order.connection)
        .ok_or_else(|| {
            anyhow!(
                "order {code} belongs to connection {}, which is not configured",
                order.connection
            )
        })?;
    let engine = build_engine(connection, store, std::sync::Arc::new(SystemClock))?;
    let updated = match action {
        Action::Sync => engine.sync_order(code).await?,
        Action::Resend => engine.resend_order(code).await?,
        Action::Manual => engine.handle_manually(code).await?,
    };
    println!("order {} is now {}", updated.code, updated.status);
    if let Some(error) = &updated.error {
        println!("error: {error}");
    }
    Ok(())
}

/// The full description of one order: fields, lines and history.
///
/// # Errors
///
/// On store failure.
pub async fn describe_order(store: &Store, order: &OrderRecord) -> anyhow::Result<String> {
    let mut out = String::new();
    let field =
        |out: &mut String, name: &str, value: &str| out.push_str(&format!("{name:<16} {value}\n"));
    field(&mut out, "order code", &order.code);
    field(&mut out, "connection", &order.connection);
    field(&mut out, "marketplace id", &order.marketplace_order_id);
    field(
        &mut out,
        "webshop id",
        order.webshop_order_id.as_deref().unwrap_or("-"),
    );
    field(&mut out, "status", order.status.as_str());
    if let Some(error) = &order.error {
        field(&mut out, "error", error);
    }
    field(
        &mut out,
        "batch",
        &order
            .batch_id
            .map(|b| b.to_string())
            .unwrap_or_else(|| "-".into()),
    );
    field(&mut out, "placed at", &table::time(order.placed_at));
    field(
        &mut out,
        "T&T",
        order.tracking_code.as_deref().unwrap_or("-"),
    );
    field(&mut out, "carrier", order.carrier.as_deref().unwrap_or("-"));
    out.push('\n');
    let lines: Vec<Vec<String>> = store
        .lines(order.id)
        .await?
        .into_iter()
        .map(|l| {
            vec![
                l.line_id,
                l.sku.unwrap_or_else(|| "-".into()),
                l.ean.unwrap_or_else(|| "-".into()),
                l.quantity.to_string(),
                l.quantity_shipped.to_string(),
                l.quantity_cancelled.to_string(),
                format!(
                    "{}.{:02} {}",
                    l.unit_price_cents / 100,
                    l.unit_price_cents % 100,
                    l.currency
                ),
                l.title,
            ]
        })
        .collect();
    out.push_str(&table::render(
        &[
            "LINE",
            "SKU",
            "EAN",
            "QTY",
            "SHIPPED",
            "CANCELLED",
            "PRICE",
            "TITLE",
        ],
        &lines,
    ));
    out.push_str("\nhistory:\n");
    for event in store.history(order.id).await? {
        out.push_str(&format!(
            "  {}  {:<6}  {}\n",
            table::time(event.at),
            event.kind,
            event.message
        ));
    }
    Ok(out)
}

async fn batches(config_path: &std::path::Path, command: BatchesCommand) -> anyhow::Result<()> {
    let config = load(config_path)?;
    let store = open_store(&config).await?;
    match command {
        BatchesCommand::List { limit } => {
            let rows: Vec<Vec<String>> = store
                .batches(limit)
                .await?
                .into_iter()
                .map(|b| batch_row(&b))
                .collect();
            print!("{}", table::render(&BATCH_HEADERS, &rows));
        }
        BatchesCommand::Show { id } => {
            let batch = store
                .batch(id)
                .await?
                .ok_or_else(|| anyhow!("no batch {id}"))?;
            print!("{}", table::render(&BATCH_HEADERS, &[batch_row(&batch)]));
            println!();
            let found = store
                .orders(&OrderFilter {
                    batch_id: Some(id),
                    ..OrderFilter::default()
                })
                .await?;
            print!("{}", table::render(&ORDER_HEADERS, &order_rows(&found)));
        }
    }
    Ok(())
}

/// Headers matching [`batch_row`].
pub const BATCH_HEADERS: [&str; 6] = [
    "BATCH",
    "CONNECTION",
    "CREATED",
    "STATUS",
    "ORDERS",
    "IN WEBSHOP",
];

/// One line per batch.
pub fn batch_row(batch: &crate::store::BatchSummary) -> Vec<String> {
    vec![
        batch.id.to_string(),
        batch.connection.clone(),
        table::time(batch.created_at),
        batch.status.to_string(),
        batch.counts.total.to_string(),
        batch.counts.done.to_string(),
    ]
}
