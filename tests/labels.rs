//! End-to-end tests of "Verzenden via bol" orders on a connection that buys bol labels: the
//! label is bought once the order is in the webshop, kept, printed (one order, or a whole batch
//! in one PDF) and named by the shipment instead of a transport; a purchase whose outcome is
//! unknown is never repeated without the merchant. Assertions are on the simulators' state
//! (labels charged, shipments received) and on what the merchant sees.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::web::pdf_text;
use common::TestDb;
use common::{line, Harness};
use orderbridge::engine::{Failpoint, JobError};
use orderbridge::ops::Ops;
use orderbridge::status::{OrderStatus, Step};
use orderbridge_bol::sim::{SimEndpoint, SimFault, SimOrder};

const BUY_LABELS: &str = "[labels]\nbuy = true\n";

fn label_order(h: &Harness, product: usize, quantity: u32) -> String {
    h.bol.add_order(
        SimOrder::nl(vec![line(&h.products[product], quantity)]).with_line_shipped_via_bol(0),
    )
}

fn item_of(h: &Harness, id: &str) -> String {
    h.bol.order(id).unwrap().items[0].order_item_id.clone()
}

async fn a_verzenden_via_bol_order_gets_one_label_and_ships_with_it(db: TestDb) {
    let h = Harness::start(db, BUY_LABELS).await;
    let id = label_order(&h, 0, 2);
    let ordinary = h.place(1, 1);
    h.cycles(2).await;

    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::NotShipped, "{:?}", order.error);
    assert_eq!(order.label.step, Step::Done);
    let item = item_of(&h, &id);
    assert_eq!(h.bol.labels_bought(&item), 1);
    let bought = h.bol.labels();
    assert_eq!(bought.len(), 1, "no label for the ordinary order");
    assert_eq!(bought[0].items, vec![(item.clone(), 2)], "the whole line");
    assert_eq!(
        order.label_id.as_ref().map(ToString::to_string).as_deref(),
        Some(bought[0].shipping_label_id.as_str())
    );
    assert_eq!(
        order
            .tracking_code
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some(bought[0].track_and_trace.as_str()),
        "the label's code is the order's T&T"
    );
    let kept = h.store.label_of(order.id).await.unwrap().unwrap();
    assert!(
        kept.pdf.starts_with(b"%PDF-"),
        "the label is kept as printed"
    );

    // The merchant packs it and completes it without a code: it ships at once, with the label.
    h.woo.complete_order(h.webshop_id(&id), None);
    h.woo
        .complete_order(h.webshop_id(&ordinary), Some(("PostNL", "3SABCD7654321")));
    h.cycles(3).await;
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Shipped, "{:?}", order.error);
    assert_eq!(h.order(&ordinary).await.status, OrderStatus::Shipped);
    let shipments = h.bol.shipments();
    let with_label = shipments.iter().find(|s| s.order_id == id).unwrap();
    assert_eq!(
        with_label.shipping_label_id.as_deref(),
        Some(bought[0].shipping_label_id.as_str())
    );
    assert_eq!(
        with_label.track_and_trace.as_deref(),
        Some(bought[0].track_and_trace.as_str())
    );
    let own = shipments.iter().find(|s| s.order_id == ordinary).unwrap();
    assert_eq!(own.shipping_label_id, None, "own transport for the other");
    assert_eq!(h.bol.shipment_requests(), 2, "nothing was refused");
    h.cycles(2).await;
    assert_eq!(h.bol.label_purchase_requests(), 1, "one label, bought once");
}

async fn a_label_purchase_whose_outcome_is_unknown_is_not_repeated_without_the_merchant(
    db: TestDb,
) {
    let mut h = Harness::start(db, BUY_LABELS).await;
    let id = label_order(&h, 0, 1);
    // bol accepts the purchase; the process dies before recording it.
    h.engine.failpoints().arm(Failpoint::LabelAfterCall);
    assert!(matches!(
        h.engine.run_import().await,
        Err(JobError::Failpoint(Failpoint::LabelAfterCall))
    ));
    h.restart().await;
    h.cycles(3).await;

    let item = item_of(&h, &id);
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Error);
    let reason = order.error.clone().unwrap_or_default();
    assert!(reason.contains("may have been bought"), "{reason}");
    assert!(reason.contains("seller dashboard"), "{reason}");
    assert_eq!(h.bol.labels_bought(&item), 1, "bol charged one label");
    assert_eq!(
        h.bol.label_purchase_requests(),
        1,
        "and was never asked again"
    );

    // The merchant checked the seller dashboard and resends: a label is bought again.
    h.engine.resend_order(order.code.as_str()).await.unwrap();
    h.cycles(2).await;
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::NotShipped, "{:?}", order.error);
    assert_eq!(order.label.step, Step::Done);
    assert_eq!(h.bol.label_purchase_requests(), 2);
}

