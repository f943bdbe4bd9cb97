import { SqlClient } from "@effect/sql"
import type { OperationId } from "@shopvo/contract"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Cart } from "../src/Cart/Service.js"
import { type Advance, Checkout } from "../src/Checkout/Service.js"
import { Loyalty } from "../src/Loyalty/Service.js"
import { addCustomers } from "./support/Customers.js"
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

describe("Checkout races", () => {
  let api: TestApi
  let site: string
  let key: string
  const tenant = () => ({ siteId: site, livemode: false })

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))
  const one = async <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    (await query<A>(text, params))[0]!
  const random = () => Math.random().toString(36).slice(2, 14)

  /** An ACTIVE product with one variant holding `stock` units at `price`. */
  const insertVariant = async (stock: number, price: number) => {
    const productId = `prd_${random()}`
    const variantId = `var_${random()}`
    await query(
      `insert into products (id, site_id, livemode, name, slug, price, currency, status, inventory_count, inventory_status)
       values ($1, $2, false, 'Mug', $3, $4, 'EUR', 'ACTIVE', 0, 'OUT_OF_STOCK')`,
      [productId, site, productId.replace("_", "-"), price]
    )
    await query(
      `insert into variants (id, site_id, livemode, product_id, name, sku, price, inventory_count, inventory_status, is_default)
       values ($1, $2, false, $3, 'White', $4, $5, $6, 'IN_STOCK', true)`,
      [variantId, site, productId, `MUG-${random()}`, price, stock]
    )
    return { productId, variantId }
  }
  const stockOf = async (variantId: string) =>
    (await one<{ inventory_count: number }>("select inventory_count from variants where id = $1", [variantId]))
      .inventory_count

  /** A session of one line brought to `review` through the services (the races are on `complete`). */
  const toReview = async (options: {
    readonly item: { productId: string; variantId: string }
    readonly email: string
    readonly customerId?: string
    readonly balances?: Partial<
      Pick<Advance, "promotionCode" | "giftCardCodes" | "storeCreditAmount" | "loyaltyPoints">
    >
    readonly token?: string
  }) => {
    const cart = await api.run(Cart.create(tenant(), { customerId: options.customerId }))
    await api.run(
      Cart.add(tenant(), cart.cart.id, {
        productId: options.item.productId,
        variantId: options.item.variantId,
        quantity: 1
      })
    )
    const sessionId = (await api.run(Checkout.fromCart(tenant(), cart.cart.id))).session.id
    const moves: ReadonlyArray<Omit<Advance, "sessionId">> = [
      { state: "contact" },
      { state: "shipping", email: options.email },
      { state: "payment", shippingAddress: address, shippingOptionId: "ship_pickup", ...options.balances },
      { state: "review", ...(options.token === undefined ? {} : { payment: { method: "card", token: options.token } }) }
    ]
    for (const move of moves) await api.run(Checkout.advance(tenant(), { sessionId, ...move }))
    return sessionId
  }
  const inBatches = async <A>(count: number, make: (i: number) => Promise<A>) => {
    const out: Array<A> = []
    for (let i = 0; i < count; i += 10) {
      out.push(...(await Promise.all(Array.from({ length: Math.min(10, count - i) }, (_, j) => make(i + j)))))
    }
    return out
  }
  const complete = (sessionId: string) =>
    api.request("PATCH", `/api/v1/${site}/checkout`, { key, body: { sessionId, state: "complete" } })
  const createPromotion = async (body: Record<string, unknown>) => {
    const res = await api.request("POST", `/api/v1/${site}/promotions`, { key, body })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return bodyOf(res, "promotions.create").data.id
  }
  const issueGiftCard = async (initialBalance: number) => {
    const res = await api.request("POST", `/api/v1/${site}/gift-cards`, { key, body: { initialBalance } })
    expect(res.status).toBe(201)
    return bodyOf(res, "giftCards.create").data
  }
  const giftCardBalance = async (id: string) =>
    Number((await one<{ b: string }>("select remaining_balance as b from gift_cards where id = $1", [id])).b)
  const storeCreditOf = async (customerId: string) =>
    bodyOf(await api.request("GET", `/api/v1/${site}/store-credit/${customerId}`, { key }), "storeCredit.get").data
      .balance as number
  const usedCount = async (promotionId: string) =>
    (await one<{ n: number }>("select used_count::int as n from promotions where id = $1", [promotionId])).n
  const countOf = async (text: string, params: ReadonlyArray<unknown>) => (await one<{ n: number }>(text, params)).n

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite({ name: "Races", currency: "EUR", plan: "enterprise" })).id
    key = (await api.createKey(site)).key
    // A site's own limits, raised as a busy store would: the races send hundreds of requests.
    await query("update sites set checkout_limit_rpm = 100000, rate_limit_rpm = 1000 where id = $1", [site])
    // A free option, so a session's total is exactly its line.
    await query(
      `insert into shipping_options (id, site_id, livemode, name, currency, rate)
       values ('ship_pickup', $1, false, 'Pickup', 'EUR', '{"_tag":"FLAT","amount":0}')`,
      [site]
    )
  })
  afterAll(() => api.close())

  it("200 concurrent completions with a promotion of maxUses 50: exactly 50 orders, all with the discount; 150 × 422 promotion_invalid", async () => {
    const item = await insertVariant(1000, 1000)
    const promotionId = await createPromotion({ code: "RACE50", type: "PERCENTAGE", value: 10, maxUses: 50 })
    const sessions = await inBatches(200, (i) =>
      toReview({ item, email: `race${i}@example.com`, balances: { promotionCode: "race50" }, token: "tok_visa" })
    )
    const results = await Promise.all(sessions.map(complete))
    const placed = results.filter((r) => r.status === 200)
    const refused = results.filter((r) => r.status !== 200)
    expect(placed).toHaveLength(50)
    expect(refused).toHaveLength(150)
    for (const r of refused)
      expect([r.status, errorOf(r).code], JSON.stringify(r.body)).toEqual([422, "promotion_invalid"])
    for (const r of placed)
      expect(bodyOf(r, "checkout.advance").data.totals).toMatchObject({
        discountTotal: 100,
        total: 900,
        amountDue: 900
      })
    expect(await usedCount(promotionId)).toBe(50)
    expect(
      await countOf(
        "select count(*)::int as n from orders where site_id = $1 and promotion_code = 'RACE50' and discount_total = 100",
        [site]
      )
    ).toBe(50)
    // The refused ones changed nothing: only the placed orders took stock.
    expect(await stockOf(item.variantId)).toBe(950)
  })

  it("200 concurrent redemptions of 100 from a gift card of 2,500, half through checkouts: exactly 25 succeed, balance 0", async () => {
    const item = await insertVariant(1000, 100)
    const card = await issueGiftCard(2500)
    const sessions = await inBatches(100, (i) =>
      toReview({ item, email: `gift${i}@example.com`, balances: { giftCardCodes: [card.code] } })
    )
    const redeem = () =>
      api.request("POST", `/api/v1/${site}/gift-cards/${card.id}/redeem`, { key, body: { amount: 100 } })
    const results = await Promise.all([...sessions.map(complete), ...Array.from({ length: 100 }, redeem)])
    const succeeded = results.filter((r) => r.status === 200 || r.status === 201)
    expect(succeeded).toHaveLength(25)
    for (const r of results.filter((r) => r.status !== 200 && r.status !== 201)) {
      expect(r.status).toBe(422)
      expect(["insufficient_balance"]).toContain(errorOf(r).code)
    }
    expect(await giftCardBalance(card.id)).toBe(0)
    expect(
      await countOf("select count(*)::int as n from gift_card_redemptions where gift_card_id = $1", [card.id])
    ).toBe(25)
    const orders = results.slice(0, 100).filter((r) => r.status === 200).length
    expect(
      await countOf("select count(*)::int as n from orders where site_id = $1 and gift_card_total = 100", [site])
    ).toBe(orders)
    expect(await stockOf(item.variantId)).toBe(1000 - orders)
  })

  it("concurrent checkouts spending store credit never take the balance below 0", async () => {
    const item = await insertVariant(100, 100)
    const customerId = `cust_${random()}`
    await addCustomers(api, site, [customerId])
    const credited = await api.request("POST", `/api/v1/${site}/store-credit/${customerId}`, {
      key,
      body: { type: "CREDIT", amount: 1000 }
    })
    expect(credited.status).toBe(201)
    const sessions = await inBatches(20, () =>
      toReview({ item, email: `${customerId}@example.com`, customerId, balances: { storeCreditAmount: 100 } })
    )
    const results = await Promise.all(sessions.map(complete))
    expect(results.filter((r) => r.status === 200)).toHaveLength(10)
    for (const r of results.filter((r) => r.status !== 200)) {
      expect([r.status, errorOf(r).code]).toEqual([422, "insufficient_balance"])
    }
    expect(await storeCreditOf(customerId)).toBe(0)
    expect(await stockOf(item.variantId)).toBe(90)
  })

  it("a capture failing after the stock decrement leaves stock, promotion use and every balance unchanged", async () => {
    const item = await insertVariant(5, 5000)
    const promotionId = await createPromotion({ code: "ROLLBACK5", type: "FIXED_AMOUNT", value: 500, maxUses: 5 })
    const card = await issueGiftCard(1000)
    const customerId = `cust_${random()}`
    await addCustomers(api, site, [customerId])
    await api.request("POST", `/api/v1/${site}/store-credit/${customerId}`, {
      key,
      body: { type: "CREDIT", amount: 700 }
    })
    await api.run(Loyalty.award(tenant(), customerId, 300))
    const sessionId = await toReview({
      item,
      email: `${customerId}@example.com`,
      customerId,
      balances: { promotionCode: "ROLLBACK5", giftCardCodes: [card.code], storeCreditAmount: 700, loyaltyPoints: 300 },
      token: "tok_capture_error"
    })
    const before = bodyOf(
      await api.request("GET", `/api/v1/${site}/checkout?sessionId=${sessionId}`, { key }),
      "checkout.get"
    ).data
    // 5000 − 500 off; then the gift card 1000, store credit 700, 300 points worth 300; 2500 to charge.
    expect(before.totals).toMatchObject({
      discountTotal: 500,
      giftCardTotal: 1000,
      storeCreditTotal: 700,
      loyaltyTotal: 300,
      total: 4200,
      amountDue: 2500
    })

    const res = await complete(sessionId)
    expect(res.status).toBe(503)
    expect(await stockOf(item.variantId)).toBe(5)
    expect(await usedCount(promotionId)).toBe(0)
    expect(await giftCardBalance(card.id)).toBe(1000)
    expect(await storeCreditOf(customerId)).toBe(700)
    expect((await api.run(Loyalty.get(tenant(), customerId))).account.points).toBe(300)
    expect(await countOf("select count(*)::int as n from orders where checkout_session_id = $1", [sessionId])).toBe(0)
    const after = bodyOf(
      await api.request("GET", `/api/v1/${site}/checkout?sessionId=${sessionId}`, { key }),
      "checkout.get"
    ).data
    expect(after).toMatchObject({ state: "review", orderId: null, totals: before.totals })
  })
})

