//! The web dashboard as a merchant uses it, over the real routes on a loopback port: log in,
//! find the order in error, read it, fix the cause, resend it, see it and its batch move on,
//! note something, print the pick & pack list; and every route refusing a missing, wrong or
//! expired credential, a read-only credential refused every action.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::web::{pdf_text, serve, Browser, OPERATOR_TOKEN, READ_TOKEN};
use common::{line, unknown_line, Harness, TestDb};
use orderbridge::status::OrderStatus;
use orderbridge::web::Access;
use orderbridge_bol::sim::SimOrder;
use reqwest::StatusCode;

async fn a_merchant_fixes_an_order_in_error_from_the_dashboard(db: TestDb) {
    let h = Harness::start(db, "").await;
    let good = h.bol.add_order(
        SimOrder::be(vec![line(&h.products[0], 2), line(&h.products[1], 1)])
            .with_house_number("12", Some("bis")),
    );
    let missing = h.bol.add_order(SimOrder::nl(vec![unknown_line()]));
    h.cycles(2).await;
    let missing_code = h.order(&missing).await.code.to_string();
    let good_code = h.order(&good).await.code.to_string();
    assert_eq!(h.order(&missing).await.status, OrderStatus::Error);
    let batch = h.order(&missing).await.batch_id.unwrap();

    let dashboard = serve(&h).await;
    let mut browser = Browser::new(&dashboard.base);
    let before = browser.get("/orders").await;
    assert_eq!(before.status, StatusCode::SEE_OTHER);
    assert_eq!(before.location.as_deref(), Some("/login"));
    browser.log_in("merchant").await;

    // The Errors tab counts and lists the order whose SKU the shop does not know.
    let errors = browser.get("/orders?tab=errors").await;
    assert_eq!(errors.status, StatusCode::OK);
    assert!(errors.body.contains(&missing_code), "{}", errors.body);
    assert!(
        !errors.body.contains(&good_code),
        "only orders in error on the Errors tab"
    );
    assert!(errors.body.contains("SKU-NEW"), "the error names the SKU");
    assert!(
        errors
            .body
            .contains(r#"id="tab-errors" class="here">Errors <span class="count alert">1</span>"#),
        "{}",
        errors.body
    );
    // Search finds an order by the customer's name and by its marketplace id, not by the
    // names of the stored fields.
    for query in [good.as_str(), "marie", "PEETERS"] {
        let found = browser.get(&format!("/orders?q={query}")).await;
        assert!(
            found.body.contains(&good_code) && !found.body.contains(&missing_code),
            "search {query}: {}",
            found.body
        );
    }
    for query in ["shipping", "surname"] {
        let found = browser.get(&format!("/orders?q={query}")).await;
        assert!(
            !found.body.contains(&good_code),
            "search {query} finds nothing"
        );
    }
    // The batch page says failed and links straight to its failed orders.
    let batch_page = browser.get(&format!("/batches/{batch}")).await;
    assert!(
        batch_page.body.contains(r#"id="batch-status">Failed"#),
        "{}",
        batch_page.body
    );
    assert!(batch_page
        .body
        .contains(&format!("/orders?tab=errors&amp;batch={batch}")));

    // The order page shows the address with house number and extension apart.
    let order = browser.get(&format!("/orders/{good_code}")).await;
    assert!(
        order.body.contains(r#"class="house-number">12<"#),
        "{}",
        order.body
    );
    assert!(order
        .body
        .contains(r#"class="house-number-extension">bis<"#));
    assert!(
        order.body.contains("wp-admin/post.php?post="),
        "a link to the webshop order"
    );
    assert!(
        order
            .body
            .contains(&format!("https://seller.bol.example/orders/{good}")),
        "a link to the order in the seller dashboard (the connection's `order_page`)"
    );

    // The merchant adds the product in the shop, then resends from the order's page.
    common::add_unknown_product(&h.woo);
    let page = browser.get(&format!("/orders/{missing_code}")).await;
    assert!(page.body.contains(r#"id="action-resend""#));
    let csrf = page.csrf();
    let forged = browser
        .post(
            &format!("/orders/{missing_code}/action"),
            &[("csrf", "forged"), ("action", "resend")],
        )
        .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "a form without the session's token"
    );
    assert_eq!(h.order(&missing).await.status, OrderStatus::Error);
    let resent = browser
        .post(
            &format!("/orders/{missing_code}/action"),
            &[("csrf", &csrf), ("action", "resend")],
        )
        .await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", resent.body);
    let after = browser.get(resent.location.as_deref().unwrap()).await;
    assert!(
        after
            .body
            .contains(&format!("Order {missing_code} is now Not shipped.")),
        "{}",
        after.body
    );
    h.cycles(1).await;
    assert_eq!(h.order(&missing).await.status, OrderStatus::NotShipped);
    h.webshop_id(&missing);
    let batch_page = browser.get(&format!("/batches/{batch}")).await;
    assert!(
        batch_page.body.contains(r#"id="batch-status">Completed"#),
        "{}",
        batch_page.body
    );

    // A note lands in the order's notes and history.
    let noted = browser
        .post(
            &format!("/orders/{good_code}/notes"),
            &[("csrf", &csrf), ("text", "Klant belde: <graag> snel")],
        )
        .await;
    assert_eq!(noted.status, StatusCode::SEE_OTHER);
    let order = browser.get(&format!("/orders/{good_code}")).await;
    assert!(
        order
            .body
            .contains("merchant: Klant belde: &#60;graag&#62; snel")
            || order
                .body
                .contains("merchant: Klant belde: &lt;graag&gt; snel"),
        "notes are escaped: {}",
        order.body
    );

    // Dutch labels on request; the way back stays on this site.
    let dutch = browser.get("/lang/nl?back=/orders").await;
    assert_eq!(dutch.location.as_deref(), Some("/orders"));
    for elsewhere in [
        "//evil.example",
        "/%09/evil.example",
        "https://evil.example",
        "/\\evil.example",
    ] {
        let switched = browser.get(&format!("/lang/nl?back={elsewhere}")).await;
        assert_eq!(
            switched.location.as_deref(),
            Some("/orders"),
            "back={elsewhere}"
        );
    }
    assert!(browser.get("/orders").await.body.contains("Bestellingen"));

    // The pick & pack list of the batch names every SKU, quantity and order.
    let pdf = browser
        .get(&format!("/batches/{batch}/pick-pack.pdf"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.content_type, "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    // The page streams are not compressed: the codes are in the bytes even without poppler.
    for code in [&good_code, &missing_code] {
        assert!(
            pdf.bytes.windows(code.len()).any(|w| w == code.as_bytes()),
            "{code} in the PDF"
        );
    }
    std::fs::create_dir_all(common::webdriver::artefacts()).unwrap();
    std::fs::write(
        common::webdriver::artefacts().join("pick-pack.pdf"),
        &pdf.bytes,
    )
    .unwrap();
    if let Some(text) = pdf_text(&pdf.bytes) {
        for code in [&good_code, &missing_code] {
            assert!(text.contains(code.as_str()), "{code} in:\n{text}");
        }
        for sku in [
            &h.products[0].sku,
            &h.products[1].sku,
            &"SKU-NEW".to_owned(),
        ] {
            assert!(text.contains(sku.as_str()), "{sku} in:\n{text}");
        }
        assert!(
            text.contains(&format!("{good_code} x2")),
            "quantity per order:\n{text}"
        );
        assert!(
            text.contains("Verzamelen") && text.contains("Inpakken"),
            "Dutch headings:\n{text}"
        );
    }
    let logout_csrf = browser.get("/orders").await.csrf();
    let out = browser.post("/logout", &[("csrf", &logout_csrf)]).await;
    assert_eq!(out.location.as_deref(), Some("/login"));
    assert_eq!(
        browser.get("/orders").await.location.as_deref(),
        Some("/login")
    );
}

/// A route's path with its parameters filled in.
fn concrete(path: &str, code: &str, batch: i64) -> String {
    path.replace("{code}", code)
        .replace("{id}", &batch.to_string())
        .replace("{action}", "manual")
}

async fn every_route_refuses_missing_wrong_and_expired_credentials(db: TestDb) {
    let h = Harness::start(db, "").await;
    let id = h.place(0, 1);
    h.cycles(1).await;
    let order = h.order(&id).await;
    let batch = order.batch_id.unwrap();
    let dashboard = serve(&h).await;
    assert!(
        dashboard.routes.len() > 20,
        "the route list is the registered one"
    );

    // A session that expired: logged in, then twelve idle hours and a minute.
    let mut expired = Browser::new(&dashboard.base);
    expired.log_in("merchant").await;
    h.clock
        .advance(chrono::Duration::hours(12) + chrono::Duration::minutes(1));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let expired_cookie = format!(
        "orderbridge_session={}",
        expired.cookies["orderbridge_session"]
    );

    let mut checked = 0;
    for route in &dashboard.routes {
        let url = format!(
            "{}{}",
            dashboard.base,
            concrete(route.path, order.code.as_str(), batch)
        );
        let method: reqwest::Method = route.method.parse().unwrap();
        let attempts = [
            ("no credential", None, None),
            (
                "wrong session",
                Some("orderbridge_session=0123456789abcdef".to_owned()),
                None,
            ),
            ("expired session", Some(expired_cookie.clone()), None),
            ("wrong token", None, Some("not-the-token")),
        ];
        for (what, cookie, token) in attempts {
            let mut request = http.request(method.clone(), &url).form(&[
                ("csrf", "x"),
                ("action", "manual"),
                ("text", "x"),
            ]);
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie);
            }
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let status = request.send().await.unwrap().status();
            match route.access {
                // Open to all (login, static files, health): they must still answer sanely.
                Access::Public => {
                    assert!(!status.is_server_error(), "{what} {}: {status}", route.path)
                }
                Access::Session => assert_eq!(
                    status,
                    StatusCode::SEE_OTHER,
                    "{what} {} {}",
                    route.method,
                    route.path
                ),
                Access::Credential => assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "{what} {} {}",
                    route.method,
                    route.path
                ),
            }
            checked += 1;
        }
    }
    assert!(checked > 80);

    // Read-only credentials read but cannot act, through the API or the pages.
    let mut viewer = Browser::new(&dashboard.base);
    viewer.log_in("viewer").await;
    let page = viewer.get(&format!("/orders/{}", order.code)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("action-manual"),
        "no buttons for a read-only user"
    );
    let csrf = page.csrf();
    for route in dashboard.routes.iter().filter(|r| r.acts) {
        let path = concrete(route.path, order.code.as_str(), batch);
        let by_token = http
            .post(format!("{}{path}", dashboard.base))
            .bearer_auth(READ_TOKEN)
            .json(&serde_json::json!({ "text": "x" }))
            .send()
            .await
            .unwrap()
            .status();
        let by_session = viewer
            .post(
                &path,
                &[("csrf", &csrf), ("action", "manual"), ("text", "x")],
            )
            .await
            .status;
        match route.access {
            Access::Credential => assert_eq!(by_token, StatusCode::FORBIDDEN, "read token {path}"),
            Access::Session => {
                assert_eq!(by_session, StatusCode::FORBIDDEN, "read-only user {path}")
            }
            Access::Public => unreachable!("no public route acts"),
        }
    }
    // A session's API writes must carry its CSRF token, as a page's script would.
    let mut merchant = Browser::new(&dashboard.base);
    merchant.log_in("merchant").await;
    let session_csrf = merchant.get("/orders").await.csrf();
    let session_cookie = format!(
        "orderbridge_session={}",
        merchant.cookies["orderbridge_session"]
    );
    let note_url = format!("{}/api/v1/orders/{}/notes", dashboard.base, order.code);
    let without = http
        .post(&note_url)
        .header("cookie", &session_cookie)
        .json(&serde_json::json!({ "text": "x" }))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(
        without,
        StatusCode::FORBIDDEN,
        "a session write without X-CSRF-Token"
    );
    let unchanged = h.order(&id).await;
    assert_eq!(
        unchanged.status,
        OrderStatus::NotShipped,
        "no refused request acted"
    );
    assert!(!h
        .store
        .history(unchanged.id)
        .await
        .unwrap()
        .iter()
        .any(|e| e.kind == "note"));

    // The operator token acts through the API.
    let api = reqwest::Client::new();
    let listed: serde_json::Value = api
        .get(format!("{}/api/v1/orders?tab=not_shipped", dashboard.base))
        .bearer_auth(READ_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["orders"][0]["code"], order.code.as_str());
    let acted: serde_json::Value = api
        .post(format!(
            "{}/api/v1/orders/{}/manual",
            dashboard.base, order.code
        ))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(acted["status"], "manual");
    assert_eq!(h.order(&id).await.status, OrderStatus::Manual);
    let with = http
        .post(&note_url)
        .header("cookie", &session_cookie)
        .header("x-csrf-token", &session_csrf)
        .json(&serde_json::json!({ "text": "checked by phone" }))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(with, StatusCode::NO_CONTENT);

    // Wrong passwords are throttled: the sixth try waits, even with the right password.
    let mut guesser = Browser::new(&dashboard.base);
    for _ in 0..5 {
        let form = guesser.get("/login").await;
        let csrf = form.csrf();
        let refused = guesser
            .post(
                "/login",
                &[("csrf", &csrf), ("user", "merchant"), ("password", "guess")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    }
    let form = guesser.get("/login").await;
    let csrf = form.csrf();
    let throttled = guesser
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("user", "merchant"),
                ("password", common::web::PASSWORD),
            ],
        )
        .await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!guesser.cookies.contains_key("orderbridge_session"));
}

both_backends!(
    a_merchant_fixes_an_order_in_error_from_the_dashboard,
    every_route_refuses_missing_wrong_and_expired_credentials
);

async fn a_merchant_cancels_orders_that_cannot_be_delivered(db: TestDb) {
    let h = Harness::start(db, "").await;
    let in_shop = h.place(0, 1);
    let in_error = h.bol.add_order(SimOrder::nl(vec![unknown_line()]));
    let shipped = h.place(1, 1);
    h.cycles(2).await;
    h.woo
        .complete_order(h.webshop_id(&shipped), Some(("PostNL", "3SDASH0000001")));
    h.cycles(3).await;
    assert_eq!(h.order(&shipped).await.status, OrderStatus::Shipped);
    assert_eq!(h.order(&in_error).await.status, OrderStatus::Error);
    let dashboard = serve(&h).await;
    let mut browser = Browser::new(&dashboard.base);
    browser.log_in("merchant").await;

    // No cancel button once shipped, and the action is refused there.
    let shipped_code = h.order(&shipped).await.code.to_string();
    let page = browser.get(&format!("/orders/{shipped_code}")).await;
    assert!(!page.body.contains("action-cancel"));
    let refused = browser
        .post(
            &format!("/orders/{shipped_code}/action"),
            &[("csrf", &page.csrf()), ("action", "cancel")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.contains("cancel only applies to"),
        "{}",
        refused.body
    );

    for id in [&in_shop, &in_error] {
        let code = h.order(id).await.code.to_string();
        let page = browser.get(&format!("/orders/{code}")).await;
        assert!(page.body.contains(r#"id="action-cancel""#), "{}", page.body);
        let done = browser
            .post(
                &format!("/orders/{code}/action"),
                &[("csrf", &page.csrf()), ("action", "cancel")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    }
    h.cycles(3).await;
    for id in [&in_shop, &in_error] {
        let order = h.order(id).await;
        assert_eq!(
            order.status,
            OrderStatus::Cancelled,
            "{id}: {:?}",
            order.error
        );
        let told: Vec<_> = h
            .bol
            .cancellations()
            .into_iter()
            .filter(|c| &c.order_id == id)
            .collect();
        assert_eq!(told.len(), 1, "{id}: bol told once");
        assert_eq!(told[0].reason_code, "OUT_OF_STOCK");
    }
    // The order in the shop is cancelled there; the one in error never got there.
    let woo_order = h.woo.orders_with_marketplace_order(&in_shop);
    assert_eq!(woo_order[0].status, "cancelled");
    assert!(h.woo.orders_with_marketplace_order(&in_error).is_empty());
    assert_eq!(h.order(&shipped).await.status, OrderStatus::Shipped);

    // Refused: an order whose shipment was sent once (bol may have it even though the order is
    // back in error), and one whose bol details could not be read (which lines are ours?).
    let refused_ship = h.place(2, 1);
    let (unreadable, body) = common::bad_order("012-missing-house-number.json");
    h.bol.add_raw_order(&unreadable, body);
    h.cycles(1).await;
    h.bol.inject_fault(
        orderbridge_bol::sim::SimEndpoint::CreateShipment,
        orderbridge_bol::sim::SimFault::Status(400),
        1,
    );
    h.woo.complete_order(
        h.webshop_id(&refused_ship),
        Some(("PostNL", "3SDASH0000002")),
    );
    h.cycles(2).await;
    let sent_once = h.order(&refused_ship).await;
    assert_eq!(
        sent_once.status,
        OrderStatus::Error,
        "{:?}",
        sent_once.error
    );
    assert_eq!(h.order(&unreadable).await.status, OrderStatus::Error);
    let api = reqwest::Client::new();
    for id in [&refused_ship, &unreadable] {
        let code = h.order(id).await.code.to_string();
        let answer = api
            .post(format!("{}/api/v1/orders/{code}/cancel", dashboard.base))
            .bearer_auth(OPERATOR_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::CONFLICT, "{id}");
        assert_eq!(
            h.order(id).await.status,
            OrderStatus::Error,
            "{id} untouched"
        );
    }
}

both_backends!(a_merchant_cancels_orders_that_cannot_be_delivered);

async fn a_test_order_runs_through_the_webshop_only(db: TestDb) {
    let h = Harness::start(db, "").await;
    h.bol.set_process_pending_reads(0);
    let offer = h.bol.add_offer(&h.products[0].sku, &h.products[0].ean, 1);
    // Each run also reads the processes of the previous run's pushes, which applies them.
    let stock_runs = || async {
        h.engine.run_stock().await.unwrap();
        h.engine.run_stock().await.unwrap();
    };
    stock_runs().await;
    assert_eq!(h.bol.offer_stock(&offer), Some(10), "the shop's 10 on bol");
    let dashboard = serve(&h).await;
    let mut browser = Browser::new(&dashboard.base);
    browser.log_in("merchant").await;
    let form = browser.get("/test-order").await;
    assert_eq!(form.status, StatusCode::OK);
    let refused = browser
        .post(
            "/test-order",
            &[
                ("csrf", &form.csrf()),
                ("connection", "nope"),
                ("sku", "X"),
                ("quantity", "1"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "an unknown connection is named"
    );
    assert!(refused.body.contains("no connection"), "{}", refused.body);
    let sku = h.products[0].sku.clone();
    let made = browser
        .post(
            "/test-order",
            &[
                ("csrf", &form.csrf()),
                ("connection", "shop"),
                ("sku", &sku),
                ("quantity", "2"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let page = browser.get(made.location.as_deref().unwrap()).await;
    assert!(
        page.body.contains(r#"id="test-badge""#),
        "marked as a test: {}",
        page.body
    );
    let code = made
        .location
        .unwrap()
        .trim_start_matches("/orders/")
        .to_owned();
    // The API makes one too (an operator's token; a read-only one is refused).
    let api = reqwest::Client::new();
    let url = format!("{}/api/v1/test-orders", dashboard.base);
    let body = serde_json::json!({ "connection": "shop", "sku": sku });
    let read_only = api
        .post(&url)
        .bearer_auth(READ_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(read_only.status(), StatusCode::FORBIDDEN);
    let second: serde_json::Value = api
        .post(&url)
        .bearer_auth(OPERATOR_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second_code = second["code"].as_str().unwrap().to_owned();

    // Created in the webshop, saying there that it is a test; the items the shop sets aside
    // for it are not a sale bol should see.
    h.cycles(1).await;
    h.engine.run_stock().await.unwrap();
    assert_eq!(
        h.bol.offer_stock(&offer),
        Some(10),
        "bol's stock untouched by tests"
    );
    let in_shop = h.woo.orders_with_code(&code);
    assert_eq!(in_shop.len(), 1);
    assert!(
        in_shop[0]
            .meta
            .iter()
            .any(|(_, v)| v.as_str().is_some_and(|t| t.contains("TEST ORDER"))),
        "{:?}",
        in_shop[0].meta
    );
    assert_eq!(in_shop[0].line_items[0].quantity, 2);
    // Completed with a T&T code: shipped, without a word to bol; the other is cancelled in
    // the shop: cancelled, also without bol.
    h.woo
        .complete_order(in_shop[0].id, Some(("PostNL", "3STEST0000001")));
    h.woo
        .cancel_order(h.woo.orders_with_code(&second_code)[0].id);
    h.cycles(3).await;
    let shipped = h.store.order_by_code(&code).await.unwrap().unwrap();
    assert_eq!(shipped.status, OrderStatus::Shipped, "{:?}", shipped.error);
    assert!(shipped.is_test);
    let cancelled = h.store.order_by_code(&second_code).await.unwrap().unwrap();
    assert_eq!(
        cancelled.status,
        OrderStatus::Cancelled,
        "{:?}",
        cancelled.error
    );
    assert_eq!(
        h.bol.shipment_requests(),
        0,
        "bol never hears of a test order"
    );
    assert_eq!(h.bol.cancellation_requests(), 0);
    for order in [&shipped, &cancelled] {
        let history = h.store.history(order.id).await.unwrap();
        assert!(!history.iter().any(|e| e.kind == "error"), "{history:?}");
    }
    // Its packing slip marks it as a test too.
    let pdf = browser
        .get(&format!("/orders/{code}/packing-slip.pdf"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    let marked = format!("{code} TEST");
    assert!(
        pdf.bytes
            .windows(marked.len())
            .any(|w| w == marked.as_bytes()),
        "{marked} on the packing slip"
    );
}

both_backends!(a_test_order_runs_through_the_webshop_only);

async fn a_login_holds_on_every_instance_and_over_a_restart(db: TestDb) {
    let h = Harness::start(db, "").await;
    let first = serve(&h).await;
    let mut browser = Browser::new(&first.base);
    browser.log_in("merchant").await;
    // Another instance on the same database (or this one restarted) knows the session.
    let second = serve(&h).await;
    let mut elsewhere = Browser::new(&second.base);
    elsewhere.cookies = browser.cookies.clone();
    assert_eq!(elsewhere.get("/orders").await.status, StatusCode::OK);
    // Only a hash of the token is stored.
    let token = browser.cookies["orderbridge_session"].clone();
    let far = i64::MAX / 2;
    assert!(h
        .store
        .live_session(&token, 0, far)
        .await
        .unwrap()
        .is_none());
    let hash: String = sha2::Digest::finalize(sha2::Digest::chain_update(
        <sha2::Sha256 as sha2::Digest>::new(),
        token.as_bytes(),
    ))
    .iter()
    .map(|b| format!("{b:02x}"))
    .collect();
    let stored = h.store.live_session(&hash, 0, far).await.unwrap().unwrap();
    assert_eq!(stored.user, "merchant");
    // Logging out on one ends it on all.
    let csrf = browser.get("/orders").await.csrf();
    browser.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(elsewhere.get("/orders").await.status, StatusCode::SEE_OTHER);
}

both_backends!(a_login_holds_on_every_instance_and_over_a_restart);
