//! Unit tests of `totals.rs`: the simulated shop calculates as WooCommerce core does, checked
//! against amounts worked out by hand from core's rules (not from the connector's model).

use serde_json::{json, Value};

use super::super::model::SimProduct;
use super::super::state::SimState;
use super::super::taxes::{settings_json, SimTaxRate, SimTaxSettings};

fn shop(taxes: SimTaxSettings) -> (SimState, u64, u64) {
    let mut state = SimState::default();
    state.taxes = taxes;
    let mut product = |sku: &str, class: &str| {
        state.add_product(SimProduct {
            id: 0,
            parent_id: 0,
            product_type: "simple".into(),
            name: sku.into(),
            sku: sku.into(),
            global_unique_id: String::new(),
            price_cents: 1000,
            stock: None,
            tax_status: "taxable".into(),
            tax_class: class.into(),
            unmanaged_status: "instock".into(),
            meta: Vec::new(),
            modified_at: chrono::Utc::now(),
        })
    };
    let high = product("HIGH", "");
    let low = product("LOW", "reduced-rate");
    (state, high, low)
}

fn body(country: &str, lines: Vec<Value>, fees: Vec<Value>) -> Value {
    json!({
        "status": "processing",
        "shipping": {"country": country},
        "billing": {"country": "NL"},
        "line_items": lines,
        "fee_lines": fees,
    })
}

fn create(state: &mut SimState, body: &Value) -> super::SimWooOrder {
    let id = state.create_order(body).unwrap();
    state.orders[&id].clone()
}

#[test]
fn each_line_is_taxed_on_its_ex_tax_total_and_rounded_per_line() {
    let (mut state, high, low) = shop(SimTaxSettings::dutch_shop());
    let order = create(
        &mut state,
        &body(
            "NL",
            vec![
                json!({"product_id": high, "quantity": 1, "total": "20.65"}),
                json!({"product_id": high, "quantity": 1, "total": "20.65"}),
                json!({"product_id": low, "quantity": 2, "subtotal": "20.00", "total": "18.00"}),
            ],
            vec![],
        ),
    );
    // 21 % of 20.65 = 4.3365 → 4.34 per line, twice; 9 % of 18.00 = 1.62.
    assert_eq!(order.line_items[0].total_tax_e4, 43_400);
    assert_eq!(order.line_items[2].total_tax_e4, 16_200);
    assert_eq!(order.line_items[2].subtotal_tax_e4, 18_000);
    assert_eq!(order.total_tax_cents, 434 + 434 + 162);
    assert_eq!(order.total_cents, 2065 * 2 + 1800 + 1030);
    assert_eq!(order.discount_total_cents, 200);
    assert_eq!(order.discount_tax_cents, 18);
    assert_eq!(order.tax_lines.len(), 2);
}

#[test]
fn rounding_at_the_subtotal_rounds_the_sum_once() {
    let taxes = SimTaxSettings {
        round_at_subtotal: true,
        ..SimTaxSettings::dutch_shop()
    };
    let (mut state, high, _) = shop(taxes);
    let line = json!({"product_id": high, "quantity": 1, "total": "20.65"});
    let order = create(&mut state, &body("NL", vec![line.clone(), line], vec![]));
    // 4.3365 + 4.3365 = 8.673 → 8.67, one cent less than per line.
    assert_eq!(order.total_tax_cents, 867);
    assert_eq!(order.total_cents, 4130 + 867);
}

#[test]
fn prices_entered_with_tax_round_halves_down() {
    let taxes = SimTaxSettings {
        prices_include_tax: true,
        ..SimTaxSettings::dutch_shop()
    };
    let (mut state, _, low) = shop(taxes);
    // 9 % of 0.50 = 0.045: half down 0.04 (half up would be 0.05).
    let line = json!({"product_id": low, "quantity": 1, "total": "0.50"});
    let order = create(&mut state, &body("NL", vec![line], vec![]));
    assert_eq!(order.total_cents, 54);
    assert!(order.prices_include_tax);
}

