//! Any marketplace with any webshop: the bol.com simulator paired with the simulator of one of
//! the webshop kinds, behind one face ([`ShopSim`]) so the end-to-end suite (`tests/pairs.rs`)
//! runs the same order loop for every pair. A new webshop connector adds its variant here.

use std::sync::Arc;

use chrono::Utc;
use orderbridge::clock::ManualClock;
use orderbridge::config::Config;
use orderbridge::daemon::{build_engine, ConnectionEngine};
use orderbridge::store::{OrderFilter, OrderRecord, Store};
use orderbridge_bol::sim::{BolSim, SimOrder, SimProduct};
use orderbridge_core::domain::{MarketplaceOrderId, OrderCode};
use orderbridge_magento::sim::{MagentoEndpoint, MagentoFault, MagentoSim};
use orderbridge_medusa::sim::{MedusaEndpoint, MedusaFault, MedusaSim};
use orderbridge_shopify::sim::{ShopifyFault, ShopifyOperation, ShopifySim};
use orderbridge_woocommerce::sim::{WooEndpoint, WooFault, WooSim};

use super::{catalogue, line, marketplace_toml, woo_section, write_config, TestDb};

/// The webshop side of a pair.
pub enum ShopSim {
    /// WooCommerce.
    Woo(WooSim),
    /// Medusa 2.
    Medusa(MedusaSim),
    /// Magento 2.
    Magento(MagentoSim),
    /// Shopify.
    Shopify(ShopifySim),
}

/// The connection name every pair test uses (our order codes derive from it).
const CONNECTION: &str = "shop";

impl ShopSim {
    /// A shop of `kind` selling `products`, `stock` items each.
    pub async fn start(kind: &str, products: &[SimProduct], stock: i64) -> ShopSim {
        match kind {
            "woocommerce" => {
                let woo = WooSim::start().await.expect("WooCommerce simulator");
                for p in products {
                    woo.add_product(&p.sku, Some(&p.ean), &p.title, p.price_cents, Some(stock));
                }
                ShopSim::Woo(woo)
            }
            "medusa" => {
                let medusa = MedusaSim::start().await.expect("Medusa simulator");
                // The setup the README asks for: EUR prices include VAT.
                medusa.set_prices_include_tax(true);
                for p in products {
                    medusa.add_variant(&p.sku, Some(&p.ean), p.price_cents, Some(stock));
                }
                ShopSim::Medusa(medusa)
            }
            "magento" => {
                let magento = MagentoSim::start().await.expect("Magento simulator");
                // Catalogue prices include VAT and are what bol's buyers pay (Magento prices
                // orders from its catalogue).
                for p in products {
                    magento.add_product(&p.sku, p.price_cents, stock, true);
                }
                ShopSim::Magento(magento)
            }
            "shopify" => {
                let shopify = ShopifySim::start().await.expect("Shopify simulator");
                // Shopify's cost bucket is the Shopify crate's tests' subject; here it is
                // large enough that the order loop never waits for points.
                shopify.set_bucket(1_000_000.0, 1_000_000.0);
                for p in products {
                    shopify.add_variant(&p.sku, Some(&p.ean), p.price_cents, Some(stock));
                }
                ShopSim::Shopify(shopify)
            }
            other => panic!("no simulator for webshop kind {other}"),
        }
    }

    /// The connection file's `[webshop]` section for this shop.
    pub fn section(&self) -> String {
        match self {
            ShopSim::Woo(woo) => woo_section(woo),
            ShopSim::Medusa(medusa) => {
                let setup = medusa.setup();
                format!(
                    "[webshop]\nkind = \"medusa\"\nbase_url = \"{}\"\napi_key = \"{}\"\n\
                     region_id = \"{}\"\nsales_channel_id = \"{}\"\nshipping_option_id = \"{}\"\n\
                     stock_location_id = \"{}\"\ntimeout_secs = 5\n\n[webshop.retry]\n\
                     max_attempts = 3\ninitial_backoff_ms = 50\nmax_backoff_ms = 200\n\n\
                     [webshop.rate_limit]\nrequests = 1000\nper_secs = 1\n",
                    medusa.base_url(),
                    MedusaSim::API_KEY,
                    setup.region_id,
                    setup.sales_channel_id,
                    setup.shipping_option_id,
                    setup.stock_location_id
                )
            }
            ShopSim::Magento(magento) => format!(
                "[webshop]\nkind = \"magento\"\nbase_url = \"{}\"\naccess_token = \"{}\"\n\
                 timeout_secs = 5\n\n[webshop.retry]\nmax_attempts = 3\n\
                 initial_backoff_ms = 50\nmax_backoff_ms = 200\n\n[webshop.rate_limit]\n\
                 requests = 1000\nper_secs = 1\n",
                magento.base_url(),
                MagentoSim::ACCESS_TOKEN
            ),
            ShopSim::Shopify(shopify) => format!(
                "[webshop]\nkind = \"shopify\"\nshop_domain = \"{}\"\naccess_token = \"{}\"\n\
                 location_id = \"{}\"\napi_base = \"{}\"\ntimeout_secs = 5\n\n\
                 [webshop.retry]\nmax_attempts = 3\ninitial_backoff_ms = 50\n\
                 max_backoff_ms = 200\n\n[webshop.rate_limit]\nrequests = 1000\nper_secs = 1\n",
                ShopifySim::SHOP_DOMAIN,
                ShopifySim::ACCESS_TOKEN,
                ShopifySim::LOCATION_ID,
                shopify.base_url()
            ),
        }
    }

