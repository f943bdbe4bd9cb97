import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Checkout, type Line } from "../src/Checkout/Service.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

const address = {
  firstName: "Jane",
  lastName: "Smith",
  line1: "Ermou 25",
  city: "Athens",
  region: "Attica",
  postalCode: "10563",
  country: "GR",
  phone: "+30 210 1234567"
}

describe("Checkout", () => {
  let api: TestApi
  let site: string
  let key: string

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))

  const random = () => Math.random().toString(36).slice(2, 14)

  /** A product with one variant holding `stock` units at 2999 (the catalogue's endpoints are another aggregate's). */
  const insertVariant = async (stock: number) => {
    const productId = `prd_${random()}`
    const variantId = `var_${random()}`
    await query(
      `insert into products (id, site_id, livemode, name, slug, price, currency, inventory_count, inventory_status)
       values ($1, $2, false, 'Classic White T-Shirt', $3, 2999, 'EUR', 0, 'OUT_OF_STOCK')`,
      [productId, site, productId.replace("_", "-")]
    )
    await query(
      `insert into variants (id, site_id, livemode, product_id, name, sku, price, inventory_count, inventory_status, is_default)
       values ($1, $2, false, $3, 'Small / White', $4, 2999, $5, 'IN_STOCK', true)`,
      [variantId, site, productId, `TS-${random()}`, stock]
    )
    return { productId, variantId }
  }

  const stockOf = async (variantId: string) =>
    (await query<{ inventory_count: number }>("select inventory_count from variants where id = $1", [variantId]))[0]!
      .inventory_count

  const countOf = async (text: string, params: ReadonlyArray<unknown>) =>
    (await query<{ n: number }>(text, params))[0]!.n

  const line = (item: { productId: string; variantId: string }, quantity: number): Line => ({
    id: `cli_${random()}`,
    productId: item.productId,
    variantId: item.variantId,
    name: "Classic White T-Shirt — Small / White",
    sku: "TS-WHT-S",
    quantity,
    unitPrice: 2999
  })

  /** A session over `lines` (the Cart service's snapshot, once it lands, does this from a cart). */
  const startSession = async (lines: ReadonlyArray<Line>, customerId: string | null = null) =>
    (
      await api.run(
        Checkout.start(
          { siteId: site, livemode: false },
          {
            cartId: `cart_${random()}`,
            customerId,
            currency: "EUR",
            lines,
            email: null,
            shippingAddress: null
          }
        )
      )
    ).session.id

  const advance = (body: Record<string, unknown>) => api.request("PATCH", `/api/v1/${site}/checkout`, { key, body })

  const toReview = async (sessionId: string, token = "tok_visa") => {
    for (const body of [
      { state: "contact" },
      { state: "shipping", email: "jane@example.com" },
      { state: "payment", shippingAddress: address, shippingOptionId: "ship_standard" },
      { state: "review", payment: { method: "card", token } }
    ]) {
      const res = await advance({ sessionId, ...body })
      expect(res.status, JSON.stringify(bodyOf(res, "checkout.advance"))).toBe(200)
    }
  }

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite()).id
    key = (await api.createKey(site)).key
    // The races below send far more than the default 10 checkout requests a minute.
    await query(
      "update sites set checkout_limit_rpm = 100000, orders_limit_rpm = 100000, rate_limit_rpm = 1000 where id = $1",
      [site]
    )
  })

  afterAll(() => api.close())

  it("walks a session from init to complete and places one paid order", async () => {
    const item = await insertVariant(5)
    const sessionId = await startSession([line(item, 2)])

    const got = await api.request("GET", `/api/v1/${site}/checkout?sessionId=${sessionId}`, { key })
    expect(got.status).toBe(200)
    expect(bodyOf(got, "checkout.get").data).toMatchObject({
      state: "init",
      availableShippingOptions: [],
      payment: null,
      orderId: null
    })
    expect(bodyOf(got, "checkout.get").data.totals).toEqual({
      subtotal: 5998,
      discountTotal: 0,
      shippingTotal: 0,
      taxTotal: 0,
      taxIncluded: 0,
      giftCardTotal: 0,
      storeCreditTotal: 0,
      loyaltyTotal: 0,
      total: 5998,
      amountDue: 5998,
      currency: "EUR"
    })

    expect(bodyOf(await advance({ sessionId, state: "contact" }), "checkout.advance").data.state).toBe("contact")
    const shipping = await advance({ sessionId, state: "shipping", email: "jane@example.com" })
    expect(bodyOf(shipping, "checkout.advance").data).toMatchObject({ state: "shipping", email: "jane@example.com" })

    const addressed = await advance({ sessionId, state: "shipping", shippingAddress: address })
    // Standard is free over 50.00; the cart holds 59.98.
    expect(bodyOf(addressed, "checkout.advance").data.availableShippingOptions).toMatchObject([
      { id: "ship_standard", name: "Standard (3–5 days)", amount: 0 },
      { id: "ship_express", name: "Express (1–2 days)", amount: 1299 }
    ])
    const payment = await advance({ sessionId, state: "payment", shippingOptionId: "ship_express" })
    expect(bodyOf(payment, "checkout.advance").data).toMatchObject({
      state: "payment",
      shippingOption: { id: "ship_express", amount: 1299 }
    })
    expect(bodyOf(payment, "checkout.advance").data.totals).toMatchObject({
      shippingTotal: 1299,
      total: 7297,
      amountDue: 7297
    })

    const review = await advance({ sessionId, state: "review", payment: { method: "card", token: "tok_visa" } })
    expect(review.status).toBe(200)
    expect(bodyOf(review, "checkout.advance").data).toMatchObject({
      state: "review",
      payment: { status: "authorized", method: "card" }
    })
    expect(JSON.stringify(bodyOf(review, "checkout.advance"))).not.toContain("tok_visa")

    const complete = await advance({ sessionId, state: "complete" })
    expect(complete.status).toBe(200)
    expect(bodyOf(complete, "checkout.advance").data.state).toBe("complete")
    const orderId = bodyOf(complete, "checkout.advance").data.orderId
    expect(orderId).toMatch(/^order_/)
    expect(await stockOf(item.variantId)).toBe(3)

    const order = await api.request("GET", `/api/v1/${site}/orders/${orderId}`, { key })
    expect(order.status).toBe(200)
    expect(bodyOf(order, "orders.get").data).toMatchObject({
      status: "CONFIRMED",
      paymentStatus: "PAID",
      email: "jane@example.com",
      subtotal: 5998,
      shippingTotal: 1299,
      total: 7297,
      refundedTotal: 0,
      shippingAddress: { ...address, company: null, line2: null },
      billingAddress: null,
      items: [{ productId: item.productId, variantId: item.variantId, quantity: 2, unitPrice: 2999, total: 5998 }]
    })
    const byNumber = await api.request("GET", `/api/v1/${site}/orders/${bodyOf(order, "orders.get").data.number}`, {
      key
    })
    expect(bodyOf(byNumber, "orders.get").data.id).toBe(orderId)

    const events = await query<{ type: string; payload: { id?: string; orderId?: string; amount?: number } }>(
      "select type, payload from events where site_id = $1 and type in ('order.created', 'payment.confirmed') and (payload->>'id' = $2 or payload->>'orderId' = $2) order by type",
      [site, orderId]
    )
    expect(events.map((e) => e.type)).toEqual(["order.created", "payment.confirmed"])
    expect(events[1]!.payload.amount).toBe(7297)
    // Every event of the placed order, each recorded once with its own id (the order's four in one
    // insert, then the captured funds' payment.succeeded).
    const placedEvents = await query<{ id: string; type: string }>(
      "select id, type from events where site_id = $1 and (payload->>'id' = $2 or payload->>'orderId' = $2) order by type",
      [site, orderId]
    )
    expect(placedEvents.map((e) => e.type)).toEqual([
      "order.created",
      "order.paid",
      "order.placed",
      "payment.confirmed",
      "payment.succeeded"
    ])
    expect(new Set(placedEvents.map((e) => e.id)).size).toBe(5)
    // Stock taken by a checkout leaves its audit row.
    expect(
      await countOf("select count(*)::int as n from inventory_adjustments where variant_id = $1 and reason = $2", [
        item.variantId,
        `checkout ${sessionId}`
      ])
    ).toBe(1)

    // A guest checkout creates the customer with its email, and counts the order in its totals.
    const customer = await api.request(
      "GET",
      `/api/v1/${site}/customers/${bodyOf(order, "orders.get").data.customerId}`,
      { key }
    )
    expect(bodyOf(customer, "customers.get").data).toMatchObject({
      email: "jane@example.com",
      totalOrders: 1,
      totalSpent: 7297
    })

    // Completing again answers with the same order; nothing else leaves `complete`.
    const again = await advance({ sessionId, state: "complete" })
    expect(bodyOf(again, "checkout.advance").data.orderId).toBe(orderId)
    const back = await advance({ sessionId, state: "contact" })
    expect(back.status).toBe(422)
    expect(errorOf(back).code).toBe("illegal_transition")
  })

  it("refuses moves the state machine does not allow, naming what is missing, and changes nothing", async () => {
    const item = await insertVariant(5)
    const sessionId = await startSession([line(item, 1)])

    const skip = await advance({ sessionId, state: "shipping", email: "jane@example.com" })
    expect(skip.status).toBe(422)
    expect(errorOf(skip).code).toBe("illegal_transition")

    await advance({ sessionId, state: "contact" })
    const noEmail = await advance({ sessionId, state: "shipping" })
    expect(noEmail.status).toBe(422)
    expect(errorOf(noEmail).details).toEqual([{ path: "/email", message: "is required to enter shipping" }])

    await advance({ sessionId, state: "shipping", email: "jane@example.com" })
    const noAddress = await advance({ sessionId, state: "payment" })
    expect(noAddress.status).toBe(422)
    expect((errorOf(noAddress).details ?? []).map((d: { path: string }) => d.path)).toEqual([
      "/shippingAddress",
      "/shippingOptionId"
    ])

    const badOption = await advance({
      sessionId,
      state: "payment",
      shippingAddress: address,
      shippingOptionId: "ship_drone"
    })
    expect(badOption.status).toBe(422)
    expect(errorOf(badOption).code).toBe("shipping_option_unavailable")
    const unchanged = await api.request("GET", `/api/v1/${site}/checkout?sessionId=${sessionId}`, { key })
    expect(bodyOf(unchanged, "checkout.get").data).toMatchObject({ state: "shipping", shippingAddress: null })

    await advance({ sessionId, state: "payment", shippingAddress: address, shippingOptionId: "ship_standard" })
    const noToken = await advance({ sessionId, state: "review", payment: { method: "card" } })
    expect(noToken.status).toBe(422)
    expect(errorOf(noToken).details).toEqual([{ path: "/payment/token", message: "is required to enter review" }])

    const declined = await advance({ sessionId, state: "review", payment: { method: "card", token: "tok_declined" } })
    expect(declined.status).toBe(422)
    expect(errorOf(declined).code).toBe("payment_failed")
    const failed = await api.request("GET", `/api/v1/${site}/checkout?sessionId=${sessionId}`, { key })
    expect(bodyOf(failed, "checkout.get").data).toMatchObject({
      state: "payment",
      payment: { status: "failed", method: "card" }
    })

    const network = await advance({
      sessionId,
      state: "review",
      payment: { method: "card", token: "tok_network_error" }
    })
    expect(network.status).toBe(503)

    const credit = await advance({ sessionId, state: "payment", storeCreditAmount: 100 })
    expect(credit.status).toBe(422)
    expect(errorOf(credit).code).toBe("customer_required")

    // Going back before review releases the authorization.
    await advance({ sessionId, state: "review", payment: { method: "card", token: "tok_visa" } })
    const backToShipping = await advance({ sessionId, state: "shipping" })
    expect(bodyOf(backToShipping, "checkout.advance").data).toMatchObject({
      state: "shipping",
      payment: { status: "pending" }
    })

    const missing = await advance({ sessionId: "cs_doesNotExist", state: "contact" })
    expect(missing.status).toBe(404)
  })

  it("100 concurrent checkouts of the last unit: exactly 1 order, 99 x 409, stock 0", async () => {
    const item = await insertVariant(1)
    const sessions: Array<string> = []
    for (let i = 0; i < 100; i++) sessions.push(await startSession([line(item, 1)]))
    for (const sessionId of sessions) await toReview(sessionId)

    const results = await Promise.all(sessions.map((sessionId) => advance({ sessionId, state: "complete" })))
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(99)
    expect(errorOf(results.find((r) => r.status === 409)!).code).toBe("insufficient_stock")
    expect(await stockOf(item.variantId)).toBe(0)
    expect(await countOf("select count(*)::int as n from order_items where variant_id = $1", [item.variantId])).toBe(1)
    // The losers stay in review.
    const loser = sessions[statuses.indexOf(409)]!
    const state = await api.request("GET", `/api/v1/${site}/checkout?sessionId=${loser}`, { key })
    expect(bodyOf(state, "checkout.get").data.state).toBe("review")
  }, 120_000)

  it("concurrent guest checkouts with one email make one customer with exact totals", async () => {
    const item = await insertVariant(20)
    const sessions: Array<string> = []
    for (let i = 0; i < 10; i++) sessions.push(await startSession([line(item, 1)]))
    for (const sessionId of sessions) {
      await advance({ sessionId, state: "contact" })
      await advance({ sessionId, state: "shipping", email: "Race@Example.com" })
      await advance({ sessionId, state: "payment", shippingAddress: address, shippingOptionId: "ship_standard" })
      await advance({ sessionId, state: "review", payment: { method: "card", token: "tok_visa" } })
    }
    const results = await Promise.all(sessions.map((sessionId) => advance({ sessionId, state: "complete" })))
    expect(results.map((r) => r.status)).toEqual(sessions.map(() => 200))
    const customers = await query<{ id: string; total_orders: number; total_spent: string }>(
      "select id, total_orders, total_spent from customers where site_id = $1 and lower(email) = 'race@example.com'",
      [site]
    )
    expect(customers).toHaveLength(1)
    // 29.99 each plus 4.99 shipping (under the free-shipping threshold).
    expect([customers[0]!.total_orders, Number(customers[0]!.total_spent)]).toEqual([10, 10 * 3498])
  }, 60_000)

  it("20 concurrent completes of one session place one order", async () => {
    const item = await insertVariant(10)
    const sessionId = await startSession([line(item, 1)])
    await toReview(sessionId)

    const results = await Promise.all(Array.from({ length: 20 }, () => advance({ sessionId, state: "complete" })))
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200))
    expect(new Set(results.map((r) => bodyOf(r, "checkout.advance").data.orderId)).size).toBe(1)
    expect(await countOf("select count(*)::int as n from orders where checkout_session_id = $1", [sessionId])).toBe(1)
    expect(await stockOf(item.variantId)).toBe(9)
  }, 60_000)

  it("a step failing inside completion after the stock decrement leaves stock, orders, customers and events unchanged", async () => {
    const item = await insertVariant(3)
    const sessionId = await startSession([line(item, 2)])
    // tok_capture_error authorizes, then fails at capture: the last step of completion.
    await toReview(sessionId, "tok_capture_error")
    const eventsBefore = await countOf("select count(*)::int as n from events where site_id = $1", [site])
    const customersBefore = await countOf("select count(*)::int as n from customers where site_id = $1", [site])

    const res = await advance({ sessionId, state: "complete" })
    expect(res.status).toBe(503)
    expect(await stockOf(item.variantId)).toBe(3)
    expect(await countOf("select count(*)::int as n from orders where checkout_session_id = $1", [sessionId])).toBe(0)
    expect(
      await countOf("select count(*)::int as n from inventory_adjustments where variant_id = $1", [item.variantId])
    ).toBe(0)
    expect(await countOf("select count(*)::int as n from events where site_id = $1", [site])).toBe(eventsBefore)
    expect(await countOf("select count(*)::int as n from customers where site_id = $1", [site])).toBe(customersBefore)
    const session = await api.request("GET", `/api/v1/${site}/checkout?sessionId=${sessionId}`, { key })
    expect(bodyOf(session, "checkout.get").data).toMatchObject({ state: "review", orderId: null })
  })

  it("a short line is 409 insufficient_stock and takes nothing from the other lines", async () => {
    const plenty = await insertVariant(10)
    const short = await insertVariant(1)
    const sessionId = await startSession([line(plenty, 3), line(short, 2)])
    await toReview(sessionId)
    const res = await advance({ sessionId, state: "complete" })
    expect(res.status).toBe(409)
    expect(errorOf(res)).toMatchObject({ code: "insufficient_stock" })
    expect(errorOf(res).error).toMatch(/^Only 1 of .* left in stock, 2 in the cart$/)
    expect(await stockOf(plenty.variantId)).toBe(10)
    expect(await stockOf(short.variantId)).toBe(1)
  })
})
