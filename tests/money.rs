//! End-to-end tests of the money: the real engine against the bol.com simulator and a
//! WooCommerce simulator that calculates taxes as a Dutch shop does (NL/BE rates per tax
//! class, tax added on the ex-tax line amounts). Orders with discounts, several quantities and
//! reduced rates land in the webshop totalling exactly what the buyer paid at bol, and stay
//! `not_shipped`; an order the shop totals differently (its rates changed after the connector
//! read them) goes to `error` with both amounts in its history, and the next order is right
//! again; so does one found by its code after the shop's reply to creating it was lost. A
//! pickup point's name reaches the label (`shipping.company`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::TestDb;
use common::{line, Harness};
use orderbridge::status::OrderStatus;
use orderbridge_bol::sim::SimOrder;
use orderbridge_woocommerce::sim::{SimTaxSettings, SimWooOrder, WooEndpoint, WooFault};

/// A harness whose webshop calculates Dutch taxes; product 1 is sold at the reduced rate,
/// product 2 is tax exempt.
async fn dutch_shop(db: TestDb) -> Harness {
    let h = Harness::start(db, "").await;
    h.woo.set_taxes(SimTaxSettings::dutch_shop());
    h.woo
        .set_product_tax(&h.products[1].sku, "taxable", "reduced-rate");
    h.woo.set_product_tax(&h.products[2].sku, "none", "");
    h
}

fn created(h: &Harness, marketplace_order_id: &str) -> SimWooOrder {
    h.woo
        .orders_with_marketplace_order(marketplace_order_id)
        .remove(0)
}

/// What the buyer paid for an order at bol, from the bol simulator's own wire view.
fn paid_cents(lines: &[(i64, u32)], discounts: &[i64]) -> i64 {
    lines
        .iter()
        .map(|(unit, quantity)| unit * i64::from(*quantity))
        .sum::<i64>()
        - discounts.iter().sum::<i64>()
}

async fn orders_with_vat_and_discounts_total_what_the_buyer_paid(db: TestDb) {
    let h = dutch_shop(db).await;
    let p = &h.products;
    let nl = h.bol.add_order(
        SimOrder::nl(vec![line(&p[0], 2), line(&p[1], 3), line(&p[2], 1)])
            .with_discount(0, "Tweede halve prijs", p[0].price_cents / 2)
            .with_discount(1, "Welkomstkorting", 150),
    );
    let be = h.bol.add_order(
        SimOrder::be(vec![line(&p[1], 1), line(&p[3], 4)]).with_discount(1, "4 voor 3", 1597),
    );
    let pickup = h
        .bol
        .add_order(SimOrder::nl(vec![line(&p[4], 1)]).with_pickup_point("PostNL punt Primera"));

    h.cycles(2).await;

    let expected = [
        (
            &nl,
            paid_cents(
                &[
                    (p[0].price_cents, 2),
                    (p[1].price_cents, 3),
                    (p[2].price_cents, 1),
                ],
                &[p[0].price_cents / 2, 150],
            ),
        ),
        (
            &be,
            paid_cents(&[(p[1].price_cents, 1), (p[3].price_cents, 4)], &[1597]),
        ),
        (&pickup, p[4].price_cents),
    ];
    for (id, paid) in expected {
        let order = h.order(id).await;
        assert_eq!(
            order.status,
            OrderStatus::NotShipped,
            "{id}: {:?}",
            order.error
        );
        let webshop = created(&h, id);
        assert_eq!(webshop.total_cents, paid, "{id}: {webshop:?}");
        assert!(webshop.total_tax_cents > 0, "{id}: the shop added its VAT");
        let history = h.store.history(order.id).await.unwrap();
        assert!(
            history.iter().all(|event| event.kind != "error"),
            "{id}: {history:?}"
        );
    }
    // The BE buyer pays the Belgian reduced rate (6 %), not the Dutch one (9 %).
    let be_order = created(&h, &be);
    assert!(be_order
        .tax_lines
        .iter()
        .any(|tax| tax.rate_percent_e4 == 60_000));
    // The discounts show as the difference between the lines' subtotal and total.
    assert!(created(&h, &nl).discount_total_cents > 0);
    let label = created(&h, &pickup);
    assert_eq!(label.shipping["company"], "PostNL punt Primera");
    assert_eq!(label.meta_str("Pickup point"), Some("PostNL punt Primera"));
    assert!(label.customer_note.contains("PostNL punt Primera"));
}

