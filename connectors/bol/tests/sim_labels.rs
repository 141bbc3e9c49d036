//! The real `BolClient` against `BolSim` on bol's shipping labels ("Verzenden via bol"):
//! delivery options, buying a label through its process, the label's PDF and headers, and
//! shipping with a label, with everything bol refuses around them (a transport next to a
//! label, a label used twice or for other items, a purchase of an offer never quoted).
//! Faults and quirks on these endpoints are in `sim_label_faults.rs`.

mod support;

use chrono::Utc;
use orderbridge_bol::sim::{BolSim, SimOrder};
use orderbridge_bol::wire::{JSON_MEDIA_TYPE, PDF_MEDIA_TYPE};
use orderbridge_core::domain::{
    Carrier, Currency, LabelOfferId, Money, ShippingLabelId, TrackingCode,
};
use orderbridge_core::marketplace::{LabelOffer, ProcessState};
use orderbridge_core::{ConnectorError, Marketplace};
use reqwest::Method;
use serde_json::json;
use support::{labelled_shipment, parcel, sim_client, vvb_order};

fn recommended(offers: &[LabelOffer]) -> &LabelOffer {
    offers
        .iter()
        .find(|o| o.recommended)
        .expect("a recommended option")
}

fn assert_rejected_naming(result: Result<impl std::fmt::Debug, ConnectorError>, needle: &str) {
    match result {
        Err(ConnectorError::Rejected { message, .. }) => {
            assert!(message.contains(needle), "{message}")
        }
        other => panic!("expected a refusal naming {needle:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_vvb_line_gets_priced_options_each_with_a_fresh_offer_id() {
    let sim = BolSim::start().await.unwrap();
    let (_, items) = vvb_order(&sim, &[1]);
    let client = sim_client(&sim, false);
    let lines = [parcel(&items[0], 1)];

    let offers = client.label_offers(&lines).await.unwrap();
    assert!(offers.len() >= 2, "{offers:?}");
    let best = recommended(&offers);
    assert_eq!(best.carrier, Carrier::PostNl);
    assert_eq!(best.kind, "PARCEL");
    assert_eq!(best.price, Money::from_cents(441, Currency::EUR).unwrap());
    assert_eq!(offers.iter().filter(|o| o.recommended).count(), 1);
    assert!(offers.iter().any(|o| o.carrier == Carrier::DhlParcel));
    assert!(
        offers.iter().any(|o| o.kind == "MAILBOX"),
        "one small item fits a mailbox"
    );
    assert!(offers
        .iter()
        .all(|o| o.latest_handover.is_some_and(|at| at > Utc::now())));
    let again = client.label_offers(&lines).await.unwrap();
    let mut ids: Vec<&LabelOfferId> = offers.iter().chain(&again).map(|o| &o.offer_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        offers.len() + again.len(),
        "every option has its own id"
    );

    let (_, two_items) = vvb_order(&sim, &[2]);
    let parcel_of_two = client
        .label_offers(&[parcel(&two_items[0], 2)])
        .await
        .unwrap();
    assert!(parcel_of_two.len() >= 2);
    assert!(parcel_of_two.iter().all(|o| o.kind == "PARCEL"));
}

#[tokio::test]
async fn delivery_options_are_refused_as_bol_refuses_them() {
    let sim = BolSim::start().await.unwrap();
    let client = sim_client(&sim, false);
    let (_, items) = vvb_order(&sim, &[1]);
    let (_, others) = vvb_order(&sim, &[1]);

    let unknown = client.label_offers(&[parcel("2999999999", 1)]).await;
    assert!(
        matches!(unknown, Err(ConnectorError::NotFound { .. })),
        "{unknown:?}"
    );
    assert_rejected_naming(
        client.label_offers(&[parcel(&items[0], 2)]).await,
        "2 asked, 1 open",
    );
    // bol gives no options for items of more than one order, nor for FBB items.
    let two_orders = [parcel(&items[0], 1), parcel(&others[0], 1)];
    assert_eq!(client.label_offers(&two_orders).await.unwrap(), Vec::new());
    let mixed = sim.add_order(
        SimOrder::nl(vec![support::line("OWN", 1), support::line("FBB", 1)])
            .with_line_fulfilled_by_bol(1),
    );
    let fbb_item = support::sim_item(&sim, &mixed, 1);
    let fbb = client.label_offers(&[parcel(&fbb_item, 1)]).await.unwrap();
    assert!(fbb.is_empty());

    sim.ship_in_seller_dashboard(&items[0]);
    assert_rejected_naming(
        client.label_offers(&[parcel(&items[0], 1)]).await,
        "already shipped or cancelled",
    );
}

#[tokio::test]
async fn a_purchase_is_a_pending_process_that_names_the_label_once_it_succeeded() {
    let sim = BolSim::start().await.unwrap();
    let (order_id, items) = vvb_order(&sim, &[1]);
    let client = sim_client(&sim, false);
    let lines = [parcel(&items[0], 1)];
    let offer = recommended(&client.label_offers(&lines).await.unwrap()).clone();

    let process = client.buy_label(&lines, &offer.offer_id).await.unwrap();
    assert_eq!(process.state, ProcessState::Pending);
    assert_eq!(
        process.entity_id, None,
        "bol names no label before it is bought"
    );
    assert_eq!(process.bought_label(), None);
    assert_eq!(
        sim.labels_bought(&items[0]),
        1,
        "charged when bol accepted it"
    );

    let first_read = client
        .processes(std::slice::from_ref(&process.id))
        .await
        .unwrap();
    assert_eq!(first_read[0].state, ProcessState::Pending);
    let done = client
        .processes(std::slice::from_ref(&process.id))
        .await
        .unwrap();
    assert_eq!(done[0].state, ProcessState::Succeeded);
    let label_id = done[0].bought_label().expect("the label in entityId");
    let bought = sim.labels();
    assert_eq!(bought.len(), 1);
    assert_eq!(label_id.as_str(), bought[0].shipping_label_id);
    assert_eq!(label_id.as_str().len(), 36, "UUID form: {label_id}");
    assert_eq!(bought[0].order_id, order_id);
    assert_eq!(bought[0].items, vec![(items[0].clone(), 1)]);
    assert_eq!(bought[0].shipping_label_offer_id, offer.offer_id.as_str());
    assert_eq!(bought[0].transporter_code, "TNT");
    assert!(!bought[0].used_for_shipment);
}

#[tokio::test]
async fn the_label_is_a_pdf_naming_its_code_and_its_headers_give_tracking_and_carrier() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let (order_id, items) = vvb_order(&sim, &[1]);
    let client = sim_client(&sim, false);
    let lines = [parcel(&items[0], 1)];
    let offers = client.label_offers(&lines).await.unwrap();
    let postnl = support::buy(&client, &lines, &recommended(&offers).offer_id).await;
    let dhl_offer = offers
        .iter()
        .find(|o| o.carrier == Carrier::DhlParcel)
        .unwrap();
    let dhl = support::buy(&client, &lines, &dhl_offer.offer_id).await;

    let label = client.label(&postnl).await.unwrap();
    let code = sim.labels()[0].track_and_trace.clone();
    assert!(code.starts_with("3S"), "{code}");
    assert_eq!(label.id, postnl);
    assert_eq!(label.tracking, Some(TrackingCode::parse(&code).unwrap()));
    assert_eq!(label.carrier, Some(Carrier::PostNl));
    assert!(label.pdf.starts_with(b"%PDF-"));
    if let Some(text) = support::pdf_text(&label.pdf) {
        for needle in [code.as_str(), "PostNL", order_id.as_str(), "Jan Jansen"] {
            assert!(
                text.contains(needle),
                "{needle:?} not in label text:\n{text}"
            );
        }
    }
    let dhl_label = client.label(&dhl).await.unwrap();
    assert_eq!(dhl_label.carrier, Some(Carrier::DhlParcel));
    let dhl_code = dhl_label.tracking.unwrap();
    assert!(dhl_code.as_str().starts_with("JVGL"), "{dhl_code:?}");
    assert_eq!(dhl_code.as_str(), sim.labels()[1].track_and_trace);

    let path = format!("/retailer/shipping-labels/{postnl}");
    let raw = support::sim_raw_request(&sim, Method::GET, &path, PDF_MEDIA_TYPE, None).await;
    assert_eq!(raw.status, 200);
    assert_eq!(raw.header("content-type"), Some(PDF_MEDIA_TYPE));
    assert_eq!(raw.header("x-track-and-trace-code"), Some(code.as_str()));
    assert_eq!(raw.header("x-transporter-code"), Some("TNT"));
    assert!(raw.header("x-ratelimit-limit").is_some());
    let as_json = support::sim_raw_request(&sim, Method::GET, &path, JSON_MEDIA_TYPE, None).await;
    assert_eq!(as_json.status, 406, "a label is served as PDF only");
    let unknown = ShippingLabelId::parse("00000000-0000-4000-8000-000000000000").unwrap();
    let missing = client.label(&unknown).await;
    assert!(
        matches!(missing, Err(ConnectorError::NotFound { .. })),
        "{missing:?}"
    );
}

#[tokio::test]
async fn a_shipment_with_a_label_sends_no_transport_and_ships_with_the_labels_code() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let (order_id, items) = vvb_order(&sim, &[1]);
    let client = sim_client(&sim, false);
    let lines = [parcel(&items[0], 1)];
    let offer = recommended(&client.label_offers(&lines).await.unwrap()).clone();
    let label_id = support::buy(&client, &lines, &offer.offer_id).await;

    // The webshop's own carrier and code travel along in the shipment; bol refuses a transport
    // next to a label, so the connector must leave them out.
    let mut shipment = labelled_shipment(&order_id, &lines, &label_id);
    shipment.carrier = Some(Carrier::DhlParcel);
    shipment.tracking = Some(TrackingCode::parse("JVGL0601234567890123").unwrap());
    let process = client.ship(&shipment).await.unwrap();
    let done = client.processes(&[process.id]).await.unwrap();
    assert_eq!(done[0].state, ProcessState::Succeeded);

    let shipments = sim.shipments();
    assert_eq!(shipments.len(), 1);
    assert_eq!(
        shipments[0].shipping_label_id.as_deref(),
        Some(label_id.as_str())
    );
    assert_eq!(
        shipments[0].track_and_trace.as_deref(),
        Some(sim.labels()[0].track_and_trace.as_str())
    );
    assert_eq!(shipments[0].transporter_code.as_deref(), Some("TNT"));
    assert_eq!(shipments[0].items, vec![(items[0].clone(), 1)]);
    assert!(sim.labels()[0].used_for_shipment);
    assert_eq!(sim.order(&order_id).unwrap().items[0].quantity_shipped, 1);
}

