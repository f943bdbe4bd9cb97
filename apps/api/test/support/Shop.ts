/**
 * A small test store over `TestApi`: products inserted directly, carts and checkout sessions made
 * through the services, and checkouts completed through the API (the move under test).
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { Cart } from "../../src/Cart/Service.js"
import { type Advance, Checkout } from "../../src/Checkout/Service.js"
import type { TestApi } from "./TestApi.js"

export const address = {
  firstName: "Jane",
  lastName: "Smith",
  line1: "Ermou 25",
  city: "Athens",
  region: "Attica",
  postalCode: "10563",
  country: "GR",
  phone: "+30 210 1234567"
}

const random = () => Math.random().toString(36).slice(2, 14)

export const shop = (api: TestApi, siteId: string, key: string) => {
  const tenant = { siteId, livemode: false }
  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))

  /** A product without variants, `stock` units at `price`; digital ones carry a file. */
  const product = async (options: { price?: number; stock?: number; digital?: boolean; name?: string } = {}) => {
    const id = `prd_${random()}`
    await query(
      `insert into products (id, site_id, livemode, name, slug, price, currency, status, inventory_count, inventory_status,
                             type, download_file)
       values ($1, $2, false, $3, $4, $5, 'EUR', 'ACTIVE', $6, 'IN_STOCK', $7, $8)`,
      [
        id,
        siteId,
        options.name ?? "Mug",
        id.replace("_", "-").toLowerCase(),
        options.price ?? 1000,
        options.stock ?? 1000,
        options.digital ? "digital" : "physical",
        options.digital ? `https://files.example.com/${id}.zip` : null
      ]
    )
    return id
  }

  /** A session over one unit of each product, for `email` (and the cart's customer), at `init`. */
  const session = async (productIds: ReadonlyArray<string>, options: { customerId?: string } = {}) => {
    const cart = await api.run(Cart.create(tenant, { customerId: options.customerId }))
    for (const productId of productIds) await api.run(Cart.add(tenant, cart.cart.id, { productId, quantity: 1 }))
    return (await api.run(Checkout.fromCart(tenant, cart.cart.id))).session.id
  }

  /** Moves a session through the services; `ship: false` skips the address and option. */
  const toReview = async (
    sessionId: string,
    options: { email: string; ship?: boolean; balances?: Partial<Pick<Advance, "storeCreditAmount" | "loyaltyPoints">> }
  ) => {
    const ship = options.ship ?? true
    const moves: ReadonlyArray<Omit<Advance, "sessionId">> = [
      { state: "contact" },
      { state: "shipping", email: options.email },
      {
        state: "payment",
        ...(ship ? { shippingAddress: address, shippingOptionId: "ship_pickup" } : {}),
        ...options.balances
      },
      { state: "review", payment: { method: "card", token: "tok_visa" } }
    ]
    for (const move of moves) await api.run(Checkout.advance(tenant, { sessionId, ...move }))
  }

  const complete = (sessionId: string) =>
    api.request("PATCH", `/api/v1/${siteId}/checkout`, { key, body: { sessionId, state: "complete" } })

  return { tenant, query, product, session, toReview, complete }
}

/** Raises the site's limits (the tests send bursts) and offers a free shipping option, `ship_pickup`. */
export const prepareSite = async (api: TestApi, siteId: string) => {
  const run = (text: string) => api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(text, [siteId])))
  await run(
    "update sites set checkout_limit_rpm = 100000, orders_limit_rpm = 100000, rate_limit_rpm = 1000 where id = $1"
  )
  await run(
    `insert into shipping_options (id, site_id, livemode, name, currency, rate) values ('ship_pickup', $1, false, 'Pickup', 'EUR', '{"_tag":"FLAT","amount":0}')`
  )
}
