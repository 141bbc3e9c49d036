//! How the simulated shop changes, apart from order creation (`create.rs`) and metafield
//! definitions (`definitions.rs`): orders listed with Shopify's search (over the search
//! index, `index.rs`, which may lag behind) and cursor paging, read by id, cancelled in a job
//! that runs before the shop's next request (refused once fulfilled or cancelled; restocked),
//! fulfilled and cancelled by the merchant, variants searched by SKU or barcode, and access
//! tokens issued by the client-credentials grant. Every change to an order is recorded in the
//! search index (`reindex`).

use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::cost::Bucket;
use super::faults::FaultPlan;
use super::index::{Indexed, SearchIndex};
use super::model::{SimFulfillment, SimMetafieldDefinition, SimOrder, SimVariant};
use super::search::{self, Comparison, Term};

/// The location the shop's stock is at.
pub(crate) const LOCATION_ID: &str = "gid://shopify/Location/1001";

/// Everything the shop holds.
#[derive(Debug)]
pub(crate) struct SimState {
    pub variants: Vec<SimVariant>,
    pub orders: Vec<SimOrder>,
    pub definitions: Vec<SimMetafieldDefinition>,
    /// What `orders(query:)` searches.
    pub index: SearchIndex,
    /// How far the shop's clock is ahead of the real one (tests move it on).
    pub clock_offset: Duration,
    pub faults: FaultPlan,
    pub bucket: Bucket,
    /// Issued tokens and when they expire.
    pub tokens: Vec<(String, Instant)>,
    /// Lifetime of issued tokens.
    pub token_lifetime: StdDuration,
    /// Replies answered `THROTTLED` because the bucket was short (faults not counted).
    pub throttled: usize,
    /// Orders whose cancel job has not run yet, with the job's arguments.
    pending_cancels: Vec<(String, Value)>,
    next_id: u64,
    last_time: DateTime<Utc>,
}

/// A user error: `field` path and message.
pub(crate) fn user_error(field: &[&str], message: impl Into<String>) -> Value {
    json!({ "field": field, "message": message.into(), "code": "INVALID" })
}

impl SimState {
    pub(crate) fn new() -> Self {
        Self {
            variants: Vec::new(),
            orders: Vec::new(),
            definitions: Vec::new(),
            index: SearchIndex::default(),
            clock_offset: Duration::zero(),
            faults: FaultPlan::default(),
            bucket: Bucket::new(1000.0, 50.0),
            tokens: Vec::new(),
            token_lifetime: StdDuration::from_secs(86_399),
            throttled: 0,
            pending_cancels: Vec::new(),
            next_id: 0,
            last_time: Utc::now() - Duration::seconds(1),
        }
    }

    /// A new numeric id.
    pub(crate) fn id(&mut self) -> u64 {
        self.next_id += 1;
        5_500_000_000 + self.next_id
    }

    /// The shop's clock in whole milliseconds: now (plus the offset tests set), but always at
    /// least a millisecond after the last time handed out (two changes never share a cursor
    /// position).
    pub(crate) fn tick(&mut self) -> DateTime<Utc> {
        let now = Utc::now() + self.clock_offset;
        let now = DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
        let time = if now > self.last_time {
            now
        } else {
            self.last_time + Duration::milliseconds(1)
        };
        self.last_time = time;
        time
    }

    /// Issues an access token.
    pub(crate) fn issue_token(&mut self) -> Value {
        let token = format!("shpat_sim_cc_{:012}", self.id());
        self.tokens
            .push((token.clone(), Instant::now() + self.token_lifetime));
        json!({
            "access_token": token,
            "scope": "read_orders,write_orders,read_products,read_inventory",
            "expires_in": self.token_lifetime.as_secs(),
        })
    }

    /// Whether `token` is an issued token that has not expired.
    pub(crate) fn token_valid(&self, token: &str) -> bool {
        let now = Instant::now();
        self.tokens
            .iter()
            .any(|(t, until)| t == token && now < *until)
    }

    /// Runs the cancel jobs queued by earlier requests.
    pub(crate) fn run_jobs(&mut self) {
        for (id, arguments) in std::mem::take(&mut self.pending_cancels) {
            let time = self.tick();
            let Some(idx) = self.orders.iter().position(|o| o.id == id) else {
                continue;
            };
            let restock = arguments["restock"].as_bool().unwrap_or(false);
            let lines = self.orders[idx].lines.clone();
            if restock {
                for line in &lines {
                    if let Some(v) = self
                        .variants
                        .iter_mut()
                        .find(|v| v.id == line.variant_id && v.tracked)
                    {
                        v.available += line.quantity;
                    }
                }
            }
            let order = &mut self.orders[idx];
            order.cancelled_at = Some(time);
            order.updated_at = time;
            order.cancel_arguments = Some(arguments);
            self.reindex(&id);
        }
    }

    /// Records order `id` as it is now in the search index.
    pub(crate) fn reindex(&mut self, id: &str) {
        let Some(order) = self.orders.iter().find(|o| o.id == id) else {
            return;
        };
        let indexed = Indexed {
            created_at: order.created_at,
            updated_at: order.updated_at,
            source_identifier: order.source_identifier.clone(),
        };
        self.index.record(id, indexed, Instant::now());
    }

    pub(crate) fn order_mut(&mut self, id: &str) -> Option<&mut SimOrder> {
        self.orders.iter_mut().find(|o| o.id == id)
    }

