//! `orderbridge.toml`: where the state lives, how logs look, and how the scheduler shares
//! work with other processes on the same database.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ConfigError;

/// The daemon's own settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaemonConfig {
    /// The state database.
    #[serde(default)]
    pub database: DatabaseSettings,
    /// Logging.
    #[serde(default)]
    pub logging: LoggingSettings,
    /// Job scheduling and leases.
    #[serde(default)]
    pub scheduler: SchedulerSettings,
    /// The admin listener (metrics, status, health).
    #[serde(default)]
    pub admin: AdminSettings,
    /// Folder with one `*.toml` per marketplace connection, relative to this file.
    /// Default `connections`.
    #[serde(default = "default_connections_dir")]
    pub connections_dir: PathBuf,
}

fn default_connections_dir() -> PathBuf {
    PathBuf::from("connections")
}

/// `[database]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// SQLite file path (relative to this file), `sqlite://` URL, or `postgres://` URL (for
    /// several instances sharing the work). Default `orderbridge.db`.
    #[serde(default = "default_database_url")]
    pub url: String,
    /// Password for a PostgreSQL URL that has none (inline, `{ file = ... }` or
    /// `{ credential = ... }`), so it need not be written into the URL.
    #[serde(default)]
    pub password: Option<orderbridge_core::SecretSource>,
    /// Whether `run` applies pending schema migrations itself. Default false: `run` refuses
    /// to start on an older schema and `orderbridge migrate` applies them.
    #[serde(default)]
    pub auto_migrate: bool,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: default_database_url(),
            password: None,
            auto_migrate: false,
        }
    }
}

fn default_database_url() -> String {
    "orderbridge.db".into()
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// JSON lines when stdout is not a terminal (journald), readable lines on a terminal.
    #[default]
    Auto,
    /// Always JSON lines.
    Json,
    /// Always readable lines.
    Text,
}

/// `[logging]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoggingSettings {
    /// `auto`, `json` or `text`. Default `auto`.
    #[serde(default)]
    pub format: LogFormat,
    /// Filter in `tracing` syntax (`info`, `orderbridge=debug,info`). `RUST_LOG` overrides it.
    /// Default `info`.
    #[serde(default = "default_level")]
    pub level: String,
}

impl Default for LoggingSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Auto,
            level: default_level(),
        }
    }
}

fn default_level() -> String {
    "info".into()
}

/// `[admin]`: the HTTP listener for the web dashboard (`/`), its JSON API (`/api/v1`),
/// Prometheus metrics (`/metrics`), the connections' job state (`/status`) and a liveness
/// probe (`/healthz`). Off unless `listen` is set. People log in to the dashboard with a user
/// name and password (`[[admin.users]]`); machines send `Authorization: Bearer <token>`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSettings {
    /// Address to listen on, e.g. `127.0.0.1:9187`. Default: no listener.
    #[serde(default)]
    pub listen: Option<std::net::SocketAddr>,
    /// The operator token: may read everything and act on orders (inline, `{ file = ... }`
    /// or `{ credential = ... }`). Required when `listen` is set.
    #[serde(default)]
    pub token: Option<orderbridge_core::SecretSource>,
    /// A read-only token: may read everything, act on nothing. Optional.
    #[serde(default)]
    pub read_token: Option<orderbridge_core::SecretSource>,
    /// The people who may log in to the dashboard.
    #[serde(default)]
    pub users: Vec<AdminUser>,
    /// Mark the session cookie `Secure` (set this when the dashboard is reached over HTTPS
    /// through a proxy; a request with `X-Forwarded-Proto: https` gets it anyway). Default
    /// false.
    #[serde(default)]
    pub secure_cookies: bool,
    /// The listener sits behind a reverse proxy that appends the client's address to
    /// `X-Forwarded-For`: failed logins are then counted by that address, not the proxy's.
    /// Default false.
    #[serde(default)]
    pub behind_proxy: bool,
    /// Hours a login lasts without being used. Default 12.
    #[serde(default = "default_session_hours")]
    pub session_hours: u32,
}

fn default_session_hours() -> u32 {
    12
}

