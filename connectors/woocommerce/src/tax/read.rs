//! Reading a shop's tax settings over REST, and keeping them per client.
//!
//! Reads, all retried like any GET: `GET settings/general` (`woocommerce_calc_taxes`,
//! `woocommerce_default_country`) and, when the shop calculates taxes, `GET settings/tax`
//! (`woocommerce_prices_include_tax`, `woocommerce_tax_based_on`,
//! `woocommerce_tax_round_at_subtotal`) and every page of `GET taxes` (woocommerce/woocommerce `plugins/woocommerce/`
//! `includes/class-wc-register-wp-admin-settings.php`: every admin settings page, `tax`
//! included, is a REST setting group; `includes/admin/settings/class-wc-settings-tax.php` for
//! the option ids and their `yes`/`no` values; `includes/rest-api/Controllers/Version3/
//! class-wc-rest-taxes-controller.php` for the rates). The result is kept for
//! `tax_refresh_hours` and forgotten early when a created order's total differs from what the
//! buyer paid, so a merchant's change of rates is picked up by the next order.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use orderbridge_core::{ConnectorError, ConnectorResult};

use super::model::{TaxBasedOn, TaxRate, TaxSettings};
use super::wire::{WooSetting, WooTaxRate};
use crate::client::WooClient;
use crate::error_mapping::VENDOR;
use crate::wire::WooList;

/// The tax settings last read, with the time they were read.
#[derive(Debug)]
pub(crate) struct TaxSettingsCache {
    max_age: Duration,
    entry: Mutex<Option<(Arc<TaxSettings>, Instant)>>,
}

impl TaxSettingsCache {
    /// An empty cache whose entries are trusted for `max_age`.
    pub(crate) fn new(max_age: Duration) -> Self {
        Self {
            max_age,
            entry: Mutex::new(None),
        }
    }

    fn fresh(&self) -> Option<Arc<TaxSettings>> {
        let entry = self.entry.lock().unwrap_or_else(|p| p.into_inner());
        entry
            .as_ref()
            .filter(|(_, read_at)| read_at.elapsed() < self.max_age)
            .map(|(settings, _)| Arc::clone(settings))
    }

    fn put(&self, settings: Arc<TaxSettings>) {
        *self.entry.lock().unwrap_or_else(|p| p.into_inner()) = Some((settings, Instant::now()));
    }

    /// Drops the settings, so the next order reads them again.
    pub(crate) fn forget(&self) {
        *self.entry.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// A failed settings read: retryable failures stay what they are (the order is tried again
/// later); anything else stops this order with what to do.
fn settings_error(endpoint: &str, error: ConnectorError) -> ConnectorError {
    if error.is_retryable() {
        return error;
    }
    ConnectorError::Rejected {
        vendor: VENDOR.to_owned(),
        message: format!(
            "cannot read the shop's tax settings (GET {endpoint}: {error}); the API key's user \
             needs the manage_woocommerce capability, or set taxes = \"gross\" in [webshop] to \
             send amounts including VAT"
        ),
    }
}

fn invalid(location: &str, message: String) -> ConnectorError {
    ConnectorError::InvalidPayload {
        vendor: VENDOR.to_owned(),
        location: location.to_owned(),
        message,
    }
}

fn option<'a>(settings: &'a [WooSetting], id: &str) -> Option<&'a str> {
    settings
        .iter()
        .find(|setting| setting.id == id)
        .and_then(|setting| setting.value.as_str())
        .map(str::trim)
}

/// A percentage as the API writes it (`"21.0000"`, `"6"`) times 10,000.
fn percent_e4(text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if fraction.len() > 4 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<4}").parse().ok()?;
    whole.checked_mul(10_000)?.checked_add(fraction)
}

