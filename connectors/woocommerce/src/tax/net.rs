//! From what the buyer paid (VAT included) to what WooCommerce must be sent so that its own tax
//! calculation lands on the same total.
//!
//! WooCommerce's REST API creates an order from the line `subtotal`/`total` as given, then runs
//! `calculate_totals()`, which adds tax to each line's `total` as an ex-tax amount, for the
//! product's tax class and the order's tax country (woocommerce/woocommerce
//! `includes/rest-api/Controllers/Version2/class-wc-rest-orders-v2-controller.php`,
//! `prepare_line_items` and `save_object`). This holds whatever `woocommerce_prices_include_tax`
//! says: that option only changes the rounding mode. So for a taxed line we send the net: the
//! largest amount in cents whose total with core's rounded tax does not pass what the buyer
//! paid (with `woocommerce_tax_round_at_subtotal`, where core rounds the order's tax sum
//! once, the lines together may come up to half a cent over). Most amounts have a net that
//! lands exactly; some cannot (at 21 % one cent more net adds 1.21 cents, so some gross
//! amounts are skipped). What is left over, order-wide, goes on one **fee line without tax**
//! ("rounding"), never on a product line, so every line keeps the shop's exact rate and the
//! order's `total` equals what the buyer paid. The left-over is never negative (core would
//! tax a negative fee whatever its tax status), and it stays below one cent of net plus its
//! tax per line.

use orderbridge_core::domain::{Currency, Money};
use orderbridge_core::webshop::NewOrder;
use orderbridge_core::{ConnectorError, ConnectorResult};

use super::model::{div_round_half_up, TaxBasedOn, TaxRate, TaxSettings};
use crate::error_mapping::VENDOR;
use crate::mapping::ResolvedProduct;
use crate::wire::{NewWooFeeLine, NewWooOrder};

/// How WooCommerce taxes a product: its `tax_status` and `tax_class`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProductTax {
    /// `tax_status` is `taxable` (`shipping` and `none` leave the product untaxed).
    pub taxable: bool,
    /// Tax class slug; empty for the standard class.
    pub class: String,
}

impl ProductTax {
    /// From the product's fields as the API returns them. A shop that does not send them is
    /// read as core's defaults (taxable, standard). `parent` (a variation using its parent's
    /// class) is read as standard: the REST API resolves it for variations it returns.
    pub(crate) fn from_wire(status: Option<&str>, class: Option<&str>) -> Self {
        let taxable = status.is_none_or(|s| s.trim() == "taxable");
        let class = match class.map(str::trim) {
            None | Some("" | "standard" | "parent") => String::new(),
            Some(slug) => slug.to_owned(),
        };
        Self { taxable, class }
    }
}

impl Default for ProductTax {
    fn default() -> Self {
        Self::from_wire(None, None)
    }
}

/// The country WooCommerce taxes `order` in (`get_tax_location` of the abstract order).
pub(crate) fn tax_country(settings: &TaxSettings, order: &NewOrder) -> String {
    match settings.based_on {
        TaxBasedOn::Shipping => order.shipping.country_code().as_str().to_owned(),
        TaxBasedOn::Billing => order.billing.country_code().as_str().to_owned(),
        TaxBasedOn::Base => settings.base_country.clone(),
    }
}

/// The largest net amount in cents whose total with core's tax (at the precision core sums
/// it) does not pass `gross_cents` plus `slack_e4` (in units of 1/10,000), and that total in
/// units of 1/10,000.
pub(crate) fn net_for(
    settings: &TaxSettings,
    gross_cents: i64,
    slack_e4: i64,
    rates: &[&TaxRate],
) -> (i64, i64) {
    let limit = gross_cents * 100 + slack_e4;
    let with_tax = |net: i64| net * 100 + settings.line_tax_e4(net, rates);
    let percent_e4: i64 = rates.iter().map(|rate| rate.percent_e4).sum();
    let mut net = i64::try_from(
        i128::from(gross_cents) * 1_000_000 / (1_000_000 + i128::from(percent_e4.max(0))),
    )
    .unwrap_or(gross_cents);
    while net > 0 && with_tax(net) > limit {
        net -= 1;
    }
    while with_tax(net + 1) <= limit {
        net += 1;
    }
    (net, with_tax(net))
}

