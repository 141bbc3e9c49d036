//! How the simulated store changes: drafts created and converted (stock reserved), orders
//! listed with Medusa's filters and paging, cancelled (reservations released; refused while a
//! fulfilment is live), fulfilled and shipped by the merchant (stock taken), and variants and
//! inventory read.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde_json::{Map, Value};

use super::faults::FaultPlan;
use super::model::{SimFulfillment, SimItem, SimOrder, SimVariant};

/// A refusal in Medusa's terms: status, error `type`, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SimError {
    pub status: u16,
    pub kind: &'static str,
    pub message: String,
}

impl SimError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self {
            status: 400,
            kind: "invalid_data",
            message: message.into(),
        }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: 404,
            kind: "not_found",
            message: message.into(),
        }
    }

    /// Medusa's answer to what its validator lets through and its workflows trip over (an
    /// unknown region, a bad date or sort field): 500.
    pub(crate) fn unknown() -> Self {
        Self {
            status: 500,
            kind: "unknown_error",
            message: "An unknown error occurred.".into(),
        }
    }

    pub(crate) fn not_allowed(message: impl Into<String>) -> Self {
        Self {
            status: 400,
            kind: "not_allowed",
            message: message.into(),
        }
    }
}

/// The ids the seed created, as `scripts/medusa/run.sh` creates them on a real server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimSetup {
    /// The EUR region of NL and BE.
    pub region_id: String,
    /// The sales channel.
    pub sales_channel_id: String,
    /// The shipping option.
    pub shipping_option_id: String,
    /// The stock location.
    pub stock_location_id: String,
}

/// Everything the store holds.
#[derive(Debug)]
pub(crate) struct SimState {
    pub setup: SimSetup,
    pub variants: Vec<SimVariant>,
    pub orders: Vec<SimOrder>,
    pub faults: FaultPlan,
    /// Whether EUR prices include VAT (Medusa's currency price preference; `false` on a fresh
    /// store, where 21 % is added on top of every item price, custom ones included).
    pub prices_include_tax: bool,
    next_id: u64,
    next_display_id: u64,
    last_time: DateTime<Utc>,
}

impl SimState {
    pub(crate) fn new() -> Self {
        Self {
            setup: SimSetup {
                region_id: "reg_01SIMREGIONEUR".into(),
                sales_channel_id: "sc_01SIMORDERBRIDGE".into(),
                shipping_option_id: "so_01SIMSTANDARD".into(),
                stock_location_id: "sloc_01SIMWAREHOUSE".into(),
            },
            variants: Vec::new(),
            orders: Vec::new(),
            faults: FaultPlan::default(),
            prices_include_tax: false,
            next_id: 1,
            next_display_id: 1,
            last_time: Utc::now() - Duration::seconds(1),
        }
    }