async fn a_purchase_whose_answer_is_lost_after_bol_acted_is_not_repeated(db: TestDb) {
    let h = Harness::start(db, BUY_LABELS).await;
    let id = label_order(&h, 0, 1);
    h.bol.inject_fault(
        SimEndpoint::CreateShippingLabel,
        SimFault::AppliedButLost,
        1,
    );
    h.cycles(3).await;
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Error);
    assert!(order
        .error
        .unwrap_or_default()
        .contains("may have been bought"));
    assert_eq!(h.bol.labels_bought(&item_of(&h, &id)), 1);
    assert_eq!(h.bol.label_purchase_requests(), 1, "never sent twice");
}

async fn a_label_process_bol_gave_up_on_is_not_bought_again_by_itself(db: TestDb) {
    let h = Harness::start(db, BUY_LABELS).await;
    let id = label_order(&h, 0, 1);
    h.bol.time_out_label_purchases();
    h.cycles(3).await;
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Error);
    assert!(order.error.clone().unwrap_or_default().contains("gave up"));
    assert_eq!(h.bol.label_purchase_requests(), 1);

    h.bol.clear_faults();
    h.engine.resend_order(order.code.as_str()).await.unwrap();
    h.cycles(2).await;
    assert_eq!(h.order(&id).await.label.step, Step::Done);
    assert_eq!(
        h.bol.label_purchase_requests(),
        2,
        "bought again on the merchant's word"
    );
}

async fn a_bought_label_that_cannot_be_downloaded_yet_is_kept_by_its_id(db: TestDb) {
    let h = Harness::start(db, BUY_LABELS).await;
    let id = label_order(&h, 0, 1);
    h.bol
        .inject_fault(SimEndpoint::ShippingLabel, SimFault::Status(404), 1);
    h.cycles(2).await;
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::NotShipped);
    assert_eq!(
        order.label.step,
        Step::Pending,
        "bought, not yet downloaded"
    );
    let bought = h.bol.labels();
    assert_eq!(
        order.label_id.as_ref().map(ToString::to_string).as_deref(),
        Some(bought[0].shipping_label_id.as_str()),
        "the id is recorded as soon as bol names it"
    );
    h.clock.advance(chrono::Duration::seconds(120));
    h.cycles(1).await;
    assert_eq!(h.order(&id).await.label.step, Step::Done);
    assert_eq!(
        h.bol.label_purchase_requests(),
        1,
        "downloaded again, not bought again"
    );
}

async fn labels_switched_off_after_planning_hand_the_order_to_the_merchant(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = label_order(&h, 0, 1);
    h.cycles(1).await;
    assert_eq!(h.order(&id).await.status, OrderStatus::Manual);
    // As a run with `buy = true` left it: planned, not bought.
    common::db::tamper(
        &h.db,
        &format!(
            "UPDATE orders SET status = 'not_shipped', error = NULL, label_step = 'ready' \
             WHERE marketplace_order_id = '{id}'"
        ),
    )
    .await;
    h.cycles(2).await;
    let order = h.order(&id).await;
    assert_eq!(order.status, OrderStatus::Manual);
    assert!(
        order.error.unwrap_or_default().contains("buys no labels"),
        "the reason says why"
    );
    assert_eq!(h.bol.label_purchase_requests(), 0);
}

async fn an_order_the_merchant_took_over_gets_no_label(db: TestDb) {
    let h = Harness::start(db, BUY_LABELS).await;
    let id = label_order(&h, 0, 1);
    // bol's delivery options are down: the label waits.
    h.bol
        .inject_fault(SimEndpoint::DeliveryOptions, SimFault::Status(503), 20);
    h.cycles(1).await;
    let order = h.order(&id).await;
    assert_eq!(order.label.step, Step::Ready);
    h.engine.handle_manually(order.code.as_str()).await.unwrap();
    h.bol.clear_faults();
    h.clock.advance(chrono::Duration::seconds(120));
    h.cycles(2).await;
    assert_eq!(h.order(&id).await.status, OrderStatus::Manual);
    assert_eq!(h.bol.label_purchase_requests(), 0);
}

async fn a_crash_before_the_purchase_stops_the_order_too(db: TestDb) {
    let mut h = Harness::start(db, BUY_LABELS).await;
    let id = label_order(&h, 0, 1);
    h.engine.failpoints().arm(Failpoint::LabelAfterIntent);
    assert!(h.engine.run_import().await.is_err());
    h.restart().await;
    h.cycles(2).await;
    let order = h.order(&id).await;
    // Nothing was sent, but nothing can tell: the merchant decides.
    assert_eq!(order.status, OrderStatus::Error);
    assert_eq!(h.bol.label_purchase_requests(), 0);
}