    /// `orderCancel`: queues the job, or the user errors Shopify answers.
    pub(crate) fn order_cancel(&mut self, variables: &Value) -> Value {
        let id = variables["orderId"].as_str().unwrap_or_default().to_owned();
        let errors = match self.orders.iter().find(|o| o.id == id) {
            None => vec![user_error(&["orderId"], "Order does not exist")],
            Some(o) if o.cancelled_at.is_some() => {
                vec![user_error(&["orderId"], "Order has already been cancelled")]
            }
            Some(o) if o.display_fulfillment_status() != "UNFULFILLED" => vec![user_error(
                &["orderId"],
                "Cannot cancel an order that has fulfillments",
            )],
            Some(_) => Vec::new(),
        };
        if !errors.is_empty() {
            return json!({ "job": null, "orderCancelUserErrors": errors });
        }
        let job = format!("gid://shopify/Job/{}", self.id());
        self.pending_cancels.push((id, variables.clone()));
        json!({ "job": { "id": job, "done": false }, "orderCancelUserErrors": [] })
    }

    /// The merchant fulfils the whole order with one tracking number.
    pub(crate) fn fulfil(
        &mut self,
        id: &str,
        company: Option<&str>,
        number: &str,
    ) -> Result<(), String> {
        let time = self.tick();
        let order = self.order_mut(id).ok_or_else(|| format!("no order {id}"))?;
        if order.cancelled_at.is_some() {
            return Err(format!("order {id} is cancelled"));
        }
        order.fulfillments.push(SimFulfillment {
            status: "SUCCESS".into(),
            created_at: time,
            company: company.map(str::to_owned),
            number: Some(number.to_owned()),
        });
        order.updated_at = time;
        self.reindex(id);
        Ok(())
    }

    /// The merchant cancels the order in the admin (at once, like the job would).
    pub(crate) fn cancel_as_merchant(&mut self, id: &str) -> Result<(), String> {
        let answer = self.order_cancel(&json!({ "orderId": id, "restock": true }));
        if let Some(error) = answer["orderCancelUserErrors"][0]["message"].as_str() {
            return Err(error.to_owned());
        }
        self.run_jobs();
        Ok(())
    }

    /// Orders matching `query` in the search index, sorted by `sort_key` as indexed, the page
    /// after `after`. The orders themselves are answered as they are now.
    pub(crate) fn order_page(
        &mut self,
        query: &str,
        sort_key: &str,
        first: usize,
        after: Option<&str>,
    ) -> (Vec<&SimOrder>, bool, Option<String>) {
        self.index.begin_search(Instant::now());
        let search = search::parse(query);
        let index = &self.index;
        let mut matching: Vec<(&SimOrder, (i64, String))> = self
            .orders
            .iter()
            .filter_map(|o| {
                let indexed = index.visible(&o.id)?;
                let time = if sort_key == "UPDATED_AT" {
                    indexed.updated_at
                } else {
                    indexed.created_at
                };
                search
                    .matches(|term| order_term(indexed, term))
                    .then(|| (o, (time.timestamp_millis(), o.id.clone())))
            })
            .collect();
        matching.sort_by(|a, b| a.1.cmp(&b.1));
        let after = after.and_then(parse_cursor);
        let rest: Vec<(&SimOrder, (i64, String))> = matching
            .into_iter()
            .filter(|(_, sort)| after.as_ref().is_none_or(|a| sort > a))
            .collect();
        let more = rest.len() > first;
        let page: Vec<(&SimOrder, (i64, String))> = rest.into_iter().take(first).collect();
        let cursor = page
            .last()
            .map(|(_, (millis, id))| format!("cursor:{millis}:{id}"));
        (page.into_iter().map(|(o, _)| o).collect(), more, cursor)
    }

    /// Variants matching `query` (`sku:` and `barcode:` terms).
    pub(crate) fn variant_search(&self, query: &str, first: usize) -> Vec<&SimVariant> {
        let search = search::parse(query);
        self.variants
            .iter()
            .filter(|v| {
                search.matches(|term| match term.field.as_str() {
                    "sku" => Some(v.sku == term.value),
                    "barcode" => Some(v.barcode.as_deref() == Some(term.value.as_str())),
                    _ => None,
                })
            })
            .take(first)
            .collect()
    }
}

fn parse_cursor(cursor: &str) -> Option<(i64, String)> {
    let rest = cursor.strip_prefix("cursor:")?;
    let (millis, id) = rest.split_once(':')?;
    Some((millis.parse().ok()?, id.to_owned()))
}

fn compare_time(time: DateTime<Utc>, term: &Term) -> bool {
    let Ok(bound) = DateTime::parse_from_rfc3339(&term.value) else {
        return false;
    };
    match term.comparison {
        Comparison::AtLeast => time >= bound,
        Comparison::After => time > bound,
        Comparison::Equals => time == bound,
    }
}

/// How an order, as indexed, answers one search term (`None`: a field the orders search
/// ignores here).
fn order_term(order: &Indexed, term: &Term) -> Option<bool> {
    match term.field.as_str() {
        "source_identifier" => {
            Some(order.source_identifier.as_deref() == Some(term.value.as_str()))
        }
        "created_at" => Some(compare_time(order.created_at, term)),
        "updated_at" => Some(compare_time(order.updated_at, term)),
        _ => None,
    }
}
