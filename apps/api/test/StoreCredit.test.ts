import { Database } from "@shopvo/kernel"
import { SqlClient } from "@effect/sql"
import { Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { StoreCredit } from "../src/StoreCredit/Service.js"
import { addCustomers } from "./support/Customers.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

describe("Store credit", () => {
  let api: TestApi
  let siteA: string
  let siteB: string
  let keyA: string
  let liveKeyA: string
  let keyB: string

  const path = (customerId: string, site = siteA) => `/api/v1/${site}/store-credit/${customerId}`
  const post = (customerId: string, body: Record<string, unknown>, key = keyA, site = siteA) =>
    api.request("POST", path(customerId, site), { key, body })
  const account = async (customerId: string, key = keyA, site = siteA) => {
    const res = await api.request("GET", path(customerId, site), { key })
    expect(res.status).toBe(200)
    return bodyOf(res, "storeCredit.get").data
  }
  const rows = async (customerId: string) =>
    Number(
      (
        await api.run(
          Effect.flatMap(
            SqlClient.SqlClient,
            (sql) =>
              sql<{ n: string }>`select count(*) as n from store_credit_transactions where customer_id = ${customerId}`
          )
        )
      )[0]!.n
    )

  beforeAll(async () => {
    api = await start()
    siteA = (await api.createSite({ name: "A", currency: "EUR", plan: "enterprise" })).id
    siteB = (await api.createSite({ name: "B", currency: "EUR" })).id
    keyA = (await api.createKey(siteA)).key
    liveKeyA = (await api.createKey(siteA, { mode: "live" })).key
    keyB = (await api.createKey(siteB)).key
    const ids = [
      "cust_xyz",
      "cust_short",
      "cust_empty",
      "cust_race",
      "cust_tenant",
      "cust_scope",
      "cust_checkout",
      "cust_new"
    ]
    await addCustomers(api, siteA, ids)
    await addCustomers(api, siteB, ["cust_tenant"])
  })
  afterAll(() => api.close())

  it("a customer who never had credit has 0 in the site's currency and no transactions", async () => {
    expect(await account("cust_new")).toEqual({ customerId: "cust_new", currency: "EUR", balance: 0, transactions: [] })
  })

  it("keeps the ledger the reference shows: credits, debits, newest first, and the example's credit", async () => {
    const welcome = await post("cust_xyz", { type: "CREDIT", amount: 5000, note: "Welcome bonus" })
    expect(welcome.status).toBe(201)
    expect(bodyOf(welcome, "storeCredit.createTransaction").data.balance).toBe(5000)
    const spent = await post("cust_xyz", { type: "DEBIT", amount: 1500, orderId: "order_xyz" })
    expect(bodyOf(spent, "storeCredit.createTransaction").data.balance).toBe(3500)

    const data = await account("cust_xyz")
    expect(data).toMatchObject({ customerId: "cust_xyz", currency: "EUR", balance: 3500 })
    expect(data.transactions).toEqual([
      {
        id: bodyOf(spent, "storeCredit.createTransaction").data.transaction.id,
        type: "DEBIT",
        amount: 1500,
        note: null,
        orderId: "order_xyz",
        createdAt: expect.any(String)
      },
      {
        id: bodyOf(welcome, "storeCredit.createTransaction").data.transaction.id,
        type: "CREDIT",
        amount: 5000,
        note: "Welcome bonus",
        orderId: null,
        createdAt: expect.any(String)
      }
    ])
    expect(data.transactions[0]?.id).toMatch(/^sct_/)

    // The reference's request and response.
    const refund = await post("cust_xyz", {
      type: "CREDIT",
      amount: 2000,
      note: "Refund for order ORD-1042",
      orderId: "order_xyz"
    })
    expect(refund.status).toBe(201)
    expect(bodyOf(refund, "storeCredit.createTransaction").data).toEqual({
      balance: 5500,
      transaction: {
        id: expect.stringMatching(/^sct_/),
        type: "CREDIT",
        amount: 2000,
        note: "Refund for order ORD-1042",
        orderId: "order_xyz",
        createdAt: expect.any(String)
      }
    })
  })

  it("refuses a debit beyond the balance with 422 insufficient_balance and changes nothing", async () => {
    await post("cust_short", { type: "CREDIT", amount: 3500 })
    const res = await post("cust_short", { type: "DEBIT", amount: 5000 })
    expect(res.status).toBe(422)
    expect(errorOf(res).code).toBe("insufficient_balance")
    expect((await account("cust_short")).balance).toBe(3500)
    expect(await rows("cust_short")).toBe(1)
    // A debit on an account that never existed opens nothing.
    expect((await post("cust_empty", { type: "DEBIT", amount: 1 })).status).toBe(422)
    expect(await account("cust_empty")).toMatchObject({ balance: 0, transactions: [] })
    // The spec's bounds: at least 1, and a type of the two.
    expect((await post("cust_short", { type: "DEBIT", amount: 0 })).status).toBe(400)
    expect((await post("cust_short", { type: "REFUND", amount: 10 })).status).toBe(400)
    expect(await rows("cust_short")).toBe(1)
  })

  it("concurrent debits never take the balance below 0: exactly as many succeed as it covers", async () => {
    await post("cust_race", { type: "CREDIT", amount: 1000 })
    const results = await Promise.all(
      Array.from({ length: 50 }, () => post("cust_race", { type: "DEBIT", amount: 30 }))
    )
    expect(results.filter((r) => r.status !== 201 && r.status !== 422).map((r) => r.text)).toEqual([])
    expect(results.filter((r) => r.status === 201)).toHaveLength(33)
    expect(results.filter((r) => r.status === 422).every((r) => errorOf(r).code === "insufficient_balance")).toBe(true)
    // Each success saw the balance the previous one left.
    expect(
      results
        .filter((r) => r.status === 201)
        .map((r) => bodyOf(r, "storeCredit.createTransaction").data.balance)
        .sort((a, b) => a - b)
    ).toEqual(Array.from({ length: 33 }, (_, i) => 10 + i * 30))
    expect((await account("cust_race")).balance).toBe(10)
    expect(await rows("cust_race")).toBe(34)
  })

  it("keeps each site's and mode's credit apart", async () => {
    await post("cust_tenant", { type: "CREDIT", amount: 700 })
    // The customer is a test-mode one: the live key does not see it.
    expect((await api.request("GET", path("cust_tenant", siteA), { key: liveKeyA })).status).toBe(404)
    expect((await account("cust_tenant", keyB, siteB)).balance).toBe(0)
    // A customer id is of one mode: the test-mode customer does not exist in live mode.
    expect((await post("cust_tenant", { type: "DEBIT", amount: 100 }, liveKeyA)).status).toBe(404)
    expect((await post("cust_tenant", { type: "DEBIT", amount: 100 }, keyB, siteB)).status).toBe(422)
    expect((await account("cust_tenant")).balance).toBe(700)
    expect((await api.request("GET", path("cust_tenant", siteB), { key: keyA })).status).toBe(401)
  })

  it("needs read:store-credit to read and write:store-credit to change", async () => {
    const reader = (await api.createKey(siteA, { scopes: ["read:store-credit"] })).key
    expect((await api.request("GET", path("cust_scope"), { key: reader })).status).toBe(200)
    const refused = await post("cust_scope", { type: "CREDIT", amount: 100 }, reader)
    expect(refused.status).toBe(403)
    expect(errorOf(refused).error).toContain("write:store-credit")
    const writer = (await api.createKey(siteA, { scopes: ["write:store-credit"] })).key
    expect((await post("cust_scope", { type: "CREDIT", amount: 100 }, writer)).status).toBe(201)
    expect((await api.request("GET", path("cust_scope"), { key: writer })).status).toBe(403)
  })

  it("a customer the site does not have is a 404, to read as to transact, and records nothing", async () => {
    expect((await api.request("GET", path("cust_missing"), { key: keyA })).status).toBe(404)
    const res = await post("cust_missing", { type: "CREDIT", amount: 100 })
    expect(res.status).toBe(404)
    expect(errorOf(res).code).toBe("not_found")
    expect(await rows("cust_missing")).toBe(0)
  })

  it("debits inside the caller's transaction, for checkout: a later failure rolls the debit back", async () => {
    const tenant = { siteId: siteA, livemode: false }
    await post("cust_checkout", { type: "CREDIT", amount: 2000 })
    const outcome = await api.run(
      Effect.either(
        Database.transaction(
          Effect.gen(function* () {
            const debited = yield* StoreCredit.debit(tenant, "cust_checkout", 1200, { orderId: "order_1" })
            expect(debited.balance).toEqual({ amount: 800, currency: "EUR" })
            return yield* Effect.fail("payment declined" as const)
          })
        )
      )
    )
    expect(Either.isLeft(outcome)).toBe(true)
    expect(await account("cust_checkout")).toMatchObject({ balance: 2000 })
    expect(await rows("cust_checkout")).toBe(1)
    const refused = await api.run(Effect.either(StoreCredit.debit(tenant, "cust_checkout", 2001)))
    expect(Either.isLeft(refused) && refused.left._tag).toBe("InsufficientBalance")
  })
})
