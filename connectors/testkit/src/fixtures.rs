//! Marketplace orders for connector tests: a Dutch buyer with bol's relay e-mail address and
//! one line whose total is what the buyer paid (which need not divide by the quantity).

use chrono::{TimeZone, Utc};
use orderbridge_core::domain::{
    Address, AddressFields, Currency, MarketplaceOrderId, Money, OrderCode, Quantity, Sku,
};
use orderbridge_core::webshop::{NewOrder, NewOrderLine};

/// A Dutch delivery address with a house number extension.
///
/// # Panics
///
/// Never: the fields are valid.
pub fn address() -> Address {
    Address::parse(
        "shipping address",
        AddressFields {
            first_name: Some("Jan".into()),
            surname: Some("Jansen".into()),
            street_name: Some("Kerkstraat".into()),
            house_number: Some("23".into()),
            house_number_extension: Some("II".into()),
            zip_code: Some("1017 GC".into()),
            city: Some("Amsterdam".into()),
            country_code: Some("NL".into()),
            email: Some("2abc@verkopen.bol.com".into()),
            phone: Some("0612345678".into()),
            ..AddressFields::default()
        },
    )
    .expect("a valid fixture address")
}

/// Marketplace order `id` (digits) of connection `connection`: `quantity` × `sku` for
/// `total_cents` in all.
///
/// # Panics
///
/// When `id`, `sku` or the amounts are not valid (a mistake in the test).
pub fn order(connection: &str, id: &str, sku: &str, quantity: u32, total_cents: i64) -> NewOrder {
    let marketplace_order_id = MarketplaceOrderId::parse(id).expect("a valid order id");
    NewOrder {
        code: OrderCode::derive(connection, &marketplace_order_id),
        marketplace: "bol.com".into(),
        marketplace_order_id,
        placed_at: Utc
            .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
            .single()
            .expect("a valid time"),
        shipping: address(),
        billing: address(),
        pickup_point: None,
        lines: vec![NewOrderLine {
            sku: Some(Sku::parse(sku).expect("a valid SKU")),
            ean: None,
            title: format!("Product {sku}"),
            quantity: Quantity::new(quantity).expect("a valid quantity"),
            unit_price: Money::from_cents(total_cents / i64::from(quantity.max(1)), Currency::EUR)
                .expect("a valid price"),
            line_total: Money::from_cents(total_cents, Currency::EUR).expect("a valid total"),
            discounts: Vec::new(),
            marketplace_line_id: format!("{id}-1"),
        }],
    }
}
