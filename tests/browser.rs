//! The dashboard in a real headless Chromium, as a merchant uses it: log in, open the Errors
//! tab, open the order whose SKU is missing, add the product in the webshop (simulator),
//! click Resend and confirm, see the order move on and its batch turn completed, download the
//! pick & pack list. Screenshots land in `target/test-artefacts/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::web::{pdf_text, serve, PASSWORD};
use common::webdriver::{artefacts, Chromium};
use common::{line, unknown_line, Harness, TestDb};
use orderbridge::status::OrderStatus;
use orderbridge_bol::sim::SimOrder;

async fn a_merchant_resends_an_order_in_a_real_browser(db: TestDb) {
    let h = Harness::start(db, "").await;
    let good = h
        .bol
        .add_order(SimOrder::nl(vec![line(&h.products[2], 3)]).with_house_number("7", Some("A")));
    let missing = h
        .bol
        .add_order(SimOrder::be(vec![unknown_line(), line(&h.products[2], 1)]));
    h.cycles(2).await;
    let code = h.order(&missing).await.code.to_string();
    let good_code = h.order(&good).await.code.to_string();
    let batch = h.order(&missing).await.batch_id.unwrap();
    assert_eq!(h.order(&missing).await.status, OrderStatus::Error);
    let dashboard = serve(&h).await;
    let Some(browser) = Chromium::start().await else {
        return;
    };
    let backend = format!("{:?}", h.db.backend).to_lowercase();
    let shot = |name: &str| artefacts().join(format!("browser-{backend}-{name}.png"));

    browser.go(&format!("{}/login", dashboard.base)).await;
    browser.type_into("input[name=user]", "merchant").await;
    browser.type_into("input[name=password]", PASSWORD).await;
    browser.click("#log-in").await;
    browser.wait_for_text("id=\"tab-errors\"").await;

    browser.click("#tab-errors").await;
    browser.wait_for_text("tab-errors\" class=\"here\"").await;
    let errors = browser.source().await;
    assert!(
        errors.contains(&code) && !errors.contains(&good_code),
        "{errors}"
    );
    browser.screenshot(&shot("errors")).await;

    browser.click(&format!("a[href='/orders/{code}']")).await;
    browser.wait_for_text("id=\"action-resend\"").await;
    assert!(browser.text("#order-error").await.contains("SKU-NEW"));
    browser.screenshot(&shot("order-in-error")).await;

    // The merchant adds the product in the webshop, then resends and confirms.
    common::add_unknown_product(&h.woo);
    browser.click("#action-resend").await;
    let question = browser.accept_dialog().await;
    assert!(
        question.contains("again"),
        "a confirmation first: {question}"
    );
    browser.wait_for_text("id=\"outcome\"").await;
    assert!(browser
        .url()
        .await
        .ends_with(&format!("/orders/{code}?outcome=resend")));

    // The daemon's next run creates it in the webshop; the page shows it moved on.
    h.cycles(1).await;
    browser
        .go(&format!("{}/orders/{code}", dashboard.base))
        .await;
    assert_eq!(browser.text("#status").await, "Not shipped");
    h.webshop_id(&missing);
    browser.screenshot(&shot("order-resent")).await;

    browser
        .go(&format!("{}/batches/{batch}", dashboard.base))
        .await;
    assert_eq!(browser.text("#batch-status").await, "Completed");
    browser.screenshot(&shot("batch-completed")).await;

    // The pick & pack list, downloaded with the browser's own session.
    let href = browser
        .script(
            "return document.querySelector('#pick-pack').getAttribute('href');",
            serde_json::json!([]),
        )
        .await;
    let pdf = browser.download(href.as_str().unwrap()).await;
    assert!(
        pdf.starts_with(b"%PDF-"),
        "a PDF: {:?}",
        &pdf[..pdf.len().min(40)]
    );
    if let Some(text) = pdf_text(&pdf) {
        for expected in [
            code.as_str(),
            good_code.as_str(),
            "SKU-NEW",
            h.products[2].sku.as_str(),
        ] {
            assert!(text.contains(expected), "{expected} in:\n{text}");
        }
        // Product 2 is needed by both orders: 3 + 1.
        assert!(text.contains(&format!("{good_code} x3")), "{text}");
        assert!(text.contains(&format!("{code} x1")), "{text}");
    }
    std::fs::write(
        artefacts().join(format!("browser-{backend}-pick-pack.pdf")),
        &pdf,
    )
    .unwrap();
    browser.quit().await;
}

both_backends!(a_merchant_resends_an_order_in_a_real_browser);
