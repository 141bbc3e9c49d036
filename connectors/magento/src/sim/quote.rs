//! The simulated guest checkout, as Magento's services run it: a cart is created, filled
//! (`Quote\Model\Quote\Item\CartItemPersister`: the product by SKU, its salable quantity
//! checked, the price the catalog's), given shipping information
//! (`Checkout\Model\ShippingInformationManagement`: not for an empty cart, only a carrier and
//! method the shop has, required address fields) and placed (`QuoteManagement::placeOrder`:
//! not without a shipping method, only an enabled payment method, the billing e-mail as the
//! guest's `customer_email`, MSI reservations), after which the cart is gone.

use serde_json::{json, Value};

use super::model::{SimCart, SimOrder, SimOrderItem, SimShippingInfo};
use super::state::{SimError, SimState};

/// The shipping methods the shop offers: (carrier, method, price per order in cents).
const SHIPPING_METHODS: [(&str, &str, i64); 2] = [
    ("freeshipping", "freeshipping", 0),
    ("flatrate", "flatrate", 500),
];

/// The payment methods enabled.
const PAYMENT_METHODS: [&str; 2] = ["checkmo", "banktransfer"];

/// Address fields Magento's default settings require.
const REQUIRED_ADDRESS_FIELDS: [&str; 7] = [
    "firstname",
    "lastname",
    "street",
    "city",
    "postcode",
    "country_id",
    "telephone",
];

impl SimState {
    /// `POST guest-carts`: a new cart, its masked id.
    pub(crate) fn create_cart(&mut self) -> String {
        let id = self.id();
        let masked_id = format!(
            "{:032x}",
            u128::from(id).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        );
        self.carts.push(SimCart {
            masked_id: masked_id.clone(),
            items: Vec::new(),
            shipping: None,
            active: true,
        });
        masked_id
    }

    /// `POST guest-carts/{id}/items`: adds (or adds to) an item, checking the product and
    /// its salable quantity.
    pub(crate) fn add_item(&mut self, masked_id: &str, body: &Value) -> Result<Value, SimError> {
        let item = body.get("cartItem").ok_or_else(|| {
            SimError::with(
                400,
                "\"%fieldName\" is required. Enter and try again.",
                json!({"fieldName": "cartItem"}),
            )
        })?;
        let qty = item.get("qty").and_then(Value::as_f64).unwrap_or(0.0);
        if qty <= 0.0 || qty.fract() != 0.0 {
            return Err(SimError::with(
                400,
                "Invalid value of \"%value\" provided for the %fieldName field.",
                json!({"value": qty, "fieldName": "qty"}),
            ));
        }
        self.active_cart(masked_id)?;
        let sku = item.get("sku").and_then(Value::as_str).unwrap_or_default();
        let product = self.product(sku)?.clone();
        let qty = qty as i64;
        let cart = self.active_cart(masked_id)?;
        let in_cart = cart
            .items
            .iter()
            .find(|(s, _)| *s == product.sku)
            .map_or(0, |(_, q)| *q);
        if product.manage_stock && product.salable() < in_cart + qty {
            return Err(SimError::bad_request("The requested qty is not available"));
        }
        match cart.items.iter_mut().find(|(s, _)| *s == product.sku) {
            Some((_, q)) => *q += qty,
            None => cart.items.push((product.sku.clone(), qty)),
        }
        let item_id = self.id();
        Ok(json!({
            "item_id": item_id,
            "sku": product.sku,
            "qty": in_cart + qty,
            "name": product.sku,
            "price": product.price_cents as f64 / 100.0,
            "product_type": "simple",
            "quote_id": masked_id,
        }))
    }

