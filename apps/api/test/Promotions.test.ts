import { SqlClient } from "@effect/sql"
import { Database } from "@shopvo/kernel"
import type { Validation } from "@shopvo/promotions"
import { DateTime, Duration, Effect, Either } from "effect"
import { afterAll, assert, beforeAll, describe, expect, it } from "vitest"
import { Promotions } from "../src/Promotions/Service.js"
import { seedDemoPromotions } from "../src/Promotions/Seed.js"
import { bodyOf, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

let api: TestApi

beforeAll(async () => {
  api = await start()
})
afterAll(() => api.close())

const day = 86_400_000
const at = (offset: number) => new Date(Date.now() + offset).toISOString()

/** A site with an admin key in each mode; requests default to the live key (public validate reads live data). */
const newStore = async () => {
  const site = await api.createSite({ currency: "EUR" })
  const live = (await api.createKey(site.id, { mode: "live" })).key
  const test = (await api.createKey(site.id)).key
  const path = (rest: string) => `/api/v1/${site.id}${rest}`
  /** `key: null` sends none. */
  const call = (method: string, rest: string, body?: unknown, key: string | null = live) =>
    api.request(method, path(rest), { ...(key === null ? {} : { key }), ...(body === undefined ? {} : { body }) })
  const create = async (body: Record<string, unknown>, key = live) => {
    const res = await call("POST", "/promotions", body, key)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return bodyOf(res, "promotions.create").data
  }
  const validate = (body: Record<string, unknown>) => call("POST", "/promotions/validate", body, null)
  const product = async (key = live) => {
    const res = await call("POST", "/products", { name: "Tee", price: 2000 }, key)
    expect(res.status).toBe(201)
    return bodyOf(res, "products.create").data.id
  }
  const listed = async (query = "", key = live) => {
    const res = await call("GET", `/promotions${query}`, undefined, key)
    expect(res.status).toBe(200)
    return offsetPage(bodyOf(res, "promotions.list"))
  }
  const liveTenant = { siteId: site.id, livemode: true }
  return { site, live, test, call, create, validate, product, listed, liveTenant }
}

const eur = (amount: number) => ({ amount, currency: "EUR" as const })
const cartOf = (subtotal: number): Validation.CartSummary => ({ subtotal: eur(subtotal), lines: [], shipping: eur(0) })

/** `claimUse` in a transaction of its own, as a checkout would, its outcome as an Either. */
const claim = (
  tenant: { siteId: string; livemode: boolean },
  code: string,
  email: string,
  subtotal = 5000,
  on: TestApi = api
) =>
  on.run(Effect.either(Promotions.claimUse(tenant, { code, email, cart: cartOf(subtotal), now: DateTime.unsafeNow() })))

describe("Promotions: the reference's examples", () => {
  it("creates WELCOME20, lists it with its computed status, and validates it without a key", async () => {
    const store = await newStore()
    const created = await store.call("POST", "/promotions", {
      code: "WELCOME20",
      type: "PERCENTAGE",
      value: 20,
      minOrderAmount: 1000,
      maxUses: 500,
      expiresAt: "2026-12-31T23:59:59Z"
    })
    expect(created.status).toBe(201)
    const live = Date.now() < Date.parse("2026-12-31T23:59:59Z")
    expect(bodyOf(created, "promotions.create")).toMatchObject({
      success: true,
      data: { code: "WELCOME20", status: live ? "ACTIVE" : "EXPIRED" }
    })
    expect(bodyOf(created, "promotions.create").data.id).toMatch(/^promo_/)
    expect(bodyOf(created, "promotions.create").data).toMatchObject({
      type: "PERCENTAGE",
      value: 20,
      minOrderAmount: 1000,
      maxUses: 500,
      usedCount: 0,
      perCustomerLimit: null,
      appliesToProducts: [],
      startsAt: null
    })
    expect(Date.parse(bodyOf(created, "promotions.create").data.expiresAt ?? "")).toBe(
      Date.parse("2026-12-31T23:59:59Z")
    )

    const list = await store.call("GET", "/promotions?page=1&limit=20")
    expect(bodyOf(list, "promotions.list")).toMatchObject({
      success: true,
      items: [
        {
          id: bodyOf(created, "promotions.create").data.id,
          code: "WELCOME20",
          type: "PERCENTAGE",
          value: 20,
          usedCount: 0
        }
      ],
      pagination: { page: 1, limit: 20, total: 1, totalPages: 1 }
    })

    const validated = await store.validate({ code: "WELCOME20", cartTotal: 5000, email: "jane@example.com" })
    expect(validated.status).toBe(200)
    expect(validated.body).toEqual(
      live
        ? {
            success: true,
            valid: true,
            discount: 1000,
            promotion: {
              id: bodyOf(created, "promotions.create").data.id,
              code: "WELCOME20",
              type: "PERCENTAGE",
              value: 20
            }
          }
        : expect.objectContaining({ valid: false, reason: "expired" })
    )
  })
})

describe("Promotions: status, computed at the time of the request", () => {
  it("is ACTIVE, SCHEDULED, EXPIRED or EXHAUSTED, and the list filters by it", async () => {
    const store = await newStore()
    const active = await store.create({ code: "ACTIVE1", type: "FIXED_AMOUNT", value: 500 })
    const scheduled = await store.create({ code: "LATER", type: "PERCENTAGE", value: 5, startsAt: at(day) })
    const expired = await store.create({
      code: "GONE",
      type: "PERCENTAGE",
      value: 5,
      startsAt: at(-2 * day),
      expiresAt: at(-day)
    })
    const exhausted = await store.create({ code: "ONCE", type: "FREE_SHIPPING", value: 0, maxUses: 1 })
    expect(Either.isRight(await claim(store.liveTenant, "ONCE", "a@example.com"))).toBe(true)
    // Starts in a second: SCHEDULED now, ACTIVE once the time has come, without any write.
    const soon = await store.create({ code: "SOON", type: "PERCENTAGE", value: 5, startsAt: at(1_000) })

    const all = await store.listed()
    const statusOf = (id: string) => all.items.find((p) => p.id === id)?.status
    expect(statusOf(active.id)).toBe("ACTIVE")
    expect(statusOf(scheduled.id)).toBe("SCHEDULED")
    expect(statusOf(expired.id)).toBe("EXPIRED")
    expect(statusOf(exhausted.id)).toBe("EXHAUSTED")
    expect(statusOf(soon.id)).toBe("SCHEDULED")
    // Newest first.
    expect(all.items.map((p) => p.code)).toEqual(["SOON", "ONCE", "GONE", "LATER", "ACTIVE1"])

    const only = async (status: string) => (await store.listed(`?status=${status}`)).items.map((p) => p.code)
    expect(await only("EXPIRED")).toEqual(["GONE"])
    expect(await only("EXHAUSTED")).toEqual(["ONCE"])
    expect(await only("SCHEDULED")).toEqual(["SOON", "LATER"])
    expect(await only("ACTIVE")).toEqual(["ACTIVE1"])

    await new Promise((resolve) => setTimeout(resolve, 1_100))
    expect(await only("ACTIVE")).toEqual(["SOON", "ACTIVE1"])
    const paged = await store.listed("?status=ACTIVE&limit=1&page=2")
    expect(paged.items.map((p) => p.code)).toEqual(["ACTIVE1"])
    expect(paged.pagination).toEqual({ page: 2, limit: 1, total: 2, totalPages: 2 })
  })

  it("EXPIRED wins over EXHAUSTED, and EXHAUSTED over SCHEDULED", async () => {
    const store = await newStore()
    const before = await store.create({ code: "EARLY", type: "PERCENTAGE", value: 5, maxUses: 1, startsAt: at(day) })
    // A scheduled promotion cannot be claimed: count its one use directly.
    await api.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) => sql`update promotions set used_count = 1 where id = ${before.id}`)
    )
    expect((await store.listed()).items[0]!.status).toBe("EXHAUSTED")
    const res = await store.call("PATCH", `/promotions/${before.id}`, { startsAt: at(-2 * day), expiresAt: at(-day) })
    expect(bodyOf(res, "promotions.update").data.status).toBe("EXPIRED")
  })
})

