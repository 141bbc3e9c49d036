//! The command line: `run`, `check-config`, `status`, `migrate`, and the merchant's `orders …` and
//! `batches …` commands. Parsing is clap's; each command is a function over the library.

use std::path::PathBuf;

use anyhow::anyhow;
use clap::{Parser, Subcommand};

mod batches;
mod migrate;
mod orders;

pub use batches::{batch_row, BATCH_HEADERS};
pub use orders::{describe_order, order_rows, ORDER_HEADERS};

use crate::clock::{SharedClock, SystemClock};
use crate::config::Config;
use crate::daemon::Daemon;
use crate::store::{redact_location, Store, StoreError};

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
    /// Check orderbridge.toml and every connection file, then exit.
    CheckConfig,
    /// Show each connection's jobs: last run, failures in a row and why, next run.
    Status,
    /// Look at and act on orders.
    #[command(subcommand)]
    Orders(OrdersCommand),
    /// Look at import batches.
    #[command(subcommand)]
    Batches(BatchesCommand),
    /// Apply the database schema migrations this orderbridge needs.
    Migrate(migrate::MigrateArgs),
    /// Print the OpenAPI description of the admin API (`docs/openapi.json`).
    Openapi,
    /// Print the marketplaces and webshops this orderbridge knows and what each can do (the
    /// README's support matrix).
    Connectors,
    /// Read a password on standard input and print its argon2 hash for
    /// `[[admin.users]] password_hash`.
    HashPassword,
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
    /// Cancel an order in the webshop and on the marketplace (you cannot deliver it).
    Cancel {
        /// The order code.
        code: String,
    },
    /// Make a test order from a SKU: it runs through the webshop only, never to a marketplace.
    Test {
        /// The connection.
        #[arg(long)]
        connection: String,
        /// The SKU.
        #[arg(long)]
        sku: String,
        /// How many.
        #[arg(long, default_value_t = 1)]
        quantity: u32,
    },
    /// Add a note to an order's history.
    Note {
        /// The order code.
        code: String,
        /// The note.
        text: String,
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
    /// Write a batch's pick & pack list as PDF.
    PickPack {
        /// Batch id.
        id: i64,
        /// The PDF file to write.
        #[arg(long, short)]
        output: PathBuf,
        /// Language of the list: en or nl.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Write every marketplace label (Verzenden via bol) of a batch's orders still to ship
    /// into one PDF.
    Labels {
        /// Batch id.
        id: i64,
        /// The PDF file to write.
        #[arg(long, short)]
        output: PathBuf,
    },
}

pub(super) fn load(path: &std::path::Path) -> anyhow::Result<Config> {
    Config::load(path).map_err(|e| anyhow!("invalid configuration: {e}"))
}

pub(super) async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let url = config.database_url()?;
    match Store::connect(&url, config.migration_policy()).await {
        Ok(store) => Ok(store),
        // Names the database already.
        Err(error @ StoreError::Location { .. }) => Err(error.into()),
        Err(error) => Err(anyhow!(error).context(format!(
            "opening the state database {}",
            redact_location(&url)
        ))),
    }
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
        Command::Status => {
            let config = load(&cli.config)?;
            let store = open_store(&config).await?;
            print!("{}", job_table(&store.lease_states().await?));
            Ok(())
        }
        Command::Orders(command) => orders::orders(&cli.config, command).await,
        Command::Batches(command) => batches::batches(&cli.config, command).await,
        Command::Migrate(args) => migrate::migrate(&load(&cli.config)?, args).await,
        Command::Connectors => {
            print!("{}", crate::connectors::support_matrix());
            Ok(())
        }
        Command::Openapi => {
            print!(
                "{}",
                crate::web::openapi::text().map_err(anyhow::Error::msg)?
            );
            Ok(())
        }
        Command::HashPassword => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .map_err(|e| anyhow!("reading the password from standard input: {e}"))?;
            let password = password.trim_end_matches(['\r', '\n']);
            if password.is_empty() {
                return Err(anyhow!("no password on standard input"));
            }
            println!(
                "{}",
                crate::web::hash_password(password).map_err(|e| anyhow!("hashing failed: {e}"))?
            );
            Ok(())
        }
    }
}

/// The jobs of every connection as a table.
pub fn job_table(jobs: &[crate::store::LeaseState]) -> String {
    let rows: Vec<Vec<String>> = jobs
        .iter()
        .map(|job| {
            vec![
                job.connection.clone(),
                job.job.clone(),
                job.last_run_at
                    .map_or_else(|| "-".into(), crate::table::time),
                job.last_ok_at
                    .map_or_else(|| "-".into(), crate::table::time),
                job.failures.to_string(),
                job.last_error_kind.clone().unwrap_or_else(|| "-".into()),
                crate::table::time(job.next_run_at),
                job.holder.clone().unwrap_or_else(|| "-".into()),
                job.last_error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    crate::table::render(
        &[
            "CONNECTION",
            "JOB",
            "LAST RUN",
            "LAST OK",
            "FAILURES",
            "KIND",
            "NEXT RUN",
            "RUNNING ON",
            "LAST ERROR",
        ],
        &rows,
    )
}