describe("Checkout flow over HTTP", () => {
  let api: TestApi
  let site: string
  let key: string

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite({ name: "Flow", currency: "EUR", plan: "enterprise" })).id
    key = (await api.createKey(site)).key
  })
  afterAll(() => api.close())

  const call = async <Id extends OperationId>(
    id: Id,
    method: "GET" | "POST" | "PATCH",
    path: string,
    body?: Record<string, unknown>
  ) => {
    const res = await api.request(method, `/api/v1/${site}${path}`, { key, ...(body === undefined ? {} : { body }) })
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300)
    return bodyOf(res, id)
  }
  const product = async (name: string, price: number) => {
    const id = (await call("products.create", "POST", "/products", { name, price, currency: "EUR", status: "ACTIVE" }))
      .data.id
    await call("inventory.adjust", "POST", `/inventory/${id}`, { operation: "set", quantity: 10 })
    return id
  }

  it("cart → 3 lines → checkout with a promotion and a gift card → order found by its number", async () => {
    const ids = [await product("Tee", 2999), await product("Mug", 1500), await product("Cap", 1200)]
    await call("promotions.create", "POST", "/promotions", { code: "WELCOME10", type: "PERCENTAGE", value: 10 })
    const card = (await call("giftCards.create", "POST", "/gift-cards", { initialBalance: 2000 })).data

    const cart = (await call("cart.create", "POST", "/cart", { sessionId: "browser-1" })).data
    for (const [i, productId] of ids.entries()) {
      await call("cart.update", "PATCH", `/cart?cartId=${cart.id}`, {
        action: "add",
        item: { productId, quantity: i + 1 }
      })
    }
    // 2999 + 2 × 1500 + 3 × 1200
    expect((await call("cart.get", "GET", `/cart?cartId=${cart.id}`)).data.subtotal).toBe(9599)

    const session = (await call("checkout.create", "POST", "/checkout", { cartId: cart.id })).data
    expect(session).toMatchObject({ state: "init", cartId: cart.id, totals: { subtotal: 9599, amountDue: 9599 } })
    const advance = async (body: Record<string, unknown>) =>
      (await call("checkout.advance", "PATCH", "/checkout", { sessionId: session.id, ...body })).data
    await advance({ state: "contact" })
    await advance({ state: "shipping", email: "Ada@Example.com" })
    const paying = await advance({
      state: "payment",
      shippingAddress: address,
      shippingOptionId: "ship_standard",
      promotionCode: "welcome10",
      giftCardCodes: [card.code.toLowerCase()]
    })
    // 10% of 9599 is 959.9, rounded half-even to 960; shipping is free over 50.00; the card pays 2000.
    const totals = {
      subtotal: 9599,
      discountTotal: 960,
      shippingTotal: 0,
      taxTotal: 0,
      giftCardTotal: 2000,
      storeCreditTotal: 0,
      loyaltyTotal: 0,
      total: 8639,
      amountDue: 6639,
      currency: "EUR"
    }
    expect(paying).toMatchObject({ promotionCode: "WELCOME10", giftCardCodes: [card.code], totals })
    await advance({ state: "review", payment: { method: "card", token: "tok_visa" } })
    const done = await advance({ state: "complete" })
    expect(done).toMatchObject({ state: "complete", totals })

    const order = (await call("orders.get", "GET", `/orders/${done.orderId}`)).data
    expect(order).toMatchObject({
      subtotal: 9599,
      discountTotal: 960,
      shippingTotal: 0,
      giftCardTotal: 2000,
      total: 8639,
      promotionCode: "WELCOME10",
      paymentStatus: "PAID"
    })
    expect(order.number).toMatch(/^ORD-\d+$/)
    expect((await call("orders.get", "GET", `/orders/${order.number}`)).data.id).toBe(order.id)
    expect((await call("giftCards.get", "GET", `/gift-cards/${card.id}`)).data.status).toBe("REDEEMED")
    expect((await call("cart.get", "GET", `/cart?cartId=${cart.id}`)).data.status).toBe("CONVERTED")
    // The order's customer earned points on the amount paid in total (1 point per euro).
    expect((await call("loyalty.get", "GET", `/loyalty/${order.customerId}`)).data.points).toBe(86)

    // The cart can start no other checkout, and a missing or empty cart none at all (422, the spec's codes).
    const refusal = async (cartId: string) =>
      errorOf(await api.request("POST", `/api/v1/${site}/checkout`, { key, body: { cartId } })).code
    expect(await refusal(cart.id)).toBe("cart_converted")
    expect(await refusal("cart_missing")).toBe("cart_not_found")
    expect(await refusal((await call("cart.create", "POST", "/cart", { sessionId: "browser-2" })).data.id)).toBe(
      "cart_empty"
    )
  })
})
