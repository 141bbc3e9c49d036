//! Track & trace as the WooCommerce Shipment Tracking plugin (and Advanced Shipment Tracking,
//! which uses the same storage) keeps it: the order meta `_wc_shipment_tracking_items`, a list
//! of `{tracking_provider, custom_tracking_provider, tracking_number, date_shipped, ...}`, and
//! the plugin's endpoint `wc-shipment-tracking/v3/orders/{id}/shipment-trackings` for shops
//! whose REST output hides that meta. A shop without the plugin simply has no tracking.
//!
//! The meta comes with every order we read, so it is used first; the route costs one request
//! per order and is asked only for a completed order of ours without the meta, and only once
//! per order change: its answer is kept with the order's `date_modified_gmt` and reused until
//! that moves. (Without this a 200-order run against an independent WooCommerce fake made
//! 2,189 route calls, 11 per order, as the watermark overlap and the re-reads of waiting
//! orders showed the same orders again.) On classic (posts table) storage a code saved later
//! does not move `date_modified` (see `sim/timeline.rs`), so for such shops the meta, which
//! every re-read brings, is what finds a late code.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use orderbridge_core::webshop::TrackingEntry;
use orderbridge_core::ConnectorResult;
use serde_json::Value;

use crate::client::WooClient;
use crate::wire::{WooList, WooMeta, WooOrder, WooShipmentTracking, WooTrackingItem};

/// The order meta key of the Shipment Tracking plugin.
pub const TRACKING_META_KEY: &str = "_wc_shipment_tracking_items";

/// WordPress's error code for a route nobody registered: the plugin is not installed.
const NO_ROUTE_CODE: &str = "rest_no_route";

/// How long a shop without the plugin is believed to stay without it.
const PLUGIN_ABSENCE_TTL: Duration = Duration::from_secs(600);

/// Reads the tracking entries from an order's meta data. `None` when the order has no
/// `_wc_shipment_tracking_items` meta (or it cannot be read); `Some` (maybe empty) otherwise.
pub(crate) fn tracking_from_meta(meta: &[WooMeta]) -> Option<Vec<TrackingEntry>> {
    let entry = meta.iter().rev().find(|m| m.key == TRACKING_META_KEY)?;
    // PHP arrays with gaps in their keys (an item was deleted) arrive as JSON objects; some
    // setups hand the value over as JSON text.
    let items: Vec<Value> = match &entry.value {
        Value::Array(items) => items.clone(),
        Value::Object(by_index) => by_index.values().cloned().collect(),
        Value::String(text) if text.trim().is_empty() => Vec::new(),
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => items,
            _ => {
                tracing::warn!("unreadable {TRACKING_META_KEY} meta; ignoring it");
                return None;
            }
        },
        Value::Null => Vec::new(),
        _ => {
            tracing::warn!("unreadable {TRACKING_META_KEY} meta; ignoring it");
            return None;
        }
    };
    let entries = items
        .into_iter()
        .filter_map(|item| serde_json::from_value::<WooTrackingItem>(item).ok())
        .filter_map(|item| entry_from_item(&item))
        .collect();
    Some(entries)
}