fn rate_from_wire(rate: &WooTaxRate) -> ConnectorResult<TaxRate> {
    let percent_e4 = percent_e4(&rate.rate).ok_or_else(|| {
        invalid(
            "GET taxes: rate",
            format!(
                "rate {} has an unreadable percentage {:?}",
                rate.id, rate.rate
            ),
        )
    })?;
    let limited = !rate.state.trim().is_empty()
        || !rate.postcode.trim().is_empty()
        || !rate.city.trim().is_empty()
        || !rate.postcodes.is_empty()
        || !rate.cities.is_empty();
    Ok(TaxRate {
        id: rate.id,
        country: rate.country.trim().to_ascii_uppercase(),
        class: match rate.class.trim() {
            "standard" => String::new(),
            slug => slug.to_owned(),
        },
        percent_e4,
        priority: rate.priority,
        compound: rate.compound,
        limited,
    })
}

/// The settings from the answers of the three reads.
///
/// # Errors
///
/// [`ConnectorError::InvalidPayload`] when `woocommerce_calc_taxes` is missing, an option has
/// a value WooCommerce does not give it, or a rate is unreadable.
pub(crate) fn settings_from_wire(
    general: &[WooSetting],
    tax: &[WooSetting],
    rates: &[WooTaxRate],
) -> ConnectorResult<TaxSettings> {
    let flag = |settings: &[WooSetting], group: &str, id: &str, default: Option<bool>| match (
        option(settings, id),
        default,
    ) {
        (Some("yes"), _) => Ok(true),
        (Some("no"), _) => Ok(false),
        (None, Some(default)) => Ok(default),
        (value, _) => Err(invalid(
            &format!("GET settings/{group}: {id}"),
            format!("expected yes or no, got {value:?}"),
        )),
    };
    let calc_taxes = flag(general, "general", "woocommerce_calc_taxes", None)?;
    let based_on = match option(tax, "woocommerce_tax_based_on") {
        None | Some("shipping") => TaxBasedOn::Shipping,
        Some("billing") => TaxBasedOn::Billing,
        Some("base") => TaxBasedOn::Base,
        Some(other) => {
            return Err(invalid(
                "GET settings/tax: woocommerce_tax_based_on",
                format!("expected shipping, billing or base, got {other:?}"),
            ))
        }
    };
    let base_country = option(general, "woocommerce_default_country")
        .unwrap_or_default()
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    Ok(TaxSettings {
        calc_taxes,
        prices_include_tax: flag(tax, "tax", "woocommerce_prices_include_tax", Some(false))?,
        based_on,
        round_at_subtotal: flag(tax, "tax", "woocommerce_tax_round_at_subtotal", Some(false))?,
        base_country,
        rates: rates
            .iter()
            .map(rate_from_wire)
            .collect::<ConnectorResult<_>>()?,
    })
}

impl WooClient {
    /// The shop's tax settings: from the cache while fresh, else read again.
    ///
    /// # Errors
    ///
    /// Transient failures as they are; a refused or unreadable read as
    /// [`ConnectorError::Rejected`] saying what to do.
    pub(crate) async fn tax_settings(&self) -> ConnectorResult<Arc<TaxSettings>> {
        if let Some(settings) = self.tax_settings.fresh() {
            return Ok(settings);
        }
        let read = |endpoint: &'static str| async move {
            self.http
                .get::<WooList<WooSetting>>(endpoint, &[])
                .await
                .map(|reply| reply.body.0)
                .map_err(|e| settings_error(endpoint, e))
        };
        let general = read("wc/v3/settings/general").await?;
        let mut tax = Vec::new();
        let mut rates: Vec<WooTaxRate> = Vec::new();
        // The `tax` settings page (and so, it seems, its REST group) only exists while taxes
        // are on (`WC_Settings_Tax::add_settings_page`), so it is only read then.
        if option(&general, "woocommerce_calc_taxes") == Some("yes") {
            tax = read("wc/v3/settings/tax").await?;
            self.http
                .for_each_page("wc/v3/taxes", &[], |page: Vec<WooTaxRate>| {
                    rates.extend(page);
                    std::ops::ControlFlow::<()>::Continue(())
                })
                .await
                .map_err(|e| settings_error("wc/v3/taxes", e))?;
        }
        let settings = Arc::new(
            settings_from_wire(&general, &tax, &rates)
                .map_err(|e| settings_error("settings", e))?,
        );
        tracing::info!(
            calc_taxes = settings.calc_taxes,
            n_rates = settings.rates.len(),
            "read the WooCommerce tax settings"
        );
        self.tax_settings.put(Arc::clone(&settings));
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(pairs: &[(&str, &str)]) -> Vec<WooSetting> {
        pairs
            .iter()
            .map(|(id, value)| WooSetting {
                id: (*id).into(),
                value: json!(value),
            })
            .collect()
    }

