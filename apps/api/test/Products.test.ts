import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Brands } from "../src/Brands/Service.js"
import { Categories } from "../src/Categories/Service.js"
import { Ids } from "@shopvo/kernel"
import * as Search from "../src/Products/Search.js"
import * as Seed from "../src/Products/Seed.js"
import * as Slug from "../src/Products/Slug.js"
import { bodyOf, cursorPage, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

interface Tenant {
  readonly siteId: string
  readonly livemode: boolean
}

let api: TestApi

beforeAll(async () => {
  api = await start()
})
afterAll(() => api.close())

/** A fresh site with a test-mode admin key: every test group gets its own catalogue. */
const newStore = async (input: { currency?: string; plan?: "free" | "starter" | "growth" | "enterprise" } = {}) => {
  const site = await api.createSite({ currency: input.currency ?? "EUR", plan: input.plan ?? "enterprise" })
  const key = (await api.createKey(site.id)).key
  const tenant: Tenant = { siteId: site.id, livemode: false }
  const base = `/api/v1/${site.id}`
  const get = (path: string, k = key) => api.request("GET", `${base}${path}`, { key: k })
  const post = (path: string, body: unknown, k = key) => api.request("POST", `${base}${path}`, { key: k, body })
  const patch = (path: string, body: unknown, k = key) => api.request("PATCH", `${base}${path}`, { key: k, body })
  const del = (path: string, k = key) => api.request("DELETE", `${base}${path}`, { key: k })
  const create = async (body: Record<string, unknown>) => {
    const res = await post("/products", { price: 1000, ...body })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return bodyOf(res, "products.create").data
  }
  const brand = (name: string, description: string | null = null) =>
    api.run(Brands.create(tenant, { name, description }))
  const category = (name: string, parentId: string | null = null, description: string | null = null) =>
    api.run(Categories.create(tenant, { name, parentId, description }))
  return { site, key, tenant, base, get, post, patch, del, create, brand, category }
}

type Store = Awaited<ReturnType<typeof newStore>>

interface NewVariant {
  readonly name: string
  readonly sku?: string
  readonly price?: number | null
  readonly count?: number
  readonly status?: "IN_STOCK" | "LOW_STOCK" | "OUT_OF_STOCK"
  readonly options?: Record<string, string>
  readonly isDefault?: boolean
}

/** Variants straight into the table (the variants routes have their own tests). */
const addVariants = (tenant: Tenant, productId: string, variants: ReadonlyArray<NewVariant>) =>
  api.run(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const ids: Array<string> = []
      for (const [i, v] of variants.entries()) {
        const id = Ids.make("var")
        ids.push(id)
        yield* sql`insert into variants (id, site_id, livemode, product_id, name, sku, price, inventory_count, inventory_status, options,
                                         is_default, created_at)
                   values (${id}, ${tenant.siteId}, ${tenant.livemode}, ${productId}, ${v.name}, ${v.sku ?? null}, ${v.price ?? null},
                           ${v.count ?? 10}, ${v.status ?? "IN_STOCK"}, ${JSON.stringify(v.options ?? {})}::jsonb, ${v.isDefault ?? false},
                           now() + ${i} * interval '1 second')`
      }
      return ids
    })
  )

const query = <A extends object>(f: (sql: SqlClient.SqlClient) => Effect.Effect<ReadonlyArray<A>, unknown>) =>
  api.run(Effect.flatMap(SqlClient.SqlClient, f) as Effect.Effect<ReadonlyArray<A>, unknown, SqlClient.SqlClient>)

const ids = (body: { items: ReadonlyArray<{ id: string }> }) => body.items.map((item) => item.id)

const productFields = [
  "id",
  "name",
  "slug",
  "description",
  "sku",
  "status",
  "featured",
  "price",
  "compareAtPrice",
  "currency",
  "images",
  "brandId",
  "categoryIds",
  "type",
  "downloadFile",
  "createdAt",
  "updatedAt"
]

