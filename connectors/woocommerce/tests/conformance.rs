//! WooCommerce passes the webshop conformance suite (`orderbridge-testkit`) against its
//! simulator.

mod common;

use orderbridge_core::domain::{OrderCode, WebshopOrderId};
use orderbridge_testkit::webshop::{conformance, SKUS};
use orderbridge_testkit::{ReadFault, WebshopFixture};
use orderbridge_woocommerce::sim::{WooEndpoint, WooFault, WooSim};
use orderbridge_woocommerce::WooClient;

struct Woo(WooSim);

impl Woo {
    fn id(id: &WebshopOrderId) -> u64 {
        id.as_str().parse().expect("a WooCommerce order id")
    }
}

impl WebshopFixture for Woo {
    type Client = WooClient;
    const KIND: &'static str = "woocommerce";

    async fn start() -> Self {
        let sim = WooSim::start().await.expect("simulator");
        for sku in SKUS {
            sim.add_product(sku, None, sku, 1299, Some(10));
        }
        Woo(sim)
    }

    fn client(&self) -> WooClient {
        common::sim_client(&self.0, 5, 3)
    }

    fn client_with_wrong_secret(&self) -> WooClient {
        common::client(&self.0.base_url(), WooSim::CONSUMER_KEY, "cs_wrong")
    }

    fn ship(&self, id: &WebshopOrderId, code: &str) {
        self.0.complete_order(Self::id(id), Some(("PostNL", code)));
    }

    fn cancel_as_merchant(&self, id: &WebshopOrderId) {
        self.0.cancel_order(Self::id(id));
    }

    fn set_stock(&self, sku: &str, stock: i64) {
        self.0.set_stock(sku, Some(stock));
    }

    fn lose_next_create_reply(&self) {
        self.0
            .inject_fault(WooEndpoint::CreateOrder, WooFault::LostReply, 1);
    }

    fn fail_next_reads(&self, fault: ReadFault, times: u32) {
        let fault = match fault {
            ReadFault::ServerError => WooFault::Status(503),
            ReadFault::RateLimited => WooFault::RateLimited {
                retry_after_secs: Some(0),
            },
            ReadFault::Damaged => WooFault::TruncatedBody,
        };
        self.0.inject_fault(WooEndpoint::GetOrder, fault, times);
    }

    fn refuse_next_create(&self) {
        self.0
            .inject_fault(WooEndpoint::CreateOrder, WooFault::Status(400), 1);
    }

    fn create_requests(&self) -> usize {
        self.0.create_requests()
    }

    fn orders_with_code(&self, code: &OrderCode) -> usize {
        self.0.orders_with_code(code.as_str()).len()
    }
}

#[tokio::test]
async fn woocommerce_passes_the_webshop_conformance_suite() {
    conformance::<Woo>().await;
}
