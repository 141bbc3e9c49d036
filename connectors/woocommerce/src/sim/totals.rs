//! The simulated shop's `calculate_totals()`, which WooCommerce runs on every order created
//! over REST (woocommerce/woocommerce `plugins/woocommerce/includes/rest-api/Controllers/
//! Version2/class-wc-rest-orders-v2-controller.php`, `save_object`). Followed step by step from
//! core, in integer arithmetic where PHP uses floats:
//! - tax location (`abstract-wc-order.php` `get_tax_location`): the shipping country, the
//!   billing country when the shipping address has none or `woocommerce_tax_based_on` says
//!   `billing`, the shop's country for `base` or when the order has none;
//! - rates (`class-wc-tax.php` `get_matched_tax_rates`): the item's class, the country or the
//!   wildcard, sorted by priority then specific-before-wildcard then id, one per priority;
//! - item taxes (`class-wc-order-item.php` `calculate_taxes`, `class-wc-tax.php`
//!   `calc_exclusive_tax`): only `taxable` items, always on the ex-tax `total` (and `subtotal`),
//!   simple rates then compound ones, rounded half up to four decimals; a negative fee is
//!   taxed whatever its status, spread over the classes of the other items
//!   (`class-wc-order-item-fee.php`);
//! - order taxes (`update_taxes`, `round_line_tax`): per rate the items' taxes, each rounded to
//!   cents first (`wc_round_tax_total`, half down when prices include tax, else half up)
//!   unless `woocommerce_tax_round_at_subtotal`;
//! - total (`calculate_totals`): items' totals + fees (a negative fee capped at the rest) +
//!   cart tax, rounded half up to cents.

use std::collections::BTreeMap;

use super::model::{SimItemTax, SimTaxLine, SimWooOrder};
use super::taxes::{SimTaxRate, SimTaxSettings};

/// `value / divisor` rounded half away from zero; `divisor` positive.
fn div_half_up(value: i128, divisor: i128) -> i128 {
    let half = divisor / 2;
    if value >= 0 {
        (value + half) / divisor
    } else {
        -((-value + half) / divisor)
    }
}

/// `value / divisor` rounded half towards zero; `divisor` positive.
fn div_half_down(value: i128, divisor: i128) -> i128 {
    let magnitude = value.abs();
    let rounded = magnitude / divisor + i128::from(magnitude % divisor * 2 > divisor);
    if value < 0 {
        -rounded
    } else {
        rounded
    }
}

/// `wc_round_tax_total` of an amount at four decimals, in cents.
fn round_tax_total(settings: &SimTaxSettings, tax_e4: i64) -> i64 {
    let rounded = if settings.prices_include_tax {
        div_half_down(i128::from(tax_e4), 100)
    } else {
        div_half_up(i128::from(tax_e4), 100)
    };
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// The rates `find_rates` returns for `country` and tax class `class`.
fn find_rates<'a>(settings: &'a SimTaxSettings, country: &str, class: &str) -> Vec<&'a SimTaxRate> {
    let mut found: Vec<&SimTaxRate> = settings
        .rates
        .iter()
        .filter(|r| r.class == class && (r.country.is_empty() || r.country == country))
        .collect();
    found.sort_by_key(|r| (r.priority, r.country.is_empty(), r.id));
    let mut matched: Vec<&SimTaxRate> = Vec::new();
    for rate in found {
        if matched.iter().all(|m| m.priority != rate.priority) {
            matched.push(rate);
        }
    }
    matched
}

