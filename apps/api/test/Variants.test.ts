import { Validator } from "@shopvo/contract"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

const validator = new Validator()

describe("Variants", () => {
  let api: TestApi
  let siteA: string
  let siteB: string
  let keyA: string
  let liveKeyA: string
  let keyB: string
  let keyId: string

  /** Inserts a product directly (the products endpoints are another aggregate's). */
  const insertProduct = (
    siteId: string,
    livemode: boolean,
    fields: { name?: string; sku?: string | null } = {}
  ): Promise<string> =>
    api.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) => {
        const id = `prd_${Math.random().toString(36).slice(2, 14)}`
        const name = fields.name ?? "Classic White T-Shirt"
        return sql`insert into products (id, site_id, livemode, name, slug, price, currency, sku)
                   values (${id}, ${siteId}, ${livemode}, ${name}, ${id.replace("_", "-").toLowerCase()}, 2999, 'EUR', ${fields.sku ?? null})`.pipe(
          Effect.as(id)
        )
      })
    )

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))

  const variantsPath = (productId: string, site = siteA) => `/api/v1/${site}/products/${productId}/variants`

  const createVariant = async (productId: string, body: Record<string, unknown>, key = keyA) => {
    const res = await api.request("POST", variantsPath(productId), { key, body })
    expect(res.status, JSON.stringify(bodyOf(res, "products.createVariant"))).toBe(201)
    return bodyOf(res, "products.createVariant").data
  }

  const defaults = async (productId: string) =>
    (await query<{ id: string }>("select id from variants where product_id = $1 and is_default", [productId])).map(
      (r) => r.id
    )

  beforeAll(async () => {
    api = await start()
    siteA = (await api.createSite({ name: "A", plan: "enterprise" })).id
    siteB = (await api.createSite({ name: "B" })).id
    const created = await api.createKey(siteA)
    keyA = created.key
    keyId = created.id
    liveKeyA = (await api.createKey(siteA, { mode: "live" })).key
    keyB = (await api.createKey(siteB)).key
  })
  afterAll(() => api.close())

  describe("reference examples", () => {
    it("lists a product's variants as the example shows", async () => {
      const product = await insertProduct(siteA, false)
      await createVariant(product, {
        name: "Small / White",
        sku: "EX-TS-WHT-S",
        inventoryCount: 42,
        options: { Size: "Small", Color: "White" }
      })
      const res = await api.request("GET", variantsPath(product), { key: keyA })
      expect(res.status).toBe(200)
      expect(bodyOf(res, "products.listVariants").success).toBe(true)
      expect(bodyOf(res, "products.listVariants").data).toHaveLength(1)
      expect(bodyOf(res, "products.listVariants").data[0]).toMatchObject({
        productId: product,
        name: "Small / White",
        sku: "EX-TS-WHT-S",
        price: null,
        compareAtPrice: null,
        inventoryStatus: "IN_STOCK",
        inventoryCount: 42,
        options: { Size: "Small", Color: "White" },
        isDefault: true
      })
      expect(bodyOf(res, "products.listVariants").data[0]?.id).toMatch(/^var_/)
    })

    it("creates a variant from the example request", async () => {
      const product = await insertProduct(siteA, false)
      await createVariant(product, { name: "Small / White", inventoryCount: 42 })
      const res = await api.request("POST", variantsPath(product), {
        key: keyA,
        body: {
          name: "Large / Black",
          sku: "TS-BLK-L",
          inventoryCount: 10,
          options: { Size: "Large", Color: "Black" },
          isDefault: false
        }
      })
      expect(res.status).toBe(201)
      expect(bodyOf(res, "products.createVariant")).toMatchObject({
        success: true,
        data: {
          productId: product,
          name: "Large / Black",
          sku: "TS-BLK-L",
          price: null,
          compareAtPrice: null,
          inventoryStatus: "IN_STOCK",
          inventoryCount: 10,
          options: { Size: "Large", Color: "Black" },
          isDefault: false
        }
      })
      expect(bodyOf(res, "products.createVariant").data.createdAt).toBe(
        bodyOf(res, "products.createVariant").data.updatedAt
      )
    })

    it("updates a variant with the example request", async () => {
      const product = await insertProduct(siteA, false)
      const small = await createVariant(product, {
        name: "Small / White",
        sku: "EX-UPD-S",
        inventoryCount: 42,
        options: { Size: "Small", Color: "White" }
      })
      const res = await api.request("PATCH", `${variantsPath(product)}/${small.id}`, {
        key: keyA,
        body: { inventoryCount: 0, inventoryStatus: "OUT_OF_STOCK" }
      })
      expect(res.status).toBe(200)
      expect(bodyOf(res, "products.updateVariant")).toMatchObject({
        success: true,
        data: {
          id: small.id,
          productId: product,
          name: "Small / White",
          sku: "EX-UPD-S",
          price: null,
          compareAtPrice: null,
          inventoryStatus: "OUT_OF_STOCK",
          inventoryCount: 0,
          options: { Size: "Small", Color: "White" },
          isDefault: true
        }
      })
    })

    it("deletes a variant as the example shows", async () => {
      const product = await insertProduct(siteA, false)
      const v = await createVariant(product, { name: "One" })
      const res = await api.request("DELETE", `${variantsPath(product)}/${v.id}`, { key: keyA })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ success: true, deleted: true })
      expect(
        bodyOf(await api.request("GET", variantsPath(product), { key: keyA }), "products.listVariants").data
      ).toEqual([])
      expect((await api.request("DELETE", `${variantsPath(product)}/${v.id}`, { key: keyA })).status).toBe(404)
    })
  })

  describe("the default variant", () => {
    it("makes the first variant the default even when isDefault is false, later ones not", async () => {
      const product = await insertProduct(siteA, false)
      const first = await createVariant(product, { name: "First", isDefault: false })
      const second = await createVariant(product, { name: "Second" })
      expect(first.isDefault).toBe(true)
      expect(second.isDefault).toBe(false)
      expect(await defaults(product)).toEqual([first.id])
    })

    it("lists the default first, then the oldest", async () => {
      const product = await insertProduct(siteA, false)
      const a = await createVariant(product, { name: "A" })
      const b = await createVariant(product, { name: "B" })
      const c = await createVariant(product, { name: "C", isDefault: true })
      const res = await api.request("GET", variantsPath(product), { key: keyA })
      expect(bodyOf(res, "products.listVariants").data.map((v: { id: string }) => v.id)).toEqual([c.id, a.id, b.id])
      expect(bodyOf(res, "products.listVariants").data.map((v: { isDefault: boolean }) => v.isDefault)).toEqual([
        true,
        false,
        false
      ])
    })

    it("creating with isDefault: true demotes the previous default", async () => {
      const product = await insertProduct(siteA, false)
      const a = await createVariant(product, { name: "A" })
      const b = await createVariant(product, { name: "B", isDefault: true })
      expect(b.isDefault).toBe(true)
      expect(await defaults(product)).toEqual([b.id])
      const list = await api.request("GET", variantsPath(product), { key: keyA })
      expect(bodyOf(list, "products.listVariants").data.find((v) => v.id === a.id)?.isDefault).toBe(false)
    })

    it("updating with isDefault: true promotes the variant and demotes the previous default", async () => {
      const product = await insertProduct(siteA, false)
      const a = await createVariant(product, { name: "A" })
      const b = await createVariant(product, { name: "B" })
      const res = await api.request("PATCH", `${variantsPath(product)}/${b.id}`, {
        key: keyA,
        body: { isDefault: true }
      })
      expect(res.status).toBe(200)
      expect(bodyOf(res, "products.updateVariant").data.isDefault).toBe(true)
      expect(await defaults(product)).toEqual([b.id])
      // Promoting the default again changes nothing.
      expect(
        (await api.request("PATCH", `${variantsPath(product)}/${b.id}`, { key: keyA, body: { isDefault: true } }))
          .status
      ).toBe(200)
      expect(await defaults(product)).toEqual([b.id])
      expect(a.isDefault).toBe(true)
    })

    it("refuses to demote the default with isDefault: false (422); on another variant it is a no-op", async () => {
      const product = await insertProduct(siteA, false)
      const a = await createVariant(product, { name: "A" })
      const b = await createVariant(product, { name: "B" })
      const res = await api.request("PATCH", `${variantsPath(product)}/${a.id}`, {
        key: keyA,
        body: { isDefault: false, name: "Renamed" }
      })
      expect(res.status).toBe(422)
      expect(errorOf(res).code).toBe("default_variant_required")
      // Nothing of the refused update was applied.
      const list = await api.request("GET", variantsPath(product), { key: keyA })
      expect(bodyOf(list, "products.listVariants").data[0]).toMatchObject({ id: a.id, name: "A", isDefault: true })

      const other = await api.request("PATCH", `${variantsPath(product)}/${b.id}`, {
        key: keyA,
        body: { isDefault: false }
      })
      expect(other.status).toBe(200)
      expect(bodyOf(other, "products.updateVariant").data.isDefault).toBe(false)
      expect(await defaults(product)).toEqual([a.id])
    })

    it("deleting the default promotes the next oldest; deleting another keeps the default", async () => {
      const product = await insertProduct(siteA, false)
      const a = await createVariant(product, { name: "A" })
      const b = await createVariant(product, { name: "B" })
      const c = await createVariant(product, { name: "C" })
      const d = await createVariant(product, { name: "D", isDefault: true })
      // The default (d, the newest) goes: the oldest remaining (a) takes over.
      expect((await api.request("DELETE", `${variantsPath(product)}/${d.id}`, { key: keyA })).status).toBe(200)
      expect(await defaults(product)).toEqual([a.id])
      expect((await api.request("DELETE", `${variantsPath(product)}/${c.id}`, { key: keyA })).status).toBe(200)
      expect(await defaults(product)).toEqual([a.id])
      expect((await api.request("DELETE", `${variantsPath(product)}/${a.id}`, { key: keyA })).status).toBe(200)
      expect(await defaults(product)).toEqual([b.id])
      expect((await api.request("DELETE", `${variantsPath(product)}/${b.id}`, { key: keyA })).status).toBe(200)
      expect(await defaults(product)).toEqual([])
      // A new first variant is the default again.
      expect((await createVariant(product, { name: "E" })).isDefault).toBe(true)
    })

    it("ends with exactly one default after 50 simultaneous promotions across the variants (no 500s)", async () => {
      const product = await insertProduct(siteA, false)
      const variants: Array<{ id: string }> = []
      for (let i = 0; i < 5; i++) variants.push(await createVariant(product, { name: `V${i}` }))
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          api.request("PATCH", `${variantsPath(product)}/${variants[i % variants.length]!.id}`, {
            key: keyA,
            body: { isDefault: true }
          })
        )
      )
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(200))
      const winners = await defaults(product)
      expect(winners).toHaveLength(1)
      const list = await api.request("GET", variantsPath(product), { key: keyA })
      expect(
        bodyOf(list, "products.listVariants").data.filter((v: { isDefault: boolean }) => v.isDefault)
      ).toHaveLength(1)
      expect(bodyOf(list, "products.listVariants").data[0]?.id).toBe(winners[0])
    })

    it("keeps one default under simultaneous creates, promotions and deletes", async () => {
      const product = await insertProduct(siteA, false)
      const seed: Array<{ id: string }> = []
      for (let i = 0; i < 6; i++) seed.push(await createVariant(product, { name: `S${i}` }))
      const results = await Promise.all([
        ...Array.from({ length: 15 }, (_, i) =>
          api.request("POST", variantsPath(product), { key: keyA, body: { name: `N${i}`, isDefault: true } })
        ),
        ...seed.slice(0, 3).map((v) => api.request("DELETE", `${variantsPath(product)}/${v.id}`, { key: keyA })),
        ...seed
          .slice(3)
          .map((v) =>
            api.request("PATCH", `${variantsPath(product)}/${v.id}`, { key: keyA, body: { isDefault: true } })
          )
      ])
      expect(results.filter((r) => r.status >= 500)).toEqual([])
      expect(await defaults(product)).toHaveLength(1)
    })
  })

  describe("inventory status", () => {
    it("derives the status from the count and the site's threshold when omitted", async () => {
      const product = await insertProduct(siteA, false)
      const status = async (body: Record<string, unknown>) =>
        (await createVariant(product, { name: "X", ...body })).inventoryStatus
      // The site's default threshold is 5.
      expect(await status({})).toBe("OUT_OF_STOCK")
      expect(await status({ inventoryCount: 0 })).toBe("OUT_OF_STOCK")
      expect(await status({ inventoryCount: 1 })).toBe("LOW_STOCK")
      expect(await status({ inventoryCount: 5 })).toBe("LOW_STOCK")
      expect(await status({ inventoryCount: 6 })).toBe("IN_STOCK")
      // An explicit status is kept.
      expect(await status({ inventoryCount: 50, inventoryStatus: "OUT_OF_STOCK" })).toBe("OUT_OF_STOCK")
    })

    it("uses the site's own low-stock threshold", async () => {
      const site = (await api.createSite({ name: "Threshold 10" })).id
      const key = (await api.createKey(site)).key
      await query("update sites set low_stock_threshold = 10 where id = $1", [site])
      const product = await insertProduct(site, false)
      const res = await api.request("POST", variantsPath(product, site), {
        key,
        body: { name: "X", inventoryCount: 8 }
      })
      expect(bodyOf(res, "products.createVariant").data.inventoryStatus).toBe("LOW_STOCK")
    })

    it("re-derives the status when an update changes the count without a status", async () => {
      const product = await insertProduct(siteA, false)
      const v = await createVariant(product, { name: "X", inventoryCount: 20 })
      const patch = async (body: Record<string, unknown>) =>
        bodyOf(
          await api.request("PATCH", `${variantsPath(product)}/${v.id}`, { key: keyA, body }),
          "products.updateVariant"
        ).data.inventoryStatus
      expect(await patch({ inventoryCount: 3 })).toBe("LOW_STOCK")
      expect(await patch({ inventoryCount: 0 })).toBe("OUT_OF_STOCK")
      expect(await patch({ inventoryCount: 9 })).toBe("IN_STOCK")
      expect(await patch({ inventoryStatus: "OUT_OF_STOCK" })).toBe("OUT_OF_STOCK")
      // A name change leaves the (explicit) status alone.
      expect(await patch({ name: "Y" })).toBe("OUT_OF_STOCK")
    })

    it("keeps a count change made by an update in the stock audit trail and emits inventory.low on the crossing", async () => {
      const product = await insertProduct(siteA, false, { name: "Audited Tee" })
      const v = await createVariant(product, { name: "M", sku: "AUD-M", inventoryCount: 20 })
      await api.request("PATCH", `${variantsPath(product)}/${v.id}`, { key: keyA, body: { inventoryCount: 4 } })
      await api.request("PATCH", `${variantsPath(product)}/${v.id}`, { key: keyA, body: { inventoryCount: 3 } })
      await api.request("PATCH", `${variantsPath(product)}/${v.id}`, { key: keyA, body: { name: "Medium" } })
      const audit = await query<{
        operation: string
        previous_count: number
        new_count: number
        api_key_id: string
        variant_id: string
      }>(
        "select operation, previous_count, new_count, api_key_id, variant_id from inventory_adjustments where product_id = $1 order by created_at",
        [product]
      )
      expect(audit).toEqual([
        { operation: "set", previous_count: 20, new_count: 4, api_key_id: keyId, variant_id: v.id },
        { operation: "set", previous_count: 4, new_count: 3, api_key_id: keyId, variant_id: v.id }
      ])
      const events = await query<{ payload: Record<string, unknown> }>(
        "select payload from events where type = 'inventory.low' and payload->>'productId' = $1",
        [product]
      )
      expect(events.map((e) => e.payload)).toEqual([
        {
          id: v.id,
          productId: product,
          variantId: v.id,
          name: "Audited Tee — M",
          sku: "AUD-M",
          inventoryCount: 4,
          inventoryStatus: "LOW_STOCK",
          lowStockThreshold: 5
        }
      ])
    })
  })

  describe("fields and rules", () => {
    it("stores prices in minor units and clears them with null", async () => {
      const product = await insertProduct(siteA, false)
      const v = await createVariant(product, {
        name: "Pricey",
        price: 3499,
        compareAtPrice: 3999,
        options: { Size: "XL" }
      })
      const res = await api.request("PATCH", `${variantsPath(product)}/${v.id}`, {
        key: keyA,
        body: { price: null, options: { Size: "XXL" } }
      })
      expect(bodyOf(res, "products.updateVariant").data).toMatchObject({
        price: null,
        compareAtPrice: 3999,
        options: { Size: "XXL" }
      })
    })

    it("refuses a SKU already used by a variant or a product of the site (409), not one of another site", async () => {
      const product = await insertProduct(siteA, false, { sku: "PRODUCT-SKU-1" })
      const v = await createVariant(product, { name: "A", sku: "DUP-1" })
      const dupVariant = await api.request("POST", variantsPath(product), {
        key: keyA,
        body: { name: "B", sku: "DUP-1" }
      })
      expect(dupVariant.status).toBe(409)
      expect(errorOf(dupVariant).code).toBe("sku_taken")
      const dupProduct = await api.request("POST", variantsPath(product), {
        key: keyA,
        body: { name: "B", sku: "PRODUCT-SKU-1" }
      })
      expect(dupProduct.status).toBe(409)
      // Keeping its own SKU is no conflict; taking another's is.
      const b = await createVariant(product, { name: "B", sku: "DUP-2" })
      expect(
        (
          await api.request("PATCH", `${variantsPath(product)}/${v.id}`, {
            key: keyA,
            body: { sku: "DUP-1", name: "A2" }
          })
        ).status
      ).toBe(200)
      const taken = await api.request("PATCH", `${variantsPath(product)}/${b.id}`, {
        key: keyA,
        body: { sku: "DUP-1" }
      })
      expect(taken.status).toBe(409)
      expect(errorOf(taken).code).toBe("sku_taken")
      // Another site, and live mode, have their own SKUs.
      const theirs = await insertProduct(siteB, false)
      expect(
        (await api.request("POST", variantsPath(theirs, siteB), { key: keyB, body: { name: "A", sku: "DUP-1" } }))
          .status
      ).toBe(201)
      const live = await insertProduct(siteA, true)
      expect(
        (await api.request("POST", variantsPath(live), { key: liveKeyA, body: { name: "A", sku: "DUP-1" } })).status
      ).toBe(201)
    })

    it("lets exactly one of many simultaneous creates take a SKU", async () => {
      const product = await insertProduct(siteA, false)
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          api.request("POST", variantsPath(product), { key: keyA, body: { name: `R${i}`, sku: "RACE-SKU" } })
        )
      )
      expect(results.filter((r) => r.status === 201)).toHaveLength(1)
      expect(results.filter((r) => r.status === 409)).toHaveLength(9)
    })

    it("validates input against the spec (400)", async () => {
      const product = await insertProduct(siteA, false)
      const missing = await api.request("POST", variantsPath(product), { key: keyA, body: { sku: "X" } })
      expect(missing.status).toBe(400)
      const negative = await api.request("POST", variantsPath(product), {
        key: keyA,
        body: { name: "X", inventoryCount: -1 }
      })
      expect(negative.status).toBe(400)
      const v = await createVariant(product, { name: "X" })
      const empty = await api.request("PATCH", `${variantsPath(product)}/${v.id}`, { key: keyA, body: {} })
      expect(empty.status).toBe(400)
      const unknown = await api.request("PATCH", `${variantsPath(product)}/${v.id}`, {
        key: keyA,
        body: { colour: "red" }
      })
      expect(unknown.status).toBe(400)
    })

    it("records product.updated with the product after the change, and moves its updatedAt", async () => {
      const product = await insertProduct(siteA, false, { name: "Evented", sku: "EVT-SKU" })
      const before = (await query<{ updated_at: Date }>("select updated_at from products where id = $1", [product]))[0]!
        .updated_at
      const v = await createVariant(product, { name: "A", inventoryCount: 3 })
      await api.request("PATCH", `${variantsPath(product)}/${v.id}`, { key: keyA, body: { name: "A2" } })
      await api.request("DELETE", `${variantsPath(product)}/${v.id}`, { key: keyA })
      const events = await query<{ payload: { id: string; updatedAt: string; variants: Array<{ name: string }> } }>(
        "select payload from events where type = 'product.updated' and payload->>'id' = $1 order by created_at, id",
        [product]
      )
      expect(events.map((e) => e.payload.variants.map((x) => x.name))).toEqual([["A"], ["A2"], []])
      for (const { payload } of events) {
        const check = validator.validate({ $ref: "#/components/schemas/Product" }, payload)
        expect(check.ok, JSON.stringify(check)).toBe(true)
      }
      expect(new Date(events[0]!.payload.updatedAt).getTime()).toBeGreaterThan(before.getTime())
      // A refused change records nothing.
      const count = (
        await query("select 1 from events where type = 'product.updated' and payload->>'id' = $1", [product])
      ).length
      expect(
        (await api.request("POST", variantsPath(product), { key: keyA, body: { name: "X", sku: "EVT-SKU" } })).status
      ).toBe(409)
      expect(
        (await query("select 1 from events where type = 'product.updated' and payload->>'id' = $1", [product])).length
      ).toBe(count)
    })
  })

  describe("tenancy and scopes", () => {
    it("answers 404 for a product of another site or mode, and for a variant of another product", async () => {
      const theirs = await insertProduct(siteB, false)
      const theirVariant = bodyOf(
        await api.request("POST", variantsPath(theirs, siteB), { key: keyB, body: { name: "B" } }),
        "products.createVariant"
      ).data.id
      const live = await insertProduct(siteA, true)
      const liveVariant = bodyOf(
        await api.request("POST", variantsPath(live), { key: liveKeyA, body: { name: "L" } }),
        "products.createVariant"
      ).data.id
      const mine = await insertProduct(siteA, false)
      const myVariant = await createVariant(mine, { name: "M" })
      const other = await insertProduct(siteA, false)

      const probes: Array<[string, string, unknown?]> = [
        ["GET", variantsPath(theirs)],
        ["POST", variantsPath(theirs), { name: "X" }],
        ["PATCH", `${variantsPath(theirs)}/${theirVariant}`, { name: "X" }],
        ["DELETE", `${variantsPath(theirs)}/${theirVariant}`],
        ["GET", variantsPath(live)],
        ["POST", variantsPath(live), { name: "X" }],
        ["PATCH", `${variantsPath(live)}/${liveVariant}`, { isDefault: true }],
        ["DELETE", `${variantsPath(live)}/${liveVariant}`],
        ["GET", variantsPath("prd_doesnotexist")],
        ["PATCH", `${variantsPath(other)}/${myVariant.id}`, { name: "X" }],
        ["DELETE", `${variantsPath(other)}/${myVariant.id}`],
        ["PATCH", `${variantsPath(mine)}/var_doesnotexist`, { name: "X" }]
      ]
      for (const [method, path, body] of probes) {
        const res = await api.request(method, path, { key: keyA, ...(body ? { body } : {}) })
        expect(res.status, `${method} ${path}`).toBe(404)
        expect(errorOf(res).code).toBe("not_found")
      }
      // Untouched for their owners.
      expect(
        bodyOf(await api.request("GET", variantsPath(theirs, siteB), { key: keyB }), "products.listVariants").data
      ).toHaveLength(1)
      expect(
        bodyOf(await api.request("GET", variantsPath(live), { key: liveKeyA }), "products.listVariants").data
      ).toHaveLength(1)
      expect(
        bodyOf(await api.request("GET", variantsPath(mine), { key: keyA }), "products.listVariants").data[0]?.name
      ).toBe("M")
    })

    it("needs read:catalog to list and write:catalog to change", async () => {
      const product = await insertProduct(siteA, false)
      const v = await createVariant(product, { name: "A" })
      const reader = (await api.createKey(siteA, { scopes: ["read:catalog"] })).key
      const writer = (await api.createKey(siteA, { scopes: ["write:catalog"] })).key
      const inventory = (await api.createKey(siteA, { scopes: ["read:inventory", "write:inventory"] })).key
      expect((await api.request("GET", variantsPath(product), { key: reader })).status).toBe(200)
      expect((await api.request("GET", variantsPath(product), { key: inventory })).status).toBe(403)
      for (const [method, path, body] of [
        ["POST", variantsPath(product), { name: "B" }],
        ["PATCH", `${variantsPath(product)}/${v.id}`, { name: "B" }],
        ["DELETE", `${variantsPath(product)}/${v.id}`, undefined]
      ] as const) {
        const res = await api.request(method, path, { key: reader, ...(body ? { body } : {}) })
        expect(res.status, `${method} ${path}`).toBe(403)
        expect(errorOf(res).error).toContain("write:catalog")
      }
      expect(
        (await api.request("PATCH", `${variantsPath(product)}/${v.id}`, { key: writer, body: { name: "B" } })).status
      ).toBe(200)
    })

    it("replays a create with the same Idempotency-Key instead of adding a second variant", async () => {
      const product = await insertProduct(siteA, false)
      const send = () =>
        api.request("POST", variantsPath(product), {
          key: keyA,
          body: { name: "Once" },
          headers: { "idempotency-key": `variant-${product}` }
        })
      const first = await send()
      const second = await send()
      expect(second.status).toBe(201)
      expect(bodyOf(second, "products.createVariant").data.id).toBe(bodyOf(first, "products.createVariant").data.id)
      expect(
        bodyOf(await api.request("GET", variantsPath(product), { key: keyA }), "products.listVariants").data
      ).toHaveLength(1)
    })
  })
})
