//! The daemon: opens the store, builds each enabled connection's engine, runs every job of
//! every connection on its schedule until shutdown, then gives running jobs the grace time to
//! finish before returning.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{to_millis, SharedClock};
use crate::config::{Config, ConnectionConfig};
use crate::connectors::{AnyMarketplace, AnyWebshop, BuildError};
use crate::engine::{Engine, EngineSettings};
use crate::scheduler::{job_loop, JobKind, JobSchedule, LeaseSettings};
use crate::shutdown::Shutdown;
use crate::store::{Store, StoreError};

/// The engine type the daemon runs.
pub type ConnectionEngine = Engine<AnyMarketplace, AnyWebshop>;

/// Why the daemon cannot start.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The store cannot be opened (its message says what: location, schema version, ...).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A connection's connectors cannot be built.
    #[error("connection {connection} ({}): {reason}", file.display())]
    Build {
        /// Connection name.
        connection: String,
        /// Its file.
        file: PathBuf,
        /// Why (shown in the message, so not a `source`: error chains print it once).
        reason: Box<BuildError>,
    },
    /// The admin listener cannot start.
    #[error("admin listener: {0}")]
    Admin(String),
    /// The configuration cannot be used (e.g. the database password cannot be read).
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
}

/// A started daemon: its store and one engine per enabled connection.
pub struct Daemon {
    store: Store,
    engines: BTreeMap<String, (ConnectionConfig, Arc<ConnectionEngine>)>,
    leases: LeaseSettings,
    grace: Duration,
    /// How long a request abandoned at shutdown may still run at a vendor.
    settle: Duration,
    admin: Option<(tokio::net::TcpListener, axum::Router)>,
}

fn credentials_dir() -> Option<PathBuf> {
    std::env::var_os("CREDENTIALS_DIRECTORY").map(PathBuf::from)
}

/// The engine settings of a connection whose marketplace calls itself `marketplace_label`.
pub fn engine_settings(connection: &ConnectionConfig, marketplace_label: &str) -> EngineSettings {
    EngineSettings {
        connection: connection.name.clone(),
        marketplace_label: marketplace_label.to_owned(),
        marketplace_capabilities: connection.marketplace.capabilities(),
        webshop_capabilities: connection.webshop.capabilities(),
        tracking_wait: connection.tracking_wait(),
        stock_buffer: connection.stock.buffer,
        carrier_rules: connection.carrier_rules.clone(),
        retry_delay: Duration::from_secs(connection.orders.retry_delay_secs),
        batch_limit: i64::from(connection.orders.batch_limit),
        labels: connection.labels.policy(),
    }
}

/// Builds the engine of one connection over an open store.
///
/// # Errors
///
/// When a secret cannot be read or a connector refuses its settings.
pub fn build_engine(
    connection: &ConnectionConfig,
    store: &Store,
    clock: SharedClock,
) -> Result<ConnectionEngine, DaemonError> {
    let credentials = credentials_dir();
    let build_error = |source| DaemonError::Build {
        connection: connection.name.clone(),
        file: connection.file.clone(),
        reason: Box::new(source),
    };
    let marketplace = AnyMarketplace::build(&connection.marketplace, credentials.as_deref())
        .map_err(build_error)?;
    let webshop =
        AnyWebshop::build(&connection.webshop, credentials.as_deref()).map_err(build_error)?;
    let settings = engine_settings(connection, marketplace.label());
    Ok(Engine::new(
        settings,
        store.clone(),
        marketplace,
        webshop,
        clock,
    ))
}

