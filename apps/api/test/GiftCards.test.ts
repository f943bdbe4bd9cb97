import { GiftCardCode } from "@shopvo/balances"
import { Database } from "@shopvo/kernel"
import { SqlClient } from "@effect/sql"
import { Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { seedDemoBalances } from "../src/GiftCards/Seed.js"
import { GiftCards } from "../src/GiftCards/Service.js"
import { addCustomers } from "./support/Customers.js"
import { bodyOf, cursorPage, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

const codePattern = new RegExp(`^GIFT-[${GiftCardCode.alphabet}]{4}-[${GiftCardCode.alphabet}]{4}$`)

describe("Gift cards", () => {
  let api: TestApi
  let siteA: string
  let siteB: string
  let keyA: string
  let liveKeyA: string
  let keyB: string

  const path = (site = siteA) => `/api/v1/${site}/gift-cards`
  const issue = (body: Record<string, unknown>, key = keyA, site = siteA) =>
    api.request("POST", path(site), { key, body })
  const issued = async (body: Record<string, unknown>, key = keyA, site = siteA) => {
    const res = await issue(body, key, site)
    expect(res.status, JSON.stringify(bodyOf(res, "giftCards.create"))).toBe(201)
    return bodyOf(res, "giftCards.create").data
  }
  const redeem = (id: string, body: Record<string, unknown>, key = keyA) =>
    api.request("POST", `${path()}/${id}/redeem`, { key, body })
  const patch = (id: string, body: Record<string, unknown>, key = keyA) =>
    api.request("PATCH", `${path()}/${id}`, { key, body })
  const get = (id: string, key = keyA, site = siteA) => api.request("GET", `${path(site)}/${id}`, { key })

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))
  const redemptions = (id: string) =>
    query<{ amount: string; order_id: string | null }>(
      "select amount, order_id from gift_card_redemptions where gift_card_id = $1 order by created_at",
      [id]
    )
  const cardCount = async (site = siteA) =>
    Number((await query<{ n: string }>("select count(*) as n from gift_cards where site_id = $1", [site]))[0]!.n)

  beforeAll(async () => {
    api = await start()
    siteA = (await api.createSite({ name: "A", currency: "EUR", plan: "enterprise" })).id
    siteB = (await api.createSite({ name: "B", currency: "EUR" })).id
    keyA = (await api.createKey(siteA)).key
    liveKeyA = (await api.createKey(siteA, { mode: "live" })).key
    keyB = (await api.createKey(siteB)).key
    await addCustomers(api, siteA, ["cust_xyz", "cust_exp"])
  })
  afterAll(() => api.close())

  describe("issuing", () => {
    it("issues a card as the reference shows, with a generated code of the unambiguous alphabet", async () => {
      // The reference's request (its expiry moved far ahead: a card must not be born expired).
      const res = await issue({
        initialBalance: 5000,
        customerId: "cust_xyz",
        expiresAt: "2099-12-31T23:59:59Z",
        note: "Birthday gift"
      })
      expect(res.status).toBe(201)
      expect(bodyOf(res, "giftCards.create").data).toMatchObject({
        currency: "EUR",
        initialBalance: 5000,
        remainingBalance: 5000,
        status: "ACTIVE",
        customerId: "cust_xyz",
        note: "Birthday gift",
        expiresAt: "2099-12-31T23:59:59.000Z"
      })
      expect(bodyOf(res, "giftCards.create").data.id).toMatch(/^gc_/)
      expect(bodyOf(res, "giftCards.create").data.code).toMatch(codePattern)
      expect(bodyOf(await get(bodyOf(res, "giftCards.create").data.id), "giftCards.get").data).toEqual(
        bodyOf(res, "giftCards.create").data
      )
    })

    it("refuses a customer the site does not have with customer_not_found, issuing nothing", async () => {
      const res = await issue({ initialBalance: 5000, customerId: "cust_missing" })
      expect(res.status).toBe(422)
      expect(errorOf(res)).toMatchObject({ code: "customer_not_found", error: "Customer cust_missing not found" })
      expect(
        bodyOf(await api.request("GET", `${path()}?customerId=cust_missing`, { key: keyA }), "giftCards.list").items
      ).toEqual([])
    })

    it("generates a different code for every card", async () => {
      const codes = await Promise.all(
        Array.from({ length: 20 }, async () => (await issued({ initialBalance: 100 })).code)
      )
      expect(new Set(codes).size).toBe(20)
      for (const code of codes) expect(code).toMatch(codePattern)
    })

    it("takes a code of the caller's; a code in use on the site is a 409 and creates nothing", async () => {
      const card = await issued({ initialBalance: 1000, code: "GIFT-4H7K-Q2ZD" })
      expect(card.code).toBe("GIFT-4H7K-Q2ZD")
      const before = await cardCount()
      const taken = await issue({ initialBalance: 2000, code: "GIFT-4H7K-Q2ZD" })
      expect(taken.status).toBe(409)
      expect(errorOf(taken).code).toBe("gift_card_code_taken")
      expect(await cardCount()).toBe(before)
      // Codes are unique per site and mode, not across them.
      expect((await issue({ initialBalance: 2000, code: "GIFT-4H7K-Q2ZD" }, keyB, siteB)).status).toBe(201)
      expect((await issue({ initialBalance: 2000, code: "GIFT-4H7K-Q2ZD" }, liveKeyA)).status).toBe(201)
    })

    it("refuses bad input with a 4xx that changes nothing", async () => {
      const before = await cardCount()
      const ambiguous = await issue({ initialBalance: 1000, code: "GIFT-0O1I-LLLL" })
      expect(ambiguous.status).toBe(400)
      expect(errorOf(ambiguous).details?.[0]?.path).toBe("/code")
      const zero = await issue({ initialBalance: 0 })
      expect(zero.status).toBe(400)
      const past = await issue({ initialBalance: 1000, expiresAt: "2020-01-01T00:00:00Z" })
      expect(past.status).toBe(400)
      expect(errorOf(past).details).toEqual([{ path: "/expiresAt", message: expect.stringContaining("cannot expire") }])
      const currency = await issue({ initialBalance: 1000, currency: "USD" })
      expect(currency.status).toBe(422)
      expect(errorOf(currency).code).toBe("currency_not_supported")
      expect(await cardCount()).toBe(before)
      expect((await issue({ initialBalance: 1000, currency: "EUR" })).status).toBe(201)
    })
  })

  describe("redeeming", () => {
    it("redeems part of a card as the reference shows, then the rest; at 0 the card is REDEEMED", async () => {
      const card = await issued({ initialBalance: 5000 })
      const res = await redeem(card.id, { amount: 2500, orderId: "order_xyz" })
      expect(res.status).toBe(200)
      expect(bodyOf(res, "giftCards.redeem").data).toMatchObject({
        id: card.id,
        remainingBalance: 2500,
        status: "ACTIVE"
      })
      const rest = await redeem(card.id, { amount: 2500 })
      expect(bodyOf(rest, "giftCards.redeem").data).toMatchObject({ remainingBalance: 0, status: "REDEEMED" })
      expect(await redemptions(card.id)).toEqual([
        { amount: "2500", order_id: "order_xyz" },
        { amount: "2500", order_id: null }
      ])
      const again = await redeem(card.id, { amount: 1 })
      expect(again.status).toBe(422)
      expect(errorOf(again).code).toBe("insufficient_balance")
    })

    it("refuses more than the balance and takes nothing", async () => {
      const card = await issued({ initialBalance: 2500 })
      const res = await redeem(card.id, { amount: 3000 })
      expect(res.status).toBe(422)
      expect(errorOf(res).code).toBe("insufficient_balance")
      expect(bodyOf(await get(card.id), "giftCards.get").data).toMatchObject({
        remainingBalance: 2500,
        status: "ACTIVE"
      })
      expect(await redemptions(card.id)).toEqual([])
    })

    it("200 concurrent redemptions of 100 on a card of 2,500: exactly 25 succeed and the balance ends at 0", async () => {
      const card = await issued({ initialBalance: 2500 })
      const results = await Promise.all(Array.from({ length: 200 }, () => redeem(card.id, { amount: 100 })))
      const statuses = results.map((r) => r.status)
      expect(results.filter((r) => r.status !== 200 && r.status !== 422).map((r) => r.text)).toEqual([])
      expect(statuses.filter((s) => s === 200)).toHaveLength(25)
      expect(statuses.filter((s) => s === 422)).toHaveLength(175)
      expect(results.filter((r) => r.status === 422).every((r) => errorOf(r).code === "insufficient_balance")).toBe(
        true
      )
      // Each success saw the previous one's balance: 2400, 2300, …, 0, each once.
      expect(
        results
          .filter((r) => r.status === 200)
          .map((r) => bodyOf(r, "giftCards.redeem").data.remainingBalance)
          .sort((a, b) => a - b)
      ).toEqual(Array.from({ length: 25 }, (_, i) => i * 100))
      expect(bodyOf(await get(card.id), "giftCards.get").data).toMatchObject({
        remainingBalance: 0,
        status: "REDEEMED"
      })
      const rows = await redemptions(card.id)
      expect(rows).toHaveLength(25)
      expect(rows.reduce((sum, row) => sum + Number(row.amount), 0)).toBe(2500)
    })
  })

  describe("void and expiry", () => {
    it("voids a card as the reference shows; a void card is never redeemed or changed again", async () => {
      const card = await issued({ initialBalance: 5000 })
      await redeem(card.id, { amount: 2500 })
      const voided = await patch(card.id, { status: "VOID" })
      expect(voided.status).toBe(200)
      expect(bodyOf(voided, "giftCards.update").data).toMatchObject({
        id: card.id,
        status: "VOID",
        remainingBalance: 2500
      })
      for (const refused of [
        await redeem(card.id, { amount: 100 }),
        await patch(card.id, { expiresAt: "2099-01-01T00:00:00Z" }),
        await patch(card.id, { status: "VOID" })
      ]) {
        expect(refused.status).toBe(422)
        expect(errorOf(refused).code).toBe("gift_card_void")
      }
      expect(bodyOf(await get(card.id), "giftCards.get").data).toMatchObject({
        status: "VOID",
        remainingBalance: 2500,
        expiresAt: null
      })
      expect(await redemptions(card.id)).toHaveLength(1)
    })

    it("expires a card whose expiry is moved into the past, and reactivates it when moved ahead", async () => {
      const card = await issued({ initialBalance: 3000, expiresAt: "2099-01-01T00:00:00Z", customerId: "cust_exp" })
      const expired = await patch(card.id, { expiresAt: "2021-06-01T00:00:00Z" })
      expect(bodyOf(expired, "giftCards.update").data).toMatchObject({
        status: "EXPIRED",
        expiresAt: "2021-06-01T00:00:00.000Z"
      })
      const refused = await redeem(card.id, { amount: 100 })
      expect(refused.status).toBe(422)
      expect(errorOf(refused).code).toBe("gift_card_expired")
      expect(bodyOf(await get(card.id), "giftCards.get").data.remainingBalance).toBe(3000)

      const listed = async (status: string) =>
        bodyOf(
          await api.request("GET", `${path()}?customerId=cust_exp&status=${status}`, { key: keyA }),
          "giftCards.list"
        ).items.map((c) => c.id)
      expect(await listed("EXPIRED")).toEqual([card.id])
      expect(await listed("ACTIVE")).toEqual([])

      const renewed = await patch(card.id, { expiresAt: null })
      expect(bodyOf(renewed, "giftCards.update").data).toMatchObject({ status: "ACTIVE", expiresAt: null })
      const yearZero = await patch(card.id, { expiresAt: "0000-06-01T00:00:00Z" })
      expect(yearZero.status).toBe(400)
      expect(errorOf(yearZero).details?.[0]?.path).toBe("/expiresAt")
      expect(bodyOf(await redeem(card.id, { amount: 100 }), "giftCards.redeem").data.remainingBalance).toBe(2900)
      expect(await listed("ACTIVE")).toEqual([card.id])
    })
  })

  describe("listing and reading", () => {
    it("lists by status, customer and exact code (any case), newest first, in offset and cursor pages", async () => {
      const site = (await api.createSite({ name: "Listing", currency: "EUR" })).id
      const key = (await api.createKey(site)).key
      await addCustomers(api, site, ["cust_list"])
      const made: Array<{ id: string; code: string }> = []
      for (let i = 0; i < 5; i++)
        made.push(await issued({ initialBalance: 1000 + i, customerId: "cust_list" }, key, site))
      const other = await issued({ initialBalance: 700 }, key, site)
      await api.request("POST", `${path(site)}/${made[0]!.id}/redeem`, { key, body: { amount: 1000 } })
      const list = (q: string) => api.request("GET", `${path(site)}?${q}`, { key })

      const all = await list("limit=4")
      expect(offsetPage(bodyOf(all, "giftCards.list")).pagination).toEqual({
        page: 1,
        limit: 4,
        total: 6,
        totalPages: 2
      })
      expect(bodyOf(all, "giftCards.list").items.map((c: { id: string }) => c.id)).toEqual(
        [other, ...made.slice().reverse()].slice(0, 4).map((c) => c.id)
      )
      expect(offsetPage(bodyOf(await list("customerId=cust_list"), "giftCards.list")).pagination.total).toBe(5)
      expect(bodyOf(await list("status=REDEEMED"), "giftCards.list").items.map((c: { id: string }) => c.id)).toEqual([
        made[0]!.id
      ])
      expect(offsetPage(bodyOf(await list("status=ACTIVE"), "giftCards.list")).pagination.total).toBe(5)
      expect(bodyOf(await list("status=VOID"), "giftCards.list").items).toEqual([])
      const byCode = await list(`code=${encodeURIComponent(` ${made[2]!.code.toLowerCase()} `)}`)
      expect(bodyOf(byCode, "giftCards.list").items.map((c: { id: string }) => c.id)).toEqual([made[2]!.id])
      expect(bodyOf(await list("code=NOT-A-CODE"), "giftCards.list").items).toEqual([])

      // Cursor mode, started as the reference shows (`cursor=<id>`: the cards after that one).
      const walk: Array<string> = bodyOf(await list("limit=6"), "giftCards.list").items.map((c: { id: string }) => c.id)
      const ids: Array<string> = []
      let page = await list(`limit=2&cursor=${walk[0]}`)
      for (;;) {
        expect(page.status).toBe(200)
        ids.push(...bodyOf(page, "giftCards.list").items.map((c: { id: string }) => c.id))
        if (!cursorPage(bodyOf(page, "giftCards.list")).hasNextPage) break
        page = await list(`limit=2&cursor=${cursorPage(bodyOf(page, "giftCards.list")).cursor}`)
      }
      expect(ids).toEqual(walk.slice(1))
      expect((await list("cursor=gc_unknown")).status).toBe(400)
      expect((await list("cursor=not-a-cursor")).status).toBe(400)
    })

    it("keeps each site's and mode's cards apart: 404 for the others", async () => {
      const card = await issued({ initialBalance: 1000 })
      expect((await api.request("GET", `${path(siteB)}/${card.id}`, { key: keyB })).status).toBe(404)
      expect((await get(card.id, liveKeyA)).status).toBe(404)
      expect(
        (await api.request("POST", `${path(siteB)}/${card.id}/redeem`, { key: keyB, body: { amount: 1 } })).status
      ).toBe(404)
      expect((await redeem(card.id, { amount: 1 }, liveKeyA)).status).toBe(404)
      expect((await patch(card.id, { status: "VOID" }, liveKeyA)).status).toBe(404)
      const live = await api.request("GET", `${path()}?code=${card.code}`, { key: liveKeyA })
      expect(bodyOf(live, "giftCards.list").items).toEqual([])
      expect(bodyOf(await get(card.id), "giftCards.get").data).toMatchObject({
        status: "ACTIVE",
        remainingBalance: 1000
      })
    })

    it("needs read:gift-cards to read and write:gift-cards to change", async () => {
      const reader = (await api.createKey(siteA, { scopes: ["read:gift-cards"] })).key
      const card = await issued({ initialBalance: 1000 })
      expect((await get(card.id, reader)).status).toBe(200)
      expect((await api.request("GET", path(), { key: reader })).status).toBe(200)
      for (const refused of [
        await issue({ initialBalance: 1000 }, reader),
        await redeem(card.id, { amount: 100 }, reader),
        await patch(card.id, { status: "VOID" }, reader)
      ]) {
        expect(refused.status).toBe(403)
        expect(errorOf(refused).error).toContain("write:gift-cards")
      }
      const writer = (await api.createKey(siteA, { scopes: ["write:gift-cards"] })).key
      expect((await get(card.id, writer)).status).toBe(403)
      expect((await redeem(card.id, { amount: 100 }, writer)).status).toBe(200)
    })
  })

  describe("for checkout", () => {
    const tenant = () => ({ siteId: siteA, livemode: false })

    it("redeemUpTo takes what a card holds, by the code a customer typed", async () => {
      const card = await issued({ initialBalance: 1500 })
      const result = await api.run(
        GiftCards.redeemUpTo(tenant(), { code: ` ${card.code.toLowerCase()} ` }, 4000, "order_1")
      )
      expect(result.redeemed).toEqual({ amount: 1500, currency: "EUR" })
      expect(result.card.status).toBe("REDEEMED")
      expect(await redemptions(card.id)).toEqual([{ amount: "1500", order_id: "order_1" }])
      const unknown = await api.run(Effect.either(GiftCards.redeemUpTo(tenant(), { code: "GIFT-ZZZZ-ZZZZ" }, 100)))
      expect(Either.isLeft(unknown) && unknown.left._tag).toBe("GiftCardNotFound")
    })

    it("redeems inside the caller's transaction: a later failure rolls the redemption back", async () => {
      const card = await issued({ initialBalance: 1000 })
      const outcome = await api.run(
        Effect.either(
          Database.transaction(
            Effect.gen(function* () {
              yield* GiftCards.redeem(tenant(), { code: card.code }, 400, "order_2")
              return yield* Effect.fail("payment declined" as const)
            })
          )
        )
      )
      expect(Either.isLeft(outcome)).toBe(true)
      expect(bodyOf(await get(card.id), "giftCards.get").data.remainingBalance).toBe(1000)
      expect(await redemptions(card.id)).toEqual([])
    })
  })

  it("seedDemoBalances issues the demo cards once, one in each status", async () => {
    const site = (await api.createSite({ name: "Demo", currency: "EUR" })).id
    const key = (await api.createKey(site)).key
    const tenant = { siteId: site, livemode: false }
    const ids = await api.run(seedDemoBalances(tenant, { now: new Date() }))
    expect(ids).toHaveLength(4)
    expect(await api.run(seedDemoBalances(tenant))).toEqual([])
    const list = await api.request("GET", `${path(site)}?limit=10`, { key })
    const byCode = Object.fromEntries(
      bodyOf(list, "giftCards.list").items.map((c) => [c.code, [c.status, c.remainingBalance]])
    )
    expect(byCode).toEqual({
      "GIFT-HAPP-Y2YR": ["ACTIVE", 5000],
      "GIFT-BDAY-2525": ["ACTIVE", 1500],
      "GIFT-THNX-7777": ["REDEEMED", 0],
      "GIFT-VXYZ-3333": ["VOID", 2000]
    })
  })
})