describe("Products: the reference's examples", () => {
  let store: Store
  let tshirt: { id: string; slug: string }
  let brandId: string
  let categoryId: string

  beforeAll(async () => {
    store = await newStore()
    brandId = (await store.brand("Essentials")).id
    categoryId = (await store.category("Apparel")).id
  })

  it("products.create: the spec's request example answers 201 with the product (slug derived, site currency, no variants)", async () => {
    const res = await store.post("/products", {
      name: "Classic White T-Shirt",
      description: "A heavyweight cotton tee with a relaxed fit.",
      sku: "TS-WHT",
      price: 2999,
      compareAtPrice: 3999,
      images: ["https://cdn.shopvo.eu/img/ts-wht.jpg"],
      brandId,
      categoryIds: [categoryId],
      featured: true
    })
    expect(res.status).toBe(201)
    expect(bodyOf(res, "products.create")).toEqual({
      success: true,
      data: {
        id: expect.stringMatching(/^prd_/),
        name: "Classic White T-Shirt",
        slug: "classic-white-t-shirt",
        description: "A heavyweight cotton tee with a relaxed fit.",
        sku: "TS-WHT",
        status: "ACTIVE",
        featured: true,
        price: 2999,
        compareAtPrice: 3999,
        currency: "EUR",
        images: ["https://cdn.shopvo.eu/img/ts-wht.jpg"],
        brandId,
        categoryIds: [categoryId],
        type: "physical",
        downloadFile: null,
        variants: [],
        createdAt: expect.any(String),
        updatedAt: expect.any(String)
      }
    })
    expect(bodyOf(res, "products.create").data.createdAt).toBe(bodyOf(res, "products.create").data.updatedAt)
    tshirt = bodyOf(res, "products.create").data
  })

  it("products.list: `?fields=id,name,slug,price,compareAtPrice,images` returns exactly those fields, in the offset envelope", async () => {
    const res = await store.get("/products?fields=id,name,slug,price,compareAtPrice,images")
    expect(res.status).toBe(200)
    expect(bodyOf(res, "products.list")).toEqual({
      success: true,
      items: [
        {
          id: tshirt.id,
          name: "Classic White T-Shirt",
          slug: "classic-white-t-shirt",
          price: 2999,
          compareAtPrice: 3999,
          images: ["https://cdn.shopvo.eu/img/ts-wht.jpg"]
        }
      ],
      pagination: { page: 1, limit: 20, total: 1, totalPages: 1 }
    })
  })

  it("products.get: by slug, including all variants with the default first", async () => {
    await addVariants(store.tenant, tshirt.id, [
      {
        name: "Medium / White",
        sku: "TS-WHT-M",
        count: 3,
        status: "LOW_STOCK",
        options: { Size: "Medium", Color: "White" }
      },
      { name: "Small / White", sku: "TS-WHT-S", count: 42, options: { Size: "Small", Color: "White" }, isDefault: true }
    ])
    const res = await store.get("/products/classic-white-t-shirt")
    expect(res.status).toBe(200)
    expect(bodyOf(res, "products.get").data).toMatchObject({
      id: tshirt.id,
      name: "Classic White T-Shirt",
      slug: "classic-white-t-shirt",
      price: 2999
    })
    expect(bodyOf(res, "products.get").data.variants).toEqual([
      {
        id: expect.stringMatching(/^var_/),
        productId: tshirt.id,
        name: "Small / White",
        sku: "TS-WHT-S",
        price: null,
        compareAtPrice: null,
        inventoryStatus: "IN_STOCK",
        inventoryCount: 42,
        options: { Size: "Small", Color: "White" },
        isDefault: true,
        parcel: { weightGrams: null, dimensions: null },
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updatedAt: expect.any(String)
      },
      expect.objectContaining({
        name: "Medium / White",
        inventoryStatus: "LOW_STOCK",
        inventoryCount: 3,
        isDefault: false
      })
    ])
    // By id: the same product.
    const byId = await store.get(`/products/${tshirt.id}`)
    expect(bodyOf(byId, "products.get").data).toEqual(bodyOf(res, "products.get").data)
    // Without expand[] a single product carries no brand or categories objects.
    expect(bodyOf(res, "products.get").data).not.toHaveProperty("brand")
    expect(bodyOf(res, "products.get").data).not.toHaveProperty("categories")
  })

  it("products.get: expand[]=brand and expand[]=categories embed them", async () => {
    const res = await store.get(`/products/${tshirt.id}?expand[]=brand&expand[]=categories`)
    expect(res.status).toBe(200)
    expect(bodyOf(res, "products.get").data.brand).toEqual({
      id: brandId,
      name: "Essentials",
      slug: "essentials",
      description: null
    })
    expect(bodyOf(res, "products.get").data.categories).toEqual([
      { id: categoryId, name: "Apparel", slug: "apparel", description: null, parentId: null }
    ])
    expect(bodyOf(res, "products.get").data.variants).toHaveLength(2)
  })

  it("products.list: `expand[]=variants&expand[]=brand&expand[]=categories` embeds every relation in every item", async () => {
    const plain = await store.create({ name: "Plain Mug" })
    const res = await store.get("/products?expand[]=variants&expand[]=brand&expand[]=categories")
    expect(res.status).toBe(200)
    const byId = new Map(bodyOf(res, "products.list").items.map((item: { id: string }) => [item.id, item]))
    expect(byId.get(tshirt.id)).toMatchObject({
      brand: { id: brandId, slug: "essentials" },
      categories: [{ id: categoryId, slug: "apparel" }],
      variants: [
        { name: "Small / White", isDefault: true },
        { name: "Medium / White", isDefault: false }
      ]
    })
    expect(byId.get(plain.id)).toMatchObject({
      brand: null,
      categories: [],
      variants: [],
      brandId: null,
      categoryIds: []
    })
  })

  it("products.list: without expand[] items carry brandId and categoryIds but no relations", async () => {
    const res = await store.get("/products")
    for (const item of bodyOf(res, "products.list").items) {
      expect(Object.keys(item).sort()).toEqual([...productFields].sort())
    }
    expect(bodyOf(res, "products.list").items.find((item: { id: string }) => item.id === tshirt.id)).toMatchObject({
      brandId,
      categoryIds: [categoryId]
    })
  })

  it("products.update: the spec's request example changes price, compareAtPrice and featured and keeps the rest", async () => {
    const res = await store.patch(`/products/${tshirt.id}`, { price: 2499, compareAtPrice: 2999, featured: false })
    expect(res.status).toBe(200)
    expect(bodyOf(res, "products.update").data).toMatchObject({
      id: tshirt.id,
      name: "Classic White T-Shirt",
      slug: "classic-white-t-shirt",
      sku: "TS-WHT",
      price: 2499,
      compareAtPrice: 2999,
      featured: false,
      brandId,
      categoryIds: [categoryId]
    })
    expect(bodyOf(res, "products.update").data.variants).toHaveLength(2)
    expect(Date.parse(bodyOf(res, "products.update").data.updatedAt)).toBeGreaterThan(
      Date.parse(bodyOf(res, "products.update").data.createdAt)
    )
  })

  it("products.delete: answers { success, deleted } and the product is gone", async () => {
    const doomed = await store.create({ name: "Doomed Tee" })
    expect(bodyOf(await store.del(`/products/${doomed.id}`), "products.delete")).toEqual({
      success: true,
      deleted: true
    })
    expect((await store.get(`/products/${doomed.id}`)).status).toBe(404)
    expect((await store.del(`/products/${doomed.id}`)).status).toBe(404)
  })
})

describe("Products: filters", () => {
  let store: Store
  const made: Record<string, string> = {}
  let apparel: string
  let tees: string
  let northwind: string

  beforeAll(async () => {
    store = await newStore()
    apparel = (await store.category("Apparel")).id
    tees = (await store.category("T-Shirts", apparel)).id
    northwind = (await store.brand("Northwind")).id
    const essentials = (await store.brand("Essentials")).id
    made["tee"] = (
      await store.create({ name: "Tee", categoryIds: [tees, apparel], brandId: essentials, featured: true })
    ).id
    made["jacket"] = (await store.create({ name: "Jacket", categoryIds: [apparel], brandId: northwind })).id
    made["mug"] = (await store.create({ name: "Mug", featured: true })).id
    made["draft"] = (await store.create({ name: "Draft Tee", status: "DRAFT", categoryIds: [tees] })).id
    made["archived"] = (await store.create({ name: "Old Jacket", status: "ARCHIVED", brandId: northwind })).id
  })

  it("lists ACTIVE products by default, newest first", async () => {
    const res = await store.get("/products")
    expect(ids(bodyOf(res, "products.list"))).toEqual([made["mug"], made["jacket"], made["tee"]])
  })

  it("status selects DRAFT or ARCHIVED products instead", async () => {
    expect(ids(bodyOf(await store.get("/products?status=DRAFT"), "products.list"))).toEqual([made["draft"]])
    expect(ids(bodyOf(await store.get("/products?status=ARCHIVED"), "products.list"))).toEqual([made["archived"]])
    expect((await store.get("/products?status=GONE")).status).toBe(400)
  })

  it("categoryId keeps the products filed in that category", async () => {
    expect(ids(bodyOf(await store.get(`/products?categoryId=${tees}`), "products.list"))).toEqual([made["tee"]])
    expect(ids(bodyOf(await store.get(`/products?categoryId=${apparel}`), "products.list"))).toEqual([
      made["jacket"],
      made["tee"]
    ])
    expect(ids(bodyOf(await store.get(`/products?categoryId=${tees}&status=DRAFT`), "products.list"))).toEqual([
      made["draft"]
    ])
    expect(bodyOf(await store.get("/products?categoryId=cat_nothing"), "products.list").items).toEqual([])
  })

  it("brandId keeps the brand's products", async () => {
    expect(ids(bodyOf(await store.get(`/products?brandId=${northwind}`), "products.list"))).toEqual([made["jacket"]])
  })

  it("featured=true keeps featured products, featured=false the others", async () => {
    expect(ids(bodyOf(await store.get("/products?featured=true"), "products.list"))).toEqual([made["mug"], made["tee"]])
    expect(ids(bodyOf(await store.get("/products?featured=false"), "products.list"))).toEqual([made["jacket"]])
    expect((await store.get("/products?featured=maybe")).status).toBe(400)
  })

  it("filters combine, and the total counts only matching products", async () => {
    const res = await store.get(`/products?categoryId=${apparel}&featured=true`)
    expect(ids(bodyOf(res, "products.list"))).toEqual([made["tee"]])
    expect(offsetPage(bodyOf(res, "products.list")).pagination).toEqual({ page: 1, limit: 20, total: 1, totalPages: 1 })
  })
})