impl Daemon {
    /// Opens the store and builds the engines of the enabled connections.
    ///
    /// # Errors
    ///
    /// When the store cannot be opened or a connection cannot be built.
    pub async fn start(config: &Config, clock: SharedClock) -> Result<Self, DaemonError> {
        let url = config.database_url()?;
        let store = Store::connect(&url, config.migration_policy()).await?;
        let mut engines = BTreeMap::new();
        for connection in config.connections.iter().filter(|c| c.enabled) {
            let engine = build_engine(connection, &store, clock.clone())?;
            store
                .ensure_connection(
                    &connection.name,
                    engine_marketplace_kind(connection),
                    engine_webshop_kind(connection),
                    to_millis(clock.now()),
                )
                .await?;
            engines.insert(
                connection.name.clone(),
                (connection.clone(), Arc::new(engine)),
            );
        }
        let admin = start_admin(config, &store, &engines, clock.clone()).await?;
        let holder = instance_id(config.daemon.scheduler.instance_id.as_deref());
        Ok(Self {
            store,
            engines,
            leases: LeaseSettings {
                holder,
                lease: Duration::from_secs(config.daemon.scheduler.lease_secs),
            },
            grace: Duration::from_secs(config.daemon.scheduler.shutdown_grace_secs),
            settle: config
                .connections
                .iter()
                .map(ConnectionConfig::request_timeout)
                .max()
                .unwrap_or(Duration::ZERO),
            admin,
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The engine of a connection.
    pub fn engine(&self, connection: &str) -> Option<Arc<ConnectionEngine>> {
        self.engines
            .get(connection)
            .map(|(_, engine)| engine.clone())
    }

    /// Names of the running connections.
    pub fn connection_names(&self) -> Vec<String> {
        self.engines.keys().cloned().collect()
    }

    /// The admin listener's address, when it runs.
    pub fn admin_addr(&self) -> Option<std::net::SocketAddr> {
        self.admin
            .as_ref()
            .and_then(|(listener, _)| listener.local_addr().ok())
    }

    /// Runs every job until `shutdown`, then waits up to the grace time for running jobs.
    pub async fn run(mut self, shutdown: Shutdown) {
        let mut tasks = tokio::task::JoinSet::new();
        if let Some((listener, router)) = self.admin.take() {
            tasks.spawn(crate::admin::serve(listener, router, shutdown.clone()));
        }
        for (name, (connection, engine)) in &self.engines {
            let schedule = &connection.schedule;
            let jitter = Duration::from_secs(schedule.jitter_secs);
            let mut jobs = vec![
                (JobKind::Import, schedule.import_interval_secs),
                (JobKind::Track, schedule.track_interval_secs),
                (JobKind::Ship, schedule.ship_interval_secs),
                (JobKind::Cancel, schedule.cancel_interval_secs),
            ];
            if connection.stock.enabled {
                jobs.push((JobKind::Stock, schedule.stock_interval_secs));
            }
            for (kind, interval_secs) in jobs {
                tasks.spawn(job_loop(
                    engine.clone(),
                    JobSchedule {
                        kind,
                        interval: Duration::from_secs(interval_secs),
                        jitter,
                    },
                    self.leases.clone(),
                    shutdown.clone(),
                ));
            }
            tracing::info!(connection = %name, "connection started");
        }
        tracing::info!(instance = %self.leases.holder, n_connections = self.engines.len(), "orderbridge running");
        let mut waiting = shutdown.clone();
        waiting.wait().await;
        tracing::info!(
            grace_secs = self.grace.as_secs(),
            "shutting down: finishing jobs in flight"
        );
        let drained = tokio::time::timeout(self.grace, async {
            while tasks.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("grace time over; abandoning jobs in flight (their intents are recorded and resume at next start)");
            tasks.abort_all();
            while tasks.join_next().await.is_some() {}
            // A request an abandoned run had sent may still be running at the vendor: the
            // next holder may start once it has surely ended (the longest client timeout).
            let until = chrono::Utc::now().timestamp_millis()
                + i64::try_from(self.settle.as_millis()).unwrap_or(i64::MAX / 2);
            match self.store.release_leases(&self.leases.holder, until).await {
                Ok(n) => tracing::info!(
                    n_leases = n,
                    settle_secs = self.settle.as_secs(),
                    "leases of abandoned runs end once their requests have timed out"
                ),
                Err(error) => tracing::warn!("releasing leases failed: {error}"),
            }
        }
        self.store.close().await;
        tracing::info!("orderbridge stopped");
    }
}

/// Installs the metrics recorder and binds the admin listener when one is configured, with
/// the dashboard over the application layer of the running engines.
async fn start_admin(
    config: &Config,
    store: &Store,
    engines: &BTreeMap<String, (ConnectionConfig, Arc<ConnectionEngine>)>,
    clock: SharedClock,
) -> Result<Option<(tokio::net::TcpListener, axum::Router)>, DaemonError> {
    crate::metrics::handle();
    let admin = &config.daemon.admin;
    let (Some(listen), Some(token)) = (admin.listen, admin.token.as_ref()) else {
        return Ok(None);
    };
    let credentials = credentials_dir();
    let token = token
        .resolve(credentials.as_deref())
        .map_err(|e| DaemonError::Admin(format!("token: {e}")))?;
    let read_token = admin
        .read_token
        .as_ref()
        .map(|t| t.resolve(credentials.as_deref()))
        .transpose()
        .map_err(|e| DaemonError::Admin(format!("read_token: {e}")))?;
    let mut users = Vec::with_capacity(admin.users.len());
    for user in &admin.users {
        let hash = user
            .password_hash
            .resolve(credentials.as_deref())
            .map_err(|e| DaemonError::Admin(format!("password_hash of user {}: {e}", user.name)))?;
        if argon2::PasswordHash::new(hash.expose()).is_err() {
            return Err(DaemonError::Admin(format!(
                "password_hash of user {} is not an argon2 hash (make one with `orderbridge hash-password`)",
                user.name
            )));
        }
        users.push(crate::web::User {
            name: user.name.trim().to_owned(),
            password_hash: hash,
            role: user.role,
        });
    }
    let listener = crate::admin::bind(listen)
        .await
        .map_err(|e| DaemonError::Admin(format!("cannot listen on {listen}: {e}")))?;
    tracing::info!(%listen, n_users = users.len(), "admin listener: dashboard on /, API on /api/v1, /metrics, /status, /healthz");
    let auth = crate::web::Auth::new(
        users,
        token,
        read_token,
        admin.session_hours,
        admin.secure_cookies,
        clock.clone(),
        store.clone(),
    )
    .behind_proxy(admin.behind_proxy);
    let ops = crate::ops::Ops::running(store.clone(), engines.clone(), clock);
    let state = crate::web::WebState {
        ops: Arc::new(ops),
        auth: Arc::new(auth),
    };
    Ok(Some((listener, crate::web::router(state))))
}

fn engine_marketplace_kind(connection: &ConnectionConfig) -> &'static str {
    connection.marketplace.kind()
}

fn engine_webshop_kind(connection: &ConnectionConfig) -> &'static str {
    connection.webshop.kind()
}

/// This process's name in the lease table: the configured `scheduler.instance_id` (default the
/// host name), then the pid and a random part. The suffix keeps every process apart even when
/// all instances share one configuration, or run in containers with the same host name and
/// pid: a holder's name is what `release_leases` and the fencing go by.
fn instance_id(configured: Option<&str>) -> String {
    let name = configured.map(str::to_owned).unwrap_or_else(|| {
        std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_owned())
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "orderbridge".to_owned())
    });
    let nonce: u32 = rand::random();
    format!("{name}-{}-{nonce:08x}", std::process::id())
}