impl Default for AdminSettings {
    fn default() -> Self {
        Self {
            listen: None,
            token: None,
            read_token: None,
            users: Vec::new(),
            secure_cookies: false,
            behind_proxy: false,
            session_hours: default_session_hours(),
        }
    }
}

/// `[[admin.users]]`: one person who may log in to the dashboard.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminUser {
    /// The user name.
    pub name: String,
    /// The argon2 hash of the password (`orderbridge hash-password` makes one), inline or
    /// `{ file = ... }` / `{ credential = ... }`.
    pub password_hash: orderbridge_core::SecretSource,
    /// `operator` (default: may act on orders) or `read_only` (may only look).
    #[serde(default)]
    pub role: Role,
}

/// What a user or token may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Read everything and act on orders.
    #[default]
    Operator,
    /// Read everything, act on nothing.
    ReadOnly,
}

/// `[scheduler]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchedulerSettings {
    /// Seconds a process holds a job's lease before another process may take the job over;
    /// renewed while the job runs. Default 120.
    #[serde(default = "default_lease_secs")]
    pub lease_secs: u64,
    /// Seconds running jobs get to finish after SIGTERM before the process exits anyway.
    /// Default 30.
    #[serde(default = "default_grace_secs")]
    pub shutdown_grace_secs: u64,
    /// Name of this process in leases; default `<hostname>-<pid>`.
    #[serde(default)]
    pub instance_id: Option<String>,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        Self {
            lease_secs: default_lease_secs(),
            shutdown_grace_secs: default_grace_secs(),
            instance_id: None,
        }
    }
}

/// Whether `filter` is a list of `level` or `target=level` directives.
fn valid_log_filter(filter: &str) -> bool {
    const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];
    let is_target = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '-')
    };
    !filter.trim().is_empty()
        && filter
            .split(',')
            .map(str::trim)
            .all(|directive| match directive.split_once('=') {
                Some((target, level)) => {
                    is_target(target) && LEVELS.contains(&level.to_ascii_lowercase().as_str())
                }
                None => {
                    LEVELS.contains(&directive.to_ascii_lowercase().as_str())
                        || is_target(directive)
                }
            })
}

fn default_lease_secs() -> u64 {
    60
}

fn default_grace_secs() -> u64 {
    30
}

impl DaemonConfig {
    pub(super) fn validate(&self, file: &Path) -> Result<(), ConfigError> {
        let bad = |key: &str, message: &str| ConfigError::BadValue {
            file: file.to_owned(),
            key: key.into(),
            message: message.into(),
        };
        if self.database.url.trim().is_empty() {
            return Err(bad("database.url", "must not be empty"));
        }
        if self.database.password.is_some() {
            match url::Url::parse(&self.database.url) {
                Ok(url) if matches!(url.scheme(), "postgres" | "postgresql") => {
                    if url.password().is_some() {
                        return Err(bad(
                            "database.password",
                            "the database URL has a password already; set it in one place",
                        ));
                    }
                }
                _ => {
                    return Err(bad(
                        "database.password",
                        "applies only to a postgres:// database URL",
                    ))
                }
            }
        }
        if self.admin.listen.is_some() && self.admin.token.is_none() {
            return Err(bad(
                "admin.token",
                "is required when admin.listen is set: admin requests must be authenticated",
            ));
        }
        let mut names = std::collections::BTreeSet::new();
        for (idx, user) in self.admin.users.iter().enumerate() {
            let name = user.name.trim();
            if name.is_empty() || name.len() > 64 {
                return Err(bad(
                    &format!("admin.users[{idx}].name"),
                    "must be 1 to 64 characters",
                ));
            }
            if !names.insert(name.to_owned()) {
                return Err(bad(
                    &format!("admin.users[{idx}].name"),
                    &format!("{name:?} is listed twice"),
                ));
            }
        }
        if !(1..=720).contains(&self.admin.session_hours) {
            return Err(bad("admin.session_hours", "must be 1 to 720 hours"));
        }
        if self.scheduler.lease_secs < 5 {
            return Err(bad("scheduler.lease_secs", "must be at least 5 seconds"));
        }
        if !valid_log_filter(&self.logging.level) {
            return Err(bad(
                "logging.level",
                "is not a valid log filter (e.g. `info`)",
            ));
        }
        Ok(())
    }
}
