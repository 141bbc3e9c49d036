//! Shared set-up of the mock-server tests: a `BolClient` pointed at a wiremock server with a
//! fast retry policy, a token endpoint, and bol-shaped answers.

#![allow(dead_code)]

use orderbridge_bol::wire::JSON_MEDIA_TYPE;
use orderbridge_bol::{BolClient, BolConfig, BolRateLimits};
use orderbridge_core::{RateLimit, RetryPolicy, Secret, SecretSource};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const CLIENT_ID: &str = "client-1";
pub const CLIENT_SECRET: &str = "s3cr3t-value";
pub const TOKEN: &str = "token-abc";

/// A retry policy that retries quickly: 3 attempts, 10 ms backoff, waits out up to 5 s.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff_ms: 10,
        max_backoff_ms: 50,
        max_retry_after_secs: 5,
    }
}

/// Rate budgets no test reaches (1000 requests per second in every group), so only tests about
/// the budget itself wait for it.
pub fn unthrottled() -> BolRateLimits {
    let plenty = RateLimit::per_second(1000);
    BolRateLimits {
        orders_list: plenty,
        order_detail: plenty,
        order_cancellation: plenty,
        shipments: plenty,
        process_status: plenty,
        offers: plenty,
    }
}

pub fn config(server: &MockServer) -> BolConfig {
    BolConfig {
        client_id: CLIENT_ID.to_owned(),
        client_secret: SecretSource::Inline(CLIENT_SECRET.to_owned()),
        api_base_url: server.uri().parse().expect("valid test fixture"),
        token_url: format!("{}/token", server.uri())
            .parse()
            .expect("valid test fixture"),
        timeout_secs: 5,
        retry: fast_retry(),
        include_fbb: false,
        rate_limits: unthrottled(),
        order_page: None,
    }
}

pub fn client(config: &BolConfig) -> BolClient {
    BolClient::new(config, Secret::new(CLIENT_SECRET)).expect("valid test fixture")
}

/// Mounts a token endpoint that always issues [`TOKEN`].
pub async fn mount_token(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_answer(TOKEN))
        .mount(server)
        .await;
}

pub fn token_answer(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": 299,
        "scope": "RETAILER"
    }))
}

/// A v10 JSON answer.
pub fn bol_json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string().into_bytes(), JSON_MEDIA_TYPE)
}

pub fn problem(status: u16, detail: &str) -> ResponseTemplate {
    bol_json(
        status,
        json!({
            "type": "https://api.bol.com/problems",
            "title": "Error",
            "status": status,
            "detail": detail,
            "violations": []
        }),
    )
}

pub fn process_status(id: &str, entity: &str, event: &str, status: &str) -> Value {
    json!({
        "processStatusId": id,
        "entityId": entity,
        "eventType": event,
        "description": "test process",
        "status": status,
        "createTimestamp": "2026-11-20T10:15:00+01:00",
        "links": []
    })
}

pub fn reduced_order(order_id: &str) -> Value {
    json!({
        "orderId": order_id,
        "orderPlacedDateTime": "2026-11-20T10:15:00+01:00",
        "orderItems": [{
            "orderItemId": format!("{order_id}1"),
            "ean": "8712345678906",
            "fulfilmentMethod": "FBR",
            "fulfilmentStatus": "OPEN",
            "quantity": 1,
            "quantityShipped": 0,
            "quantityCancelled": 0,
            "cancellationRequest": false,
            "latestChangedDateTime": "2026-11-20T10:15:00+01:00"
        }]
    })
}

pub fn full_order(order_id: &str) -> Value {
    json!({
        "orderId": order_id,
        "pickupPoint": false,
        "orderPlacedDateTime": "2026-11-20T10:15:00+01:00",
        "shipmentDetails": {
            "salutation": "MALE", "firstName": "Jan", "surname": "Jansen",
            "streetName": "Kerkstraat", "houseNumber": "23", "houseNumberExtension": "II",
            "zipCode": "1017 GC", "city": "Amsterdam", "countryCode": "NL"
        },
        "orderItems": [{
            "orderItemId": "11",
            "cancellationRequest": false,
            "fulfilment": { "method": "FBR", "timeFrameType": "REGULAR" },
            "offer": { "offerId": "o-1", "reference": "SKU-1" },
            "product": { "ean": "8712345678906", "title": "Koffiemok" },
            "quantity": 1, "quantityShipped": 0, "quantityCancelled": 0,
            "unitPrice": 12.99, "totalPrice": 12.99, "discounts": [], "commission": 1.0
        }]
    })
}

