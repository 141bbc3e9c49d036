//! The world around the daemon in the long end-to-end tests (chaos, several instances): what
//! buyers and the merchant do with each order, and the invariants the simulators' own state
//! must show at the end.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use orderbridge_bol::sim::{BolSim, SimOrder, SimProduct};
use orderbridge_woocommerce::sim::WooSim;
use rand::rngs::StdRng;
use rand::Rng;

/// What the buyer and the merchant do with each order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Completed in the webshop with a T&T code.
    ShipWithCode,
    /// Completed without one: shipped after the T&T wait.
    ShipWithoutCode,
    /// The buyer cancels before the order is imported.
    BuyerCancelsAtOnce,
    /// The buyer cancels once the order is in the webshop.
    BuyerCancelsLater,
    /// The merchant cancels in the webshop.
    MerchantCancels,
}

pub fn fate(rng: &mut StdRng) -> Fate {
    match rng.random_range(0..100) {
        0..=69 => Fate::ShipWithCode,
        70..=81 => Fate::ShipWithoutCode,
        82..=87 => Fate::BuyerCancelsAtOnce,
        88..=93 => Fate::BuyerCancelsLater,
        _ => Fate::MerchantCancels,
    }
}

pub struct World {
    pub bol: BolSim,
    pub woo: WooSim,
    pub fates: HashMap<String, Fate>,
    pub handled: HashSet<u64>,
}

impl World {
    /// The merchant and the buyers act on webshop orders that appeared.
    pub fn act(&mut self) {
        for order in self.woo.orders() {
            if order.status != "processing" || self.handled.contains(&order.id) {
                continue;
            }
            let Some(marketplace_id) = order
                .meta_str("_orderbridge_marketplace_order_id")
                .map(str::to_owned)
            else {
                continue;
            };
            self.handled.insert(order.id);
            match self.fates.get(&marketplace_id) {
                Some(Fate::ShipWithCode) => {
                    let code = format!("3SCHAO{:07}", order.id);
                    self.woo.complete_order(order.id, Some(("PostNL", &code)));
                }
                Some(Fate::ShipWithoutCode) => self.woo.complete_order(order.id, None),
                Some(Fate::BuyerCancelsLater) => self.bol.request_cancellation(&marketplace_id),
                Some(Fate::MerchantCancels) => self.woo.cancel_order(order.id),
                Some(Fate::BuyerCancelsAtOnce) | None => {}
            }
        }
    }

    /// Whether every order reached its end on the marketplace.
    pub fn settled(&self) -> bool {
        self.fates.keys().all(|id| {
            self.bol.order(id).is_some_and(|o| {
                o.items
                    .iter()
                    .all(|i| i.quantity_shipped + i.quantity_cancelled == i.quantity)
            })
        })
    }
}

impl World {
    /// A world over the simulators, with no orders yet.
    pub fn new(bol: &BolSim, woo: &WooSim) -> World {
        World {
            bol: bol.clone(),
            woo: woo.clone(),
            fates: HashMap::new(),
            handled: HashSet::new(),
        }
    }

    /// A buyer places order number `idx` (a sample drawn from `seed`) with a random fate.
    pub fn place(&mut self, rng: &mut StdRng, seed: u64, idx: usize, products: &[SimProduct]) {
        let id = self.bol.add_order(SimOrder::sample(
            seed.wrapping_mul(1_000_003) + idx as u64,
            products,
        ));
        let fate = fate(rng);
        if fate == Fate::BuyerCancelsAtOnce {
            self.bol.request_cancellation(&id);
        }
        self.fates.insert(id, fate);
    }

    /// The orders not at their end on the marketplace.
    pub fn unsettled(&self) -> Vec<(&String, &Fate)> {
        self.fates
            .iter()
            .filter(|(id, _)| {
                !self.bol.order(id).is_some_and(|o| {
                    o.items
                        .iter()
                        .all(|i| i.quantity_shipped + i.quantity_cancelled == i.quantity)
                })
            })
            .collect()
    }
}

/// Checks, on the simulators' state and the CLI's order list, that every order is in the
/// webshop exactly once (none when cancelled before import), shipped at most once, cancelled at
/// most once per item, carried to its end on both sides, and recorded in a final status.
pub fn check_invariants(world: &World, config: &Path) {
    let (bol, woo) = (&world.bol, &world.woo);
    let shipments = bol.shipments();
    let cancellations = bol.cancellations();
    for (id, fate) in &world.fates {
        let view = bol.order(id).unwrap();
        let in_webshop = woo.orders_with_marketplace_order(id);
        match fate {
            Fate::BuyerCancelsAtOnce => assert!(
                in_webshop.is_empty(),
                "order {id} cancelled before import reached the webshop"
            ),
            _ => assert_eq!(
                in_webshop.len(),
                1,
                "order {id} is {} times in the webshop",
                in_webshop.len()
            ),
        }
        let n_shipments = shipments.iter().filter(|s| &s.order_id == id).count();
        assert!(n_shipments <= 1, "order {id} shipped {n_shipments} times");
        for item in &view.items {
            let shipped: u32 = shipments
                .iter()
                .flat_map(|s| s.items.iter())
                .filter(|(item_id, _)| item_id == &item.order_item_id)
                .map(|(_, qty)| qty)
                .sum();
            let n_cancelled = cancellations
                .iter()
                .filter(|c| c.order_item_id == item.order_item_id)
                .count();
            assert!(
                shipped <= item.quantity,
                "item {} over-shipped",
                item.order_item_id
            );
            assert!(
                n_cancelled <= 1,
                "item {} cancelled {n_cancelled} times",
                item.order_item_id
            );
            assert_eq!(
                item.quantity_shipped + item.quantity_cancelled,
                item.quantity
            );
        }
        let webshop_status = in_webshop.first().map(|o| o.status.as_str());
        let all_shipped = view.items.iter().all(|i| i.quantity_shipped == i.quantity);
        let all_cancelled = view
            .items
            .iter()
            .all(|i| i.quantity_cancelled == i.quantity);
        match fate {
            Fate::ShipWithCode | Fate::ShipWithoutCode => {
                assert_eq!(webshop_status, Some("completed"));
                assert!(
                    all_shipped,
                    "completed webshop order {id} is shipped on bol"
                );
            }
            Fate::BuyerCancelsAtOnce => assert!(all_cancelled, "order {id} cancelled on bol"),
            Fate::BuyerCancelsLater | Fate::MerchantCancels => {
                assert!(all_cancelled, "order {id} cancelled on bol");
                assert_eq!(
                    webshop_status,
                    Some("cancelled"),
                    "order {id} cancelled in the webshop"
                );
            }
        }
    }
    assert_eq!(
        woo.orders().len(),
        world
            .fates
            .values()
            .filter(|f| **f != Fate::BuyerCancelsAtOnce)
            .count(),
        "no stray webshop orders"
    );
    let listed = Command::new(env!("CARGO_BIN_EXE_orderbridge"))
        .arg("--config")
        .arg(config)
        .args(["orders", "list", "--limit", "100000"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listed.stdout);
    let stuck: Vec<&str> = listing
        .lines()
        .skip(2)
        .filter(|l| !l.contains(" shipped ") && !l.contains(" cancelled "))
        .collect();
    assert!(
        stuck.is_empty(),
        "orders not in a final status:\n{}",
        stuck.join("\n")
    );
    assert_eq!(
        listing.lines().skip(2).count(),
        world.fates.len(),
        "every order recorded"
    );
}
