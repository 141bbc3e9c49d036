//! The typed views the application layer hands to its faces (the CLI and the web
//! dashboard): what a merchant sees of an order, a batch and a connection, already read and
//! shaped, so neither face reads database rows.

use chrono::{DateTime, Utc};
use orderbridge_core::domain::{Address, MarketplaceOrder, Money};
use serde::Serialize;

use crate::clock::from_millis;
use crate::status::{BatchStatus, OrderStatus, Step};
use crate::store::{BatchSummary, LeaseState, OrderEvent, OrderLine, OrderRecord};

/// A tab of the orders overview: a group of statuses a merchant works through together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tab {
    /// `error`: needs the merchant.
    Errors,
    /// `not_shipped`.
    NotShipped,
    /// `waiting`: completed, waiting for a T&T code.
    Waiting,
    /// `pending_shipment` and `pending_cancellation`: the marketplace is processing.
    Pending,
    /// `shipped`.
    Shipped,
    /// `cancellation_request`.
    CancellationRequests,
    /// `cancelled`.
    Cancelled,
    /// `manual`.
    Manual,
}

impl Tab {
    /// Every tab, in the order shown.
    pub const ALL: [Tab; 8] = [
        Self::Errors,
        Self::NotShipped,
        Self::Waiting,
        Self::Pending,
        Self::Shipped,
        Self::CancellationRequests,
        Self::Cancelled,
        Self::Manual,
    ];

    /// The name in addresses (`?tab=errors`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Errors => "errors",
            Self::NotShipped => "not_shipped",
            Self::Waiting => "waiting",
            Self::Pending => "pending",
            Self::Shipped => "shipped",
            Self::CancellationRequests => "cancellation_requests",
            Self::Cancelled => "cancelled",
            Self::Manual => "manual",
        }
    }

    /// The tab of a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|tab| tab.slug() == slug)
    }

    /// The statuses it shows.
    pub fn statuses(self) -> &'static [OrderStatus] {
        match self {
            Self::Errors => &[OrderStatus::Error],
            Self::NotShipped => &[OrderStatus::NotShipped],
            Self::Waiting => &[OrderStatus::Waiting],
            Self::Pending => &[
                OrderStatus::PendingShipment,
                OrderStatus::PendingCancellation,
            ],
            Self::Shipped => &[OrderStatus::Shipped],
            Self::CancellationRequests => &[OrderStatus::CancellationRequest],
            Self::Cancelled => &[OrderStatus::Cancelled],
            Self::Manual => &[OrderStatus::Manual],
        }
    }
}

/// Which orders a merchant asks for.
#[derive(Debug, Clone, Default)]
pub struct OrderQuery {
    /// One tab, or every order.
    pub tab: Option<Tab>,
    /// Exactly these statuses (when no tab is chosen; empty: all).
    pub statuses: Vec<OrderStatus>,
    /// Free text: order code, marketplace order id, customer name or T&T code.
    pub search: Option<String>,
    /// Only this connection.
    pub connection: Option<String>,
    /// Only this batch.
    pub batch: Option<i64>,
    /// Page number, from 1.
    pub page: u32,
    /// Orders per page (0 means the default of 50).
    pub per_page: u32,
}

/// One page of orders with the counts of every tab under the same search and filters.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OrderPage {
    /// The orders, newest first.
    pub orders: Vec<OrderSummary>,
    /// Orders per tab.
    pub tab_counts: Vec<TabCount>,
    /// Orders matching the query over all pages.
    pub total: i64,
    /// This page (from 1).
    pub page: u32,
    /// Pages in all (at least 1).
    pub pages: u32,
    /// Orders per page.
    pub per_page: u32,
}

/// How many orders a tab holds.
#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
pub struct TabCount {
    /// The tab.
    pub tab: Tab,
    /// Orders in it.
    pub count: i64,
}

/// A discount on a line as shown.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DiscountView {
    /// The promotion's title.
    pub title: String,
    /// The amount taken off, VAT included (`2.50 EUR`).
    pub amount: String,
}

