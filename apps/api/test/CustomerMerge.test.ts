import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { prepareSite, shop } from "./support/Shop.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

describe("Customer merge", () => {
  let api: TestApi
  let site: string
  let key: string
  let store: ReturnType<typeof shop>

  const path = (customerId: string) => `/api/v1/${site}/customers/${customerId}`
  const merge = (targetId: string, sourceId: string, k = key, s = site) =>
    api.request("POST", `/api/v1/${s}/customers/${targetId}/merge`, { key: k, body: { sourceCustomerId: sourceId } })

  /** A customer made by a checkout of `email` (one order of one product at `price`). */
  const customerWithOrder = async (email: string, price = 1000) => {
    const productId = await store.product({ price })
    const sessionId = await store.session([productId])
    await store.toReview(sessionId, { email })
    const res = await store.complete(sessionId)
    expect(res.status, res.text).toBe(200)
    const orderId = bodyOf(res, "checkout.advance").data.orderId!
    const [row] = await store.query<{ customer_id: string }>("select customer_id from orders where id = $1", [orderId])
    return { customerId: row!.customer_id, orderId }
  }
  const credit = async (customerId: string, amount: number) => {
    const res = await api.request("POST", `/api/v1/${site}/store-credit/${customerId}`, {
      key,
      body: { type: "CREDIT", amount }
    })
    expect(res.status, res.text).toBe(201)
  }
  const award = async (customerId: string, points: number) => {
    const res = await api.request("POST", `/api/v1/${site}/loyalty/${customerId}/award`, { key, body: { points } })
    expect(res.status, res.text).toBe(201)
  }
  const storeCreditOf = async (customerId: string) =>
    bodyOf(await api.request("GET", `/api/v1/${site}/store-credit/${customerId}`, { key }), "storeCredit.get").data
      .balance
  const pointsOf = async (customerId: string) =>
    bodyOf(await api.request("GET", `/api/v1/${site}/loyalty/${customerId}`, { key }), "loyalty.get").data.points

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite({ name: "Merge", currency: "EUR", plan: "enterprise" })).id
    key = (await api.createKey(site)).key
    await prepareSite(api, site)
    store = shop(api, site, key)
  })
  afterAll(() => api.close())

  it("moves orders, address, tags, store credit, loyalty points and gift cards to the survivor; the other is gone", async () => {
    const a = await customerWithOrder("ann@example.com", 1000)
    const b = await customerWithOrder("ann.smith@example.com", 2500)
    const created = await store.query<{ id: string }>(
      "select payload->>'id' as id from events where site_id = $1 and type = 'customer.created'",
      [site]
    )
    expect(created.map((e) => e.id)).toEqual(expect.arrayContaining([a.customerId, b.customerId]))
    await api.request("PATCH", path(a.customerId), { key, body: { tags: ["vip"] } })
    const bAddress = {
      firstName: "Ann",
      lastName: "Smith",
      line1: "Ermou 25",
      city: "Athens",
      postalCode: "10563",
      country: "GR"
    }
    await api.request("PATCH", path(b.customerId), { key, body: { tags: ["newsletter"], defaultAddress: bAddress } })
    await credit(a.customerId, 300)
    await credit(b.customerId, 700)
    await award(b.customerId, 120)
    const pointsBefore = (await pointsOf(a.customerId)) + (await pointsOf(b.customerId))
    const card = await api.request("POST", `/api/v1/${site}/gift-cards`, {
      key,
      body: { initialBalance: 5000, customerId: b.customerId }
    })
    expect(card.status, card.text).toBe(201)

    const res = await merge(a.customerId, b.customerId)
    expect(res.status, res.text).toBe(200)
    const survivor = bodyOf(res, "customers.merge").data
    expect(survivor).toMatchObject({
      id: a.customerId,
      email: "ann@example.com",
      totalOrders: 2,
      totalSpent: 3500,
      tags: ["newsletter", "vip"],
      defaultAddress: { line1: "Ermou 25", city: "Athens" }
    })

    expect((await api.request("GET", path(b.customerId), { key })).status).toBe(404)
    const orders = await store.query<{ id: string }>("select id from orders where customer_id = $1 order by id", [
      a.customerId
    ])
    expect(orders.map((o) => o.id).sort()).toEqual([a.orderId, b.orderId].sort())
    expect(await storeCreditOf(a.customerId)).toBe(1000)
    expect(await pointsOf(a.customerId)).toBe(pointsBefore)
    const cards = await api.request("GET", `/api/v1/${site}/gift-cards?customerId=${a.customerId}`, { key })
    expect(bodyOf(cards, "giftCards.list").items.map((c) => c.id)).toContain(bodyOf(card, "giftCards.create").data.id)

    const [event] = await store.query<{ payload: Record<string, unknown> }>(
      "select payload from events where site_id = $1 and type = 'customer.merged'",
      [site]
    )
    expect(event!.payload).toMatchObject({
      customerId: a.customerId,
      mergedCustomerId: b.customerId,
      mergedEmail: "ann.smith@example.com",
      moved: { orders: 1, giftCards: 1, storeCredit: 700 }
    })

    // A later checkout with the merged email is the survivor's, not a new customer's.
    const again = await customerWithOrder("Ann.Smith@example.com", 400)
    expect(again.customerId).toBe(a.customerId)
  })

  it("refuses a merge into itself (422) and unknown or other-site customers (404), changing nothing", async () => {
    const a = await customerWithOrder("solo@example.com")
    const self = await merge(a.customerId, a.customerId)
    expect([self.status, errorOf(self).code]).toEqual([422, "merge_same_customer"])
    const unknown = await merge(a.customerId, "cust_doesnotexist")
    expect([unknown.status, errorOf(unknown).code]).toEqual([404, "not_found"])

    const other = (await api.createSite({ name: "Other" })).id
    const otherKey = (await api.createKey(other)).key
    const b = await customerWithOrder("victim@example.com")
    // Another site's key sees neither customer; a merge across sites is a 404 and moves nothing.
    const cross = await merge(a.customerId, b.customerId, otherKey, other)
    expect(cross.status).toBe(404)
    const into = await merge(a.customerId, b.customerId.replace(/.$/, "x"))
    expect(into.status).toBe(404)
    expect((await api.request("GET", path(b.customerId), { key })).status).toBe(200)
    const seen = await api.request("GET", `/api/v1/${other}/customers/${a.customerId}`, { key: otherKey })
    expect(seen.status).toBe(404)
  })

  it("a merge under concurrent checkouts by both customers loses no order and no balance", async () => {
    const productId = await store.product({ price: 500, stock: 10_000 })
    // Several rounds, each a fresh pair: the merge lands at a different point among the checkouts.
    for (let round = 0; round < 3; round++) {
      const emails = [`race${round}.a@example.com`, `race${round}.b@example.com`] as const
      const a = await customerWithOrder(emails[0], 1000)
      const b = await customerWithOrder(emails[1], 1000)
      await credit(a.customerId, 5000)
      await credit(b.customerId, 5000)
      // Sessions by each customer (as the cart's customer, spending 100 of store credit) and by
      // email only, all ready to complete before the merge starts.
      const sessions: Array<string> = []
      for (let i = 0; i < 8; i++) {
        const owner = i % 2 === 0 ? a : b
        const byCustomer = i % 4 < 2
        const sessionId = await store.session([productId], byCustomer ? { customerId: owner.customerId } : {})
        await store.toReview(sessionId, {
          email: emails[i % 2]!,
          ...(byCustomer ? { balances: { storeCreditAmount: 100 } } : {})
        })
        sessions.push(sessionId)
      }
      const completions = sessions.map((sessionId) => store.complete(sessionId))
      const [merged, ...completed] = await Promise.all([
        new Promise((resolve) => setTimeout(resolve, round * 15)).then(() => merge(a.customerId, b.customerId)),
        ...completions
      ])
      expect(merged!.status, merged!.text).toBe(200)
      for (const res of completed) expect(res.status, res.text).toBe(200)

      // Every order of either customer, before and during the merge, is the survivor's.
      const count = async (customerId: string) =>
        (
          await store.query<{ n: number }>(
            "select count(*)::int as n from orders where site_id = $1 and customer_id = $2",
            [site, customerId]
          )
        )[0]!.n
      expect(await count(a.customerId)).toBe(2 + sessions.length)
      expect(await count(b.customerId)).toBe(0)
      const customer = bodyOf(await api.request("GET", path(a.customerId), { key }), "customers.get").data
      expect(customer.totalOrders).toBe(2 + sessions.length)
      // Store credit: 4 sessions by a customer spent 100 each, from whichever account held it then.
      expect(await storeCreditOf(a.customerId)).toBe(10_000 - 4 * 100)
      const ledger = await store.query<{ n: number }>(
        "select count(*)::int as n from store_credit_transactions where site_id = $1 and customer_id = $2",
        [site, a.customerId]
      )
      expect(ledger[0]!.n).toBe(2 + 4)
      // Points: every order earned once, on the survivor's ledger, and the balance is that ledger's sum.
      const points = await store.query<{ earned: number; balance: string }>(
        `select count(*) filter (where type = 'EARN')::int as earned,
                sum(case when type in ('EARN', 'AWARD') then points else -points end)::text as balance
         from loyalty_transactions where site_id = $1 and customer_id = $2`,
        [site, a.customerId]
      )
      expect(points[0]!.earned).toBe(2 + sessions.length)
      expect(await pointsOf(a.customerId)).toBe(Number(points[0]!.balance))
    }
  }, 180_000)
})
