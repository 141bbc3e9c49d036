//! How the simulated shop changes, as Magento's services change it: guest carts filled and
//! checked (`CartItemPersister`, `ShippingInformationManagement`, `QuoteValidator`), placed
//! as orders at catalog prices with MSI reservations, orders updated by `POST orders`,
//! cancelled only when `Order::canCancel` allows, shipped (and invoiced) by the merchant, and
//! stock read.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::faults::FaultPlan;
use super::model::{SimCart, SimOrder, SimProduct, SimShipment, SimTrack};

/// A refusal in Magento's terms: status, message with placeholders, parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimError {
    pub status: u16,
    pub message: String,
    pub parameters: Option<Value>,
}

impl SimError {
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: 400,
            message: message.into(),
            parameters: None,
        }
    }

    pub(crate) fn with(status: u16, message: &str, parameters: Value) -> Self {
        Self {
            status,
            message: message.to_owned(),
            parameters: Some(parameters),
        }
    }

    /// `NoSuchEntityException` for a product (`ProductRepository::get`).
    pub(crate) fn no_product() -> Self {
        Self {
            status: 404,
            message:
                "The product that was requested doesn't exist. Verify the product and try again."
                    .into(),
            parameters: None,
        }
    }

    /// `NoSuchEntityException::singleField`.
    pub(crate) fn no_entity(field: &str, value: &str) -> Self {
        Self::with(
            404,
            "No such entity with %fieldName = %fieldValue",
            json!({"fieldName": field, "fieldValue": value}),
        )
    }

    /// `OrderRepository::get` of an unknown id.
    pub(crate) fn no_order() -> Self {
        Self {
            status: 404,
            message:
                "The entity that was requested doesn't exist. Verify the entity and try again."
                    .into(),
            parameters: None,
        }
    }

    /// An unknown MSI stock id.
    pub(crate) fn with_stock(stock: &str) -> Self {
        Self::with(
            404,
            "Stock with id \"%value\" does not exist.",
            json!({"value": stock}),
        )
    }

    /// Magento's answer to anything unexpected (the details go to its log).
    pub(crate) fn internal() -> Self {
        Self {
            status: 500,
            message:
                "Internal Error. Details are available in Magento log file. Report ID: webapi-sim"
                    .into(),
            parameters: None,
        }
    }
}

/// Everything the shop holds.
#[derive(Debug)]
pub(crate) struct SimState {
    pub products: Vec<SimProduct>,
    pub carts: Vec<SimCart>,
    pub orders: Vec<SimOrder>,
    pub faults: FaultPlan,
    next_id: u64,
    clock_offset: Duration,
}

impl SimState {
    pub(crate) fn new() -> Self {
        Self {
            products: Vec::new(),
            carts: Vec::new(),
            orders: Vec::new(),
            faults: FaultPlan::default(),
            next_id: 0,
            clock_offset: Duration::zero(),
        }
    }

    pub(crate) fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// The shop's clock (whole seconds, as Magento stores times).
    pub(crate) fn now(&self) -> DateTime<Utc> {
        let now = Utc::now() + self.clock_offset;
        DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
    }

    /// Moves the shop's clock (tests of time windows).
    pub(crate) fn advance_clock(&mut self, by: Duration) {
        self.clock_offset += by;
    }

    pub(crate) fn product(&self, sku: &str) -> Result<&SimProduct, SimError> {
        self.products
            .iter()
            .find(|p| p.sku.eq_ignore_ascii_case(sku))
            .ok_or_else(SimError::no_product)
    }

    pub(crate) fn active_cart(&mut self, masked_id: &str) -> Result<&mut SimCart, SimError> {
        self.carts
            .iter_mut()
            .find(|c| c.masked_id == masked_id && c.active)
            .ok_or_else(|| SimError::no_entity("cartId", masked_id))
    }

