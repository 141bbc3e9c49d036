//! The real `BolClient` against `BolSim`: open orders across pages, order details, shipments
//! through their processes (and the second shipment of the same item failing), process
//! look-ups by entity, and the simulator's own checks (credentials, unknown orders).
//! Cancellations, offers, stock and fault injection are in `sim_flows.rs`.

mod support;

use orderbridge_bol::sim::{BolSim, SimLine, SimOrder, SimProduct};
use orderbridge_core::domain::{Carrier, MarketplaceOrderId};
use orderbridge_core::marketplace::{Process, ProcessKind, ProcessState, Shipment};
use orderbridge_core::{ConnectorError, Marketplace, Secret, SecretSource};
use support::sim_client;

fn line(reference: &str, quantity: u32, unit_price_cents: i64) -> SimLine {
    SimLine {
        ean: "8712345678906".to_owned(),
        reference: Some(reference.to_owned()),
        title: format!("Product {reference}"),
        quantity,
        unit_price_cents,
    }
}

fn catalogue() -> Vec<SimProduct> {
    (0..3)
        .map(|idx| SimProduct {
            sku: format!("SKU-{idx}"),
            ean: "8712345678906".to_owned(),
            title: format!("Product {idx}"),
            price_cents: 995 + idx,
        })
        .collect()
}

fn shipment_of(order_id: &str, item_id: &str, quantity: u32) -> Shipment {
    support::item_shipment(
        order_id,
        item_id,
        quantity,
        Some(Carrier::PostNl),
        Some("3SABCD1234567"),
    )
}

async fn state_of(client: &orderbridge_bol::BolClient, process: &Process) -> ProcessState {
    client
        .processes(std::slice::from_ref(&process.id))
        .await
        .expect("valid test fixture")[0]
        .state
        .clone()
}

#[tokio::test]
async fn open_orders_page_through_all_merchant_fulfilled_orders() {
    let sim = BolSim::start().await.unwrap();
    for seed in 0..120 {
        sim.add_order(SimOrder::sample(seed, &catalogue()));
    }
    sim.add_order(SimOrder::nl(vec![line("FBB", 1, 100)]).fbb());
    let cancelled = sim.add_order(SimOrder::nl(vec![line("GONE", 1, 100)]));
    sim.cancel_by_bol(&cancelled);

    let orders = sim_client(&sim, false).open_orders().await.unwrap();
    assert_eq!(orders.len(), 120);
    assert!(orders.iter().all(|o| o.id.as_str() != cancelled));
    assert!(orders
        .iter()
        .flat_map(|o| &o.lines)
        .all(|l| !l.fulfilled_by_marketplace));

    let with_fbb = sim_client(&sim, true).open_orders().await.unwrap();
    assert_eq!(with_fbb.len(), 121);
    assert!(with_fbb
        .iter()
        .flat_map(|o| &o.lines)
        .any(|l| l.fulfilled_by_marketplace));
}

/// bol pages the list by 50 *items* (the spec's `page`: "a page size of 50 items"), so a full
/// page of orders with two items holds 25 orders: only an empty page ends the list.
#[tokio::test]
async fn open_orders_of_several_items_are_read_until_an_empty_page() {
    let sim = BolSim::start().await.unwrap();
    let mut placed = Vec::new();
    for idx in 0..70 {
        let reference = format!("TWO-{idx}");
        placed.push(sim.add_order(SimOrder::nl(vec![
            line(&reference, 1, 100),
            line(&format!("{reference}-B"), 2, 250),
        ])));
    }
    let orders = sim_client(&sim, false).open_orders().await.unwrap();
    assert_eq!(orders.len(), 70);
    assert!(placed
        .iter()
        .all(|id| orders.iter().any(|o| o.id.as_str() == id.as_str())));
    assert!(orders.iter().all(|o| o.lines.len() == 2));
}

#[tokio::test]
async fn order_details_keep_belgian_house_numbers_and_pickup_points() {
    let sim = BolSim::start().await.unwrap();
    let order_id = sim.add_order(
        SimOrder::be(vec![line("SKU-9", 2, 1999)])
            .with_house_number("32", Some("bus 20"))
            .with_pickup_point("Primera Centrum"),
    );
    let order = sim_client(&sim, false)
        .order(&MarketplaceOrderId::parse(&order_id).unwrap())
        .await
        .unwrap();
    assert_eq!(order.shipping.house_number(), "32");
    assert_eq!(order.shipping.house_number_extension(), Some("bus 20"));
    assert_eq!(order.shipping.country_code().as_str(), "BE");
    assert_eq!(order.pickup_point.as_deref(), Some("Primera Centrum"));
    let line = &order.lines[0];
    assert_eq!(line.unit_price.cents(), 1999);
    assert_eq!(line.sku.as_ref().map(|s| s.as_str()), Some("SKU-9"));
    assert_eq!(line.quantity.get(), 2);
}

