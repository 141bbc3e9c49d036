//! Placing an order the way Magento's REST API allows: a guest quote. `POST guest-carts` (the
//! masked cart id), `POST guest-carts/{id}/items` per line, `POST guest-carts/{id}/
//! shipping-information` (addresses and the configured shipping method), `PUT guest-carts/
//! {id}/order` (the configured offline payment method; answers the order's `entity_id`), then
//! the order is read back (its total, and its guest e-mail to prove the id is ours) and our
//! code is written to its `ext_order_id` with `POST orders`.
//!
//! **Exactly once.** Magento has no idempotency key for placing an order, and `ext_order_id`
//! can only be written after the order exists (it is an order column that no quote field is
//! copied into: `Quote/etc/fieldset.xml`). So our code goes into the order from the first
//! call on, in the guest e-mail (`guest_email`, e.g. `ob1234abcd56@example.com`): the billing
//! address's e-mail becomes the order's `customer_email` (`QuoteManagement::placeOrder`, guest
//! checkout), a column `GET orders` can filter on. Whatever step is interrupted — a lost
//! reply, a time-out, a crash between placing and writing `ext_order_id` — the order, if it
//! exists, carries the code and `find_order` finds it by `ext_order_id` OR `customer_email`;
//! an order found only by its e-mail gets its `ext_order_id` then. A cart left by an
//! interrupted attempt never becomes an order by itself (Magento expires it). Writes that
//! create something are never sent again by the client after an unknown outcome
//! (`Replay::OnlyIfUnsent`); the shipping information and the `ext_order_id` update are
//! idempotent and retried like reads.
//!
//! **Prices.** Magento prices cart items from its catalog and its tax settings: a `price` on
//! a REST cart item is ignored (`Quote\Model\Quote\Item\CartItemPersister::save` adds the
//! product by SKU and buy request only), and custom prices exist only in the admin's order
//! form, which has no REST API. The order is therefore placed at the shop's own prices, and
//! its `grand_total` is reported as the created total: the daemon compares it with what the
//! buyer paid and puts the order in `error` with both amounts when they differ. Totals match
//! when the shop's prices are the marketplace's (VAT included: "Catalog Prices" including tax
//! in the tax settings) and the shipping method is free; marketplace discounts cannot be
//! carried over and show up as such a difference.

use orderbridge_core::domain::{Money, OrderCode, WebshopOrderId};
use orderbridge_core::webshop::{CreatedOrder, NewOrder};
use orderbridge_core::{ConnectorError, ConnectorResult};
use orderbridge_http::Replay;
use reqwest::Method;
use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::client::{segment, MagentoClient};
use crate::mapping::{cart_items, guest_email, money, order_id, shipping_information};
use crate::wire::{
    AddCartItem, MagentoOrder, NewCartItem, OrderPatch, OrderUpdateBody, PaymentMethod,
    PlaceOrderBody,
};

/// An id Magento sends as a JSON number or, from some versions and proxies, as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EntityId(pub u64);

impl<'de> Deserialize<'de> for EntityId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Number(n) => Ok(EntityId(n)),
            Raw::Text(text) => text
                .trim()
                .parse()
                .map(EntityId)
                .map_err(|_| serde::de::Error::custom(format!("{text:?} is not an order id"))),
        }
    }
}

impl MagentoClient {
    /// The guest e-mail of the order with `code`.
    pub(crate) fn guest_email(&self, code: &OrderCode) -> String {
        guest_email(&self.guest_email_template, code)
    }

