//! Unit tests of `net.rs`: nets for every cent amount at the NL and BE rates, the rounding fee,
//! untaxed products and the tax country.

use super::*;
use crate::tax::model::TaxRate;
use chrono::TimeZone;
use orderbridge_core::domain::{
    Address, AddressFields, MarketplaceOrderId, OrderCode, Quantity, Sku,
};
use orderbridge_core::webshop::NewOrderLine;

use crate::mapping::order_to_wire;

fn rate(id: u64, country: &str, class: &str, percent: i64) -> TaxRate {
    TaxRate {
        id,
        country: country.into(),
        class: class.into(),
        percent_e4: percent * 10_000,
        priority: 1,
        compound: false,
        limited: false,
    }
}

fn dutch_shop() -> TaxSettings {
    TaxSettings {
        calc_taxes: true,
        base_country: "NL".into(),
        rates: vec![
            rate(1, "NL", "", 21),
            rate(2, "NL", "reduced-rate", 9),
            rate(3, "NL", "zero-rate", 0),
            rate(4, "BE", "", 21),
            rate(5, "BE", "reduced-rate", 6),
        ],
        ..TaxSettings::without_taxes()
    }
}

fn eur(cents: i64) -> Money {
    Money::from_cents(cents, Currency::EUR).unwrap()
}

fn address(country: &str) -> Address {
    Address::parse(
        "shipping address",
        AddressFields {
            first_name: Some("Jan".into()),
            surname: Some("Jansen".into()),
            street_name: Some("Kerkstraat".into()),
            house_number: Some("23".into()),
            zip_code: Some("1017 GC".into()),
            city: Some("Amsterdam".into()),
            country_code: Some(country.into()),
            ..AddressFields::default()
        },
    )
    .unwrap()
}

fn order(country: &str, lines: &[(u32, i64, i64)]) -> NewOrder {
    let id = MarketplaceOrderId::parse("1043946570").unwrap();
    NewOrder {
        code: OrderCode::derive("bol-test", &id),
        marketplace: "bol.com".into(),
        marketplace_order_id: id,
        placed_at: Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(),
        shipping: address(country),
        billing: address("NL"),
        pickup_point: None,
        lines: lines
            .iter()
            .enumerate()
            .map(|(idx, (quantity, unit, paid))| NewOrderLine {
                sku: Some(Sku::parse(&format!("SKU-{idx}")).unwrap()),
                ean: None,
                title: "Mok".into(),
                quantity: Quantity::new(*quantity).unwrap(),
                unit_price: eur(*unit),
                line_total: eur(*paid),
                discounts: Vec::new(),
                marketplace_line_id: format!("line-{idx}"),
            })
            .collect(),
    }
}

use chrono::Utc;

fn product(class: &str) -> ResolvedProduct {
    ResolvedProduct {
        product_id: 10,
        variation_id: None,
        tax: ProductTax::from_wire(Some("taxable"), Some(class)),
    }
}

#[test]
fn every_amount_up_to_200_euro_gets_the_largest_net_that_does_not_pass_it() {
    for round_at_subtotal in [false, true] {
        for prices_include_tax in [false, true] {
            let shop = TaxSettings {
                round_at_subtotal,
                prices_include_tax,
                ..dutch_shop()
            };
            for (country, class) in [("NL", ""), ("NL", "reduced-rate"), ("BE", "reduced-rate")] {
                let rates = shop.rates_for(country, class);
                let slack = if round_at_subtotal { 49 } else { 0 };
                let mut reached = 0;
                for gross in 0..20_000 {
                    let (net, with_tax) = net_for(&shop, gross, slack, &rates);
                    assert!(with_tax <= gross * 100 + slack, "{gross} {country} {class}");
                    let next = (net + 1) * 100 + shop.line_tax_e4(net + 1, &rates);
                    assert!(
                        next > gross * 100 + slack,
                        "{gross}: {net} is not the largest"
                    );
                    // What is left is less than one cent of net with its tax.
                    assert!(gross * 100 + slack - with_tax < next - with_tax);
                    let shop_total = div_round_half_up(i128::from(with_tax), 100);
                    reached += i32::from(shop_total == i128::from(gross));
                }
                assert!(reached > 15_000, "{country} {class}: {reached}");
            }
        }
    }
}

