//! The demo's webshop: the simulator of the kind chosen with `--webshop` (WooCommerce, Medusa,
//! Magento, Shopify), behind the few things
//! the demo's merchant does with it (stock the catalogue, work through new orders, ship or
//! cancel them, add a missing product) and the connection file's `[webshop]` section.

use orderbridge_bol::sim::SimProduct;
use orderbridge_magento::sim::MagentoSim;
use orderbridge_medusa::sim::MedusaSim;
use orderbridge_shopify::sim::ShopifySim;
use orderbridge_woocommerce::sim::{SimTaxSettings, WooSim};

/// The webshop kinds the demo can play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WebshopChoice {
    /// WooCommerce (REST API v3), a Dutch shop that adds VAT.
    Woocommerce,
    /// Medusa 2 (Admin API), EUR prices including VAT.
    Medusa,
    /// Magento 2 (REST API), catalogue prices including VAT.
    Magento,
    /// Shopify (GraphQL Admin API).
    Shopify,
}

/// A running simulated webshop.
pub enum DemoShop {
    /// WooCommerce.
    Woo(WooSim),
    /// Medusa 2.
    Medusa(MedusaSim),
    /// Magento 2.
    Magento(MagentoSim),
    /// Shopify.
    Shopify(ShopifySim),
}

impl DemoShop {
    /// Starts the chosen shop selling `products` (stock 20, 21, … items).
    pub async fn start(choice: WebshopChoice, products: &[SimProduct]) -> std::io::Result<Self> {
        Ok(match choice {
            WebshopChoice::Woocommerce => {
                let woo = WooSim::start().await?;
                for (idx, product) in products.iter().enumerate() {
                    woo.add_product(
                        &product.sku,
                        Some(&product.ean),
                        &product.title,
                        product.price_cents,
                        Some(20 + idx as i64),
                    );
                    // Tea is food: the reduced VAT rate (9 % NL, 6 % BE).
                    if product.sku.starts_with("TEA-") {
                        woo.set_product_tax(&product.sku, "taxable", "reduced-rate");
                    }
                }
                // A Dutch shop that adds VAT to the amounts it is sent, as most do.
                woo.set_taxes(SimTaxSettings::dutch_shop());
                DemoShop::Woo(woo)
            }
            WebshopChoice::Medusa => {
                let medusa = MedusaSim::start().await?;
                // As the README asks of a Medusa store: EUR prices include VAT.
                medusa.set_prices_include_tax(true);
                for (idx, product) in products.iter().enumerate() {
                    medusa.add_variant(
                        &product.sku,
                        Some(&product.ean),
                        product.price_cents,
                        Some(20 + idx as i64),
                    );
                }
                DemoShop::Medusa(medusa)
            }
            WebshopChoice::Magento => {
                let magento = MagentoSim::start().await?;
                for (idx, product) in products.iter().enumerate() {
                    magento.add_product(&product.sku, product.price_cents, 20 + idx as i64, true);
                }
                DemoShop::Magento(magento)
            }
            WebshopChoice::Shopify => {
                let shopify = ShopifySim::start().await?;
                // The demo polls every second; Shopify's real cost bucket (1,000 points, 50 a
                // second) would make it wait for points most of the time. Real connections
                // poll every few minutes.
                shopify.set_bucket(100_000.0, 100_000.0);
                for (idx, product) in products.iter().enumerate() {
                    shopify.add_variant(
                        &product.sku,
                        Some(&product.ean),
                        product.price_cents,
                        Some(20 + idx as i64),
                    );
                }
                DemoShop::Shopify(shopify)
            }
        })
    }