#[tokio::test]
async fn bol_refuses_a_transport_next_to_a_label() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let (_, items) = vvb_order(&sim, &[1]);
    let client = sim_client(&sim, false);
    let lines = [parcel(&items[0], 1)];
    let offer = recommended(&client.label_offers(&lines).await.unwrap()).clone();
    let label_id = support::buy(&client, &lines, &offer.offer_id).await;
    let mut body = json!({
        "orderItems": [{ "orderItemId": items[0], "quantity": 1 }],
        "shippingLabelId": label_id.as_str(),
        "transport": { "transporterCode": "TNT", "trackAndTrace": "3SBOLC9999999" }
    });
    let post = |body| {
        support::sim_raw_request(
            &sim,
            Method::POST,
            "/retailer/shipments",
            JSON_MEDIA_TYPE,
            Some(body),
        )
    };

    let both = post(body.clone()).await;
    assert_eq!(both.status, 400);
    let problem: serde_json::Value = serde_json::from_slice(&both.body).unwrap();
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("Conflicting transport method"), "{problem}");
    assert!(sim.shipments().is_empty());

    body.as_object_mut().unwrap().remove("transport");
    let label_only = post(body).await;
    assert_eq!(
        label_only.status,
        202,
        "{}",
        String::from_utf8_lossy(&label_only.body)
    );
}

