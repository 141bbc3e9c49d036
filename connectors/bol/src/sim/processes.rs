//! Simulated asynchronous processes. Every write starts one in `PENDING`; it answers
//! `PENDING` to the first `pending_reads` status reads, and on the next read applies its
//! effect and answers `SUCCESS`, or `FAILURE` with an error message when the effect no longer
//! fits (items already shipped or cancelled), in which case nothing is applied. Shipment and
//! cancellation processes can also be made to fail for no fault of the request (a rate, or
//! every process of one order item), as bol's do when a downstream service keeps failing.
//! A label purchase is decided when bol accepts it (the label is charged then, `labels.rs`);
//! its process only tells the outcome, naming the label in `entityId` once it succeeded.

use chrono::{DateTime, SecondsFormat, Utc};

use super::labels::LabelUse;
use super::model::{SimCancellation, SimShipment};
use super::quirks;
use super::state::State;
use crate::offer_export::{write_csv_record, OFFER_EXPORT_COLUMNS};
use crate::wire::{EventType, Link, ProcessStatus, ProcessStatusValue};

/// The error message of a process failed by [`super::BolSim::fail_processes_at_rate`] or
/// [`super::BolSim::fail_processes_of`]: bol's wording for such failures is not documented
/// (only that `errorMessage` explains a FAILURE); this one says the request itself was fine.
pub(crate) const TRANSIENT_FAILURE_MESSAGE: &str =
    "The request could not be processed by a downstream service after several attempts. Please try again later.";

/// What a process does when it resolves.
pub(crate) enum Effect {
    Shipment {
        order_id: String,
        /// Order item ids with the quantity asked (`None`: all still open).
        items: Vec<(String, Option<u32>)>,
        transporter_code: Option<String>,
        track_and_trace: Option<String>,
        /// The bol label named (`shippingLabelId`): transporter and code are then the label's.
        shipping_label_id: Option<String>,
    },
    /// A label purchase, decided when bol accepted it (`labels.rs`): the label bought, or why
    /// none was.
    ShippingLabel {
        outcome: Result<String, String>,
    },
    Cancellation {
        order_id: String,
        order_item_id: String,
        reason_code: String,
    },
    Stock {
        offer_id: String,
        amount: u32,
    },
    OfferExport,
}

pub(crate) struct ProcessRecord {
    pub id: String,
    pub entity_id: Option<String>,
    pub event_type: EventType,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub status: ProcessStatusValue,
    pub error_message: Option<String>,
    reads_left: u32,
    effect: Option<Effect>,
}

impl State {
    /// Starts a process and returns its status as the write answers it (PENDING).
    pub fn start_process(
        &mut self,
        event_type: EventType,
        entity_id: Option<String>,
        description: String,
        effect: Effect,
    ) -> ProcessStatus {
        let record = ProcessRecord {
            id: self.numeric_id(3),
            entity_id,
            event_type,
            description,
            created_at: Utc::now(),
            status: ProcessStatusValue::Pending,
            error_message: None,
            reads_left: self.pending_reads,
            effect: Some(effect),
        };
        let status = self.process_wire(&record);
        self.processes.push(record);
        status
    }

    /// Reads a process by index, advancing it as a status read does.
    pub fn read_process(&mut self, idx: usize) -> ProcessStatus {
        let record = &mut self.processes[idx];
        if record.status == ProcessStatusValue::Pending {
            if record.reads_left > 0 {
                record.reads_left -= 1;
            } else if let Some(effect) = record.effect.take() {
                let may_fail = matches!(
                    record.event_type,
                    EventType::CreateShipment | EventType::CancelOrder
                );
                let entity_id = record.entity_id.clone();
                let label = match &effect {
                    Effect::Shipment {
                        shipping_label_id, ..
                    } => shipping_label_id.clone(),
                    _ => None,
                };
                if record.event_type == EventType::CreateShippingLabel
                    && self.faults.label_purchase_times_out()
                {
                    let record = &mut self.processes[idx];
                    record.status = ProcessStatusValue::Timeout;
                    return self.process_wire(&self.processes[idx]);
                }
                let outcome = if may_fail && self.faults.process_fails(entity_id.as_deref()) {
                    Err(TRANSIENT_FAILURE_MESSAGE.to_owned())
                } else {
                    self.apply(effect)
                };
                // A shipment that failed leaves its label free for the next try.
                if let (Err(_), Some(label_id)) = (&outcome, label) {
                    self.set_label_use(&label_id, LabelUse::Free);
                }
                let record = &mut self.processes[idx];
                match outcome {
                    Ok(entity_id) => {
                        record.status = ProcessStatusValue::Success;
                        if entity_id.is_some() {
                            record.entity_id = entity_id;
                        }
                    }
                    Err(message) => {
                        record.status = ProcessStatusValue::Failure;
                        record.error_message = Some(message);
                    }
                }
            }
        }
        self.process_wire(&self.processes[idx])
    }

    pub fn process_index(&self, id: &str) -> Option<usize> {
        self.processes.iter().position(|p| p.id == id)
    }

