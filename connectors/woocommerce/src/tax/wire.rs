//! The JSON of the shop's tax settings as the REST API names it: setting options of
//! `GET settings/{group}` and tax rates of `GET taxes`. Only the fields the connector reads.

use serde::Deserialize;
use serde_json::Value;

use crate::wire::list;

/// One setting of `GET /wc/v3/settings/{group}` (`general`, `tax`), e.g.
/// `{"id": "woocommerce_calc_taxes", "value": "yes", ...}`; other members are ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WooSetting {
    /// The option name.
    pub id: String,
    /// The option's value; text for the options the connector reads.
    #[serde(default)]
    pub value: Value,
}

/// One tax rate of `GET /wc/v3/taxes`
/// (woocommerce/woocommerce `includes/rest-api/Controllers/Version3/class-wc-rest-taxes-controller.php`,
/// `prepare_item_for_response`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WooTaxRate {
    /// Rate id.
    pub id: u64,
    /// ISO country code; `""` matches every country.
    #[serde(default)]
    pub country: String,
    /// State code; `""` matches every state.
    #[serde(default)]
    pub state: String,
    /// Postcodes the rate is limited to (newer shops); empty for none.
    #[serde(default, deserialize_with = "list")]
    pub postcodes: Vec<String>,
    /// Cities the rate is limited to (newer shops); empty for none.
    #[serde(default, deserialize_with = "list")]
    pub cities: Vec<String>,
    /// Single postcode (older shops; `""` for none).
    #[serde(default)]
    pub postcode: String,
    /// Single city (older shops; `""` for none).
    #[serde(default)]
    pub city: String,
    /// Percentage as decimal text, `"21.0000"`.
    pub rate: String,
    /// Priority: one rate per priority applies.
    #[serde(default)]
    pub priority: i64,
    /// Compound: applied on top of the other taxes.
    #[serde(default)]
    pub compound: bool,
    /// Tax class slug; `standard` for the standard rates.
    #[serde(default)]
    pub class: String,
}
