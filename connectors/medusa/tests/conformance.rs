//! Medusa passes the webshop conformance suite (`orderbridge-testkit`) against its simulator.

use orderbridge_core::domain::{OrderCode, WebshopOrderId};
use orderbridge_core::{RateLimit, Secret};
use orderbridge_medusa::sim::{MedusaEndpoint, MedusaFault, MedusaSim};
use orderbridge_medusa::MedusaClient;
use orderbridge_testkit::webshop::{conformance, SKUS};
use orderbridge_testkit::{ReadFault, WebshopFixture};

struct Medusa(MedusaSim);

impl Medusa {
    fn client_with(&self, key: &str, attempts: u32) -> MedusaClient {
        let mut config = self.0.config();
        config.retry.max_attempts = attempts;
        config.retry.initial_backoff_ms = 1;
        config.retry.max_backoff_ms = 2;
        config.rate_limit = RateLimit::per_second(10_000);
        MedusaClient::new(&config, Secret::new(key)).expect("valid test fixture")
    }
}

impl WebshopFixture for Medusa {
    type Client = MedusaClient;
    const KIND: &'static str = "medusa";

    async fn start() -> Self {
        let sim = MedusaSim::start().await.expect("simulator");
        sim.set_prices_include_tax(true);
        for sku in SKUS {
            sim.add_variant(sku, None, 1299, Some(10));
        }
        Medusa(sim)
    }

    fn client(&self) -> MedusaClient {
        self.client_with(MedusaSim::API_KEY, 3)
    }

    fn client_with_wrong_secret(&self) -> MedusaClient {
        self.client_with("sk_wrong", 1)
    }

    fn ship(&self, id: &WebshopOrderId, code: &str) {
        self.0.ship(id.as_str(), &[code]).expect("shipped");
    }

    fn cancel_as_merchant(&self, id: &WebshopOrderId) {
        self.0.cancel(id.as_str()).expect("cancelled");
    }

    fn set_stock(&self, sku: &str, stock: i64) {
        self.0.set_stock(sku, stock);
    }

    fn lose_next_create_reply(&self) {
        self.0.inject_fault(
            MedusaEndpoint::CreateDraft,
            MedusaFault::LoseReplyAfterActing,
            1,
        );
    }

    fn fail_next_reads(&self, fault: ReadFault, times: u32) {
        let fault = match fault {
            ReadFault::ServerError => MedusaFault::Status(503),
            ReadFault::RateLimited => MedusaFault::RateLimited(0),
            ReadFault::Damaged => MedusaFault::TruncatedBody,
        };
        self.0.inject_fault(MedusaEndpoint::GetOrder, fault, times);
    }

    fn refuse_next_create(&self) {
        self.0
            .inject_fault(MedusaEndpoint::CreateDraft, MedusaFault::Status(400), 1);
    }

    fn create_requests(&self) -> usize {
        self.0.requests(MedusaEndpoint::CreateDraft)
    }

    fn orders_with_code(&self, code: &OrderCode) -> usize {
        self.0.orders_with_code(code.as_str()).len()
    }
}

#[tokio::test]
async fn medusa_passes_the_webshop_conformance_suite() {
    conformance::<Medusa>().await;
}
