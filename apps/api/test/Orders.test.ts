import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, assert, beforeAll, describe, expect, it } from "vitest"
import { Orders } from "../src/Orders/Service.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

describe("Orders", () => {
  let api: TestApi
  let site: string
  let key: string
  let otherKey: string
  const placed: Array<{ id: string; number: string }> = []

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))

  /** Places an order the way checkout does (inside its transaction: `Orders.place`). */
  const place = async (i: number, customerId: string | null) => {
    const order = await api.run(
      Orders.place(
        { siteId: site, livemode: false },
        {
          status: "CONFIRMED",
          paymentStatus: "PAID",
          customerId,
          email: `buyer${i}@example.com`,
          currency: "EUR",
          items: [
            { productId: "prd_abc123", variantId: null, name: "Mug", sku: "MUG-1", quantity: i + 1, unitPrice: 1000 }
          ],
          subtotal: (i + 1) * 1000,
          discountTotal: 0,
          shippingTotal: 499,
          taxTotal: 0,
          giftCardTotal: 0,
          storeCreditTotal: 0,
          total: (i + 1) * 1000 + 499,
          shippingAddress: null,
          billingAddress: null,
          promotionCode: null,
          checkoutSessionId: `cs_orders${i}`,
          cartId: `cart_orders${i}`,
          paymentMethod: "card",
          paymentReference: null
        }
      )
    )
    if (order._tag === "None") throw new Error("not placed")
    return order.value
  }

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite()).id
    key = (await api.createKey(site)).key
    const other = (await api.createSite()).id
    otherKey = (await api.createKey(other)).key
    await query("update sites set orders_limit_rpm = 100000, rate_limit_rpm = 1000 where id = $1", [site])
    for (let i = 0; i < 5; i++) placed.push(await place(i, i % 2 === 0 ? "cust_even" : null))
    // Spread the creation times over five days, oldest first.
    for (let i = 0; i < 5; i++) {
      await query("update orders set created_at = $1 where id = $2", [`2026-01-0${i + 1}T12:00:00Z`, placed[i]!.id])
    }
  })

  afterAll(() => api.close())

  it("numbers orders ORD-<n>, unique and increasing per site", () => {
    const numbers = placed.map((o) => Number(o.number.slice(4)))
    expect(placed.every((o) => /^ORD-\d+$/.test(o.number))).toBe(true)
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
    expect(new Set(numbers).size).toBe(5)
  })

  it("gets an order by id or by number, and not from another site", async () => {
    const byId = await api.request("GET", `/api/v1/${site}/orders/${placed[0]!.id}`, { key })
    expect(byId.status).toBe(200)
    expect(bodyOf(byId, "orders.get").data).toMatchObject({ number: placed[0]!.number, total: 1499, refundedTotal: 0 })
    expect(bodyOf(byId, "orders.get").data.items).toEqual([
      expect.objectContaining({ name: "Mug", sku: "MUG-1", quantity: 1, unitPrice: 1000, total: 1000 })
    ])
    const byNumber = await api.request("GET", `/api/v1/${site}/orders/${placed[0]!.number}`, { key })
    expect(bodyOf(byNumber, "orders.get").data.id).toBe(placed[0]!.id)
    expect((await api.request("GET", `/api/v1/${site}/orders/ORD-999999`, { key })).status).toBe(404)
    const foreign = await api.request("GET", `/api/v1/${site}/orders/${placed[0]!.id}`, { key: otherKey })
    expect(foreign.status).toBe(401)
  })

  it("lists newest first with status, payment status, customer and date filters", async () => {
    const all = await api.request("GET", `/api/v1/${site}/orders?limit=2`, { key })
    const firstPage = bodyOf(all, "orders.list")
    assert("pagination" in firstPage)
    expect(firstPage.items.map((o) => o.id)).toEqual([placed[4]!.id, placed[3]!.id])
    expect(firstPage.pagination).toEqual({ page: 1, limit: 2, total: 5, totalPages: 3 })

    const even = await api.request("GET", `/api/v1/${site}/orders?customerId=cust_even`, { key })
    expect(bodyOf(even, "orders.list").items.map((o: { id: string }) => o.id)).toEqual([
      placed[4]!.id,
      placed[2]!.id,
      placed[0]!.id
    ])

    const range = await api.request("GET", `/api/v1/${site}/orders?from=2026-01-02T00:00:00Z&to=2026-01-04T12:00:00Z`, {
      key
    })
    expect(bodyOf(range, "orders.list").items.map((o: { id: string }) => o.id)).toEqual([placed[2]!.id, placed[1]!.id])

    const paid = await api.request("GET", `/api/v1/${site}/orders?paymentStatus=PAID&status=CONFIRMED`, { key })
    const paidPage = bodyOf(paid, "orders.list")
    assert("pagination" in paidPage)
    expect(paidPage.pagination.total).toBe(5)
    const refunded = await api.request("GET", `/api/v1/${site}/orders?paymentStatus=REFUNDED`, { key })
    const refundedPage = bodyOf(refunded, "orders.list")
    assert("pagination" in refundedPage)
    expect(refundedPage.pagination.total).toBe(0)

    const backwards = await api.request(
      "GET",
      `/api/v1/${site}/orders?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
      {
        key
      }
    )
    expect(backwards.status).toBe(400)
    expect(errorOf(backwards).code).toBe("validation_error")
  })

  it("pages with a cursor through every order once, newest first", async () => {
    // The first page names the newest order; from there on, the cursor each page returns.
    const seen: Array<string> = [placed[4]!.id]
    let cursor = placed[4]!.id
    for (;;) {
      const res = await api.request("GET", `/api/v1/${site}/orders?limit=2&cursor=${cursor}`, { key })
      expect(res.status).toBe(200)
      const page = bodyOf(res, "orders.list")
      assert("cursor" in page)
      seen.push(...page.items.map((o) => o.id))
      if (!page.hasNextPage) break
      assert(page.cursor !== null)
      cursor = page.cursor
    }
    expect(seen).toEqual([...placed].reverse().map((o) => o.id))
    const bad = await api.request("GET", `/api/v1/${site}/orders?cursor=nonsense`, { key })
    expect(bad.status).toBe(400)
  })
})