fn entry_from_item(item: &WooTrackingItem) -> Option<TrackingEntry> {
    let code = match item.tracking_number.as_ref()? {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    if code.is_empty() {
        return None;
    }
    let non_empty = |text: &Option<String>| {
        text.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    // A predefined provider is stored as its slug; a custom one leaves the slug empty and
    // fills `custom_tracking_provider` with the merchant's own name.
    let carrier =
        non_empty(&item.tracking_provider).or_else(|| non_empty(&item.custom_tracking_provider));
    Some(TrackingEntry { code, carrier })
}

/// Reads the entries of the plugin's shipment-trackings endpoint.
pub(crate) fn tracking_from_endpoint(items: Vec<WooShipmentTracking>) -> Vec<TrackingEntry> {
    items
        .into_iter()
        .filter_map(|item| {
            let code = item.tracking_number.trim().to_owned();
            if code.is_empty() {
                return None;
            }
            let provider = item.tracking_provider.trim();
            Some(TrackingEntry {
                code,
                carrier: (!provider.is_empty()).then(|| provider.to_owned()),
            })
        })
        .collect()
}

/// Remembers for a while that the shop has no Shipment Tracking plugin, so a poll does not ask
/// its endpoint once per completed order.
#[derive(Debug, Default)]
pub(crate) struct TrackingPluginProbe {
    absent_since: Mutex<Option<Instant>>,
}

impl TrackingPluginProbe {
    fn known_absent(&self) -> bool {
        let guard = self.absent_since.lock().unwrap_or_else(|p| p.into_inner());
        guard.is_some_and(|since| since.elapsed() < PLUGIN_ABSENCE_TTL)
    }

    fn record(&self, absent: bool) {
        let mut guard = self.absent_since.lock().unwrap_or_else(|p| p.into_inner());
        *guard = absent.then(Instant::now);
    }
}

/// At most this many orders' route answers are kept; past it the memory starts afresh (which
/// only costs one more request per order).
const ROUTE_ANSWERS_KEPT: usize = 20_000;

/// The plugin route's last answer per order, with the order's `date_modified_gmt` it was given
/// for.
#[derive(Debug, Default)]
pub(crate) struct RouteAnswers {
    by_order: Mutex<HashMap<u64, RouteAnswer>>,
}

/// The route's answer for one order: at which `date_modified_gmt`, what, and when asked.
type RouteAnswer = (String, Vec<TrackingEntry>, Instant);

/// How long "no tracking" from the route is trusted for an unchanged order. On classic
/// storage a code saved later does not move `date_modified`, and a shop that hides the meta
/// from the REST output shows the code only through the route: a waiting order is asked again
/// after this long (a three-hour wait costs at most six calls), never on every run.
const EMPTY_ANSWER_TTL: Duration = Duration::from_secs(30 * 60);

impl RouteAnswers {
    fn get(&self, order_id: u64, modified: &str, now: Instant) -> Option<Vec<TrackingEntry>> {
        let guard = self.by_order.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .get(&order_id)
            .filter(|(at, _, _)| at == modified)
            .filter(|(_, entries, asked)| {
                !entries.is_empty() || now.saturating_duration_since(*asked) < EMPTY_ANSWER_TTL
            })
            .map(|(_, entries, _)| entries.clone())
    }

    fn remember(&self, order_id: u64, modified: String, entries: Vec<TrackingEntry>, now: Instant) {
        let mut guard = self.by_order.lock().unwrap_or_else(|p| p.into_inner());
        if guard.len() >= ROUTE_ANSWERS_KEPT && !guard.contains_key(&order_id) {
            guard.clear();
        }
        guard.insert(order_id, (modified, entries, now));
    }
}

impl WooClient {
    /// Tracking of `order` from the plugin's route, asked once per change of the order: while
    /// its `date_modified_gmt` stays the same, the last answer is reused (an empty one for
    /// [`EMPTY_ANSWER_TTL`]). An order without a
    /// modification date is asked each time.
    pub(crate) async fn tracking_from_plugin_once(
        &self,
        order: &WooOrder,
    ) -> ConnectorResult<Vec<TrackingEntry>> {
        let modified = order.date_modified_gmt.as_deref().map(str::trim);
        let now = Instant::now();
        if let Some(entries) = modified.and_then(|at| self.route_answers.get(order.id, at, now)) {
            return Ok(entries);
        }
        let entries = self.tracking_from_plugin(order.id).await?;
        // "No plugin" is remembered by the probe for a while, not per order.
        if let (Some(at), false) = (modified, self.tracking_plugin.known_absent()) {
            self.route_answers
                .remember(order.id, at.to_owned(), entries.clone(), now);
        }
        Ok(entries)
    }

    /// Tracking of order `order_id` from the plugin's endpoint; empty when the plugin is not
    /// installed (404 `rest_no_route`) or knows no such order.
    pub(crate) async fn tracking_from_plugin(
        &self,
        order_id: u64,
    ) -> ConnectorResult<Vec<TrackingEntry>> {
        if self.tracking_plugin.known_absent() {
            return Ok(Vec::new());
        }
        let path = format!("wc-shipment-tracking/v3/orders/{order_id}/shipment-trackings");
        match self
            .http
            .get_raw::<WooList<WooShipmentTracking>>(&path, &[])
            .await
        {
            Ok(reply) => {
                self.tracking_plugin.record(false);
                Ok(tracking_from_endpoint(reply.body.0))
            }
            Err(failure) if failure.status.map(|s| s.as_u16()) == Some(404) => {
                if failure.vendor_code.as_deref() == Some(NO_ROUTE_CODE) {
                    tracing::info!("WooCommerce Shipment Tracking plugin not installed");
                    self.tracking_plugin.record(true);
                }
                Ok(Vec::new())
            }
            Err(failure) => Err(failure.error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn meta(value: Value) -> Vec<WooMeta> {
        vec![
            WooMeta::text("_orderbridge_order_code", "OB0123456789"),
            WooMeta {
                id: Some(7),
                key: TRACKING_META_KEY.into(),
                value,
            },
        ]
    }

    #[test]
    fn predefined_provider_slug_wins_over_empty_custom_name() {
        let entries = tracking_from_meta(&meta(json!([
            {"tracking_provider": "postnl", "custom_tracking_provider": "", "tracking_number": " 3SABCD1234567 ", "date_shipped": "1700000000", "tracking_id": "a1"},
            {"tracking_provider": "", "custom_tracking_provider": "Budbee", "tracking_number": "BUD123456", "date_shipped": 1700000500},
            {"tracking_provider": "", "custom_tracking_provider": "", "tracking_number": "NOCARRIER1"}
        ])))
        .unwrap();
        assert_eq!(
            entries,
            vec![
                TrackingEntry {
                    code: "3SABCD1234567".into(),
                    carrier: Some("postnl".into())
                },
                TrackingEntry {
                    code: "BUD123456".into(),
                    carrier: Some("Budbee".into())
                },
                TrackingEntry {
                    code: "NOCARRIER1".into(),
                    carrier: None
                },
            ]
        );
    }

    #[test]
    fn object_keyed_by_index_and_numeric_codes_are_read() {
        let entries = tracking_from_meta(&meta(json!({
            "1": {"tracking_provider": "dhl", "tracking_number": 123456789012_u64}
        })))
        .unwrap();
        assert_eq!(entries[0].code, "123456789012");
        assert_eq!(entries[0].carrier.as_deref(), Some("dhl"));
    }

    #[test]
    fn absent_meta_is_none_and_empty_items_are_skipped() {
        assert_eq!(tracking_from_meta(&[WooMeta::text("other", "x")]), None);
        assert_eq!(
            tracking_from_meta(&meta(json!([{"tracking_number": ""}]))),
            Some(vec![])
        );
        assert_eq!(tracking_from_meta(&meta(json!(42))), None);
    }

    #[test]
    fn endpoint_items_use_the_formatted_provider() {
        let entries = tracking_from_endpoint(vec![
            WooShipmentTracking {
                tracking_id: "x".into(),
                tracking_provider: "PostNL".into(),
                tracking_number: "3SABCD1234567".into(),
                ..WooShipmentTracking::default()
            },
            WooShipmentTracking::default(),
        ]);
        assert_eq!(
            entries,
            vec![TrackingEntry {
                code: "3SABCD1234567".into(),
                carrier: Some("PostNL".into())
            }]
        );
    }

    #[test]
    fn route_answers_hold_for_one_modification_time() {
        let answers = RouteAnswers::default();
        let entry = TrackingEntry {
            code: "3SABCD1234567".into(),
            carrier: None,
        };
        let now = Instant::now();
        let later = now + EMPTY_ANSWER_TTL;
        assert_eq!(answers.get(7, "2026-12-07T10:00:00", now), None);
        answers.remember(7, "2026-12-07T10:00:00".into(), vec![entry.clone()], now);
        assert_eq!(
            answers.get(7, "2026-12-07T10:00:00", later),
            Some(vec![entry])
        );
        assert_eq!(
            answers.get(7, "2026-12-07T10:00:01", now),
            None,
            "changed since"
        );
        assert_eq!(answers.get(8, "2026-12-07T10:00:00", now), None);
        answers.remember(7, "2026-12-07T10:00:01".into(), vec![], now);
        assert_eq!(answers.get(7, "2026-12-07T10:00:01", now), Some(vec![]));
        // "None" is asked again after a while: a code saved later may not move the date.
        assert_eq!(answers.get(7, "2026-12-07T10:00:01", later), None);
    }

    #[test]
    fn plugin_absence_is_remembered() {
        let probe = TrackingPluginProbe::default();
        assert!(!probe.known_absent());
        probe.record(true);
        assert!(probe.known_absent());
        probe.record(false);
        assert!(!probe.known_absent());
    }
}