describe("Promotions: promotions.validate", () => {
  let store: Awaited<ReturnType<typeof newStore>>
  let tee: string
  let mug: string

  beforeAll(async () => {
    store = await newStore()
    tee = await store.product()
    mug = await store.product()
    await store.create({ code: "TEN", type: "PERCENTAGE", value: 10 })
    await store.create({ code: "LATER", type: "PERCENTAGE", value: 10, startsAt: at(day) })
    await store.create({ code: "GONE", type: "PERCENTAGE", value: 10, expiresAt: at(-1) })
    await store.create({ code: "ONCE", type: "FIXED_AMOUNT", value: 300, maxUses: 1 })
    await store.create({ code: "MIN20", type: "FIXED_AMOUNT", value: 500, minOrderAmount: 2000 })
    await store.create({ code: "ONEEACH", type: "FIXED_AMOUNT", value: 500, perCustomerLimit: 1 })
    await store.create({ code: "TEES", type: "PERCENTAGE", value: 50, appliesToProducts: [tee] })
    await store.create({ code: "SHIPFREE", type: "FREE_SHIPPING", value: 0 })
    expect(Either.isRight(await claim(store.liveTenant, "ONCE", "a@example.com"))).toBe(true)
    expect(Either.isRight(await claim(store.liveTenant, "ONEEACH", "Jane@Example.com"))).toBe(true)
  })

  const reason = async (body: Record<string, unknown>) => {
    const res = await store.validate(body)
    expect(res.status).toBe(200)
    const answer = bodyOf(res, "promotions.validate")
    assert(!answer.valid)
    expect(answer.message).toEqual(expect.any(String))
    return answer.reason
  }
  const discount = async (body: Record<string, unknown>) => {
    const res = await store.validate(body)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const answer = bodyOf(res, "promotions.validate")
    assert(answer.valid, JSON.stringify(res.body))
    return answer.discount
  }

  it("says why a code gives nothing, with each reason of the spec", async () => {
    expect(await reason({ code: "NOPE", cartTotal: 5000 })).toBe("not_found")
    expect(await reason({ code: "LATER", cartTotal: 5000 })).toBe("scheduled")
    expect(await reason({ code: "GONE", cartTotal: 5000 })).toBe("expired")
    expect(await reason({ code: "ONCE", cartTotal: 5000 })).toBe("exhausted")
    expect(await reason({ code: "MIN20", cartTotal: 1999 })).toBe("min_order_not_met")
    expect(await reason({ code: "ONEEACH", cartTotal: 5000, email: "jane@example.com" })).toBe("customer_limit_reached")
    expect(await reason({ code: "TEES", cartTotal: 2000, items: [{ productId: mug, quantity: 1, price: 2000 }] })).toBe(
      "not_applicable"
    )
    expect(await reason({ code: "TEES", cartTotal: 2000 })).toBe("not_applicable")
  })

  it("computes the discount of each type, on the promotion's products only when restricted", async () => {
    expect(await discount({ code: "TEN", cartTotal: 4995 })).toBe(500) // 499.5, half-even
    expect(await discount({ code: "MIN20", cartTotal: 2000 })).toBe(500)
    expect(await discount({ code: "ONEEACH", cartTotal: 300, email: "other@example.com" })).toBe(300)
    expect(await discount({ code: "ONEEACH", cartTotal: 5000 })).toBe(500)
    expect(await discount({ code: "SHIPFREE", cartTotal: 5000, shippingTotal: 495 })).toBe(495)
    expect(await discount({ code: "SHIPFREE", cartTotal: 5000 })).toBe(0)
    expect(
      await discount({
        code: "TEES",
        cartTotal: 7000,
        items: [
          { productId: tee, quantity: 2, price: 1500 },
          { productId: mug, quantity: 1, price: 4000 }
        ]
      })
    ).toBe(1500)
  })

  it("matches codes case-insensitively", async () => {
    expect(await discount({ code: "ten", cartTotal: 1000 })).toBe(100)
    expect(await discount({ code: " shipFree ", cartTotal: 1000, shippingTotal: 5 })).toBe(5)
  })

  it("never counts a use", async () => {
    for (let i = 0; i < 3; i++) await discount({ code: "TEN", cartTotal: 1000, email: "jane@example.com" })
    expect((await store.listed()).items.find((p) => p.code === "TEN")?.usedCount).toBe(0)
  })

  it("needs no key, reads live data only, and answers 404 for an unknown site", async () => {
    const testOnly = await store.create({ code: "TESTONLY", type: "PERCENTAGE", value: 5 }, store.test)
    expect(testOnly.code).toBe("TESTONLY")
    expect(await reason({ code: "TESTONLY", cartTotal: 1000 })).toBe("not_found")
    const res = await api.request("POST", "/api/v1/site_doesnotexist/promotions/validate", {
      body: { code: "TEN", cartTotal: 1000 }
    })
    expect(res.status).toBe(404)
  })

  it("refuses a malformed body with 400 and an amount too large to price", async () => {
    expect((await store.validate({ code: "TEN" })).status).toBe(400)
    expect((await store.validate({ code: "TEN", cartTotal: -1 })).status).toBe(400)
    const huge = await store.validate({
      code: "TEN",
      cartTotal: 1000,
      items: [{ productId: tee, quantity: 9999, price: 9007199254740991 }]
    })
    expect(huge.status).toBe(400)
    expect(errorOf(huge).details?.[0]?.path).toBe("/items/0")
  })

  it("is limited per client address", async () => {
    const other = await newStore()
    const answers: Array<number> = []
    for (let i = 0; i < 61; i++) answers.push((await other.validate({ code: "TEN", cartTotal: 1000 })).status)
    expect(answers.slice(0, 60).every((status) => status === 200)).toBe(true)
    expect(answers[60]).toBe(429)
  })
})