#[tokio::test]
async fn a_label_ships_one_shipment_and_is_free_again_after_a_failed_one() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let (order_id, items) = vvb_order(&sim, &[1]);
    let client = sim_client(&sim, false);
    let lines = [parcel(&items[0], 1)];
    let offer = recommended(&client.label_offers(&lines).await.unwrap()).clone();
    let label_id = support::buy(&client, &lines, &offer.offer_id).await;
    let shipment = labelled_shipment(&order_id, &lines, &label_id);

    sim.fail_processes_of(&items[0]);
    let failed = client.ship(&shipment).await.unwrap();
    let failed = client.processes(&[failed.id]).await.unwrap();
    assert!(matches!(failed[0].state, ProcessState::Failed { .. }));
    sim.clear_faults();

    let accepted = client.ship(&shipment).await.unwrap();
    assert_rejected_naming(client.ship(&shipment).await, "already used");
    let done = client.processes(&[accepted.id]).await.unwrap();
    assert_eq!(done[0].state, ProcessState::Succeeded);
    assert_rejected_naming(client.ship(&shipment).await, "already used");
    assert_eq!(sim.shipments().len(), 1);
}

#[tokio::test]
async fn a_label_for_other_items_or_an_unknown_label_is_refused() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let (order_id, items) = vvb_order(&sim, &[2, 1]);
    let client = sim_client(&sim, false);
    let both_of_a = [parcel(&items[0], 2)];
    let offer = recommended(&client.label_offers(&both_of_a).await.unwrap()).clone();
    let label_id = support::buy(&client, &both_of_a, &offer.offer_id).await;

    for other_lines in [vec![parcel(&items[1], 1)], vec![parcel(&items[0], 1)]] {
        assert_rejected_naming(
            client
                .ship(&labelled_shipment(&order_id, &other_lines, &label_id))
                .await,
            "other order items",
        );
    }
    let unknown = ShippingLabelId::parse("00000000-0000-4000-8000-000000000000").unwrap();
    assert_rejected_naming(
        client
            .ship(&labelled_shipment(&order_id, &both_of_a, &unknown))
            .await,
        "does not exist",
    );
    assert!(sim.shipments().is_empty());
    let right = client
        .ship(&labelled_shipment(&order_id, &both_of_a, &label_id))
        .await
        .unwrap();
    client.processes(&[right.id]).await.unwrap();
    assert_eq!(sim.shipments().len(), 1);
}

