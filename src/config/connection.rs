//! One marketplace connection file (`connections/<name>.toml`): which marketplace and webshop
//! with their credentials, poll intervals, the T&T wait, carrier mapping, stock buffer and
//! which orders to import. The connection's name is the file name without `.toml`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use orderbridge_core::carrier::{CarrierRule, CarrierRules};
use serde::Deserialize;

use super::{connection_env_prefix, read_file, ConfigError};
pub use crate::connectors::{MarketplaceSettings, WebshopSettings};
use crate::engine::{LabelChoice, LabelPolicy};

impl ConnectionConfig {
    /// The longest a single vendor request of this connection may take (its clients'
    /// timeouts).
    pub fn request_timeout(&self) -> std::time::Duration {
        self.marketplace.timeout().max(self.webshop.timeout())
    }
}

/// Splits `kind` off a section.
fn kind_of(name: &str, value: serde_json::Value) -> Result<(String, serde_json::Value), String> {
    let serde_json::Value::Object(mut fields) = value else {
        return Err(format!("key `{name}`: must be a table"));
    };
    match fields.remove("kind") {
        Some(serde_json::Value::String(kind)) => Ok((kind, serde_json::Value::Object(fields))),
        Some(other) => Err(format!("key `{name}.kind`: must be text, not {other}")),
        None => Err(format!("key `{name}.kind`: missing")),
    }
}

/// `[schedule]`: how often each job runs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSettings {
    /// Seconds between imports of open marketplace orders. Default 300.
    #[serde(default = "default_interval")]
    pub import_interval_secs: u64,
    /// Seconds between checks of the webshop for completed/cancelled orders. Default 300.
    #[serde(default = "default_interval")]
    pub track_interval_secs: u64,
    /// Seconds between shipment pushes. Default 300.
    #[serde(default = "default_interval")]
    pub ship_interval_secs: u64,
    /// Seconds between cancellation runs. Default 300.
    #[serde(default = "default_interval")]
    pub cancel_interval_secs: u64,
    /// Seconds between stock syncs. Default 300.
    #[serde(default = "default_interval")]
    pub stock_interval_secs: u64,
    /// Up to this many seconds are added at random to each interval so connections do not
    /// all call at once. Default 10.
    #[serde(default = "default_jitter")]
    pub jitter_secs: u64,
}

impl Default for ScheduleSettings {
    fn default() -> Self {
        Self {
            import_interval_secs: default_interval(),
            track_interval_secs: default_interval(),
            ship_interval_secs: default_interval(),
            cancel_interval_secs: default_interval(),
            stock_interval_secs: default_interval(),
            jitter_secs: default_jitter(),
        }
    }
}

fn default_interval() -> u64 {
    300
}

fn default_jitter() -> u64 {
    10
}

/// `[orders]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderSettings {
    /// Seconds to wait for a T&T code after an order is completed without one, before it is
    /// shipped without T&T. Default 10800 (3 hours).
    #[serde(default = "default_tracking_wait")]
    pub tracking_wait_secs: u64,
    /// Seconds before an order that failed temporarily (an API down) is tried again.
    /// Default 60.
    #[serde(default = "default_retry_delay")]
    pub retry_delay_secs: u64,
    /// Orders handled per step per run. Default 200.
    #[serde(default = "default_batch_limit")]
    pub batch_limit: u32,
}

impl Default for OrderSettings {
    fn default() -> Self {
        Self {
            tracking_wait_secs: default_tracking_wait(),
            retry_delay_secs: default_retry_delay(),
            batch_limit: default_batch_limit(),
        }
    }
}

fn default_tracking_wait() -> u64 {
    3 * 3600
}

fn default_retry_delay() -> u64 {
    60
}

fn default_batch_limit() -> u32 {
    200
}

/// `[stock]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockSettings {
    /// Push webshop stock to the marketplace offers. Default true.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Items held back: the marketplace gets the webshop stock minus this (never below 0).
    /// Default 0.
    #[serde(default)]
    pub buffer: u32,
}

impl Default for StockSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            buffer: 0,
        }
    }
}

fn default_true() -> bool {
    true
}

/// `[labels]`: marketplace shipping labels ("Verzenden via bol").
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelSettings {
    /// Buy a label from the marketplace for orders whose lines must ship with one. Labels are
    /// charged to the merchant's seller account. Default false: such orders go to `manual`
    /// and are shipped from the seller dashboard.
    #[serde(default)]
    pub buy: bool,
    /// Which label to buy: `recommended` (the marketplace's recommendation, else the
    /// cheapest; default) or `cheapest`.
    #[serde(default)]
    pub choose: LabelChoice,
}

