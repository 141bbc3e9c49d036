//! An interrupted write whose outcome cannot be looked up: the intent was recorded, the
//! answer never was (a crash, a lost reply), and the vendor cannot find what a write did —
//! a webshop without lookup by our code, a marketplace without process lookup (the
//! connectors' capabilities). Sending it again could create a second order or report a
//! second shipment, so the order stops in `error` with what to check; the merchant's resend
//! (after checking) sends it again (`manage.rs`).

use orderbridge_core::{Marketplace, Webshop};

use crate::status::Step;
use crate::store::{Column, OrderRecord, Transition};

use super::{Engine, JobError};

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    /// Stops `order`, whose `step` column is `requested`, in `error` with `message`.
    pub(super) async fn stop_unresolved(
        &self,
        order: &OrderRecord,
        step: Column,
        message: &str,
    ) -> Result<(), JobError> {
        self.transition(
            order,
            Transition::of(order.id)
                .when(step, Step::Requested)
                .into_error(message),
        )
        .await?;
        Ok(())
    }
}
