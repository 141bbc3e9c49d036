//! The real `BolClient` against `BolSim` when the shipping-label endpoints misbehave: a
//! charged purchase is never repeated once it may have reached bol (timeout after bol acted,
//! lost answer, 5xx) but is when bol provably did not act (429); delivery options and labels
//! are reads, retried through 5xx and damaged answers; quirks and rate limits apply to them as
//! to every other endpoint.

mod support;

use std::time::Duration;

use orderbridge_bol::sim::{BolSim, SimEndpoint, SimFault, SimQuirks, SimRateLimit};
use orderbridge_bol::wire::JSON_MEDIA_TYPE;
use orderbridge_core::domain::LabelOfferId;
use orderbridge_core::marketplace::{LabelOffer, LineQuantity, ProcessState};
use orderbridge_core::{ConnectorError, Marketplace};
use reqwest::Method;
use serde_json::json;
use support::{parcel, sim_client, sim_client_with, sim_config, vvb_order};

async fn offer(client: &impl Marketplace, lines: &[LineQuantity]) -> LabelOfferId {
    let offers: Vec<LabelOffer> = client.label_offers(lines).await.expect("delivery options");
    offers.into_iter().next().expect("an option").offer_id
}

fn count_of(sim: &BolSim, kind: &str) -> u64 {
    sim.fault_counts()
        .into_iter()
        .find(|(name, _)| name == kind)
        .map_or(0, |(_, n)| n)
}

#[tokio::test]
async fn a_purchase_whose_answer_is_lost_after_bol_acted_is_transient_and_never_repeated() {
    let sim = BolSim::start().await.unwrap();
    let (_, items) = vvb_order(&sim, &[1]);
    let mut config = sim_config(&sim);
    config.timeout_secs = 1;
    config.retry.max_attempts = 3;
    let client = sim_client_with(&config);
    let lines = [parcel(&items[0], 1)];
    let offer_id = offer(&client, &lines).await;

    sim.inject_fault(
        SimEndpoint::CreateShippingLabel,
        SimFault::Delay(Duration::from_secs(3)),
        1,
    );
    let timed_out = client.buy_label(&lines, &offer_id).await;
    assert!(
        matches!(timed_out, Err(ConnectorError::Transient { .. })),
        "{timed_out:?}"
    );
    assert_eq!(
        sim.label_purchase_requests(),
        1,
        "a timed-out purchase is not repeated"
    );
    assert_eq!(
        sim.labels_bought(&items[0]),
        1,
        "bol bought (and charged) it all the same"
    );

    // A lost answer (502, then a reset connection) after bol acted: the same.
    for bought in [2, 3] {
        sim.inject_fault(
            SimEndpoint::CreateShippingLabel,
            SimFault::AppliedButLost,
            1,
        );
        let lost = client.buy_label(&lines, &offer_id).await;
        assert!(
            matches!(lost, Err(ConnectorError::Transient { .. })),
            "{lost:?}"
        );
        assert_eq!(sim.label_purchase_requests(), bought);
        assert_eq!(sim.labels_bought(&items[0]), bought);
    }
    assert_eq!(count_of(&sim, "applied_but_lost"), 2);

    // A 503 bol answered without acting: returned, not repeated, nothing bought.
    sim.inject_fault(SimEndpoint::CreateShippingLabel, SimFault::Status(503), 1);
    let refused = client.buy_label(&lines, &offer_id).await;
    assert!(
        matches!(refused, Err(ConnectorError::Transient { .. })),
        "{refused:?}"
    );
    assert_eq!(sim.labels_bought(&items[0]), 3);

    // A 429 says bol did not act: that one is waited out and sent again.
    sim.inject_fault(
        SimEndpoint::CreateShippingLabel,
        SimFault::RateLimited {
            retry_after_secs: Some(0),
        },
        1,
    );
    let process = client.buy_label(&lines, &offer_id).await.unwrap();
    assert_eq!(process.state, ProcessState::Pending);
    assert_eq!(sim.labels_bought(&items[0]), 4);
    assert_eq!(sim.label_purchase_requests(), 4);
}

