//! The client-side rate budgets of one [`crate::BolClient`]: which group of endpoints a call
//! belongs to ([`RateGroup`]) and one core [`RateBudget`] per group, filled from
//! [`crate::config::BolRateLimits`]. Before each request the client reserves a slot and waits
//! the time the budget names, until bol's own `x-ratelimit-*` headers told the endpoint's
//! budget (the HTTP kit's `AdaptiveBudget`, fed by `client.rs`).

use std::time::{Duration, Instant};

use orderbridge_core::{RateBudget, RateLimit};
use reqwest::Method;

use crate::config::BolRateLimits;

/// A group of endpoints sharing one budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RateGroup {
    /// `GET /retailer/orders`.
    OrdersList,
    /// `GET /retailer/orders/{order-id}`.
    OrderDetail,
    /// Writes under `/retailer/orders` (the cancellation).
    OrderCancellation,
    /// `/retailer/shipments`, and `/retailer/shipping-labels...` (delivery options, buying a
    /// label, the label itself): bol publishes no limit of its own for the labels, and the
    /// project's tables name none, so they start from the shipments' budget until bol's
    /// `x-ratelimit-*` headers tell each endpoint's own.
    Shipments,
    /// `/shared/process-status...`.
    ProcessStatus,
    /// `/retailer/offers...` (export and stock).
    Offers,
}

impl RateGroup {
    /// The group of an endpoint named `METHOD /path/{template}` (as [`crate::call::ApiCall`]
    /// names them). Anything not under a known prefix shares the order-writes budget, the
    /// strictest of the write groups.
    pub(crate) fn of(method: &Method, endpoint: &str) -> Self {
        let path = endpoint.split_once(' ').map_or(endpoint, |(_, path)| path);
        if path.starts_with("/shared/process-status") {
            Self::ProcessStatus
        } else if path.starts_with("/retailer/offers") {
            Self::Offers
        } else if path.starts_with("/retailer/shipments")
            || path.starts_with("/retailer/shipping-labels")
        {
            Self::Shipments
        } else if *method == Method::GET && path == "/retailer/orders" {
            Self::OrdersList
        } else if *method == Method::GET && path.starts_with("/retailer/orders/") {
            Self::OrderDetail
        } else {
            Self::OrderCancellation
        }
    }
}

/// One token bucket per [`RateGroup`].
#[derive(Debug)]
pub(crate) struct RateBudgets {
    orders_list: RateBudget,
    order_detail: RateBudget,
    order_cancellation: RateBudget,
    shipments: RateBudget,
    process_status: RateBudget,
    offers: RateBudget,
}

impl RateBudgets {
    /// Full buckets for `limits`.
    pub(crate) fn new(limits: &BolRateLimits) -> Self {
        Self {
            orders_list: RateBudget::new(limits.orders_list),
            order_detail: RateBudget::new(limits.order_detail),
            order_cancellation: RateBudget::new(limits.order_cancellation),
            shipments: RateBudget::new(limits.shipments),
            process_status: RateBudget::new(limits.process_status),
            offers: RateBudget::new(limits.offers),
        }
    }

    /// Takes one request from `group`'s budget; returns how long to wait before sending it.
    pub(crate) fn reserve(&self, group: RateGroup) -> Duration {
        let budget = match group {
            RateGroup::OrdersList => &self.orders_list,
            RateGroup::OrderDetail => &self.order_detail,
            RateGroup::OrderCancellation => &self.order_cancellation,
            RateGroup::Shipments => &self.shipments,
            RateGroup::ProcessStatus => &self.process_status,
            RateGroup::Offers => &self.offers,
        };
        budget.reserve(Instant::now())
    }
}

/// Checks a configured limit, naming the group when it cannot work.
///
/// # Errors
///
/// A message when `requests` is 0 or `per_secs` is not a positive number.
pub(crate) fn check_limit(name: &str, limit: &RateLimit) -> Result<(), String> {
    if limit.requests == 0 {
        return Err(format!("rate_limits.{name}.requests must be at least 1"));
    }
    if !(limit.per_secs.is_finite() && limit.per_secs > 0.0) {
        return Err(format!(
            "rate_limits.{name}.per_secs must be a positive number of seconds"
        ));
    }
    Ok(())
}

/// Every group of `limits` with its config name, for validation.
pub(crate) fn named_limits(limits: &BolRateLimits) -> [(&'static str, &RateLimit); 6] {
    [
        ("orders_list", &limits.orders_list),
        ("order_detail", &limits.order_detail),
        ("order_cancellation", &limits.order_cancellation),
        ("shipments", &limits.shipments),
        ("process_status", &limits.process_status),
        ("offers", &limits.offers),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_the_client_calls_has_its_group() {
        let cases = [
            (Method::GET, "GET /retailer/orders", RateGroup::OrdersList),
            (
                Method::GET,
                "GET /retailer/orders/{order-id}",
                RateGroup::OrderDetail,
            ),
            (
                Method::PUT,
                "PUT /retailer/orders/cancellation",
                RateGroup::OrderCancellation,
            ),
            (
                Method::POST,
                "POST /retailer/shipments",
                RateGroup::Shipments,
            ),
            (
                Method::POST,
                "POST /retailer/shipping-labels/delivery-options",
                RateGroup::Shipments,
            ),
            (
                Method::POST,
                "POST /retailer/shipping-labels",
                RateGroup::Shipments,
            ),
            (
                Method::GET,
                "GET /retailer/shipping-labels/{shipping-label-id}",
                RateGroup::Shipments,
            ),
            (
                Method::GET,
                "GET /shared/process-status/{process-status-id}",
                RateGroup::ProcessStatus,
            ),
            (
                Method::POST,
                "POST /shared/process-status",
                RateGroup::ProcessStatus,
            ),
            (
                Method::POST,
                "POST /retailer/offers/export",
                RateGroup::Offers,
            ),
            (
                Method::PUT,
                "PUT /retailer/offers/{offer-id}/stock",
                RateGroup::Offers,
            ),
        ];
        for (method, endpoint, group) in cases {
            assert_eq!(RateGroup::of(&method, endpoint), group, "{endpoint}");
        }
    }

    #[test]
    fn groups_draw_from_separate_buckets() {
        let limits = BolRateLimits {
            orders_list: RateLimit::per_second(1),
            ..BolRateLimits::default()
        };
        let budgets = RateBudgets::new(&limits);
        assert_eq!(budgets.reserve(RateGroup::OrdersList), Duration::ZERO);
        assert!(budgets.reserve(RateGroup::OrdersList) > Duration::ZERO);
        assert_eq!(budgets.reserve(RateGroup::OrderDetail), Duration::ZERO);
    }

    #[test]
    fn unusable_limits_are_named() {
        let zero = RateLimit {
            requests: 0,
            per_secs: 1.0,
        };
        assert!(check_limit("shipments", &zero)
            .unwrap_err()
            .contains("rate_limits.shipments.requests"));
        let negative = RateLimit {
            requests: 1,
            per_secs: -1.0,
        };
        assert!(check_limit("offers", &negative).is_err());
        assert!(named_limits(&BolRateLimits::default())
            .iter()
            .all(|(name, limit)| check_limit(name, limit).is_ok()));
    }
}