async fn a_batch_s_labels_print_as_one_pdf(db: TestDb) {
    let h = Harness::start(db, BUY_LABELS).await;
    let first = label_order(&h, 0, 1);
    let second = label_order(&h, 1, 3);
    h.cycles(2).await;
    let order = h.order(&first).await;
    assert_eq!(h.order(&second).await.label.step, Step::Done);
    let batch = order.batch_id.unwrap();
    let clock: orderbridge::clock::SharedClock = std::sync::Arc::new(h.clock.clone());
    let ops = Ops::configured(h.store.clone(), h.config.connections.clone(), clock);
    assert_eq!(ops.batch(batch).await.unwrap().0.labels, 2);
    let pdf = ops.batch_labels(batch).await.unwrap();
    let Some(text) = pdf_text(&pdf) else {
        return; // pdftotext missing: notice printed by the helper
    };
    for label in h.bol.labels() {
        assert!(
            text.contains(&label.track_and_trace),
            "{} missing from:\n{text}",
            label.track_and_trace
        );
    }
    let (_, one) = ops.order_label(order.code.as_str()).await.unwrap();
    let one_text = pdf_text(&one).unwrap();
    let tracking = order.tracking_code.unwrap().to_string();
    assert!(one_text.contains(&tracking), "{one_text}");
}

async fn the_dashboard_shows_and_prints_the_labels(db: TestDb) {
    use common::web::{serve, Browser};
    use reqwest::StatusCode;
    let h = Harness::start(db, BUY_LABELS).await;
    let labelled = label_order(&h, 0, 1);
    let ordinary = h.place(1, 1);
    h.cycles(2).await;
    let order = h.order(&labelled).await;
    let batch = order.batch_id.unwrap();
    let label_id = order.label_id.clone().unwrap().to_string();

    let dashboard = serve(&h).await;
    let mut browser = Browser::new(&dashboard.base);
    browser.log_in("viewer").await;
    let page = browser.get(&format!("/orders/{}", order.code)).await;
    assert!(
        page.body.contains(&label_id),
        "the order page names its label"
    );
    assert!(page.body.contains("/label.pdf"), "and offers it");
    let one = browser
        .get(&format!("/orders/{}/label.pdf", order.code))
        .await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.content_type, "application/pdf");
    let other = h.order(&ordinary).await;
    let none = browser
        .get(&format!("/orders/{}/label.pdf", other.code))
        .await;
    assert_eq!(
        none.status,
        StatusCode::NOT_FOUND,
        "own transport: no label"
    );
    assert!(!browser
        .get(&format!("/orders/{}", other.code))
        .await
        .body
        .contains("/label.pdf"));

    let batch_page = browser.get(&format!("/batches/{batch}")).await;
    assert!(batch_page
        .body
        .contains(&format!("/batches/{batch}/labels.pdf")));
    let all = browser.get(&format!("/batches/{batch}/labels.pdf")).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.bytes.starts_with(b"%PDF-"));
    std::fs::create_dir_all(common::webdriver::artefacts()).unwrap();
    std::fs::write(
        common::webdriver::artefacts().join("labels.pdf"),
        &all.bytes,
    )
    .unwrap();
    if let Some(text) = pdf_text(&all.bytes) {
        let tracking = order.tracking_code.unwrap().to_string();
        assert!(text.contains(&tracking), "{tracking} in:\n{text}");
    }

    // Once shipped, a label is no longer in the batch's print.
    h.woo.complete_order(h.webshop_id(&labelled), None);
    h.cycles(3).await;
    assert_eq!(h.order(&labelled).await.status, OrderStatus::Shipped);
    let gone = browser.get(&format!("/batches/{batch}/labels.pdf")).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

both_backends!(
    a_verzenden_via_bol_order_gets_one_label_and_ships_with_it,
    a_label_purchase_whose_outcome_is_unknown_is_not_repeated_without_the_merchant,
    a_crash_before_the_purchase_stops_the_order_too,
    a_purchase_whose_answer_is_lost_after_bol_acted_is_not_repeated,
    a_label_process_bol_gave_up_on_is_not_bought_again_by_itself,
    a_bought_label_that_cannot_be_downloaded_yet_is_kept_by_its_id,
    labels_switched_off_after_planning_hand_the_order_to_the_merchant,
    an_order_the_merchant_took_over_gets_no_label,
    the_dashboard_shows_and_prints_the_labels,
    a_batch_s_labels_print_as_one_pdf
);
