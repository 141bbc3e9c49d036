//! The simulated bol account: orders and their items, raw orders, offers, issued tokens, the
//! fault plan and quirks, and the records the tests read back (applied shipments,
//! cancellations, stock updates, labels bought). Processes live in `processes.rs`, labels in
//! `labels.rs`; HTTP is in `api.rs` and `control.rs`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::faults::{BolFaults, SimQuirks};
use super::labels::{LabelOfferRecord, LabelRecord};
use super::model::{SimCancellation, SimItemView, SimOrder, SimOrderView, SimShipment};
use super::processes::ProcessRecord;
use super::raw_orders::RawOrder;

/// How long issued tokens live, as bol's do.
pub(crate) const TOKEN_LIFETIME_SECS: u64 = 299;

pub(crate) struct ItemRecord {
    pub order_item_id: String,
    pub ean: String,
    pub reference: Option<String>,
    pub title: String,
    pub quantity: u32,
    pub unit_price_cents: i64,
    pub quantity_shipped: u32,
    pub quantity_cancelled: u32,
    pub cancellation_request: bool,
    pub latest_change: DateTime<Utc>,
    /// Fulfilled by bol (FBB): bol ships it, the merchant may neither ship nor cancel it.
    pub fulfilled_by_bol: bool,
    /// "Verzenden via bol": ships only with a bol shipping label.
    pub via_bol: bool,
}

impl ItemRecord {
    /// Items neither shipped nor cancelled.
    pub fn open_quantity(&self) -> u32 {
        self.quantity
            .saturating_sub(self.quantity_shipped)
            .saturating_sub(self.quantity_cancelled)
    }
}

pub(crate) struct OrderRecord {
    pub order_id: String,
    pub placed_at: DateTime<Utc>,
    pub order: SimOrder,
    pub items: Vec<ItemRecord>,
}

pub(crate) struct OfferRecord {
    pub offer_id: String,
    pub reference: String,
    pub ean: String,
    pub stock: u32,
    pub mutated_at: DateTime<Utc>,
}

/// Everything the simulated bol knows. Always used under the simulator's mutex, never across
/// an `.await`.
pub(crate) struct State {
    pub base_url: String,
    next_number: u64,
    pub orders: Vec<OrderRecord>,
    pub offers: Vec<OfferRecord>,
    pub processes: Vec<ProcessRecord>,
    pub shipments: Vec<SimShipment>,
    pub shipment_requests: usize,
    pub cancellations: Vec<SimCancellation>,
    pub cancellation_requests: usize,
    pub stock_updates: Vec<(String, u32)>,
    pub stock_update_requests: usize,
    /// `POST /retailer/offers/export` requests accepted.
    pub offer_export_requests: usize,
    /// Delivery options quoted (`labels.rs`).
    pub label_offers: Vec<LabelOfferRecord>,
    /// Shipping labels bought, each one charged.
    pub labels: Vec<LabelRecord>,
    /// `POST /retailer/shipping-labels` requests processed.
    pub label_purchase_requests: usize,
    pub pending_reads: u32,
    pub exports: HashMap<String, String>,
    pub faults: BolFaults,
    pub quirks: SimQuirks,
    /// Orders whose details are served verbatim (the bad-input corpus).
    pub raw_orders: Vec<RawOrder>,
    /// Order ids the open-orders list shows twice.
    pub listed_twice: Vec<String>,
    tokens: HashMap<String, Instant>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl State {
    pub fn new(base_url: String) -> Self {
        Self {
            base_url,
            next_number: 0,
            orders: Vec::new(),
            offers: Vec::new(),
            processes: Vec::new(),
            shipments: Vec::new(),
            shipment_requests: 0,
            cancellations: Vec::new(),
            cancellation_requests: 0,
            stock_update_requests: 0,
            offer_export_requests: 0,
            label_offers: Vec::new(),
            labels: Vec::new(),
            label_purchase_requests: 0,
            stock_updates: Vec::new(),
            pending_reads: 1,
            exports: HashMap::new(),
            faults: BolFaults::new(),
            quirks: SimQuirks::default(),
            raw_orders: Vec::new(),
            listed_twice: Vec::new(),
            tokens: HashMap::new(),
        }
    }

    /// The next number of the simulator's one counter (every id and code is made from it).
    pub fn next(&mut self) -> u64 {
        self.next_number += 1;
        self.next_number
    }

    /// A fresh numeric id in the style of bol's order, item and process ids.
    pub fn numeric_id(&mut self, prefix_digit: u64) -> String {
        (prefix_digit * 1_000_000_000 + self.next()).to_string()
    }

    /// A fresh id in UUID form (offers, reports).
    pub fn uuid_like_id(&mut self) -> String {
        let n = self.next();
        let mix = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            mix >> 32,
            (mix >> 16) & 0xffff,
            mix & 0xfff,
            (mix >> 12) & 0xfff,
            n
        )
    }