fn rejected(message: String) -> ConnectorError {
    ConnectorError::Rejected {
        vendor: VENDOR.to_owned(),
        message,
    }
}

fn decimal(cents: i64, currency: Currency) -> ConnectorResult<String> {
    Money::from_cents(cents, currency)
        .map(|money| money.to_decimal_string())
        .map_err(|e| rejected(format!("amount {cents} cents: {e}")))
}

/// Rewrites the lines of `body` (built from `order`, whose lines resolved to `products`) to the
/// net amounts the shop's tax settings need, and adds the rounding fee when one is needed.
/// Lines that are not taxed (tax status, no rate for their class and country) keep what the
/// buyer paid. Does nothing when the shop calculates no taxes.
///
/// # Errors
///
/// [`ConnectorError::Rejected`] for a negative line total or an amount out of range.
pub(crate) fn apply_taxes(
    body: &mut NewWooOrder,
    order: &NewOrder,
    products: &[ResolvedProduct],
    settings: &TaxSettings,
) -> ConnectorResult<()> {
    if !settings.calc_taxes {
        return Ok(());
    }
    let country = tax_country(settings, order);
    let mut paid_cents: i64 = 0;
    let mut shop_total_e4: i64 = 0;
    // Taxes rounded at the subtotal: core rounds the sum of the lines once, so a line may come
    // out up to half a cent over what was paid for it, as long as the order does not. Taxes
    // rounded per line: each line on its own, never over what was paid for it.
    let rounding_slack = if settings.round_at_subtotal { 49 } else { 0 };
    let mut currency = None;
    for ((line, item), product) in order.lines.iter().zip(&mut body.line_items).zip(products) {
        let gross = line.line_total.cents();
        if gross < 0 {
            return Err(rejected(format!(
                "line {} has a negative total {}",
                line.marketplace_line_id, line.line_total
            )));
        }
        let line_currency = line.line_total.currency();
        currency = Some(line_currency);
        paid_cents += gross;
        let rates = if product.tax.taxable {
            settings.rates_for(&country, &product.tax.class)
        } else {
            Vec::new()
        };
        if rates.is_empty() {
            shop_total_e4 += gross * 100;
            continue;
        }
        let before_discounts = line
            .unit_price
            .cents()
            .saturating_mul(i64::from(line.quantity.get()))
            .max(gross);
        let slack = if settings.round_at_subtotal {
            // What the lines before came out over (or under) what was paid for them.
            let over_so_far = shop_total_e4 - (paid_cents - gross) * 100;
            rounding_slack - over_so_far
        } else {
            0
        };
        let (net_total, with_tax_e4) = net_for(settings, gross, slack, &rates);
        let (net_subtotal, _) = net_for(settings, before_discounts, rounding_slack, &rates);
        item.total = decimal(net_total, line_currency)?;
        item.subtotal = decimal(net_subtotal.max(net_total), line_currency)?;
        shop_total_e4 += with_tax_e4;
    }
    let Some(currency) = currency else {
        return Ok(());
    };
    let shop_total = i64::try_from(div_round_half_up(i128::from(shop_total_e4), 100))
        .map_err(|_| rejected("order total out of range".to_owned()))?;
    let left_over = paid_cents - shop_total;
    if left_over > 0 {
        body.fee_lines.push(NewWooFeeLine {
            name: format!("Rounding to the {} price incl. VAT", order.marketplace),
            total: decimal(left_over, currency)?,
            tax_status: "none".to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
#[path = "net_tests.rs"]
mod tests;