describe("Promotions: create, update, delete", () => {
  it("stores codes upper case and keeps them unique per site and mode, case-insensitively", async () => {
    const store = await newStore()
    const created = await store.create({ code: "welcome10", type: "PERCENTAGE", value: 10 })
    expect(created.code).toBe("WELCOME10")
    const taken = await store.call("POST", "/promotions", { code: "Welcome10", type: "FIXED_AMOUNT", value: 1 })
    expect(taken.status).toBe(409)
    expect(errorOf(taken).code).toBe("promotion_code_taken")
    // Another mode, another site: free.
    await store.create({ code: "WELCOME10", type: "PERCENTAGE", value: 10 }, store.test)
    const other = await newStore()
    await other.create({ code: "WELCOME10", type: "PERCENTAGE", value: 10 })
    expect((await store.listed()).items).toHaveLength(1)
  })

  it("refuses a value out of its type's range, dates out of order, and unknown products; creates nothing", async () => {
    const store = await newStore()
    const refused = async (body: Record<string, unknown>, status: number, code: string) => {
      const res = await store.call("POST", "/promotions", body)
      expect(res.status, JSON.stringify(res.body)).toBe(status)
      expect(errorOf(res).code).toBe(code)
      return errorOf(res)
    }
    await refused({ code: "BIG", type: "PERCENTAGE", value: 101 }, 400, "validation_error")
    await refused({ code: "ZERO", type: "PERCENTAGE", value: 0 }, 400, "validation_error")
    await refused({ code: "FIX0", type: "FIXED_AMOUNT", value: 0 }, 400, "validation_error")
    await refused({ code: "SHIP", type: "FREE_SHIPPING", value: 5 }, 400, "validation_error")
    const tomorrow = at(day) // one instant for both, so they are equal, not a millisecond apart
    const dates = await refused(
      { code: "DATES", type: "PERCENTAGE", value: 5, startsAt: tomorrow, expiresAt: tomorrow },
      400,
      "validation_error"
    )
    expect(dates.details).toEqual([{ path: "/expiresAt", message: "must be after startsAt" }])
    // PostgreSQL has no year 0.
    await refused(
      { code: "OLD", type: "PERCENTAGE", value: 5, startsAt: "0001-01-01T00:00:00+01:00" },
      400,
      "validation_error"
    )
    const tee = await store.product()
    const testTee = await store.product(store.test)
    const unknown = await refused(
      { code: "TEES", type: "PERCENTAGE", value: 5, appliesToProducts: [tee, testTee] },
      422,
      "product_not_found"
    )
    expect(unknown.error).toContain(testTee)
    await refused({ code: "TEES", type: "PERCENTAGE", value: 5, appliesToProducts: [" x"] }, 422, "product_not_found")
    expect((await store.listed()).items).toEqual([])
    const restricted = await store.create({ code: "TEES", type: "PERCENTAGE", value: 5, appliesToProducts: [tee] })
    expect(restricted).toMatchObject({ appliesToProducts: [tee] })
  })

  it("updates the given fields with PATCH, checks the result as a whole, and keeps the use count", async () => {
    const store = await newStore()
    const promo = await store.create({ code: "SPRING", type: "PERCENTAGE", value: 15, maxUses: 10 })
    await store.create({ code: "TAKEN", type: "PERCENTAGE", value: 5 })
    expect(Either.isRight(await claim(store.liveTenant, "spring", "a@example.com"))).toBe(true)
    const patch = (body: Record<string, unknown>) => store.call("PATCH", `/promotions/${promo.id}`, body)

    const changed = await patch({ value: 20, minOrderAmount: 1500, expiresAt: at(day) })
    expect(changed.status).toBe(200)
    expect(bodyOf(changed, "promotions.update").data).toMatchObject({
      code: "SPRING",
      value: 20,
      minOrderAmount: 1500,
      maxUses: 10,
      usedCount: 1
    })
    expect(Date.parse(bodyOf(changed, "promotions.update").data.updatedAt)).toBeGreaterThanOrEqual(
      Date.parse(bodyOf(changed, "promotions.update").data.createdAt)
    )

    expect(errorOf(await patch({ code: "taken" })).code).toBe("promotion_code_taken")
    expect((await patch({ code: "spring" })).status).toBe(200) // its own code, in another case
    const freeShipping = await patch({ type: "FREE_SHIPPING" })
    expect(bodyOf(freeShipping, "promotions.update").data).toMatchObject({ type: "FREE_SHIPPING", value: 0 })
    const noValue = await patch({ type: "PERCENTAGE" })
    expect(noValue.status).toBe(400)
    expect(errorOf(noValue).details?.[0]?.path).toBe("/value")
    expect(errorOf(await patch({ startsAt: at(2 * day) })).details).toEqual([
      { path: "/expiresAt", message: "must be after startsAt" }
    ])
    expect(errorOf(await patch({ appliesToProducts: ["prd_missing"] })).code).toBe("product_not_found")
    expect((await patch({})).status).toBe(400)
    const cleared = await patch({ minOrderAmount: null, expiresAt: null, maxUses: 1 })
    expect(bodyOf(cleared, "promotions.update").data).toMatchObject({
      minOrderAmount: null,
      expiresAt: null,
      maxUses: 1,
      status: "EXHAUSTED"
    })
    expect((await store.call("PATCH", "/promotions/promo_missing", { value: 5 })).status).toBe(404)
  })

  it("deletes a promotion: its code stops validating at once", async () => {
    const store = await newStore()
    const promo = await store.create({ code: "BYE", type: "PERCENTAGE", value: 5 })
    expect(bodyOf(await store.validate({ code: "BYE", cartTotal: 100 }), "promotions.validate").valid).toBe(true)
    expect(bodyOf(await store.call("DELETE", `/promotions/${promo.id}`), "promotions.delete")).toEqual({
      success: true,
      deleted: true
    })
    expect(bodyOf(await store.validate({ code: "BYE", cartTotal: 100 }), "promotions.validate")).toHaveProperty(
      "reason",
      "not_found"
    )
    expect((await store.call("DELETE", `/promotions/${promo.id}`)).status).toBe(404)
  })
})