/// A client of a running simulator with the simulator's credentials and a fast retry policy.
pub fn sim_client(sim: &orderbridge_bol::sim::BolSim, include_fbb: bool) -> BolClient {
    let mut config = sim_config(sim);
    config.include_fbb = include_fbb;
    sim_client_with(&config)
}

/// The configuration [`sim_client`] uses, to adjust before [`sim_client_with`].
pub fn sim_config(sim: &orderbridge_bol::sim::BolSim) -> BolConfig {
    use orderbridge_bol::sim::BolSim;
    BolConfig {
        client_id: BolSim::CLIENT_ID.to_owned(),
        client_secret: SecretSource::Inline(BolSim::CLIENT_SECRET.to_owned()),
        api_base_url: sim.api_base_url().parse().expect("valid test fixture"),
        token_url: sim.token_url().parse().expect("valid test fixture"),
        timeout_secs: 5,
        retry: fast_retry(),
        include_fbb: false,
        rate_limits: unthrottled(),
        order_page: None,
    }
}

/// A client of a simulator with `config` (from [`sim_config`]).
pub fn sim_client_with(config: &BolConfig) -> BolClient {
    use orderbridge_bol::sim::BolSim;
    BolClient::new(config, Secret::new(BolSim::CLIENT_SECRET)).expect("valid test fixture")
}

/// A raw answer of the simulator: status, headers and body, as they came.
pub struct RawAnswer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl RawAnswer {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// `GET path` on a simulator as a client would send it (fresh token, v10 `Accept`), without
/// any of the connector's reading: the status and the raw body, to check what is on the wire.
pub async fn sim_raw_get(sim: &orderbridge_bol::sim::BolSim, path: &str) -> (u16, Vec<u8>) {
    let answer = sim_raw_answer(sim, path).await;
    (answer.status, answer.body)
}

/// [`sim_raw_get`] with the answer's headers.
pub async fn sim_raw_answer(sim: &orderbridge_bol::sim::BolSim, path: &str) -> RawAnswer {
    sim_raw_request(sim, reqwest::Method::GET, path, JSON_MEDIA_TYPE, None).await
}

/// A request to a simulator as a client would send it (fresh token, `accept` as the media
/// type asked for, a `body` as v10 JSON), without any of the connector's checks: to send what
/// the connector never sends and see bol's answer as it comes.
pub async fn sim_raw_request(
    sim: &orderbridge_bol::sim::BolSim,
    method: reqwest::Method,
    path: &str,
    accept: &str,
    body: Option<Value>,
) -> RawAnswer {
    use orderbridge_bol::sim::BolSim;
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(sim.token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .basic_auth(BolSim::CLIENT_ID, Some(BolSim::CLIENT_SECRET))
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("token answer");
    let access_token = token["access_token"].as_str().expect("token in answer");
    let mut request = http
        .request(method, format!("{}{path}", sim.api_base_url()))
        .bearer_auth(access_token)
        .header("accept", accept);
    if let Some(body) = body {
        request = request
            .header("content-type", JSON_MEDIA_TYPE)
            .body(body.to_string());
    }
    let response = request.send().await.expect("request");
    RawAnswer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.bytes().await.expect("body").to_vec(),
    }
}

/// Text of a PDF through poppler's `pdftotext` (which must read it without a single complaint
/// about its structure), or `None` with a notice where it is not installed and the tools are
/// not required (`ORDERBRIDGE_TEST_REQUIRE_TOOLS` unset; CI sets it and installs
/// poppler-utils).
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let child = Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => {
            assert!(
                std::env::var_os("ORDERBRIDGE_TEST_REQUIRE_TOOLS").is_none(),
                "pdftotext is required here (install poppler-utils): {error}"
            );
            eprintln!("NOTICE: pdftotext not found (install poppler-utils); PDF text not checked");
            return None;
        }
    };
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(pdf)
        .expect("PDF written to pdftotext");
    let output = child.wait_with_output().expect("pdftotext ran");
    let complaints = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && complaints.trim().is_empty(),
        "pdftotext could not read the PDF cleanly: {complaints}"
    );
    Some(String::from_utf8(output.stdout).expect("pdftotext writes UTF-8"))
}