/// `calc_exclusive_tax` of an amount in units of 1/10^12: per rate id, at four decimals.
fn exclusive_taxes(price_e12: i128, rates: &[&SimTaxRate]) -> Vec<(u64, i64)> {
    let mut taxes: Vec<(u64, i128)> = Vec::new();
    for rate in rates.iter().filter(|r| !r.compound) {
        taxes.push((rate.id, price_e12 * i128::from(rate.percent_e4) / 1_000_000));
    }
    for rate in rates.iter().filter(|r| r.compound) {
        let pre_compound: i128 = taxes.iter().map(|(_, tax)| tax).sum();
        let tax = (price_e12 + pre_compound) * i128::from(rate.percent_e4) / 1_000_000;
        taxes.push((rate.id, tax));
    }
    taxes
        .into_iter()
        .map(|(id, tax)| {
            (
                id,
                i64::try_from(div_half_up(tax, 100_000_000)).unwrap_or(0),
            )
        })
        .collect()
}

fn cents_e12(cents: i64) -> i128 {
    i128::from(cents) * 10_000_000_000
}

/// The country the order is taxed in.
fn tax_country(settings: &SimTaxSettings, order: &SimWooOrder) -> String {
    let country = |address: &serde_json::Value| {
        address["country"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_uppercase()
    };
    let (shipping, billing) = (country(&order.shipping), country(&order.billing));
    let chosen = match settings.tax_based_on.as_str() {
        "base" => String::new(),
        "billing" => billing,
        _ if shipping.is_empty() => billing,
        _ => shipping,
    };
    if chosen.is_empty() {
        settings.base_country.clone()
    } else {
        chosen
    }
}

/// Taxes of a negative fee: its amount spread over the classes of the non-negative items.
fn negative_fee_taxes(
    settings: &SimTaxSettings,
    order: &SimWooOrder,
    country: &str,
    fee_cents: i64,
) -> Vec<(u64, i64)> {
    let mut class_costs: BTreeMap<String, i64> = BTreeMap::new();
    let mut total_costs: i64 = 0;
    for line in order.line_items.iter().filter(|l| l.total_cents >= 0) {
        total_costs += line.total_cents;
        if line.taxable {
            *class_costs.entry(line.tax_class.clone()).or_default() += line.total_cents;
        }
    }
    for fee in order.fee_lines.iter().filter(|f| f.total_cents >= 0) {
        total_costs += fee.total_cents;
        if fee.tax_status == "taxable" {
            *class_costs.entry(fee.tax_class.clone()).or_default() += fee.total_cents;
        }
    }
    let mut taxes: BTreeMap<u64, i64> = BTreeMap::new();
    if total_costs == 0 {
        return Vec::new();
    }
    for (class, cost) in class_costs {
        let share_e12 = cents_e12(fee_cents) * i128::from(cost) / i128::from(total_costs);
        for (id, tax) in exclusive_taxes(share_e12, &find_rates(settings, country, &class)) {
            *taxes.entry(id).or_default() += tax;
        }
    }
    taxes.into_iter().collect()
}

/// Sums item taxes per rate into the order's tax lines.
fn add_to(cart: &mut BTreeMap<u64, i64>, settings: &SimTaxSettings, taxes: &[SimItemTax]) {
    for tax in taxes {
        let amount = if settings.round_at_subtotal {
            tax.total_e4
        } else {
            round_tax_total(settings, tax.total_e4) * 100
        };
        *cart.entry(tax.rate_id).or_default() += amount;
    }
}

/// An item's `total_tax` at four decimals: rounded per rate unless rounding at the subtotal.
fn item_tax_e4(settings: &SimTaxSettings, taxes: &[SimItemTax], subtotal: bool) -> i64 {
    taxes
        .iter()
        .map(|t| if subtotal { t.subtotal_e4 } else { t.total_e4 })
        .map(|tax| {
            if settings.round_at_subtotal {
                tax
            } else {
                round_tax_total(settings, tax) * 100
            }
        })
        .sum()
}

/// Runs `calculate_totals(true)` on `order` with the shop's `settings`.
pub(crate) fn calculate_totals(order: &mut SimWooOrder, settings: &SimTaxSettings) {
    let country = tax_country(settings, order);
    order.prices_include_tax = settings.prices_include_tax;
    for line in &mut order.line_items {
        line.taxes = if settings.calc_taxes && line.taxable && line.tax_class != "0" {
            let rates = find_rates(settings, &country, &line.tax_class);
            let totals = exclusive_taxes(cents_e12(line.total_cents), &rates);
            let subtotals = exclusive_taxes(cents_e12(line.subtotal_cents), &rates);
            totals
                .into_iter()
                .zip(subtotals)
                .map(|((rate_id, total_e4), (_, subtotal_e4))| SimItemTax {
                    rate_id,
                    total_e4,
                    subtotal_e4,
                })
                .collect()
        } else {
            Vec::new()
        };
        line.total_tax_e4 = item_tax_e4(settings, &line.taxes, false);
        line.subtotal_tax_e4 = item_tax_e4(settings, &line.taxes, true);
    }
    let cart_total: i64 = order.line_items.iter().map(|l| l.total_cents).sum();
    let mut fees_total: i64 = 0;
    for idx in 0..order.fee_lines.len() {
        let fee_cents = order.fee_lines[idx].total_cents;
        if fee_cents < 0 && fee_cents < -(cart_total + fees_total) && cart_total + fees_total > 0 {
            order.fee_lines[idx].total_cents = -(cart_total + fees_total);
        }
        fees_total += order.fee_lines[idx].total_cents;
    }
    for idx in 0..order.fee_lines.len() {
        let fee = &order.fee_lines[idx];
        let taxes: Vec<(u64, i64)> = if !settings.calc_taxes {
            Vec::new()
        } else if fee.total_cents < 0 {
            negative_fee_taxes(settings, order, &country, fee.total_cents)
        } else if fee.tax_status == "taxable" {
            let rates = find_rates(settings, &country, &fee.tax_class);
            exclusive_taxes(cents_e12(fee.total_cents), &rates)
        } else {
            Vec::new()
        };
        let fee = &mut order.fee_lines[idx];
        fee.taxes = taxes
            .into_iter()
            .map(|(rate_id, total_e4)| SimItemTax {
                rate_id,
                total_e4,
                subtotal_e4: 0,
            })
            .collect();
        fee.total_tax_e4 = item_tax_e4(settings, &fee.taxes, false);
    }
    let mut cart_taxes: BTreeMap<u64, i64> = BTreeMap::new();
    for line in &order.line_items {
        add_to(&mut cart_taxes, settings, &line.taxes);
    }
    for fee in &order.fee_lines {
        add_to(&mut cart_taxes, settings, &fee.taxes);
    }
    order.tax_lines = cart_taxes
        .iter()
        .filter_map(|(rate_id, total_e4)| {
            let rate = settings.rates.iter().find(|r| r.id == *rate_id)?;
            Some(SimTaxLine {
                rate_id: *rate_id,
                rate_code: format!(
                    "{}-{}-{}",
                    rate.country,
                    rate.name.to_uppercase(),
                    rate.priority
                ),
                label: rate.name.clone(),
                compound: rate.compound,
                rate_percent_e4: rate.percent_e4,
                tax_total_e4: *total_e4,
            })
        })
        .collect();
    let cart_tax_e4: i64 = cart_taxes.values().sum();
    let total_e4 = (cart_total + fees_total) * 100 + cart_tax_e4;
    order.total_cents = i64::try_from(div_half_up(i128::from(total_e4), 100)).unwrap_or(0);
    order.total_tax_cents = i64::try_from(div_half_up(i128::from(cart_tax_e4), 100)).unwrap_or(0);
    let subtotal: i64 = order.line_items.iter().map(|l| l.subtotal_cents).sum();
    order.discount_total_cents = subtotal - cart_total;
    let all_taxes = order.line_items.iter().flat_map(|l| l.taxes.iter());
    let discount_tax_e4: i64 = all_taxes.map(|t| t.subtotal_e4 - t.total_e4).sum();
    order.discount_tax_cents = round_tax_total(settings, discount_tax_e4);
}

#[cfg(test)]
#[path = "totals_tests.rs"]
mod tests;
