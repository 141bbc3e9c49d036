//! `orders …`: list, show (with lines, notes and history), and the merchant's actions sync,
//! resend, manual and note, each through the application layer (`crate::ops`).

use std::path::Path;
use std::sync::Arc;

use super::{load, open_store, OrdersCommand};
use crate::clock::SystemClock;
use crate::ops::{Action, Ops, OrderQuery, OrderSummary, OrderView};
use crate::status::OrderStatus;
use crate::table;

/// One line per order, for lists.
pub fn order_rows(orders: &[OrderSummary]) -> Vec<Vec<String>> {
    orders
        .iter()
        .map(|o| {
            vec![
                if o.is_test {
                    format!("{} (test)", o.code)
                } else {
                    o.code.clone()
                },
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

/// The application layer over the configured connections (engines built only for actions).
pub(super) async fn ops(config_path: &Path) -> anyhow::Result<Ops> {
    let config = load(config_path)?;
    let store = open_store(&config).await?;
    Ok(Ops::configured(
        store,
        config.connections.clone(),
        Arc::new(SystemClock),
    ))
}

pub(super) async fn orders(config_path: &Path, command: OrdersCommand) -> anyhow::Result<()> {
    let ops = ops(config_path).await?;
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
            let page = ops
                .orders(&OrderQuery {
                    statuses,
                    connection,
                    per_page: u32::try_from(limit.max(1)).unwrap_or(u32::MAX),
                    page: 1,
                    ..OrderQuery::default()
                })
                .await?;
            print!(
                "{}",
                table::render(&ORDER_HEADERS, &order_rows(&page.orders))
            );
        }
        OrdersCommand::Show { code } => print!("{}", describe_order(&ops.order(&code).await?)),
        OrdersCommand::Sync { code } => act(&ops, &code, Action::Sync).await?,
        OrdersCommand::Resend { code } => act(&ops, &code, Action::Resend).await?,
        OrdersCommand::Manual { code } => act(&ops, &code, Action::Manual).await?,
        OrdersCommand::Cancel { code } => act(&ops, &code, Action::Cancel).await?,
        OrdersCommand::Test {
            connection,
            sku,
            quantity,
        } => {
            let author = std::env::var("USER").unwrap_or_else(|_| "cli".into());
            let code = ops
                .create_test_order(&connection, &sku, quantity, &author)
                .await?;
            println!("test order {code} made; the running daemon creates it in the webshop");
        }
        OrdersCommand::Note { code, text } => {
            let author = std::env::var("USER").unwrap_or_else(|_| "cli".into());
            ops.add_note(&code, &author, &text).await?;
            println!("note added to {}", crate::ops::normalized_code(&code));
        }
    }
    Ok(())
}

async fn act(ops: &Ops, code: &str, action: Action) -> anyhow::Result<()> {
    let outcome = ops.act(code, action).await?;
    println!("order {} is now {}", outcome.code, outcome.status);
    if let Some(error) = &outcome.error {
        println!("error: {error}");
    }
    Ok(())
}

/// The full description of one order: fields, lines and history.
pub fn describe_order(order: &OrderView) -> String {
    let mut out = String::new();
    let field =
        |out: &mut String, name: &str, value: &str| out.push_str(&format!("{name:<16} {value}\n"));
    let summary = &order.summary;
    field(&mut out, "order code", &summary.code);
    field(&mut out, "connection", &summary.connection);
    field(&mut out, "marketplace id", &summary.marketplace_order_id);
    field(
        &mut out,
        "webshop id",
        summary.webshop_order_id.as_deref().unwrap_or("-"),
    );
    field(&mut out, "status", summary.status.as_str());
    if let Some(error) = &summary.error {
        field(&mut out, "error", error);
    }
    field(
        &mut out,
        "batch",
        &summary
            .batch_id
            .map(|b| b.to_string())
            .unwrap_or_else(|| "-".into()),
    );
    field(
        &mut out,
        "placed at",
        &summary.placed_at.format("%Y-%m-%d %H:%M:%SZ").to_string(),
    );
    field(
        &mut out,
        "T&T",
        summary.tracking_code.as_deref().unwrap_or("-"),
    );
    field(
        &mut out,
        "carrier",
        summary.carrier.as_deref().unwrap_or("-"),
    );
    if let Some(address) = &order.shipping {
        let number = match &address.house_number_extension {
            Some(extension) => format!("{} (extension {extension})", address.house_number),
            None => address.house_number.clone(),
        };
        field(
            &mut out,
            "ship to",
            &format!(
                "{}, {} {number}, {} {} {}",
                address.name, address.street, address.zip_code, address.city, address.country
            ),
        );
    }
    out.push('\n');
    let lines: Vec<Vec<String>> = order
        .lines
        .iter()
        .map(|l| {
            vec![
                l.line_id.clone(),
                l.sku.clone().unwrap_or_else(|| "-".into()),
                l.ean.clone().unwrap_or_else(|| "-".into()),
                l.quantity.to_string(),
                l.quantity_shipped.to_string(),
                l.quantity_cancelled.to_string(),
                l.unit_price.clone(),
                l.title.clone(),
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
    for event in &order.history {
        out.push_str(&format!(
            "  {}  {:<6}  {}\n",
            event.at.format("%Y-%m-%d %H:%M:%SZ"),
            event.kind,
            event.message
        ));
    }
    out
}
