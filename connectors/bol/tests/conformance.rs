//! bol.com passes the marketplace conformance suite (`orderbridge-testkit`) against its
//! simulator.

mod support;

use orderbridge_bol::sim::{BolSim, SimEndpoint, SimFault, SimLine, SimOrder};
use orderbridge_bol::BolClient;
use orderbridge_core::Secret;
use orderbridge_testkit::marketplace::conformance;
use orderbridge_testkit::{MarketplaceFixture, PlacedLine, ReadFault};

struct Bol(BolSim);

impl MarketplaceFixture for Bol {
    type Client = BolClient;
    const KIND: &'static str = "bol";

    async fn start() -> Self {
        let sim = BolSim::start().await.expect("simulator");
        sim.set_process_pending_reads(1);
        Bol(sim)
    }

    fn client(&self) -> BolClient {
        support::sim_client(&self.0, false)
    }

    fn client_with_wrong_secret(&self) -> BolClient {
        let mut config = support::sim_config(&self.0);
        config.retry.max_attempts = 1;
        BolClient::new(&config, Secret::new("wrong-secret")).expect("valid test fixture")
    }

    fn place_order(&self, lines: &[PlacedLine]) -> String {
        self.0.add_order(SimOrder::nl(
            lines
                .iter()
                .map(|l| SimLine {
                    ean: l.ean.clone(),
                    reference: Some(l.sku.clone()),
                    title: format!("Product {}", l.sku),
                    quantity: l.quantity,
                    unit_price_cents: l.unit_price_cents,
                })
                .collect(),
        ))
    }

    fn add_offer(&self, sku: &str, ean: &str, stock: u32) -> String {
        self.0.add_offer(sku, ean, stock)
    }

    fn offer_stock(&self, offer_id: &str) -> Option<u32> {
        self.0.offer_stock(offer_id)
    }

    fn fail_next_reads(&self, fault: ReadFault, times: u32) {
        let fault = match fault {
            ReadFault::ServerError => SimFault::Status(503),
            ReadFault::RateLimited => SimFault::RateLimited {
                retry_after_secs: Some(0),
            },
            ReadFault::Damaged => SimFault::TruncatedBody,
        };
        self.0.inject_fault(SimEndpoint::GetOrder, fault, times);
    }
}

#[tokio::test]
async fn bol_passes_the_marketplace_conformance_suite() {
    conformance::<Bol>().await;
}
