//! The pick & pack list of a batch: first what to pick (per SKU, with the total and the
//! orders that need it, in shelf order), then what to pack (per order).

use super::pack::order_block;
use super::pdf::{wrap_items, Cell, Document, Weight, MARGIN, PAGE_WIDTH};
use crate::i18n::Lang;
use crate::ops::PickPack;

const BODY: f32 = 10.0;
const ORDERS_X: f32 = 330.0;

/// The pick & pack list as PDF.
pub fn pick_pack_list(list: &PickPack, lang: Lang) -> Vec<u8> {
    let batch = &list.batch;
    let title = format!(
        "{} - {} {} ({})",
        lang.t("pick_pack_list"),
        lang.t("batch"),
        batch.id,
        batch.connection
    );
    let mut doc = Document::new(&title);
    doc.text(&title, 16.0, Weight::Bold);
    doc.text(
        &format!(
            "{} {}  -  {}: {}",
            lang.t("created"),
            batch.created_at.format("%Y-%m-%d %H:%M UTC"),
            lang.t("orders"),
            list.packs.len()
        ),
        BODY,
        Weight::Regular,
    );
    doc.space(8.0);
    doc.text(lang.t("pick"), 13.0, Weight::Bold);
    let orders_width = PAGE_WIDTH - 2.0 * MARGIN - ORDERS_X;
    doc.row(
        &[
            Cell::at(16.0, 40.0, lang.t("quantity")),
            Cell::at(60.0, 100.0, lang.t("sku")),
            Cell::at(165.0, 160.0, lang.t("title")),
            Cell::at(ORDERS_X, orders_width, lang.t("needed_by")),
        ],
        BODY,
        Weight::Bold,
    );
    doc.rule();
    if list.picks.is_empty() {
        doc.text(lang.t("nothing_to_pick"), BODY, Weight::Regular);
    }
    for item in &list.picks {
        let orders: Vec<String> = item
            .orders
            .iter()
            .map(|(code, quantity)| format!("{code} x{quantity}"))
            .collect();
        let order_lines = wrap_items(&orders, BODY, orders_width);
        let ean = item.ean.as_deref().map(|ean| format!("EAN {ean}"));
        doc.ensure(BODY * 1.4 * (order_lines.len().max(2) as f32));
        doc.checkbox(0.0, BODY);
        doc.row(
            &[
                Cell::at(16.0, 40.0, &item.quantity.to_string()),
                Cell::at(60.0, 100.0, item.sku.as_deref().unwrap_or("-")),
                Cell::at(165.0, 160.0, &item.title),
                Cell::at(
                    ORDERS_X,
                    orders_width,
                    order_lines.first().map_or("", String::as_str),
                ),
            ],
            BODY,
            Weight::Bold,
        );
        // Under the SKU its EAN; beside it the orders that did not fit the first row.
        let more_rows = (order_lines.len() - 1).max(usize::from(ean.is_some()));
        for idx in 0..more_rows {
            let mut cells = Vec::new();
            if let (0, Some(ean)) = (idx, ean.as_deref()) {
                cells.push(Cell::at(60.0, 265.0, ean));
            }
            if let Some(orders) = order_lines.get(idx + 1) {
                cells.push(Cell::at(ORDERS_X, orders_width, orders));
            }
            doc.row(&cells, BODY, Weight::Regular);
        }
        doc.space(2.0);
    }
    doc.new_page();
    doc.text(lang.t("pack"), 13.0, Weight::Bold);
    for order in &list.packs {
        doc.rule();
        order_block(&mut doc, order, lang);
        doc.space(6.0);
    }
    doc.finish()
}
