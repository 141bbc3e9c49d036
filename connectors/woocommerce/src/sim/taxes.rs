//! The simulated shop's tax setup, as WooCommerce keeps and serves it: the options of the
//! `general` and `tax` setting groups (`GET settings/{group}`, each option
//! `{id, label, description, type, default, tip, value}`) and the tax rates (`GET taxes`,
//! woocommerce/woocommerce `includes/rest-api/Controllers/Version3/class-wc-rest-taxes-controller.php`:
//! `rate` as text with four decimals, `class` `standard` for the standard class). By default
//! the shop calculates no taxes, WooCommerce's own default; [`SimTaxSettings::dutch_shop`] is a
//! Dutch shop selling to NL and BE.

use serde::Serialize;
use serde_json::{json, Value};

use super::model::SimError;

/// One tax rate of the simulated shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimTaxRate {
    /// Rate id.
    pub id: u64,
    /// ISO country code; empty for every country.
    pub country: String,
    /// Tax class slug; empty for the standard class.
    pub class: String,
    /// The percentage times 10,000 (21 % → 210,000).
    pub percent_e4: i64,
    /// Label (`BTW`).
    pub name: String,
    /// One rate per priority applies.
    pub priority: i64,
    /// Applied on the price plus the taxes before it.
    pub compound: bool,
}

/// The simulated shop's tax options and rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimTaxSettings {
    /// `woocommerce_calc_taxes`.
    pub calc_taxes: bool,
    /// `woocommerce_prices_include_tax`.
    pub prices_include_tax: bool,
    /// `woocommerce_tax_based_on`: `shipping`, `billing` or `base`.
    pub tax_based_on: String,
    /// `woocommerce_tax_round_at_subtotal`.
    pub round_at_subtotal: bool,
    /// `woocommerce_default_country`, e.g. `NL`.
    pub base_country: String,
    /// Additional tax class names (`woocommerce_tax_classes`), e.g. `Reduced rate`.
    pub classes: Vec<String>,
    /// Every rate.
    pub rates: Vec<SimTaxRate>,
}

impl Default for SimTaxSettings {
    fn default() -> Self {
        Self {
            calc_taxes: false,
            prices_include_tax: false,
            tax_based_on: "shipping".to_owned(),
            round_at_subtotal: false,
            base_country: "NL".to_owned(),
            classes: vec!["Reduced rate".to_owned(), "Zero rate".to_owned()],
            rates: Vec::new(),
        }
    }
}

fn rate(id: u64, country: &str, class: &str, percent: i64, name: &str) -> SimTaxRate {
    SimTaxRate {
        id,
        country: country.to_owned(),
        class: class.to_owned(),
        percent_e4: percent * 10_000,
        name: name.to_owned(),
        priority: 1,
        compound: false,
    }
}

impl SimTaxSettings {
    /// A Dutch shop that calculates taxes, prices entered without tax (the REST default), taxes
    /// based on the shipping address and rounded per line: NL 21 % / 9 % / 0 % and BE 21 % /
    /// 6 % / 0 % for the standard, `reduced-rate` and `zero-rate` classes.
    pub fn dutch_shop() -> Self {
        Self {
            calc_taxes: true,
            rates: vec![
                rate(1, "NL", "", 21, "BTW"),
                rate(2, "NL", "reduced-rate", 9, "BTW laag"),
                rate(3, "NL", "zero-rate", 0, "BTW 0%"),
                rate(4, "BE", "", 21, "BTW"),
                rate(5, "BE", "reduced-rate", 6, "BTW laag"),
                rate(6, "BE", "zero-rate", 0, "BTW 0%"),
            ],
            ..Self::default()
        }
    }

    /// Slugs of the additional classes (`Reduced rate` → `reduced-rate`).
    pub(crate) fn class_slugs(&self) -> Vec<String> {
        self.classes
            .iter()
            .map(|name| name.trim().to_lowercase().replace(' ', "-"))
            .collect()
    }
}

fn yes_no(flag: bool) -> &'static str {
    if flag {
        "yes"
    } else {
        "no"
    }
}

fn option(id: &str, label: &str, kind: &str, default: &str, value: &str) -> Value {
    json!({
        "id": id, "label": label, "description": "", "type": kind, "default": default,
        "tip": "", "value": value, "group_id": if id.contains("tax") { "tax" } else { "general" },
    })
}

/// `GET settings/{group}`: the options of `general` or `tax`. The `tax` page, and its group,
/// only exist while taxes are calculated (`WC_Settings_Tax::add_settings_page`).
pub(crate) fn settings_json(taxes: &SimTaxSettings, group: &str) -> Result<Value, SimError> {
    let options = match group {
        "general" => vec![
            option(
                "woocommerce_default_country",
                "Country / State",
                "single_select_country",
                "US:CA",
                &taxes.base_country,
            ),
            option("woocommerce_currency", "Currency", "select", "USD", "EUR"),
            option(
                "woocommerce_calc_taxes",
                "Enable tax rates and calculations",
                "checkbox",
                "no",
                yes_no(taxes.calc_taxes),
            ),
            option(
                "woocommerce_price_num_decimals",
                "Number of decimals",
                "number",
                "2",
                "2",
            ),
        ],
        "tax" if taxes.calc_taxes => vec![
            option(
                "woocommerce_prices_include_tax",
                "Prices entered with tax",
                "radio",
                "no",
                yes_no(taxes.prices_include_tax),
            ),
            option(
                "woocommerce_tax_based_on",
                "Calculate tax based on",
                "select",
                "shipping",
                &taxes.tax_based_on,
            ),
            option(
                "woocommerce_shipping_tax_class",
                "Shipping tax class",
                "select",
                "inherit",
                "inherit",
            ),
            option(
                "woocommerce_tax_round_at_subtotal",
                "Rounding",
                "checkbox",
                "no",
                yes_no(taxes.round_at_subtotal),
            ),
            option(
                "woocommerce_tax_classes",
                "Additional tax classes",
                "textarea",
                "",
                &taxes.classes.join("\n"),
            ),
            option(
                "woocommerce_tax_display_shop",
                "Display prices in the shop",
                "select",
                "excl",
                "incl",
            ),
            option(
                "woocommerce_tax_display_cart",
                "Display prices during cart and checkout",
                "select",
                "excl",
                "incl",
            ),
        ],
        _ => {
            return Err(SimError::new(
                404,
                "rest_setting_setting_group_invalid",
                "Invalid setting group.",
            ))
        }
    };
    Ok(Value::Array(options))
}

/// One rate as `GET taxes` returns it.
pub(crate) fn rate_json(rate: &SimTaxRate, order: usize) -> Value {
    json!({
        "id": rate.id,
        "country": rate.country,
        "state": "",
        "postcode": "",
        "city": "",
        "postcodes": [],
        "cities": [],
        "rate": format!("{}.{:04}", rate.percent_e4 / 10_000, rate.percent_e4 % 10_000),
        "name": rate.name,
        "priority": rate.priority,
        "compound": rate.compound,
        "shipping": true,
        "order": order,
        "class": if rate.class.is_empty() { "standard" } else { rate.class.as_str() },
    })
}
