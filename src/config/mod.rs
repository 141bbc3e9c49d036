//! Configuration: `orderbridge.toml` (database, logging, scheduler) plus one file per
//! marketplace connection in `connections/*.toml`, read through the `config` crate with
//! `ORDERBRIDGE__…` environment overrides. Unknown keys and bad values fail at start with the
//! file and key named; `orderbridge check-config` runs the same checks without starting.

mod connection;
mod daemon;

use std::path::{Path, PathBuf};

pub use connection::{
    CarrierSettings, ConnectionConfig, MarketplaceSettings, OrderSettings, ScheduleSettings,
    StockSettings, WebshopSettings,
};
pub use daemon::{
    AdminSettings, AdminUser, DaemonConfig, DatabaseSettings, LogFormat, LoggingSettings, Role,
    SchedulerSettings,
};

/// A configuration problem, naming the file (and key, where there is one).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file could not be read or parsed, or holds a bad value.
    #[error("{}: {message}", file.display())]
    Invalid {
        /// The file.
        file: PathBuf,
        /// What is wrong, with the key where known.
        message: String,
    },
    /// A key has a value that parses but makes no sense.
    #[error("{}: key `{key}`: {message}", file.display())]
    BadValue {
        /// The file.
        file: PathBuf,
        /// The key, dotted (`schedule.import_interval_secs`).
        key: String,
        /// What is wrong.
        message: String,
    },
    /// The connections directory cannot be listed.
    #[error("{}: cannot list connection files: {source}", dir.display())]
    ConnectionsDir {
        /// The directory.
        dir: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The whole configuration: the daemon's file and every connection file.
#[derive(Debug, Clone)]
pub struct Config {
    /// Path of `orderbridge.toml`.
    pub path: PathBuf,
    /// Its contents.
    pub daemon: DaemonConfig,
    /// The connections, sorted by name.
    pub connections: Vec<ConnectionConfig>,
}

/// Reads one TOML file through the `config` crate with environment overrides under `prefix`
/// (`ORDERBRIDGE` → `ORDERBRIDGE__DATABASE__URL`).
fn read_file<T: serde::de::DeserializeOwned>(
    path: &Path,
    env_prefix: &str,
) -> Result<T, ConfigError> {
    if !path.is_file() {
        return Err(ConfigError::Invalid {
            file: path.to_owned(),
            message: "file not found".into(),
        });
    }
    let source = config::Config::builder()
        .add_source(config::File::from(path).format(config::FileFormat::Toml))
        .add_source(
            config::Environment::with_prefix(env_prefix)
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true)
                .source(Some(overrides_for(env_prefix))),
        )
        .build()
        .map_err(|e| ConfigError::Invalid {
            file: path.to_owned(),
            message: e.to_string(),
        })?;
    source.try_deserialize().map_err(|e| ConfigError::Invalid {
        file: path.to_owned(),
        message: e.to_string(),
    })
}

/// The environment variables under `prefix`, leaving out those of the connections when the
/// prefix is the daemon's own (`ORDERBRIDGE__CONNECTIONS__…` belong to connection files).
fn overrides_for(prefix: &str) -> config::Map<String, String> {
    let own = format!("{prefix}__");
    let connections = "ORDERBRIDGE__CONNECTIONS__";
    std::env::vars()
        .filter(|(key, _)| key.starts_with(&own))
        .filter(|(key, _)| prefix.starts_with(connections) || !key.starts_with(connections))
        .collect()
}

/// The environment prefix of a connection's overrides:
/// `ORDERBRIDGE__CONNECTIONS__<NAME>` with the name upper-cased and `-`/`.` as `_`.
pub fn connection_env_prefix(name: &str) -> String {
    let upper: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("ORDERBRIDGE__CONNECTIONS__{upper}")
}

impl Config {
    /// Loads `orderbridge.toml` at `path` and every `*.toml` in its connections directory
    /// (relative paths are relative to the file's folder), except `*.example.toml`.
    ///
    /// # Errors
    ///
    /// The first problem found, naming its file and key.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let daemon: DaemonConfig = read_file(path, "ORDERBRIDGE")?;
        daemon.validate(path)?;
        let base = path.parent().unwrap_or(Path::new("."));
        let dir = base.join(&daemon.connections_dir);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|source| ConfigError::ConnectionsDir {
                dir: dir.clone(),
                source,
            })?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
            .filter(|p| !p.to_string_lossy().ends_with(".example.toml"))
            .collect();
        files.sort();
        let connections = files
            .iter()
            .map(|file| ConnectionConfig::load(file))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            path: path.to_owned(),
            daemon,
            connections,
        })
    }

    /// What opening the store for `run` and the CLI does with pending migrations.
    pub fn migration_policy(&self) -> crate::store::MigrationPolicy {
        if self.daemon.database.auto_migrate {
            crate::store::MigrationPolicy::Apply
        } else {
            crate::store::MigrationPolicy::Refuse
        }
    }

    /// The URL to connect with: [`Config::database_location`] with `database.password` (read
    /// from its file or systemd credential) put in. Holds the password: never log it (show
    /// [`Config::database_location`] instead).
    ///
    /// # Errors
    ///
    /// When the password cannot be read.
    pub fn database_url(&self) -> Result<String, ConfigError> {
        let location = self.database_location();
        let Some(source) = &self.daemon.database.password else {
            return Ok(location);
        };
        let bad = |message: String| ConfigError::BadValue {
            file: self.path.clone(),
            key: "database.password".into(),
            message,
        };
        let credentials = std::env::var_os("CREDENTIALS_DIRECTORY").map(PathBuf::from);
        let password = source
            .resolve(credentials.as_deref())
            .map_err(|e| bad(e.to_string()))?;
        let mut url = url::Url::parse(&location).map_err(|e| bad(e.to_string()))?;
        url.set_password(Some(password.expose()))
            .map_err(|()| bad("the database URL cannot carry a password".into()))?;
        Ok(url.to_string())
    }

    /// The database location: a URL as written, a relative SQLite path taken from the config
    /// file's folder.
    pub fn database_location(&self) -> String {
        let url = &self.daemon.database.url;
        if url.starts_with("sqlite:") || url.contains("://") || Path::new(url).is_absolute() {
            return url.clone();
        }
        self.path
            .parent()
            .unwrap_or(Path::new("."))
            .join(url)
            .to_string_lossy()
            .into_owned()
    }
}