    /// The shop's ids of the orders for a marketplace order.
    pub fn orders_of(&self, marketplace_order_id: &str) -> Vec<String> {
        match self {
            ShopSim::Woo(woo) => woo
                .orders_with_marketplace_order(marketplace_order_id)
                .into_iter()
                .map(|o| o.id.to_string())
                .collect(),
            ShopSim::Medusa(medusa) => medusa
                .orders()
                .into_iter()
                .filter(|o| {
                    o.metadata
                        .get(orderbridge_medusa::MARKETPLACE_ORDER_KEY)
                        .and_then(|v| v.as_str())
                        == Some(marketplace_order_id)
                })
                .map(|o| o.id)
                .collect(),
            ShopSim::Magento(magento) => {
                let code = OrderCode::derive(
                    CONNECTION,
                    &MarketplaceOrderId::parse(marketplace_order_id).expect("an order id"),
                );
                magento
                    .orders()
                    .into_iter()
                    .filter(|o| {
                        o.ext_order_id.as_deref() == Some(code.as_str())
                            || o.customer_email.contains(code.as_str())
                    })
                    .map(|o| o.entity_id.to_string())
                    .collect()
            }
            ShopSim::Shopify(shopify) => shopify
                .orders()
                .into_iter()
                .filter(|o| {
                    o.metafield(
                        orderbridge_shopify::METAFIELD_NAMESPACE,
                        orderbridge_shopify::ORDER_ID_KEY,
                    ) == Some(marketplace_order_id)
                })
                .map(|o| o.id)
                .collect(),
        }
    }

    /// The one shop order of a marketplace order.
    pub fn order_of(&self, marketplace_order_id: &str) -> String {
        let found = self.orders_of(marketplace_order_id);
        assert_eq!(
            found.len(),
            1,
            "marketplace order {marketplace_order_id} is in the webshop {} times",
            found.len()
        );
        found[0].clone()
    }

    /// The merchant ships the order with this track & trace code (the carrier named where the
    /// shop has a field for it).
    pub fn ship(&self, id: &str, carrier: &str, code: &str) {
        match self {
            ShopSim::Woo(woo) => {
                woo.complete_order(id.parse().expect("WooCommerce id"), Some((carrier, code)));
            }
            ShopSim::Medusa(medusa) => medusa.ship(id, &[code]).expect("shipped"),
            ShopSim::Magento(magento) => magento
                .ship(id.parse().expect("Magento id"), "custom", carrier, code)
                .expect("shipped"),
            ShopSim::Shopify(shopify) => {
                shopify.fulfil(id, Some(carrier), code).expect("fulfilled")
            }
        }
    }

    /// The merchant cancels the order in the shop.
    pub fn cancel(&self, id: &str) {
        match self {
            ShopSim::Woo(woo) => woo.cancel_order(id.parse().expect("WooCommerce id")),
            ShopSim::Medusa(medusa) => medusa.cancel(id).expect("cancelled"),
            ShopSim::Magento(magento) => magento
                .cancel(id.parse().expect("Magento id"))
                .expect("cancelled"),
            ShopSim::Shopify(shopify) => shopify.cancel_as_merchant(id).expect("cancelled"),
        }
    }

    /// Whether the shop has the order cancelled.
    pub fn is_cancelled(&self, id: &str) -> bool {
        match self {
            ShopSim::Woo(woo) => woo
                .orders()
                .into_iter()
                .any(|o| o.id.to_string() == id && o.status == "cancelled"),
            ShopSim::Medusa(medusa) => medusa
                .orders()
                .into_iter()
                .any(|o| o.id == id && o.status == "canceled"),
            ShopSim::Magento(magento) => magento
                .orders()
                .into_iter()
                .any(|o| o.entity_id.to_string() == id && o.state == "canceled"),
            ShopSim::Shopify(shopify) => shopify
                .orders()
                .into_iter()
                .any(|o| o.id == id && o.cancelled_at.is_some()),
        }
    }

    /// Sets a product's stock.
    pub fn set_stock(&self, sku: &str, stock: i64) {
        match self {
            ShopSim::Woo(woo) => woo.set_stock(sku, Some(stock)),
            ShopSim::Medusa(medusa) => medusa.set_stock(sku, stock),
            ShopSim::Magento(magento) => magento.set_stock(sku, stock),
            ShopSim::Shopify(shopify) => shopify.set_stock(sku, stock),
        }
    }

