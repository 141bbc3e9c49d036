//! The real `BolClient` against `BolSim` on lines that are not the merchant's to ship as it
//! likes: the FBB line of a mixed order (listed only under `FBB`, shipped and cancelled only by
//! bol) and the "Verzenden via bol" line (`distributionParty` `BOL`, shipped only with a bol
//! label, never with the merchant's own transport).

mod support;

use orderbridge_bol::sim::{BolSim, SimLine, SimOrder};
use orderbridge_core::domain::{Carrier, MarketplaceOrderId, OrderLineId};
use orderbridge_core::marketplace::{CancelReason, Cancellation, Shipment};
use orderbridge_core::{ConnectorError, Marketplace};
use support::sim_client;

fn line(reference: &str) -> SimLine {
    SimLine {
        ean: "8712345678906".to_owned(),
        reference: Some(reference.to_owned()),
        title: format!("Product {reference}"),
        quantity: 1,
        unit_price_cents: 1250,
    }
}

fn item(sim: &BolSim, order_id: &str, idx: usize) -> String {
    support::sim_item(sim, order_id, idx)
}

fn shipment(order_id: &str, item_id: &str) -> Shipment {
    support::item_shipment(order_id, item_id, 1, Some(Carrier::PostNl), None)
}

fn assert_rejected_naming(result: Result<impl std::fmt::Debug, ConnectorError>, needle: &str) {
    match result {
        Err(ConnectorError::Rejected { message, .. }) => {
            assert!(message.contains(needle), "{message}")
        }
        other => panic!("expected a refusal naming {needle}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_mixed_order_lists_its_fbb_line_only_under_fbb_and_bol_refuses_to_let_us_touch_it() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let order_id =
        sim.add_order(SimOrder::nl(vec![line("OWN"), line("BOL")]).with_line_fulfilled_by_bol(1));
    let (own_item, fbb_item) = (item(&sim, &order_id, 0), item(&sim, &order_id, 1));

    let fbr_only = sim_client(&sim, false).open_orders().await.unwrap();
    assert_eq!(fbr_only.len(), 1);
    assert_eq!(
        fbr_only[0].lines.len(),
        1,
        "the FBR list shows only the FBR item"
    );
    assert_eq!(fbr_only[0].lines[0].line_id.as_str(), own_item);
    let all = sim_client(&sim, true).open_orders().await.unwrap();
    assert_eq!(all[0].lines.len(), 2);
    assert!(all[0].lines[1].fulfilled_by_marketplace);

    let client = sim_client(&sim, false);
    let details = client
        .order(&MarketplaceOrderId::parse(&order_id).unwrap())
        .await
        .unwrap();
    assert!(!details.lines[0].fulfilled_by_marketplace);
    assert!(details.lines[1].fulfilled_by_marketplace);

    assert_rejected_naming(
        client.ship(&shipment(&order_id, &fbb_item)).await,
        &fbb_item,
    );
    let cancel_fbb = Cancellation {
        order_id: MarketplaceOrderId::parse(&order_id).unwrap(),
        lines: vec![OrderLineId::parse(&fbb_item).unwrap()],
        reason: CancelReason::OutOfStock,
    };
    assert_rejected_naming(client.cancel(&cancel_fbb).await, "FBB");
    let process = client.ship(&shipment(&order_id, &own_item)).await.unwrap();
    client.processes(&[process.id]).await.unwrap();
    let view = sim.order(&order_id).unwrap();
    assert_eq!(view.items[0].quantity_shipped, 1, "our own line ships");
    assert_eq!(view.items[1].quantity_shipped, 0, "bol's line is bol's");
    assert!(sim.cancellations().is_empty());
}

#[tokio::test]
async fn a_verzenden_via_bol_line_needs_a_bol_label_and_bol_refuses_our_transport() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let order_id = sim.add_order(SimOrder::nl(vec![line("VVB")]).with_line_shipped_via_bol(0));
    let item_id = item(&sim, &order_id, 0);
    let client = sim_client(&sim, false);
    let details = client
        .order(&MarketplaceOrderId::parse(&order_id).unwrap())
        .await
        .unwrap();
    assert!(details.lines[0].marketplace_label_required);
    assert!(
        !details.lines[0].fulfilled_by_marketplace,
        "the merchant ships it"
    );

    assert_rejected_naming(
        client.ship(&shipment(&order_id, &item_id)).await,
        "shippingLabelId",
    );
    let mut without_carrier = shipment(&order_id, &item_id);
    without_carrier.carrier = None;
    assert_rejected_naming(client.ship(&without_carrier).await, "Verzenden via bol");
    assert!(sim.shipments().is_empty());
    assert_eq!(sim.order(&order_id).unwrap().items[0].quantity_shipped, 0);
}