#[test]
fn fees_are_taxed_unless_none_and_negative_fees_always() {
    let (mut state, high, _) = shop(SimTaxSettings::dutch_shop());
    let line = json!({"product_id": high, "quantity": 1, "total": "100.00"});
    let fees = vec![
        json!({"name": "Handling", "total": "1.00"}),
        json!({"name": "Rounding", "total": "0.01", "tax_status": "none"}),
        json!({"name": "Voucher", "total": "-10.00", "tax_status": "none"}),
    ];
    let order = create(&mut state, &body("BE", vec![line], fees));
    assert_eq!(order.fee_lines[0].total_tax_e4, 2_100);
    assert_eq!(order.fee_lines[1].total_tax_e4, 0);
    // -10.00 spread by cost: 101.00 of the 101.01 is standard-rated, 21 % of -9.999 = -2.0998,
    // rounded for the line to -2.10.
    assert_eq!(order.fee_lines[2].taxes[0].total_e4, -20_998);
    assert_eq!(order.fee_lines[2].total_tax_e4, -21_000);
    assert_eq!(
        order.total_cents,
        10_000 + 100 + 1 - 1_000 + 2_100 + 21 - 210
    );
}

#[test]
fn one_rate_per_priority_and_compound_on_top() {
    let mut taxes = SimTaxSettings::dutch_shop();
    taxes.rates.push(SimTaxRate {
        id: 10,
        country: String::new(),
        class: String::new(),
        percent_e4: 500_000,
        name: "Everywhere".into(),
        priority: 1,
        compound: false,
    });
    taxes.rates.push(SimTaxRate {
        id: 11,
        country: "NL".into(),
        class: String::new(),
        percent_e4: 10_000,
        name: "Extra".into(),
        priority: 2,
        compound: true,
    });
    let (mut state, high, _) = shop(taxes);
    let line = json!({"product_id": high, "quantity": 1, "total": "100.00"});
    let order = create(&mut state, &body("NL", vec![line.clone()], vec![]));
    // NL 21 % wins priority 1 over the wildcard; 1 % compound on 121.00 = 1.21.
    assert_eq!(order.total_cents, 10_000 + 2_100 + 121);
    let abroad = create(&mut state, &body("FR", vec![line], vec![]));
    assert_eq!(abroad.total_cents, 15_000);
}

#[test]
fn no_taxes_when_the_shop_calculates_none_or_the_product_is_exempt() {
    let (mut state, high, _) = shop(SimTaxSettings::default());
    let line = json!({"product_id": high, "quantity": 1, "total": "24.99"});
    assert_eq!(
        create(&mut state, &body("NL", vec![line.clone()], vec![])).total_cents,
        2499
    );
    state.taxes = SimTaxSettings::dutch_shop();
    state.products[0].tax_status = "none".into();
    assert_eq!(
        create(&mut state, &body("NL", vec![line], vec![])).total_cents,
        2499
    );
}

#[test]
fn a_fee_needs_a_name_and_a_known_class() {
    let (mut state, high, _) = shop(SimTaxSettings::dutch_shop());
    let line = json!({"product_id": high, "quantity": 1, "total": "1.00"});
    let nameless = body("NL", vec![line.clone()], vec![json!({"total": "1.00"})]);
    assert_eq!(
        state.create_order(&nameless).unwrap_err().code,
        "woocommerce_rest_invalid_fee_item"
    );
    let unknown = body(
        "NL",
        vec![line],
        vec![json!({"name": "x", "total": "1.00", "tax_class": "luxury"})],
    );
    assert_eq!(
        state.create_order(&unknown).unwrap_err().code,
        "order_item_fee_invalid_tax_class"
    );
}

#[test]
fn settings_groups_are_served_as_core_does() {
    let off = SimTaxSettings::default();
    let general = settings_json(&off, "general").unwrap();
    let calc = general
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "woocommerce_calc_taxes")
        .unwrap();
    assert_eq!(calc["value"], "no");
    // The tax page only exists while taxes are calculated.
    assert_eq!(
        settings_json(&off, "tax").unwrap_err().code,
        "rest_setting_setting_group_invalid"
    );
    let on = settings_json(&SimTaxSettings::dutch_shop(), "tax").unwrap();
    assert!(on
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["id"] == "woocommerce_tax_round_at_subtotal" && o["value"] == "no"));
    assert!(settings_json(&off, "nonsense").is_err());
}
