//! The application layer: what a merchant can see and do, for every face (the CLI's `orders`
//! and `batches` commands and the web dashboard). It reads the store and drives the
//! connections' engines and returns typed views ([`views`]); the faces only render them.

mod documents;
mod test_order;
mod views;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use documents::{PackLine, PackOrder, PickItem, PickPack};
pub use test_order::MAX_TEST_QUANTITY;
pub use views::{
    connection_views, money_text, Actions, AddressView, BatchView, ConnectionView, DiscountView,
    EventView, JobView, LineView, OrderPage, OrderQuery, OrderSummary, OrderView, Tab, TabCount,
};

use crate::clock::{to_millis, SharedClock};
use crate::config::ConnectionConfig;
use crate::daemon::{build_engine, ConnectionEngine, DaemonError};
use crate::engine::ManageError;
use crate::status::OrderStatus;
use crate::store::{EventKind, OrderFilter, OrderRecord, Store, StoreError};

/// The longest note a merchant can add, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Why an action or a view could not be done.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// No order with that code.
    #[error("no order with code {0}")]
    UnknownOrder(String),
    /// No batch with that id.
    #[error("no batch {0}")]
    UnknownBatch(i64),
    /// The order's connection is not configured (or not running) here.
    #[error("order {code} belongs to connection {connection}, which is not configured here")]
    UnknownConnection {
        /// Order code.
        code: String,
        /// Its connection.
        connection: String,
    },
    /// No bought marketplace label to download.
    #[error("{0}")]
    NoLabel(String),
    /// The kept labels could not be joined into one PDF.
    #[error(transparent)]
    Label(#[from] crate::documents::JoinError),
    /// The input cannot be used (an empty note, a note too long).
    #[error("{0}")]
    Invalid(String),
    /// The connection's engine cannot be built (a secret cannot be read, ...).
    #[error(transparent)]
    Build(#[from] Box<DaemonError>),
    /// The engine refused or failed the action.
    #[error(transparent)]
    Manage(#[from] ManageError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A merchant's action on one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Fetch the newest state from both sides now.
    Sync,
    /// Send an order in `error` through the loop again.
    Resend,
    /// Hand it over to be handled by hand.
    Manual,
    /// Cancel it on both sides (the merchant cannot deliver).
    Cancel,
}

impl Action {
    /// The action of a name (`sync`, `resend`, `manual`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "sync" => Some(Self::Sync),
            "resend" => Some(Self::Resend),
            "manual" => Some(Self::Manual),
            "cancel" => Some(Self::Cancel),
            _ => None,
        }
    }
}

/// What an action left the order as.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct ActionOutcome {
    /// Order code.
    pub code: String,
    /// Its status now.
    pub status: OrderStatus,
    /// Its error, if it is (still) in `error`.
    pub error: Option<String>,
}

/// Where the engines come from: the running daemon's, or built on demand from the
/// configuration (the CLI, which needs no secret just to list orders).
enum Engines {
    Running(BTreeMap<String, (ConnectionConfig, Arc<ConnectionEngine>)>),
    Configured(Vec<ConnectionConfig>),
}

/// The application layer over one store.
pub struct Ops {
    store: Store,
    engines: Engines,
    clock: SharedClock,
}

impl Ops {
    /// Over the running daemon's engines.
    pub fn running(
        store: Store,
        engines: BTreeMap<String, (ConnectionConfig, Arc<ConnectionEngine>)>,
        clock: SharedClock,
    ) -> Self {
        Self {
            store,
            engines: Engines::Running(engines),
            clock,
        }
    }

