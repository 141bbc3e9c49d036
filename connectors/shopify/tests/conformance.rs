//! Shopify passes the webshop conformance suite (`orderbridge-testkit`) against its simulator.

use orderbridge_core::domain::{OrderCode, WebshopOrderId};
use orderbridge_core::{RateLimit, Secret};
use orderbridge_shopify::sim::{ShopifyFault, ShopifyOperation, ShopifySim};
use orderbridge_shopify::ShopifyClient;
use orderbridge_testkit::webshop::{conformance, SKUS};
use orderbridge_testkit::{ReadFault, WebshopFixture};

struct Shopify(ShopifySim);

impl Shopify {
    fn client_with(&self, token: &str, attempts: u32) -> ShopifyClient {
        let mut config = self.0.config();
        config.access_token = Some(orderbridge_core::SecretSource::Inline(token.into()));
        config.retry.max_attempts = attempts;
        config.retry.initial_backoff_ms = 1;
        config.retry.max_backoff_ms = 2;
        config.rate_limit = RateLimit::per_second(10_000);
        ShopifyClient::with_access_token(&config, Secret::new(token)).expect("valid test fixture")
    }
}

impl WebshopFixture for Shopify {
    type Client = ShopifyClient;
    const KIND: &'static str = "shopify";

    async fn start() -> Self {
        let sim = ShopifySim::start().await.expect("simulator");
        // Throttling is the crate's own tests' subject (`tests/sim.rs`); here a bucket large
        // enough that the suite's 200 orders do not wait minutes for points.
        sim.set_bucket(1_000_000.0, 1_000_000.0);
        for sku in SKUS {
            sim.add_variant(sku, None, 1299, Some(10));
        }
        Shopify(sim)
    }

    fn client(&self) -> ShopifyClient {
        self.client_with(ShopifySim::ACCESS_TOKEN, 3)
    }

    fn client_with_wrong_secret(&self) -> ShopifyClient {
        self.client_with("shpat_wrong", 1)
    }

    fn ship(&self, id: &WebshopOrderId, code: &str) {
        self.0
            .fulfil(id.as_str(), Some("PostNL"), code)
            .expect("fulfilled");
    }

    fn cancel_as_merchant(&self, id: &WebshopOrderId) {
        self.0.cancel_as_merchant(id.as_str()).expect("cancelled");
    }

    fn set_stock(&self, sku: &str, stock: i64) {
        self.0.set_stock(sku, stock);
    }

    fn lose_next_create_reply(&self) {
        self.0.inject_fault(
            ShopifyOperation::OrderCreate,
            ShopifyFault::LoseReplyAfterActing,
            1,
        );
    }

    fn fail_next_reads(&self, fault: ReadFault, times: u32) {
        let fault = match fault {
            ReadFault::ServerError => ShopifyFault::Status(503),
            ReadFault::RateLimited => ShopifyFault::RateLimited(0),
            ReadFault::Damaged => ShopifyFault::TruncatedBody,
        };
        self.0.inject_fault(ShopifyOperation::Order, fault, times);
    }

    fn refuse_next_create(&self) {
        self.0
            .inject_fault(ShopifyOperation::OrderCreate, ShopifyFault::Status(400), 1);
    }

    fn create_requests(&self) -> usize {
        self.0.requests(ShopifyOperation::OrderCreate)
    }

    fn orders_with_code(&self, code: &OrderCode) -> usize {
        self.0.orders_with_code(code.as_str()).len()
    }
}

#[tokio::test]
async fn shopify_passes_the_webshop_conformance_suite() {
    conformance::<Shopify>().await;
}