    pub fn add_order(&mut self, order: SimOrder) -> String {
        let order_id = self.numeric_id(1);
        let now = Utc::now();
        let items = order
            .lines
            .iter()
            .enumerate()
            .map(|(line_idx, line)| ItemRecord {
                order_item_id: self.numeric_id(2),
                ean: line.ean.clone(),
                reference: line.reference.clone(),
                title: line.title.clone(),
                quantity: line.quantity,
                unit_price_cents: line.unit_price_cents,
                quantity_shipped: 0,
                quantity_cancelled: 0,
                cancellation_request: false,
                latest_change: now,
                fulfilled_by_bol: order.fulfilled_by_bol || order.fbb_lines.contains(&line_idx),
                via_bol: order.via_bol_lines.contains(&line_idx),
            })
            .collect();
        self.orders.push(OrderRecord {
            order_id: order_id.clone(),
            placed_at: now,
            order,
            items,
        });
        order_id
    }

    pub fn order_mut(&mut self, order_id: &str) -> Option<&mut OrderRecord> {
        self.orders.iter_mut().find(|o| o.order_id == order_id)
    }

    /// The order holding an item, and the item's index in it.
    pub fn find_item(&self, order_item_id: &str) -> Option<(usize, usize)> {
        self.orders
            .iter()
            .enumerate()
            .find_map(|(order_idx, order)| {
                order
                    .items
                    .iter()
                    .position(|item| item.order_item_id == order_item_id)
                    .map(|item_idx| (order_idx, item_idx))
            })
    }

    /// The buyer asks to cancel every open item. False when the order is unknown.
    pub fn request_cancellation(&mut self, order_id: &str) -> bool {
        let Some(order) = self.order_mut(order_id) else {
            return false;
        };
        for item in order.items.iter_mut().filter(|i| i.open_quantity() > 0) {
            item.cancellation_request = true;
            item.latest_change = Utc::now();
        }
        true
    }

    /// bol cancels every open item. False when the order is unknown.
    pub fn cancel_by_bol(&mut self, order_id: &str) -> bool {
        let Some(order) = self.order_mut(order_id) else {
            return false;
        };
        for item in order.items.iter_mut() {
            item.quantity_cancelled += item.open_quantity();
            item.latest_change = Utc::now();
        }
        true
    }

    /// The merchant ships an item's open quantity in the seller dashboard (no API request, no
    /// process). False when the item is unknown.
    pub fn ship_in_seller_dashboard(&mut self, order_item_id: &str) -> bool {
        let Some((order_idx, item_idx)) = self.find_item(order_item_id) else {
            return false;
        };
        let item = &mut self.orders[order_idx].items[item_idx];
        item.quantity_shipped += item.open_quantity();
        item.latest_change = Utc::now();
        true
    }

    pub fn order_view(&self, order_id: &str) -> Option<SimOrderView> {
        self.orders
            .iter()
            .find(|o| o.order_id == order_id)
            .map(order_view)
    }

    pub fn order_views(&self) -> Vec<SimOrderView> {
        self.orders.iter().map(order_view).collect()
    }

    pub fn add_offer(&mut self, reference: &str, ean: &str, stock: u32) -> String {
        let offer_id = self.uuid_like_id();
        self.offers.push(OfferRecord {
            offer_id: offer_id.clone(),
            reference: reference.to_owned(),
            ean: ean.to_owned(),
            stock,
            mutated_at: Utc::now(),
        });
        offer_id
    }

    pub fn offer_mut(&mut self, offer_id: &str) -> Option<&mut OfferRecord> {
        self.offers.iter_mut().find(|o| o.offer_id == offer_id)
    }

    pub fn issue_token(&mut self) -> String {
        let token: String = (0..4)
            .map(|_| format!("{:016x}", rand::random::<u64>()))
            .collect();
        let now = Instant::now();
        self.tokens.retain(|_, expires| *expires > now);
        self.tokens.insert(
            token.clone(),
            now + Duration::from_secs(TOKEN_LIFETIME_SECS),
        );
        token
    }

    pub fn token_is_valid(&self, token: &str) -> bool {
        self.tokens
            .get(token)
            .is_some_and(|expires| *expires > Instant::now())
    }
}

fn order_view(order: &OrderRecord) -> SimOrderView {
    SimOrderView {
        order_id: order.order_id.clone(),
        items: order
            .items
            .iter()
            .map(|item| SimItemView {
                order_item_id: item.order_item_id.clone(),
                ean: item.ean.clone(),
                reference: item.reference.clone(),
                quantity: item.quantity,
                quantity_shipped: item.quantity_shipped,
                quantity_cancelled: item.quantity_cancelled,
                cancellation_request: item.cancellation_request,
            })
            .collect(),
    }
}