describe("Products: search", () => {
  let store: Store
  const made: Record<string, string> = {}

  beforeAll(async () => {
    store = await newStore()
    made["hoodie"] = (
      await store.create({
        name: "Organic Hoodie",
        description: "Brushed organic cotton, kangaroo pocket.",
        sku: "HD-ORG"
      })
    ).id
    made["tee"] = (
      await store.create({ name: "Classic White T-Shirt", description: "A heavyweight cotton tee.", sku: "TS-WHT" })
    ).id
    made["shirts"] = (
      await store.create({ name: "Oxford Button-Down", description: "Our best-selling shirts, now in linen." })
    ).id
    made["zip"] = (await store.create({ name: "Zip Hoodie", description: "Full zip." })).id
    made["draft"] = (await store.create({ name: "Draft Hoodie", status: "DRAFT" })).id
    // Created last, so that were ranking ignored (newest first) they would come first.
    made["described"] = (
      await store.create({ name: "Everyday Tote", description: "Big enough for a hoodie and a laptop." })
    ).id
    made["giftBox"] = (await store.create({ name: "Gift Box", description: "Holds one TS-WHT tee and a card." })).id
    await addVariants(store.tenant, made["tee"]!, [
      { name: "Small / White", sku: "TS-WHT-S", isDefault: true },
      { name: "Large / White", sku: "TS-WHT-L" }
    ])
  })

  it("ranks name matches above description matches", async () => {
    const res = await store.get("/products?search=hoodie")
    expect(res.status).toBe(200)
    const found = ids(bodyOf(res, "products.list"))
    expect(new Set(found)).toEqual(new Set([made["hoodie"], made["zip"], made["described"]]))
    expect(found[found.length - 1]).toBe(made["described"])
    expect(offsetPage(bodyOf(res, "products.list")).pagination.total).toBe(3)
  })

  it("finds partial words in names (trigram/ILIKE), not in descriptions", async () => {
    expect(ids(bodyOf(await store.get("/products?search=hood"), "products.list"))).toEqual([
      made["zip"],
      made["hoodie"]
    ])
    expect(ids(bodyOf(await store.get("/products?search=class%20whi"), "products.list"))).toEqual([made["tee"]])
  })

  it("finds a product by its exact SKU, and by the SKU of one of its variants", async () => {
    // The gift box mentions the SKU in its description; the product with that SKU comes first.
    expect(ids(bodyOf(await store.get("/products?search=TS-WHT"), "products.list"))).toEqual([
      made["tee"],
      made["giftBox"]
    ])
    expect(ids(bodyOf(await store.get("/products?search=TS-WHT-L"), "products.list"))).toEqual([made["tee"]])
    expect(ids(bodyOf(await store.get("/products?search=ts-wht-s"), "products.list"))).toEqual([made["tee"]])
    expect(ids(bodyOf(await store.get("/products?search=HD-ORG"), "products.list"))[0]).toBe(made["hoodie"])
  })

  it("stems descriptions (shirt finds shirts) and understands web-search syntax", async () => {
    expect(ids(bodyOf(await store.get("/products?search=shirt"), "products.list"))).toContain(made["shirts"])
    expect(ids(bodyOf(await store.get("/products?search=%22organic%20cotton%22"), "products.list"))).toEqual([
      made["hoodie"]
    ])
    expect(ids(bodyOf(await store.get("/products?search=hoodie%20-zip"), "products.list"))).not.toContain(made["zip"])
  })

  it("applies filters to search results (status defaults to ACTIVE)", async () => {
    expect(ids(bodyOf(await store.get("/products?search=hoodie"), "products.list"))).not.toContain(made["draft"])
    expect(ids(bodyOf(await store.get("/products?search=hoodie&status=DRAFT"), "products.list"))).toEqual([
      made["draft"]
    ])
  })

  it("treats LIKE wildcards in the search as plain characters", async () => {
    expect(bodyOf(await store.get("/products?search=%25"), "products.list").items).toEqual([])
    expect(bodyOf(await store.get("/products?search=_"), "products.list").items).toEqual([])
  })

  it("answers an empty page for a search nothing matches", async () => {
    const res = await store.get("/products?search=submarine")
    expect(bodyOf(res, "products.list")).toEqual({
      success: true,
      items: [],
      pagination: { page: 1, limit: 20, total: 0, totalPages: 0 }
    })
  })

  it("pages search results with a cursor in rank order, stable while better matches are added", async () => {
    const expected = ids(bodyOf(await store.get("/products?search=hoodie&limit=100"), "products.list"))
    const first = await store.get("/products?search=hoodie&limit=1")
    const seen = [...ids(bodyOf(first, "products.list"))]
    let res = await store.get(`/products?search=hoodie&limit=1&cursor=${seen[0]}`)
    for (;;) {
      expect(res.status).toBe(200)
      seen.push(...ids(bodyOf(res, "products.list")))
      // A new, newer name match appears meanwhile: it sorts before the cursor, so it never shows up.
      await store.create({ name: `Hoodie ${seen.length}` })
      if (!cursorPage(bodyOf(res, "products.list")).hasNextPage) break
      res = await store.get(
        `/products?search=hoodie&limit=1&cursor=${encodeURIComponent(cursorPage(bodyOf(res, "products.list")).cursor ?? "")}`
      )
    }
    expect(seen).toEqual(expected)
    expect(bodyOf(await store.get("/products?search=hoodie&limit=100"), "products.list").items.length).toBe(
      expected.length + expected.length - 1
    )
  })

  it("refuses a list cursor for a search, and a search cursor for a plain list", async () => {
    const cursor = (sortKey: string) => Buffer.from(JSON.stringify([sortKey, made["tee"]])).toString("base64url")
    const listCursor = cursor("2026-01-01T00:00:00.000000Z")
    const searchCursor = cursor("0.6079271|2026-01-01T00:00:00.000000Z")
    expect((await store.get(`/products?cursor=${listCursor}`)).status).toBe(200)
    expect((await store.get(`/products?search=hoodie&cursor=${searchCursor}`)).status).toBe(200)
    expect((await store.get(`/products?search=hoodie&cursor=${listCursor}`)).status).toBe(400)
    expect((await store.get(`/products?cursor=${searchCursor}`)).status).toBe(400)
  })

  it("Search.parse: words for the name matcher, SKU spellings, escaped wildcards", () => {
    expect(Search.parse(' "Organic cotton" -zip or Hood ')).toEqual({
      text: '"Organic cotton" -zip or Hood',
      namePatterns: ["%organic%", "%cotton%", "%hood%"],
      excludedPatterns: ["%zip%"],
      skus: ['"Organic cotton" -zip or Hood', '"ORGANIC COTTON" -ZIP OR HOOD']
    })
    expect(Search.parse("50%_off\\").namePatterns).toEqual(["%50\\%\\_off\\\\%"])
    expect(Search.parse("ts-wht").skus).toEqual(["ts-wht", "TS-WHT"])
  })
})

