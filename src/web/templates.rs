//! The dashboard's pages as askama templates (`templates/*.html`) and the rows they print,
//! shaped here from the application layer's views so the templates only print.

use askama::Template;

use crate::i18n::Lang;
use crate::ops::{BatchView, ConnectionView, OrderSummary, OrderView};
use crate::status::{BatchStatus, OrderStatus};

/// What every page around its content shows: language, who is logged in, the form token.
pub struct Chrome {
    /// Language.
    pub lang: Lang,
    /// The user's name.
    pub user: String,
    /// The session's CSRF token, for the forms.
    pub csrf: String,
    /// Which part of the navigation is current.
    pub section: &'static str,
    /// The language switch's address (back to this page).
    pub lang_href: String,
}

impl Chrome {
    /// The chrome of a page at `back` (a path on this site).
    pub fn new(lang: Lang, user: String, csrf: String, section: &'static str, back: &str) -> Self {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("back", back)
            .finish();
        Self {
            lang,
            user,
            csrf,
            section,
            lang_href: format!("/lang/{}?{query}", lang.other().code()),
        }
    }
}

/// The label of a status.
pub fn status_label(lang: Lang, status: OrderStatus) -> &'static str {
    lang.t(&format!("status_{status}"))
}

fn batch_status_label(lang: Lang, status: BatchStatus) -> &'static str {
    lang.t(status.as_str())
}

/// The login page.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    /// Language.
    pub lang: Lang,
    /// Why the last attempt failed.
    pub problem: Option<&'static str>,
    /// The login form's token (double-submitted in a cookie).
    pub csrf: String,
}

/// A tab of the overview.
pub struct TabLink {
    /// Element id part.
    pub id: &'static str,
    /// Label.
    pub label: &'static str,
    /// Orders in it.
    pub count: i64,
    /// Address.
    pub href: String,
    /// The current tab.
    pub here: bool,
    /// Drawn in red (errors waiting).
    pub alert: bool,
}

/// An order in a table.
pub struct OrderRow {
    /// Code.
    pub code: String,
    /// Customer.
    pub customer: String,
    /// Status name (CSS class).
    pub status: &'static str,
    /// Status label.
    pub status_label: &'static str,
    /// Error text or empty.
    pub error: String,
    /// When placed.
    pub placed_at: String,
    /// Marketplace id.
    pub marketplace_order_id: String,
    /// T&T or `-`.
    pub tracking_code: String,
    /// Connection.
    pub connection: String,
    /// Batch id or empty.
    pub batch: String,
    /// A test order.
    pub is_test: bool,
}

impl OrderRow {
    /// The row of an order.
    pub fn of(order: &OrderSummary, lang: Lang) -> Self {
        Self {
            code: order.code.clone(),
            customer: order.customer.clone().unwrap_or_else(|| "-".into()),
            status: order.status.as_str(),
            status_label: status_label(lang, order.status),
            error: order.error.clone().unwrap_or_default(),
            placed_at: order.placed_at.format("%Y-%m-%d %H:%M").to_string(),
            marketplace_order_id: order.marketplace_order_id.clone(),
            tracking_code: order.tracking_code.clone().unwrap_or_else(|| "-".into()),
            connection: order.connection.clone(),
            batch: order.batch_id.map(|b| b.to_string()).unwrap_or_default(),
            is_test: order.is_test,
        }
    }
}

/// The orders overview.
#[derive(Template)]
#[template(path = "orders.html")]
pub struct OrdersPage {
    /// Around the content.
    pub chrome: Chrome,
    /// Tabs.
    pub tabs: Vec<TabLink>,
    /// The current tab's slug or empty.
    pub tab_slug: &'static str,
    /// Search text.
    pub search: String,
    /// Connections to filter by, and whether selected.
    pub connections: Vec<(String, bool)>,
    /// Batch filter.
    pub batch: String,
    /// Rows.
    pub orders: Vec<OrderRow>,
    /// This page.
    pub page: u32,
    /// Pages.
    pub pages: u32,
    /// Previous page's address or empty.
    pub prev_href: String,
    /// Next page's address or empty.
    pub next_href: String,
}

