//! Keeping WooCommerce's customer e-mails away from marketplace buyers (see
//! [`crate::WooConfig::customer_emails`]). WooCommerce addresses every customer e-mail (order
//! on hold, processing, completed, refunded, customer notes) to the order's billing e-mail and
//! sends nothing when it is empty: each `WC_Email_Customer_*::trigger` sets the recipient from
//! `get_billing_email()` and sends only `if ( $this->is_enabled() && $this->get_recipient() )`
//! (plugins/woocommerce/includes/emails/class-wc-email-customer-processing-order.php and its
//! siblings). So an order created without a billing e-mail gets no customer mail, whatever the
//! shop's e-mail settings; the address is kept in order meta for the merchant.

use crate::wire::{NewWooOrder, WooMeta};

/// Order meta holding the buyer's e-mail address when it is kept out of `billing.email`.
pub const BUYER_EMAIL_META: &str = "_orderbridge_buyer_email";

/// Moves the buyer's e-mail address from the billing address into order meta, so WooCommerce
/// has no recipient for its customer e-mails.
pub(crate) fn withhold_buyer_email(order: &mut NewWooOrder) {
    if let Some(email) = order.billing.email.take() {
        order.meta_data.push(WooMeta::text(BUYER_EMAIL_META, email));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::WooAddress;

    #[test]
    fn the_address_moves_to_meta() {
        let mut order = NewWooOrder {
            status: "processing".into(),
            set_paid: true,
            currency: "EUR".into(),
            billing: WooAddress {
                email: Some("2abc@verkopen.bol.com".into()),
                ..WooAddress::default()
            },
            shipping: WooAddress::default(),
            customer_note: String::new(),
            line_items: Vec::new(),
            meta_data: Vec::new(),
        };
        withhold_buyer_email(&mut order);
        assert_eq!(order.billing.email, None);
        assert_eq!(order.meta_data.len(), 1);
        assert_eq!(order.meta_data[0].key, BUYER_EMAIL_META);
        assert_eq!(
            order.meta_data[0].value.as_str(),
            Some("2abc@verkopen.bol.com")
        );
        withhold_buyer_email(&mut order);
        assert_eq!(order.meta_data.len(), 1, "nothing to move the second time");
    }
}