/// An order in a list.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OrderSummary {
    /// Our order code.
    pub code: String,
    /// Connection.
    pub connection: String,
    /// The marketplace's order id.
    pub marketplace_order_id: String,
    /// The webshop's order id, once created.
    pub webshop_order_id: Option<String>,
    /// Status.
    pub status: OrderStatus,
    /// The buyer's name, when the details are known.
    pub customer: Option<String>,
    /// When the buyer placed it.
    pub placed_at: DateTime<Utc>,
    /// T&T code.
    pub tracking_code: Option<String>,
    /// Carrier.
    pub carrier: Option<String>,
    /// Why it is in `error`.
    pub error: Option<String>,
    /// Its import batch.
    pub batch_id: Option<i64>,
    /// A test order: never sent to a marketplace.
    pub is_test: bool,
}

impl OrderSummary {
    /// The summary of a stored order.
    pub fn of(record: &OrderRecord) -> Self {
        Self {
            code: record.code.to_string(),
            connection: record.connection.clone(),
            marketplace_order_id: record.marketplace_order_id.to_string(),
            webshop_order_id: record.webshop_order_id.as_ref().map(ToString::to_string),
            status: record.status,
            customer: record
                .details
                .as_ref()
                .map(|details| full_name(&details.shipping)),
            placed_at: record.placed_at,
            tracking_code: record.tracking_code.as_ref().map(ToString::to_string),
            carrier: record.carrier.as_ref().map(ToString::to_string),
            error: record.error.clone(),
            batch_id: record.batch_id,
            is_test: record.is_test,
        }
    }
}

fn full_name(address: &Address) -> String {
    format!("{} {}", address.first_name(), address.surname())
        .trim()
        .to_owned()
}

/// An address as shown, with the Dutch and Belgian house number and its extension apart.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AddressView {
    /// First name and surname.
    pub name: String,
    /// Company (or the pickup point's name).
    pub company: Option<String>,
    /// Street without the number.
    pub street: String,
    /// House number.
    pub house_number: String,
    /// Its extension (`A`, `II`, `bus 2`).
    pub house_number_extension: Option<String>,
    /// Extra line.
    pub extra: Option<String>,
    /// Postal code.
    pub zip_code: String,
    /// City.
    pub city: String,
    /// Country code.
    pub country: String,
    /// E-mail (often the marketplace's relay address).
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

impl AddressView {
    /// The view of an address.
    pub fn of(address: &Address) -> Self {
        Self {
            name: full_name(address),
            company: address.company().map(str::to_owned),
            street: address.street_name().to_owned(),
            house_number: address.house_number().to_owned(),
            house_number_extension: address.house_number_extension().map(str::to_owned),
            extra: address.extra_address_information().map(str::to_owned),
            zip_code: address.zip_code().to_owned(),
            city: address.city().to_owned(),
            country: address.country_code().as_str().to_owned(),
            email: address.email().map(str::to_owned),
            phone: address.phone().map(str::to_owned),
        }
    }
}

/// One line of an order as shown: quantities as stored, prices from the marketplace.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LineView {
    /// Marketplace line id.
    pub line_id: String,
    /// SKU.
    pub sku: Option<String>,
    /// EAN.
    pub ean: Option<String>,
    /// Title.
    pub title: String,
    /// Items ordered.
    pub quantity: i64,
    /// Items shipped.
    pub quantity_shipped: i64,
    /// Items cancelled.
    pub quantity_cancelled: i64,
    /// Price of one item, VAT included, as text (`24.99 EUR`).
    pub unit_price: String,
    /// What the buyer paid for the line, VAT included, discounts taken off.
    pub line_total: Option<String>,
    /// Discounts: title and amount.
    pub discounts: Vec<DiscountView>,
    /// Fulfilled by the marketplace (not ours to ship).
    pub fulfilled_by_marketplace: bool,
    /// Must ship with a marketplace label.
    pub marketplace_label_required: bool,
}

/// Money as shown: `24.99 EUR`.
pub fn money_text(money: Money) -> String {
    format!(
        "{} {}",
        money.to_decimal_string(),
        money.currency().as_str()
    )
}

