//! Our order code as a Shopify custom id, against the simulator with a search index that lags
//! (as Shopify's does): an order whose create reply was lost is found while the search cannot
//! see it yet; a second create of the same code makes no second order; the definition is made
//! once and one of another type is a configuration error; and a change indexed late is still
//! walked although a later change was seen first.

mod common;

use chrono::Utc;
use common::{client, fast, line, order, shop};
use orderbridge_core::{ConnectorError, Webshop};
use orderbridge_shopify::sim::{IndexLag, ShopifyFault, ShopifyOperation};
use orderbridge_shopify::{CODE_KEY, METAFIELD_NAMESPACE};

#[tokio::test]
async fn a_lost_create_reply_is_found_while_the_search_index_lags() {
    let (sim, shop) = shop().await;
    // Nothing new reaches the order search for a long while.
    sim.set_index_lag(Some(IndexLag::Searches(1_000)));
    let start = Utc::now();
    let new = order("8001", vec![line("MUG-1", 1, 1299, 1299)]);
    sim.inject_fault(
        ShopifyOperation::OrderCreate,
        ShopifyFault::LoseReplyAfterActing,
        1,
    );
    let err = shop.create_order(&new).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Transient { .. }), "{err:?}");
    let placed = sim.orders_with_code(new.code.as_str());
    assert_eq!(placed.len(), 1, "Shopify made the order");
    // The engine looks it up before creating again: found by its custom id, not searched.
    let found = shop.find_order(&new.code, start).await.unwrap();
    assert_eq!(
        found.as_ref().map(|id| id.as_str()),
        Some(placed[0].id.as_str())
    );
    // A code never created is still not found (the search for older orders sees nothing).
    let never = order("8999", vec![line("MUG-1", 1, 1299, 1299)]);
    assert_eq!(shop.find_order(&never.code, start).await.unwrap(), None);
}

#[tokio::test]
async fn a_second_create_of_the_same_code_makes_no_second_order() {
    let (sim, shop) = shop().await;
    let new = order("8101", vec![line("MUG-1", 2, 1299, 2598)]);
    let first = shop.create_order(&new).await.unwrap();
    // The engine creates again (say, its lookup missed): Shopify refuses the taken code and
    // the connector answers the order that exists.
    let again = shop.create_order(&new).await.unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(again.total, first.total);
    assert_eq!(sim.requests(ShopifyOperation::OrderCreate), 2, "sent twice");
    assert_eq!(sim.orders().len(), 1, "one order");
    assert_eq!(sim.variants()[0].available, 8, "stock taken once");
    // A refusal for another reason stays a refusal.
    sim.make_unsellable("POSTER");
    let err = shop
        .create_order(&order("8102", vec![line("POSTER", 1, 500, 500)]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Rejected { message, .. } if message.contains("not available")),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_code_definition_is_made_once_per_client() {
    let (sim, shop) = shop().await;
    assert!(sim.metafield_definitions().is_empty());
    shop.create_order(&order("8201", vec![line("POSTER", 1, 500, 500)]))
        .await
        .unwrap();
    let definitions = sim.metafield_definitions();
    assert_eq!(definitions.len(), 1);
    let definition = &definitions[0];
    assert_eq!(definition.owner_type, "ORDER");
    assert_eq!(definition.namespace, METAFIELD_NAMESPACE);
    assert_eq!(definition.key, CODE_KEY);
    assert_eq!(definition.type_name, "id");
    assert!(definition.unique_values);
    // Read and created once, also for clones of the client.
    let clone = shop.clone();
    clone
        .create_order(&order("8202", vec![line("POSTER", 1, 500, 500)]))
        .await
        .unwrap();
    shop.find_order(&order("8203", Vec::new()).code, Utc::now())
        .await
        .unwrap();
    assert_eq!(sim.requests(ShopifyOperation::MetafieldDefinition), 1);
    assert_eq!(sim.requests(ShopifyOperation::MetafieldDefinitionCreate), 1);
    // Another client reads it and does not create it again.
    let other = client(&fast(sim.config()));
    other
        .find_order(&order("8201", Vec::new()).code, Utc::now())
        .await
        .unwrap()
        .expect("found by its custom id");
    assert_eq!(sim.requests(ShopifyOperation::MetafieldDefinition), 2);
    assert_eq!(sim.requests(ShopifyOperation::MetafieldDefinitionCreate), 1);
}

#[tokio::test]
async fn a_definition_of_another_type_is_a_configuration_error() {
    let (sim, shop) = shop().await;
    sim.define_metafield(
        "ORDER",
        METAFIELD_NAMESPACE,
        CODE_KEY,
        "single_line_text_field",
    );
    let new = order("8301", vec![line("POSTER", 1, 500, 500)]);
    for result in [
        shop.create_order(&new).await.map(|_| ()),
        shop.find_order(&new.code, Utc::now()).await.map(|_| ()),
    ] {
        let err = result.unwrap_err();
        assert!(
            matches!(&err, ConnectorError::Rejected { message, .. }
                if message.contains("orderbridge.order_code")
                    && message.contains("single_line_text_field")
                    && message.contains("Settings > Custom data")),
            "{err:?}"
        );
    }
    assert!(sim.orders().is_empty(), "nothing created");
    assert_eq!(sim.requests(ShopifyOperation::MetafieldDefinitionCreate), 0);
}

#[tokio::test]
async fn a_change_indexed_late_is_still_walked() {
    let (sim, shop) = shop().await;
    let late = shop
        .create_order(&order("8401", vec![line("POSTER", 1, 500, 500)]))
        .await
        .unwrap();
    let other = shop
        .create_order(&order("8402", vec![line("POSTER", 1, 500, 500)]))
        .await
        .unwrap();
    // Ten minutes later the merchant edits the first order, and Shopify's search index takes
    // its time over it; a minute after, the second order changes and is indexed at once.
    sim.advance_clock(chrono::Duration::minutes(10));
    sim.set_index_lag(Some(IndexLag::Searches(1)));
    sim.touch(late.id.as_str());
    sim.set_index_lag(None);
    sim.advance_clock(chrono::Duration::minutes(1));
    sim.touch(other.id.as_str());

    // A track run now sees only the second change: its watermark moves past the first.
    let seen = shop
        .changed_orders(Utc::now() + chrono::Duration::minutes(7))
        .await
        .unwrap();
    let ids: Vec<&str> = seen.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![other.id.as_str()],
        "the late change is not indexed yet"
    );
    let watermark = seen[0].modified_at.expect("a modification time");

    // The next run, from that watermark, still walks the first order's change.
    let next = shop.changed_orders(watermark).await.unwrap();
    let late_change = next
        .iter()
        .find(|o| o.id == late.id)
        .expect("the change indexed late is walked");
    assert!(late_change.modified_at.expect("a modification time") < watermark);
}