    /// Places `order` through a guest quote and writes our code onto it.
    ///
    /// # Errors
    ///
    /// [`ConnectorError::NotFound`] naming the SKU Magento does not know;
    /// [`ConnectorError::Transient`] when a step's outcome is unknown (look the order up);
    /// [`ConnectorError::Rejected`] with Magento's reason when it refuses the quote.
    pub(crate) async fn place(&self, order: &NewOrder) -> ConnectorResult<CreatedOrder> {
        let items = cart_items(order)?;
        let mut placement = self.placement.clone();
        placement.guest_email = self.guest_email(&order.code);
        let shipping = shipping_information(order, &placement);

        let cart_id: String = self
            .http
            .send(
                Method::POST,
                "guest-carts",
                "guest-carts",
                &serde_json::json!({}),
                Replay::OnlyIfUnsent,
            )
            .await?;
        let cart = segment(cart_id.trim());
        for (sku, qty) in items {
            let body = AddCartItem {
                cart_item: NewCartItem {
                    sku: sku.clone(),
                    qty,
                    quote_id: cart_id.clone(),
                },
            };
            let added: ConnectorResult<IgnoredAny> = self
                .http
                .send(
                    Method::POST,
                    &format!("guest-carts/{cart}/items"),
                    "guest-carts/{id}/items",
                    &body,
                    Replay::OnlyIfUnsent,
                )
                .await;
            match added {
                Err(ConnectorError::NotFound { what }) => {
                    return Err(ConnectorError::NotFound {
                        what: format!("Magento product with SKU {sku} ({what})"),
                    })
                }
                other => {
                    other?;
                }
            }
        }
        let _: IgnoredAny = self
            .http
            .send(
                Method::POST,
                &format!("guest-carts/{cart}/shipping-information"),
                "guest-carts/{id}/shipping-information",
                &shipping,
                Replay::Safe,
            )
            .await?;
        let placed: EntityId = self
            .http
            .send(
                Method::PUT,
                &format!("guest-carts/{cart}/order"),
                "guest-carts/{id}/order",
                &PlaceOrderBody {
                    payment_method: PaymentMethod {
                        method: self.payment_method.clone(),
                    },
                },
                Replay::OnlyIfUnsent,
            )
            .await?;
        let id = order_id(placed.0)?;
        // Read the order before writing to it: its total is what the caller checks, and its
        // guest e-mail proves the id is the one we placed (an id from a damaged reply that
        // still parsed must never get our code).
        let placed_order = match self.read(&id).await {
            Ok(found) => Some(found),
            Err(error) => {
                tracing::warn!(order = placed.0, error = %error, "could not read the created Magento order");
                None
            }
        };
        if let Some(found) = &placed_order {
            let ours = found
                .customer_email
                .as_deref()
                .is_some_and(|email| email.eq_ignore_ascii_case(&placement.guest_email));
            if !ours {
                return Err(ConnectorError::Transient {
                    message: format!(
                        "Magento answered the placement of order {} with order {}, which is \
                         not ours; the order is looked up by its code",
                        order.code, placed.0
                    ),
                });
            }
        }
        // The order exists and carries our code in its e-mail: from here on nothing may make
        // the caller create it again, so failures are logged, not returned.
        if let Err(error) = self.mark(placed.0, &order.code).await {
            tracing::warn!(
                order = placed.0,
                code = %order.code,
                error = %error,
                "could not write our order code to the Magento order's ext_order_id; it is \
                 still known by its e-mail"
            );
        }
        let total = match &placed_order {
            Some(found) => total_of(found)?,
            None => None,
        };
        Ok(CreatedOrder { id, total })
    }

    /// Writes our `code` to order `entity_id`'s `ext_order_id`.
    pub(crate) async fn mark(&self, entity_id: u64, code: &OrderCode) -> ConnectorResult<()> {
        let body = OrderUpdateBody {
            entity: OrderPatch {
                entity_id,
                ext_order_id: code.as_str().to_owned(),
            },
        };
        let _: IgnoredAny = self
            .http
            .send(Method::POST, "orders", "orders", &body, Replay::Safe)
            .await?;
        Ok(())
    }

    async fn read(&self, id: &WebshopOrderId) -> ConnectorResult<MagentoOrder> {
        self.http
            .get(
                &format!("orders/{}", segment(id.as_str())),
                "orders/{id}",
                &[],
            )
            .await
    }
}

/// The grand total Magento calculated.
fn total_of(order: &MagentoOrder) -> ConnectorResult<Option<Money>> {
    match (order.grand_total, order.order_currency_code.as_deref()) {
        (Some(total), Some(currency)) => Ok(Some(money(total, currency, || {
            format!("order {} grand_total", order.entity_id)
        })?)),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_ids_read_as_numbers_or_text() {
        let number: EntityId = serde_json::from_str("12").unwrap();
        let text: EntityId = serde_json::from_str("\"13\"").unwrap();
        assert_eq!((number, text), (EntityId(12), EntityId(13)));
        assert!(serde_json::from_str::<EntityId>("\"x\"").is_err());
    }
}