describe("Products: pagination", () => {
  let store: Store
  let all: Array<string>

  beforeAll(async () => {
    store = await newStore()
    for (let i = 0; i < 25; i++) await store.create({ name: `Product ${i}` })
    all = ids(bodyOf(await store.get("/products?limit=100"), "products.list"))
    expect(all).toHaveLength(25)
  })

  it("offset: page and limit with total and totalPages; limit defaults to 20, at most 100", async () => {
    const first = await store.get("/products")
    expect(bodyOf(first, "products.list").items).toHaveLength(20)
    expect(offsetPage(bodyOf(first, "products.list")).pagination).toEqual({
      page: 1,
      limit: 20,
      total: 25,
      totalPages: 2
    })
    const second = await store.get("/products?page=2&limit=10")
    expect(ids(bodyOf(second, "products.list"))).toEqual(all.slice(10, 20))
    expect(offsetPage(bodyOf(second, "products.list")).pagination).toEqual({
      page: 2,
      limit: 10,
      total: 25,
      totalPages: 3
    })
    // Past the end: no items, but the total is still right.
    expect(bodyOf(await store.get("/products?page=9&limit=10"), "products.list")).toEqual({
      success: true,
      items: [],
      pagination: { page: 9, limit: 10, total: 25, totalPages: 3 }
    })
    expect((await store.get("/products?limit=101")).status).toBe(400)
    expect((await store.get("/products?limit=0")).status).toBe(400)
    expect((await store.get("/products?page=0")).status).toBe(400)
  })

  it("offset: the unfiltered total (a trigger-kept counter) stays exact through concurrent creates, status changes and deletes", async () => {
    const shop = await newStore()
    const made = await Promise.all(
      Array.from({ length: 12 }, (_, i) => shop.post("/products", { name: `Counted ${i}`, price: 1 }))
    )
    const productIds = made.map((r) => bodyOf(r, "products.create").data.id)
    // Opposite status changes at once (ACTIVE→DRAFT and DRAFT→ACTIVE move the same two counters).
    await Promise.all(productIds.slice(0, 6).map((id) => shop.patch(`/products/${id}`, { status: "DRAFT" })))
    const flips = await Promise.all([
      ...productIds.slice(0, 3).map((id) => shop.patch(`/products/${id}`, { status: "ACTIVE" })),
      ...productIds.slice(6, 9).map((id) => shop.patch(`/products/${id}`, { status: "DRAFT" })),
      ...productIds.slice(9, 10).map((id) => shop.patch(`/products/${id}`, { status: "ARCHIVED" })),
      ...productIds.slice(10, 12).map((id) => shop.del(`/products/${id}`))
    ])
    expect(flips.map((r) => r.status)).toEqual(Array(flips.length).fill(200))
    const actual = await query<{ status: string; n: number }>(
      (sql) => sql`select status, count(*)::int as n from products where site_id = ${shop.site.id} group by status`
    )
    const expected: Record<string, number> = { ACTIVE: 0, DRAFT: 0, ARCHIVED: 0 }
    for (const row of actual) expected[row.status] = row.n
    expect(expected).toEqual({ ACTIVE: 3, DRAFT: 6, ARCHIVED: 1 })
    for (const status of ["ACTIVE", "DRAFT", "ARCHIVED"]) {
      expect(
        offsetPage(bodyOf(await shop.get(`/products?status=${status}&limit=1`), "products.list")).pagination.total,
        status
      ).toBe(expected[status])
    }
    // The live mode of the same site has its own (empty) count.
    const live = (await api.createKey(shop.site.id, { mode: "live" })).key
    expect(offsetPage(bodyOf(await shop.get("/products", live), "products.list")).pagination.total).toBe(0)
  })

  it("cursor: walks every product exactly once in the list order", async () => {
    const seen: Array<string> = []
    const first = await store.get("/products?limit=7")
    seen.push(...ids(bodyOf(first, "products.list")))
    let res = await store.get(`/products?limit=7&cursor=${seen[seen.length - 1]}`)
    for (;;) {
      expect(bodyOf(res, "products.list")).toMatchObject({ success: true, limit: 7 })
      expect(bodyOf(res, "products.list")).not.toHaveProperty("pagination")
      seen.push(...ids(bodyOf(res, "products.list")))
      if (!cursorPage(bodyOf(res, "products.list")).hasNextPage) break
      res = await store.get(
        `/products?limit=7&cursor=${encodeURIComponent(cursorPage(bodyOf(res, "products.list")).cursor ?? "")}`
      )
    }
    expect(cursorPage(bodyOf(res, "products.list")).cursor).toBeNull()
    expect(seen).toEqual(all)
  })

  it("cursor: stays stable while products are inserted between page fetches (no duplicates, no skips)", async () => {
    const before = ids(bodyOf(await store.get("/products?limit=100"), "products.list"))
    const seen: Array<string> = []
    const offsetSeen: Array<string> = []
    let res = await store.get(`/products?limit=5&cursor=${before[0]}`)
    seen.push(before[0]!)
    for (let page = 1; ; page++) {
      seen.push(...ids(bodyOf(res, "products.list")))
      // Offset paging over the same inserts, for contrast: it repeats rows as they shift down.
      offsetSeen.push(...ids(bodyOf(await store.get(`/products?limit=5&page=${page}`), "products.list")))
      await store.create({ name: `Inserted while paging ${page}` })
      if (!cursorPage(bodyOf(res, "products.list")).hasNextPage) break
      res = await store.get(
        `/products?limit=5&cursor=${encodeURIComponent(cursorPage(bodyOf(res, "products.list")).cursor ?? "")}`
      )
    }
    expect(seen).toEqual(before)
    expect(new Set(offsetSeen).size).toBeLessThan(offsetSeen.length)
  })

  it("cursor: a tampered cursor or a product the caller cannot see is a 400", async () => {
    for (const cursor of [
      "not-a-cursor",
      Buffer.from('["yesterday","prd_x"]').toString("base64url"),
      "prd_doesNotExist"
    ]) {
      const res = await store.get(`/products?cursor=${cursor}`)
      expect(res.status, cursor).toBe(400)
      expect(errorOf(res).code).toBe("validation_error")
    }
    const other = await newStore()
    const theirs = await other.create({ name: "Theirs" })
    expect((await store.get(`/products?cursor=${theirs.id}`)).status).toBe(400)
  })

  it("cursor: combines with filters and fields", async () => {
    const res = await store.get(`/products?limit=3&cursor=${all[0]}&fields=name`)
    expect(bodyOf(res, "products.list").items).toEqual(all.slice(1, 4).map((id) => ({ id, name: expect.any(String) })))
  })
})