fn line_views(lines: &[OrderLine], details: Option<&MarketplaceOrder>) -> Vec<LineView> {
    lines
        .iter()
        .map(|line| {
            let detail =
                details.and_then(|d| d.lines.iter().find(|l| l.line_id.as_str() == line.line_id));
            LineView {
                line_id: line.line_id.clone(),
                sku: line.sku.clone(),
                ean: line.ean.clone(),
                title: line.title.clone(),
                quantity: line.quantity,
                quantity_shipped: line.quantity_shipped,
                quantity_cancelled: line.quantity_cancelled,
                unit_price: format!(
                    "{}.{:02} {}",
                    line.unit_price_cents / 100,
                    line.unit_price_cents % 100,
                    line.currency
                ),
                line_total: detail.and_then(|d| d.paid_total().ok()).map(money_text),
                discounts: detail
                    .map(|d| {
                        d.discounts
                            .iter()
                            .map(|discount| DiscountView {
                                title: discount.title.clone(),
                                amount: money_text(discount.amount),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                fulfilled_by_marketplace: detail.is_some_and(|d| d.fulfilled_by_marketplace),
                marketplace_label_required: detail.is_some_and(|d| d.marketplace_label_required),
            }
        })
        .collect()
}

/// A history entry as shown.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EventView {
    /// When.
    pub at: DateTime<Utc>,
    /// Kind (`status`, `call`, `error`, `info`, `note`).
    pub kind: String,
    /// What happened.
    pub message: String,
}

impl EventView {
    fn of(event: &OrderEvent) -> Self {
        Self {
            at: from_millis(event.at),
            kind: event.kind.clone(),
            message: event.message.clone(),
        }
    }
}

/// Which of the merchant's actions apply to an order now.
#[derive(Debug, Clone, Copy, Default, Serialize, schemars::JsonSchema)]
pub struct Actions {
    /// Synchronize now.
    pub sync: bool,
    /// Resend (orders in `error`).
    pub resend: bool,
    /// Handle manually.
    pub manual: bool,
    /// Cancel on both sides.
    pub cancel: bool,
}

impl Actions {
    /// The actions that apply to an order now.
    pub fn for_order(order: &OrderRecord) -> Self {
        let status = order.status;
        Self {
            sync: status != OrderStatus::Manual,
            resend: status == OrderStatus::Error,
            manual: !status.is_final(),
            cancel: crate::engine::merchant_may_cancel(order),
        }
    }
}

/// Everything about one order.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OrderView {
    /// The summary fields.
    pub summary: OrderSummary,
    /// The shipping address, when the details are known.
    pub shipping: Option<AddressView>,
    /// The billing address.
    pub billing: Option<AddressView>,
    /// The pickup point's name.
    pub pickup_point: Option<String>,
    /// Lines.
    pub lines: Vec<LineView>,
    /// What the buyer paid in all, when every line's price is known.
    pub paid_total: Option<String>,
    /// The carrier's tracking page.
    pub tracking_url: Option<String>,
    /// The full history, oldest first (notes included).
    pub history: Vec<EventView>,
    /// The merchant's notes, oldest first.
    pub notes: Vec<EventView>,
    /// What the merchant may do now.
    pub actions: Actions,
    /// When the webshop completed it.
    pub completed_at: Option<DateTime<Utc>>,
    /// When the T&T wait ends.
    pub ship_after: Option<DateTime<Utc>>,
    /// The marketplace label it ships with, for orders that need one.
    pub label: Option<LabelView>,
}

/// Where an order's marketplace label is ("Verzenden via bol").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LabelView {
    /// Bought and kept: it can be downloaded and printed.
    pub bought: bool,
    /// The marketplace's label id, once bought.
    pub id: Option<String>,
}

impl LabelView {
    /// The label of an order that ships with one (`None` for own transport).
    pub fn of(record: &OrderRecord) -> Option<Self> {
        match record.label.step {
            Step::None | Step::Skipped => None,
            step => Some(Self {
                bought: step == Step::Done,
                id: record.label_id.as_ref().map(ToString::to_string),
            }),
        }
    }
}

impl OrderView {
    /// The view of a stored order with its lines and history.
    pub fn of(record: &OrderRecord, lines: &[OrderLine], history: &[OrderEvent]) -> Self {
        let details = record.details.as_ref();
        let tracking_url = match (&record.tracking_code, &record.carrier) {
            (Some(code), Some(carrier)) => orderbridge_core::carrier::tracking_page(
                carrier,
                code,
                details.map(|d| d.shipping.zip_code()),
                details.map(|d| d.shipping.country_code()),
            ),
            _ => None,
        };
        let paid_total = details.and_then(|d| {
            let mut lines = d.lines.iter().filter(|l| !l.fulfilled_by_marketplace);
            let first = lines.next()?.paid_total().ok()?;
            lines
                .try_fold(first, |sum, line| sum.plus(line.paid_total().ok()?).ok())
                .map(money_text)
        });
        let history: Vec<EventView> = history.iter().map(EventView::of).collect();
        Self {
            summary: OrderSummary::of(record),
            shipping: details.map(|d| AddressView::of(&d.shipping)),
            billing: details.map(|d| AddressView::of(&d.billing)),
            pickup_point: details.and_then(|d| d.pickup_point.clone()),
            lines: line_views(lines, details),
            paid_total,
            tracking_url,
            notes: history
                .iter()
                .filter(|e| e.kind == "note")
                .cloned()
                .collect(),
            history,
            actions: Actions::for_order(record),
            completed_at: record.completed_at,
            ship_after: record.ship_after,
            label: LabelView::of(record),
        }
    }
}

/// A batch with its orders.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BatchView {
    /// Batch id.
    pub id: i64,
    /// Connection.
    pub connection: String,
    /// When the import run made it.
    pub created_at: DateTime<Utc>,
    /// Derived status.
    pub status: BatchStatus,
    /// Orders in it.
    pub total: i64,
    /// Orders in the webshop (or no longer needing it).
    pub done: i64,
    /// Orders that failed before reaching the webshop.
    pub failed: i64,
    /// Marketplace labels bought for its orders (downloadable as one PDF).
    pub labels: i64,
}

