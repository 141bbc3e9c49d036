//! `orders …`: list, show (with lines and history), and the merchant's actions sync, resend
//! and manual, each run through the connection's engine.

use anyhow::anyhow;

use super::{load, open_store, OrdersCommand};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::daemon::build_engine;
use crate::status::OrderStatus;
use crate::store::{OrderFilter, OrderRecord, Store};
use crate::table;

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

pub(super) async fn orders(
    config_path: &std::path::Path,
    command: OrdersCommand,
) -> anyhow::Result<()> {
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