describe("Products: sparse fieldsets and expansion", () => {
  let store: Store

  beforeAll(async () => {
    store = await newStore()
    const brand = await store.brand("Essentials")
    const category = await store.category("Apparel")
    for (let i = 0; i < 30; i++) {
      const p = await store.create({ name: `Item ${i}`, brandId: brand.id, categoryIds: [category.id] })
      await addVariants(store.tenant, p.id, [{ name: "A" }, { name: "B", isDefault: true }, { name: "C" }])
    }
  })

  it("returns only the requested fields, id always included", async () => {
    const res = await store.get("/products?fields=name,price&limit=2")
    expect(res.status).toBe(200)
    for (const item of bodyOf(res, "products.list").items) expect(Object.keys(item)).toEqual(["id", "name", "price"])
    const onlyId = await store.get("/products?fields=id&limit=2")
    for (const item of bodyOf(onlyId, "products.list").items) expect(Object.keys(item)).toEqual(["id"])
  })

  it("an unknown field is a 400 validation_error naming it", async () => {
    const res = await store.get("/products?fields=id,name,colour,weight")
    expect(res.status).toBe(400)
    expect(errorOf(res).code).toBe("validation_error")
    expect(errorOf(res).error).toContain("colour")
    expect(errorOf(res).error).toContain("weight")
    expect((errorOf(res).details ?? []).map((d: { message: string }) => d.message).join(" ")).toMatch(
      /"colour".*"weight"/
    )
    const relation = await store.get("/products?fields=variants")
    expect(relation.status).toBe(400)
    expect(errorOf(relation).error).toContain("expand[]")
    expect((await store.get("/products?fields=name,,price")).status).toBe(400)
  })

  it("fields and expand[] combine: relations asked for are always embedded", async () => {
    const res = await store.get("/products?fields=name&expand[]=variants&expand[]=brand&limit=3")
    for (const item of bodyOf(res, "products.list").items) {
      expect(Object.keys(item)).toEqual(["id", "name", "variants", "brand"])
      expect(item.variants?.map((v) => v.name)).toEqual(["B", "A", "C"])
      expect(item.brand?.name).toBe("Essentials")
    }
  })

  it("an unknown expand[] value is a 400", async () => {
    const res = await store.get("/products?expand[]=reviews")
    expect(res.status).toBe(400)
  })

  it("expands a page of 30 products with variants, brand and categories", async () => {
    const res = await store.get("/products?limit=30&expand[]=variants&expand[]=brand&expand[]=categories")
    expect(bodyOf(res, "products.list").items).toHaveLength(30)
    for (const item of bodyOf(res, "products.list").items) {
      expect(item.variants).toHaveLength(3)
      expect(item.variants?.filter((v) => v.isDefault)).toHaveLength(1)
      expect(item.categories).toHaveLength(1)
    }
  })
})