impl LabelSettings {
    /// The engine's policy.
    pub fn policy(&self) -> LabelPolicy {
        if self.buy {
            LabelPolicy::Buy(self.choose)
        } else {
            LabelPolicy::Off
        }
    }
}

/// `[carriers]`: the merchant's carrier mapping.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarrierSettings {
    /// Carrier used when neither the rules, the webshop nor the T&T code tell
    /// (e.g. `PostNL`). Default none: shipped without a carrier.
    #[serde(default)]
    pub default: Option<String>,
    /// Rules tried in order before anything else: `{ pattern = "^3S", carrier = "PostNL" }`;
    /// `pattern` is a regular expression on the T&T code (upper case, no spaces).
    #[serde(default)]
    pub rules: Vec<CarrierRule>,
}

/// One connection file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectionFile {
    #[serde(default = "default_true")]
    enabled: bool,
    marketplace: serde_json::Value,
    webshop: serde_json::Value,
    #[serde(default)]
    schedule: ScheduleSettings,
    #[serde(default)]
    orders: OrderSettings,
    #[serde(default)]
    stock: StockSettings,
    #[serde(default)]
    labels: LabelSettings,
    #[serde(default)]
    carriers: CarrierSettings,
}

/// A loaded, checked connection.
#[derive(Debug, Clone)]
pub struct ConnectionConfig {
    /// Name (the file name without `.toml`).
    pub name: String,
    /// The file it came from.
    pub file: PathBuf,
    /// Whether the daemon runs it.
    pub enabled: bool,
    /// Marketplace side.
    pub marketplace: MarketplaceSettings,
    /// Webshop side.
    pub webshop: WebshopSettings,
    /// Intervals.
    pub schedule: ScheduleSettings,
    /// Order handling.
    pub orders: OrderSettings,
    /// Stock sync.
    pub stock: StockSettings,
    /// Marketplace labels.
    pub labels: LabelSettings,
    /// Carrier mapping, compiled.
    pub carrier_rules: std::sync::Arc<CarrierRules>,
}

impl ConnectionConfig {
    /// Loads and checks one connection file.
    ///
    /// # Errors
    ///
    /// When the file is missing or malformed, has unknown keys or bad values; the error names
    /// the file and the key.
    pub fn load(file: &Path) -> Result<Self, ConfigError> {
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bad = |key: &str, message: String| ConfigError::BadValue {
            file: file.to_owned(),
            key: key.into(),
            message,
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ConfigError::Invalid {
                file: file.to_owned(),
                message: "the file name (the connection's name) may only hold letters, digits, `-` and `_`".into(),
            });
        }
        let parsed: ConnectionFile = read_file(file, &connection_env_prefix(&name))?;
        let invalid = |message: String| ConfigError::Invalid {
            file: file.to_owned(),
            message,
        };
        let (kind, rest) = kind_of("marketplace", parsed.marketplace).map_err(invalid)?;
        let marketplace =
            MarketplaceSettings::parse("marketplace", &kind, rest).map_err(invalid)?;
        let (kind, rest) = kind_of("webshop", parsed.webshop).map_err(invalid)?;
        let webshop = WebshopSettings::parse("webshop", &kind, rest).map_err(invalid)?;
        let schedule = &parsed.schedule;
        for (key, value) in [
            (
                "schedule.import_interval_secs",
                schedule.import_interval_secs,
            ),
            ("schedule.track_interval_secs", schedule.track_interval_secs),
            ("schedule.ship_interval_secs", schedule.ship_interval_secs),
            (
                "schedule.cancel_interval_secs",
                schedule.cancel_interval_secs,
            ),
            ("schedule.stock_interval_secs", schedule.stock_interval_secs),
        ] {
            if value == 0 {
                return Err(bad(key, "must be at least 1 second".into()));
            }
        }
        if parsed.orders.batch_limit == 0 {
            return Err(bad("orders.batch_limit", "must be at least 1".into()));
        }
        if parsed.labels.buy && !marketplace.capabilities().labels {
            return Err(bad(
                "labels.buy",
                format!("{} sells no shipping labels", marketplace.label()),
            ));
        }
        let carrier_rules =
            CarrierRules::compile(&parsed.carriers.rules, parsed.carriers.default.as_deref())
                .map_err(|e| bad("carriers", e.to_string()))?;
        Ok(Self {
            name,
            file: file.to_owned(),
            enabled: parsed.enabled,
            marketplace,
            webshop,
            schedule: parsed.schedule,
            orders: parsed.orders,
            stock: parsed.stock,
            labels: parsed.labels,
            carrier_rules: std::sync::Arc::new(carrier_rules),
        })
    }

    /// The T&T wait.
    pub fn tracking_wait(&self) -> Duration {
        Duration::from_secs(self.orders.tracking_wait_secs)
    }
}