#[tokio::test]
async fn a_promotion_is_listed_and_taken_off_the_item_total() {
    let sim = BolSim::start().await.unwrap();
    let order_id = sim.add_order(
        SimOrder::nl(vec![line("SKU-1", 3, 1299), line("SKU-2", 1, 500)])
            .with_discount(0, "3 voor 2", 1299)
            .with_discount(0, "Welkomstkorting", 100),
    );
    let order = sim_client(&sim, false)
        .order(&MarketplaceOrderId::parse(&order_id).unwrap())
        .await
        .unwrap();
    let discounted = &order.lines[0];
    assert_eq!(discounted.unit_price.cents(), 1299);
    assert_eq!(
        discounted.paid_total().unwrap().cents(),
        3 * 1299 - 1299 - 100
    );
    let titles: Vec<&str> = discounted
        .discounts
        .iter()
        .map(|d| d.title.as_str())
        .collect();
    assert_eq!(titles, vec!["3 voor 2", "Welkomstkorting"]);
    assert_eq!(order.lines[1].paid_total().unwrap().cents(), 500);
    assert!(order.lines[1].discounts.is_empty());
}

#[tokio::test]
async fn order_the_connector_cannot_use_is_invalid_payload_naming_the_field() {
    let sim = BolSim::start().await.unwrap();
    let order_id = sim.add_order(SimOrder::nl(vec![line("A", 1, 100)]).with_customer("Jan", ""));
    let err = sim_client(&sim, false)
        .order(&MarketplaceOrderId::parse(&order_id).unwrap())
        .await
        .unwrap_err();
    match err {
        ConnectorError::InvalidPayload { message, .. } => {
            assert!(message.contains("surname"), "{message}")
        }
        other => panic!("expected InvalidPayload, got {other:?}"),
    }
    let missing = sim_client(&sim, false)
        .order(&MarketplaceOrderId::parse("999").unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(missing, ConnectorError::NotFound { .. }),
        "{missing:?}"
    );
}

#[tokio::test]
async fn shipment_applies_when_its_process_resolves() {
    let sim = BolSim::start().await.unwrap();
    let order_id = sim.add_order(SimOrder::nl(vec![line("A", 2, 500)]));
    let item_id = sim.order(&order_id).unwrap().items[0].order_item_id.clone();
    let client = sim_client(&sim, false);

    let process = client
        .ship(&shipment_of(&order_id, &item_id, 2))
        .await
        .unwrap();
    assert_eq!(process.state, ProcessState::Pending);
    assert_eq!(process.entity_id.as_deref(), Some(item_id.as_str()));
    assert!(sim.shipments().is_empty());
    assert_eq!(state_of(&client, &process).await, ProcessState::Pending);
    assert!(sim.shipments().is_empty());
    assert_eq!(state_of(&client, &process).await, ProcessState::Succeeded);

    let shipments = sim.shipments();
    assert_eq!(shipments.len(), 1);
    assert_eq!(shipments[0].items, vec![(item_id.clone(), 2)]);
    assert_eq!(shipments[0].transporter_code.as_deref(), Some("TNT"));
    assert_eq!(
        shipments[0].track_and_trace.as_deref(),
        Some("3SABCD1234567")
    );
    assert_eq!(sim.order(&order_id).unwrap().items[0].quantity_shipped, 2);
    assert!(client.open_orders().await.unwrap().is_empty());
}

#[tokio::test]
async fn second_shipment_of_the_same_item_fails_and_applies_nothing() {
    let sim = BolSim::start().await.unwrap();
    let order_id = sim.add_order(SimOrder::nl(vec![line("A", 1, 500)]));
    let item_id = sim.order(&order_id).unwrap().items[0].order_item_id.clone();
    let client = sim_client(&sim, false);

    let first = client
        .ship(&shipment_of(&order_id, &item_id, 1))
        .await
        .unwrap();
    let second = client
        .ship(&shipment_of(&order_id, &item_id, 1))
        .await
        .unwrap();
    let ids = [first.id.clone(), second.id.clone()];
    let pending = client.processes(&ids).await.unwrap();
    assert!(pending.iter().all(|p| p.state == ProcessState::Pending));
    let resolved = client.processes(&ids).await.unwrap();
    assert_eq!(resolved[0].state, ProcessState::Succeeded);
    assert!(
        matches!(&resolved[1].state, ProcessState::Failed { message } if message.contains("already shipped")),
        "{:?}",
        resolved[1].state
    );
    assert_eq!(sim.shipments().len(), 1);
    assert_eq!(sim.shipment_requests(), 2);
    assert_eq!(sim.order(&order_id).unwrap().items[0].quantity_shipped, 1);
}

