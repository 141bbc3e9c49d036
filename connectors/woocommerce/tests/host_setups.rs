//! Set-ups real shops have that a default one does not: a host that strips the
//! `Authorization` header (query-string authentication) and the question of who mails the
//! buyer (WooCommerce's customer e-mails kept away from marketplace buyers unless asked for).

mod common;

use orderbridge_core::domain::WebshopOrderId;
use orderbridge_core::{ConnectorError, Secret, Webshop};
use orderbridge_woocommerce::sim::WooSim;
use orderbridge_woocommerce::{WooAuth, WooClient, WooConfig, BUYER_EMAIL_META};

async fn shop() -> WooSim {
    let sim = WooSim::start().await.expect("loopback port");
    sim.add_product("MUG-1", None, "Mok", 1299, Some(10));
    sim
}

fn sim_config(sim: &WooSim) -> WooConfig {
    common::config(
        &sim.base_url(),
        WooSim::CONSUMER_KEY,
        WooSim::CONSUMER_SECRET,
    )
}

fn client_of(config: &WooConfig) -> WooClient {
    WooClient::new(config, Secret::new(WooSim::CONSUMER_SECRET)).expect("valid test fixture")
}

fn id_number(id: &WebshopOrderId) -> u64 {
    id.as_str().parse().expect("numeric WooCommerce id")
}

#[tokio::test]
async fn a_host_that_strips_the_authorization_header_needs_query_string_auth() {
    let sim = shop().await;
    sim.set_authorization_header_stripped(true);
    let order = common::order("7001", vec![common::line(Some("MUG-1"), None, 1, 1299)]);

    let header_auth = client_of(&sim_config(&sim));
    let refused = header_auth.create_order(&order).await.unwrap_err();
    assert!(
        matches!(refused, ConnectorError::Auth { .. }),
        "{refused:?}"
    );
    assert!(sim.orders().is_empty());

    let mut config = sim_config(&sim);
    config.auth = WooAuth::QueryString;
    let query_auth = client_of(&config);
    let created = query_auth.create_order(&order).await.unwrap();
    let read = query_auth.order(&created.id).await.unwrap();
    assert_eq!(read.code.as_ref(), Some(&order.code));
}

#[tokio::test]
async fn query_string_auth_keeps_the_secret_out_of_error_messages() {
    // A port nobody listens on: the transport error would name the URL, secret included.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut config = common::config(&base_url, WooSim::CONSUMER_KEY, WooSim::CONSUMER_SECRET);
    config.auth = WooAuth::QueryString;
    let client = client_of(&config);
    let order = common::order("7002", vec![common::line(Some("MUG-1"), None, 1, 1299)]);
    let error = client.create_order(&order).await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(matches!(error, ConnectorError::Transient { .. }), "{shown}");
    assert!(!shown.contains(WooSim::CONSUMER_SECRET), "{shown}");
    assert!(!shown.contains("consumer_secret"), "{shown}");
}

#[tokio::test]
async fn marketplace_buyers_get_no_mail_from_the_shop_by_default() {
    let sim = shop().await;
    let client = client_of(&sim_config(&sim));
    let order = common::order("7003", vec![common::line(Some("MUG-1"), None, 1, 1299)]);
    let buyer = order.billing.email().unwrap().to_owned();
    let created = client.create_order(&order).await.unwrap();
    sim.complete_order(id_number(&created.id), None);

    assert_eq!(sim.customer_emails(), Vec::new());
    let stored = sim.orders().remove(0);
    assert_eq!(stored.billing.get("email"), None);
    assert_eq!(
        stored.meta_value(BUYER_EMAIL_META).and_then(|v| v.as_str()),
        Some(buyer.as_str())
    );
}

#[tokio::test]
async fn customer_emails_can_be_switched_on() {
    let sim = shop().await;
    let mut config = sim_config(&sim);
    config.customer_emails = true;
    let client = client_of(&config);
    let order = common::order("7004", vec![common::line(Some("MUG-1"), None, 1, 1299)]);
    let buyer = order.billing.email().unwrap().to_owned();
    let created = client.create_order(&order).await.unwrap();
    sim.complete_order(id_number(&created.id), None);

    let sent: Vec<_> = sim
        .customer_emails()
        .into_iter()
        .map(|mail| (mail.email_id, mail.recipient))
        .collect();
    assert_eq!(
        sent,
        vec![
            ("customer_processing_order", buyer.clone()),
            ("customer_completed_order", buyer)
        ]
    );
}