async fn a_total_the_shop_calculates_differently_is_an_error_with_both_amounts(db: TestDb) {
    let h = dutch_shop(db).await;
    let first = h.place(3, 1);
    h.cycles(1).await;
    assert_eq!(h.order(&first).await.status, OrderStatus::NotShipped);
    // The merchant raises the standard rate after the connector read the rates.
    let mut raised = SimTaxSettings::dutch_shop();
    raised.rates[0].percent_e4 = 220_000;
    h.woo.set_taxes(raised);
    let differs = h.place(3, 1);

    h.cycles(1).await;

    let order = h.order(&differs).await;
    assert_eq!(order.status, OrderStatus::Error);
    // 15.97 paid: net 13.20 + 21 % (2.772 → 2.77) = 15.97, but the shop now adds 22 %:
    // 13.20 + 2.904 → 2.90 = 16.10.
    assert_eq!(created(&h, &differs).total_cents, 1610);
    let reason = order.error.clone().unwrap_or_default();
    assert!(
        reason.contains("16.10") && reason.contains("15.97"),
        "{reason}"
    );
    let history = h.store.history(order.id).await.unwrap();
    assert!(
        history.iter().any(|e| e.kind == "error"
            && e.message.contains("16.10")
            && e.message.contains("15.97")),
        "{history:?}"
    );
    // Created once, not again; the next order is calculated with the rates read again.
    h.webshop_id(&differs);
    let next = h.place(3, 1);
    h.cycles(1).await;
    assert_eq!(h.order(&next).await.status, OrderStatus::NotShipped);
    assert_eq!(created(&h, &next).total_cents, 1597);
    h.webshop_id(&differs);

    // The merchant corrects the order in the shop and ships it before resending: the resend
    // reads the shop again, so the shipment reaches bol (the track job had let it pass).
    h.woo
        .complete_order(created(&h, &differs).id, Some(("PostNL", "3SABCD1234567")));
    h.cycles(2).await;
    assert_eq!(h.order(&differs).await.status, OrderStatus::Error);
    // Later that day the shop goes on: another order changes, and the watermark moves well
    // past the completion.
    h.woo.advance_clock(chrono::Duration::minutes(30));
    h.woo
        .complete_order(created(&h, &next).id, Some(("PostNL", "3SABCD7654321")));
    h.cycles(2).await;
    assert_eq!(h.order(&differs).await.status, OrderStatus::Error);
    h.engine.resend_order(order.code.as_str()).await.unwrap();
    h.cycles(2).await;
    let shipped = h.order(&differs).await;
    assert_eq!(shipped.status, OrderStatus::Shipped, "{shipped:?}");
    assert_eq!(
        shipped.tracking_code.as_ref().map(|c| c.as_str()),
        Some("3SABCD1234567")
    );
}

async fn an_order_found_after_a_lost_reply_has_its_total_checked_too(db: TestDb) {
    let h = dutch_shop(db).await;
    let first = h.place(3, 1);
    h.cycles(1).await;
    assert_eq!(h.order(&first).await.status, OrderStatus::NotShipped);
    let mut raised = SimTaxSettings::dutch_shop();
    raised.rates[0].percent_e4 = 220_000;
    h.woo.set_taxes(raised);
    // The shop creates the order but its reply is lost: the next run finds it by its code.
    h.woo
        .inject_fault(WooEndpoint::CreateOrder, WooFault::LostReply, 1);
    let differs = h.place(3, 1);
    h.cycles(1).await;
    assert_eq!(
        h.order(&differs).await.webshop_order_id,
        None,
        "the reply was lost"
    );
    h.clock.advance(chrono::Duration::minutes(5));
    h.cycles(2).await;

    assert_eq!(
        h.woo.create_requests(),
        2,
        "found by its code, not created again"
    );
    assert_eq!(h.woo.orders_with_marketplace_order(&differs).len(), 1);
    let order = h.order(&differs).await;
    assert_eq!(order.status, OrderStatus::Error, "{order:?}");
    let reason = order.error.clone().unwrap_or_default();
    assert!(
        reason.contains("16.10") && reason.contains("15.97"),
        "{reason}"
    );
}

both_backends!(
    orders_with_vat_and_discounts_total_what_the_buyer_paid,
    a_total_the_shop_calculates_differently_is_an_error_with_both_amounts,
    an_order_found_after_a_lost_reply_has_its_total_checked_too,
);