    /// `POST guest-carts/{id}/shipping-information`.
    pub(crate) fn set_shipping_information(
        &mut self,
        masked_id: &str,
        body: &Value,
    ) -> Result<Value, SimError> {
        let info = body.get("addressInformation").ok_or_else(|| {
            SimError::with(
                400,
                "\"%fieldName\" is required. Enter and try again.",
                json!({"fieldName": "addressInformation"}),
            )
        })?;
        let cart = self.active_cart(masked_id)?;
        if cart.items.is_empty() {
            return Err(SimError::bad_request(
                "The shipping method can't be set for an empty cart. Add an item to cart and try again.",
            ));
        }
        let text = |key: &str| info.get(key).and_then(Value::as_str).unwrap_or_default();
        let (carrier, method) = (text("shipping_carrier_code"), text("shipping_method_code"));
        if !SHIPPING_METHODS
            .iter()
            .any(|(c, m, _)| *c == carrier && *m == method)
        {
            return Err(SimError::with(
                400,
                "Carrier with such method not found: %1, %2",
                json!([carrier, method]),
            ));
        }
        let mut addresses = Vec::new();
        for key in ["shipping_address", "billing_address"] {
            let address = info.get(key).cloned().unwrap_or(Value::Null);
            for field in REQUIRED_ADDRESS_FIELDS {
                let present = match address.get(field) {
                    Some(Value::String(s)) => !s.trim().is_empty(),
                    Some(Value::Array(lines)) => lines
                        .first()
                        .and_then(Value::as_str)
                        .is_some_and(|l| !l.trim().is_empty()),
                    _ => false,
                };
                if !present {
                    return Err(SimError::with(
                        400,
                        "\"%fieldName\" is required. Enter and try again.",
                        json!({"fieldName": field}),
                    ));
                }
            }
            addresses.push(address);
        }
        let billing_address = addresses.pop().unwrap_or(Value::Null);
        let shipping_address = addresses.pop().unwrap_or(Value::Null);
        cart.shipping = Some(SimShippingInfo {
            shipping_address,
            billing_address,
            carrier_code: carrier.to_owned(),
            method_code: method.to_owned(),
        });
        Ok(
            json!({"payment_methods": PAYMENT_METHODS.iter().map(|m| json!({"code": m, "title": m})).collect::<Vec<_>>(), "totals": {}}),
        )
    }

    /// `PUT guest-carts/{id}/order`: the order at catalog prices; its items are reserved.
    pub(crate) fn place_order(&mut self, masked_id: &str, body: &Value) -> Result<u64, SimError> {
        let method = body
            .pointer("/paymentMethod/method")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let cart = self.active_cart(masked_id)?.clone();
        let Some(shipping) = cart.shipping.clone() else {
            return Err(SimError::bad_request(
                "The shipping method is missing. Select the shipping method and try again.",
            ));
        };
        if !PAYMENT_METHODS.contains(&method.as_str()) {
            return Err(SimError::bad_request(
                "The requested Payment Method is not available.",
            ));
        }
        let email = shipping
            .billing_address
            .get("email")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !email.contains('@') {
            return Err(SimError::bad_request("Email has a wrong format"));
        }
        let mut items = Vec::new();
        for (sku, qty) in &cart.items {
            let product = self.product(sku)?.clone();
            if product.manage_stock && product.salable() < *qty {
                return Err(SimError::bad_request("The requested qty is not available"));
            }
            let item_id = self.id();
            items.push(SimOrderItem {
                item_id,
                sku: product.sku.clone(),
                price_cents: product.price_cents,
                qty_ordered: *qty,
                qty_invoiced: 0,
                qty_shipped: 0,
                qty_canceled: 0,
            });
        }
        for item in &items {
            if let Some(p) = self
                .products
                .iter_mut()
                .find(|p| p.sku == item.sku && p.manage_stock)
            {
                p.reserved += item.qty_ordered;
            }
        }
        let shipping_cents = SHIPPING_METHODS
            .iter()
            .find(|(c, m, _)| *c == shipping.carrier_code && *m == shipping.method_code)
            .map_or(0, |(_, _, price)| *price);
        let entity_id = self.id();
        let now = self.now();
        self.orders.push(SimOrder {
            entity_id,
            increment_id: format!("{:09}", self.orders.len() + 1),
            state: "new".into(),
            status: "pending".into(),
            ext_order_id: None,
            customer_email: email,
            shipping_address: shipping.shipping_address,
            billing_address: shipping.billing_address,
            shipping_method: format!("{}_{}", shipping.carrier_code, shipping.method_code),
            shipping_cents,
            payment_method: method,
            items,
            shipments: Vec::new(),
            created_at: now,
            updated_at: now,
        });
        if let Some(cart) = self.carts.iter_mut().find(|c| c.masked_id == masked_id) {
            cart.active = false;
        }
        Ok(entity_id)
    }
}