#[tokio::test]
async fn processes_are_found_by_entity_and_kind() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let order_id = sim.add_order(SimOrder::nl(vec![line("A", 1, 500)]));
    let item_id = sim.order(&order_id).unwrap().items[0].order_item_id.clone();
    let client = sim_client(&sim, false);
    let process = client
        .ship(&shipment_of(&order_id, &item_id, 1))
        .await
        .unwrap();

    let found = client
        .find_processes(&item_id, ProcessKind::Shipment)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, process.id);
    assert_eq!(found[0].state, ProcessState::Succeeded);
    assert_eq!(sim.shipments().len(), 1);
    let cancellations = client
        .find_processes(&item_id, ProcessKind::Cancellation)
        .await
        .unwrap();
    assert!(cancellations.is_empty());
}

#[tokio::test]
async fn wrong_credentials_are_an_auth_error() {
    let sim = BolSim::start().await.unwrap();
    let config = orderbridge_bol::BolConfig {
        client_id: BolSim::CLIENT_ID.to_owned(),
        client_secret: SecretSource::Inline("wrong".to_owned()),
        api_base_url: sim.api_base_url().parse().unwrap(),
        token_url: sim.token_url().parse().unwrap(),
        timeout_secs: 5,
        retry: support::fast_retry(),
        include_fbb: false,
        rate_limits: support::unthrottled(),
        order_page: None,
    };
    let client = orderbridge_bol::BolClient::new(&config, Secret::new("wrong")).unwrap();
    let err = client.open_orders().await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth { .. }), "{err:?}");
}

/// bol's token endpoint takes the grant in a form body (RFC 6749 §4.4.2), as bol's own
/// clients send it; the simulator refuses it in the query string, like a URL carrying
/// credentials, and the real client gets its token.
#[tokio::test]
async fn token_grant_is_taken_from_a_form_body_only() {
    let sim = BolSim::start().await.unwrap();
    let http = reqwest::Client::new();
    let in_query = http
        .post(sim.token_url())
        .query(&[("grant_type", "client_credentials")])
        .basic_auth(BolSim::CLIENT_ID, Some(BolSim::CLIENT_SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(in_query.status().as_u16(), 400);
    let in_form = http
        .post(sim.token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .basic_auth(BolSim::CLIENT_ID, Some(BolSim::CLIENT_SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(in_form.status().as_u16(), 200);
    let client = sim_client(&sim, false);
    assert!(client.open_orders().await.unwrap().is_empty());
}

#[tokio::test]
async fn control_surface_places_orders_and_shows_state() {
    let sim = BolSim::start().await.unwrap();
    let http = reqwest::Client::new();
    let placed: serde_json::Value = http
        .post(format!("{}/_sim/orders", sim.api_base_url()))
        .json(&serde_json::json!({
            "country": "BE",
            "lines": [{ "ean": "8712345678906", "reference": "SKU-1", "title": "Mok",
                        "quantity": 2, "unit_price_cents": 850 }]
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let order_id = placed["order_id"].as_str().unwrap().to_owned();
    assert_eq!(sim.order(&order_id).unwrap().items[0].quantity, 2);

    let cancel = http
        .post(format!(
            "{}/_sim/orders/{order_id}/cancel-request",
            sim.api_base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), reqwest::StatusCode::NO_CONTENT);
    assert!(sim.order(&order_id).unwrap().items[0].cancellation_request);

    let state: serde_json::Value = http
        .get(format!("{}/_sim/state", sim.api_base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["orders"][0]["order_id"], order_id.as_str());
    assert_eq!(state["orders"][0]["items"][0]["cancellation_request"], true);
}

/// A carrier bol added to its transporter list later (Trunkrs, Budbee, ...) reaches bol under
/// its own code, as the webshop wrote its name, instead of `OTHER`.
#[tokio::test]
async fn newer_transporters_reach_bol_under_their_own_code() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let client = sim_client(&sim, false);
    for (written, code) in [
        ("Trunkrs", "TRUNKRS"),
        ("Budbee", "BUDBEE"),
        ("FedEx BE", "FEDEX_BE"),
    ] {
        let order_id = sim.add_order(SimOrder::nl(vec![line("A", 1, 500)]));
        let item_id = sim.order(&order_id).unwrap().items[0].order_item_id.clone();
        let mut shipment = shipment_of(&order_id, &item_id, 1);
        shipment.carrier = Some(Carrier::from_name(written).unwrap());
        let process = client.ship(&shipment).await.unwrap();
        assert_eq!(state_of(&client, &process).await, ProcessState::Succeeded);
        let sent = sim
            .shipments()
            .into_iter()
            .find(|s| s.order_id == order_id)
            .unwrap();
        assert_eq!(sent.transporter_code.as_deref(), Some(code), "{written}");
    }
}
