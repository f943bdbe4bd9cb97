import { Ids } from "@shopvo/kernel"
import { Conversion } from "@shopvo/pricing"
import { SqlClient } from "@effect/sql"
import { Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Settlement } from "../src/Settlement/Service.js"
import { bodyOf, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

const addressIn = (country: string) => ({
  firstName: "Jane",
  lastName: "Smith",
  line1: "1 High Street",
  city: "Town",
  postalCode: "12345",
  country
})

describe("Multi-currency and settlement", () => {
  let api: TestApi
  let site: string
  let key: string
  let otherSite: string
  let otherKey: string

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))

  const insertProduct = async (price: number) => {
    const id = Ids.make("prd")
    await query(
      `insert into products (id, site_id, livemode, name, slug, price, currency, status, inventory_count)
       values ($1, $2, false, 'Wool Scarf', $3, $4, 'EUR', 'ACTIVE', 100)`,
      [id, site, id.replace("_", "-").toLowerCase(), price]
    )
    return id
  }

  const insertVariant = async (productId: string, price: number | null, isDefault = false) => {
    const id = Ids.make("var")
    await query(
      `insert into variants (id, site_id, livemode, product_id, name, price, inventory_count, inventory_status, is_default)
       values ($1, $2, false, $3, $1, $4, 100, 'IN_STOCK', $5)`,
      [id, site, productId, price, isDefault]
    )
    return id
  }

  const path = (rest: string, siteId = site) => `/api/v1/${siteId}${rest}`
  const put = (rest: string, body: unknown, k = key, siteId = site) =>
    api.request("PUT", path(rest, siteId), { key: k, body })
  const post = (rest: string, body: unknown, k = key, siteId = site) =>
    api.request("POST", path(rest, siteId), { key: k, body })
  const get = (rest: string, k = key, siteId = site) => api.request("GET", path(rest, siteId), { key: k })

  const createCart = async (currency: string) => {
    const res = await post("/cart", { currency })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return bodyOf(res, "cart.create").data.id
  }
  const add = (cartId: string, item: Record<string, unknown>) =>
    api.request("PATCH", path(`/cart?cartId=${cartId}`), { key, body: { action: "add", item } })

  /** Takes the cart through checkout, shipping to `country`; the session and the completing move's response. */
  const checkout = async (cartId: string, country: string, currency: "EUR" | "GBP") => {
    const created = await post("/checkout", { cartId })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const sessionId = bodyOf(created, "checkout.create").data.id
    const advance = (body: Record<string, unknown>) =>
      api.request("PATCH", path("/checkout"), { key, body: { sessionId, ...body } })
    for (const body of [
      { state: "contact" },
      { state: "shipping", email: "jane@example.com" },
      {
        state: "payment",
        shippingAddress: addressIn(country),
        shippingOptionId: `ship_post_${currency.toLowerCase()}`
      },
      { state: "review", payment: { method: "card", token: "tok_visa" } }
    ]) {
      const res = await advance(body)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
    }
    return { sessionId, completed: await advance({ state: "complete" }) }
  }

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite()).id
    key = (await api.createKey(site)).key
    otherSite = (await api.createSite()).id
    otherKey = (await api.createKey(otherSite)).key
    await query(
      "update sites set checkout_limit_rpm = 100000, orders_limit_rpm = 100000, rate_limit_rpm = 1000 where id = $1",
      [site]
    )
    // Shipping in each currency (shipping options are another aggregate's).
    for (const currency of ["EUR", "GBP"]) {
      await query(
        `insert into shipping_options (id, site_id, livemode, name, currency, rate, position)
         values ($1, $2, false, 'Post', $3, '{"_tag":"FLAT","amount":0}', 0)`,
        [`ship_post_${currency.toLowerCase()}`, site, currency]
      )
    }
  })

  afterAll(() => api.close())

  it("a site sells in its base currency until it adds others; unknown currencies are refused", async () => {
    expect(bodyOf(await get("/currencies"), "currencies.get").data).toEqual({
      baseCurrency: "EUR",
      currencies: ["EUR"]
    })
    const refused = await post("/cart", { currency: "GBP" })
    expect(refused.status).toBe(422)
    expect(errorOf(refused).code).toBe("currency_not_supported")

    const unknown = await put("/currencies", { currencies: ["GBP", "XYZ"] })
    expect(unknown.status).toBe(422)
    expect(errorOf(unknown).code).toBe("currency_not_supported")
    expect(bodyOf(await get("/currencies"), "currencies.get").data.currencies).toEqual(["EUR"])

    const updated = await put("/currencies", { currencies: ["USD", "GBP", "EUR"] })
    expect(updated.status).toBe(200)
    expect(bodyOf(updated, "currencies.update").data).toEqual({
      baseCurrency: "EUR",
      currencies: ["EUR", "GBP", "USD"]
    })
    // Another site is untouched.
    expect(bodyOf(await get("/currencies", otherKey, otherSite), "currencies.get").data.currencies).toEqual(["EUR"])
  })

  it("records exchange rates exactly, newest first, refusing zero, malformed and same-currency rates", async () => {
    const past = "2026-01-01T00:00:00.000Z"
    const created = await post("/currencies/rates", { from: "EUR", to: "GBP", rate: "0.8571", effectiveAt: past })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(bodyOf(created, "currencies.createRate").data).toMatchObject({
      from: "EUR",
      to: "GBP",
      rate: "0.8571",
      effectiveAt: past
    })
    // A rate that takes effect later is listed but not used yet.
    const future = await post("/currencies/rates", {
      from: "EUR",
      to: "GBP",
      rate: "2",
      effectiveAt: "2999-01-01T00:00:00.000Z"
    })
    expect(future.status).toBe(201)

    for (const rate of ["0", "0.000", "1e3", "-1", "1,2"]) {
      const res = await post("/currencies/rates", { from: "EUR", to: "GBP", rate })
      expect(res.status, rate).toBe(400)
      expect(errorOf(res).code).toBe("validation_error")
    }
    const same = await post("/currencies/rates", { from: "EUR", to: "EUR", rate: "1.1" })
    expect(same.status).toBe(422)
    expect(errorOf(same).code).toBe("currency_not_supported")

    const listed = offsetPage(bodyOf(await get("/currencies/rates?from=EUR&to=GBP"), "currencies.listRates"))
    expect(listed.items.map((r) => r.rate)).toEqual(["2", "0.8571"])
    expect(listed.pagination.total).toBe(2)
    const elsewhere = offsetPage(bodyOf(await get("/currencies/rates", otherKey, otherSite), "currencies.listRates"))
    expect(elsewhere.items).toEqual([])
    // Live mode has rates of its own: none of the test-mode ones.
    const liveKey = (await api.createKey(site, { mode: "live" })).key
    expect(offsetPage(bodyOf(await get("/currencies/rates", liveKey), "currencies.listRates")).items).toEqual([])
  })

  it("a GBP cart uses GBP prices where set and converts the others at the rate in effect", async () => {
    await put("/currencies", { currencies: ["GBP", "USD"] })
    await post("/currencies/rates", { from: "EUR", to: "GBP", rate: "0.8571", effectiveAt: "2026-02-01T00:00:00Z" })
    const scarf = await insertProduct(2999)
    const plain = await insertVariant(scarf, null, true) // keeps the product's price
    const large = await insertVariant(scarf, 3499) // its own EUR price, no GBP price: converted
    const pinned = await insertVariant(scarf, 3999) // its own GBP price
    const hat = await insertProduct(1000) // no GBP price at all: converted

    const set = await put(`/products/${scarf}/prices`, {
      prices: [
        { currency: "GBP", amount: 2599 },
        { currency: "GBP", amount: 3299, variantId: pinned }
      ]
    })
    expect(set.status, JSON.stringify(set.body)).toBe(200)
    expect(bodyOf(set, "currencies.setProductPrices").data).toEqual({
      productId: scarf,
      currency: "EUR",
      price: 2999,
      prices: [
        { currency: "GBP", amount: 2599, variantId: null },
        { currency: "GBP", amount: 3299, variantId: pinned }
      ]
    })

    const cartId = await createCart("GBP")
    for (const item of [
      { productId: scarf, variantId: plain, quantity: 1 },
      { productId: scarf, variantId: large, quantity: 2 },
      { productId: scarf, variantId: pinned, quantity: 1 },
      { productId: hat, quantity: 3 }
    ]) {
      const res = await add(cartId, item)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
    }
    const cart = bodyOf(await get(`/cart?cartId=${cartId}`), "cart.get").data
    expect(cart.currency).toBe("GBP")
    const unit = (variantId: string | null, productId: string) =>
      cart.items.find((i) => i.productId === productId && i.variantId === variantId)!.unitPrice
    expect(unit(plain, scarf)).toBe(2599) // the product's GBP price
    expect(unit(large, scarf)).toBe(2999) // 34.99 EUR × 0.8571 = 29.989929 → 29.99 GBP
    expect(unit(pinned, scarf)).toBe(3299) // the variant's GBP price
    expect(unit(null, hat)).toBe(857) // 10.00 EUR × 0.8571 = 8.571 → 8.57 GBP
    expect(cart.subtotal).toBe(2599 + 2 * 2999 + 3299 + 3 * 857)

    // The same products in a EUR cart keep their catalogue prices.
    const eurCart = await createCart("EUR")
    const eur = bodyOf(await add(eurCart, { productId: scarf, variantId: large, quantity: 1 }), "cart.update").data
    expect(eur.items[0]!.unitPrice).toBe(3499)
  })

  it("refuses an item a cart cannot price (no price in its currency, no rate), changing nothing", async () => {
    await put("/currencies", { currencies: ["GBP", "USD"] })
    const mug = await insertProduct(1250)
    const cartId = await createCart("USD")
    const res = await add(cartId, { productId: mug, quantity: 1 })
    expect(res.status).toBe(422)
    expect(errorOf(res).code).toBe("currency_not_supported")
    expect(bodyOf(await get(`/cart?cartId=${cartId}`), "cart.get").data.items).toEqual([])

    // A USD price makes it sellable without any rate.
    expect((await put(`/products/${mug}/prices`, { prices: [{ currency: "USD", amount: 1399 }] })).status).toBe(200)
    const added = await add(cartId, { productId: mug, quantity: 1 })
    expect(bodyOf(added, "cart.update").data.items[0]!.unitPrice).toBe(1399)
  })

  it("validates price updates and keeps other sites' products out of reach", async () => {
    const scarf = await insertProduct(2999)
    const own = await put(`/products/${scarf}/prices`, { prices: [{ currency: "EUR", amount: 1 }] })
    expect(own.status).toBe(422)
    expect(errorOf(own).code).toBe("currency_not_supported")

    const otherProduct = await insertProduct(500)
    const otherVariant = await insertVariant(otherProduct, null)
    const foreign = await put(`/products/${scarf}/prices`, {
      prices: [{ currency: "GBP", amount: 1, variantId: otherVariant }]
    })
    expect(foreign.status).toBe(422)
    expect(errorOf(foreign).code).toBe("variant_not_found")

    const twice = await put(`/products/${scarf}/prices`, {
      prices: [
        { currency: "GBP", amount: 1 },
        { currency: "GBP", amount: 2 }
      ]
    })
    expect(twice.status).toBe(400)
    expect(errorOf(twice).details).toEqual([{ path: "/prices/1", message: expect.any(String) }])
    expect(bodyOf(await get(`/products/${scarf}/prices`), "currencies.getProductPrices").data.prices).toEqual([])

    const fromOther = await get(`/products/${scarf}/prices`, otherKey, otherSite)
    expect(fromOther.status).toBe(404)
    const setFromOther = await put(`/products/${scarf}/prices`, { prices: [] }, otherKey, otherSite)
    expect(setFromOther.status).toBe(404)
  })

  it("settles orders by routing rule, records presentment, settlement and rate, and reports per currency and day", async () => {
    await put("/currencies", { currencies: ["GBP", "USD"] })
    // Settlement routing: Ireland settles in EUR, other GBP orders in GBP, everything else in EUR.
    const noAccount = await put("/settlement", {
      defaultCurrency: "EUR",
      accounts: [{ currency: "EUR", name: "Main", reference: "DE89 3000" }],
      rules: [{ presentmentCurrency: "GBP", settlementCurrency: "GBP" }]
    })
    expect(noAccount.status).toBe(400)
    expect(errorOf(noAccount).details).toEqual([{ path: "/rules/0/settlementCurrency", message: "no account in GBP" }])
    const twoEur = await put("/settlement", {
      defaultCurrency: "EUR",
      accounts: [
        { currency: "EUR", name: "Main", reference: "DE89 3000" },
        { currency: "EUR", name: "Second", reference: "FR76 3000" }
      ],
      rules: []
    })
    expect(twoEur.status).toBe(400)
    expect(bodyOf(await get("/settlement"), "settlement.get").data).toEqual({
      defaultCurrency: "EUR",
      accounts: [],
      rules: []
    })

    const setup = await put("/settlement", {
      defaultCurrency: "EUR",
      accounts: [
        { currency: "EUR", name: "Main EUR account", reference: "DE89 •••• 3000" },
        { currency: "GBP", name: "UK account", reference: "GB29 •••• 2611" }
      ],
      rules: [
        { country: "IE", settlementCurrency: "EUR" },
        { presentmentCurrency: "GBP", settlementCurrency: "GBP" }
      ]
    })
    expect(setup.status, JSON.stringify(setup.body)).toBe(200)
    expect(bodyOf(setup, "settlement.update").data.rules).toEqual([
      { presentmentCurrency: null, country: "IE", settlementCurrency: "EUR" },
      { presentmentCurrency: "GBP", country: null, settlementCurrency: "GBP" }
    ])

    const scarf = await insertProduct(2999)
    await put(`/products/${scarf}/prices`, { prices: [{ currency: "GBP", amount: 2599 }] })

    // 1. GBP shipped to Ireland settles in EUR: refused while no GBP→EUR rate is in effect, no order placed.
    const ieCart = await createCart("GBP")
    await add(ieCart, { productId: scarf, quantity: 3 })
    const ordersBefore = await query<{ n: number }>("select count(*)::int as n from orders where site_id = $1", [site])
    const { sessionId: ieSession, completed: refused } = await checkout(ieCart, "IE", "GBP")
    expect(refused.status).toBe(422)
    expect(errorOf(refused).code).toBe("exchange_rate_not_found")
    expect(await query("select count(*)::int as n from orders where site_id = $1", [site])).toEqual(ordersBefore)

    const rate = bodyOf(
      await post("/currencies/rates", { from: "GBP", to: "EUR", rate: "1.1667", effectiveAt: "2026-01-01T00:00:00Z" }),
      "currencies.createRate"
    ).data
    const ie = await api.request("PATCH", path("/checkout"), { key, body: { sessionId: ieSession, state: "complete" } })
    expect(ie.status, JSON.stringify(ie.body)).toBe(200)
    const ieOrder = bodyOf(await get(`/orders/${bodyOf(ie, "checkout.advance").data.orderId}`), "orders.get").data
    // 77.97 GBP × 1.1667 = 90.967599 EUR → 90.97
    expect(ieOrder.settlement).toEqual({
      presentmentCurrency: "GBP",
      presentmentTotal: 7797,
      presentmentRefunded: 0,
      settlementCurrency: "EUR",
      settlementTotal: 9097,
      settlementRefunded: 0,
      rate: "1.1667",
      rateId: rate.id
    })
    // The recorded values agree with @shopvo/pricing's conversion to the minor unit.
    const again = Conversion.convert({ amount: 7797, currency: "GBP" }, "EUR", "1.1667")
    expect(Either.getOrThrow(again).amount).toBe(ieOrder.settlement!.settlementTotal)
    // 2. GBP shipped to GB: settles in GBP at 1.
    const gbCart = await createCart("GBP")
    await add(gbCart, { productId: scarf, quantity: 2 })
    const gb = (await checkout(gbCart, "GB", "GBP")).completed
    expect(gb.status, JSON.stringify(gb.body)).toBe(200)
    const gbOrder = bodyOf(await get(`/orders/${bodyOf(gb, "checkout.advance").data.orderId}`), "orders.get").data
    expect(gbOrder.currency).toBe("GBP")
    expect(gbOrder.settlement).toEqual({
      presentmentCurrency: "GBP",
      presentmentTotal: 5198,
      presentmentRefunded: 0,
      settlementCurrency: "GBP",
      settlementTotal: 5198,
      settlementRefunded: 0,
      rate: "1",
      rateId: null
    })

    // Balances are kept in the base currency: a GBP session cannot spend them, and nothing changes.
    const gbpCart = await createCart("GBP")
    await add(gbpCart, { productId: scarf, quantity: 1 })
    const gbpSession = bodyOf(await post("/checkout", { cartId: gbpCart }), "checkout.create").data.id
    const balances = await api.request("PATCH", path("/checkout"), {
      key,
      body: { sessionId: gbpSession, state: "contact", giftCardCodes: ["GIFT-0000-0000"] }
    })
    expect(balances.status).toBe(422)
    expect(errorOf(balances).code).toBe("currency_not_supported")
    expect(bodyOf(await get(`/checkout?sessionId=${gbpSession}`), "checkout.get").data.state).toBe("init")

    // 3. EUR to Germany: no rule matches, the default EUR at 1.
    const deCart = await createCart("EUR")
    await add(deCart, { productId: scarf, quantity: 1 })
    const de = (await checkout(deCart, "DE", "EUR")).completed
    const deOrder = bodyOf(await get(`/orders/${bodyOf(de, "checkout.advance").data.orderId}`), "orders.get").data
    expect(deOrder.settlement).toMatchObject({ settlementCurrency: "EUR", settlementTotal: 2999, rate: "1" })

    // A refund settles back in EUR at the order's recorded rate, not today's.
    await post("/currencies/rates", { from: "GBP", to: "EUR", rate: "1.5" })
    const refund = await api.run(
      Settlement.refund({ siteId: site, livemode: false }, ieOrder.id, { amount: 2599, currency: "GBP" })
    )
    // 25.99 × 1.1667 = 30.322533 → 30.32 EUR
    expect(refund.settlement).toEqual({ amount: 3032, currency: "EUR" })
    expect(bodyOf(await get(`/orders/${ieOrder.id}`), "orders.get").data.settlement).toMatchObject({
      presentmentRefunded: 2599,
      settlementRefunded: 3032
    })
    // Two refunds racing for what remains (51.98 GBP): exactly one wins.
    const tenant = { siteId: site, livemode: false }
    const race = await Promise.allSettled(
      [1, 2].map(() => api.run(Settlement.refund(tenant, ieOrder.id, { amount: 5198, currency: "GBP" })))
    )
    expect(race.filter((r) => r.status === "fulfilled")).toHaveLength(1)
    expect(String((race.find((r) => r.status === "rejected") as PromiseRejectedResult).reason)).toContain(
      "RefundExceedsTotal"
    )
    // Fully refunded: the refunds took back exactly the settlement total.
    const fully = bodyOf(await get(`/orders/${ieOrder.id}`), "orders.get").data.settlement!
    expect([fully.presentmentRefunded, fully.settlementRefunded]).toEqual([7797, 9097])

    // The report: today, per settlement currency; one GBP order moved to yesterday by its placement time.
    const today = new Date().toISOString().slice(0, 10)
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
    await query("update order_settlements set placed_at = placed_at - interval '1 day' where order_id = $1", [
      gbOrder.id
    ])
    const report = await get(`/reports/settlement?from=${yesterday}&to=${today}`)
    expect(report.status, JSON.stringify(report.body)).toBe(200)
    expect(bodyOf(report, "settlement.report").data).toEqual({
      from: yesterday,
      to: today,
      rows: [
        {
          date: yesterday,
          settlementCurrency: "GBP",
          orderCount: 1,
          grossAmount: 5198,
          refundedAmount: 0,
          netAmount: 5198
        },
        {
          date: today,
          settlementCurrency: "EUR",
          orderCount: 2,
          grossAmount: 9097 + 2999,
          refundedAmount: 9097,
          netAmount: 2999
        }
      ]
    })
    const todayOnly = bodyOf(await get(`/reports/settlement?from=${today}&to=${today}`), "settlement.report").data
    expect(todayOnly.rows.map((r) => r.settlementCurrency)).toEqual(["EUR"])

    // Another site sees none of it.
    expect((await get(`/orders/${ieOrder.id}`, otherKey, otherSite)).status).toBe(404)
    const otherReport = await get(`/reports/settlement?from=${yesterday}&to=${today}`, otherKey, otherSite)
    expect(bodyOf(otherReport, "settlement.report").data.rows).toEqual([])
    expect(bodyOf(await get("/settlement", otherKey, otherSite), "settlement.get").data.accounts).toEqual([])
  })

  it("refuses report ranges that are reversed, too long or not dates", async () => {
    for (const [from, to] of [
      ["2026-03-02", "2026-03-01"],
      ["2025-01-01", "2026-12-31"],
      ["2026-02-30", "2026-03-01"]
    ]) {
      const res = await get(`/reports/settlement?from=${from}&to=${to}`)
      expect(res.status, `${from}..${to}`).toBe(400)
      expect(errorOf(res).code).toBe("validation_error")
    }
  })
})
