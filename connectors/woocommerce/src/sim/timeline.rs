//! When the simulated shop's orders change, as seen through `date_modified`: the shop's clock
//! (which tests may move forward or stop), the two order storages and what each does to
//! `date_modified` when only meta data is saved, and orders that change while a client walks
//! the orders list.
//!
//! Storage, as WooCommerce core has it:
//! - Classic (posts table, "CPT") storage: `update()` in
//!   woocommerce/woocommerce `plugins/woocommerce/includes/data-stores/abstract-wc-order-data-store-cpt.php`
//!   saves the meta data and touches the post (and so `post_modified_gmt`, which the REST
//!   `modified_after` filter and `orderby=modified` read, see
//!   `includes/rest-api/Controllers/Version3/class-wc-rest-crud-controller.php`
//!   `prepare_objects_query`) only when a post field changed (dates, status, parent, excerpt).
//!   Tracking plugins store their items as order meta only (`_wc_shipment_tracking_items`
//!   through `update_post_meta` or `$order->update_meta_data()` + `save()`/`save_meta_data()`),
//!   so a code added to a completed order leaves `date_modified` where it was.
//! - HPOS (custom order tables): since woocommerce/woocommerce pull request #39911 ("Update
//!   modified date when a metadata is saved for HPOS") saving meta data also updates
//!   `date_updated_gmt`. This is the simulator's default.

use chrono::{DateTime, Utc};

use super::state::{now_to_the_second, SimState};

impl SimState {
    /// The shop's clock, to the whole second.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock_frozen_at.unwrap_or_else(now_to_the_second) + self.clock_offset
    }

    /// Stops the shop's clock at the current second (`true`) or lets it run again.
    pub(crate) fn freeze_clock(&mut self, frozen: bool) {
        self.clock_frozen_at = frozen.then(now_to_the_second);
    }

    /// Whether saving an order's meta data alone moves its `date_modified` (HPOS: yes; classic
    /// posts storage: no).
    pub(crate) fn meta_save_bumps_modified(&self) -> bool {
        !self.classic_storage
    }

    /// Changes order `id` the way any edit in the back office does: `date_modified` becomes now.
    pub(crate) fn touch_order(&mut self, id: u64) -> bool {
        let now = self.now();
        match self.orders.get_mut(&id) {
            Some(order) => {
                order.modified_at = now;
                true
            }
            None => false,
        }
    }

    /// Called after an orders list page was rendered: the merchant edits the next order queued
    /// with [`SimState::change_during_walk`], so it moves within the list between two page
    /// requests.
    pub(crate) fn after_orders_page(&mut self) {
        if let Some(id) = self.change_during_walk.pop_front() {
            self.touch_order(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::tracking::TRACKING_META_KEY;

    fn shop_with_order(classic: bool) -> (SimState, u64) {
        let mut state = SimState::default();
        state.classic_storage = classic;
        let id = state
            .create_order(&json!({"status": "processing"}))
            .unwrap();
        state.set_status(id, "completed");
        state.clock_offset = chrono::Duration::minutes(5);
        (state, id)
    }

    #[test]
    fn classic_storage_keeps_date_modified_when_tracking_is_added() {
        let (mut state, id) = shop_with_order(true);
        let before = state.orders[&id].modified_at;
        assert!(state.add_tracking(id, "PostNL", "3SABCD1234567"));
        let order = &state.orders[&id];
        assert!(order.meta_value(TRACKING_META_KEY).is_some());
        assert_eq!(
            order.modified_at, before,
            "meta alone does not touch the post"
        );
        state
            .update_order(id, &json!({"meta_data": [{"key": "note", "value": "x"}]}))
            .unwrap();
        assert_eq!(state.orders[&id].modified_at, before);
        state.set_status(id, "cancelled");
        assert!(
            state.orders[&id].modified_at > before,
            "a status change does"
        );
    }

    #[test]
    fn hpos_storage_moves_date_modified_when_tracking_is_added() {
        let (mut state, id) = shop_with_order(false);
        let before = state.orders[&id].modified_at;
        assert!(state.add_tracking(id, "PostNL", "3SABCD1234567"));
        assert_eq!(
            state.orders[&id].modified_at,
            before + chrono::Duration::minutes(5)
        );
    }

    #[test]
    fn a_queued_change_happens_after_the_next_page_only() {
        let (mut state, id) = shop_with_order(false);
        let before = state.orders[&id].modified_at;
        state.change_during_walk.push_back(id);
        state.after_orders_page();
        assert!(state.orders[&id].modified_at > before);
        let touched = state.orders[&id].modified_at;
        state.clock_offset = chrono::Duration::minutes(9);
        state.after_orders_page();
        assert_eq!(state.orders[&id].modified_at, touched, "only once");
    }
}