#[tokio::test]
async fn a_purchase_of_an_offer_never_quoted_for_these_items_fails_and_buys_nothing() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let (_, items) = vvb_order(&sim, &[1, 1]);
    let client = sim_client(&sim, false);
    let offer_for_a = recommended(&client.label_offers(&[parcel(&items[0], 1)]).await.unwrap())
        .offer_id
        .clone();

    let wrong_items = client
        .buy_label(&[parcel(&items[1], 1)], &offer_for_a)
        .await
        .unwrap();
    let unknown_offer = client
        .buy_label(
            &[parcel(&items[0], 1)],
            &LabelOfferId::parse("11111111-2222-4333-8444-555555555555").unwrap(),
        )
        .await
        .unwrap();
    let resolved = client
        .processes(&[wrong_items.id, unknown_offer.id])
        .await
        .unwrap();
    let messages: Vec<String> = resolved
        .iter()
        .map(|process| match &process.state {
            ProcessState::Failed { message } => message.clone(),
            other => panic!("expected a failed purchase, got {other:?}"),
        })
        .collect();
    assert!(messages[0].contains("not the ones"), "{}", messages[0]);
    assert!(messages[1].contains("does not exist"), "{}", messages[1]);
    assert!(resolved.iter().all(|p| p.bought_label().is_none()));
    assert_eq!(sim.labels_bought(&items[0]), 0);
    assert_eq!(sim.labels_bought(&items[1]), 0);
    assert_eq!(sim.label_purchase_requests(), 2);

    assert!(matches!(
        client.buy_label(&[], &offer_for_a).await,
        Err(ConnectorError::Rejected { .. })
    ));
    assert_eq!(sim.label_purchase_requests(), 2, "refused before sending");
}
