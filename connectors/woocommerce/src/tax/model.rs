//! The shop's tax settings as the connector knows them, and its model of how WooCommerce core
//! turns an order line's ex-tax `total` into tax: which rates apply to a country and tax class,
//! the tax per rate at four decimals, and the rounding to cents. `net.rs` inverts this model to
//! find the net amounts to send.
//!
//! What core does (woocommerce/woocommerce, `plugins/woocommerce/`):
//! - `includes/class-wc-tax.php` `find_rates` / `get_matched_tax_rates`: rates of the item's
//!   tax class (`""` = standard) whose country is the order's or empty and whose state,
//!   postcodes and cities match; sorted by priority (then specific country before the
//!   wildcard, then id), and only the first rate of each priority applies.
//! - `calc_exclusive_tax`: each simple rate taxes the price (`price × rate / 100`); a compound
//!   rate taxes the price plus the taxes before it; every tax is rounded to four decimals
//!   (`WC_ROUNDING_PRECISION`), half up.
//! - `includes/class-wc-order-item.php` `calculate_taxes`: an order line is taxed on its
//!   `total` with `price_includes_tax = false`, whatever `woocommerce_prices_include_tax` says,
//!   and only when its tax status is `taxable`.
//! - `includes/abstracts/abstract-wc-order.php` `update_taxes` / `calculate_totals` and the
//!   `round_line_tax` of `WC_Item_Totals`: unless `woocommerce_tax_round_at_subtotal` is `yes`,
//!   each line's tax per rate is rounded to cents (`wc_round_tax_total`, in the mode of
//!   `wc_get_tax_rounding_mode`: half down when prices are entered with tax, else half up);
//!   the order total is the rounded sum of line totals, fees and taxes.

/// Where WooCommerce takes the tax country from (`woocommerce_tax_based_on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaxBasedOn {
    /// The shipping address (the billing address when it has no country).
    Shipping,
    /// The billing address.
    Billing,
    /// The shop's own address (`woocommerce_default_country`).
    Base,
}

/// One tax rate of the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TaxRate {
    /// WooCommerce's id of the rate.
    pub id: u64,
    /// ISO country code; empty for every country.
    pub country: String,
    /// Tax class slug; empty for the standard class.
    pub class: String,
    /// The percentage times 10,000 (`"21.0000"` → 210,000).
    pub percent_e4: i64,
    /// One rate per priority applies.
    pub priority: i64,
    /// Applied to the price plus the taxes before it.
    pub compound: bool,
    /// Limited to states, postcodes or cities, which the connector does not match.
    pub limited: bool,
}

/// The tax settings of a shop, read from its REST API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TaxSettings {
    /// `woocommerce_calc_taxes`: whether the shop adds taxes at all.
    pub calc_taxes: bool,
    /// `woocommerce_prices_include_tax`: only changes the rounding mode of order taxes.
    pub prices_include_tax: bool,
    /// `woocommerce_tax_based_on`.
    pub based_on: TaxBasedOn,
    /// `woocommerce_tax_round_at_subtotal`: taxes summed at four decimals, rounded once.
    pub round_at_subtotal: bool,
    /// The shop's country (`woocommerce_default_country` before any `:STATE`).
    pub base_country: String,
    /// Every rate, of every class.
    pub rates: Vec<TaxRate>,
}

impl TaxSettings {
    /// A shop that adds no taxes.
    #[cfg(test)]
    pub(crate) fn without_taxes() -> Self {
        Self {
            calc_taxes: false,
            prices_include_tax: false,
            based_on: TaxBasedOn::Shipping,
            round_at_subtotal: false,
            base_country: String::new(),
            rates: Vec::new(),
        }
    }

    /// The rates core applies to a line of tax class `class` taxed in `country`, in the order
    /// it applies them: one per priority. Rates limited to a state, postcode or city never
    /// match here (the order has no state; postcode rules are not modelled), so such a shop's
    /// total is caught by the total check instead.
    pub(crate) fn rates_for(&self, country: &str, class: &str) -> Vec<&TaxRate> {
        let mut candidates: Vec<&TaxRate> = self
            .rates
            .iter()
            .filter(|rate| rate.class == class && !rate.limited)
            .filter(|rate| rate.country.is_empty() || rate.country.eq_ignore_ascii_case(country))
            .collect();
        candidates.sort_by(|a, b| {
            a.priority
                .cmp(&b.priority)
                .then_with(|| a.country.is_empty().cmp(&b.country.is_empty()))
                .then_with(|| a.country.cmp(&b.country))
                .then_with(|| a.id.cmp(&b.id))
        });
        let mut chosen: Vec<&TaxRate> = Vec::new();
        for rate in candidates {
            if !chosen.iter().any(|c| c.priority == rate.priority) {
                chosen.push(rate);
            }
        }
        chosen
    }

    /// The tax core adds to a line whose ex-tax total is `net_cents`, in units of 1/10,000 of
    /// the currency: per rate rounded to cents (so a multiple of 100), or left at four decimals
    /// when taxes are rounded at the subtotal.
    pub(crate) fn line_tax_e4(&self, net_cents: i64, rates: &[&TaxRate]) -> i64 {
        rate_taxes_e4(net_cents, rates)
            .into_iter()
            .map(|tax| {
                if self.round_at_subtotal {
                    tax
                } else {
                    round_e4_to_cents(tax, self.prices_include_tax) * 100
                }
            })
            .sum()
    }
}