/// One order.
#[derive(Template)]
#[template(path = "order.html")]
pub struct OrderPage {
    /// Around the content.
    pub chrome: Chrome,
    /// The order.
    pub order: OrderView,
    /// Its status's label.
    pub status_label: &'static str,
    /// The outcome of the action just taken, or empty.
    pub outcome: String,
    /// Why the action just tried failed, or empty.
    pub problem: String,
    /// The marketplace's page of the order, or empty.
    pub marketplace_link: String,
    /// The webshop's page of the order, or empty.
    pub webshop_link: String,
    /// Whether the viewer may act.
    pub may_act: bool,
}

/// A batch in a table.
pub struct BatchRow {
    /// Id.
    pub id: i64,
    /// Connection.
    pub connection: String,
    /// When made.
    pub created_at: String,
    /// Status name.
    pub status: &'static str,
    /// Status label.
    pub status_label: &'static str,
    /// Orders still being created.
    pub processing: i64,
    /// Failed orders.
    pub failed: i64,
    /// Orders in the webshop.
    pub done: i64,
    /// Bought marketplace labels.
    pub labels: i64,
}

impl BatchRow {
    /// The row of a batch.
    pub fn of(batch: &BatchView, lang: Lang) -> Self {
        Self {
            id: batch.id,
            connection: batch.connection.clone(),
            created_at: batch.created_at.format("%Y-%m-%d %H:%M").to_string(),
            status: batch.status.as_str(),
            status_label: batch_status_label(lang, batch.status),
            processing: batch.processing(),
            failed: batch.failed,
            done: batch.done,
            labels: batch.labels,
        }
    }
}

/// The batches.
#[derive(Template)]
#[template(path = "batches.html")]
pub struct BatchesPage {
    /// Around the content.
    pub chrome: Chrome,
    /// Rows.
    pub batches: Vec<BatchRow>,
}

/// One batch.
#[derive(Template)]
#[template(path = "batch.html")]
pub struct BatchPage {
    /// Around the content.
    pub chrome: Chrome,
    /// The batch.
    pub batch: BatchRow,
    /// Its orders.
    pub orders: Vec<OrderRow>,
}

/// A job as shown.
pub struct JobRow {
    /// Job name.
    pub job: String,
    /// Last run or `-`.
    pub last_run_at: String,
    /// Last success or `-`.
    pub last_ok_at: String,
    /// Next run.
    pub next_run_at: String,
    /// Failures in a row.
    pub failures: i64,
    /// Holder or `-`.
    pub holder: String,
    /// Last error kind or empty.
    pub last_error_kind: String,
    /// Last error or empty.
    pub last_error: String,
    /// Credentials refused.
    pub credentials_refused: bool,
}

/// A connection as shown.
pub struct ConnectionBlock {
    /// Name.
    pub name: String,
    /// Jobs.
    pub jobs: Vec<JobRow>,
    /// Some job's credentials were refused.
    pub credentials_refused: bool,
}

impl ConnectionBlock {
    /// The block of a connection.
    pub fn of(view: &ConnectionView) -> Self {
        let time = |at: Option<chrono::DateTime<chrono::Utc>>| {
            at.map_or_else(
                || "-".into(),
                |at| at.format("%Y-%m-%d %H:%M:%S").to_string(),
            )
        };
        Self {
            name: view.name.clone(),
            credentials_refused: view.credentials_refused,
            jobs: view
                .jobs
                .iter()
                .map(|job| JobRow {
                    job: job.job.clone(),
                    last_run_at: time(job.last_run_at),
                    last_ok_at: time(job.last_ok_at),
                    next_run_at: time(Some(job.next_run_at)),
                    failures: job.failures,
                    holder: job.holder.clone().unwrap_or_else(|| "-".into()),
                    last_error_kind: job.last_error_kind.clone().unwrap_or_default(),
                    last_error: job.last_error.clone().unwrap_or_default(),
                    credentials_refused: job.credentials_refused,
                })
                .collect(),
        }
    }
}

/// The form for a test order.
#[derive(Template)]
#[template(path = "test_order.html")]
pub struct TestOrderPage {
    /// Around the content.
    pub chrome: Chrome,
    /// Connections to choose from.
    pub connections: Vec<String>,
    /// Why the last try was refused, or empty.
    pub problem: String,
}

/// The connections.
#[derive(Template)]
#[template(path = "connections.html")]
pub struct ConnectionsPage {
    /// Around the content.
    pub chrome: Chrome,
    /// Connections.
    pub connections: Vec<ConnectionBlock>,
}
