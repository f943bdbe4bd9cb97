import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Brand, Brands } from "../src/Brands/Service.js"
import { Categories, type Category, type NewCategory } from "../src/Categories/Service.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

let api: TestApi

beforeAll(async () => {
  api = await start()
})
afterAll(() => api.close())

const newStore = async () => {
  const site = await api.createSite()
  const key = (await api.createKey(site.id)).key
  const tenant = { siteId: site.id, livemode: false }
  const get = (path: string, k = key) => api.request("GET", `/api/v1/${site.id}${path}`, { key: k })
  return { site, key, tenant, get }
}

describe("Categories", () => {
  let store: Awaited<ReturnType<typeof newStore>>
  let apparel: Category
  let tees: Category
  let hoodies: Category
  let home: Category

  beforeAll(async () => {
    store = await newStore()
    const create = (input: NewCategory) => api.run(Categories.create(store.tenant, input))
    apparel = await create({ name: "Apparel", description: "Clothing for every day." })
    tees = await create({ name: "T-Shirts", parentId: apparel.id })
    home = await create({ name: "Home & Living" })
    hoodies = await create({ name: "Hoodies", parentId: apparel.id })
  })

  it("the reference's example: a flat list of { id, name, slug, … }", async () => {
    const res = await store.get("/categories")
    expect(res.status).toBe(200)
    expect(bodyOf(res, "categories.list").success).toBe(true)
    expect(bodyOf(res, "categories.list").data[0]).toEqual({
      id: apparel.id,
      name: "Apparel",
      slug: "apparel",
      description: "Clothing for every day.",
      parentId: null
    })
  })

  it("lists every category flat, ordered by name, with parentId to rebuild the tree", async () => {
    const res = await store.get("/categories")
    expect(bodyOf(res, "categories.list").data).toEqual([
      { id: apparel.id, name: "Apparel", slug: "apparel", description: "Clothing for every day.", parentId: null },
      { id: home.id, name: "Home & Living", slug: "home-living", description: null, parentId: null },
      { id: hoodies.id, name: "Hoodies", slug: "hoodies", description: null, parentId: apparel.id },
      { id: tees.id, name: "T-Shirts", slug: "t-shirts", description: null, parentId: apparel.id }
    ])
  })

  it("slug returns the one matching category, or an empty list", async () => {
    expect(bodyOf(await store.get("/categories?slug=t-shirts"), "categories.list").data).toEqual([
      { id: tees.id, name: "T-Shirts", slug: "t-shirts", description: null, parentId: apparel.id }
    ])
    expect(bodyOf(await store.get("/categories?slug=nothing-here"), "categories.list")).toEqual({
      success: true,
      data: []
    })
  })

  it("parentId returns the direct children only", async () => {
    const socks = await api.run(Categories.create(store.tenant, { name: "Socks", parentId: tees.id }))
    expect(
      bodyOf(await store.get(`/categories?parentId=${apparel.id}`), "categories.list").data.map(
        (c: { id: string }) => c.id
      )
    ).toEqual([hoodies.id, tees.id])
    expect(
      bodyOf(await store.get(`/categories?parentId=${tees.id}`), "categories.list").data.map(
        (c: { id: string }) => c.id
      )
    ).toEqual([socks.id])
    expect(bodyOf(await store.get(`/categories?parentId=${home.id}`), "categories.list").data).toEqual([])
    expect(
      bodyOf(await store.get(`/categories?parentId=${apparel.id}&slug=hoodies`), "categories.list").data.map(
        (c: { id: string }) => c.id
      )
    ).toEqual([hoodies.id])
  })

  it("rejects unknown parameters and empty values", async () => {
    expect((await store.get("/categories?slug=")).status).toBe(400)
    expect((await store.get("/categories?parent=x")).status).toBe(400)
  })

  it("another site's or mode's categories are invisible, also by slug and as a parent", async () => {
    const other = await newStore()
    expect(bodyOf(await other.get("/categories"), "categories.list").data).toEqual([])
    expect(bodyOf(await other.get("/categories?slug=apparel"), "categories.list").data).toEqual([])
    expect(bodyOf(await other.get(`/categories?parentId=${apparel.id}`), "categories.list").data).toEqual([])
    const live = (await api.createKey(store.site.id, { mode: "live" })).key
    expect(bodyOf(await store.get("/categories", live), "categories.list").data).toEqual([])
    expect(bodyOf(await store.get("/categories?slug=apparel", live), "categories.list").data).toEqual([])
    // The same slug may exist in another site and in the other mode.
    await api.run(Categories.create(other.tenant, { name: "Apparel" }))
    await api.run(Categories.create({ siteId: store.site.id, livemode: true }, { name: "Apparel" }))
    expect(bodyOf(await store.get("/categories?slug=apparel", live), "categories.list").data).toHaveLength(1)
    expect(bodyOf(await store.get("/categories?slug=apparel"), "categories.list").data[0]?.id).toBe(apparel.id)
  })

  it("the repository refuses a taken slug and a parent from another site", async () => {
    const other = await newStore()
    const taken = await api.run(Effect.either(Categories.create(store.tenant, { name: "Apparel" })))
    expect(taken._tag === "Left" && taken.left._tag).toBe("CategorySlugTaken")
    const foreign = await api.run(
      Effect.either(Categories.create(other.tenant, { name: "Child", parentId: apparel.id }))
    )
    expect(foreign._tag === "Left" && foreign.left._tag).toBe("UnknownParent")
  })

  it("needs read:catalog", async () => {
    const reader = (await api.createKey(store.site.id, { scopes: ["read:catalog"] })).key
    const other = (await api.createKey(store.site.id, { scopes: ["read:content"] })).key
    expect((await store.get("/categories", reader)).status).toBe(200)
    const refused = await store.get("/categories", other)
    expect(refused.status).toBe(403)
    expect(errorOf(refused).code).toBe("forbidden")
    expect((await api.request("GET", `/api/v1/${store.site.id}/categories`)).status).toBe(401)
  })
})