impl BatchView {
    /// The view of a batch summary.
    pub fn of(batch: &BatchSummary) -> Self {
        Self {
            id: batch.id,
            connection: batch.connection.clone(),
            created_at: from_millis(batch.created_at),
            status: batch.status,
            total: batch.counts.total,
            done: batch.counts.done,
            failed: batch.counts.failed,
            labels: batch.counts.labels,
        }
    }

    /// Orders still being created.
    pub fn processing(&self) -> i64 {
        (self.total - self.done - self.failed).max(0)
    }
}

/// One job of a connection as shown.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct JobView {
    /// Job name.
    pub job: String,
    /// Last run.
    pub last_run_at: Option<DateTime<Utc>>,
    /// Last successful run.
    pub last_ok_at: Option<DateTime<Utc>>,
    /// Next run.
    pub next_run_at: DateTime<Utc>,
    /// Failed runs in a row.
    pub failures: i64,
    /// Kind of the last failure.
    pub last_error_kind: Option<String>,
    /// The last failure.
    pub last_error: Option<String>,
    /// The process running it now.
    pub holder: Option<String>,
    /// Its credentials were refused at the last run.
    pub credentials_refused: bool,
}

/// A connection with its jobs.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConnectionView {
    /// Connection name.
    pub name: String,
    /// Its jobs.
    pub jobs: Vec<JobView>,
    /// Some job's credentials stopped working.
    pub credentials_refused: bool,
}

/// Groups lease rows by connection.
pub fn connection_views(states: &[LeaseState]) -> Vec<ConnectionView> {
    let mut views: Vec<ConnectionView> = Vec::new();
    for state in states {
        let job = JobView {
            job: state.job.clone(),
            last_run_at: state.last_run_at.map(from_millis),
            last_ok_at: state.last_ok_at.map(from_millis),
            next_run_at: from_millis(state.next_run_at),
            failures: state.failures,
            last_error_kind: state.last_error_kind.clone(),
            last_error: state.last_error.clone(),
            holder: state.holder.clone(),
            credentials_refused: state.failures > 0
                && state.last_error_kind.as_deref() == Some("auth"),
        };
        match views.iter_mut().find(|v| v.name == state.connection) {
            Some(view) => {
                view.credentials_refused |= job.credentials_refused;
                view.jobs.push(job);
            }
            None => views.push(ConnectionView {
                name: state.connection.clone(),
                credentials_refused: job.credentials_refused,
                jobs: vec![job],
            }),
        }
    }
    views
}