    pub(crate) fn order_mut(&mut self, entity_id: u64) -> Result<&mut SimOrder, SimError> {
        self.orders
            .iter_mut()
            .find(|o| o.entity_id == entity_id)
            .ok_or_else(SimError::no_order)
    }

    /// `POST orders` with an `entity_id`: the fields sent are written, nothing else.
    pub(crate) fn update_order(&mut self, body: &Value) -> Result<u64, SimError> {
        let entity = body.get("entity").ok_or_else(|| {
            SimError::with(
                400,
                "\"%fieldName\" is required. Enter and try again.",
                json!({"fieldName": "entity"}),
            )
        })?;
        let Some(entity_id) = entity.get("entity_id").and_then(Value::as_u64) else {
            // Without an id Magento would insert a new, empty order: never what we want.
            return Err(SimError::bad_request(
                "The simulator only updates orders: entity_id is required",
            ));
        };
        let now = self.now();
        let order = self.order_mut(entity_id)?;
        if let Some(ext) = entity.get("ext_order_id").and_then(Value::as_str) {
            order.ext_order_id = Some(ext.to_owned());
        }
        order.updated_at = now;
        Ok(entity_id)
    }

    /// `POST orders/{id}/cancel` as `OrderManagementInterface::cancel`: `false` when
    /// `Order::canCancel` says no (cancelled, complete, closed, or everything invoiced).
    pub(crate) fn cancel(&mut self, entity_id: u64) -> Result<bool, SimError> {
        let now = self.now();
        let order = self.order_mut(entity_id)?;
        let all_invoiced = order
            .items
            .iter()
            .all(|i| i.qty_invoiced + i.qty_canceled >= i.qty_ordered);
        if all_invoiced || matches!(order.state.as_str(), "canceled" | "complete" | "closed") {
            return Ok(false);
        }
        let mut release = Vec::new();
        for item in &mut order.items {
            let to_cancel = item.qty_ordered - item.qty_shipped.max(item.qty_invoiced);
            item.qty_canceled = to_cancel.max(0);
            release.push((item.sku.clone(), item.qty_canceled));
        }
        order.state = "canceled".into();
        order.status = "canceled".into();
        order.updated_at = now;
        for (sku, qty) in release {
            if let Some(p) = self.products.iter_mut().find(|p| p.sku == sku) {
                p.reserved = (p.reserved - qty).max(0);
            }
        }
        Ok(true)
    }

    /// The merchant ships the whole order with `track` and, when `invoice`, invoices it too:
    /// `complete` then, `processing` when only shipped. Stock leaves the shelf.
    pub(crate) fn ship(
        &mut self,
        entity_id: u64,
        track: SimTrack,
        invoice: bool,
    ) -> Result<(), SimError> {
        let shipment_id = self.id();
        let now = self.now();
        let order = self.order_mut(entity_id)?;
        if order.state == "canceled" {
            return Err(SimError::bad_request(
                "The order does not allow a shipment to be created.",
            ));
        }
        let mut taken = Vec::new();
        for item in &mut order.items {
            taken.push((item.sku.clone(), item.qty_ordered - item.qty_shipped));
            item.qty_shipped = item.qty_ordered;
            if invoice {
                item.qty_invoiced = item.qty_ordered;
            }
        }
        order.shipments.push(SimShipment {
            entity_id: shipment_id,
            created_at: now,
            tracks: vec![track],
        });
        let invoiced = order.items.iter().all(|i| i.qty_invoiced >= i.qty_ordered);
        let state = if invoiced { "complete" } else { "processing" };
        order.state = state.into();
        order.status = state.into();
        order.updated_at = now;
        for (sku, qty) in taken {
            if let Some(p) = self
                .products
                .iter_mut()
                .find(|p| p.sku == sku && p.manage_stock)
            {
                p.qty -= qty;
                p.reserved = (p.reserved - qty).max(0);
            }
        }
        Ok(())
    }
}