#[tokio::test]
async fn delivery_options_and_labels_are_reads_retried_through_faults() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let (_, items) = vvb_order(&sim, &[1]);
    let client = sim_client(&sim, false);
    let lines = [parcel(&items[0], 1)];

    for fault in [SimFault::Status(500), SimFault::GarbageBody] {
        sim.inject_fault(SimEndpoint::DeliveryOptions, fault.clone(), 1);
        let offers = client.label_offers(&lines).await;
        assert!(
            offers.is_ok_and(|o| !o.is_empty()),
            "{fault:?} was not retried through"
        );
    }
    let offer_id = offer(&client, &lines).await;
    let label_id = support::buy(&client, &lines, &offer_id).await;
    for fault in [
        SimFault::TruncatedBody,
        SimFault::GarbageBody,
        SimFault::Status(502),
    ] {
        sim.inject_fault(SimEndpoint::ShippingLabel, fault.clone(), 1);
        let label = client.label(&label_id).await;
        assert!(
            label.is_ok_and(|l| l.pdf.ends_with(b"%%EOF\n")),
            "{fault:?} was not retried through to the whole PDF"
        );
    }
    assert_eq!(count_of(&sim, "truncated_body"), 1);
    assert_eq!(count_of(&sim, "garbage_body"), 2);

    let mut config = sim_config(&sim);
    config.retry.max_attempts = 1;
    let once = sim_client_with(&config);
    sim.inject_fault(SimEndpoint::ShippingLabel, SimFault::TruncatedBody, 1);
    match once.label(&label_id).await {
        Err(ConnectorError::InvalidPayload {
            location, message, ..
        }) => {
            assert!(
                location.starts_with("GET /retailer/shipping-labels/"),
                "{location}"
            );
            assert!(message.contains("not a whole PDF"), "{message}");
        }
        other => panic!("expected InvalidPayload, got {other:?}"),
    }
}

#[tokio::test]
async fn quirks_apply_to_label_answers_and_the_label_is_still_named() {
    let sim = BolSim::start().await.unwrap();
    sim.set_process_pending_reads(0);
    let (_, items) = vvb_order(&sim, &[1]);
    let client = sim_client(&sim, false);
    let lines = [parcel(&items[0], 1)];
    let offer_id = offer(&client, &lines).await;
    sim.set_quirks(SimQuirks {
        omit_optional_fields: true,
        empty_list_as_object: true,
        ..SimQuirks::default()
    });

    // No processStatusId (read from the self link), but the entityId naming the label stays:
    // it is the only way to the label.
    let label_id = support::buy(&client, &lines, &offer_id).await;
    assert_eq!(label_id.as_str(), sim.labels()[0].shipping_label_id);

    // No options (items of two orders) come as `{}`.
    let (_, others) = vvb_order(&sim, &[1]);
    let none = client
        .label_offers(&[parcel(&items[0], 1), parcel(&others[0], 1)])
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn label_endpoints_keep_to_bols_rate_limits_and_tell_them() {
    let sim = BolSim::start().await.unwrap();
    let (_, items) = vvb_order(&sim, &[1]);
    let client = sim_client(&sim, false);
    let lines = [parcel(&items[0], 1)];
    let offer_id = offer(&client, &lines).await;
    sim.set_rate_limit(
        SimEndpoint::CreateShippingLabel,
        SimRateLimit {
            requests: 1,
            window_secs: 1,
        },
    );

    client.buy_label(&lines, &offer_id).await.unwrap();
    client.buy_label(&lines, &offer_id).await.unwrap();
    assert_eq!(sim.labels_bought(&items[0]), 2);
    let (_, refused) = sim.rate_limit_counts();
    assert_eq!(
        refused, 0,
        "the second purchase waited for bol's window instead of a 429"
    );

    let body = json!({ "orderItems": [{ "orderItemId": items[0], "quantity": 1 }] });
    let raw = support::sim_raw_request(
        &sim,
        Method::POST,
        "/retailer/shipping-labels/delivery-options",
        JSON_MEDIA_TYPE,
        Some(body),
    )
    .await;
    assert_eq!(raw.status, 200);
    for header in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(raw.header(header).is_some(), "{header} missing");
    }
}
