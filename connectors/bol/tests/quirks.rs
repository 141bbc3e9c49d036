//! The real `BolClient` against `BolSim` when answers are valid but odd (values the spec does
//! not list, optional fields left out, `{}` for empty lists), when an order's details are not
//! usable at all (raw orders, fixed later), and when the open-orders list shows an order twice.

mod support;

use orderbridge_bol::sim::{BolSim, SimLine, SimOrder, SimQuirks};
use orderbridge_core::domain::MarketplaceOrderId;
use orderbridge_core::marketplace::{ProcessKind, ProcessState, Shipment};
use orderbridge_core::{ConnectorError, Marketplace};
use support::{full_order, sim_client, sim_raw_get};

fn line(reference: &str) -> SimLine {
    SimLine {
        ean: "8712345678906".to_owned(),
        reference: Some(reference.to_owned()),
        title: format!("Product {reference}"),
        quantity: 2,
        unit_price_cents: 1299,
    }
}

fn order_id(raw: &str) -> MarketplaceOrderId {
    MarketplaceOrderId::parse(raw).expect("valid test fixture")
}

fn shipment_of(order_id: &str, item_id: &str) -> Shipment {
    support::item_shipment(order_id, item_id, 2, None, None)
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

#[tokio::test]
async fn unknown_enum_values_still_map() {
    let sim = BolSim::start().await.unwrap();
    let id = sim.add_order(SimOrder::nl(vec![line("A")]));
    let item = sim.order(&id).unwrap().items[0].order_item_id.clone();
    sim.set_quirks(SimQuirks {
        unknown_enum_values: true,
        ..SimQuirks::default()
    });
    let (_, listed) = sim_raw_get(&sim, "/retailer/orders").await;
    assert!(text(&listed).contains("\"FBX\""), "{}", text(&listed));
    let client = sim_client(&sim, false);

    let open = client.open_orders().await.unwrap();
    assert_eq!(open.len(), 1);
    assert!(!open[0].lines[0].fulfilled_by_marketplace);
    let order = client.order(&order_id(&id)).await.unwrap();
    assert_eq!(order.lines[0].quantity.get(), 2);

    // A process in a state bol added later (`QUEUED`) is still pending, then resolves.
    let process = client.ship(&shipment_of(&id, &item)).await.unwrap();
    assert_eq!(process.state, ProcessState::Pending);
    let found = client
        .find_processes(&item, ProcessKind::Shipment)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].state, ProcessState::Pending);
    let read = client
        .processes(std::slice::from_ref(&process.id))
        .await
        .unwrap();
    assert_eq!(read[0].state, ProcessState::Succeeded);
    assert_eq!(sim.shipments().len(), 1);
}

#[tokio::test]
async fn answers_without_optional_fields_still_map() {
    let sim = BolSim::start().await.unwrap();
    let id = sim.add_order(SimOrder::be(vec![line("A")]).with_house_number("17", Some("bte 1")));
    let item = sim.order(&id).unwrap().items[0].order_item_id.clone();
    sim.set_quirks(SimQuirks {
        omit_optional_fields: true,
        ..SimQuirks::default()
    });
    let (_, detail) = sim_raw_get(&sim, &format!("/retailer/orders/{id}")).await;
    assert!(
        !text(&detail).contains("billingDetails"),
        "{}",
        text(&detail)
    );
    let client = sim_client(&sim, false);

    assert_eq!(client.open_orders().await.unwrap().len(), 1);
    let order = client.order(&order_id(&id)).await.unwrap();
    assert_eq!(order.billing, order.shipping);
    assert_eq!(order.lines[0].sku, None);
    assert!(!order.lines[0].fulfilled_by_marketplace);

    // Without `processStatusId` the process is still followed, by its self link.
    sim.set_process_pending_reads(0);
    let process = client.ship(&shipment_of(&id, &item)).await.unwrap();
    let read = client
        .processes(std::slice::from_ref(&process.id))
        .await
        .unwrap();
    assert_eq!(read[0].state, ProcessState::Succeeded);
    assert_eq!(sim.shipments().len(), 1);
}

#[tokio::test]
async fn empty_lists_sent_as_empty_objects_read_as_empty() {
    let sim = BolSim::start().await.unwrap();
    sim.set_quirks(SimQuirks {
        empty_list_as_object: true,
        ..SimQuirks::default()
    });
    assert_eq!(text(&sim_raw_get(&sim, "/retailer/orders").await.1), "{}");
    let client = sim_client(&sim, false);
    assert!(client.open_orders().await.unwrap().is_empty());
    assert!(client
        .find_processes("123", ProcessKind::Shipment)
        .await
        .unwrap()
        .is_empty());

    sim.set_quirks(SimQuirks::default());
    assert_eq!(
        text(&sim_raw_get(&sim, "/retailer/orders").await.1),
        r#"{"orders":[]}"#
    );
}

#[tokio::test]
async fn raw_order_is_listed_refused_and_imported_once_fixed() {
    let sim = BolSim::start().await.unwrap();
    let client = sim_client(&sim, false);
    let id = sim.add_raw_order("9000000001", b"{\"orderId\": \"9000000001\", \xff".to_vec());
    assert_eq!(id, "9000000001");

    let open = client.open_orders().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].lines[0].line_id.as_str(), "9000000001-1");
    let err = client.order(&order_id(&id)).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::InvalidPayload { location, .. } if location == "GET /retailer/orders/9000000001"),
        "{err:?}"
    );

    let mut bad_method = full_order(&id);
    bad_method["orderItems"][0]["fulfilment"]["method"] = "FBX".into();
    sim.replace_raw_order(&id, bad_method.to_string().into_bytes());
    match client.order(&order_id(&id)).await.unwrap_err() {
        ConnectorError::InvalidPayload { message, .. } => {
            assert!(message.contains("fulfilment method \"FBX\""), "{message}")
        }
        other => panic!("expected InvalidPayload, got {other:?}"),
    }

    sim.replace_raw_order(&id, full_order(&id).to_string().into_bytes());
    let order = client.order(&order_id(&id)).await.unwrap();
    assert_eq!(order.lines[0].line_id.as_str(), "11");
    assert_eq!(
        client.open_orders().await.unwrap()[0].lines[0]
            .line_id
            .as_str(),
        "11"
    );
}

#[tokio::test]
async fn order_listed_on_two_pages_is_returned_once() {
    let sim = BolSim::start().await.unwrap();
    let ids: Vec<String> = (0..60)
        .map(|seed| sim.add_order(SimOrder::sample(seed, &[])))
        .collect();
    sim.list_order_twice(&ids[3]);
    let (_, second_page) = sim_raw_get(&sim, "/retailer/orders?page=2").await;
    assert!(
        text(&second_page).contains(&ids[3]),
        "{}",
        text(&second_page)
    );

    let open = sim_client(&sim, false).open_orders().await.unwrap();
    assert_eq!(open.len(), 60);
    assert_eq!(open.iter().filter(|o| o.id.as_str() == ids[3]).count(), 1);
}