/// The tax of each rate on `net_cents`, at four decimals (units of 1/10,000), as
/// `WC_Tax::calc_exclusive_tax` computes it: simple rates on the price, compound rates on the
/// price plus the taxes before them, each rounded half up at the end. Exact to 1/10^12.
pub(crate) fn rate_taxes_e4(net_cents: i64, rates: &[&TaxRate]) -> Vec<i64> {
    // Units of 1/10^12 of the currency; a percentage ×10^4 over 10^6 is the fraction.
    let price_e12 = i128::from(net_cents) * 10_000_000_000;
    let mut taxes_e12: Vec<i128> = vec![0; rates.len()];
    for (idx, rate) in rates.iter().enumerate() {
        if !rate.compound {
            taxes_e12[idx] = price_e12 * i128::from(rate.percent_e4) / 1_000_000;
        }
    }
    for (idx, rate) in rates.iter().enumerate() {
        if rate.compound {
            let before: i128 = taxes_e12.iter().sum();
            taxes_e12[idx] = (price_e12 + before) * i128::from(rate.percent_e4) / 1_000_000;
        }
    }
    taxes_e12
        .into_iter()
        .map(|tax| {
            let e4 = div_round_half_up(tax, 100_000_000);
            i64::try_from(e4).unwrap_or(i64::MAX)
        })
        .collect()
}

/// `value / divisor` rounded to the nearest integer, halves away from zero (PHP's `round`
/// default, `PHP_ROUND_HALF_UP`). `divisor` is positive.
pub(crate) fn div_round_half_up(value: i128, divisor: i128) -> i128 {
    let half = divisor / 2;
    if value >= 0 {
        (value + half) / divisor
    } else {
        -((-value + half) / divisor)
    }
}

/// An amount at four decimals rounded to cents, halves away from zero, or towards zero when
/// `half_down` (`PHP_ROUND_HALF_DOWN`, core's tax rounding mode for shops whose prices include
/// tax: `wc_get_tax_rounding_mode`, `WC_TAX_ROUNDING_MODE`).
pub(crate) fn round_e4_to_cents(value_e4: i64, half_down: bool) -> i64 {
    if !half_down {
        return i64::try_from(div_round_half_up(i128::from(value_e4), 100)).unwrap_or(i64::MAX);
    }
    let magnitude = value_e4.unsigned_abs();
    let rounded =
        i64::try_from(magnitude / 100 + u64::from(magnitude % 100 > 50)).unwrap_or(i64::MAX);
    if value_e4 < 0 {
        -rounded
    } else {
        rounded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(id: u64, country: &str, class: &str, percent_e4: i64, priority: i64) -> TaxRate {
        TaxRate {
            id,
            country: country.into(),
            class: class.into(),
            percent_e4,
            priority,
            compound: false,
            limited: false,
        }
    }

    fn settings(rates: Vec<TaxRate>) -> TaxSettings {
        TaxSettings {
            calc_taxes: true,
            rates,
            ..TaxSettings::without_taxes()
        }
    }

    #[test]
    fn one_rate_per_priority_country_before_wildcard() {
        let shop = settings(vec![
            rate(1, "", "", 200_000, 1),
            rate(2, "NL", "", 210_000, 1),
            rate(3, "NL", "reduced-rate", 90_000, 1),
            rate(4, "NL", "", 10_000, 2),
        ]);
        let ids: Vec<u64> = shop.rates_for("nl", "").iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![2, 4]);
        let ids: Vec<u64> = shop.rates_for("BE", "").iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![1]);
        assert!(shop.rates_for("BE", "reduced-rate").is_empty());
    }

    #[test]
    fn taxes_at_four_decimals_then_cents_per_line() {
        // €20.65 at 21 %: 4.3365 → 4.34 (half up).
        let shop = settings(vec![rate(1, "NL", "", 210_000, 1)]);
        let rates = shop.rates_for("NL", "");
        assert_eq!(rate_taxes_e4(2065, &rates), vec![43_365]);
        assert_eq!(shop.line_tax_e4(2065, &rates), 43_400);
        let at_subtotal = TaxSettings {
            round_at_subtotal: true,
            ..shop.clone()
        };
        assert_eq!(at_subtotal.line_tax_e4(2065, &rates), 43_365);
        // €0.50 at 9 %: 0.045 → half up 0.05, half down (prices entered with tax) 0.04.
        let reduced = settings(vec![rate(1, "NL", "", 90_000, 1)]);
        let rates = reduced.rates_for("NL", "");
        assert_eq!(reduced.line_tax_e4(50, &rates), 500);
        let half_down = TaxSettings {
            prices_include_tax: true,
            ..reduced.clone()
        };
        assert_eq!(half_down.line_tax_e4(50, &rates), 400);
    }

    #[test]
    fn a_compound_rate_taxes_the_taxes_before_it() {
        let mut compound = rate(2, "CA", "", 50_000, 2);
        compound.compound = true;
        let shop = settings(vec![rate(1, "CA", "", 100_000, 1), compound]);
        let rates = shop.rates_for("CA", "");
        // €100: 10.00, then 5 % of 110.00 = 5.50.
        assert_eq!(rate_taxes_e4(10_000, &rates), vec![100_000, 55_000]);
    }
}