describe("Products: create, update, delete", () => {
  let store: Store
  let brand: string
  let category: string

  beforeAll(async () => {
    store = await newStore({ currency: "GBP" })
    brand = (await store.brand("Essentials")).id
    category = (await store.category("Apparel")).id
  })

  const events = (type: string, productId: string) =>
    query<{ payload: { readonly [field: string]: unknown }; livemode: boolean }>(
      (sql) =>
        sql`select payload, livemode from events where site_id = ${store.site.id} and type = ${type} and payload->>'id' = ${productId}`
    )

  it("defaults: ACTIVE, not featured, the site's currency, no images, no brand, no categories", async () => {
    const product = await store.create({ name: "Plain", price: 500 })
    expect(product).toMatchObject({
      status: "ACTIVE",
      featured: false,
      currency: "GBP",
      images: [],
      brandId: null,
      categoryIds: [],
      compareAtPrice: null,
      description: null,
      sku: null
    })
    expect((await store.create({ name: "In euros", currency: "EUR" })).currency).toBe("EUR")
  })

  it("derives unique slugs from names: accents dropped, numeric suffix on a clash", async () => {
    expect((await store.create({ name: "Crème Brûlée Candle!" })).slug).toBe("creme-brulee-candle")
    expect((await store.create({ name: "Crème brûlée candle" })).slug).toBe("creme-brulee-candle-2")
    expect((await store.create({ name: "CRÈME BRÛLÉE CANDLE" })).slug).toBe("creme-brulee-candle-3")
    expect((await store.create({ name: "東京" })).slug).toBe("item")
  })

  it("derived slugs stay unique under concurrent creates", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.post("/products", { name: "Rush Tee", price: 100 }))
    )
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201))
    const slugs = results.map((r) => bodyOf(r, "products.create").data.slug)
    expect(new Set(slugs).size).toBe(8)
    expect(slugs).toContain("rush-tee")
  })

  it("an explicit slug already used is a 409 slug_taken (create and update)", async () => {
    const a = await store.create({ name: "A", slug: "the-one" })
    const clash = await store.post("/products", { name: "B", slug: "the-one", price: 1 })
    expect(clash.status).toBe(409)
    expect(errorOf(clash).code).toBe("slug_taken")
    const b = await store.create({ name: "B", slug: "the-other" })
    const update = await store.patch(`/products/${b.id}`, { slug: "the-one" })
    expect(update.status).toBe(409)
    expect(errorOf(update).code).toBe("slug_taken")
    // Keeping one's own slug is no clash.
    expect((await store.patch(`/products/${a.id}`, { slug: "the-one", name: "A2" })).status).toBe(200)
    expect((await store.post("/products", { name: "C", slug: "Not A Slug", price: 1 })).status).toBe(400)
  })

  it("a SKU used by another product or variant is a 409 sku_taken", async () => {
    const a = await store.create({ name: "Sku A", sku: "SKU-A" })
    await addVariants(store.tenant, a.id, [{ name: "Only", sku: "SKU-A-1", isDefault: true }])
    for (const sku of ["SKU-A", "SKU-A-1"]) {
      const res = await store.post("/products", { name: "Sku B", sku, price: 1 })
      expect(res.status, sku).toBe(409)
      expect(errorOf(res).code).toBe("sku_taken")
    }
    const b = await store.create({ name: "Sku B", sku: "SKU-B" })
    expect(errorOf(await store.patch(`/products/${b.id}`, { sku: "SKU-A" })).code).toBe("sku_taken")
    expect((await store.patch(`/products/${a.id}`, { sku: "SKU-A" })).status).toBe(200)
    // The same SKU in another site is fine.
    const other = await newStore()
    expect((await other.post("/products", { name: "Elsewhere", sku: "SKU-A", price: 1 })).status).toBe(201)
  })

  it("concurrent creates with one SKU: exactly one wins", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => store.post("/products", { name: `Race ${i}`, sku: "RACE-1", price: 1 }))
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(1)
    expect(results.filter((r) => r.status === 409 && errorOf(r).code === "sku_taken")).toHaveLength(5)
  })

  it("brandId and categoryIds must exist in the same site and mode: 422 unknown_brand / unknown_category", async () => {
    const other = await newStore()
    const theirBrand = await other.brand("Theirs")
    const theirCategory = await other.category("Theirs")
    const liveCategory = await api.run(
      Categories.create({ siteId: store.site.id, livemode: true }, { name: "Live only" })
    )

    const badBrand = await store.post("/products", { name: "X", price: 1, brandId: theirBrand.id })
    expect(badBrand.status).toBe(422)
    expect(errorOf(badBrand).code).toBe("unknown_brand")
    expect(errorOf(badBrand).error).toContain(theirBrand.id)

    for (const categoryIds of [[category, theirCategory.id], [liveCategory.id], ["cat_missing"]]) {
      const res = await store.post("/products", { name: "X", price: 1, categoryIds })
      expect(res.status, JSON.stringify(categoryIds)).toBe(422)
      expect(errorOf(res).code).toBe("unknown_category")
      expect(errorOf(res).error).not.toContain(`"${category}"`)
    }
    const mine = await store.create({ name: "Mine" })
    expect(errorOf(await store.patch(`/products/${mine.id}`, { brandId: theirBrand.id })).code).toBe("unknown_brand")
    expect(errorOf(await store.patch(`/products/${mine.id}`, { categoryIds: [theirCategory.id] })).code).toBe(
      "unknown_category"
    )
    // Nothing was written by the failed requests.
    expect(bodyOf(await store.get(`/products/${mine.id}`), "products.get").data).toMatchObject({
      brandId: null,
      categoryIds: []
    })
  })

  it("validates the body against the spec: required fields, negative or fractional money, unknown fields, bad URLs", async () => {
    for (const body of [
      { price: 100 },
      { name: "X" },
      { name: "X", price: -1 },
      { name: "X", price: 9.99 },
      { name: "X", price: 1, compareAtPrice: 1.5 },
      { name: "X", price: 1, colour: "red" },
      { name: "X", price: 1, images: ["not a url"] },
      { name: "X", price: 1, currency: "eur" },
      { name: "X", price: 1, status: "LIVE" }
    ]) {
      const res = await store.post("/products", body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(errorOf(res).code).toBe("validation_error")
    }
    expect((await store.patch(`/products/prd_x`, {})).status).toBe(400)
  })

  it("update: categoryIds and images replace the lists, brandId null removes the brand, renaming keeps the slug", async () => {
    const second = (await store.category("Sale")).id
    const p = await store.create({
      name: "Replace Me",
      brandId: brand,
      categoryIds: [category],
      images: ["https://cdn.example.com/1.jpg"]
    })
    const res = await store.patch(`/products/${p.id}`, {
      name: "Replaced",
      brandId: null,
      categoryIds: [second, category],
      images: ["https://cdn.example.com/2.jpg", "https://cdn.example.com/3.jpg"],
      description: "Now described",
      status: "ARCHIVED"
    })
    expect(res.status).toBe(200)
    expect(bodyOf(res, "products.update").data).toMatchObject({
      name: "Replaced",
      slug: "replace-me",
      brandId: null,
      categoryIds: [second, category],
      images: ["https://cdn.example.com/2.jpg", "https://cdn.example.com/3.jpg"],
      description: "Now described",
      status: "ARCHIVED"
    })
    const cleared = await store.patch(`/products/${p.id}`, { categoryIds: [], compareAtPrice: null, description: null })
    expect(bodyOf(cleared, "products.update").data).toMatchObject({
      categoryIds: [],
      compareAtPrice: null,
      description: null
    })
  })

  it("records product.created / product.updated with the full product and product.deleted with id and slug", async () => {
    const p = await store.create({ name: "Evented", brandId: brand, categoryIds: [category] })
    const [createdEvent] = await events("product.created", p.id)
    expect(createdEvent!.payload).toEqual(p)
    expect(createdEvent!.livemode).toBe(false)

    await addVariants(store.tenant, p.id, [{ name: "Only", isDefault: true }])
    const updated = await store.patch(`/products/${p.id}`, { price: 4200 })
    const [updatedEvent] = await events("product.updated", p.id)
    expect(updatedEvent!.payload).toEqual(bodyOf(updated, "products.update").data)
    expect(updatedEvent!.payload["variants"]).toHaveLength(1)

    await store.del(`/products/${p.id}`)
    expect((await events("product.deleted", p.id)).map((e) => e.payload)).toEqual([{ id: p.id, slug: p.slug }])
  })

  it("a refused write records no event", async () => {
    const before = await query<{ n: number }>(
      (sql) => sql`select count(*)::int as n from events where site_id = ${store.site.id}`
    )
    await store.post("/products", { name: "Refused", price: 1, brandId: "br_missing" })
    const after = await query<{ n: number }>(
      (sql) => sql`select count(*)::int as n from events where site_id = ${store.site.id}`
    )
    expect(after[0]!.n).toBe(before[0]!.n)
  })

  it("delete cascades to variants, category links, reviews and metafields", async () => {
    const p = await store.create({ name: "Cascade", categoryIds: [category] })
    await addVariants(store.tenant, p.id, [{ name: "Only", isDefault: true }])
    await query(
      (sql) => sql`insert into reviews (id, site_id, livemode, product_id, rating, reviewer_name, reviewer_email)
                             values (${Ids.make("rev")}, ${store.site.id}, false, ${p.id}, 5, 'Jane', 'jane@example.com') returning id`
    )
    await query(
      (sql) => sql`insert into metafields (id, site_id, livemode, resource_type, resource_id, namespace, key, value)
                             values (${Ids.make("mf")}, ${store.site.id}, false, 'product', ${p.id}, 'erp', 'code', 'X1') returning id`
    )
    expect((await store.del(`/products/${p.id}`)).status).toBe(200)
    const [left] = await query<{ variants: number; links: number; reviews: number; metafields: number }>(
      (sql) => sql`select (select count(*)::int from variants where product_id = ${p.id}) as variants,
                          (select count(*)::int from product_categories where product_id = ${p.id}) as links,
                          (select count(*)::int from reviews where product_id = ${p.id}) as reviews,
                          (select count(*)::int from metafields where resource_id = ${p.id}) as metafields`
    )
    expect(left).toEqual({ variants: 0, links: 0, reviews: 0, metafields: 0 })
  })

  it("replays an Idempotency-Key create instead of creating twice", async () => {
    const headers = { "idempotency-key": "create-once-1" }
    const first = await api.request("POST", `${store.base}/products`, {
      key: store.key,
      body: { name: "Once", price: 1 },
      headers
    })
    const again = await api.request("POST", `${store.base}/products`, {
      key: store.key,
      body: { name: "Once", price: 1 },
      headers
    })
    expect(first.status).toBe(201)
    expect(bodyOf(again, "products.create").data.id).toBe(bodyOf(first, "products.create").data.id)
    expect(again.headers.get("idempotent-replayed")).toBe("true")
  })
})