    /// A process as bol answers it, quirks applied.
    fn process_wire(&self, record: &ProcessRecord) -> ProcessStatus {
        let keep_entity = matches!(
            record.event_type,
            EventType::CreateOfferExport | EventType::CreateShippingLabel
        ) && record.status == ProcessStatusValue::Success;
        let mut status = ProcessStatus {
            process_status_id: Some(record.id.clone()),
            entity_id: record.entity_id.clone(),
            event_type: record.event_type.as_str().to_owned(),
            description: record.description.clone(),
            status: record.status.clone(),
            error_message: record.error_message.clone(),
            create_timestamp: record
                .created_at
                .to_rfc3339_opts(SecondsFormat::Secs, false),
            links: vec![Link {
                rel: Some("self".to_owned()),
                href: Some(format!(
                    "{}/shared/process-status/{}",
                    self.base_url, record.id
                )),
                ..Link::default()
            }],
        };
        quirks::process(&mut status, self.quirks, keep_entity);
        status
    }

    /// Applies an effect all-or-nothing; `Ok` carries a new entity id (an export's report id,
    /// a bought label's id).
    fn apply(&mut self, effect: Effect) -> Result<Option<String>, String> {
        match effect {
            Effect::Shipment {
                order_id,
                items,
                transporter_code,
                track_and_trace,
                shipping_label_id,
            } => {
                let mut shipped = Vec::with_capacity(items.len());
                for (order_item_id, asked) in &items {
                    let (order_idx, item_idx) = self
                        .find_item(order_item_id)
                        .ok_or_else(|| format!("Order item {order_item_id} does not exist."))?;
                    let open = self.orders[order_idx].items[item_idx].open_quantity();
                    let quantity = asked.unwrap_or(open);
                    if quantity == 0 || quantity > open {
                        return Err(format!(
                            "Order item {order_item_id} cannot be shipped: {quantity} asked, {open} open (already shipped or cancelled)."
                        ));
                    }
                    shipped.push(((order_idx, item_idx), order_item_id.clone(), quantity));
                }
                // The label names transporter and code; the request carried neither.
                let (transporter_code, track_and_trace) = match &shipping_label_id {
                    Some(label_id) => {
                        let label = self
                            .label(label_id)
                            .ok_or_else(|| format!("Shipping label {label_id} does not exist."))?;
                        (
                            Some(label.transporter_code.to_owned()),
                            Some(label.track_and_trace.clone()),
                        )
                    }
                    None => (transporter_code, track_and_trace),
                };
                for ((order_idx, item_idx), _, quantity) in &shipped {
                    let item = &mut self.orders[*order_idx].items[*item_idx];
                    item.quantity_shipped += quantity;
                    item.latest_change = Utc::now();
                }
                if let Some(label_id) = &shipping_label_id {
                    self.set_label_use(label_id, LabelUse::Shipped);
                }
                self.shipments.push(SimShipment {
                    order_id,
                    items: shipped
                        .into_iter()
                        .map(|(_, id, quantity)| (id, quantity))
                        .collect(),
                    transporter_code,
                    track_and_trace,
                    shipping_label_id,
                });
                Ok(None)
            }
            Effect::Cancellation {
                order_id,
                order_item_id,
                reason_code,
            } => {
                let (order_idx, item_idx) = self
                    .find_item(&order_item_id)
                    .ok_or_else(|| format!("Order item {order_item_id} does not exist."))?;
                let item = &mut self.orders[order_idx].items[item_idx];
                let open = item.open_quantity();
                if open == 0 {
                    return Err(format!(
                        "Order item {order_item_id} cannot be cancelled: it is already shipped or cancelled."
                    ));
                }
                item.quantity_cancelled += open;
                item.cancellation_request = false;
                item.latest_change = Utc::now();
                self.cancellations.push(SimCancellation {
                    order_id,
                    order_item_id,
                    reason_code,
                });
                Ok(None)
            }
            Effect::Stock { offer_id, amount } => {
                let offer = self
                    .offer_mut(&offer_id)
                    .ok_or_else(|| format!("Offer {offer_id} does not exist."))?;
                offer.stock = amount;
                offer.mutated_at = Utc::now();
                self.stock_updates.push((offer_id, amount));
                Ok(None)
            }
            Effect::ShippingLabel { outcome } => outcome.map(Some),
            Effect::OfferExport => {
                let report_id = self.uuid_like_id();
                let csv = self.offer_export_csv();
                self.exports.insert(report_id.clone(), csv);
                Ok(Some(report_id))
            }
        }
    }

    /// The offer export file as bol writes it: a header row and one row per offer.
    fn offer_export_csv(&self) -> String {
        let mut csv = write_csv_record(OFFER_EXPORT_COLUMNS);
        for offer in &self.offers {
            let stock = offer.stock.to_string();
            let mutated = offer.mutated_at.format("%Y-%m-%d %H:%M:%S").to_string();
            csv.push_str(&write_csv_record(&[
                offer.offer_id.as_str(),
                offer.ean.as_str(),
                "NEW",
                "NEW",
                "",
                "9.99",
                "1-2d",
                stock.as_str(),
                "false",
                "FBR",
                mutated.as_str(),
                offer.reference.as_str(),
                "",
            ]));
        }
        csv
    }
}