describe("Promotions: tenancy and scopes", () => {
  it("hides another site's and another mode's promotions: 404 on every probe", async () => {
    const a = await newStore()
    const b = await newStore()
    const theirs = await b.create({ code: "BONLY", type: "PERCENTAGE", value: 5 })
    expect((await a.listed()).items).toEqual([])
    expect((await a.call("PATCH", `/promotions/${theirs.id}`, { value: 6 })).status).toBe(404)
    expect((await a.call("DELETE", `/promotions/${theirs.id}`)).status).toBe(404)
    expect(bodyOf(await a.validate({ code: "BONLY", cartTotal: 100 }), "promotions.validate")).toHaveProperty(
      "reason",
      "not_found"
    )
    expect((await b.listed()).items.map((p) => p.id)).toEqual([theirs.id])

    const testOnly = await a.create({ code: "TESTMODE", type: "PERCENTAGE", value: 5 }, a.test)
    expect((await a.listed()).items).toEqual([])
    expect((await a.call("DELETE", `/promotions/${testOnly.id}`)).status).toBe(404)
    expect((await a.listed("", a.test)).items.map((p) => p.id)).toEqual([testOnly.id])
  })

  it("needs read:promotions to list and write:promotions to change", async () => {
    const store = await newStore()
    const promo = await store.create({ code: "SCOPED", type: "PERCENTAGE", value: 5 })
    const reader = (await api.createKey(store.site.id, { mode: "live", scopes: ["read:promotions"] })).key
    const writer = (await api.createKey(store.site.id, { mode: "live", scopes: ["write:promotions"] })).key
    const other = (await api.createKey(store.site.id, { mode: "live", scopes: ["read:catalog"] })).key

    expect((await store.call("GET", "/promotions", undefined, reader)).status).toBe(200)
    expect((await store.call("GET", "/promotions", undefined, other)).status).toBe(403)
    expect((await store.call("GET", "/promotions", undefined, writer)).status).toBe(403)
    for (const key of [reader, other]) {
      expect(
        (await store.call("POST", "/promotions", { code: "NEW1", type: "PERCENTAGE", value: 5 }, key)).status
      ).toBe(403)
      expect((await store.call("PATCH", `/promotions/${promo.id}`, { value: 6 }, key)).status).toBe(403)
      expect((await store.call("DELETE", `/promotions/${promo.id}`, undefined, key)).status).toBe(403)
    }
    expect(
      (await store.call("POST", "/promotions", { code: "NEW1", type: "PERCENTAGE", value: 5 }, writer)).status
    ).toBe(201)
    expect((await store.call("PATCH", `/promotions/${promo.id}`, { value: 6 }, writer)).status).toBe(200)
    expect((await store.call("DELETE", `/promotions/${promo.id}`, undefined, writer)).status).toBe(200)
    expect((await store.call("GET", "/promotions", undefined, null)).status).toBe(401)
  })
})