describe("Products: tenancy and scopes", () => {
  let a: Store
  let b: Store
  let product: { id: string; slug: string }

  beforeAll(async () => {
    a = await newStore()
    b = await newStore()
    product = await a.create({ name: "Private Tee" })
  })

  it("another site's product is a 404 by id and by slug, for every operation, and absent from lists", async () => {
    for (const res of [
      await b.get(`/products/${product.id}`),
      await b.get(`/products/${product.slug}`),
      await b.patch(`/products/${product.id}`, { price: 1 }),
      await b.del(`/products/${product.id}`)
    ]) {
      expect(res.status).toBe(404)
      expect(errorOf(res).code).toBe("not_found")
    }
    expect(bodyOf(await b.get("/products"), "products.list").items).toEqual([])
    expect(bodyOf(await b.get("/products?search=private"), "products.list").items).toEqual([])
    // Using site A's key on site B's URL is refused by auth, not answered with A's data.
    expect((await api.request("GET", `/api/v1/${b.site.id}/products/${product.id}`, { key: a.key })).status).toBe(401)
    expect((await a.get(`/products/${product.id}`)).status).toBe(200)
  })

  it("live and test data are apart: a test product is a 404 by id and by slug with a live key", async () => {
    const live = (await api.createKey(a.site.id, { mode: "live" })).key
    expect((await a.get(`/products/${product.id}`, live)).status).toBe(404)
    expect((await a.get(`/products/${product.slug}`, live)).status).toBe(404)
    expect((await a.patch(`/products/${product.id}`, { price: 1 }, live)).status).toBe(404)
    expect(bodyOf(await a.get("/products", live), "products.list").items).toEqual([])
    // The same slug may exist in live mode: slugs are unique per site and mode.
    const liveProduct = await a.post("/products", { name: "Private Tee", price: 1 }, live)
    expect(liveProduct.status).toBe(201)
    expect(bodyOf(liveProduct, "products.create").data.slug).toBe(product.slug)
    expect(bodyOf(await a.get(`/products/${product.slug}`, live), "products.get").data.id).toBe(
      bodyOf(liveProduct, "products.create").data.id
    )
  })

  it("read:catalog reads but cannot write; write:catalog alone cannot read; other scopes get 403", async () => {
    const reader = (await api.createKey(a.site.id, { scopes: ["read:catalog"] })).key
    const writer = (await api.createKey(a.site.id, { scopes: ["write:catalog"] })).key
    const stranger = (await api.createKey(a.site.id, { scopes: ["read:orders"] })).key
    expect((await a.get("/products", reader)).status).toBe(200)
    expect((await a.get(`/products/${product.id}`, reader)).status).toBe(200)
    for (const res of [
      await a.post("/products", { name: "No", price: 1 }, reader),
      await a.patch(`/products/${product.id}`, { price: 1 }, reader),
      await a.del(`/products/${product.id}`, reader),
      await a.get("/products", writer),
      await a.get("/products", stranger)
    ]) {
      expect(res.status).toBe(403)
      expect(errorOf(res).code).toBe("forbidden")
    }
    expect((await a.post("/products", { name: "Yes", price: 1 }, writer)).status).toBe(201)
    expect((await api.request("GET", `${a.base}/products`)).status).toBe(401)
  })
})

describe("Products: search rate limit", () => {
  it("the 61st search in a minute is a 429 while plain lists still pass", async () => {
    const store = await newStore({ plan: "enterprise" })
    await store.create({ name: "Findable" })
    for (let i = 1; i <= 60; i++) {
      const res = await store.get(`/products?search=findable&page=${(i % 3) + 1}`)
      expect(res.status, `search ${i}`).toBe(200)
      expect(res.headers.get("x-ratelimit-limit")).toBe("60")
    }
    const limited = await store.get("/products?search=findable")
    expect(limited.status).toBe(429)
    expect(errorOf(limited).code).toBe("rate_limited")
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
    const plain = await store.get("/products")
    expect(plain.status).toBe(200)
    expect(plain.headers.get("x-ratelimit-limit")).toBe("1000")
    expect((await store.get("/products/findable")).status).toBe(200)
  })
})

