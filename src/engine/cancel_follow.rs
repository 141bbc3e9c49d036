//! Following cancellations the marketplace accepted: every line's process must succeed; a
//! refusal stops the order in `error`, a time-out looks each line up and sends it again.

use std::collections::HashMap;

use orderbridge_core::domain::ProcessId;
use orderbridge_core::marketplace::ProcessState;
use orderbridge_core::{Marketplace, Webshop};

use super::{Engine, JobError};
use crate::status::Step;
use crate::store::{EventKind, OrderRecord, Transition};

impl<M: Marketplace, W: Webshop> Engine<M, W> {
    pub(super) async fn follow_cancellations(
        &self,
        pending: &[OrderRecord],
    ) -> Result<usize, JobError> {
        let ids: Vec<ProcessId> = pending
            .iter()
            .filter_map(|o| o.cancel_process_id.as_deref())
            .flat_map(|joined| joined.split(','))
            .filter_map(|id| ProcessId::parse(id).ok())
            .collect();
        if ids.is_empty() {
            return Ok(0);
        }
        let processes = match self.marketplace.processes(&ids).await {
            Ok(processes) => processes,
            Err(error) => {
                tracing::warn!(connection = %self.settings.connection, "reading cancellation processes failed, will retry: {error}");
                return Ok(0);
            }
        };
        let states: HashMap<&str, &ProcessState> = processes
            .iter()
            .map(|p| (p.id.as_str(), &p.state))
            .collect();
        let mut n_done = 0;
        for order in pending {
            let Some(joined) = order.cancel_process_id.as_deref() else {
                continue;
            };
            let of_order: Vec<Option<&&ProcessState>> =
                joined.split(',').map(|id| states.get(id)).collect();
            let failure = of_order.iter().find_map(|state| match state {
                Some(ProcessState::Failed { message }) => Some(message.clone()),
                _ => None,
            });
            let done = if let Some(message) = failure {
                self.fail_cancellation(
                    order,
                    Step::Pending,
                    &format!("the marketplace refused the cancellation: {message}"),
                )
                .await?
            } else if of_order
                .iter()
                .any(|s| matches!(s, Some(ProcessState::TimedOut)))
            {
                self.transition(
                    order,
                    Transition::of(order.id)
                        .when("cancel_step", Step::Pending)
                        .set("cancel_step", Step::Requested)
                        .set("cancel_process_id", Option::<String>::None)
                        .event(EventKind::Error, "the marketplace timed out processing the cancellation; sending it again"),
                )
                .await?
            } else if of_order
                .iter()
                .all(|s| matches!(s, Some(ProcessState::Succeeded)))
            {
                self.cancellation_done(order, "marketplace confirmed the cancellation: cancelled")
                    .await?
            } else {
                false
            };
            if done {
                n_done += 1;
            }
        }
        Ok(n_done)
    }
}
