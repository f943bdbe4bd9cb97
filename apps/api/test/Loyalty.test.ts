import { SqlClient } from "@effect/sql"
import { Database } from "@shopvo/kernel"
import { Effect, Either, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Loyalty } from "../src/Loyalty/Service.js"
import { addCustomers } from "./support/Customers.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

const defaultProgram = {
  currency: "EUR",
  pointsPerUnit: "1",
  pointsPerRedemptionUnit: 100,
  redemptionUnitValue: 100,
  tiers: [
    { name: "BRONZE", threshold: 0, earnMultiplier: "1" },
    { name: "SILVER", threshold: 500, earnMultiplier: "1.25" },
    { name: "GOLD", threshold: 1000, earnMultiplier: "1.5" }
  ]
}

describe("Loyalty", () => {
  let api: TestApi
  let siteA: string
  let siteB: string
  let keyA: string
  let liveKeyA: string
  let keyB: string

  const tenant = () => ({ siteId: siteA, livemode: false })
  const account = async (customerId: string, key = keyA, site = siteA) => {
    const res = await api.request("GET", `/api/v1/${site}/loyalty/${customerId}`, { key })
    expect(res.status).toBe(200)
    return bodyOf(res, "loyalty.get").data
  }
  const award = (customerId: string, body: Record<string, unknown>, key = keyA, site = siteA) =>
    api.request("POST", `/api/v1/${site}/loyalty/${customerId}/award`, { key, body })
  const redeem = (customerId: string, body: Record<string, unknown>, key = keyA, site = siteA) =>
    api.request("POST", `/api/v1/${site}/loyalty/${customerId}/redeem`, { key, body })
  const program = (key = keyA, site = siteA) => api.request("GET", `/api/v1/${site}/loyalty-program`, { key })
  const setProgram = (body: Record<string, unknown>, key = keyA, site = siteA) =>
    api.request("PUT", `/api/v1/${site}/loyalty-program`, { key, body })

  beforeAll(async () => {
    api = await start()
    siteA = (await api.createSite({ name: "A", currency: "EUR", plan: "enterprise" })).id
    siteB = (await api.createSite({ name: "B", currency: "EUR" })).id
    keyA = (await api.createKey(siteA)).key
    liveKeyA = (await api.createKey(siteA, { mode: "live" })).key
    keyB = (await api.createKey(siteB)).key
    const ids = [
      "award",
      "gold",
      "never",
      "new",
      "race",
      "rate",
      "redeem",
      "rollback",
      "scope",
      "short",
      "tenant",
      "xyz"
    ]
    await addCustomers(
      api,
      siteA,
      ids.map((id) => `cust_${id}`)
    )
    await addCustomers(api, siteB, ["cust_tenant"])
  })
  afterAll(() => api.close())

  describe("the program", () => {
    it("is the default until the site sets one; setting it replaces the rules of that mode only", async () => {
      const site = (await api.createSite({ name: "Rules", currency: "EUR" })).id
      const key = (await api.createKey(site)).key
      const live = (await api.createKey(site, { mode: "live" })).key
      expect(bodyOf(await program(key, site), "loyalty.getProgram").data).toEqual(defaultProgram)

      const rules = {
        pointsPerUnit: "2",
        pointsPerRedemptionUnit: 100,
        redemptionUnitValue: 100,
        tiers: [
          { name: "MEMBER", threshold: 0, earnMultiplier: "1" },
          { name: "VIP", threshold: 2000, earnMultiplier: "2" }
        ]
      }
      const set = await setProgram(rules, key, site)
      expect(set.status).toBe(200)
      expect(bodyOf(set, "loyalty.updateProgram").data).toEqual({ currency: "EUR", ...rules })
      expect(bodyOf(await program(key, site), "loyalty.getProgram").data).toEqual({ currency: "EUR", ...rules })
      expect(bodyOf(await program(live, site), "loyalty.getProgram").data).toEqual(defaultProgram)
    })

    it("refuses rules the package refuses, with a 400 naming the rule, and keeps the program", async () => {
      const site = (await api.createSite({ name: "Bad rules", currency: "EUR" })).id
      const key = (await api.createKey(site)).key
      const base = { pointsPerUnit: "1", pointsPerRedemptionUnit: 100, redemptionUnitValue: 100 }
      const refusals = [
        [[{ name: "SILVER", threshold: 100, earnMultiplier: "1" }], "the first tier must start at 0 lifetime points"],
        [
          [
            { name: "A", threshold: 0, earnMultiplier: "1" },
            { name: "B", threshold: 0, earnMultiplier: "1" }
          ],
          "tier thresholds must be strictly increasing"
        ],
        [
          [
            { name: "A", threshold: 0, earnMultiplier: "1" },
            { name: "A", threshold: 10, earnMultiplier: "1" }
          ],
          "tier name A is used twice"
        ]
      ] as const
      for (const [tiers, message] of refusals) {
        const res = await setProgram({ ...base, tiers }, key, site)
        expect(res.status).toBe(400)
        expect(errorOf(res).code).toBe("validation_error")
        expect((errorOf(res).details ?? []).map((d: { message: string }) => d.message)).toContain(message)
      }
      // The spec's own bounds: rates as decimal strings, never floats.
      expect((await setProgram({ ...base, pointsPerUnit: 1.5, tiers: defaultProgram.tiers }, key, site)).status).toBe(
        400
      )
      expect(bodyOf(await program(key, site), "loyalty.getProgram").data).toEqual(defaultProgram)
    })

    it("needs read:loyalty to read it and write:loyalty to set it", async () => {
      const reader = (await api.createKey(siteA, { scopes: ["read:loyalty"] })).key
      expect((await program(reader)).status).toBe(200)
      const refused = await setProgram({ ...defaultProgram, currency: undefined }, reader)
      expect(refused.status).toBe(403)
      expect(errorOf(refused).error).toContain("write:loyalty")
    })
  })

  describe("accounts", () => {
    it("a customer who never earned points has none, in the base tier", async () => {
      expect(await account("cust_new")).toEqual({
        customerId: "cust_new",
        points: 0,
        lifetimePoints: 0,
        tier: "BRONZE",
        transactions: []
      })
    })

    it("shows the account as the reference does: an order's EARN and a REDEEM, newest first", async () => {
      const earned = await api.run(
        Loyalty.earnForOrder(tenant(), "cust_xyz", { amount: 30000, currency: "EUR" }, "order_xyz")
      )
      expect(Option.map(earned.transaction, (tx) => tx.points)).toEqual(Option.some(300))
      await api.run(Loyalty.redeem(tenant(), "cust_xyz", 100, { note: "Discount applied" }))
      const data = await account("cust_xyz")
      expect(data).toMatchObject({ customerId: "cust_xyz", points: 200, lifetimePoints: 300, tier: "BRONZE" })
      expect(data.transactions).toEqual([
        {
          id: expect.stringMatching(/^lt_/),
          type: "REDEEM",
          points: -100,
          orderId: null,
          note: "Discount applied",
          createdAt: expect.any(String)
        },
        {
          id: expect.stringMatching(/^lt_/),
          type: "EARN",
          points: 300,
          orderId: "order_xyz",
          note: null,
          createdAt: expect.any(String)
        }
      ])
    })

    it("awards points as the reference shows; the tier follows lifetime points, and redeeming never lowers it", async () => {
      await award("cust_award", { points: 1250 })
      const res = await award("cust_award", { points: 500, note: "Referral bonus" })
      expect(res.status).toBe(201)
      expect(bodyOf(res, "loyalty.award").data).toEqual({
        points: 1750,
        tier: "GOLD",
        transaction: {
          id: expect.stringMatching(/^lt_/),
          type: "AWARD",
          points: 500,
          orderId: null,
          note: "Referral bonus",
          createdAt: expect.any(String)
        }
      })
      const spent = await redeem("cust_award", { points: 1500 })
      expect(bodyOf(spent, "loyalty.redeem").data).toEqual({ discountAmount: 1500, pointsRemaining: 250, tier: "GOLD" })
      expect(await account("cust_award")).toMatchObject({ points: 250, lifetimePoints: 1750, tier: "GOLD" })
    })

    it("redeems points into a discount as the reference shows, at the program's rate", async () => {
      await award("cust_redeem", { points: 1250 })
      const res = await redeem("cust_redeem", { points: 100, orderId: "order_xyz" })
      expect(res.status).toBe(200)
      expect(bodyOf(res, "loyalty.redeem").data).toEqual({ discountAmount: 100, pointsRemaining: 1150, tier: "GOLD" })
      const tx = (await account("cust_redeem")).transactions[0]
      expect(tx).toMatchObject({ type: "REDEEM", points: -100, orderId: "order_xyz" })
    })

    it("refuses more points than the balance with 422 insufficient_points, and takes none", async () => {
      await award("cust_short", { points: 1250 })
      const res = await redeem("cust_short", { points: 2000 })
      expect(res.status).toBe(422)
      expect(errorOf(res).code).toBe("insufficient_points")
      const data = await account("cust_short")
      expect(data).toMatchObject({ points: 1250, lifetimePoints: 1250 })
      expect(data.transactions).toHaveLength(1)
      expect((await redeem("cust_never", { points: 1 })).status).toBe(422)
      expect(await account("cust_never")).toMatchObject({ points: 0, transactions: [] })
      expect((await award("cust_short", { points: 0 })).status).toBe(400)
      expect((await award("cust_short", { points: -5 })).status).toBe(400)
    })

    it("refuses a redemption worth less than one minor unit, and new thresholds re-tier accounts at once", async () => {
      const site = (await api.createSite({ name: "Rates", currency: "EUR" })).id
      const key = (await api.createKey(site)).key
      await addCustomers(api, site, ["cust_rate"])
      await award("cust_rate", { points: 600 }, key, site)
      expect((await account("cust_rate", key, site)).tier).toBe("SILVER")
      const set = await setProgram(
        {
          pointsPerUnit: "1",
          pointsPerRedemptionUnit: 3,
          redemptionUnitValue: 1,
          tiers: [
            { name: "MEMBER", threshold: 0, earnMultiplier: "1" },
            { name: "VIP", threshold: 600, earnMultiplier: "2" }
          ]
        },
        key,
        site
      )
      expect(set.status).toBe(200)
      expect((await account("cust_rate", key, site)).tier).toBe("VIP")
      const small = await redeem("cust_rate", { points: 2 }, key, site)
      expect(small.status).toBe(400)
      expect(errorOf(small).details).toEqual([
        { path: "/points", message: expect.stringContaining("redeem at least 3") }
      ])
      expect(bodyOf(await redeem("cust_rate", { points: 7 }, key, site), "loyalty.redeem").data.discountAmount).toBe(2)
      expect((await account("cust_rate", key, site)).points).toBe(593)
    })

    it("concurrent redemptions never take points below 0", async () => {
      await award("cust_race", { points: 100 })
      const results = await Promise.all(Array.from({ length: 30 }, () => redeem("cust_race", { points: 10 })))
      expect(results.filter((r) => r.status !== 200 && r.status !== 422).map((r) => r.text)).toEqual([])
      expect(results.filter((r) => r.status === 200)).toHaveLength(10)
      expect(results.filter((r) => r.status === 422).every((r) => errorOf(r).code === "insufficient_points")).toBe(true)
      expect(await account("cust_race")).toMatchObject({ points: 0, lifetimePoints: 100 })
    })

    it("keeps each site's and mode's accounts apart", async () => {
      await award("cust_tenant", { points: 300 })
      // The customer is a test-mode one: the live key does not see it.
      expect((await api.request("GET", `/api/v1/${siteA}/loyalty/cust_tenant`, { key: liveKeyA })).status).toBe(404)
      expect((await account("cust_tenant", keyB, siteB)).points).toBe(0)
      expect((await redeem("cust_tenant", { points: 100 }, liveKeyA)).status).toBe(404)
      expect((await account("cust_tenant")).points).toBe(300)
    })

    it("answers 404 for an id that is not a customer of the site, and opens no account for it", async () => {
      const ghost = `/api/v1/${siteA}/loyalty/cust_ghost`
      expect((await api.request("GET", ghost, { key: keyA })).status).toBe(404)
      expect((await award("cust_ghost", { points: 50 })).status).toBe(404)
      expect((await redeem("cust_ghost", { points: 1 })).status).toBe(404)
      // Another site's customer, through this site's path and key, is no customer here either.
      await addCustomers(api, siteB, ["cust_elsewhere"])
      expect((await award("cust_elsewhere", { points: 50 })).status).toBe(404)
      expect((await account("cust_elsewhere", keyB, siteB)).points).toBe(0)
      const opened = await api.run(
        Effect.flatMap(
          SqlClient.SqlClient,
          (sql) =>
            sql<{ n: number }>`select count(*)::int as n from loyalty_accounts
                              where customer_id in ('cust_ghost', 'cust_elsewhere')`
        )
      )
      expect(opened[0]!.n).toBe(0)
    })

    it("needs read:loyalty to read and write:loyalty to award or redeem", async () => {
      const reader = (await api.createKey(siteA, { scopes: ["read:loyalty"] })).key
      expect((await api.request("GET", `/api/v1/${siteA}/loyalty/cust_scope`, { key: reader })).status).toBe(200)
      expect((await award("cust_scope", { points: 10 }, reader)).status).toBe(403)
      expect((await redeem("cust_scope", { points: 10 }, reader)).status).toBe(403)
    })
  })

  describe("for checkout", () => {
    it("earnForOrder earns at the tier's multiplier, once per order", async () => {
      await award("cust_gold", { points: 1000 })
      const first = await api.run(
        Loyalty.earnForOrder(tenant(), "cust_gold", { amount: 1299, currency: "EUR" }, "order_gold")
      )
      // €12.99 at 1 point per euro, ×1.5 in GOLD: ⌊19.485⌋.
      expect(Option.map(first.transaction, (tx) => tx.points)).toEqual(Option.some(19))
      const again = await api.run(
        Loyalty.earnForOrder(tenant(), "cust_gold", { amount: 1299, currency: "EUR" }, "order_gold")
      )
      expect(again.transaction).toEqual(first.transaction)
      expect(await account("cust_gold")).toMatchObject({ points: 1019, lifetimePoints: 1019 })
    })

    it("redeems inside the caller's transaction: a later failure rolls the redemption back", async () => {
      await award("cust_rollback", { points: 500 })
      const outcome = await api.run(
        Effect.either(
          Database.transaction(
            Effect.gen(function* () {
              const redeemed = yield* Loyalty.redeem(tenant(), "cust_rollback", 300, { orderId: "order_r" })
              expect(redeemed.discount).toEqual({ amount: 300, currency: "EUR" })
              return yield* Effect.fail("payment declined" as const)
            })
          )
        )
      )
      expect(Either.isLeft(outcome)).toBe(true)
      expect(await account("cust_rollback")).toMatchObject({ points: 500 })
    })
  })
})