    #[test]
    fn the_cache_keeps_settings_until_they_are_old_or_forgotten() {
        let settings = Arc::new(TaxSettings::without_taxes());
        let daily = TaxSettingsCache::new(Duration::from_secs(24 * 3600));
        assert!(daily.fresh().is_none());
        daily.put(Arc::clone(&settings));
        assert_eq!(daily.fresh(), Some(Arc::clone(&settings)));
        daily.forget();
        assert!(daily.fresh().is_none());
        let expired = TaxSettingsCache::new(Duration::ZERO);
        expired.put(settings);
        assert!(expired.fresh().is_none());
    }

    #[test]
    fn percentages_are_read_exactly() {
        assert_eq!(percent_e4("21.0000"), Some(210_000));
        assert_eq!(percent_e4("6"), Some(60_000));
        assert_eq!(percent_e4("5.5"), Some(55_000));
        for bad in ["", "abc", "-1", "1.23456", "1,5"] {
            assert_eq!(percent_e4(bad), None, "{bad}");
        }
    }

    #[test]
    fn options_and_rates_are_read_as_core_gives_them() {
        let general = settings(&[
            ("woocommerce_calc_taxes", "yes"),
            ("woocommerce_default_country", "NL:"),
        ]);
        let tax = settings(&[
            ("woocommerce_prices_include_tax", "yes"),
            ("woocommerce_tax_based_on", "billing"),
        ]);
        let rates: Vec<WooTaxRate> = serde_json::from_value(json!([
            {"id": 1, "country": "NL", "rate": "21.0000", "priority": 1, "class": "standard"},
            {"id": 2, "country": "nl", "rate": "9.0000", "priority": 1, "class": "reduced-rate",
             "postcodes": [], "cities": []},
            {"id": 3, "country": "NL", "rate": "1.0000", "class": "standard", "postcodes": ["1017*"]},
        ]))
        .unwrap();
        let read = settings_from_wire(&general, &tax, &rates).unwrap();
        assert!(read.calc_taxes && read.prices_include_tax && !read.round_at_subtotal);
        assert_eq!(read.based_on, TaxBasedOn::Billing);
        assert_eq!(read.base_country, "NL");
        assert_eq!(read.rates[0].class, "");
        assert_eq!(read.rates[1].country, "NL");
        assert!(!read.rates[1].limited && read.rates[2].limited);
    }

    #[test]
    fn missing_or_odd_options_are_named() {
        let err = settings_from_wire(&[], &[], &[]).unwrap_err();
        assert!(err.to_string().contains("woocommerce_calc_taxes"), "{err}");
        let general = settings(&[("woocommerce_calc_taxes", "yes")]);
        let tax = settings(&[("woocommerce_tax_based_on", "moon")]);
        let err = settings_from_wire(&general, &tax, &[]).unwrap_err();
        assert!(
            err.to_string().contains("woocommerce_tax_based_on"),
            "{err}"
        );
    }

    #[test]
    fn refusals_say_what_to_do_and_transient_failures_stay_retryable() {
        let refused = settings_error(
            "wc/v3/settings/tax",
            ConnectorError::Auth {
                message: "403".into(),
            },
        );
        assert!(
            refused.to_string().contains("taxes = \"gross\""),
            "{refused}"
        );
        let transient = ConnectorError::Transient {
            message: "503".into(),
        };
        assert_eq!(settings_error("x", transient.clone()), transient);
    }
}
