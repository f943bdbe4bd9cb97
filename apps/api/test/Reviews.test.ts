import { Validator } from "@shopvo/contract"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

const validator = new Validator()

const example = {
  rating: 5,
  title: "Great quality!",
  content: "Wore this for a week and it still looks brand new.",
  reviewerName: "Jane Smith",
  reviewerEmail: "jane@example.com"
}

describe("Reviews", () => {
  let api: TestApi
  let siteA: string
  let siteB: string
  let keyA: string
  let liveKeyA: string
  let keyB: string

  /** Inserts a product directly (the products endpoints are another aggregate's). */
  const insertProduct = (siteId: string, livemode: boolean): Promise<string> =>
    api.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) => {
        const id = `prd_${Math.random().toString(36).slice(2, 14)}`
        return sql`insert into products (id, site_id, livemode, name, slug, price, currency)
                   values (${id}, ${siteId}, ${livemode}, 'Classic White T-Shirt', ${id.replace("_", "-")}, 2999, 'EUR')`.pipe(
          Effect.as(id)
        )
      })
    )

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))

  const reviewsPath = (productId: string, site = siteA) => `/api/v1/${site}/products/${productId}/reviews`

  const submit = async (productId: string, body: Record<string, unknown> = example, key = keyA, site = siteA) => {
    const res = await api.request("POST", reviewsPath(productId, site), { key, body })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return bodyOf(res, "products.createReview").data
  }

  beforeAll(async () => {
    api = await start()
    siteA = (await api.createSite({ name: "A", plan: "enterprise" })).id
    siteB = (await api.createSite({ name: "B" })).id
    keyA = (await api.createKey(siteA)).key
    liveKeyA = (await api.createKey(siteA, { mode: "live" })).key
    keyB = (await api.createKey(siteB)).key
  })
  afterAll(() => api.close())

  describe("reference examples", () => {
    it("submits the example review: PENDING, not a verified purchase, email never returned", async () => {
      const product = await insertProduct(siteA, false)
      const res = await api.request("POST", reviewsPath(product), { key: keyA, body: example })
      expect(res.status).toBe(201)
      expect(res.body).toEqual({
        success: true,
        data: {
          id: expect.stringMatching(/^rev_/),
          productId: product,
          rating: 5,
          title: "Great quality!",
          content: "Wore this for a week and it still looks brand new.",
          reviewerName: "Jane Smith",
          status: "PENDING",
          // No orders exist yet, so no purchase can be verified.
          isVerifiedPurchase: false,
          createdAt: expect.any(String),
          updatedAt: expect.any(String)
        }
      })
      expect(res.text).not.toContain("jane@example.com")
      // Stored for moderation all the same.
      const stored = await query<{ reviewer_email: string }>("select reviewer_email from reviews where id = $1", [
        bodyOf(res, "products.createReview").data.id
      ])
      expect(stored[0]!.reviewer_email).toBe("jane@example.com")
    })

    it("lists published reviews as the example shows", async () => {
      const product = await insertProduct(siteA, false)
      const review = await submit(product)
      // Moderation (and, once orders exist, purchase verification) happen outside this API's
      // review routes; set their outcome directly.
      await query("update reviews set status = 'PUBLISHED', is_verified_purchase = true where id = $1", [review.id])
      const res = await api.request("GET", reviewsPath(product), { key: keyA })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        success: true,
        items: [
          {
            id: review.id,
            productId: product,
            rating: 5,
            title: "Great quality!",
            content: "Wore this for a week and it still looks brand new.",
            reviewerName: "Jane Smith",
            status: "PUBLISHED",
            isVerifiedPurchase: true,
            createdAt: expect.any(String),
            updatedAt: expect.any(String)
          }
        ],
        pagination: { page: 1, limit: 20, total: 1, totalPages: 1 }
      })
      expect(res.text).not.toContain("jane@example.com")
    })
  })

  describe("moderation", () => {
    it("lists PUBLISHED by default; other statuses on request", async () => {
      const product = await insertProduct(siteA, false)
      const pending = await submit(product, { ...example, reviewerName: "Pending Pat" })
      const published = await submit(product, { ...example, reviewerName: "Published Pia" })
      const spam = await submit(product, { ...example, reviewerName: "Spam Sam" })
      await query("update reviews set status = 'PUBLISHED' where id = $1", [published.id])
      await query("update reviews set status = 'SPAM' where id = $1", [spam.id])
      const ids = async (qs: string) =>
        bodyOf(
          await api.request("GET", `${reviewsPath(product)}${qs}`, { key: keyA }),
          "products.listReviews"
        ).items.map((r: { id: string }) => r.id)
      expect(await ids("")).toEqual([published.id])
      expect(await ids("?status=PENDING")).toEqual([pending.id])
      expect(await ids("?status=SPAM")).toEqual([spam.id])
      expect(await ids("?status=ARCHIVED")).toEqual([])
      const bad = await api.request("GET", `${reviewsPath(product)}?status=HIDDEN`, { key: keyA })
      expect(bad.status).toBe(400)
    })

    it("publishes at once when the site auto-approves reviews", async () => {
      const site = (await api.createSite({ name: "Auto" })).id
      const key = (await api.createKey(site)).key
      await query("update sites set review_auto_approve = true where id = $1", [site])
      const product = await insertProduct(site, false)
      const review = await submit(product, example, key, site)
      expect(review.status).toBe("PUBLISHED")
      const list = await api.request("GET", reviewsPath(product, site), { key })
      expect(bodyOf(list, "products.listReviews").items.map((r: { id: string }) => r.id)).toEqual([review.id])
    })

    it("records review.created (without the email) in the same transaction", async () => {
      const product = await insertProduct(siteA, false)
      const res = await api.request("POST", reviewsPath(product), {
        key: keyA,
        body: { ...example, reviewerEmail: "secret@example.com" }
      })
      const events = await query<{ payload: Record<string, unknown>; livemode: boolean; site_id: string }>(
        "select payload, livemode, site_id from events where type = 'review.created' and payload->>'id' = $1",
        [bodyOf(res, "products.createReview").data.id]
      )
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({ livemode: false, site_id: siteA })
      expect(events[0]!.payload).toEqual(bodyOf(res, "products.createReview").data)
      expect(JSON.stringify(events[0]!.payload)).not.toContain("secret@example.com")
      expect(validator.validate({ $ref: "#/components/schemas/Review" }, events[0]!.payload).ok).toBe(true)
      // A refused submission records nothing.
      const before = (await query("select 1 from events where type = 'review.created'")).length
      expect((await api.request("POST", reviewsPath("prd_missing"), { key: keyA, body: example })).status).toBe(404)
      expect((await query("select 1 from events where type = 'review.created'")).length).toBe(before)
    })
  })

  describe("pagination", () => {
    it("pages newest first with totals", async () => {
      const product = await insertProduct(siteA, false)
      const ids: string[] = []
      for (let i = 0; i < 5; i++) ids.push((await submit(product, { ...example, reviewerName: `R${i}` })).id)
      await query("update reviews set status = 'PUBLISHED' where product_id = $1", [product])
      const newestFirst = [...ids].reverse()
      const page = async (n: number) =>
        bodyOf(
          await api.request("GET", `${reviewsPath(product)}?limit=2&page=${n}`, { key: keyA }),
          "products.listReviews"
        )
      const p1 = await page(1)
      expect(p1.items.map((r: { id: string }) => r.id)).toEqual(newestFirst.slice(0, 2))
      expect(p1.pagination).toEqual({ page: 1, limit: 2, total: 5, totalPages: 3 })
      expect((await page(2)).items.map((r: { id: string }) => r.id)).toEqual(newestFirst.slice(2, 4))
      expect((await page(3)).items.map((r: { id: string }) => r.id)).toEqual(newestFirst.slice(4))
      const past = await page(4)
      expect(past.items).toEqual([])
      expect(past.pagination).toEqual({ page: 4, limit: 2, total: 5, totalPages: 3 })
    })

    it("answers an empty page for a product without reviews", async () => {
      const product = await insertProduct(siteA, false)
      const res = await api.request("GET", reviewsPath(product), { key: keyA })
      expect(res.body).toEqual({
        success: true,
        items: [],
        pagination: { page: 1, limit: 20, total: 0, totalPages: 0 }
      })
    })
  })

  describe("validation", () => {
    it("takes ratings 1 to 5 only, and needs a name and a valid email (400)", async () => {
      const product = await insertProduct(siteA, false)
      for (const rating of [0, 6, 4.5, null]) {
        const res = await api.request("POST", reviewsPath(product), { key: keyA, body: { ...example, rating } })
        expect(res.status, `rating ${rating}`).toBe(400)
        expect((errorOf(res).details ?? []).map((d: { path: string }) => d.path)).toContain("/rating")
      }
      for (const rating of [1, 5]) await submit(product, { ...example, rating })
      const { reviewerEmail: _email, ...withoutEmail } = example
      expect((await api.request("POST", reviewsPath(product), { key: keyA, body: withoutEmail })).status).toBe(400)
      expect(
        (
          await api.request("POST", reviewsPath(product), {
            key: keyA,
            body: { ...example, reviewerEmail: "not-an-email" }
          })
        ).status
      ).toBe(400)
      expect(
        (await api.request("POST", reviewsPath(product), { key: keyA, body: { ...example, reviewerName: "" } })).status
      ).toBe(400)
      expect(
        (await api.request("POST", reviewsPath(product), { key: keyA, body: { ...example, isVerifiedPurchase: true } }))
          .status
      ).toBe(400)
    })

    it("accepts a review without title and content", async () => {
      const product = await insertProduct(siteA, false)
      const res = await api.request("POST", reviewsPath(product), {
        key: keyA,
        body: { rating: 3, reviewerName: "Terse", reviewerEmail: "t@example.com" }
      })
      expect(res.status).toBe(201)
      expect(bodyOf(res, "products.createReview").data).toMatchObject({ rating: 3, title: null, content: null })
    })
  })

  describe("tenancy and scopes", () => {
    it("answers 404 for a product of another site or mode", async () => {
      const theirs = await insertProduct(siteB, false)
      await submit(theirs, example, keyB, siteB)
      const live = await insertProduct(siteA, true)
      for (const [method, path] of [
        ["GET", reviewsPath(theirs)],
        ["POST", reviewsPath(theirs)],
        ["GET", reviewsPath(live)],
        ["POST", reviewsPath(live)],
        ["GET", reviewsPath("prd_doesnotexist")]
      ] as const) {
        const res = await api.request(method, path, { key: keyA, ...(method === "POST" ? { body: example } : {}) })
        expect(res.status, `${method} ${path}`).toBe(404)
        expect(errorOf(res).code).toBe("not_found")
      }
      expect(
        bodyOf(
          await api.request("GET", `${reviewsPath(theirs, siteB)}?status=PENDING`, { key: keyB }),
          "products.listReviews"
        ).items
      ).toHaveLength(1)
      expect((await api.request("POST", reviewsPath(live), { key: liveKeyA, body: example })).status).toBe(201)
      // Nothing was added to another tenant.
      expect((await query("select 1 from reviews where product_id = $1", [theirs])).length).toBe(1)
    })

    it("needs read:catalog to list and write:catalog to submit", async () => {
      const product = await insertProduct(siteA, false)
      const reader = (await api.createKey(siteA, { scopes: ["read:catalog"] })).key
      const writer = (await api.createKey(siteA, { scopes: ["write:catalog"] })).key
      const content = (await api.createKey(siteA, { scopes: ["read:content"] })).key
      expect((await api.request("GET", reviewsPath(product), { key: reader })).status).toBe(200)
      expect((await api.request("GET", reviewsPath(product), { key: content })).status).toBe(403)
      const refused = await api.request("POST", reviewsPath(product), { key: reader, body: example })
      expect(refused.status).toBe(403)
      expect(errorOf(refused).error).toContain("write:catalog")
      expect((await api.request("POST", reviewsPath(product), { key: writer, body: example })).status).toBe(201)
    })
  })
})
