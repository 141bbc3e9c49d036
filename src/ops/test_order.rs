//! Test orders: the merchant makes one from a SKU to try the webshop side — creation in the
//! shop, completion with a T&T code, the pick & pack list — without any marketplace. It is
//! recorded like an imported order (in a batch of its own) but marked as a test, and the
//! jobs never send it, its shipment or its cancellation to a marketplace.

use chrono::{DateTime, Utc};
use orderbridge_core::domain::{
    Address, AddressFields, Currency, MarketplaceOrder, MarketplaceOrderId, MarketplaceOrderLine,
    Money, OrderCode, OrderLineId, Quantity, Sku,
};

use super::{Ops, OpsError};
use crate::clock::to_millis;
use crate::status::{OrderStatus, Step};
use crate::store::{ImportedOrder, OrderLine};

/// The most items a test order may hold.
pub const MAX_TEST_QUANTITY: u32 = 99;

fn invalid(what: &str, error: impl std::fmt::Display) -> OpsError {
    OpsError::Invalid(format!("{what}: {error}"))
}

/// The marketplace-shaped order a test order carries: a fixed Dutch test address, one line
/// of `sku` at no cost (the shop's total is then 0.00, which the money check accepts).
fn test_details(
    id: &MarketplaceOrderId,
    sku: &Sku,
    quantity: Quantity,
    now: DateTime<Utc>,
) -> Result<MarketplaceOrder, OpsError> {
    let address = Address::parse(
        "test address",
        AddressFields {
            first_name: Some("Test".into()),
            surname: Some("Order".into()),
            company: Some("orderbridge test order".into()),
            street_name: Some("Teststraat".into()),
            house_number: Some("1".into()),
            house_number_extension: Some("T".into()),
            zip_code: Some("1234 AB".into()),
            city: Some("Teststad".into()),
            country_code: Some("NL".into()),
            ..AddressFields::default()
        },
    )
    .map_err(|e| invalid("test address", e))?;
    let free = Money::from_cents(0, Currency::EUR).map_err(|e| invalid("price", e))?;
    Ok(MarketplaceOrder {
        id: id.clone(),
        placed_at: now,
        shipping: address.clone(),
        billing: address,
        pickup_point: None,
        lines: vec![MarketplaceOrderLine {
            line_id: OrderLineId::parse(&format!("{id}-1")).map_err(|e| invalid("line", e))?,
            sku: Some(sku.clone()),
            ean: None,
            offer_id: None,
            title: format!("Test: {sku}"),
            quantity,
            quantity_shipped: 0,
            quantity_cancelled: 0,
            unit_price: free,
            line_total: Some(free),
            discounts: Vec::new(),
            cancellation_requested: false,
            fulfilled_by_marketplace: false,
            marketplace_label_required: false,
        }],
    })
}

impl Ops {
    /// Makes a test order of `quantity` × `sku` on a connection, by `author`; returns its
    /// code. The connection's jobs are made due, so it reaches the webshop at once.
    ///
    /// # Errors
    ///
    /// When the connection is unknown, the SKU or quantity cannot be used, or the store
    /// fails.
    pub async fn create_test_order(
        &self,
        connection: &str,
        sku: &str,
        quantity: u32,
        author: &str,
    ) -> Result<OrderCode, OpsError> {
        if !self
            .connection_names()
            .await?
            .iter()
            .any(|c| c == connection)
        {
            return Err(OpsError::Invalid(format!("no connection {connection:?}")));
        }
        let sku = Sku::parse(sku).map_err(|e| invalid("SKU", e))?;
        if quantity > MAX_TEST_QUANTITY {
            return Err(OpsError::Invalid(format!(
                "a test order holds at most {MAX_TEST_QUANTITY} items"
            )));
        }
        let quantity = Quantity::new(quantity).map_err(|e| invalid("quantity", e))?;
        let now = self.clock.now();
        let suffix: u32 = rand::random_range(0..100_000_000);
        let id = MarketplaceOrderId::parse(&format!("TEST-{suffix:08}"))
            .map_err(|e| invalid("test order id", e))?;
        let code = OrderCode::derive(connection, &id);
        let details = test_details(&id, &sku, quantity, now)?;
        let order = ImportedOrder {
            code: code.to_string(),
            marketplace_order_id: id.to_string(),
            placed_at: to_millis(now),
            lines: OrderLine::from_order(&details),
            details: Some(details),
            status: OrderStatus::NotShipped,
            error: None,
            create_step: Step::Pending,
            cancel_step: Step::None,
            cancel_origin: None,
            note: format!(
                "test order made by {author}: {quantity} x {sku}; it runs through the webshop \
                 only and is never sent to a marketplace: not_shipped"
            ),
            is_test: true,
        };
        self.store
            .record_import(connection, &[order], None, to_millis(now))
            .await?;
        self.store.make_jobs_due(connection).await?;
        Ok(code)
    }
}