    /// The shop acts on the next order creation but its answer is lost.
    pub fn lose_next_create_reply(&self) {
        match self {
            ShopSim::Woo(woo) => woo.inject_fault(WooEndpoint::CreateOrder, WooFault::LostReply, 1),
            ShopSim::Medusa(medusa) => medusa.inject_fault(
                MedusaEndpoint::CreateDraft,
                MedusaFault::LoseReplyAfterActing,
                1,
            ),
            ShopSim::Magento(magento) => magento.inject_fault(
                MagentoEndpoint::PlaceOrder,
                MagentoFault::LoseReplyAfterActing,
                1,
            ),
            ShopSim::Shopify(shopify) => shopify.inject_fault(
                ShopifyOperation::OrderCreate,
                ShopifyFault::LoseReplyAfterActing,
                1,
            ),
        }
    }

    /// Order creations asked of the shop.
    pub fn create_requests(&self) -> usize {
        match self {
            ShopSim::Woo(woo) => woo.create_requests(),
            ShopSim::Medusa(medusa) => medusa.requests(MedusaEndpoint::CreateDraft),
            ShopSim::Magento(magento) => magento.requests(MagentoEndpoint::PlaceOrder),
            ShopSim::Shopify(shopify) => shopify.requests(ShopifyOperation::OrderCreate),
        }
    }
}

/// bol.com and one webshop, the test's database, and the engine built from a real connection
/// file with a manual clock.
pub struct Pair {
    pub bol: BolSim,
    pub shop: ShopSim,
    pub db: TestDb,
    pub clock: ManualClock,
    pub store: Store,
    pub engine: ConnectionEngine,
    pub products: Vec<SimProduct>,
}

impl Drop for Pair {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            super::capture::assert_no_secrets();
        }
    }
}

impl Pair {
    /// bol.com with a `webshop` of that kind selling the catalogue, 10 of each; `extra` TOML
    /// appended to the connection.
    pub async fn start(db: TestDb, webshop: &str, extra: &str) -> Pair {
        super::capture::install();
        let bol = BolSim::start().await.expect("bol simulator");
        let products = catalogue();
        let shop = ShopSim::start(webshop, &products, 10).await;
        let connection = format!("{}\n{}\n{extra}\n", marketplace_toml(&bol), shop.section());
        let path = write_config(db.dir(), &db, CONNECTION, "", &connection);
        let config = Config::load(&path).expect("the connection file loads");
        let store = Store::open(&config.database_location())
            .await
            .expect("store");
        let clock = ManualClock::new(Utc::now());
        store
            .ensure_connection(CONNECTION, "bol", webshop, 0)
            .await
            .expect("connection recorded");
        let engine =
            build_engine(&config.connections[0], &store, Arc::new(clock.clone())).expect("engine");
        Pair {
            bol,
            shop,
            db,
            clock,
            store,
            engine,
            products,
        }
    }

    /// Runs import, track, ship and cancel `n` times.
    pub async fn cycles(&self, n: usize) {
        for _ in 0..n {
            self.engine.run_import().await.expect("import");
            self.engine.run_track().await.expect("track");
            self.engine.run_ship().await.expect("ship");
            self.engine.run_cancel().await.expect("cancel");
        }
    }

    /// The stored order of a bol order id.
    pub async fn order(&self, marketplace_order_id: &str) -> OrderRecord {
        self.store
            .orders(&OrderFilter::default())
            .await
            .expect("orders")
            .into_iter()
            .find(|o| o.marketplace_order_id.as_str() == marketplace_order_id)
            .unwrap_or_else(|| panic!("order {marketplace_order_id} not recorded"))
    }

    /// Places a simple one-line NL order.
    pub fn place(&self, product_idx: usize, quantity: u32) -> String {
        self.bol.add_order(SimOrder::nl(vec![line(
            &self.products[product_idx],
            quantity,
        )]))
    }
}

/// Runs test bodies for every webshop kind on both backends: for each
/// `async fn name(db: TestDb, webshop: &str)` named, the tests `name::<webshop>::sqlite` and
/// `name::<webshop>::postgres`.
#[macro_export]
macro_rules! every_pair {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                $crate::every_pair!(@shop $name, woocommerce);
                $crate::every_pair!(@shop $name, medusa);
                $crate::every_pair!(@shop $name, magento);
                $crate::every_pair!(@shop $name, shopify);
            }
        )+
    };
    (@shop $name:ident, $shop:ident) => {
        mod $shop {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::super::$name(
                    $crate::common::db::TestDb::sqlite().await,
                    stringify!($shop),
                )
                .await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) =
                    $crate::common::db::TestDb::new($crate::common::db::Backend::Postgres).await
                {
                    super::super::$name(db, stringify!($shop)).await;
                }
            }
        }
    };
}