    /// A new id with Medusa's prefix (ULID-like: time-ordered, upper case).
    pub(crate) fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}_01SIM{:021}", self.next_id)
    }

    /// The store's clock: now, but always later than the last time handed out (Medusa's
    /// `updated_at` has millisecond precision; two changes never share one).
    pub(crate) fn tick(&mut self) -> DateTime<Utc> {
        // Whole milliseconds, as Medusa answers them: two changes in one millisecond would
        // otherwise read back as the same time.
        let now = Utc::now().trunc_subsecs(3);
        let time = if now > self.last_time {
            now
        } else {
            self.last_time + Duration::milliseconds(1)
        };
        self.last_time = time;
        time
    }

    pub(crate) fn add_variant(
        &mut self,
        sku: &str,
        ean: Option<&str>,
        price_cents: i64,
        stock: Option<i64>,
    ) -> String {
        let id = self.id("variant");
        let inventory_item_id = stock.map(|_| self.id("iitem"));
        self.variants.push(SimVariant {
            id: id.clone(),
            sku: sku.to_owned(),
            ean: ean.map(str::to_owned),
            price_cents,
            manage_inventory: stock.is_some(),
            inventory_item_id,
            stocked: stock.unwrap_or(0),
            reserved: 0,
        });
        id
    }

    pub(crate) fn order_mut(&mut self, id: &str) -> Result<&mut SimOrder, SimError> {
        self.orders
            .iter_mut()
            .find(|o| o.id == id)
            .ok_or_else(|| SimError::not_found(format!("Order id not found: {id}")))
    }

    /// `POST /admin/draft-orders`, validated as Medusa 2.21 validates it
    /// (`scripts/medusa/FACTS.md` §b): unknown fields refused, only `region_id` required by
    /// the validator, the sales channel needed in practice (the default one has no stock
    /// location), shipping methods with option, name and amount (an unknown option is
    /// stored as is), variants checked, and stock checked — but not reserved — for managed
    /// variants that do not allow backorders.
    pub(crate) fn create_draft(&mut self, body: &Value) -> Result<String, SimError> {
        const FIELDS: [&str; 13] = [
            "status",
            "sales_channel_id",
            "email",
            "customer_id",
            "billing_address",
            "shipping_address",
            "items",
            "region_id",
            "promo_codes",
            "currency_code",
            "no_notification_order",
            "shipping_methods",
            "metadata",
        ];
        let object_body = body
            .as_object()
            .ok_or_else(|| SimError::invalid("Invalid request: expected an object"))?;
        let unknown: Vec<&str> = object_body
            .keys()
            .map(String::as_str)
            .filter(|k| !FIELDS.contains(k))
            .collect();
        if !unknown.is_empty() {
            return Err(SimError::invalid(format!(
                "Invalid request: Unrecognized fields: '{}'",
                unknown.join("', '")
            )));
        }
        let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
        let region_id = text("region_id")
            .ok_or_else(|| SimError::invalid("Invalid request: Field 'region_id' is required"))?;
        if region_id != self.setup.region_id {
            return Err(SimError::unknown());
        }
        let email = text("email").unwrap_or_default();
        let sales_channel_id = text("sales_channel_id").unwrap_or_else(|| "sc_default".into());
        let mut items = Vec::new();
        for (index, item) in body
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let variant_id = item
                .get("variant_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let variant = self
                .variants
                .iter()
                .find(|v| v.id == variant_id)
                .cloned()
                .ok_or_else(|| {
                    SimError::invalid(format!(
                        "Variants {variant_id} do not exist or belong to a product that is not published"
                    ))
                })?;
            if sales_channel_id != self.setup.sales_channel_id {
                return Err(SimError::invalid(format!(
                    "Sales channel {sales_channel_id} is not associated with any stock location for variant {variant_id}."
                )));
            }
            let quantity = item
                .get("quantity")
                .and_then(Value::as_i64)
                .filter(|q| *q > 0)
                .ok_or_else(|| {
                    SimError::invalid(format!(
                        "Invalid request: Field 'items, {index}, quantity' is required"
                    ))
                })?;
            if variant.manage_inventory && variant.stocked - variant.reserved < quantity {
                return Err(SimError::not_allowed(
                    "Some variant does not have the required inventory",
                ));
            }
            let unit_price_cents = match item.get("unit_price") {
                None | Some(Value::Null) => variant.price_cents,
                Some(price) => cents(price).ok_or_else(|| {
                    SimError::invalid(format!(
                        "Invalid request: Field 'items, {index}, unit_price' is required"
                    ))
                })?,
            };
            let id = self.id("ordli");
            items.push(SimItem {
                id,
                variant_id: variant.id,
                sku: variant.sku,
                quantity,
                unit_price_cents,
                metadata: object(item.get("metadata")),
            });
        }
        let mut shipping_cents = 0;
        for (index, method) in body
            .get("shipping_methods")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let mut missing = Vec::new();
            for field in ["shipping_option_id", "name", "amount"] {
                if method.get(field).is_none_or(Value::is_null) {
                    missing.push(format!(
                        "Field 'shipping_methods, {index}, {field}' is required"
                    ));
                }
            }
            if !missing.is_empty() {
                return Err(SimError::invalid(format!(
                    "Invalid request: {}",
                    missing.join("; ")
                )));
            }
            shipping_cents += method.get("amount").and_then(cents).unwrap_or(0);
        }
        let now = self.tick();
        let id = self.id("order");
        let display_id = self.next_display_id;
        self.next_display_id += 1;
        self.orders.push(SimOrder {
            id: id.clone(),
            display_id,
            status: "draft".into(),
            email,
            region_id,
            sales_channel_id,
            metadata: object(body.get("metadata")),
            shipping_address: body.get("shipping_address").cloned().unwrap_or(Value::Null),
            billing_address: body.get("billing_address").cloned().unwrap_or(Value::Null),
            items,
            shipping_cents,
            notifications: !body
                .get("no_notification_order")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            fulfillments: Vec::new(),
            created_at: now,
            updated_at: now,
            canceled_at: None,
        });
        Ok(id)
    }

    /// `POST /admin/draft-orders/{id}/convert-to-order`: the draft becomes an order (same id)
    /// and its items' stock is reserved.
    pub(crate) fn convert(&mut self, id: &str) -> Result<(), SimError> {
        let now = self.tick();
        let order = self.order_mut(id)?;
        if order.status != "draft" {
            return Err(SimError::invalid(format!(
                "Order {id} is not a draft order"
            )));
        }
        order.status = "pending".into();
        order.updated_at = now;
        let reserve: Vec<(String, i64)> = order
            .items
            .iter()
            .map(|i| (i.variant_id.clone(), i.quantity))
            .collect();
        for (variant_id, quantity) in reserve {
            if let Some(v) = self
                .variants
                .iter_mut()
                .find(|v| v.id == variant_id && v.manage_inventory)
            {
                v.reserved += quantity;
            }
        }
        Ok(())
    }

    /// `POST /admin/orders/{id}/cancel`.
    pub(crate) fn cancel(&mut self, id: &str) -> Result<(), SimError> {
        let now = self.tick();
        let order = self.order_mut(id)?;
        if order.status == "canceled" {
            return Err(SimError::invalid(format!(
                "Order with id {id} has been canceled."
            )));
        }
        if order.fulfillments.iter().any(|f| f.canceled_at.is_none()) {
            return Err(SimError::not_allowed(
                "All fulfillments must be canceled before canceling an order",
            ));
        }
        order.status = "canceled".into();
        order.canceled_at = Some(now);
        order.updated_at = now;
        let release: Vec<(String, i64)> = order
            .items
            .iter()
            .map(|i| (i.variant_id.clone(), i.quantity))
            .collect();
        for (variant_id, quantity) in release {
            if let Some(v) = self.variants.iter_mut().find(|v| v.id == variant_id) {
                v.reserved = (v.reserved - quantity).max(0);
            }
        }
        Ok(())
    }

    /// The merchant fulfils every item and marks the fulfilment shipped with these tracking
    /// numbers (one label each); stock leaves the shelf.
    pub(crate) fn ship(&mut self, id: &str, tracking: &[&str]) -> Result<(), SimError> {
        let now = self.tick();
        let fulfillment_id = self.id("ful");
        let order = self.order_mut(id)?;
        let items: Vec<(String, i64)> = order
            .items
            .iter()
            .map(|i| (i.id.clone(), i.quantity))
            .collect();
        order.fulfillments.push(SimFulfillment {
            id: fulfillment_id,
            items: items.clone(),
            tracking_numbers: tracking.iter().map(|t| (*t).to_owned()).collect(),
            created_at: now,
            shipped_at: Some(now),
            canceled_at: None,
        });
        order.updated_at = now;
        let taken: Vec<(String, i64)> = order
            .items
            .iter()
            .map(|i| (i.variant_id.clone(), i.quantity))
            .collect();
        for (variant_id, quantity) in taken {
            if let Some(v) = self
                .variants
                .iter_mut()
                .find(|v| v.id == variant_id && v.manage_inventory)
            {
                v.stocked -= quantity;
                v.reserved = (v.reserved - quantity).max(0);
            }
        }
        Ok(())
    }

    /// Orders (or drafts) matching Medusa's list filters, sorted and paged: `(page, count)`.
    pub(crate) fn list(
        &self,
        drafts: bool,
        query: &[(String, String)],
    ) -> Result<(Vec<&SimOrder>, usize), SimError> {
        let values = |name: &str| -> Vec<&str> {
            query
                .iter()
                .filter(|(k, _)| k == name || k == &format!("{name}[]"))
                .map(|(_, v)| v.as_str())
                .collect()
        };
        if query.iter().any(|(k, _)| k == "sales_channel_id") {
            return Err(SimError::invalid(
                "Invalid request: Expected type: 'array' for field 'sales_channel_id', got: 'string'",
            ));
        }
        // A date the database cannot read fails deep inside Medusa: 500.
        let time = |name: &str| -> Result<Option<DateTime<Utc>>, SimError> {
            values(name)
                .first()
                .map(|raw| {
                    DateTime::parse_from_rfc3339(raw)
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|_| SimError::unknown())
                })
                .transpose()
        };
        let ids = values("id");
        let channels = values("sales_channel_id");
        let created_since = time("created_at[$gte]")?;
        let updated_since = time("updated_at[$gte]")?;
        let mut found: Vec<&SimOrder> = self
            .orders
            .iter()
            .filter(|o| (o.status == "draft") == drafts)
            .filter(|o| ids.is_empty() || ids.contains(&o.id.as_str()))
            .filter(|o| channels.is_empty() || channels.contains(&o.sales_channel_id.as_str()))
            .filter(|o| created_since.is_none_or(|t| o.created_at >= t))
            .filter(|o| updated_since.is_none_or(|t| o.updated_at >= t))
            .collect();
        let order = values("order").first().copied().unwrap_or("created_at");
        let (field, descending) = match order.strip_prefix('-') {
            Some(field) => (field, true),
            None => (order, false),
        };
        match field {
            "created_at" => found.sort_by_key(|o| (o.created_at, o.id.clone())),
            "updated_at" => found.sort_by_key(|o| (o.updated_at, o.id.clone())),
            "id" => found.sort_by_key(|o| o.id.clone()),
            "display_id" => found.sort_by_key(|o| o.display_id),
            _ => return Err(SimError::unknown()),
        }
        if descending {
            found.reverse();
        }
        let number = |name: &str, default: usize| -> Result<usize, SimError> {
            values(name).first().map_or(Ok(default), |raw| {
                raw.parse().map_err(|_| {
                    SimError::invalid(format!(
                        "Invalid request: Expected type: 'number' for field '{name}', got: '{raw}'"
                    ))
                })
            })
        };
        let limit = number("limit", 15)?;
        let offset = number("offset", 0)?;
        let count = found.len();
        let page = found.into_iter().skip(offset).take(limit).collect();
        Ok((page, count))
    }
}

/// A JSON amount in the main unit as cents.
pub(crate) fn cents(value: &Value) -> Option<i64> {
    let amount = value.as_f64()?;
    (amount.is_finite() && amount >= 0.0).then(|| (amount * 100.0).round() as i64)
}

fn object(value: Option<&Value>) -> Map<String, Value> {
    value
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}