#[test]
fn a_24_99_item_at_21_percent_is_sent_as_20_65() {
    let order = order("NL", &[(1, 2499, 2499)]);
    let products = [product("")];
    let mut body = order_to_wire(&order, &products, "processing", true).unwrap();
    apply_taxes(&mut body, &order, &products, &dutch_shop()).unwrap();
    // 20.65 + 4.3365 → 4.34 = 24.99.
    assert_eq!(body.line_items[0].total, "20.65");
    assert_eq!(body.line_items[0].subtotal, "20.65");
    assert!(body.fee_lines.is_empty());
}

#[test]
fn a_discount_keeps_the_subtotal_before_it_net_as_well() {
    // 2 × 12.99 = 25.98, a promotion of 3.00: paid 22.98, at 9 %.
    let order = order("NL", &[(2, 1299, 2298)]);
    let products = [product("reduced-rate")];
    let mut body = order_to_wire(&order, &products, "processing", true).unwrap();
    apply_taxes(&mut body, &order, &products, &dutch_shop()).unwrap();
    assert_eq!(body.line_items[0].subtotal, "23.83"); // 23.83 + 2.14 = 25.97 (25.98 unreachable)
    assert_eq!(body.line_items[0].total, "21.08"); // 21.08 + 1.90 = 22.98
    assert!(body.fee_lines.is_empty());
}

#[test]
fn an_unreachable_amount_leaves_a_tax_free_rounding_fee() {
    // At 21 %: 0.07 → 0.08 with tax, 0.08 → 0.10: 0.09 cannot be reached.
    let order = order("NL", &[(1, 9, 9), (3, 2499, 7497)]);
    let products = [product(""), product("")];
    let mut body = order_to_wire(&order, &products, "processing", true).unwrap();
    apply_taxes(&mut body, &order, &products, &dutch_shop()).unwrap();
    assert_eq!(body.line_items[0].total, "0.07");
    assert_eq!(body.fee_lines.len(), 1);
    assert_eq!(body.fee_lines[0].total, "0.01");
    assert_eq!(body.fee_lines[0].tax_status, "none");
    assert!(body.fee_lines[0].name.contains("bol.com"));
}

#[test]
fn untaxed_products_and_shops_keep_what_the_buyer_paid() {
    let order = order("BE", &[(1, 2499, 2499), (1, 1000, 1000)]);
    let exempt = ResolvedProduct {
        tax: ProductTax::from_wire(Some("none"), Some("")),
        ..product("")
    };
    let products = [exempt, product("zero-rate")];
    let mut body = order_to_wire(&order, &products, "processing", true).unwrap();
    apply_taxes(&mut body, &order, &products, &dutch_shop()).unwrap();
    assert_eq!(body.line_items[0].total, "24.99");
    // No BE zero-rate rate in this shop: untaxed.
    assert_eq!(body.line_items[1].total, "10.00");
    let mut body = order_to_wire(&order, &[product(""), product("")], "processing", true).unwrap();
    apply_taxes(
        &mut body,
        &order,
        &[product(""), product("")],
        &TaxSettings::without_taxes(),
    )
    .unwrap();
    assert_eq!(body.line_items[0].total, "24.99");
}

#[test]
fn the_tax_country_follows_tax_based_on() {
    let order = order("BE", &[(1, 1000, 1000)]);
    let mut shop = dutch_shop();
    assert_eq!(tax_country(&shop, &order), "BE");
    shop.based_on = TaxBasedOn::Billing;
    assert_eq!(tax_country(&shop, &order), "NL");
    shop.based_on = TaxBasedOn::Base;
    shop.base_country = "DE".into();
    assert_eq!(tax_country(&shop, &order), "DE");
}

#[test]
fn product_tax_fields_are_read_like_core() {
    assert_eq!(ProductTax::from_wire(None, None), ProductTax::default());
    assert!(ProductTax::default().taxable);
    assert!(!ProductTax::from_wire(Some("shipping"), None).taxable);
    assert_eq!(
        ProductTax::from_wire(Some("taxable"), Some("parent")).class,
        ""
    );
    assert_eq!(
        ProductTax::from_wire(Some("taxable"), Some("reduced-rate")).class,
        "reduced-rate"
    );
}