describe("Promotions: claimUse and releaseUse (for checkout)", () => {
  // Claims of one promotion queue on its row lock, each holding a connection meanwhile: a second API
  // process on the same database, whose pool waits long enough for 200 of them to take turns.
  let racer: TestApi
  beforeAll(async () => {
    racer = await start(
      {},
      {
        shareDatabaseWith: { databaseUrl: api.databaseUrl, databaseName: api.databaseName },
        connectTimeout: Duration.seconds(60)
      }
    )
  })
  afterAll(() => racer.close())

  it("200 concurrent claims of a promotion with maxUses 50: exactly 50 succeed", async () => {
    const store = await newStore()
    await store.create({ code: "FIFTY", type: "PERCENTAGE", value: 10, maxUses: 50 })
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => claim(store.liveTenant, "FIFTY", `shopper${i}@example.com`, 5000, racer))
    )
    const won = outcomes.filter(Either.isRight)
    expect(won).toHaveLength(50)
    expect(won.every((outcome) => outcome.right.total.amount === 500)).toBe(true)
    const reasons = outcomes.flatMap((outcome) =>
      Either.isLeft(outcome) ? ["reason" in outcome.left ? outcome.left.reason : outcome.left._tag] : []
    )
    expect(reasons).toEqual(Array.from({ length: 150 }, () => "exhausted"))
    const [listed] = (await store.listed()).items
    expect(listed).toMatchObject({ usedCount: 50, status: "EXHAUSTED" })
  })

  it("20 concurrent claims by one customer with perCustomerLimit 3: exactly 3 succeed, emails compared case-insensitively", async () => {
    const store = await newStore()
    await store.create({ code: "THRICE", type: "FIXED_AMOUNT", value: 100, perCustomerLimit: 3 })
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        claim(store.liveTenant, "thrice", i % 2 === 0 ? "Sam@Example.com" : "sam@example.com ", 5000, racer)
      )
    )
    expect(outcomes.filter(Either.isRight)).toHaveLength(3)
    expect(
      outcomes.filter((o) => Either.isLeft(o) && "reason" in o.left && o.left.reason === "customer_limit_reached")
    ).toHaveLength(17)
    expect(Either.isRight(await claim(store.liveTenant, "THRICE", "someone-else@example.com"))).toBe(true)
    expect((await store.listed()).items[0]!.usedCount).toBe(4)
  })

  it("counts nothing when refused, or when the caller's transaction fails; releaseUse gives a use back", async () => {
    const store = await newStore()
    await store.create({
      code: "ONE",
      type: "PERCENTAGE",
      value: 10,
      maxUses: 1,
      perCustomerLimit: 1,
      minOrderAmount: 1000
    })
    const refused = await claim(store.liveTenant, "ONE", "a@example.com", 999)
    expect(Either.isLeft(refused) && "reason" in refused.left && refused.left.reason).toBe("min_order_not_met")
    const failedCheckout = await api.run(
      Effect.either(
        Database.transaction(
          Effect.zipRight(
            Promotions.claimUse(store.liveTenant, {
              code: "ONE",
              email: "a@example.com",
              cart: cartOf(5000),
              now: DateTime.unsafeNow()
            }),
            Effect.fail("payment declined" as const)
          )
        )
      )
    )
    expect(Either.isLeft(failedCheckout) && failedCheckout.left).toBe("payment declined")
    expect((await store.listed()).items[0]!.usedCount).toBe(0)

    const won = await claim(store.liveTenant, "ONE", "a@example.com")
    expect(Either.isRight(won)).toBe(true)
    const promotionId = Either.isRight(won) ? won.right.promotionId : ""
    expect((await store.listed()).items[0]).toMatchObject({ usedCount: 1, status: "EXHAUSTED" })
    expect(await api.run(Promotions.releaseUse(store.liveTenant, { promotionId, email: "A@example.com" }))).toBe(true)
    expect((await store.listed()).items[0]).toMatchObject({ usedCount: 0, status: "ACTIVE" })
    // The customer's use was given back too.
    expect(Either.isRight(await claim(store.liveTenant, "ONE", "a@example.com"))).toBe(true)
    expect(
      await api.run(Promotions.releaseUse(store.liveTenant, { promotionId: "promo_missing", email: "a@example.com" }))
    ).toBe(false)
  })
})

describe("Promotions: demo seed", () => {
  it("seedDemoPromotions creates WELCOME10 (10% off) and friends, idempotently", async () => {
    const store = await newStore()
    await api.run(seedDemoPromotions(store.liveTenant))
    await api.run(seedDemoPromotions(store.liveTenant))
    const codes = (await store.listed()).items.map((p) => `${p.code}:${p.status}`)
    expect(codes.sort()).toEqual(["FREESHIP50:ACTIVE", "SAVE5:ACTIVE", "SUMMER25:EXPIRED", "WELCOME10:ACTIVE"])
    const res = await store.validate({ code: "welcome10", cartTotal: 5000 })
    expect(bodyOf(res, "promotions.validate")).toMatchObject({
      valid: true,
      discount: 500,
      promotion: { code: "WELCOME10", type: "PERCENTAGE", value: 10 }
    })
  })
})
