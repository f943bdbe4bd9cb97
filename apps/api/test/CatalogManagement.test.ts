import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { prepareSite, shop } from "./support/Shop.js"
import { bodyOf, cursorPage, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

describe("Catalogue management", () => {
  let api: TestApi
  let site: string
  let key: string
  let other: string
  let otherKey: string

  const url = (path: string, s = site) => `/api/v1/${s}${path}`
  const send = (method: string, path: string, body?: unknown, k = key, s = site) =>
    api.request(method, url(path, s), { key: k, ...(body === undefined ? {} : { body }) })

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite({ name: "Catalogue", currency: "EUR", plan: "enterprise" })).id
    key = (await api.createKey(site)).key
    other = (await api.createSite({ name: "Other" })).id
    otherKey = (await api.createKey(other)).key
    await prepareSite(api, site)
  })
  afterAll(() => api.close())

  describe("categories", () => {
    it("creates, updates (no cycles) and deletes categories; products lose the category, children become top-level", async () => {
      const apparel = bodyOf(await send("POST", "/categories", { name: "Apparel" }), "categories.create").data
      expect(apparel).toMatchObject({ name: "Apparel", slug: "apparel", description: null, parentId: null })
      const tees = bodyOf(
        await send("POST", "/categories", { name: "T-Shirts", description: "Tees", parentId: apparel.id }),
        "categories.create"
      ).data
      const vnecks = bodyOf(
        await send("POST", "/categories", { name: "V-Necks", parentId: tees.id }),
        "categories.create"
      ).data

      const renamed = await send("PATCH", `/categories/${tees.id}`, { name: "Tees", description: null })
      expect(bodyOf(renamed, "categories.update").data).toEqual({
        id: tees.id,
        name: "Tees",
        slug: "t-shirts",
        description: null,
        parentId: apparel.id
      })
      for (const parentId of [tees.id, vnecks.id]) {
        const cycle = await send("PATCH", `/categories/${tees.id}`, { parentId })
        expect([cycle.status, errorOf(cycle).code]).toEqual([422, "category_cycle"])
      }
      const unknown = await send("PATCH", `/categories/${tees.id}`, { parentId: "cat_nope" })
      expect([unknown.status, errorOf(unknown).code]).toEqual([422, "unknown_category"])
      const taken = await send("PATCH", `/categories/${tees.id}`, { slug: "apparel" })
      expect([taken.status, errorOf(taken).code]).toEqual([409, "slug_taken"])
      const duplicate = await send("POST", "/categories", { name: "Apparel" })
      expect([duplicate.status, errorOf(duplicate).code]).toEqual([409, "slug_taken"])

      const product = bodyOf(
        await send("POST", "/products", { name: "Tee", price: 1000, categoryIds: [tees.id] }),
        "products.create"
      ).data
      const deleted = await send("DELETE", `/categories/${tees.id}`)
      expect(bodyOf(deleted, "categories.delete")).toEqual({ success: true, deleted: true })
      expect(bodyOf(await send("GET", `/products/${product.id}`), "products.get").data.categoryIds).toEqual([])
      const children = bodyOf(await send("GET", "/categories"), "categories.list").data
      expect(children.find((c) => c.id === vnecks.id)?.parentId).toBeNull()
      expect(children.some((c) => c.id === tees.id)).toBe(false)
      expect((await send("DELETE", `/categories/${tees.id}`)).status).toBe(404)
    })

    it("another site cannot see, change or delete them (404), nor use them as a parent (422)", async () => {
      const mine = bodyOf(await send("POST", "/categories", { name: "Private" }), "categories.create").data
      expect((await send("PATCH", `/categories/${mine.id}`, { name: "Stolen" }, otherKey, other)).status).toBe(404)
      expect((await send("DELETE", `/categories/${mine.id}`, undefined, otherKey, other)).status).toBe(404)
      const child = await send("POST", "/categories", { name: "Child", parentId: mine.id }, otherKey, other)
      expect([child.status, errorOf(child).code]).toEqual([422, "unknown_category"])
      expect(bodyOf(await send("GET", "/categories", undefined, otherKey, other), "categories.list").data).toEqual([])
      const still = bodyOf(await send("GET", "/categories?slug=private"), "categories.list").data
      expect(still).toEqual([mine])
    })
  })

  describe("brands", () => {
    it("creates, updates and deletes brands; products lose the brand; other sites get 404", async () => {
      const created = await send("POST", "/brands", { name: "Essentials", description: "Basics" })
      const brand = bodyOf(created, "brands.create").data
      expect(brand).toMatchObject({ name: "Essentials", slug: "essentials", description: "Basics" })
      const second = bodyOf(await send("POST", "/brands", { name: "Outdoor", slug: "outdoor" }), "brands.create").data
      const taken = await send("PATCH", `/brands/${second.id}`, { slug: "essentials" })
      expect([taken.status, errorOf(taken).code]).toEqual([409, "slug_taken"])
      const updated = await send("PATCH", `/brands/${brand.id}`, { name: "Essentials Co." })
      expect(bodyOf(updated, "brands.update").data).toEqual({ ...brand, name: "Essentials Co." })

      expect((await send("PATCH", `/brands/${brand.id}`, { name: "x" }, otherKey, other)).status).toBe(404)
      expect((await send("DELETE", `/brands/${brand.id}`, undefined, otherKey, other)).status).toBe(404)

      const product = bodyOf(
        await send("POST", "/products", { name: "Branded", price: 1000, brandId: brand.id }),
        "products.create"
      ).data
      expect(bodyOf(await send("DELETE", `/brands/${brand.id}`), "brands.delete")).toEqual({
        success: true,
        deleted: true
      })
      expect(bodyOf(await send("GET", `/products/${product.id}`), "products.get").data.brandId).toBeNull()
      expect((await send("PATCH", `/brands/${brand.id}`, { name: "gone" })).status).toBe(404)
    })

    it("needs write:catalog to change brands and categories", async () => {
      const readOnly = (await api.createKey(site, { scopes: ["read:catalog"] })).key
      const res = await send("POST", "/brands", { name: "Nope" }, readOnly)
      expect([res.status, errorOf(res).code]).toEqual([403, "forbidden"])
      const cat = await send("POST", "/categories", { name: "Nope" }, readOnly)
      expect(cat.status).toBe(403)
    })
  })

  describe("product list sort", () => {
    let sortSite: string
    let sortKey: string
    const list = (query: string) => api.request("GET", `/api/v1/${sortSite}/products?${query}`, { key: sortKey })

    beforeAll(async () => {
      sortSite = (await api.createSite({ name: "Sort", currency: "EUR", plan: "enterprise" })).id
      sortKey = (await api.createKey(sortSite)).key
      const store = shop(api, sortSite, sortKey)
      // Inserted oldest first; prices and names in another order each.
      const rows: ReadonlyArray<readonly [string, number]> = [
        ["Cedar", 300],
        ["Alder", 500],
        ["Birch", 100],
        ["Elm", 400],
        ["Dogwood", 200]
      ]
      for (const [i, [name, price]] of rows.entries()) {
        const id = await store.product({ name, price })
        await store.query("update products set created_at = now() - make_interval(days => $1) where id = $2", [
          10 - i,
          id
        ])
      }
    })

    const names = (res: Awaited<ReturnType<typeof list>>) => bodyOf(res, "products.list").items.map((item) => item.name)

    it("sorts by price, name, newest and oldest, ascending or descending", async () => {
      expect(names(await list("sort=price"))).toEqual(["Birch", "Dogwood", "Cedar", "Elm", "Alder"])
      expect(names(await list("sort=-price"))).toEqual(["Alder", "Elm", "Cedar", "Dogwood", "Birch"])
      expect(names(await list("sort=name"))).toEqual(["Alder", "Birch", "Cedar", "Dogwood", "Elm"])
      expect(names(await list("sort=-name"))).toEqual(["Elm", "Dogwood", "Cedar", "Birch", "Alder"])
      expect(names(await list("sort=oldest"))).toEqual(["Cedar", "Alder", "Birch", "Elm", "Dogwood"])
      expect(names(await list(""))).toEqual(["Dogwood", "Elm", "Birch", "Alder", "Cedar"])
      expect(names(await list("sort=newest"))).toEqual(names(await list("")))
    })

    it("offset and cursor pages keep the sort", async () => {
      const second = offsetPage(bodyOf(await list("sort=price&limit=2&page=2"), "products.list"))
      expect(second.items.map((p) => p.name)).toEqual(["Cedar", "Elm"])
      // From an offset page, continue with the id of the last product seen, then with opaque cursors.
      const first = offsetPage(bodyOf(await list("sort=-name&limit=2"), "products.list")).items
      const seen = first.map((p) => p.name ?? "")
      let page = cursorPage(bodyOf(await list(`sort=-name&limit=2&cursor=${first[1]!.id}`), "products.list"))
      for (;;) {
        seen.push(...page.items.map((p) => p.name ?? ""))
        if (!page.hasNextPage || page.cursor === null) break
        page = cursorPage(
          bodyOf(await list(`sort=-name&limit=2&cursor=${encodeURIComponent(page.cursor)}`), "products.list")
        )
      }
      expect(seen).toEqual(["Elm", "Dogwood", "Cedar", "Birch", "Alder"])
    })

    it("refuses an unknown sort and a sort with search (400)", async () => {
      for (const query of ["sort=popularity", "sort=price&search=mug"]) {
        const res = await list(query)
        expect([res.status, errorOf(res).code], query).toEqual([400, "validation_error"])
      }
    })
  })

  describe("reviews", () => {
    it("isVerifiedPurchase: the reviewer's email (any case) has a paid order of this product", async () => {
      const store = shop(api, site, key)
      const bought = await store.product({ name: "Bought" })
      const notBought = await store.product({ name: "Not bought" })
      const sessionId = await store.session([bought])
      await store.toReview(sessionId, { email: "reviewer@example.com" })
      expect((await store.complete(sessionId)).status).toBe(200)
      const review = (productId: string, reviewerEmail: string) =>
        send("POST", `/products/${productId}/reviews`, { rating: 5, reviewerName: "Rae", reviewerEmail })
      const verified = async (productId: string, email: string) =>
        bodyOf(await review(productId, email), "products.createReview").data.isVerifiedPurchase
      expect(await verified(bought, "Reviewer@Example.com")).toBe(true)
      expect(await verified(notBought, "reviewer@example.com")).toBe(false)
      expect(await verified(bought, "someone.else@example.com")).toBe(false)
      // A refunded order is no longer a paid one.
      await store.query("update orders set payment_status = 'REFUNDED', refunded_total = total where email = $1", [
        "reviewer@example.com"
      ])
      expect(await verified(bought, "reviewer@example.com")).toBe(false)
    })
  })
})
