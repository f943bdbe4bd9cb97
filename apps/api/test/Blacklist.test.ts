import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { prepareSite, shop } from "./support/Shop.js"
import { bodyOf, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

describe("Blacklist", () => {
  let api: TestApi
  let site: string
  let key: string
  let store: ReturnType<typeof shop>

  const blacklist = () => `/api/v1/${site}/blacklist`
  const add = (body: Record<string, unknown>) => api.request("POST", blacklist(), { key, body })
  const ordersOf = async (email: string) =>
    (
      await store.query<{ n: number }>(
        "select count(*)::int as n from orders where site_id = $1 and lower(email) = lower($2)",
        [site, email]
      )
    )[0]!.n
  /** A session of one product, ready to complete. */
  const ready = async (email: string, customerId?: string) => {
    const sessionId = await store.session([await store.product()], customerId ? { customerId } : {})
    await store.toReview(sessionId, { email })
    return sessionId
  }

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite({ name: "Blacklist", currency: "EUR", plan: "enterprise" })).id
    key = (await api.createKey(site)).key
    await prepareSite(api, site)
    store = shop(api, site, key)
  })
  afterAll(() => api.close())

  it("a blacklisted email (any case) cannot complete a checkout: 422 customer_blacklisted, no order, stock kept", async () => {
    const res = await add({ email: "Fraud@Example.com", reason: "Fraudulent chargebacks" })
    expect(res.status, res.text).toBe(201)
    expect(bodyOf(res, "blacklist.add").data).toMatchObject({
      email: "Fraud@Example.com",
      customerId: null,
      reason: "Fraudulent chargebacks"
    })
    const productId = await store.product({ stock: 5 })
    const sessionId = await store.session([productId])
    await store.toReview(sessionId, { email: "fraud@example.com" })
    const refused = await store.complete(sessionId)
    expect([refused.status, errorOf(refused).code]).toEqual([422, "customer_blacklisted"])
    expect(await ordersOf("fraud@example.com")).toBe(0)
    const [stock] = await store.query<{ n: number }>("select inventory_count as n from products where id = $1", [
      productId
    ])
    expect(stock!.n).toBe(5)

    // Removing the entry lets the same session complete.
    const entryId = bodyOf(res, "blacklist.add").data.id
    const removed = await api.request("DELETE", `${blacklist()}/${entryId}`, { key })
    expect(bodyOf(removed, "blacklist.remove")).toEqual({ success: true, deleted: true })
    expect((await store.complete(sessionId)).status).toBe(200)
    expect(await ordersOf("fraud@example.com")).toBe(1)
  })

  it("a blacklisted customer cannot complete, by the cart's customer or by their email", async () => {
    const first = await store.complete(await ready("chargeback@example.com"))
    expect(first.status).toBe(200)
    const [row] = await store.query<{ customer_id: string }>("select customer_id from orders where id = $1", [
      bodyOf(first, "checkout.advance").data.orderId
    ])
    const customerId = row!.customer_id
    const res = await add({ customerId, reason: "Two chargebacks" })
    expect(res.status, res.text).toBe(201)

    const byCustomer = await store.complete(await ready("another.address@example.com", customerId))
    expect([byCustomer.status, errorOf(byCustomer).code]).toEqual([422, "customer_blacklisted"])
    const byEmail = await store.complete(await ready("CHARGEBACK@example.com"))
    expect([byEmail.status, errorOf(byEmail).code]).toEqual([422, "customer_blacklisted"])
    expect(await ordersOf("chargeback@example.com")).toBe(1)
    // Others still buy.
    expect((await store.complete(await ready("honest@example.com"))).status).toBe(200)
  })

  it("lists entries newest first; refuses duplicates (409), unknown customers (404) and bad bodies (400)", async () => {
    await add({ email: "list.one@example.com", reason: "one" })
    await add({ email: "list.two@example.com", reason: "two" })
    const dup = await add({ email: "LIST.ONE@example.com", reason: "again" })
    expect([dup.status, errorOf(dup).code]).toEqual([409, "already_blacklisted"])
    const unknown = await add({ customerId: "cust_nobody", reason: "?" })
    expect([unknown.status, errorOf(unknown).code]).toEqual([404, "not_found"])
    for (const body of [
      { reason: "neither" },
      { email: "x@example.com", customerId: "cust_x", reason: "both" },
      { email: "x@example.com" },
      { email: "x@example.com", reason: "   " }
    ]) {
      const bad = await add(body)
      expect([bad.status, errorOf(bad).code], JSON.stringify(body)).toEqual([400, "validation_error"])
    }
    const page = offsetPage(bodyOf(await api.request("GET", `${blacklist()}?limit=2`, { key }), "blacklist.list"))
    expect(page.items.map((e) => e.email)).toEqual(["list.two@example.com", "list.one@example.com"])
    expect(page.pagination.total).toBeGreaterThanOrEqual(3)
  })

  it("another site sees none of the entries and cannot remove them (404); its checkouts are not blocked", async () => {
    const entry = bodyOf(await add({ email: "isolated@example.com", reason: "here only" }), "blacklist.add").data
    const other = (await api.createSite({ name: "Other", plan: "enterprise" })).id
    const otherKey = (await api.createKey(other)).key
    await prepareSite(api, other)
    const list = await api.request("GET", `/api/v1/${other}/blacklist`, { key: otherKey })
    expect(offsetPage(bodyOf(list, "blacklist.list")).items).toEqual([])
    const remove = await api.request("DELETE", `/api/v1/${other}/blacklist/${entry.id}`, { key: otherKey })
    expect(remove.status).toBe(404)
    const otherStore = shop(api, other, otherKey)
    const sessionId = await otherStore.session([await otherStore.product()])
    await otherStore.toReview(sessionId, { email: "isolated@example.com" })
    expect((await otherStore.complete(sessionId)).status).toBe(200)
  })
})