describe("Products: demo catalogue seed", () => {
  const seeded = async (seed: number, products?: number) => {
    const store = await newStore()
    const summary = await api.run(
      Seed.seedDemoCatalog(store.tenant, products === undefined ? { seed } : { seed, products })
    )
    return { store, summary }
  }

  it("creates categories, brands and 220+ active products with 1–4 variants, one default each", async () => {
    const { store, summary } = await seeded(5)
    expect(summary.categories).toBeGreaterThanOrEqual(8)
    expect(summary.brands).toBeGreaterThanOrEqual(6)
    expect(summary.products).toBeGreaterThanOrEqual(220)
    const active = await store.get("/products?limit=1")
    expect(offsetPage(bodyOf(active, "products.list")).pagination.total).toBeGreaterThanOrEqual(220)

    const [shape] = await query<{
      min: number
      max: number
      defaults_ok: boolean
      zero: number
      low: number
      sale: number
      featured: number
      priced: number
    }>(
      (sql) => sql`
        with per as (
          select p.id, count(v.id)::int as n, count(v.id) filter (where v.is_default)::int as d
          from products p left join variants v on v.product_id = p.id
          where p.site_id = ${store.site.id} group by p.id)
        select min(n) as min, max(n) as max, bool_and(d = 1) as defaults_ok,
               (select count(*)::int from variants where site_id = ${store.site.id} and inventory_count = 0 and inventory_status = 'OUT_OF_STOCK') as zero,
               (select count(*)::int from variants where site_id = ${store.site.id} and inventory_status = 'LOW_STOCK' and inventory_count between 1 and 5) as low,
               (select count(*)::int from products where site_id = ${store.site.id} and compare_at_price > price) as sale,
               (select count(*)::int from products where site_id = ${store.site.id} and featured) as featured,
               (select count(*)::int from variants where site_id = ${store.site.id} and price is not null) as priced
        from per`
    )
    expect(shape).toMatchObject({ min: 1, max: 4, defaults_ok: true })
    expect(shape!.zero).toBeGreaterThan(0)
    expect(shape!.low).toBeGreaterThan(0)
    expect(shape!.sale).toBeGreaterThan(10)
    expect(shape!.featured).toBeGreaterThan(5)
    expect(shape!.priced).toBeGreaterThan(0)

    // Served by the API like any product: a category page, a brand page, search, a product page.
    const categories = bodyOf(await store.get("/categories"), "categories.list").data
    const tees = categories.find((c) => c.slug === "t-shirts")
    expect(tees?.parentId).toBe(categories.find((c) => c.slug === "apparel")?.id)
    const teePage = await store.get(`/products?categoryId=${tees?.id}&expand[]=variants&expand[]=brand`)
    expect(bodyOf(teePage, "products.list").items.length).toBeGreaterThan(0)
    for (const item of bodyOf(teePage, "products.list").items) {
      expect(item.images?.[0]).toMatch(/^https:\/\/cdn\.shopvo\.eu\/demo\//)
      expect(item.variants?.[0]?.isDefault).toBe(true)
    }
    expect(bodyOf(await store.get("/products?search=hoodie"), "products.list").items.length).toBeGreaterThan(0)
    const featured = await store.get("/products?featured=true")
    expect(bodyOf(featured, "products.list").items.length).toBeGreaterThan(0)
    const one = await store.get(`/products/${bodyOf(teePage, "products.list").items[0]?.slug}`)
    expect(one.status).toBe(200)
    // Newest first follows the seeded order: creation times are spread, not all equal.
    const times = bodyOf(await store.get("/products?limit=100&fields=createdAt"), "products.list").items.map(
      (i) => i.createdAt
    )
    expect(new Set(times).size).toBe(times.length)
  })

  it("is reproducible: the same seed makes the same catalogue, another seed a different one", async () => {
    const snapshot = async (store: Store) =>
      query<{ name: string; price: string; sku: string; variants: string }>(
        (sql) => sql`select p.name, p.price, p.sku, p.status, p.featured, p.compare_at_price, p.images,
                            (select string_agg(v.name || ':' || v.sku || ':' || v.inventory_count || ':' || v.is_default, ',' order by v.sku)
                             from variants v where v.product_id = p.id) as variants
                     from products p where p.site_id = ${store.site.id} order by p.sku`
      )
    const one = await snapshot((await seeded(7, 40)).store)
    const two = await snapshot((await seeded(7, 40)).store)
    const three = await snapshot((await seeded(8, 40)).store)
    expect(two).toEqual(one)
    expect(three).not.toEqual(one)
  })

  it("refuses a second run in the same site before writing anything", async () => {
    const { store } = await seeded(5, 20)
    const count = async () =>
      (
        await query<{ n: number }>(
          (sql) => sql`select count(*)::int as n from products where site_id = ${store.site.id}`
        )
      )[0]!.n
    const before = await count()
    await expect(api.run(Seed.seedDemoCatalog(store.tenant, { seed: 9 }))).rejects.toThrow()
    expect(await count()).toBe(before)
  })

  it("the plan is data: the same options give the same plan, every SKU unique, one default per product", () => {
    const planned = Seed.plan({ seed: 3, products: 600 })
    expect(Seed.plan({ seed: 3, products: 600 })).toEqual(planned)
    expect(planned).toHaveLength(600)
    const skus = planned.flatMap((p) => [p.input.sku, ...p.variants.map((v) => v.sku)])
    expect(new Set(skus).size).toBe(skus.length)
    const names = planned.map((p) => p.input.name)
    expect(new Set(names).size).toBe(names.length)
    for (const p of planned) {
      expect(p.variants.length).toBeGreaterThanOrEqual(1)
      expect(p.variants.length).toBeLessThanOrEqual(4)
      expect(p.variants.filter((v) => v.isDefault)).toHaveLength(1)
      expect(Number.isInteger(p.input.price)).toBe(true)
    }
  })

  it("Slug and the generator: slugs from names, suffixes after the highest taken, a deterministic stream", () => {
    expect(Slug.fromName("  Hello,  World!  ")).toBe("hello-world")
    expect(Slug.fromName("Straße Ærø Œuvre")).toBe("strasse-aero-oeuvre")
    expect(Slug.fromName("a".repeat(300))).toHaveLength(Slug.maxDerivedLength)
    expect(Slug.nextCandidate("tee", [])).toBe("tee")
    expect(Slug.nextCandidate("tee", ["tee"])).toBe("tee-2")
    expect(Slug.nextCandidate("tee", ["tee", "tee-2", "tee-7", "tee-shirt"])).toBe("tee-8")
    const a = Seed.prng(1)
    const b = Seed.prng(1)
    const stream = Array.from({ length: 5 }, () => a.next())
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(stream)
    expect(stream.every((x) => x >= 0 && x < 1)).toBe(true)
  })
})
