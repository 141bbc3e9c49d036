//! Imported orders for store tests and the store benchmark: order `n` with `n_lines` lines,
//! as an import run records it.

use orderbridge::status::{OrderStatus, Step};
use orderbridge::store::{ImportedOrder, OrderLine};

/// Order number `n` (code `OB<n>`, marketplace id `n`), new and not yet in the webshop.
pub fn imported(n: usize, n_lines: usize) -> ImportedOrder {
    ImportedOrder {
        code: format!("OB{n:010}"),
        marketplace_order_id: n.to_string(),
        placed_at: n as i64,
        details: None,
        lines: (1..=n_lines)
            .map(|line| OrderLine {
                line_id: format!("{n}-{line}"),
                sku: Some(format!("SKU-{line}")),
                ean: None,
                title: "Thing".into(),
                quantity: 1,
                quantity_shipped: 0,
                quantity_cancelled: 0,
                unit_price_cents: 1999,
                currency: "EUR".into(),
            })
            .collect(),
        status: OrderStatus::NotShipped,
        error: None,
        create_step: Step::Pending,
        cancel_step: Step::None,
        cancel_origin: None,
        note: "imported".into(),
        is_test: false,
    }
}
