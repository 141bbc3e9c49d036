// Seeds a fresh Medusa v2 database through the Admin API with what the
// orderbridge Medusa connector tests need, and writes seed.json.
//
// Called by run.sh after the server is healthy. Env:
//   MEDUSA_URL        base URL of the server (e.g. http://127.0.0.1:9000)
//   MEDUSA_ADMIN_EMAIL / MEDUSA_ADMIN_PASSWORD   admin user created by run.sh
//   MEDUSA_SEED_OUT   path of the seed.json to write
//
// Uses only Node's built-in fetch (Node >= 20), no npm packages.
import { writeFileSync } from "node:fs"

const base = process.env.MEDUSA_URL ?? "http://127.0.0.1:9000"
const email = process.env.MEDUSA_ADMIN_EMAIL ?? "admin@orderbridge.test"
const password = process.env.MEDUSA_ADMIN_PASSWORD ?? "orderbridge-admin"
const out = process.env.MEDUSA_SEED_OUT ?? "seed.json"

let auth = ""

async function call(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: {
      "content-type": "application/json",
      ...(auth ? { authorization: auth } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) {
    throw new Error(`${method} ${path} -> ${res.status}: ${text}`)
  }
  return text ? JSON.parse(text) : {}
}

// 1. Log in as the admin user (JWT), then create a secret API key.
const { token: jwt } = await call("POST", "/auth/user/emailpass", { email, password })
auth = `Bearer ${jwt}`

const { api_key } = await call("POST", "/admin/api-keys", {
  title: "orderbridge-tests",
  type: "secret",
})

// 2. Region in EUR for NL and BE. Prices are tax-exclusive (Medusa default:
//    is_tax_inclusive false), taxes computed automatically.
const { region } = await call("POST", "/admin/regions", {
  name: "Benelux",
  currency_code: "eur",
  countries: ["nl", "be"],
  automatic_taxes: true,
  is_tax_inclusive: false,
  payment_providers: ["pp_system_default"],
})

// 3. Tax regions: NL 21%, BE 21% (system tax provider).
const taxRegions = {}
for (const cc of ["nl", "be"]) {
  const { tax_region } = await call("POST", "/admin/tax-regions", {
    country_code: cc,
    provider_id: "tp_system",
    default_tax_rate: { name: `${cc.toUpperCase()} standard`, code: `${cc.toUpperCase()}21`, rate: 21 },
  })
  taxRegions[cc] = tax_region.id
}

// 4. Sales channel.
const { sales_channel } = await call("POST", "/admin/sales-channels", {
  name: "orderbridge",
  description: "Orders imported by orderbridge",
})

// 5. Stock location linked to the sales channel, with the manual fulfillment
//    provider, a shipping fulfillment set, a service zone (NL+BE) and a
//    flat-rate shipping option.
let { stock_location } = await call("POST", "/admin/stock-locations", {
  name: "Warehouse NL",
  address: { address_1: "Magazijnweg 1", postal_code: "1234 AB", city: "Utrecht", country_code: "nl" },
})
await call("POST", `/admin/stock-locations/${stock_location.id}/sales-channels`, {
  add: [sales_channel.id],
})
await call("POST", `/admin/stock-locations/${stock_location.id}/fulfillment-providers`, {
  add: ["manual_manual"],
})
;({ stock_location } = await call(
  "POST",
  `/admin/stock-locations/${stock_location.id}/fulfillment-sets?fields=*fulfillment_sets`,
  { name: "Warehouse NL shipping", type: "shipping" },
))
const fulfillmentSet = stock_location.fulfillment_sets[0]
const { fulfillment_set } = await call(
  "POST",
  `/admin/fulfillment-sets/${fulfillmentSet.id}/service-zones`,
  {
    name: "Benelux",
    geo_zones: [
      { type: "country", country_code: "nl" },
      { type: "country", country_code: "be" },
    ],
  },
)
const serviceZone = fulfillment_set.service_zones[0]

const { shipping_profiles } = await call("GET", "/admin/shipping-profiles?type=default")
const shippingProfile = shipping_profiles[0]

const { shipping_option } = await call("POST", "/admin/shipping-options", {
  name: "Standard shipping",
  price_type: "flat",
  provider_id: "manual_manual",
  service_zone_id: serviceZone.id,
  shipping_profile_id: shippingProfile.id,
  type: { label: "Standard", description: "Standard shipping", code: "standard" },
  prices: [
    { currency_code: "eur", amount: 4.95 },
    { region_id: region.id, amount: 4.95 },
  ],
  rules: [
    { attribute: "enabled_in_store", value: "true", operator: "eq" },
    { attribute: "is_return", value: "false", operator: "eq" },
  ],
})

// 6. Products: one variant each, SKU-1 (EUR 19.99, stock 10) and
//    SKU-2 (EUR 5.50, stock 3), inventory managed at the stock location.
const productDefs = [
  { title: "Orderbridge Test Product 1", sku: "SKU-1", price: 19.99, stock: 10 },
  { title: "Orderbridge Test Product 2", sku: "SKU-2", price: 5.5, stock: 3 },
]
const variants = {}
for (const p of productDefs) {
  const { product } = await call("POST", "/admin/products?fields=id,*variants,*variants.inventory_items", {
    title: p.title,
    status: "published",
    shipping_profile_id: shippingProfile.id,
    sales_channels: [{ id: sales_channel.id }],
    options: [{ title: "Default", values: ["Default"] }],
    variants: [
      {
        title: "Default",
        sku: p.sku,
        manage_inventory: true,
        allow_backorder: false,
        options: { Default: "Default" },
        prices: [{ currency_code: "eur", amount: p.price }],
      },
    ],
  })
  const variant = product.variants[0]
  const inventoryItemId = variant.inventory_items[0].inventory_item_id
  await call("POST", `/admin/inventory-items/${inventoryItemId}/location-levels`, {
    location_id: stock_location.id,
    stocked_quantity: p.stock,
  })
  variants[p.sku] = {
    product_id: product.id,
    variant_id: variant.id,
    inventory_item_id: inventoryItemId,
    price: p.price,
    stocked_quantity: p.stock,
  }
}

const seed = {
  base_url: base,
  admin: { email, password },
  api_key: { id: api_key.id, token: api_key.token },
  region_id: region.id,
  tax_region_ids: taxRegions,
  sales_channel_id: sales_channel.id,
  stock_location_id: stock_location.id,
  fulfillment_set_id: fulfillmentSet.id,
  service_zone_id: serviceZone.id,
  shipping_profile_id: shippingProfile.id,
  shipping_option_id: shipping_option.id,
  currency_code: "eur",
  variants,
}
writeFileSync(out, JSON.stringify(seed, null, 2) + "\n")
console.log(JSON.stringify(seed, null, 2))