    /// Over the configured connections, building an engine only for an action.
    pub fn configured(
        store: Store,
        connections: Vec<ConnectionConfig>,
        clock: SharedClock,
    ) -> Self {
        Self {
            store,
            engines: Engines::Configured(connections),
            clock,
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    fn engine(&self, order: &OrderRecord) -> Result<Arc<ConnectionEngine>, OpsError> {
        let unknown = || OpsError::UnknownConnection {
            code: order.code.to_string(),
            connection: order.connection.clone(),
        };
        match &self.engines {
            Engines::Running(engines) => engines
                .get(&order.connection)
                .map(|(_, engine)| engine.clone())
                .ok_or_else(unknown),
            Engines::Configured(connections) => {
                let connection = connections
                    .iter()
                    .find(|c| c.name == order.connection)
                    .ok_or_else(unknown)?;
                build_engine(connection, &self.store, self.clock.clone())
                    .map(Arc::new)
                    .map_err(|e| OpsError::Build(Box::new(e)))
            }
        }
    }

    fn connection_config(&self, name: &str) -> Option<&ConnectionConfig> {
        match &self.engines {
            Engines::Running(engines) => engines.get(name).map(|(config, _)| config),
            Engines::Configured(connections) => connections.iter().find(|c| c.name == name),
        }
    }

    /// The webshop's admin page of an order of a connection.
    pub fn webshop_order_page(&self, connection: &str, webshop_order_id: &str) -> Option<String> {
        self.connection_config(connection)
            .and_then(|c| c.webshop.order_page(webshop_order_id))
    }

    /// The marketplace's page of an order, where the connection names one.
    pub fn marketplace_order_page(&self, connection: &str, order_id: &str) -> Option<String> {
        self.connection_config(connection)
            .and_then(|c| c.marketplace.order_page(order_id))
    }

    /// The stored order with a code (any case, surrounding spaces ignored).
    ///
    /// # Errors
    ///
    /// When there is none, or the store fails.
    pub async fn record(&self, code: &str) -> Result<OrderRecord, OpsError> {
        self.store
            .order_by_code(&normalized_code(code))
            .await?
            .ok_or_else(|| OpsError::UnknownOrder(code.trim().to_owned()))
    }

    /// One page of orders for a query, with the count of every tab.
    ///
    /// # Errors
    ///
    /// When the store fails.
    pub async fn orders(&self, query: &OrderQuery) -> Result<OrderPage, OpsError> {
        let per_page = match query.per_page {
            0 => 50,
            n => n,
        };
        let mut filter = OrderFilter {
            connection: query.connection.clone().filter(|c| !c.is_empty()),
            statuses: Vec::new(),
            batch_id: query.batch,
            search: query.search.clone().filter(|s| !s.trim().is_empty()),
            limit: None,
            offset: None,
        };
        let by_status = self.store.count_by_status(&filter).await?;
        let count = |statuses: &[OrderStatus]| -> i64 {
            by_status
                .iter()
                .filter(|(status, _)| statuses.contains(status))
                .map(|(_, n)| n)
                .sum()
        };
        let tab_counts: Vec<TabCount> = Tab::ALL
            .into_iter()
            .map(|tab| TabCount {
                tab,
                count: count(tab.statuses()),
            })
            .collect();
        let statuses: Vec<OrderStatus> = match query.tab {
            Some(tab) => tab.statuses().to_vec(),
            None => query.statuses.clone(),
        };
        let total = if statuses.is_empty() {
            by_status.iter().map(|(_, n)| n).sum()
        } else {
            count(&statuses)
        };
        let pages = u32::try_from((total + i64::from(per_page) - 1) / i64::from(per_page))
            .unwrap_or(u32::MAX)
            .max(1);
        let page = query.page.clamp(1, pages);
        filter.statuses = statuses;
        filter.limit = Some(i64::from(per_page));
        filter.offset = Some(i64::from(page - 1) * i64::from(per_page));
        let orders = self.store.orders(&filter).await?;
        Ok(OrderPage {
            orders: orders.iter().map(OrderSummary::of).collect(),
            tab_counts,
            total,
            page,
            pages,
            per_page,
        })
    }

    /// Everything about one order.
    ///
    /// # Errors
    ///
    /// When the order is unknown or the store fails.
    pub async fn order(&self, code: &str) -> Result<OrderView, OpsError> {
        let record = self.record(code).await?;
        let lines = self.store.lines(record.id).await?;
        let history = self.store.history(record.id).await?;
        Ok(OrderView::of(&record, &lines, &history))
    }

    /// Runs a merchant's action on an order through its connection's engine.
    ///
    /// # Errors
    ///
    /// When the order or its connection is unknown, the action does not apply, or a vendor
    /// or the store fails.
    pub async fn act(&self, code: &str, action: Action) -> Result<ActionOutcome, OpsError> {
        let record = self.record(code).await?;
        let engine = self.engine(&record)?;
        let updated = match action {
            Action::Sync => engine.sync_order(record.code.as_str()).await?,
            Action::Resend => engine.resend_order(record.code.as_str()).await?,
            Action::Manual => engine.handle_manually(record.code.as_str()).await?,
            Action::Cancel => engine.cancel_for_merchant(record.code.as_str()).await?,
        };
        Ok(ActionOutcome {
            code: updated.code.to_string(),
            status: updated.status,
            error: updated.error,
        })
    }

    /// Adds the merchant's note to an order's history.
    ///
    /// # Errors
    ///
    /// When the order is unknown, the note is empty or too long, or the store fails.
    pub async fn add_note(&self, code: &str, author: &str, text: &str) -> Result<(), OpsError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(OpsError::Invalid("a note cannot be empty".into()));
        }
        if text.chars().count() > MAX_NOTE_CHARS {
            return Err(OpsError::Invalid(format!(
                "a note holds at most {MAX_NOTE_CHARS} characters"
            )));
        }
        let record = self.record(code).await?;
        self.store
            .add_event(
                record.id,
                to_millis(self.clock.now()),
                EventKind::Note,
                &format!("{author}: {text}"),
            )
            .await?;
        Ok(())
    }

    /// The newest batches.
    ///
    /// # Errors
    ///
    /// When the store fails.
    pub async fn batches(&self, limit: i64) -> Result<Vec<BatchView>, OpsError> {
        Ok(self
            .store
            .batches(limit)
            .await?
            .iter()
            .map(BatchView::of)
            .collect())
    }

    /// One batch with its orders.
    ///
    /// # Errors
    ///
    /// When the batch is unknown or the store fails.
    pub async fn batch(&self, batch_id: i64) -> Result<(BatchView, Vec<OrderSummary>), OpsError> {
        let batch = self
            .store
            .batch(batch_id)
            .await?
            .ok_or(OpsError::UnknownBatch(batch_id))?;
        let orders = self
            .store
            .orders(&OrderFilter {
                batch_id: Some(batch_id),
                ..OrderFilter::default()
            })
            .await?;
        Ok((
            BatchView::of(&batch),
            orders.iter().map(OrderSummary::of).collect(),
        ))
    }

    /// Every connection's jobs.
    ///
    /// # Errors
    ///
    /// When the store fails.
    pub async fn connections(&self) -> Result<Vec<ConnectionView>, OpsError> {
        Ok(connection_views(&self.store.lease_states().await?))
    }

    /// The names of the connections orders can belong to.
    ///
    /// # Errors
    ///
    /// When the store fails.
    pub async fn connection_names(&self) -> Result<Vec<String>, OpsError> {
        Ok(self.store.connection_names().await?)
    }
}

/// An order code as stored: trimmed, upper case.
pub fn normalized_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}