describe("Brands", () => {
  let store: Awaited<ReturnType<typeof newStore>>
  let essentials: Brand
  let alpine: Brand

  beforeAll(async () => {
    store = await newStore()
    essentials = await api.run(
      Brands.create(store.tenant, { name: "Essentials", description: "Wardrobe basics made to last." })
    )
    alpine = await api.run(Brands.create(store.tenant, { name: "Alpine Thread" }))
  })

  it("the reference's example: every brand as { id, name, slug, … }, ordered by name", async () => {
    const res = await store.get("/brands")
    expect(res.status).toBe(200)
    expect(bodyOf(res, "brands.list")).toEqual({
      success: true,
      data: [
        { id: alpine.id, name: "Alpine Thread", slug: "alpine-thread", description: null },
        { id: essentials.id, name: "Essentials", slug: "essentials", description: "Wardrobe basics made to last." }
      ]
    })
  })

  it("slug returns the one matching brand, or an empty list", async () => {
    expect(bodyOf(await store.get("/brands?slug=essentials"), "brands.list").data).toEqual([
      { id: essentials.id, name: "Essentials", slug: "essentials", description: "Wardrobe basics made to last." }
    ])
    expect(bodyOf(await store.get("/brands?slug=unknown"), "brands.list").data).toEqual([])
    expect((await store.get("/brands?slug=")).status).toBe(400)
  })

  it("another site's or mode's brands are invisible", async () => {
    const other = await newStore()
    expect(bodyOf(await other.get("/brands"), "brands.list").data).toEqual([])
    expect(bodyOf(await other.get("/brands?slug=essentials"), "brands.list").data).toEqual([])
    const live = (await api.createKey(store.site.id, { mode: "live" })).key
    expect(bodyOf(await store.get("/brands", live), "brands.list").data).toEqual([])
  })

  it("the repository derives slugs and refuses a taken one", async () => {
    const made = await api.run(Brands.create(store.tenant, { name: "Harbor & Co." }))
    expect(made.slug).toBe("harbor-co")
    const taken = await api.run(Effect.either(Brands.create(store.tenant, { name: "Harbor & Co" })))
    expect(taken._tag === "Left" && taken.left._tag).toBe("BrandSlugTaken")
  })

  it("needs read:catalog", async () => {
    const reader = (await api.createKey(store.site.id, { scopes: ["read:catalog"] })).key
    const writer = (await api.createKey(store.site.id, { scopes: ["write:catalog"] })).key
    expect((await store.get("/brands", reader)).status).toBe(200)
    expect((await store.get("/brands", writer)).status).toBe(403)
  })
})