/// The id of item `idx` of the simulated order `order_id`.
pub fn sim_item(sim: &orderbridge_bol::sim::BolSim, order_id: &str, idx: usize) -> String {
    sim.order(order_id).expect("valid test fixture").items[idx]
        .order_item_id
        .clone()
}

/// A shipment of `quantity` of one item, with the carrier and T&T code given.
pub fn item_shipment(
    order_id: &str,
    item_id: &str,
    quantity: u32,
    carrier: Option<orderbridge_core::domain::Carrier>,
    tracking: Option<&str>,
) -> orderbridge_core::marketplace::Shipment {
    use orderbridge_core::domain::{MarketplaceOrderId, OrderLineId, Quantity, TrackingCode};
    orderbridge_core::marketplace::Shipment {
        order_id: MarketplaceOrderId::parse(order_id).expect("valid test fixture"),
        lines: vec![orderbridge_core::marketplace::LineQuantity {
            line_id: OrderLineId::parse(item_id).expect("valid test fixture"),
            quantity: Quantity::new(quantity).expect("valid test fixture"),
        }],
        reference: "OB0000000001".to_owned(),
        carrier,
        tracking: tracking.map(|code| TrackingCode::parse(code).expect("valid test fixture")),
        label: None,
    }
}

/// A line of `quantity` items of the test product with offer reference `reference`.
pub fn line(reference: &str, quantity: u32) -> orderbridge_bol::sim::SimLine {
    orderbridge_bol::sim::SimLine {
        ean: "8712345678906".to_owned(),
        reference: Some(reference.to_owned()),
        title: format!("Product {reference}"),
        quantity,
        unit_price_cents: 1250,
    }
}

/// Places a Dutch order whose every line ships "Verzenden via bol" (one line per quantity
/// given); returns the order id and the item ids in line order.
pub fn vvb_order(sim: &orderbridge_bol::sim::BolSim, quantities: &[u32]) -> (String, Vec<String>) {
    let lines = quantities
        .iter()
        .enumerate()
        .map(|(idx, quantity)| line(&format!("VVB-{idx}"), *quantity))
        .collect();
    let order = (0..quantities.len()).fold(
        orderbridge_bol::sim::SimOrder::nl(lines),
        orderbridge_bol::sim::SimOrder::with_line_shipped_via_bol,
    );
    let order_id = sim.add_order(order);
    let items = (0..quantities.len())
        .map(|idx| sim_item(sim, &order_id, idx))
        .collect();
    (order_id, items)
}

/// `quantity` items of order item `item_id`.
pub fn parcel(item_id: &str, quantity: u32) -> orderbridge_core::marketplace::LineQuantity {
    use orderbridge_core::domain::{OrderLineId, Quantity};
    orderbridge_core::marketplace::LineQuantity {
        line_id: OrderLineId::parse(item_id).expect("valid test fixture"),
        quantity: Quantity::new(quantity).expect("valid test fixture"),
    }
}

/// A shipment of `lines` with bol label `label` and nothing else about its transport.
pub fn labelled_shipment(
    order_id: &str,
    lines: &[orderbridge_core::marketplace::LineQuantity],
    label: &orderbridge_core::domain::ShippingLabelId,
) -> orderbridge_core::marketplace::Shipment {
    use orderbridge_core::domain::MarketplaceOrderId;
    orderbridge_core::marketplace::Shipment {
        order_id: MarketplaceOrderId::parse(order_id).expect("valid test fixture"),
        lines: lines.to_vec(),
        reference: "OB0000000001".to_owned(),
        carrier: None,
        tracking: None,
        label: Some(label.clone()),
    }
}

/// Buys the label of `offer` for `lines` and follows the purchase until bol names the label
/// (the simulator's processes must resolve on the first status read:
/// `set_process_pending_reads(0)`).
pub async fn buy(
    client: &BolClient,
    lines: &[orderbridge_core::marketplace::LineQuantity],
    offer: &orderbridge_core::domain::LabelOfferId,
) -> orderbridge_core::domain::ShippingLabelId {
    use orderbridge_core::Marketplace;
    let process = client
        .buy_label(lines, offer)
        .await
        .expect("label purchase");
    let resolved = client.processes(&[process.id]).await.expect("process read");
    resolved
        .first()
        .and_then(orderbridge_core::marketplace::Process::bought_label)
        .expect("the purchase succeeded and names its label")
}
