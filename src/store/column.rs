//! The columns of an order that guarded transitions compare and write, named through a type
//! so a misspelt column is a compile error and no statement is ever built from input.

/// A column of `orders` a [`super::Transition`] may compare or write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// What the merchant sees (`manual` is never overwritten by a job).
    Status,
    /// Why it is in `error`.
    Error,
    /// Earliest next automatic attempt after a temporary failure.
    RetryAt,
    /// The webshop's order id.
    WebshopOrderId,
    /// When the webshop completed it.
    CompletedAt,
    /// T&T code to ship with.
    TrackingCode,
    /// Carrier to ship with.
    Carrier,
    /// End of the T&T wait.
    ShipAfter,
    /// Webshop creation step.
    CreateStep,
    /// When creation was first intended.
    CreateIntentAt,
    /// Creation attempts started.
    CreateAttempts,
    /// Shipment step.
    ShipStep,
    /// When the current shipment attempt's intent was committed.
    ShipIntentAt,
    /// Shipment attempts started.
    ShipAttempts,
    /// The marketplace process applying the shipment.
    ShipProcessId,
    /// Shipment processes that failed and were retried.
    ShipFailures,
    /// Cancellation step.
    CancelStep,
    /// Who cancelled.
    CancelOrigin,
    /// When the cancellation intent was committed.
    CancelIntentAt,
    /// Cancellation attempts started.
    CancelAttempts,
    /// The marketplace process applying the cancellation.
    CancelProcessId,
    /// Cancellation processes that failed and were retried.
    CancelFailures,
    /// Whether we cancelled the webshop order.
    WebshopCancelled,
    /// Marketplace label purchase step (migration 0006).
    LabelStep,
    /// When the current label purchase's intent was committed.
    LabelIntentAt,
    /// Label purchases started.
    LabelAttempts,
    /// The marketplace process buying the label.
    LabelProcessId,
    /// Label purchases the marketplace gave up on (TIMEOUT) and that were tried again.
    LabelFailures,
    /// The bought label's id.
    LabelId,
}

impl Column {
    /// The column's name in the schema.
    pub fn name(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::Error => "error",
            Self::RetryAt => "retry_at",
            Self::WebshopOrderId => "webshop_order_id",
            Self::CompletedAt => "completed_at",
            Self::TrackingCode => "tracking_code",
            Self::Carrier => "carrier",
            Self::ShipAfter => "ship_after",
            Self::CreateStep => "create_step",
            Self::CreateIntentAt => "create_intent_at",
            Self::CreateAttempts => "create_attempts",
            Self::ShipStep => "ship_step",
            Self::ShipIntentAt => "ship_intent_at",
            Self::ShipAttempts => "ship_attempts",
            Self::ShipProcessId => "ship_process_id",
            Self::ShipFailures => "ship_failures",
            Self::CancelStep => "cancel_step",
            Self::CancelOrigin => "cancel_origin",
            Self::CancelIntentAt => "cancel_intent_at",
            Self::CancelAttempts => "cancel_attempts",
            Self::CancelProcessId => "cancel_process_id",
            Self::CancelFailures => "cancel_failures",
            Self::LabelStep => "label_step",
            Self::LabelIntentAt => "label_intent_at",
            Self::LabelAttempts => "label_attempts",
            Self::LabelProcessId => "label_process_id",
            Self::LabelFailures => "label_failures",
            Self::LabelId => "label_id",
            Self::WebshopCancelled => "webshop_cancelled",
        }
    }
}
