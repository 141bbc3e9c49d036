//! The customer e-mails WooCommerce core sends when an order changes status, so tests can see
//! whether a marketplace buyer would get mail from the shop. Each customer e-mail class hooks
//! status transitions (`woocommerce_order_status_{from}_to_{to}_notification`, or
//! `..._completed_notification` for any move to completed) and sends to the billing e-mail,
//! only when there is one (`if ( $this->is_enabled() && $this->get_recipient() )`); see
//! plugins/woocommerce/includes/emails/class-wc-email-customer-{on-hold,processing,completed,
//! refunded}-order.php. An order created through the REST API starts as `pending`, so creating
//! it as `processing` (or marking it paid) is the transition `pending` → `processing`.

use serde_json::Value;

/// One customer e-mail the simulated shop sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimEmail {
    /// The order it is about.
    pub order_id: u64,
    /// WooCommerce's e-mail id, e.g. `customer_processing_order`.
    pub email_id: &'static str,
    /// Where it went (the billing e-mail).
    pub recipient: String,
}

/// The customer e-mail core sends for a status change, if any.
fn email_for(from: &str, to: &str) -> Option<&'static str> {
    match (from, to) {
        ("pending" | "failed" | "cancelled", "on-hold") => Some("customer_on_hold_order"),
        ("pending" | "failed" | "cancelled" | "on-hold", "processing") => {
            Some("customer_processing_order")
        }
        (_, "completed") => Some("customer_completed_order"),
        (_, "refunded") => Some("customer_refunded_order"),
        _ => None,
    }
}

/// The e-mail for order `order_id` moving `from` → `to`, when core would send one to the
/// order's `billing` address.
pub(crate) fn customer_email(
    order_id: u64,
    billing: &Value,
    from: &str,
    to: &str,
) -> Option<SimEmail> {
    let email_id = email_for(from, to)?;
    let recipient = billing
        .get("email")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|address| !address.is_empty())?;
    Some(SimEmail {
        order_id,
        email_id,
        recipient: recipient.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn core_mails_the_billing_address_on_its_transitions_only() {
        let billing = json!({ "email": "koper@example.nl" });
        let sent = customer_email(7, &billing, "pending", "processing").unwrap();
        assert_eq!(sent.email_id, "customer_processing_order");
        assert_eq!(sent.recipient, "koper@example.nl");
        assert!(customer_email(7, &billing, "processing", "completed").is_some());
        assert!(customer_email(7, &billing, "processing", "cancelled").is_none());
        assert!(customer_email(7, &billing, "completed", "processing").is_none());
    }

    #[test]
    fn no_billing_email_no_mail() {
        assert!(customer_email(7, &json!({}), "pending", "processing").is_none());
        assert!(customer_email(7, &json!({ "email": " " }), "a", "completed").is_none());
    }
}
