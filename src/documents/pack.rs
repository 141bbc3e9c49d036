//! One order as packed: the packing slip, and the same block in the pick & pack list's
//! pack section.

use super::pdf::{wrap, Cell, Document, Weight, MARGIN, PAGE_WIDTH};
use crate::i18n::Lang;
use crate::ops::{AddressView, PackOrder};

const BODY: f32 = 10.0;

/// The address lines as printed on a parcel: name, company or pickup point, street with
/// house number and extension, postal code and city, country.
pub(super) fn address_lines(address: &AddressView, pickup_point: Option<&str>) -> Vec<String> {
    let mut lines = vec![address.name.clone()];
    if let Some(company) = address.company.as_deref().or(pickup_point) {
        lines.push(company.to_owned());
    }
    let number = match address.house_number_extension.as_deref() {
        Some(extension) => format!("{} {}", address.house_number, extension),
        None => address.house_number.clone(),
    };
    lines.push(format!("{} {}", address.street, number));
    if let Some(extra) = &address.extra {
        lines.push(extra.clone());
    }
    lines.push(format!("{}  {}", address.zip_code, address.city));
    lines.push(address.country.clone());
    lines
}

/// Writes one order's block: its code and ids, where it goes, and its lines with a box to
/// tick for each.
pub(super) fn order_block(doc: &mut Document, order: &PackOrder, lang: Lang) {
    let lines = order.lines.len();
    // Keep a small order's block on one page.
    doc.ensure(BODY * 1.4 * (lines as f32 + 9.0));
    let summary = &order.summary;
    let code = if summary.is_test {
        format!("{} {}", summary.code, lang.t("test"))
    } else {
        summary.code.clone()
    };
    let marketplace = format!(
        "{} {}",
        lang.t("marketplace_id"),
        summary.marketplace_order_id
    );
    let webshop = summary
        .webshop_order_id
        .as_ref()
        .map(|id| format!("{} {id}", lang.t("webshop_id")))
        .unwrap_or_default();
    doc.row(
        &[
            Cell::at(0.0, 170.0, &code),
            Cell::at(180.0, 160.0, &marketplace),
            Cell::at(350.0, 165.0, &webshop),
        ],
        12.0,
        Weight::Bold,
    );
    match &order.address {
        Some(address) => {
            for line in address_lines(address, order.pickup_point.as_deref()) {
                doc.text(&line, BODY, Weight::Regular);
            }
        }
        None => doc.text(
            summary.customer.as_deref().unwrap_or("-"),
            BODY,
            Weight::Regular,
        ),
    }
    doc.space(4.0);
    doc.row(
        &[
            Cell::at(16.0, 40.0, lang.t("quantity")),
            Cell::at(60.0, 110.0, lang.t("sku")),
            Cell::at(175.0, 95.0, lang.t("ean")),
            Cell::at(275.0, PAGE_WIDTH - 2.0 * MARGIN - 275.0, lang.t("title")),
        ],
        BODY,
        Weight::Bold,
    );
    for line in &order.lines {
        let title = wrap(&line.title, BODY, PAGE_WIDTH - 2.0 * MARGIN - 275.0);
        // The box and its line on the same page.
        doc.ensure(BODY * 1.4 * title.len() as f32);
        doc.checkbox(0.0, BODY);
        doc.row(
            &[
                Cell::at(16.0, 40.0, &line.quantity.to_string()),
                Cell::at(60.0, 110.0, line.sku.as_deref().unwrap_or("-")),
                Cell::at(175.0, 95.0, line.ean.as_deref().unwrap_or("-")),
                Cell::at(
                    275.0,
                    PAGE_WIDTH - 2.0 * MARGIN - 275.0,
                    title.first().map_or("", String::as_str),
                ),
            ],
            BODY,
            Weight::Regular,
        );
        for more in title.iter().skip(1) {
            doc.row(
                &[Cell::at(275.0, PAGE_WIDTH - 2.0 * MARGIN - 275.0, more)],
                BODY,
                Weight::Regular,
            );
        }
    }
}

/// The packing slip of one order as PDF.
pub fn packing_slip(order: &PackOrder, lang: Lang) -> Vec<u8> {
    let title = format!("{} {}", lang.t("packing_slip"), order.summary.code);
    let mut doc = Document::new(&title);
    doc.text(&title, 16.0, Weight::Bold);
    doc.space(6.0);
    order_block(&mut doc, order, lang);
    doc.finish()
}
