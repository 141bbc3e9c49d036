//! Magento passes the webshop conformance suite (`orderbridge-testkit`) against its
//! simulator. Magento prices orders from its catalogue (its REST API sets no custom item
//! price), so the suite's first order is paid at the catalogue price here.

use orderbridge_core::domain::{OrderCode, WebshopOrderId};
use orderbridge_core::{RateLimit, Secret};
use orderbridge_magento::sim::{MagentoEndpoint, MagentoFault, MagentoSim};
use orderbridge_magento::MagentoClient;
use orderbridge_testkit::webshop::{conformance, SKUS};
use orderbridge_testkit::{ReadFault, WebshopFixture};

struct Magento(MagentoSim);

impl Magento {
    fn client_with(&self, token: &str, attempts: u32) -> MagentoClient {
        let mut config = self.0.config();
        config.retry.max_attempts = attempts;
        config.retry.initial_backoff_ms = 1;
        config.retry.max_backoff_ms = 2;
        config.rate_limit = RateLimit::per_second(10_000);
        MagentoClient::new(&config, Secret::new(token)).expect("valid test fixture")
    }

    fn id(id: &WebshopOrderId) -> u64 {
        id.as_str().parse().expect("a Magento entity id")
    }
}

impl WebshopFixture for Magento {
    type Client = MagentoClient;
    const KIND: &'static str = "magento";

    async fn start() -> Self {
        let sim = MagentoSim::start().await.expect("simulator");
        // The suite's first order: 3 for €30.00 in all.
        sim.add_product(SKUS[0], 1000, 10, true);
        sim.add_product(SKUS[1], 100, 10, true);
        Magento(sim)
    }

    fn client(&self) -> MagentoClient {
        self.client_with(MagentoSim::ACCESS_TOKEN, 3)
    }

    fn client_with_wrong_secret(&self) -> MagentoClient {
        self.client_with("wrong-token", 1)
    }

    fn ship(&self, id: &WebshopOrderId, code: &str) {
        self.0
            .ship(Self::id(id), "custom", "PostNL", code)
            .expect("shipped");
    }

    fn cancel_as_merchant(&self, id: &WebshopOrderId) {
        self.0.cancel(Self::id(id)).expect("cancelled");
    }

    fn set_stock(&self, sku: &str, stock: i64) {
        self.0.set_stock(sku, stock);
    }

    fn lose_next_create_reply(&self) {
        self.0.inject_fault(
            MagentoEndpoint::PlaceOrder,
            MagentoFault::LoseReplyAfterActing,
            1,
        );
    }

    fn fail_next_reads(&self, fault: ReadFault, times: u32) {
        let fault = match fault {
            ReadFault::ServerError => MagentoFault::Status(503),
            ReadFault::RateLimited => MagentoFault::RateLimited(0),
            ReadFault::Damaged => MagentoFault::TruncatedBody,
        };
        self.0.inject_fault(MagentoEndpoint::GetOrder, fault, times);
    }

    fn refuse_next_create(&self) {
        self.0
            .inject_fault(MagentoEndpoint::CreateCart, MagentoFault::Status(400), 1);
    }

    fn create_requests(&self) -> usize {
        self.0.requests(MagentoEndpoint::PlaceOrder)
    }

    fn orders_with_code(&self, code: &OrderCode) -> usize {
        self.0
            .orders()
            .iter()
            .filter(|o| {
                o.ext_order_id.as_deref() == Some(code.as_str())
                    || o.customer_email.contains(code.as_str())
            })
            .count()
    }
}

#[tokio::test]
async fn magento_passes_the_webshop_conformance_suite() {
    conformance::<Magento>().await;
}