    /// The shop's name for people.
    pub fn label(&self) -> &'static str {
        match self {
            DemoShop::Woo(_) => "WooCommerce",
            DemoShop::Medusa(_) => "Medusa",
            DemoShop::Magento(_) => "Magento",
            DemoShop::Shopify(_) => "Shopify",
        }
    }

    /// Where the simulator listens.
    pub fn base_url(&self) -> String {
        match self {
            DemoShop::Woo(woo) => woo.base_url(),
            DemoShop::Medusa(medusa) => medusa.base_url(),
            DemoShop::Magento(magento) => magento.base_url(),
            DemoShop::Shopify(shopify) => shopify.base_url(),
        }
    }

    /// The connection file's `[webshop]` section.
    pub fn section(&self) -> String {
        match self {
            DemoShop::Woo(woo) => format!(
                "[webshop]\nkind = \"woocommerce\"\nbase_url = \"{}\"\nconsumer_key = \"{}\"\n\
                 consumer_secret = \"{}\"\ntimeout_secs = 5\n\
                 rate_limit = {{ requests = 1000, per_secs = 1.0 }}\n",
                woo.base_url(),
                WooSim::CONSUMER_KEY,
                WooSim::CONSUMER_SECRET
            ),
            DemoShop::Medusa(medusa) => {
                let setup = medusa.setup();
                format!(
                    "[webshop]\nkind = \"medusa\"\nbase_url = \"{}\"\napi_key = \"{}\"\n\
                     region_id = \"{}\"\nsales_channel_id = \"{}\"\nshipping_option_id = \"{}\"\n\
                     stock_location_id = \"{}\"\ntimeout_secs = 5\n\
                     rate_limit = {{ requests = 1000, per_secs = 1.0 }}\n",
                    medusa.base_url(),
                    MedusaSim::API_KEY,
                    setup.region_id,
                    setup.sales_channel_id,
                    setup.shipping_option_id,
                    setup.stock_location_id
                )
            }
            DemoShop::Magento(magento) => format!(
                "[webshop]\nkind = \"magento\"\nbase_url = \"{}\"\naccess_token = \"{}\"\n\
                 timeout_secs = 5\nrate_limit = {{ requests = 1000, per_secs = 1.0 }}\n",
                magento.base_url(),
                MagentoSim::ACCESS_TOKEN
            ),
            DemoShop::Shopify(shopify) => format!(
                "[webshop]\nkind = \"shopify\"\nshop_domain = \"{}\"\naccess_token = \"{}\"\n\
                 location_id = \"{}\"\napi_base = \"{}\"\ntimeout_secs = 5\n\
                 rate_limit = {{ requests = 1000, per_secs = 1.0 }}\n",
                ShopifySim::SHOP_DOMAIN,
                ShopifySim::ACCESS_TOKEN,
                ShopifySim::LOCATION_ID,
                shopify.base_url()
            ),
        }
    }

    /// Ids of the orders waiting for the merchant (paid, not yet shipped or cancelled), oldest
    /// first.
    pub fn open_orders(&self) -> Vec<String> {
        match self {
            DemoShop::Woo(woo) => {
                let mut open: Vec<u64> = woo
                    .orders()
                    .into_iter()
                    .filter(|o| o.status == "processing")
                    .map(|o| o.id)
                    .collect();
                open.sort_unstable();
                open.into_iter().map(|id| id.to_string()).collect()
            }
            DemoShop::Medusa(medusa) => medusa
                .orders()
                .into_iter()
                .filter(|o| o.status == "pending" && o.fulfillments.is_empty())
                .map(|o| o.id)
                .collect(),
            DemoShop::Magento(magento) => magento
                .orders()
                .into_iter()
                .filter(|o| o.state == "new" || o.state == "processing")
                .filter(|o| o.items.iter().all(|i| i.qty_shipped == 0))
                .map(|o| o.entity_id.to_string())
                .collect(),
            DemoShop::Shopify(shopify) => shopify
                .orders()
                .into_iter()
                .filter(|o| o.cancelled_at.is_none() && o.fulfillments.is_empty())
                .map(|o| o.id)
                .collect(),
        }
    }

    /// The merchant ships the order, with a T&T entry (carrier, code) or none.
    pub fn ship(&self, id: &str, tracking: Option<(&str, &str)>) {
        match self {
            DemoShop::Woo(woo) => {
                if let Ok(id) = id.parse() {
                    woo.complete_order(id, tracking);
                }
            }
            // Medusa's labels have no carrier: orderbridge detects it from the code.
            DemoShop::Medusa(medusa) => {
                let codes: Vec<&str> = tracking.map(|(_, code)| code).into_iter().collect();
                if let Err(e) = medusa.ship(id, &codes) {
                    println!("Medusa refused the shipment of {id}: {e}");
                }
            }
            DemoShop::Magento(magento) => {
                let (title, code) = tracking.unwrap_or(("", ""));
                let shipped = id
                    .parse()
                    .map_err(|e| format!("{e}"))
                    .and_then(|id| magento.ship(id, "custom", title, code));
                if let Err(e) = shipped {
                    println!("Magento refused the shipment of {id}: {e}");
                }
            }
            DemoShop::Shopify(shopify) => {
                let (company, code) = tracking.unwrap_or(("", ""));
                let company = Some(company).filter(|c| !c.is_empty());
                if let Err(e) = shopify.fulfil(id, company, code) {
                    println!("Shopify refused the fulfilment of {id}: {e}");
                }
            }
        }
    }

    /// The merchant cancels the order in the webshop.
    pub fn cancel(&self, id: &str) {
        match self {
            DemoShop::Woo(woo) => {
                if let Ok(id) = id.parse() {
                    woo.cancel_order(id);
                }
            }
            DemoShop::Medusa(medusa) => {
                if let Err(e) = medusa.cancel(id) {
                    println!("Medusa refused to cancel {id}: {e}");
                }
            }
            DemoShop::Magento(magento) => {
                let cancelled = id
                    .parse()
                    .map_err(|e| format!("{e}"))
                    .and_then(|id| magento.cancel(id));
                if let Err(e) = cancelled {
                    println!("Magento refused to cancel {id}: {e}");
                }
            }
            DemoShop::Shopify(shopify) => {
                if let Err(e) = shopify.cancel_as_merchant(id) {
                    println!("Shopify refused to cancel {id}: {e}");
                }
            }
        }
    }

    /// The merchant adds a product the shop lacked.
    pub fn add_product(&self, sku: &str, ean: &str, title: &str, price_cents: i64, stock: i64) {
        match self {
            DemoShop::Woo(woo) => {
                woo.add_product(sku, Some(ean), title, price_cents, Some(stock));
            }
            DemoShop::Medusa(medusa) => {
                medusa.add_variant(sku, Some(ean), price_cents, Some(stock));
            }
            DemoShop::Magento(magento) => magento.add_product(sku, price_cents, stock, true),
            DemoShop::Shopify(shopify) => {
                shopify.add_variant(sku, Some(ean), price_cents, Some(stock));
            }
        }
    }
}
